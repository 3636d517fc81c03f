// broker/pki opened from configuration, once per broker: the trusted lists (loaded and verified
// at start, then refreshed), the revocation checker, and the CertificateValidator composed of
// them. Used by the client-certificate host (the certificate connector's logins and device
// activation) and by /readyz (a trusted list past its next update is a warning).
import type { Logger } from 'pino';
import { PROJECT_ROOT, varPath, type Config } from '../config.js';
import type { CertificateValidator, TrustedLists } from './model.js';
import { openTrustedLists } from './trusted-list/index.js';
import { createRevocationChecker } from './revocation/checker.js';
import { createCertificateValidator } from './validator.js';

export interface CertificateTrust {
  readonly trustedLists: TrustedLists;
  readonly validator: CertificateValidator;
  close(): void;
}

export async function openCertificateTrust(cfg: Config, log: Logger, now: () => Date): Promise<CertificateTrust> {
  const pki = cfg.pki;
  const trustedLists = await openTrustedLists({
    sources: pki.trustedLists,
    refreshMinutes: pki.trustedListRefreshMinutes,
    graceHours: pki.trustedListGraceHours,
    sequenceFile: varPath(cfg, 'trusted-list-sequence.json'),
    log,
    now,
    fetchTimeoutMs: pki.fetchTimeoutMs,
    maxBytes: pki.trustedListMaxBytes,
    root: PROJECT_ROOT,
  });
  const revocation = createRevocationChecker({ ...pki.revocation, log });
  const validator = createCertificateValidator({ trustedLists, revocation, profiles: pki.profiles, log });
  return { trustedLists, validator, close: () => trustedLists.close() };
}

/** one /readyz warning per trusted list past its next update (used within pki.trustedListGraceHours, then not) */
export function staleListWarnings(trust: CertificateTrust, at: Date): string[] {
  return trust.trustedLists.staleAt(at).map((s) => `trusted list ${s.source} is past its next update${s.nextUpdate ? ` (${s.nextUpdate.toISOString()})` : ''}`);
}
