// The transaction id of a flow page's path (`/login/:tx/…`, `/connectors/<id>/:tx/…`).
import type { Request } from 'express';
import { BrokerError } from '../errors.js';

export function txParam(req: Request): string {
  const id = req.params.tx;
  if (typeof id !== 'string') throw new BrokerError('transaction-unknown', 'unknown login');
  return id;
}
