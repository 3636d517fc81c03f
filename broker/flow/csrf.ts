// Every form of a login carries the transaction's CSRF token (design.md "Web security").
import { BrokerError } from '../errors.js';
import type { LoginTransaction } from './login-transaction.js';
import { constantTimeEqual } from './random-id.js';

export function checkCsrf(tx: LoginTransaction, body: unknown): void {
  const token = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).csrf : undefined;
  if (typeof token !== 'string' || !constantTimeEqual(token, tx.csrf)) throw new BrokerError('csrf', 'form token missing or wrong');
}
