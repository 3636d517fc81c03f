// Completing the registration with the letter (seed 000 §2.2.2 B): the identity data and the CSV,
// then the mobile, the e-mail and the conditions, then the code sent by SMS to that mobile (a
// number becomes the person's only once they showed they hold it). A CSV checked against the open
// letter moves the visit to a new cookie holding which letter it was; the letter is spent only
// when the person is registered (complete-registration.ts), after the right code.
import type express from 'express';
import { isWellFormedVerificationCode } from './verification-code.js';
import { completeRegistration, type Completion } from './complete-registration.js';
import { createIdentityRegistry } from '../../registry-db.js';
import { contactDetails, identityData, typedIdentity } from './form-input.js';
import { formField } from '../../../web/form-field.js';
import { LETTER, renderComplete, renderDetails, renderDone, renderMobileCode, type DetailsValues } from './pages.js';
import type { LetterDeps } from './letter-deps.js';
import type { LetterVisit } from './visit.js';

type Refusal = Exclude<Completion, { ok: true }>['reason'];

const HOUR = 3_600_000;

const REFUSAL_KEYS = {
  'letter-not-valid': 'letter.error.letterGone',
  'already-registered': 'letter.error.alreadyRegistered',
  'not-active': 'letter.error.notActive',
} as const;

export function mountCompletion(router: express.Router, form: express.RequestHandler, deps: LetterDeps): void {
  const { opts, pages, visits, rateLimit, residents, letters, audit, mobileProof } = deps;

  router.get('/complete', async (req, res) => {
    const visit = await visits.open(req, res);
    renderComplete(pages, req, res, { csrf: visit.csrf });
  });

  router.post('/complete', form, async (req, res) => {
    const visit = await visits.forForm(req);
    const typed = identityData(req.body);
    const csv = formField(req.body, 'csv');
    const values = typedIdentity(req.body);
    if (!typed || !isWellFormedVerificationCode(csv)) {
      renderComplete(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.invalidInput' }, values });
      return;
    }
    const ip = deps.ip(req);
    const withinIp = await rateLimit.hit(`letter-entry:ip:${ip}`, opts.completionsPerIpPerHour, HOUR);
    const withinPerson = await rateLimit.hit(`letter-entry:doc:${typed.document}`, opts.completionsPerPersonPerHour, HOUR);
    if (!withinIp || !withinPerson) {
      renderComplete(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.rateLimited' }, status: 429, values });
      return;
    }
    const resident = residents.find(typed.document, typed.contrast);
    // The letter is looked up for every well-formed entry, but only with the right identity data
    // can the code match or a wrong one count: nobody voids a stranger's letter with their DNI/NIE.
    const check = await letters.check(typed.document, csv, { identityConfirmed: resident !== undefined });
    if (!check.ok || !resident) {
      if (!check.ok && check.counted) {
        await audit.record({ actor: 'anonymous', action: check.voidedNow ? 'registration.letter.voided' : 'registration.letter.wrong-code', ip, detail: { letter: check.letterId } });
      }
      // one message for an unknown person, wrong identity data, a wrong code and a void letter
      renderComplete(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.csv', vars: { max: String(opts.maxWrongCodes) } }, values });
      return;
    }
    await visits.renew(res, visit, { checked: { letterId: check.letterId, documentNumber: resident.documentNumber } });
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
    const checked = visit.checked;
    const resident = checked && residents.checkedResident(checked.documentNumber);
    if (!checked || !resident) {
      renderComplete(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.noCheckedLetter' }, status: 409 });
      return;
    }
    const values = { mobile: formField(req.body, 'mobile'), email: formField(req.body, 'email') };
    const details = contactDetails(req.body);
    if (!details.ok) {
      renderDetails(pages, req, res, { csrf: visit.csrf, error: { key: details.problem }, values });
      return;
    }
    // each refused mobile tells that the number is someone's: bounded like CSV entries
    if (!(await rateLimit.hit(`letter-details:visit:${visit.id}`, opts.completionsPerPersonPerHour, HOUR))) {
      renderDetails(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.rateLimited' }, status: 429, values });
      return;
    }
    const early = await refusalBeforeCode(deps.db, resident.documentNumber, details.contact.mobile);
    if (early) return refuse(req, res, visit, checked.letterId, early, values);
    // Nothing is stored yet: the number becomes theirs only once the code sent to it comes back.
    const sent = await mobileProof.send(checked.letterId, details.contact.mobile, { person: checked.documentNumber, ip: deps.ip(req) }, (code) => pages.t(res, 'letter.sms', { code }));
    if (!sent) {
      renderDetails(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.rateLimited' }, status: 429, values });
      return;
    }
    await visits.save({ ...visit, checked: { ...checked, pendingContact: details.contact } });
    renderMobileCode(pages, req, res, { csrf: visit.csrf, mobile: details.contact.mobile });
  });

  router.post('/confirm', form, async (req, res) => {
    const visit = await visits.forForm(req);
    const checked = visit.checked;
    const resident = checked && residents.checkedResident(checked.documentNumber);
    const contact = checked?.pendingContact;
    if (!checked || !resident) {
      renderComplete(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.noCheckedLetter' }, status: 409 });
      return;
    }
    if (!contact) {
      renderDetails(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.noPendingMobile' }, status: 409 });
      return;
    }
    const values = { mobile: contact.mobile, email: contact.email };
    const proof = await mobileProof.check(checked.letterId, contact.mobile, formField(req.body, 'code'));
    if (proof.outcome === 'wrong') {
      renderMobileCode(pages, req, res, { csrf: visit.csrf, mobile: contact.mobile, error: { key: 'letter.error.codeWrong', vars: { left: String(proof.attemptsLeft) } } });
      return;
    }
    if (proof.outcome === 'voided') {
      // the letter stays usable: the person gives the number again and gets a new code
      await visits.save({ ...visit, checked: { letterId: checked.letterId, documentNumber: checked.documentNumber } });
      renderDetails(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.codeVoided' }, values });
      return;
    }
    const ip = deps.ip(req);
    const outcome = await completeRegistration({ db: deps.db, letters, audit }, checked.letterId, resident, contact, ip);
    if (outcome.ok) {
      await visits.end(res, visit);
      renderDone(pages, req, res, outcome.created);
      return;
    }
    await refuse(req, res, visit, checked.letterId, outcome.reason, values);
  });

  async function refuse(req: express.Request, res: express.Response, visit: LetterVisit, letterId: string, reason: Refusal, values: DetailsValues): Promise<void> {
    await audit.record({ actor: 'anonymous', action: 'registration.letter.refused', ip: deps.ip(req), detail: { letter: letterId, reason } });
    if (reason === 'mobile-taken') {
      renderDetails(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.mobileTaken' }, status: 409, values });
      return;
    }
    if (reason === 'invalid-contact') {
      renderDetails(pages, req, res, { csrf: visit.csrf, error: { key: 'letter.error.mobileInvalid' }, values });
      return;
    }
    // the checked letter is spent or refused for good: the page that follows starts afresh
    const fresh = await visits.renew(res, visit, {});
    renderComplete(pages, req, res, { csrf: fresh.csrf, error: { key: REFUSAL_KEYS[reason] }, status: 409 });
  }
}

/**
 * The refusals the registration would give whatever the code, given before an SMS goes to a number
 * that cannot become this person's (complete-registration.ts checks them again in its transaction).
 */
async function refusalBeforeCode(db: LetterDeps['db'], documentNumber: string, mobile: string): Promise<Refusal | undefined> {
  const registry = createIdentityRegistry(db);
  const known = await registry.findByDocument(documentNumber);
  if (known && known.status !== 'active') return 'not-active';
  if (known?.mobile) return 'already-registered';
  return (await registry.isMobileTaken(mobile)) ? 'mobile-taken' : undefined;
}
