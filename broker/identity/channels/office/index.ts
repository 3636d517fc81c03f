// The registration office console (issue 9), /staff/office/ for registrars: find a person by
// DNI/NIE or register one from the identity document shown, at the advanced level (an office is
// as strict as advanced: the person and the original document are in front of the registrar);
// record mobile and e-mail (one person per mobile, the seed's rule and its reason when refused);
// raise a basic person to advanced; minors with their guardian and the proof of parental
// authority; the Cl@ve Permanente activation code on a printable page, once. Never on the
// registrar's own record (another registrar serves them; the attempt is audited).
import { Router, type Request, type Response } from 'express';
import type { BrokerServices } from '../../../services.js';
import { html, type SafeHtml } from '../../../web/html.js';
import type { StaffConsole } from '../../staff/console.js';
import { carriesStaffCsrf, staffActor, staffOf } from '../../staff/index.js';
import { IdentityError } from '../../registry-db.js';
import { isValidDocument, normaliseDocument } from '../../documents.js';
import { dayOf } from '../../../mandates/dates.js';
import { translate } from '../../../web/i18n/catalogue.js';
import { ADULT_AGE, ageOn, isCountryCode, readContact, readGuardianIfMinor, readNewPerson, type Form } from './office-form.js';
import { guardiansOf, registerAtOffice, upgradeAtOffice, type Registrar } from './register-at-office.js';
import { activationCodePage, newPersonPage, notFound, personSection, searchPage, type PageKit } from './pages.js';

const formOf = (req: Request): Form => {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
};

/** The problem an IdentityError is at the counter. */
function problemOf(err: IdentityError): string {
  switch (err.code) {
    case 'mobile-taken':
      return 'office.problem.mobileTaken';
    case 'duplicate':
      return 'office.problem.duplicate';
    case 'inactive':
      return 'office.problem.inactive';
    case 'not-found':
      return 'office.problem.notFound';
    default:
      return 'office.problem.invalid';
  }
}

function router(services: BrokerServices): Router {
  const r = Router();
  const { pages, config: cfg } = services;
  const deps = { db: services.db, now: services.now };
  const today = () => dayOf(services.now(), cfg.staff.timeZone);
  const kit = (res: Response): PageKit => ({ pages, res, csrf: staffOf(res).login.csrfToken });
  const registrar = (req: Request, res: Response): Registrar => ({ personId: staffOf(res).login.personId, ip: req.ip });
  const send = (req: Request, res: Response, page: { title: string; body: SafeHtml }, status = 200) => pages.send(req, res, { ...page, status });

  /** The person found, with the upgrade form: as sent back (`form`), or filled in from the registry. */
  async function showPerson(req: Request, res: Response, document: string, form: Form | undefined, problems: string[], status = 200) {
    const k = kit(res);
    const person = await services.identity.findByDocument(document);
    if (!person) return send(req, res, searchPage(k, document, notFound(k, normaliseDocument(document))), 404);
    const minor = person.dateOfBirth !== null && ageOn(person.dateOfBirth, today()) < ADULT_AGE;
    const shown = form ?? { nationality: person.documentType === 'DNI' ? 'ES' : '', mobile: person.mobile ?? '', email: person.email ?? '' };
    // a registrar's own record says at once that it is not theirs to change (the upgrade refuses it)
    const shownProblems = isOwnRecord(res, person.id) && !problems.includes(OWN_RECORD) ? [OWN_RECORD, ...problems] : problems;
    const section = personSection(k, person, await guardiansOf(services.db, person.id), shown, shownProblems, minor);
    send(req, res, searchPage(k, person.documentNumber ?? document, section), status);
  }

  r.get('/', async (req, res) => {
    const document = typeof req.query.document === 'string' ? req.query.document.trim() : '';
    const k = kit(res);
    if (!document) return send(req, res, searchPage(k, '', html`<p>${pages.t(res, 'office.search.intro')}</p>`));
    if (!isValidDocument(document)) return send(req, res, searchPage(k, document, problemBlock(k, 'office.problem.documentNumber')), 400);
    await showPerson(req, res, document, undefined, []);
  });

  r.get('/new', (req, res) => {
    const document = typeof req.query.document === 'string' && isValidDocument(req.query.document) ? normaliseDocument(req.query.document) : '';
    send(req, res, newPersonPage(kit(res), { documentNumber: document }, []));
  });

  r.post('/new', async (req, res) => {
    const form = formOf(req);
    const k = kit(res);
    if (!carriesStaffCsrf(req, staffOf(res).login)) return send(req, res, newPersonPage(k, form, ['office.problem.csrf']), 403);
    const checked = readNewPerson(form, today());
    if (!checked.ok) return send(req, res, newPersonPage(k, form, checked.problems), 422);
    try {
      const outcome = await registerAtOffice(deps, checked.value, registrar(req, res));
      send(req, res, activationCodePage(k, outcome.person, outcome.activationCode, checked.value.guardian ? ['office.done.minor'] : [], today()), 201);
    } catch (err) {
      if (!(err instanceof IdentityError)) throw err;
      send(req, res, newPersonPage(k, form, [problemOf(err)]), err.code === 'mobile-taken' || err.code === 'duplicate' ? 409 : 422);
    }
  });

  // the document travels in the body, not the path: request logs keep paths, and a DNI/NIE is personal data
  r.post('/upgrade', async (req, res) => {
    const form = formOf(req);
    const document = form.document ?? '';
    if (!isValidDocument(document)) return send(req, res, searchPage(kit(res), document, problemBlock(kit(res), 'office.problem.documentNumber')), 400);
    if (!carriesStaffCsrf(req, staffOf(res).login)) return showPerson(req, res, document, form, ['office.problem.csrf'], 403);
    const person = await services.identity.findByDocument(document);
    if (!person) return showPerson(req, res, document, form, [], 404);
    if (isOwnRecord(res, person.id)) {
      // Separation of duties: raising one's own level, changing one's own mobile or printing
      // oneself an activation code needs a second pair of eyes, so another registrar does it.
      await services.audit.record({ actor: staffActor(res), action: 'registration.office.own-record-refused', subject: person.id, ip: req.ip });
      return showPerson(req, res, document, undefined, [], 403);
    }
    const problems: string[] = [];
    if (form.documentChecked !== 'yes') problems.push('office.problem.documentChecked');
    const nationality = (form.nationality ?? '').trim().toUpperCase();
    if (!isCountryCode(nationality)) problems.push('office.problem.nationality');
    else if (person.documentType === 'DNI' && nationality !== 'ES') problems.push('office.problem.dniNationality');
    else if (person.documentType === 'NIE' && nationality === 'ES') problems.push('office.problem.nieNationality');
    const contact = readContact(form, problems);
    const guardian = readGuardianIfMinor(person.dateOfBirth, form, today(), problems);
    if (problems.length > 0) return showPerson(req, res, document, form, problems, 422);
    try {
      const outcome = await upgradeAtOffice(deps, { documentNumber: document, nationality, contact, guardian, newActivationCode: form.newActivationCode === 'yes' }, registrar(req, res));
      const notes: string[] = [];
      if (outcome.previousMobile) {
        notes.push('office.done.oldMobileTold');
        // the seed's specially protected change: the old number hears of it (in Spanish: its owner's
        // language is unknown), in case it was not its owner's wish
        await services.notify
          .send({ channel: 'sms', to: outcome.previousMobile, text: translate('es', 'office.sms.mobileChanged') })
          .catch((err: unknown) => services.log.warn({ err }, 'the old mobile could not be told of its change'));
      }
      if (person.registrationLevel === 'advanced') notes.push('office.done.wasAdvanced');
      send(req, res, activationCodePage(kit(res), outcome.person, outcome.activationCode, notes, today()));
    } catch (err) {
      if (!(err instanceof IdentityError)) throw err;
      await showPerson(req, res, document, form, [problemOf(err)], err.code === 'mobile-taken' ? 409 : 422);
    }
  });
  return r;
}

const OWN_RECORD = 'office.problem.ownRecord';

/** Whether the person at the counter is the registrar at the console. */
function isOwnRecord(res: Response, personId: string): boolean {
  return staffOf(res).login.personId === personId;
}

function problemBlock(k: PageKit, key: string): SafeHtml {
  return html`<p class="error" role="alert">${k.pages.t(k.res, key)}</p>`;
}

export const officeConsole: StaffConsole = {
  id: 'office',
  roles: ['registrar'],
  titleKey: 'office.title',
  router,
};
