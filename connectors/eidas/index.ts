// The cross-border eIDAS connector (issue 6): the broker acting as an eIDAS connector toward the
// foreign proxy-service nodes of configuration. The selector offers "EU citizens (eIDAS)"; the
// country page (GET /connectors/eidas/<tx>) lists the countries; choosing one sends a signed
// AuthnRequest through the browser to that node; its Response comes back through acs.ts. Our
// connector metadata is served at /eidas/metadata (mountPublic).
import express, { type Router } from 'express';
import type { Connector, ConnectorContext, ConnectorFactory } from '../connector.js';
import type { Config } from '../../broker/config.js';
import type { LoginTransaction } from '../../broker/flow/login-transaction.js';
import { sendPostToSp } from '../../broker/flow/post-to-sp.js';
import { createResponseReceiver } from '../../broker/saml/sp-role/receive-response.js';
import { buildAuthnRequest, requestedEidasLoa } from './authn-request.js';
import { buildConnectorMetadata, cachedConnectorMetadata } from './connector-metadata.js';
import { EIDAS_METADATA_PATH } from './addresses.js';
import { createForeignNodes, type ForeignNodes } from './foreign-metadata.js';
import { loadEidasKeys, type EidasKeys } from './keys.js';
import { mountAcs } from './acs.js';
import { renderCountryPage } from './pages.js';
import type { EidasState } from './state.js';

/** A country whose node could not be used is read again when its page is shown, at most this often. */
const UNAVAILABLE_RETRY_MS = 30_000;

/** The keys are read (or generated) once, on first use: a broker that never shows eIDAS never generates them. */
function lazyKeys(cfg: Config): () => Promise<EidasKeys> {
  let keys: Promise<EidasKeys> | undefined;
  return () => (keys ??= loadEidasKeys(cfg, cfg.varDir));
}

function mountEidas(router: Router, ctx: ConnectorContext, nodes: ForeignNodes, keys: () => Promise<EidasKeys>): void {
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });
  const ready = nodes.refreshAll();

  router.get('/:tx', async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    await ready;
    await nodes.refreshUnavailable(UNAVAILABLE_RETRY_MS);
    renderCountryPage(ctx.pages, req, res, tx, nodes);
  });

  router.post('/:tx/country', form, async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    ctx.checkCsrf(tx, req.body);
    await ready;
    const country = (req.body as Record<string, unknown>).country;
    const availability = typeof country === 'string' ? nodes.availability(country) : undefined;
    if (!availability?.available) {
      renderCountryPage(ctx.pages, req, res, tx, nodes, { errorKey: 'eidas.error.unavailable', status: 503 });
      return;
    }
    const loa = requestedEidasLoa(tx);
    if (!loa) {
      renderCountryPage(ctx.pages, req, res, tx, nodes, { errorKey: 'eidas.error.noLoa', status: 422 });
      return;
    }
    const node = availability.node;
    const request = buildAuthnRequest({ cfg: ctx.config, tx, node, loa, keys: (await keys()).requestSigning, now: ctx.now() });
    const state: EidasState = { country: node.country, nodeEntityID: node.entityID, requestId: request.id, loa, answered: false };
    await ctx.saveState(tx, 'eidas', state);
    ctx.log.info({ tx: tx.id, country: node.country, loa }, 'eIDAS AuthnRequest sent');
    sendPostToSp(res, { action: node.ssoPostUrl, field: 'SAMLRequest', xml: request.xml, relayState: tx.id });
  });

  mountAcs(router, { ctx, nodes, keys, receive: createResponseReceiver({ ephemeral: ctx.ephemeral, log: ctx.log }) });
}

function mountMetadata(router: Router, ctx: ConnectorContext, keys: () => Promise<EidasKeys>): void {
  const cfg = ctx.config;
  let document: ((now: Date) => string) | undefined;
  router.get(EIDAS_METADATA_PATH, async (_req, res) => {
    if (!document) {
      const k = await keys();
      document = cachedConnectorMetadata(
        (now) => buildConnectorMetadata({ cfg, metadataSigning: k.metadataSigning, requestSigning: k.requestSigning, encryptionCertBase64: k.encryption.certBase64, now }),
        cfg.connectors.eidas.metadataValidityHours,
      );
    }
    res.type('application/samlmetadata+xml').send(document(ctx.now()));
  });
}

export const eidas: ConnectorFactory = {
  id: 'eidas',
  create(cfg: Config): Connector {
    const keys = lazyKeys(cfg);
    let nodes: ForeignNodes | undefined;
    return {
      id: 'eidas',
      labelKey: 'method.eidas',
      // A foreign person may act for an organisation once they are a member of one (issue 6).
      allowsRepresentation: true,
      // The highest rung a node can assert ("high"), when a country is configured and a notified
      // level covers the request; each node's answer is checked against what was requested. A
      // node that cannot be used now is shown as such on the country page.
      reachableLoa: (tx: LoginTransaction) => (cfg.connectors.eidas.countries.length > 0 && requestedEidasLoa(tx) ? '4' : undefined),
      mount(router, ctx) {
        nodes = createForeignNodes(cfg, ctx.log, { now: ctx.now });
        // Configured key files are checked at start (size, pairing), not at the first login.
        const e = cfg.connectors.eidas;
        if (e.metadataSigningKeyFile || e.requestSigningKeyFile || e.encryptionKeyFile) keys().catch((err: unknown) => ctx.log.error({ err: (err as Error).message }, 'eIDAS connector keys unusable'));
        mountEidas(router, ctx, nodes, keys);
      },
      mountPublic: (router, ctx) => mountMetadata(router, ctx, keys),
      readinessWarnings: () => (nodes?.unavailable() ?? []).map((u) => `eIDAS node ${u.country} unavailable: ${u.reason}`),
      close: () => nodes?.close(),
    };
  },
};
