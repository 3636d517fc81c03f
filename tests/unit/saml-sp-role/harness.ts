// Shared set-up of the SP-role tests: the independent test eIDAS node (one python worker per
// file), our connector's identity (entityID, ACS, the sp1-enc decryption key), a live
// AuthnRequest per test and the receiver over the in-memory replay cache. TEST ONLY.
import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { BrokerError, type BrokerErrorCode } from '../../../broker/errors.js';
import { ALG } from '../../../broker/saml/namespaces.js';
import type { DecryptionKeys, ExpectedResponse, ReceivedResponse, ReceiveResponse, ResponsePeer } from '../../../broker/saml/sp-role/model.js';
import { createResponseReceiver } from '../../../broker/saml/sp-role/receive-response.js';
import { createMemoryStore } from '../../../broker/store/ephemeral-memory.js';
import { startForeignNodeWorker, type ForeignNodeWorker, type ResponseOptions } from '../../helpers/foreign-node.js';

export const CONNECTOR = 'https://broker.test/eidas/metadata';
export const ACS = 'https://broker.test/eidas/acs';
export const SKEW_SECONDS = 60;
export const LOA_SUBSTANTIAL = 'http://eidas.europa.eu/LoA/substantial';

export const ourEncryptionCert = readFileSync('tests/fixtures/keys/sp1-enc.crt', 'utf8');
export const ourKeys: DecryptionKeys = { privateKeys: [createPrivateKey(readFileSync('tests/fixtures/keys/sp1-enc.key', 'utf8'))] };
/** another RSA key of ours (a rollover's previous key) and its certificate */
export const otherCert = readFileSync('tests/fixtures/keys/sp2.crt', 'utf8');
export const otherKey = createPrivateKey(readFileSync('tests/fixtures/keys/sp2.key', 'utf8'));

export const EIDAS_SIGNATURE_ALGORITHMS = [ALG.rsaSha256, ALG.rsaSha512, ALG.rsaPssSha256, ALG.rsaPssSha512, ALG.ecdsaSha256, ALG.ecdsaSha384];

/** An AuthnRequest as our connector sends it (only what the node reads matters here). */
export function authnRequest(loa = LOA_SUBSTANTIAL): { id: string; xml: string } {
  const id = `_${randomBytes(16).toString('hex')}`;
  const xml =
    `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ` +
    `ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString()}" AssertionConsumerServiceURL="${ACS}">` +
    `<saml:Issuer>${CONNECTOR}</saml:Issuer>` +
    `<samlp:RequestedAuthnContext Comparison="minimum"><saml:AuthnContextClassRef>${loa}</saml:AuthnContextClassRef></samlp:RequestedAuthnContext>` +
    `</samlp:AuthnRequest>`;
  return { id, xml };
}

export interface SpRoleWorld {
  node: ForeignNodeWorker;
  receive: ReceiveResponse;
  peer(overrides?: Partial<ResponsePeer>): ResponsePeer;
  /** a fresh AuthnRequest, the node's Response to it (with `opts`), and what we expect */
  respond(opts?: Omit<ResponseOptions, 'authnRequestXml'>, now?: Date): Promise<{ samlResponse: string; xml: string; expected: ExpectedResponse; responseId: string; assertionId: string | null }>;
  /** respond(), then receive it with the default peer */
  roundTrip(opts?: Omit<ResponseOptions, 'authnRequestXml'>, peer?: Partial<ResponsePeer>): Promise<ReceivedResponse>;
  close(): Promise<void>;
}

export async function startSpRoleWorld(): Promise<SpRoleWorld> {
  const node = await startForeignNodeWorker();
  const receive = createResponseReceiver({ ephemeral: createMemoryStore(), log: pino({ level: 'silent' }) });
  const peer = (overrides: Partial<ResponsePeer> = {}): ResponsePeer => ({
    entityID: node.entityID,
    signingCertificates: [node.certs.rsa, node.certs.ec256, node.certs.ec384],
    signatureAlgorithms: EIDAS_SIGNATURE_ALGORITHMS,
    digestAlgorithms: [ALG.sha256, ALG.sha512],
    requireEncryptedAssertion: false,
    requireSignedResponse: false,
    ...overrides,
  });
  const respond: SpRoleWorld['respond'] = async (opts = {}, now = new Date()) => {
    const req = authnRequest();
    const r = await node.makeResponse({ authnRequestXml: req.xml, now: now.toISOString(), ...opts });
    return {
      samlResponse: r.samlResponse,
      xml: r.xml,
      responseId: r.responseId,
      assertionId: r.assertionId,
      expected: { inResponseTo: req.id, acsUrl: ACS, audience: CONNECTOR, now, clockSkewSeconds: SKEW_SECONDS },
    };
  };
  return {
    node,
    receive,
    peer,
    respond,
    async roundTrip(opts = {}, peerOverrides = {}) {
      const r = await respond(opts);
      return receive(r.samlResponse, peer(peerOverrides), r.expected, ourKeys);
    },
    close: () => node.close(),
  };
}

/** The promise rejects with BrokerError `code`; returns the error. */
export async function refusedWith(p: Promise<unknown>, code: BrokerErrorCode): Promise<BrokerError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof BrokerError, `a BrokerError, got ${String(err)}`);
    assert.equal(err.code, code, `code ${err.code} (${err.detail})`);
    return err;
  }
  assert.fail(`expected a refusal with ${code}`);
}

/** The success result's assertion, asserting the kind. */
export function successOf(r: ReceivedResponse) {
  assert.equal(r.kind, 'success');
  if (r.kind !== 'success') throw new Error('unreachable');
  return r.assertion;
}
