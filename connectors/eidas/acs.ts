// The answer of a foreign node (issue 6 "Response"). It arrives in two hops:
// 1. POST /connectors/eidas/acs — the node's cross-site HTTP-POST. On plain http the broker's
//    cookies are SameSite=Lax (cookies.ts), so this POST does not carry the browser-binding
//    cookie; we only check the form and re-post it, unchanged, from our own origin.
// 2. POST /connectors/eidas/<tx>/response — same-site, so the cookie comes along on http and
//    https alike, and ctx.loadTransaction binds the answer to the browser that started the login.
// RelayState is the transaction id: it names the login, it never authorises anything.
// Then the SP-role receiver checks the Response against the node of the chosen country and what
// this login expects, the status is mapped, the LoA checked, the person found or created.
import express, { type Request, type Response, type Router } from 'express';
import type { ConnectorContext } from '../connector.js';
import { isBrokerError } from '../../broker/errors.js';
import type { LoginTransaction } from '../../broker/flow/login-transaction.js';
import { STATUS } from '../../broker/saml/namespaces.js';
import { sendPostToSp } from '../../broker/flow/post-to-sp.js';
import type { ReceivedResponse, ReceiveResponse } from '../../broker/saml/sp-role/model.js';
import { decodeSamlResponse } from '../../broker/saml/sp-role/receive-response.js';
import { eidasAddresses } from './addresses.js';
import { checkReturnedLoa } from './check-loa.js';
import { NODE_DIGEST_ALGORITHMS, type ForeignNodes } from './foreign-metadata.js';
import type { EidasKeys } from './keys.js';
import { renderEidasError } from './pages.js';
import { ForeignIdentityError, readForeignIdentity, readUpstreamAttributes } from './read-identity.js';
import { findOrAddForeignPerson } from './foreign-person.js';
import { eidasStateOf, type EidasState } from './state.js';

const TX_ID = /^[A-Za-z0-9_-]{22}$/;

export interface AcsDeps {
  readonly ctx: ConnectorContext;
  readonly nodes: ForeignNodes;
  readonly keys: () => Promise<EidasKeys>;
  readonly receive: ReceiveResponse;
}

function field(body: unknown, name: string): string | undefined {
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** The SAMLResponse field as XML text, if it is base64 of UTF-8 text within the size cap. */
function responseXml(body: unknown): string | undefined {
  const samlResponse = field(body, 'SAMLResponse');
  if (samlResponse === undefined) return undefined;
  try {
    // the receiver's own decoding: what passes here is what it will read after the re-post
    return decodeSamlResponse(samlResponse);
  } catch (err) {
    if (isBrokerError(err)) return undefined;
    throw err;
  }
}

export function mountAcs(router: Router, deps: AcsDeps): void {
  const { ctx, nodes } = deps;
  const cfg = ctx.config;
  const limit = Math.ceil(cfg.saml.maxMessageBytes * 1.4) + 4096;
  const form = express.urlencoded({ extended: false, limit, parameterLimit: 5 });

  router.post('/acs', form, (req, res) => {
    const relayState = field(req.body, 'RelayState');
    const xml = responseXml(req.body);
    if (!relayState || !TX_ID.test(relayState) || xml === undefined) {
      ctx.log.warn({ relayState: relayState && TX_ID.test(relayState) ? relayState : 'malformed' }, 'eIDAS ACS: malformed form');
      renderEidasError(ctx.pages, req, res, 'eidas.error.response', 400);
      return;
    }
    sendPostToSp(res, { action: `${cfg.publicUrl}/connectors/eidas/${relayState}/response`, field: 'SAMLResponse', xml, relayState: undefined });
  });

  router.post('/:tx/response', form, async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    const state = eidasStateOf(tx);
    const xml = responseXml(req.body);
    if (!state || state.answered) {
      ctx.log.warn({ tx: tx.id }, 'eIDAS answer without a request in progress');
      renderEidasError(ctx.pages, req, res, 'eidas.error.stale', 400, tx);
      return;
    }
    const answered = await ctx.saveState(tx, 'eidas', { ...state, answered: true } satisfies EidasState);
    const availability = nodes.availability(state.country);
    if (!availability.available || availability.node.entityID !== state.nodeEntityID) {
      ctx.log.warn({ tx: tx.id, country: state.country, reason: availability.available ? 'node entityID changed' : availability.reason }, 'eIDAS answer from an unavailable node');
      renderEidasError(ctx.pages, req, res, 'eidas.error.unavailable', 503, answered);
      return;
    }
    const node = availability.node;
    if (xml === undefined) {
      ctx.log.warn({ tx: tx.id, country: state.country }, 'eIDAS answer: SAMLResponse is not base64 of UTF-8 text');
      renderEidasError(ctx.pages, req, res, 'eidas.error.response', 400, answered);
      return;
    }
    const keys = await deps.keys();
    let received: ReceivedResponse;
    try {
      received = await deps.receive(
        Buffer.from(xml, 'utf8').toString('base64'),
        { entityID: node.entityID, signingCertificates: node.signingCertificates, signatureAlgorithms: node.acceptedSignatureAlgorithms, digestAlgorithms: NODE_DIGEST_ALGORITHMS, requireEncryptedAssertion: true, requireSignedResponse: true },
        { inResponseTo: state.requestId, acsUrl: eidasAddresses(cfg).acsUrl, audience: eidasAddresses(cfg).entityID, now: ctx.now(), clockSkewSeconds: cfg.connectors.eidas.clockSkewSeconds },
        { privateKeys: [keys.encryption.privateKey, ...(keys.encryption.previousPrivateKey ? [keys.encryption.previousPrivateKey] : [])] },
      );
    } catch (err) {
      if (!isBrokerError(err)) throw err;
      ctx.log.warn({ tx: tx.id, country: state.country, code: err.code, err: err.detail ?? err.message }, 'eIDAS Response refused');
      await ctx.audit.record({ actor: 'anonymous', action: 'eidas.response.refused', ip: req.ip, detail: { country: state.country } });
      renderEidasError(ctx.pages, req, res, 'eidas.error.response', 400, answered);
      return;
    }
    await handleResponse(deps, req, res, answered, state, received);
  });
}

async function handleResponse(deps: AcsDeps, req: Request, res: Response, tx: LoginTransaction, state: EidasState, received: ReceivedResponse): Promise<void> {
  const { ctx } = deps;
  if (received.kind === 'failure') {
    const { subCode, code, message } = received.status;
    ctx.log.info({ tx: tx.id, country: state.country, status: code, subStatus: subCode, message }, 'eIDAS node answered with a failure');
    await ctx.audit.record({ actor: 'anonymous', action: 'eidas.login.failed', ip: req.ip, detail: { country: state.country, status: subCode ?? code } });
    const failure = subCode === STATUS.authnFailed ? 'upstream-failed' : subCode === STATUS.noAuthnContext ? 'upstream-loa-too-low' : 'upstream-denied';
    await ctx.fail(req, res, tx, failure);
    return;
  }
  const assertion = received.assertion;
  const loa = checkReturnedLoa(assertion.authnContextClassRef, state.loa);
  if (!loa.ok) {
    ctx.log.warn({ tx: tx.id, country: state.country, reason: loa.reason }, 'eIDAS level of assurance refused');
    await ctx.audit.record({ actor: 'anonymous', action: 'eidas.login.loa-refused', ip: req.ip, detail: { country: state.country, returned: assertion.authnContextClassRef.slice(0, 120) } });
    await ctx.fail(req, res, tx, 'upstream-loa-too-low');
    return;
  }
  const countries = { nodeCountry: state.country, ourCountry: ctx.config.connectors.eidas.nodeCountry };
  let identity;
  let upstreamAttributes;
  try {
    identity = readForeignIdentity(assertion.attributes, countries);
    upstreamAttributes = readUpstreamAttributes(assertion.attributes, countries);
  } catch (err) {
    if (!(err instanceof ForeignIdentityError)) throw err;
    ctx.log.warn({ tx: tx.id, country: state.country, reason: err.message }, 'eIDAS identity refused');
    renderEidasError(ctx.pages, req, res, 'eidas.error.identity', 400, tx);
    return;
  }
  const person = await findOrAddForeignPerson(ctx.identity, identity);
  await ctx.audit.record({ actor: `person:${person.id}`, action: 'eidas.login', subject: person.id, ip: req.ip, detail: { country: state.country, loa: loa.rung } });
  await ctx.finish(req, res, tx, { subject: { personId: person.id }, method: 'eidas', loa: loa.rung, authnInstant: assertion.authnInstant, authenticatingAuthority: state.nodeEntityID, upstreamAttributes });
}
