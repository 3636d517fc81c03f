// The CertificateValidator (model.ts): a presented client-certificate chain → the accepted
// certificate (holder, profile, device) or CertificateRejected. The order puts the checks that
// need no network first — parse, path to a granted CA/QC service of the trusted lists at the
// validation time, qualification from that service entry, the holder's identity — and only then
// asks OCSP/CRL about each certificate of the path below its anchor, so a certificate that would
// be refused anyway never costs a responder round trip.
import { X509Certificate } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { CertificateRejected, type AcceptedCertificate, type CertificateValidator, type RevocationChecker, type TrustedLists } from './model.js';
import { MAX_PRESENTED_CERTIFICATES, validatePath } from './path.js';
import { qualify, readStatements } from './qualification.js';
import { readHolder } from './holder.js';
import { x509 } from './x509.js';

const MAX_CERTIFICATE_BYTES = 16_384;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export interface CertificateValidatorDeps {
  readonly trustedLists: TrustedLists;
  readonly revocation: RevocationChecker;
  readonly profiles: Config['pki']['profiles'];
  readonly log: Logger;
}

function malformed(detail: string): CertificateRejected {
  return new CertificateRejected('malformed', detail);
}

/** PEM (one or several blocks per item) or DER items, leaf first, as Node certificates. */
export function parsePresented(presented: readonly (string | Buffer)[]): X509Certificate[] {
  const ders: Buffer[] = [];
  for (const item of presented) {
    const text = typeof item === 'string' ? item : item.subarray(0, 11).toString('latin1') === '-----BEGIN ' ? item.toString('latin1') : undefined;
    if (text === undefined) ders.push(item as Buffer);
    else {
      const blocks = text.match(PEM_BLOCK);
      if (!blocks) throw malformed('no PEM certificate in the presented data');
      ders.push(...blocks.map((b) => Buffer.from(b.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''), 'base64')));
    }
  }
  if (ders.length === 0) throw malformed('no certificate presented');
  if (ders.length > MAX_PRESENTED_CERTIFICATES) throw malformed(`${ders.length} certificates presented (at most ${MAX_PRESENTED_CERTIFICATES})`);
  return ders.map((der, i) => {
    if (der.length > MAX_CERTIFICATE_BYTES) throw malformed(`certificate ${i} is ${der.length} bytes (at most ${MAX_CERTIFICATE_BYTES})`);
    try {
      return new X509Certificate(der);
    } catch (err) {
      throw malformed(`certificate ${i} cannot be parsed: ${(err as Error).message}`);
    }
  });
}

export function createCertificateValidator(deps: CertificateValidatorDeps): CertificateValidator {
  return {
    async validate(presented, at) {
      const chain = parsePresented(presented);
      const path = validatePath(chain, deps.trustedLists.grantedCaServicesAt(at), at);
      let statements;
      try {
        statements = readStatements(path.leaf);
      } catch (err) {
        throw malformed(`unreadable QcStatements, policies or key usage: ${(err as Error).message}`);
      }
      const { profile, qualifiedDevice, service } = qualify(statements, path.services, at, deps.profiles);
      const holder = readHolder(path.leaf, deps.profiles.issuers);
      // every certificate below the anchor (the last one, which the trusted list vouches for)
      for (let i = 0; i < path.chain.length - 1; i++) await deps.revocation.check(path.chain[i]!, path.chain[i + 1]!, at);
      const accepted: AcceptedCertificate = {
        holder,
        profile,
        qualifiedDevice,
        issuer: new x509.X509Certificate(path.leaf.raw).issuer,
        serialNumber: path.leaf.serialNumber.toUpperCase(),
        fingerprint256: path.leaf.fingerprint256,
        territory: service.territory,
      };
      deps.log.debug({ issuer: accepted.issuer, serialNumber: accepted.serialNumber, profile, qualifiedDevice }, 'client certificate accepted');
      return accepted;
    },
  };
}
