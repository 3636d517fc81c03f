// The interviewer console at /staff/video (seed 002, step 3): the day's interviews with their
// meeting links, the requests waiting for a slot (with the day they lapse), proposing a slot,
// the document copies, the interview's checks and the decision (approve, ask for new copies,
// refuse with a reason); officials see the approvals awaiting their review and confirm them,
// which makes the registration advanced. The staff router's guard lets interviewers and
// officials in; each action checks its own role again, and every form its CSRF token.
import { Router, type Request, type Response } from 'express';
import type { BrokerServices } from '../../../services.js';
import { BrokerError } from '../../../errors.js';
import { dayOf, isDay } from '../../../mandates/dates.js';
import { carriesStaffCsrf, staffOf, type StaffConsole } from '../../staff/index.js';
import type { StaffRole } from '../../staff/roles.js';
import { instantOfLocal, lapseDay, officeDayBounds, slotText } from './office-calendar.js';
import { field } from './request-form.js';
import { sendPage, translator, type Notice } from './pages.js';
import { videoContextOf } from './context.js';
import type { InterviewChecks, VideoRequest } from './requests.js';
import type { StaffMember } from './channel.js';
import { consoleDetail, consoleOverview } from './console-pages.js';

const CHECKS: readonly (keyof InterviewChecks)[] = ['documentValid', 'documentGenuine', 'matchesPerson', 'registersConsistent'];

export const videoConsole: StaffConsole = {
  id: 'video',
  roles: ['interviewer', 'official'],
  titleKey: 'video.console.title',
  router(services: BrokerServices): Router {
    const router = Router();
    const { channel, requests, cfg } = videoContextOf(services);
    const { pages } = services;
    const member = (req: Request, res: Response): StaffMember => ({ personId: staffOf(res).login.personId, ip: req.ip });
    const holds = (res: Response, role: StaffRole) => staffOf(res).roles.includes(role);
    const checkCsrf = (req: Request, res: Response) => {
      if (!carriesStaffCsrf(req, staffOf(res).login)) throw new BrokerError('csrf', 'form token missing or wrong');
    };

    router.get('/', async (req, res) => {
      const day = isDay(req.query.day) ? req.query.day : dayOf(services.now(), cfg.timeZone);
      const { from, to } = officeDayBounds(day, cfg.timeZone);
      const lang = pages.lang(res);
      const interviews = await requests.interviewsBetween(from, to);
      const waiting = await requests.waitingForOffice(200);
      const review = holds(res, 'official') ? await requests.awaitingReview(200) : undefined;
      sendPage(pages, req, res, 'video.console.title', consoleOverview(translator(pages, res), {
        day,
        interviews: interviews.map((r) => ({ request: r, slot: slotText(r.slotAt!, cfg.timeZone, lang), meetingLink: channel.meetingLink(r) })),
        waiting: waiting.map((r) => ({ request: r, lapses: lapseDay(r.waitingSince, cfg.answerWorkingDays, cfg.timeZone) })),
        review,
      }));
    });

    async function detail(req: Request, res: Response, request: VideoRequest, list: Notice[] = [], status = 200): Promise<void> {
      const staff = staffOf(res);
      sendPage(pages, req, res, 'video.console.title', consoleDetail(translator(pages, res), {
        request,
        csrf: staff.login.csrfToken,
        slot: request.slotAt ? slotText(request.slotAt, cfg.timeZone, pages.lang(res)) : '',
        meetingLink: channel.meetingLink(request),
        copies: await requests.copies(request.id),
        zone: cfg.timeZone,
        interviewer: holds(res, 'interviewer'),
        canReview: holds(res, 'official') && !!request.personId && !request.reviewedBy && request.decidedBy !== staff.login.personId,
        notices: list,
      }), status);
    }

    /** the request of the address, else the not-found page */
    async function requestOf(req: Request, res: Response): Promise<VideoRequest | undefined> {
      const request = await requests.byId(String(req.params.id));
      if (!request) sendPage(pages, req, res, 'video.console.title', consoleDetail(translator(pages, res), undefined), 404);
      return request;
    }

    router.get('/requests/:id', async (req, res) => {
      const request = await requestOf(req, res);
      if (request) await detail(req, res, request);
    });

    router.get('/requests/:id/copies/:copyId', async (req, res) => {
      const request = await requestOf(req, res);
      if (!request) return;
      const copy = await channel.readCopy(member(req, res), request, String(req.params.copyId));
      if (!copy) return void res.status(404).type('text').send('no such copy');
      // an image is shown by the browser itself in a sandbox, never as a page of ours; a PDF is
      // downloaded to the staff member's own viewer rather than rendered by the broker's origin
      const pdf = copy.mediaType === 'application/pdf';
      res.set('Content-Security-Policy', "default-src 'none'; img-src 'self'; sandbox");
      res.set('Content-Disposition', pdf ? 'attachment; filename="document.pdf"' : `inline; filename="document.${copy.mediaType === 'image/png' ? 'png' : 'jpg'}"`);
      res.type(copy.mediaType).send(copy.bytes);
    });

    router.post('/requests/:id/propose', async (req, res) => {
      checkCsrf(req, res);
      const request = await requestOf(req, res);
      if (!request) return;
      if (!holds(res, 'interviewer')) return detail(req, res, request, [{ key: 'video.console.problem.interviewer' }], 403);
      const slotAt = instantOfLocal(field(req.body, 'slot'), cfg.timeZone);
      if (!slotAt || slotAt <= services.now()) return detail(req, res, request, [{ key: 'video.console.badSlot' }], 422);
      const done = await channel.propose(member(req, res), request, slotAt);
      await detail(req, res, (await requests.byId(request.id))!, [done ? { key: 'video.console.proposed', kind: 'info' } : { key: 'video.console.problem.state' }], done ? 200 : 409);
    });

    router.post('/requests/:id/decide', async (req, res) => {
      checkCsrf(req, res);
      const request = await requestOf(req, res);
      if (!request) return;
      if (!holds(res, 'interviewer')) return detail(req, res, request, [{ key: 'video.console.problem.interviewer' }], 403);
      const checks = Object.fromEntries(CHECKS.map((c) => [c, field(req.body, c) === 'yes'])) as unknown as InterviewChecks;
      const decision = field(req.body, 'decision');
      const reason = field(req.body, 'reason').slice(0, 500);
      const staff = member(req, res);
      const after = async (done: boolean, key: string) =>
        detail(req, res, (await requests.byId(request.id))!, [done ? { key, kind: 'info' } : { key: 'video.console.problem.state' }], done ? 200 : 409);
      if (decision === 'more' || decision === 'refuse') {
        if (!reason) return detail(req, res, request, [{ key: 'video.console.problem.reason' }], 422);
        return decision === 'more' ? after(await channel.askMore(staff, request, checks, reason), 'video.console.askedMore') : after(await channel.refuse(staff, request, checks, reason), 'video.console.refused');
      }
      if (decision !== 'approve') return detail(req, res, request, [{ key: 'video.console.problem.state' }], 422);
      const approved = await channel.approve(staff, request, checks, {
        documentNumber: field(req.body, 'documentNumber'),
        documentDate: field(req.body, 'documentDate') || undefined,
        supportNumber: field(req.body, 'supportNumber') || undefined,
      }, field(req.body, 'viewedCopies').split(/\s+/).filter(Boolean));
      if (!approved.ok) return detail(req, res, request, [{ key: `video.console.problem.${approved.problem}`, vars: { message: approved.message ?? '' } }], approved.problem === 'state' ? 409 : 422);
      // the activation code is on this answer only, to be read out to the person
      await detail(req, res, (await requests.byId(request.id))!, [{ key: 'video.console.approved', vars: { code: approved.activationCode }, kind: 'info' }]);
    });

    router.post('/requests/:id/review', async (req, res) => {
      checkCsrf(req, res);
      const request = await requestOf(req, res);
      if (!request) return;
      if (!holds(res, 'official')) return detail(req, res, request, [{ key: 'video.console.problem.official' }], 403);
      if (request.decidedBy === staffOf(res).login.personId) return detail(req, res, request, [{ key: 'video.console.reviewOwn' }], 403);
      const done = await channel.review(member(req, res), request);
      await detail(req, res, (await requests.byId(request.id))!, [done ? { key: 'video.console.reviewed', kind: 'info' } : { key: 'video.console.problem.state' }], done ? 200 : 409);
    });

    return router;
  },
};
