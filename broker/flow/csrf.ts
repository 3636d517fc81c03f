// Every form of a login carries the transaction's CSRF token (design.md "Web security").
import { BrokerError } from '../errors.js';
import type { LoginTransaction } from './login-transaction.js';
import { constantEquals } from '../constant-equals.js';

export function checkCsrf(tx: LoginTransaction, body: unknown): void {
  const token = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).csrf : undefined;
  if (typeof token !== 'string' || !constantEquals(token, tx.csrf)) throw new BrokerError('csrf', 'form token missing or wrong');
}
