// Choosing a new password (activation, forgotten password, forced change on expiry, change):
// every policy rule the password breaks, the repetition, and the history (the previous
// password(s), compared with argon2id because only hashes are kept), all reported at once.
import type { Config } from '../../broker/config.js';
import type { Person } from '../../broker/identity/person.js';
import type { Credentials } from '../../broker/identity/credentials.js';
import { checkPasswordPolicy, type PasswordViolation } from './password-policy.js';

export type NewPasswordProblem = PasswordViolation | 'mismatch';

export type NewPasswordResult = { ok: true; hash: string } | { ok: false; problems: NewPasswordProblem[] };

export async function acceptNewPassword(cfg: Config, credentials: Credentials, person: Person, password: string, repeated: string): Promise<NewPasswordResult> {
  const opts = cfg.connectors.permanente;
  const problems: NewPasswordProblem[] = checkPasswordPolicy(password, person, opts.passwordPolicy);
  if (password !== repeated) problems.push('mismatch');
  // The history too when the password itself passes the policy, even if the repetition was
  // mistyped: "all at once". (A password the policy refuses was never accepted before, unless
  // the policy changed, so the argon2id comparisons are spared for it.)
  if (!problems.some((p) => p !== 'mismatch')) {
    const recent = await credentials.accounts.recentPasswordHashes(person.id, opts.passwordHistory);
    for (const old of recent) {
      if (await credentials.hasher.verify(old, password)) {
        problems.push('same-as-previous');
        break;
      }
    }
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, hash: await credentials.hasher.hash(password) };
}
