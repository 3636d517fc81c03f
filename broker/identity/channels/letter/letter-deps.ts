// What the invitation-letter routes share, built once by index.ts.
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DbSchema } from '../../../store/schema.js';
import type { AuditLog } from '../../../store/audit-log.js';
import type { RateLimiter } from '../../../flow/rate-limit.js';
import type { PageRenderer } from '../../../web/render.js';
import type { LetterChannelConfig } from './config.js';
import type { Letters } from './letters.js';
import type { LetterPost } from './letter-post.js';
import type { ResidentsRegister } from './residents.js';
import type { LetterVisits } from './visit.js';
import type { MobileProof } from '../mobile-proof.js';

export interface LetterDeps {
  readonly opts: LetterChannelConfig;
  readonly db: Kysely<DbSchema>;
  readonly residents: ResidentsRegister;
  readonly letters: Letters;
  readonly post: LetterPost;
  readonly visits: LetterVisits;
  /** the code by SMS that proves the typed mobile before it is registered */
  readonly mobileProof: MobileProof;
  readonly pages: PageRenderer;
  readonly rateLimit: RateLimiter;
  readonly audit: AuditLog;
  readonly log: Logger;
  readonly now: () => Date;
  /** the address printed in the letter */
  readonly completeUrl: string;
  readonly ip: (req: Request) => string;
}
