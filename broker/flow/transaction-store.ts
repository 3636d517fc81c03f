// LoginTransactions in the ephemeral store, bound to the browser that opened them.
import type { Request } from 'express';
import { BrokerError } from '../errors.js';
import type { EphemeralStore } from '../store/ephemeral.js';
import type { LoginTransaction } from './login-transaction.js';
import { browserBindingOf } from './browser-binding.js';
import { constantEquals } from '../constant-equals.js';

const KEY = (id: string) => `tx:${id}`;
const TX_ID = /^[A-Za-z0-9_-]{22}$/;

export interface TransactionStore {
  save(tx: LoginTransaction): Promise<void>;
  /** the transaction named by `id`, only for the browser that opened it */
  load(req: Request, id: string): Promise<LoginTransaction>;
  remove(id: string): Promise<void>;
}

export function createTransactionStore(store: EphemeralStore, ttlSeconds: number, now: () => Date): TransactionStore {
  return {
    async save(tx) {
      // The absolute lifetime counts from creation: saving never extends a transaction.
      const remaining = tx.createdAt + ttlSeconds * 1000 - now().getTime();
      if (remaining <= 0) throw new BrokerError('transaction-unknown', 'login expired', `tx ${tx.id} expired`);
      await store.set(KEY(tx.id), JSON.stringify(tx), remaining);
    },
    async load(req, id) {
      if (!TX_ID.test(id)) throw new BrokerError('transaction-unknown', 'unknown login', 'malformed tx id');
      const raw = await store.get(KEY(id));
      const binding = browserBindingOf(req);
      if (!raw) throw new BrokerError('transaction-unknown', 'unknown login', `tx ${id} not found`);
      const tx = JSON.parse(raw) as LoginTransaction;
      if (!binding || !constantEquals(binding, tx.browserBinding)) {
        throw new BrokerError('transaction-unknown', 'unknown login', `tx ${id} used from another browser`);
      }
      if (tx.createdAt + ttlSeconds * 1000 <= now().getTime()) throw new BrokerError('transaction-unknown', 'login expired', `tx ${id} expired`);
      return tx;
    },
    async remove(id) {
      await store.del(KEY(id));
    },
  };
}
