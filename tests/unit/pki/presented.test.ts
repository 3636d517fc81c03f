// Where a client certificate comes from in proxy mode: the header, believed only from a trusted
// proxy (IPv4 peers of a dual-stack socket included), URL-decoded as nginx's
// $ssl_client_escaped_cert writes it; from anybody else it is as if none had been sent.
import assert from 'node:assert/strict';
import type { Request } from 'express';
import pino from 'pino';
import { fromProxyHeader } from '../../../broker/pki/client-host/presented.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB+zCCAaGgAwIBAgIU\n-----END CERTIFICATE-----\n';

function request(remoteAddress: string, headers: Record<string, string | string[]>): Request {
  return { socket: { remoteAddress }, headers } as unknown as Request;
}

describe('pki client certificate from a proxy header', () => {
  const warnings: unknown[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  const source = fromProxyHeader({ name: 'X-SSL-Client-Cert', trustedProxies: ['127.0.0.1', '::1'], log });

  it('decodes the header from a trusted proxy, also as an IPv4-mapped IPv6 peer', () => {
    assert.deepEqual(source(request('127.0.0.1', { 'x-ssl-client-cert': encodeURIComponent(PEM) })), [PEM]);
    assert.deepEqual(source(request('::ffff:127.0.0.1', { 'x-ssl-client-cert': encodeURIComponent(PEM) })), [PEM]);
    assert.deepEqual(source(request('::1', { 'x-ssl-client-cert': encodeURIComponent(PEM) })), [PEM]);
  });

  it('ignores (and logs) the header from any other peer', () => {
    warnings.length = 0;
    assert.equal(source(request('127.0.0.2', { 'x-ssl-client-cert': encodeURIComponent(PEM) })), undefined);
    assert.equal(source(request('::ffff:10.0.0.1', { 'x-ssl-client-cert': encodeURIComponent(PEM) })), undefined);
    assert.equal(warnings.length, 2);
  });

  it('no header or an empty one is no certificate; text that is not URL-encoding is passed on for the validator to refuse', () => {
    assert.equal(source(request('127.0.0.1', {})), undefined);
    assert.equal(source(request('127.0.0.1', { 'x-ssl-client-cert': '' })), undefined);
    assert.deepEqual(source(request('127.0.0.1', { 'x-ssl-client-cert': '%E0%A4%A' })), ['%E0%A4%A']);
  });
});
