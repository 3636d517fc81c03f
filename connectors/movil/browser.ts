// The browser's side of a Cl@ve Móvil login (seed 000 §3.2): choose QR or DNI/NIE, wait while the
// app answers (server-sent events, polling, or a "continue" button), then finish or fail.
//   GET  /:tx            choose                 POST /:tx/qr, /:tx/push   open a login request
//   GET  /:tx/wait       the waiting page       GET  /:tx/events, /:tx/status   the outcome
//   POST /:tx/continue   act on the outcome: confirmed → finish, refused → AuthnFailed to the SP,
//                        expired → retry or another method, still pending → wait again
// A typed DNI/NIE that matches nobody (or somebody without an active device, or cooling down)
// gets the same waiting page as anybody else; only no push is sent.
import express, { type Request, type Response, type Router } from 'express';
import type { ConnectorContext } from '../connector.js';
import type { Config } from '../../broker/config.js';
import type { LoginTransaction } from '../../broker/flow/login-transaction.js';
import { rungIndex, type LoaRung } from '../../broker/loa.js';
import { isValidDocument, isValidSupportNumber, normaliseDocument } from '../../broker/identity/documents.js';
import type { ContrastData } from '../../broker/identity/person.js';
import { statusAt, type LoginRequest } from './login-request.js';
import type { LoginRequests } from './login-requests.js';
import type { PushLimits } from './push-limits.js';
import type { WaitingBrowsers } from './wait-events.js';
import { loginRequestUrl, qrSvg } from './qr.js';
import { renderExpired, renderStart, renderUsed, renderWait, type IdentityFormValues } from './pages.js';
import { pushLoginRequest } from './push.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

interface MovilState {
  readonly requestId: string;
}

function field(body: unknown, name: string): string {
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v.trim() : '';
}

export function highestMovilRung(cfg: Config): LoaRung | undefined {
  const rungs = cfg.loa.methodRungs.movil;
  const all = [rungs?.basic, rungs?.advanced].filter((r): r is LoaRung => !!r);
  return all.sort((a, b) => rungIndex(b) - rungIndex(a))[0];
}

function contrastOf(values: IdentityFormValues): ContrastData | undefined {
  if (values.documentDate && ISO_DATE.test(values.documentDate)) return { documentDate: values.documentDate };
  if (values.supportNumber && isValidSupportNumber(values.supportNumber)) return { supportNumber: values.supportNumber.toUpperCase() };
  return undefined;
}

export function mountBrowser(router: Router, ctx: ConnectorContext, requests: LoginRequests, limits: PushLimits, waiting: WaitingBrowsers): void {
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  const ip = (req: Request) => req.ip ?? 'unknown';

  /** this login's request, if it opened one (another login's request id is never read) */
  async function requestOf(tx: LoginTransaction): Promise<LoginRequest | undefined> {
    const state = tx.connectorState.movil as MovilState | undefined;
    if (!state) return undefined;
    const request = await requests.get(state.requestId);
    return request?.txId === tx.id ? request : undefined;
  }

  async function showWait(req: Request, res: Response, tx: LoginTransaction, request: LoginRequest, noticeKey?: string): Promise<void> {
    const url = loginRequestUrl(ctx.config.publicUrl, request.id);
    const qr = request.mode === 'qr' ? { svg: await qrSvg(url), url } : undefined;
    renderWait(ctx.pages, req, res, tx, request, { now: ctx.now(), ...(qr ? { qr } : {}), ...(noticeKey ? { noticeKey } : {}) });
  }

  async function open(tx: LoginTransaction, personId: string | null, mode: LoginRequest['mode']): Promise<LoginRequest> {
    const request = await requests.open({ txId: tx.id, mode, service: tx.sp.displayName, personId, deviceId: null });
    const state: MovilState = { requestId: request.id };
    await ctx.saveState(tx, 'movil', state);
    return request;
  }

  router.get('/:tx', async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    renderStart(ctx.pages, req, res, tx);
  });

  router.post('/:tx/qr', form, async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    ctx.checkCsrf(tx, req.body);
    if (!(await limits.hitIp(ip(req)))) return renderStart(ctx.pages, req, res, tx, { errorKey: 'movil.error.rateLimited', status: 429 });
    await open(tx, null, 'qr');
    res.redirect(303, `/connectors/movil/${tx.id}/wait`);
  });

  router.post('/:tx/push', form, async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    ctx.checkCsrf(tx, req.body);
    const values: IdentityFormValues = { document: field(req.body, 'document'), documentDate: field(req.body, 'documentDate'), supportNumber: field(req.body, 'supportNumber') };
    const document = normaliseDocument(values.document ?? '');
    const contrast = contrastOf(values);
    if (!isValidDocument(document) || !contrast) return renderStart(ctx.pages, req, res, tx, { errorKey: 'movil.error.invalidInput', values });
    const withinIp = await limits.hitIp(ip(req));
    const withinDocument = await limits.hitDocument(document);
    if (!withinIp || !withinDocument) return renderStart(ctx.pages, req, res, tx, { errorKey: 'movil.error.rateLimited', values, status: 429 });
    const person = await ctx.identity.findByDocumentAndContrast(document, contrast);
    const device = person?.status === 'active' ? await ctx.devices.activeDeviceOf(person.id) : undefined;
    if (device && (await limits.coolingDown(device.personId))) {
      // the same answer as the hourly limit, which anybody's document can reach
      return renderStart(ctx.pages, req, res, tx, { errorKey: 'movil.error.rateLimited', values, status: 429 });
    }
    const request = await open(tx, device ? device.personId : null, 'push');
    if (device) pushLoginRequest(ctx, res, device, request);
    res.redirect(303, `/connectors/movil/${tx.id}/wait`);
  });

  router.get('/:tx/wait', async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    const request = await requestOf(tx);
    if (!request) return res.redirect(303, `/connectors/movil/${tx.id}`);
    if (statusAt(request, ctx.now()) === 'expired') return renderExpired(ctx.pages, req, res, tx);
    await showWait(req, res, tx, request);
  });

  router.get('/:tx/status', async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    const request = await requestOf(tx);
    const status = statusAt(request, ctx.now());
    res.json({ status, remainingMs: request && status === 'pending' ? request.expiresAt - ctx.now().getTime() : 0 });
  });

  router.get('/:tx/events', async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    const request = await requestOf(tx);
    if (!request) return void res.status(404).json({ error: 'not-found', message: 'this login has no Cl@ve Móvil request' });
    await waiting.stream(req, res, request);
  });

  router.post('/:tx/continue', form, async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    ctx.checkCsrf(tx, req.body);
    const request = await requestOf(tx);
    const status = statusAt(request, ctx.now());
    if (!request || status === 'expired') return renderExpired(ctx.pages, req, res, tx);
    if (status === 'pending') return showWait(req, res, tx, request, 'movil.wait.pending');
    if (status === 'refused') return ctx.fail(req, res, tx, 'cancelled');
    const confirmed = await requests.takeConfirmed(request.id);
    if (!confirmed?.personId) return renderUsed(ctx.pages, req, res, tx);
    await ctx.finish(req, res, tx, { subject: { personId: confirmed.personId }, method: 'movil', loa: highestMovilRung(ctx.config)!, authnInstant: ctx.now() });
  });
}
