// Cl@ve PIN connector (seed 000 §4): DNI/NIE and the document date (or the NIE support number),
// optionally a 4-character personal code, then a one-time 3-character PIN, which notify delivers
// to the person's Cl@ve app or by SMS (§4.1.1; the connector never looks at devices itself). The
// code page offers "send it by SMS" for a PIN waiting in the app. Wrong
// identity data, unknown persons and wrong PINs are answered alike. PIN logins never represent
// an organisation (seed 000 §4.3.2).
import express, { type Request } from 'express';
import type { Connector, ConnectorContext, ConnectorFactory } from '../connector.js';
import type { Config } from '../../broker/config.js';
import type { LoginTransaction } from '../../broker/flow/login-transaction.js';
import { BrokerError } from '../../broker/errors.js';
import { normaliseDocument, isValidDocument, isValidSupportNumber } from '../../broker/identity/documents.js';
import { rungIndex, type LoaRung } from '../../broker/loa.js';
import type { ContrastData } from '../../broker/identity/person.js';
import { PERSONAL_CODE, generatePin, normaliseEntry } from './pin-code.js';
import { createPinStore } from './pin-store.js';
import { renderCodeForm, renderRequestForm, type RequestFormValues } from './pages.js';

const HOUR = 3_600_000;
const SMS_REQUESTS_PER_LOGIN = 3;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function field(body: unknown, name: string): string {
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v.trim() : '';
}

function highestRung(cfg: Config): LoaRung | undefined {
  const rungs = cfg.loa.methodRungs.pin;
  const all = [rungs?.basic, rungs?.advanced].filter((r): r is LoaRung => !!r);
  return all.sort((a, b) => rungIndex(b) - rungIndex(a))[0];
}

function mountPin(cfg: Config, router: express.Router, ctx: ConnectorContext): void {
  const opts = cfg.connectors.pin;
  const pins = createPinStore(ctx.ephemeral, { validityMs: opts.validitySeconds * 1000, maxAttempts: opts.maxAttempts, now: ctx.now });
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  const ip = (req: Request) => req.ip ?? 'unknown';

  router.get('/:tx', async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    renderRequestForm(ctx.pages, req, res, tx);
  });

  router.post('/:tx/request', form, async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    ctx.checkCsrf(tx, req.body);
    const values: RequestFormValues = {
      document: field(req.body, 'document'),
      documentDate: field(req.body, 'documentDate'),
      supportNumber: field(req.body, 'supportNumber'),
      personalise: field(req.body, 'personalise') === '1',
    };
    const document = normaliseDocument(values.document ?? '');
    const personalCode = field(req.body, 'personalCode');
    const contrast: ContrastData | undefined = values.documentDate && ISO_DATE.test(values.documentDate)
      ? { documentDate: values.documentDate }
      : values.supportNumber && isValidSupportNumber(values.supportNumber)
        ? { supportNumber: values.supportNumber.toUpperCase() }
        : undefined;
    if (!isValidDocument(document) || !contrast || (values.personalise && !PERSONAL_CODE.test(personalCode))) {
      renderRequestForm(ctx.pages, req, res, tx, { errorKey: 'pin.error.invalidInput', values });
      return;
    }
    const withinIp = await ctx.rateLimit.hit(`pin-request:ip:${ip(req)}`, opts.requestsPerIpPerHour, HOUR);
    const withinPerson = await ctx.rateLimit.hit(`pin-request:doc:${document}`, opts.requestsPerPersonPerHour, HOUR);
    if (!withinIp || !withinPerson) {
      renderRequestForm(ctx.pages, req, res, tx, { errorKey: 'pin.error.rateLimited', values, status: 429 });
      return;
    }
    const person = await ctx.identity.findByDocumentAndContrast(document, contrast);
    const usable = person && person.status === 'active' && person.mobile ? person : undefined;
    const prefix = values.personalise ? normaliseEntry(personalCode) : '';
    if (usable) {
      const pin = generatePin();
      await pins.issue(tx.id, usable.id, prefix + pin, !!values.personalise);
      const service = tx.sp.displayName;
      const validityMs = opts.validitySeconds * 1000;
      const delivery = ctx.notify.deliverCode({ id: usable.id, mobile: usable.mobile! }, {
        kind: 'pin',
        smsText: ctx.pages.t(res, 'pin.sms.text', { service, code: pin }),
        pushText: ctx.pages.t(res, 'pin.push.text', { service }),
        code: pin,
        data: { pin, service, expiresAt: new Date(ctx.now().getTime() + validityMs).toISOString() },
        validityMs,
      });
      // Delivery is not awaited: the answer must take the same time whether or not the person
      // exists (uniform answers); a failed delivery is logged and the person asks again.
      delivery.done.catch((err: unknown) => {
        ctx.log.error({ tx: tx.id, err: (err as Error).message }, 'PIN delivery failed');
      });
      await ctx.saveState(tx, 'pin', { requested: true, delivery: delivery.ref });
    } else {
      await pins.issue(tx.id, null, null, !!values.personalise);
      await ctx.saveState(tx, 'pin', { requested: true });
    }
    res.redirect(303, `/connectors/pin/${tx.id}/code`);
  });

  router.get('/:tx/code', async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    const personalised = await pins.isPersonalised(tx.id);
    if (personalised === undefined) {
      renderRequestForm(ctx.pages, req, res, tx, (tx.connectorState.pin ? { errorKey: 'pin.error.voided' } : {}));
      return;
    }
    renderCodeForm(ctx.pages, req, res, tx, { personalised });
  });

  // "Send it by SMS": the PIN waiting in the app goes by SMS as well. Counted with the PIN
  // requests of this address, and a few per login; the answer is the same whatever happened.
  router.post('/:tx/sms', form, async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    ctx.checkCsrf(tx, req.body);
    const personalised = await pins.isPersonalised(tx.id);
    if (personalised === undefined) {
      renderRequestForm(ctx.pages, req, res, tx, { errorKey: 'pin.error.voided' });
      return;
    }
    const withinIp = await ctx.rateLimit.hit(`pin-request:ip:${ip(req)}`, opts.requestsPerIpPerHour, HOUR);
    const withinLogin = await ctx.rateLimit.hit(`pin-sms:tx:${tx.id}`, SMS_REQUESTS_PER_LOGIN, HOUR);
    if (!withinIp || !withinLogin) {
      renderCodeForm(ctx.pages, req, res, tx, { personalised, errorKey: 'pin.error.rateLimited', status: 429 });
      return;
    }
    const ref = (tx.connectorState.pin as { delivery?: unknown } | undefined)?.delivery;
    if (typeof ref === 'string') await ctx.notify.sendCodeBySms(ref);
    renderCodeForm(ctx.pages, req, res, tx, { personalised, noticeKey: 'pin.smsInstead.done' });
  });

  router.post('/:tx/code', form, async (req, res) => {
    const tx = await ctx.loadTransaction(req);
    ctx.checkCsrf(tx, req.body);
    if (!(await ctx.rateLimit.hit(`pin-entry:ip:${ip(req)}`, opts.requestsPerIpPerHour * opts.maxAttempts, HOUR))) {
      throw new BrokerError('rate-limited', 'too many PIN entries from this address');
    }
    const personalised = (await pins.isPersonalised(tx.id)) ?? false;
    const result = await pins.check(tx.id, field(req.body, 'pin'));
    if (result.outcome === 'voided' || result.outcome === 'expired') {
      renderRequestForm(ctx.pages, req, res, tx, { errorKey: 'pin.error.voided' });
      return;
    }
    if (result.outcome === 'wrong') {
      renderCodeForm(ctx.pages, req, res, tx, { personalised, errorKey: 'pin.error.wrong' });
      return;
    }
    await ctx.finish(req, res, tx, { subject: { personId: result.personId }, method: 'pin', loa: highestRung(cfg)!, authnInstant: ctx.now() });
  });
}

export const pin: ConnectorFactory = {
  id: 'pin',
  create(cfg: Config): Connector {
    return {
      id: 'pin',
      labelKey: 'method.pin',
      allowsRepresentation: false,
      reachableLoa: (_tx: LoginTransaction) => highestRung(cfg),
      mount: (router, ctx) => mountPin(cfg, router, ctx),
    };
  },
};
