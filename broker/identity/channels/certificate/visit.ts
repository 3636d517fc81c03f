// One visit to the certificate registration pages (broker/web/visits.ts). The certificate tickets
// are issued for the visit, so a ticket brought back by another browser is refused; once a
// certificate was presented for an unknown holder, the visit carries that holder, waiting for the
// contact details, under a new cookie.
import type { Config } from '../../../config.js';
import type { EphemeralStore } from '../../../store/ephemeral.js';
import { createVisits, type Visit, type Visits } from '../../../web/visits.js';
import type { PresentedHolder } from './register.js';

export interface CertificateProof {
  readonly presented?: PresentedHolder;
}

export type CertificateVisit = Visit<CertificateProof>;
export type CertificateVisits = Visits<CertificateProof>;

export function createCertificateVisits(cfg: Config, store: EphemeralStore, lifetimeMs: number, now: () => Date): CertificateVisits {
  return createVisits<CertificateProof>(cfg, store, now, { cookie: 'pasarela_cert_registration', path: '/register/certificate', keyPrefix: 'cert-registration', lifetimeMs });
}
