// Registration by invitation letter → basic level (issue 9, seed 000 §2.2.2, 001 §5), under
// /register/letter. A person identifies with DNI/NIE and the document date (or NIE support
// number) and asks for a letter to the fiscal address in the register of residents; everybody
// gets the same answer, in the same time (the letter is written after the answer), whether or
// not they are in the register. With the letter's CSV and the same identity data they give a
// mobile (one person per mobile) and an e-mail and accept the conditions: registered at basic.
import express, { type Request } from 'express';
import path from 'node:path';
import { PROJECT_ROOT, varPath } from '../../../config.js';
import type { BrokerServices } from '../../../services.js';
import { isIsoDate, isValidDocument, isValidMobile, isValidSupportNumber, normaliseDocument, normaliseMobile } from '../../documents.js';
import type { ContrastData } from '../../person.js';
import { createLetters } from './letters.js';
import { createLetterPost } from './letter-post.js';
import { renderLetterPdf } from './letter-pdf.js';
import { addressLines, loadResidentsFile, type Resident } from './residents.js';
import { isWellFormedVerificationCode, newVerificationCode } from './verification-code.js';
import { createLetterVisits } from './visit.js';
import { completeRegistration } from './complete-registration.js';
import { LETTER, renderComplete, renderDetails, renderDone, renderRequested, renderStart, type DetailsValues } from './pages.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function field(body: unknown, name: string): string {
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v.trim() : '';
}

/** the typed identity data, when well formed */
function identityData(body: unknown): { document: string; contrast: ContrastData } | undefined {
  const document = normaliseDocument(field(body, 'document'));
  const documentDate = field(body, 'documentDate');
  const supportNumber = field(body, 'supportNumber');
  if (!isValidDocument(document)) return undefined;
  if (documentDate && isIsoDate(documentDate)) return { document, contrast: { documentDate } };
  if (supportNumber && isValidSupportNumber(supportNumber)) return { document, contrast: { supportNumber } };
  return undefined;
}

export function createLetterRouter(services: BrokerServices): express.Router {
  const router = express.Router();
  const opts = services.config.registration.letter;
  if (!opts.residentsFile) return router;
  // read at start, so a broken register stops the broker before it listens
  const residents = loadResidentsFile(path.resolve(PROJECT_ROOT, opts.residentsFile));
  const { audit, now, pages, rateLimit, log } = services;
  const letters = createLetters(services.db, { maxWrongCodes: opts.maxWrongCodes, now });
  const post = createLetterPost(varPath(services.config, services.config.notify.outboxDir), now);
  const visits = createLetterVisits(services.config, services.ephemeral, opts.visitMinutes * 60_000, now);
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  const ip = (req: Request) => req.ip ?? 'unknown';
  const completeUrl = `${services.config.publicUrl}${LETTER}/complete`;
  const values = (body: unknown) => ({ document: field(body, 'document'), documentDate: field(body, 'documentDate'), supportNumber: field(body, 'supportNumber') });

  async function sendLetter(resident: Resident, ipAddress: string): Promise<void> {
    const code = newVerificationCode();
    const letter = await letters.issue(resident.documentNumber, code, opts.validityDays * DAY);
    const lines = addressLines(resident);
    const pdf = await renderLetterPdf({ addressLines: lines, verificationCode: code, issuedAt: now(), expiresAt: letter.expiresAt, completeUrl, documentNumber: resident.documentNumber, maxWrongCodes: opts.maxWrongCodes });
    await post.send({ id: letter.id, addressLines: lines, pdf });
    await audit.record({ actor: 'anonymous', action: 'registration.letter.sent', ip: ipAddress, detail: { letter: letter.id } });
  }

  router.get('/', async (req, res) => {
    const visit = await visits.open(req, res);
    renderStart(pages, req, res, { csrf: visit.csrf });
  });

  router.post('/request', form, async (req, res) => {
    const visit = await visits.forForm(req);
    const typed = identityData(req.body);
    if (!typed) {
      renderStart(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.invalidInput' }, values: values(req.body) });
      return;
    }
    const withinIp = await rateLimit.hit(`letter-request:ip:${ip(req)}`, opts.requestsPerIpPerHour, HOUR);
    const withinPerson = await rateLimit.hit(`letter-request:doc:${typed.document}`, opts.requestsPerPersonPerDay, DAY);
    if (!withinIp || !withinPerson) {
      renderStart(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.rateLimited' }, status: 429, values: values(req.body) });
      return;
    }
    const resident = residents.find(typed.document, typed.contrast);
    // Not awaited: the answer takes the same time whether or not the data are in the register.
    // A letter that fails is logged; the person asks again.
    if (resident) sendLetter(resident, ip(req)).catch((err: unknown) => log.error({ err: (err as Error).message }, 'invitation letter not sent'));
    res.redirect(303, `${LETTER}/requested`);
  });

  router.get('/requested', (req, res) => {
    renderRequested(pages, req, res, opts.validityDays);
  });

  router.get('/complete', async (req, res) => {
    const visit = await visits.open(req, res);
    renderComplete(pages, req, res, { csrf: visit.csrf });
  });

  router.post('/complete', form, async (req, res) => {
    const visit = await visits.forForm(req);
    const typed = identityData(req.body);
    const csv = field(req.body, 'csv');
    const wrong = (status = 422) =>
      renderComplete(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.csv', vars: { max: String(opts.maxWrongCodes) } }, status, values: values(req.body) });
    if (!typed || !isWellFormedVerificationCode(csv)) {
      renderComplete(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.invalidInput' }, values: values(req.body) });
      return;
    }
    const withinIp = await rateLimit.hit(`letter-entry:ip:${ip(req)}`, opts.completionsPerIpPerHour, HOUR);
    const withinPerson = await rateLimit.hit(`letter-entry:doc:${typed.document}`, opts.completionsPerPersonPerHour, HOUR);
    if (!withinIp || !withinPerson) {
      renderComplete(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.rateLimited' }, status: 429, values: values(req.body) });
      return;
    }
    const resident = residents.find(typed.document, typed.contrast);
    // The letter is looked up for every well-formed entry, but a wrong code counts only with the
    // right identity data: nobody voids a stranger's letter by typing their DNI/NIE.
    const check = await letters.check(typed.document, csv, { identityConfirmed: resident !== undefined });
    if (!resident || !check.ok) {
      if (!check.ok && check.counted) {
        await audit.record({ actor: 'anonymous', action: check.voidedNow ? 'registration.letter.voided' : 'registration.letter.wrong-code', ip: ip(req), detail: { letter: check.letterId } });
      }
      wrong();
      return;
    }
    await visits.renew(res, visit, { letterId: check.letterId, documentNumber: resident.documentNumber });
    res.redirect(303, `${LETTER}/details`);
  });

  router.get('/details', async (req, res) => {
    const visit = await visits.open(req, res);
    if (!visit.checked) {
      renderComplete(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.noCheckedLetter' }, status: 409 });
      return;
    }
    renderDetails(pages, req, res, { csrf: visit.csrf });
  });

  router.post('/details', form, async (req, res) => {
    const visit = await visits.forForm(req);
    const resident = visit.checked && residents.checkedResident(visit.checked.documentNumber);
    if (!visit.checked || !resident) {
      renderComplete(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.noCheckedLetter' }, status: 409 });
      return;
    }
    const typed: DetailsValues = { mobile: field(req.body, 'mobile'), email: field(req.body, 'email') };
    const problem = !isValidMobile(typed.mobile!) ? 'letter.error.mobileInvalid' : !EMAIL.test(typed.email!) || typed.email!.length > 200 ? 'letter.error.emailInvalid' : field(req.body, 'conditions') !== 'accepted' ? 'letter.error.conditions' : undefined;
    if (problem) {
      renderDetails(pages, req, res, { csrf: visit.csrf, error: { key: problem }, values: typed });
      return;
    }
    // each refused mobile tells that the number is someone's: bounded like CSV entries
    if (!(await rateLimit.hit(`letter-details:visit:${visit.id}`, opts.completionsPerPersonPerHour, HOUR))) {
      renderDetails(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.rateLimited' }, status: 429, values: typed });
      return;
    }
    const outcome = await completeRegistration({ db: services.db, letters, audit }, visit.checked.letterId, resident, { mobile: normaliseMobile(typed.mobile!), email: typed.email! }, ip(req));
    if (outcome.ok) {
      await visits.end(res, visit);
      renderDone(pages, req, res, outcome.created);
      return;
    }
    await audit.record({ actor: 'anonymous', action: 'registration.letter.refused', ip: ip(req), detail: { letter: visit.checked.letterId, reason: outcome.reason } });
    if (outcome.reason === 'mobile-taken' || outcome.reason === 'invalid-contact') {
      renderDetails(pages, req, res, { csrf: visit.csrf, error: { key: outcome.reason === 'mobile-taken' ? 'letter.error.mobileTaken' : 'letter.error.mobileInvalid' }, status: outcome.reason === 'mobile-taken' ? 409 : 422, values: typed });
      return;
    }
    // the checked letter is spent or refused for good: the page that follows starts afresh
    const fresh = await visits.renew(res, visit, undefined);
    const key = outcome.reason === 'letter-not-valid' ? 'letter.error.letterGone' : outcome.reason === 'already-registered' ? 'letter.error.alreadyRegistered' : 'letter.error.notActive';
    renderComplete(pages, req, res, { csrf: fresh.csrf, error: { key }, status: 409 });
  });

  return router;
}
