// `npm run demo:eidas-node`: a demo foreign eIDAS proxy-service node for country DE, so a user of
// `npm start` can try a cross-border login (README "Try a cross-border (eIDAS) login"). It is
// built on the broker's own IdP-role core (Response building, signing, AES-GCM encryption) and is
// therefore no evidence of interoperability: the tests use the independent Python node instead.
//
// It serves its signed metadata at /metadata and takes AuthnRequests at /sso (HTTP-POST): the
// request's signature is verified with the signing certificate of the broker's connector metadata
// (read from <broker>/eidas/metadata), the ACS must be the one that metadata names, and a page
// shows the demo citizen with the requested level, a choice of level (to try a refusal for a level
// lower than requested) and a refusal. The answer is a signed Response with the Assertion signed
// and encrypted to the connector's encryption certificate.
import { randomBytes } from 'node:crypto';
import express from 'express';
import { loadConfig } from '../broker/config.js';
import { listen } from '../examples/demo-sp/server.js';
import { newSamlId, samlInstant } from '../broker/saml/build-assertion.js';
import { buildSuccessResponse } from '../broker/saml/build-response.js';
import { buildStatusResponse } from '../broker/saml/build-status-response.js';
import { signingKeysFromPem } from '../broker/saml/keys.js';
import { ATTRNAME_FORMAT, BINDING, NAMEID_FORMAT, NS } from '../broker/saml/namespaces.js';
import { parseXml } from '../broker/saml/parse-xml.js';
import { postForm } from '../broker/saml/send-binding.js';
import { signTree } from '../broker/saml/sign-tree.js';
import { parseSpMetadata, type SpEntry } from '../broker/saml/sp-metadata.js';
import { verifyEnvelopedSignature } from '../broker/saml/verify-signature.js';
import { serializeXml } from '../broker/saml/xml-serialize.js';
import { el } from '../broker/saml/xml-writer.js';
import { html } from '../broker/web/html.js';
import { DEMO_EIDAS_NODE_PORT, DEMO_EIDAS_NODE_URL, demoEidasNodeKeys } from './demo-eidas-node-setup.js';

const ENTITY_ID = `${DEMO_EIDAS_NODE_URL}/metadata`;
const LOA = ['http://eidas.europa.eu/LoA/low', 'http://eidas.europa.eu/LoA/substantial', 'http://eidas.europa.eu/LoA/high'];
const NP = 'http://eidas.europa.eu/attributes/naturalperson/';
const CITIZEN = { personIdentifier: 'DE/ES/demo-0001', firstName: 'Erika', familyName: 'Mustermann', dateOfBirth: '1964-08-12' };

interface Pending {
  readonly requestId: string;
  readonly acsUrl: string;
  readonly connectorEntityID: string;
  readonly encryptTo: string;
  readonly loa: string;
  readonly relayState: string | undefined;
}

async function main(): Promise<void> {
  const cfg = loadConfig();
  const brokerMetadataUrl = `${cfg.publicUrl}/eidas/metadata`;
  const pair = await demoEidasNodeKeys(cfg);
  const keys = signingKeysFromPem(pair.keyPem, pair.certPem, 'rsa-pss-sha256');
  const pending = new Map<string, Pending>();
  const app = express();
  app.disable('x-powered-by');
  const form = express.urlencoded({ extended: false, limit: '512kb', parameterLimit: 10 });

  const connector = async (): Promise<SpEntry> => {
    const res = await fetch(brokerMetadataUrl, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`${brokerMetadataUrl} answered ${res.status}`);
    const [entry] = parseSpMetadata(await res.text());
    if (!entry) throw new Error(`${brokerMetadataUrl} has no SPSSODescriptor`);
    return entry;
  };

  app.get('/metadata', (_req, res) => {
    const id = newSamlId();
    const keyInfo = el(NS.ds, 'ds:KeyInfo', {}, [el(NS.ds, 'ds:X509Data', {}, [el(NS.ds, 'ds:X509Certificate', {}, [keys.certBase64])])]);
    const tree = el(NS.md, 'md:EntityDescriptor', { ID: id, entityID: ENTITY_ID, validUntil: samlInstant(new Date(Date.now() + 86_400_000)) }, [
      el(NS.md, 'md:IDPSSODescriptor', { protocolSupportEnumeration: NS.samlp, WantAuthnRequestsSigned: 'true' }, [
        el(NS.md, 'md:KeyDescriptor', { use: 'signing' }, [keyInfo]),
        el(NS.md, 'md:NameIDFormat', {}, [NAMEID_FORMAT.persistent]),
        el(NS.md, 'md:SingleSignOnService', { Binding: BINDING.post, Location: `${DEMO_EIDAS_NODE_URL}/sso` }),
      ]),
    ], { ds: NS.ds });
    res.type('application/samlmetadata+xml').send(serializeXml(signTree(tree, keys, keys.algorithm, 'first-child')));
  });

  app.post('/sso', form, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const xml = Buffer.from(String(body.SAMLRequest ?? ''), 'base64').toString('utf8');
    let entry: SpEntry;
    let request: Element;
    try {
      entry = await connector();
      request = verifyEnvelopedSignature(xml, parseXml(xml), entry.signingCerts, new Date()).root;
    } catch (err) {
      res.status(400).type('text').send(`demo eIDAS node: the AuthnRequest is not acceptable: ${(err as Error & { detail?: string }).detail ?? (err as Error).message}`);
      return;
    }
    const acsUrl = request.getAttribute('AssertionConsumerServiceURL') ?? entry.acs[0]?.location ?? '';
    const loa = request.getElementsByTagNameNS(NS.saml, 'AuthnContextClassRef').item(0)?.textContent ?? LOA[0]!;
    if (!entry.acs.some((a) => a.location === acsUrl) || !entry.encryptionCerts[0]) {
      res.status(400).type('text').send('demo eIDAS node: the ACS is not in the connector metadata, or it has no encryption key');
      return;
    }
    const key = randomBytes(16).toString('base64url');
    pending.set(key, { requestId: request.getAttribute('ID') ?? '', acsUrl, connectorEntityID: entry.entityID, encryptTo: entry.encryptionCerts[0], loa, relayState: typeof body.RelayState === 'string' ? body.RelayState : undefined });
    const page = html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo eIDAS node (DE)</title></head><body>
<h1>Demo eIDAS node — Germany (DE)</h1>
<p>A demo only: no real identification. Requested level: <strong>${loa}</strong></p>
<p>Demo citizen: ${CITIZEN.firstName} ${CITIZEN.familyName}, born ${CITIZEN.dateOfBirth}, PersonIdentifier ${CITIZEN.personIdentifier}</p>
<form method="post" action="/sso/answer"><input type="hidden" name="key" value="${key}">
<label>Level to assert <select name="loa">${LOA.map((l) => html`<option${l === loa ? html` selected` : ''}>${l}</option>`)}</select></label>
<button type="submit" name="answer" value="login">Log in as ${CITIZEN.firstName} ${CITIZEN.familyName}</button>
<button type="submit" name="answer" value="refuse">Refuse</button></form></body></html>`;
    res.type('html').send(page.value);
  });

  app.post('/sso/answer', form, (req, res) => {
    const body = req.body as Record<string, unknown>;
    const p = pending.get(String(body.key));
    pending.delete(String(body.key));
    if (!p) {
      res.status(400).type('text').send('demo eIDAS node: unknown or used login');
      return;
    }
    const now = new Date();
    const loa = LOA.includes(String(body.loa)) ? String(body.loa) : p.loa;
    const attribute = (local: string, friendlyName: string, value: string) => ({ name: NP + local, friendlyName, nameFormat: ATTRNAME_FORMAT.uri, values: [value] });
    const xml =
      body.answer === 'login'
        ? buildSuccessResponse(
            {
              issuer: ENTITY_ID,
              spEntityID: p.connectorEntityID,
              acsUrl: p.acsUrl,
              inResponseTo: p.requestId,
              nameID: { format: NAMEID_FORMAT.persistent, value: CITIZEN.personIdentifier },
              sessionIndex: newSamlId(),
              authnInstant: now,
              authnContextClassRef: loa,
              attributes: [
                attribute('PersonIdentifier', 'PersonIdentifier', CITIZEN.personIdentifier),
                attribute('CurrentFamilyName', 'FamilyName', CITIZEN.familyName),
                attribute('CurrentGivenName', 'FirstName', CITIZEN.firstName),
                attribute('DateOfBirth', 'DateOfBirth', CITIZEN.dateOfBirth),
              ],
              lifetimeSeconds: 300,
              now,
            },
            { keys, algorithm: 'rsa-pss-sha256', signAssertion: true, signResponse: true, encryptTo: p.encryptTo, keyTransport: 'rsa-oaep-sha256' },
          )
        : buildStatusResponse(
            { issuer: ENTITY_ID, acsUrl: p.acsUrl, inResponseTo: p.requestId, status: 'Responder', subStatus: 'AuthnFailed', message: 'The citizen refused the identification.', now },
            { keys, algorithm: 'rsa-pss-sha256', signResponse: true },
          );
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', `default-src 'none'; script-src 'nonce-${nonce}'; form-action ${new URL(p.acsUrl).origin}`);
    res.type('html').send(postForm({ action: p.acsUrl, field: 'SAMLResponse', xml, relayState: p.relayState, cspNonce: nonce }));
  });

  await listen(app, DEMO_EIDAS_NODE_PORT, '127.0.0.1');
  process.stdout.write(`\n  Demo eIDAS node DE   ${ENTITY_ID}\n  for the broker at    ${cfg.publicUrl} (its connector metadata: ${brokerMetadataUrl})\n\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo eIDAS node: cannot start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
