// Asking for a letter (seed 000 §2.2.2 A): the identity data, limits per address and per DNI/NIE
// (counted whether or not it is in the register), and one answer for everybody. The letter is
// written after the answer, so the answer takes the same time whether or not the data are in the
// register; a letter that fails is logged and the person asks again.
import type express from 'express';
import { addressLines, type Resident } from './residents.js';
import { newVerificationCode } from './verification-code.js';
import { renderLetterPdf } from './letter-pdf.js';
import { identityData, typedIdentity } from './form-input.js';
import { LETTER, renderRequested, renderStart } from './pages.js';
import type { LetterDeps } from './letter-deps.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function mountRequest(router: express.Router, form: express.RequestHandler, deps: LetterDeps): void {
  const { opts, pages, visits, rateLimit, residents, letters, post, audit, now, log } = deps;

  async function sendLetter(resident: Resident, ip: string): Promise<void> {
    const code = newVerificationCode();
    const letter = await letters.issue(resident.documentNumber, code, opts.validityDays * DAY);
    const lines = addressLines(resident);
    const pdf = await renderLetterPdf({
      addressLines: lines,
      verificationCode: code,
      issuedAt: now(),
      expiresAt: letter.expiresAt,
      completeUrl: deps.completeUrl,
      documentNumber: resident.documentNumber,
      maxWrongCodes: opts.maxWrongCodes,
    });
    await post.send({ id: letter.id, addressLines: lines, pdf });
    await audit.record({ actor: 'anonymous', action: 'registration.letter.sent', ip, detail: { letter: letter.id } });
  }

  router.get('/', async (req, res) => {
    const visit = await visits.open(req, res);
    renderStart(pages, req, res, { csrf: visit.csrf });
  });

  router.post('/request', form, async (req, res) => {
    const visit = await visits.forForm(req);
    const typed = identityData(req.body);
    if (!typed) {
      renderStart(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.invalidInput' }, values: typedIdentity(req.body) });
      return;
    }
    const ip = deps.ip(req);
    const withinIp = await rateLimit.hit(`letter-request:ip:${ip}`, opts.requestsPerIpPerHour, HOUR);
    const withinPerson = await rateLimit.hit(`letter-request:doc:${typed.document}`, opts.requestsPerPersonPerDay, DAY);
    if (!withinIp || !withinPerson) {
      renderStart(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.rateLimited' }, status: 429, values: typedIdentity(req.body) });
      return;
    }
    const resident = residents.find(typed.document, typed.contrast);
    if (resident) sendLetter(resident, ip).catch((err: unknown) => log.error({ err: (err as Error).message }, 'invitation letter not sent'));
    res.redirect(303, `${LETTER}/requested`);
  });

  router.get('/requested', (req, res) => {
    renderRequested(pages, req, res, opts.validityDays);
  });
}
