// The person's side of the appointment (seed 002, steps 1 and 2): the request form and its
// security code, shown once; the link of the e-mail with that code, which opens the appointment
// for this browser's visit; the copies of the identity document; accept, another slot, cancel.
import express, { type Request, type Response } from 'express';
import { multipartBody, uploadedFiles } from '../../../admin/pages/multipart.js';
import { slotText } from './office-calendar.js';
import { readRequestForm, field } from './request-form.js';
import { appointmentPage, codeForm, endNotice, requestForm, requestedPage, sendPage, translator, VIDEO, type Notice } from './pages.js';
import type { VideoContext } from './context.js';
import { OPEN_STATES, type VideoRequest } from './requests.js';

const HOUR = 3_600_000;

export function mountCitizenRoutes(router: express.Router, vc: VideoContext): void {
  const { services, channel, requests, visits, cfg } = vc;
  const { pages } = services;
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 30 });
  // both sides in one body; a single side over the limit is refused by the check, not the parser
  const upload = multipartBody(2 * cfg.documentMaxBytes + 64 * 1024);
  const maxMb = Math.floor(cfg.documentMaxBytes / 1048576);

  router.get('/', async (req, res) => {
    const visit = await visits.open(req, res);
    sendPage(pages, req, res, 'video.title', requestForm(translator(pages, res), visit.csrf, cfg.timeZone));
  });

  router.post('/', form, async (req, res) => {
    const visit = await visits.forForm(req);
    const t = translator(pages, res);
    if (!(await services.rateLimit.hit(`video-request:ip:${req.ip ?? 'unknown'}`, cfg.requestsPerIpPerHour, HOUR))) {
      return sendPage(pages, req, res, 'video.title', requestForm(t, visit.csrf, cfg.timeZone, req.body, [], { key: 'video.rateLimited' }), 429);
    }
    const read = readRequestForm(req.body, cfg.timeZone, services.now());
    if (!read.ok) return sendPage(pages, req, res, 'video.title', requestForm(t, visit.csrf, cfg.timeZone, req.body, read.problems), 422);
    const { securityCode } = await channel.request(read.details, req.ip);
    // a new visit: going back and submitting again must not reuse this form's token
    await visits.end(res, visit);
    sendPage(pages, req, res, 'video.requested.title', requestedPage(t, securityCode, read.details.email, cfg.answerWorkingDays));
  });

  async function show(req: Request, res: Response, request: VideoRequest, csrf: string, list: Notice[] = [], status = 200): Promise<void> {
    const t = translator(pages, res);
    const view = {
      request,
      slot: request.slotAt ? slotText(request.slotAt, cfg.timeZone, pages.lang(res)) : '',
      meetingLink: channel.meetingLink(request),
      copies: await requests.copies(request.id),
      maxMb,
    };
    sendPage(pages, req, res, 'video.appointment.title', appointmentPage(t, csrf, view, list), status);
  }

  /** the open request this visit proved the code for, else the page that says to use the link again */
  async function appointmentOf(req: Request, res: Response, appointment: string | undefined): Promise<VideoRequest | undefined> {
    const request = appointment ? await requests.byId(appointment) : undefined;
    if (request && OPEN_STATES.includes(request.state)) return request;
    const t = translator(pages, res);
    sendPage(pages, req, res, 'video.appointment.title', endNotice(t, request ? 'video.open.closed' : 'video.open.expired'), 403);
    return undefined;
  }

  router.get('/appointment', async (req, res) => {
    const visit = await visits.open(req, res);
    const request = await appointmentOf(req, res, visit.appointment);
    if (request) await show(req, res, request, visit.csrf);
  });

  // up to two copies are read into memory: only for a browser that opened an appointment
  const openedFirst: express.RequestHandler = async (req, res, next) => {
    if ((await visits.peek(req))?.appointment) return next();
    sendPage(pages, req, res, 'video.appointment.title', endNotice(translator(pages, res), 'video.open.expired'), 403);
  };

  router.post('/appointment/copies', openedFirst, ...upload, async (req, res) => {
    const visit = await visits.forForm(req);
    const request = await appointmentOf(req, res, visit.appointment);
    if (!request) return;
    const list: Notice[] = [];
    for (const side of ['front', 'back'] as const) {
      const file = uploadedFiles(res, side)[0];
      if (!file) continue;
      const stored = await channel.uploadCopy(request, side, file.bytes, req.ip);
      list.push(stored.ok ? { key: 'video.copies.uploaded', kind: 'info' } : { key: `video.copy.${stored.problem}`, vars: { side: pages.t(res, `video.copies.${side}`), mb: String(maxMb) } });
    }
    if (list.length === 0) list.push({ key: 'video.copy.empty', vars: { side: `${pages.t(res, 'video.copies.front')} / ${pages.t(res, 'video.copies.back')}` } });
    const refused = list.some((n) => n.kind !== 'info');
    await show(req, res, request, visit.csrf, list, refused ? 422 : 200);
  });

  router.post('/appointment/accept', form, async (req, res) => {
    const visit = await visits.forForm(req);
    const request = await appointmentOf(req, res, visit.appointment);
    if (!request) return;
    const wasMoreAsked = request.state === 'more-asked';
    if ((await requests.copies(request.id)).length < 2) return show(req, res, request, visit.csrf, [{ key: 'video.copies.needBoth' }], 422);
    const done = await channel.accept(request, req.ip);
    const now = (await requests.byId(request.id))!;
    await show(req, res, now, visit.csrf, [done ? { key: wasMoreAsked ? 'video.resubmitted.done' : 'video.accepted.done', kind: 'info' } : { key: 'video.changed' }], done ? 200 : 409);
  });

  router.post('/appointment/another', form, async (req, res) => {
    const visit = await visits.forForm(req);
    const request = await appointmentOf(req, res, visit.appointment);
    if (!request) return;
    const done = await channel.askAnotherSlot(request, req.ip);
    const now = (await requests.byId(request.id))!;
    await show(req, res, now, visit.csrf, [done ? { key: 'video.another.done', kind: 'info' } : { key: 'video.changed' }], done ? 200 : 409);
  });

  router.post('/appointment/cancel', form, async (req, res) => {
    const visit = await visits.forForm(req);
    const request = await appointmentOf(req, res, visit.appointment);
    if (!request) return;
    if (!(await channel.cancel(request, req.ip))) return show(req, res, (await requests.byId(request.id))!, visit.csrf, [{ key: 'video.changed' }], 409);
    await visits.end(res, visit);
    const t = translator(pages, res);
    sendPage(pages, req, res, 'video.cancelled.title', endNotice(t, 'video.cancelled.done', 'info'));
  });
  // after the fixed /appointment/… addresses, which this one would otherwise swallow
  // the link of the e-mail: asks for the security code and tells nothing before it
  router.get('/appointment/:token', async (req, res) => {
    const visit = await visits.open(req, res);
    const t = translator(pages, res);
    sendPage(pages, req, res, 'video.appointment.title', codeForm(t, visit.csrf, `${VIDEO}/appointment/${encodeURIComponent(req.params.token)}`, 'video.appointment.codeIntro', 'video.securityCode', 'video.securityCode.hint'));
  });

  router.post('/appointment/:token', form, async (req, res) => {
    const visit = await visits.forForm(req);
    const t = translator(pages, res);
    if (!(await services.rateLimit.hit(`video-code:ip:${req.ip ?? 'unknown'}`, 10 * cfg.securityCodeMaxWrong, HOUR))) {
      return sendPage(pages, req, res, 'video.appointment.title', codeForm(t, visit.csrf, req.originalUrl, 'video.appointment.codeIntro', 'video.securityCode', 'video.securityCode.hint', { key: 'video.rateLimited' }), 429);
    }
    const opened = await channel.open(req.params.token, field(req.body, 'code'), req.ip);
    if (!opened.ok) {
      return sendPage(pages, req, res, 'video.appointment.title', codeForm(t, visit.csrf, `${VIDEO}/appointment/${encodeURIComponent(req.params.token)}`, 'video.appointment.codeIntro', 'video.securityCode', 'video.securityCode.hint', { key: `video.open.${opened.refusal}` }), opened.refusal === 'wrong' ? 422 : 403);
    }
    await visits.renew(res, visit, { appointment: opened.request.id });
    res.redirect(303, `${VIDEO}/appointment`);
  });
}
