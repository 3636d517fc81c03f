// One visit to the video identification pages (broker/web/visits.ts): what it has proved — the
// appointment opened with link and security code, or the activation opened with link and
// activation code (and the keys being set up).
import type { Config } from '../../../config.js';
import type { EphemeralStore } from '../../../store/ephemeral.js';
import { createVisits, type Visit, type Visits } from '../../../web/visits.js';

/** long enough to scan both sides of a document, short enough that a forgotten tab closes */
const VISIT_MS = 30 * 60_000;

export interface VideoProof {
  /** the request whose appointment link and security code were given */
  readonly appointment?: string;
  /**
   * the request whose activation link and code were given, and the keys being set up;
   * `mobileProved` once the code sent by SMS to the mobile on file was typed back
   */
  readonly activation?: { readonly requestId: string; readonly personId: string; readonly mobileProved?: boolean; readonly totpDraft?: string };
}

export type VideoVisit = Visit<VideoProof>;
export type VideoVisits = Visits<VideoProof>;

export function createVideoVisits(cfg: Config, store: EphemeralStore, now: () => Date): VideoVisits {
  return createVisits<VideoProof>(cfg, store, now, { cookie: 'pasarela_video', path: '/register/video', keyPrefix: 'video-visit', lifetimeMs: VISIT_MS });
}
