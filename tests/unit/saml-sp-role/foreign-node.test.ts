// The test eIDAS node's HTTP mode, which the end-to-end tests drive: its signed metadata, its SSO
// endpoint refusing AuthnRequests without our valid signature (our certificates read from our
// connector metadata), the auto-posting answer to our ACS, and /control. The Responses it posts
// are checked by our receiver.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { METADATA_LIMITS, parseXml } from '../../../broker/saml/parse-xml.js';
import { verifyEnvelopedSignature } from '../../../broker/saml/verify-signature.js';
import { startForeignNodeServer, type ForeignNodeServer } from '../../helpers/foreign-node.js';
import { signPost, testCert, testKey } from '../../helpers/sign-request.js';
import { authnRequest, ourEncryptionCert, ourKeys, startSpRoleWorld, successOf, type SpRoleWorld } from './harness.js';

let server: ForeignNodeServer;
let w: SpRoleWorld;
let ourMetadata: Server;

const certBody = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');
/** Our connector's metadata as the node reads it: a signing and an encryption KeyDescriptor. */
function connectorMetadata(): string {
  const kd = (use: string, pem: string) =>
    `<md:KeyDescriptor use="${use}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBody(pem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
  return (
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://broker.test/eidas/metadata">` +
    `<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${kd('signing', testCert('sp1'))}${kd('encryption', ourEncryptionCert)}</md:SPSSODescriptor></md:EntityDescriptor>`
  );
}

function post(xml: string, relayState?: string): Promise<Response> {
  const body = new URLSearchParams({ SAMLRequest: Buffer.from(xml).toString('base64'), ...(relayState ? { RelayState: relayState } : {}) });
  return fetch(server.ssoUrl, { method: 'POST', body });
}

/** The hidden fields and action of the node's auto-posting form. */
function form(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '';
  const fields = Object.fromEntries([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"')]));
  return { action, fields };
}

describe('test eIDAS node, HTTP mode', function () {
  this.timeout(30_000);
  before(async () => {
    ourMetadata = createServer((_req, res) => res.end(connectorMetadata()));
    await new Promise<void>((resolve) => ourMetadata.listen(0, '127.0.0.1', resolve));
    const spMetadataUrl = `http://127.0.0.1:${(ourMetadata.address() as AddressInfo).port}/eidas/metadata`;
    [server, w] = await Promise.all([startForeignNodeServer({ spMetadataUrl }), startSpRoleWorld()]);
  });
  after(async () => {
    await Promise.all([server.close(), w.close()]);
    await new Promise((resolve) => ourMetadata.close(resolve));
  });

  it('serves metadata enveloped-signed by its metadata key, with validUntil, the SSO endpoint and its signing certificates', async () => {
    const xml = await (await fetch(server.metadataUrl)).text();
    const verified = verifyEnvelopedSignature(xml, parseXml(xml, METADATA_LIMITS), [server.certs.metadata], new Date(), METADATA_LIMITS);
    assert.equal(verified.root.getAttribute('entityID'), server.entityID);
    assert.ok(Date.parse(verified.root.getAttribute('validUntil') ?? '') > Date.now());
    assert.match(verified.signedXml, new RegExp(`Location="${server.ssoUrl}"`));
    assert.ok(verified.signedXml.includes(certBody(server.certs.rsa)), 'the RSA signing certificate is published');
  });

  it('refuses an unsigned AuthnRequest', async () => {
    const r = await post(authnRequest().xml);
    assert.equal(r.status, 400);
    assert.match(await r.text(), /unsigned/);
  });

  it('refuses an AuthnRequest signed by a key not ours', async () => {
    const r = await post(signPost(authnRequest().xml, testKey('attacker'), testCert('attacker')));
    assert.equal(r.status, 400);
    assert.match(await r.text(), /does not verify/);
  });

  it('answers a signed AuthnRequest with an auto-posting form to its ACS, encrypted to the certificate of our metadata, that our receiver accepts', async () => {
    const req = authnRequest();
    const r = await post(signPost(req.xml, testKey('sp1'), testCert('sp1')), 'rs-42');
    assert.equal(r.status, 200);
    const { action, fields } = form(await r.text());
    assert.equal(action, 'https://broker.test/eidas/acs');
    assert.equal(fields.RelayState, 'rs-42');
    const peer = w.peer({ entityID: server.entityID, signingCertificates: [server.certs.rsa] });
    const got = await w.receive(fields.SAMLResponse!, peer, { inResponseTo: req.id, acsUrl: action, audience: 'https://broker.test/eidas/metadata', now: new Date(), clockSkewSeconds: 60 }, ourKeys);
    assert.equal(successOf(got).wasEncrypted, true);
    assert.equal((await server.lastRequest())?.id, req.id);
  });

  it('/control changes the following answers', async () => {
    await server.control({ status: 'RequestDenied' });
    const req = authnRequest();
    const { fields } = form(await (await post(signPost(req.xml, testKey('sp1'), testCert('sp1')))).text());
    const peer = w.peer({ entityID: server.entityID, signingCertificates: [server.certs.rsa] });
    const got = await w.receive(fields.SAMLResponse!, peer, { inResponseTo: req.id, acsUrl: 'https://broker.test/eidas/acs', audience: 'https://broker.test/eidas/metadata', now: new Date(), clockSkewSeconds: 60 }, ourKeys);
    assert.equal(got.kind, 'failure');
    assert.equal(got.status.subCode, 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied');
    await server.control({});
  });
});
