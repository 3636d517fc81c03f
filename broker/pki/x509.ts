// @peculiar/x509 as broker/pki uses it: loaded after the Reflect metadata polyfill its tsyringe
// container needs (ESM evaluates imports in order, so the polyfill comes first), and bound to
// Node's WebCrypto so signatures are checked by OpenSSL underneath.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
