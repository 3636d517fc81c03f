// Activation links (seed 004 §3.2): 32 random bytes, base64url, e-mailed once; only the SHA-256
// is stored, so a database dump cannot activate anyone's membership.
import { createHash, randomBytes } from 'node:crypto';
import type { Ctx, Effects } from './context.js';
import { email, notices } from './notices.js';

const DAY_MS = 86_400_000;

export function hashActivationToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

export interface Activation {
  readonly activation_token_hash: string;
  readonly activation_deadline: Date;
}

/** a new link for `to`, mailed when the change commits; returns the columns to store */
export function issueActivation(ctx: Ctx, fx: Effects, to: string, organisationName: string): Activation {
  const token = randomBytes(32).toString('base64url');
  const deadline = new Date(ctx.now().getTime() + ctx.cfg.activationDays * DAY_MS);
  fx.mail(email(to, notices.activation(organisationName, `${ctx.deps.config.publicUrl}/admin/activate/${token}`, deadline)));
  return { activation_token_hash: hashActivationToken(token), activation_deadline: deadline };
}
