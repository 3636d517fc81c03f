// The video identification channel (issue 9, seed 002) driven over HTTP: the request form, the
// e-mails in the outbox, the appointment opened with link and security code, the copies, and the
// interviewer console. Used by the integration and browser suites.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Agent } from 'supertest';
import type { TestBroker } from './test-broker.js';
import { csrfOf, readCodeFromOutbox } from './flow-driver.js';
import { newAgent } from './sp-requests.js';
import { localInputOf } from '../../broker/identity/channels/video/office-calendar.js';

export const OFFICE_ZONE = 'Europe/Madrid';
const DAY = 86_400_000;

export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly at: string;
}

/** e-mails to `to` written at or after `since`, oldest first */
export async function mailsTo(b: TestBroker, to: string, since = 0): Promise<Mail[]> {
  const text = await readFile(path.join(b.varDir, 'outbox', 'email.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Mail).filter((m) => m.to === to && Date.parse(m.at) >= since);
}

/** waits for the e-mail to `to` whose subject matches (delivery is asynchronous) */
export async function mailMatching(b: TestBroker, to: string, subject: RegExp, since = 0): Promise<Mail> {
  for (let i = 0; i < 100; i++) {
    const hit = (await mailsTo(b, to, since)).filter((m) => subject.test(m.subject)).at(-1);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no e-mail to ${to} matching ${subject}`);
}

export function linkIn(mail: Mail, kind: 'appointment' | 'activate'): string {
  const m = new RegExp(`https?://[^\\s]+(/register/video/${kind}/[A-Za-z0-9_-]{22})`).exec(mail.text);
  assert.ok(m, `the e-mail carries the ${kind} link: ${mail.text}`);
  return m[1]!;
}

/** an office wall-clock time `days` from the broker's now at `hour`, as a datetime-local value */
export function officeSlot(b: TestBroker, days: number, hour = 10): string {
  return `${localInputOf(new Date(b.clock.now().getTime() + days * DAY), OFFICE_ZONE).slice(0, 10)}T${String(hour).padStart(2, '0')}:00`;
}

export function requestFields(b: TestBroker, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    givenName: 'Eva',
    firstSurname: 'Peeters',
    secondSurname: '',
    dateOfBirth: '1991-04-05',
    countryOfBirth: 'België',
    placeOfBirth: 'Gent',
    sex: 'F',
    documentNumber: '',
    email: 'eva@example.be',
    mobile: '',
    motivation: 'Mijn belastingaangifte en mijn pensioendossier.',
    slot1: officeSlot(b, 8),
    slot2: officeSlot(b, 9, 14),
    language: 'nl',
    consent: 'yes',
    ...overrides,
  };
}

/** posts the request form; returns the security code shown once */
export async function askForAppointment(agent: Agent, fields: Record<string, string>): Promise<string> {
  const csrf = csrfOf((await agent.get('/register/video').expect(200)).text);
  const res = await agent.post('/register/video').type('form').send({ csrf, ...fields });
  assert.equal(res.status, 200, res.text.slice(0, 2000));
  const m = /id="security-code"><strong>([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})</.exec(res.text);
  assert.ok(m, 'the security code is shown');
  return m[1]!;
}

/** opens the e-mailed appointment link with the security code, expecting `status`; returns the answer */
export async function openAppointment(agent: Agent, link: string, code: string, status: number) {
  const csrf = csrfOf((await agent.get(link).expect(200)).text);
  return agent.post(link).type('form').send({ csrf, code }).expect(status);
}

/** the request id of the newest request of `email` */
export async function requestIdOf(b: TestBroker, email: string): Promise<string> {
  const row = await b.broker.services.db.selectFrom('video_requests').select('id').where('email', '=', email).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
  return row.id;
}

/** a staff console form's CSRF token from a console page */
export async function consoleCsrf(staff: Agent, pathname: string): Promise<string> {
  return csrfOf((await staff.get(pathname).expect(200)).text);
}

/** the ids of the copies the console's decision form lists for request `id` (the ones the interviewer saw) */
export async function viewedCopies(staff: Agent, id: string): Promise<string> {
  const page = await staff.get(`/staff/video/requests/${id}`).expect(200);
  const m = /name="viewedCopies" value="([^"]*)"/.exec(page.text);
  assert.ok(m, 'the decision form lists the copies shown');
  return m[1]!;
}

export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2048, 7)]);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(1024, 1)]);

/**
 * A request taken over HTTP to its approval: asked for, proposed by `interviewer`, opened with
 * link and code, both sides uploaded, accepted, approved with `identity`. Returns the activation
 * code the console showed and the activation link e-mailed.
 */
export async function approvedRequest(
  b: TestBroker,
  interviewer: Agent,
  interviewerCsrf: string,
  fields: Record<string, string>,
  identity: Record<string, string>,
): Promise<{ id: string; activationCode: string; activationLink: string }> {
  const browser = newAgent(b);
  const code = await askForAppointment(browser, fields);
  const id = await requestIdOf(b, fields.email!);
  const since = Date.now();
  await interviewer.post(`/staff/video/requests/${id}/propose`).type('form').send({ csrf: interviewerCsrf, slot: officeSlot(b, 8) }).expect(200);
  const link = linkIn(await mailMatching(b, fields.email!, /tijdslot|franja|slot|créneau/, since), 'appointment');
  await openAppointment(browser, link, code, 303);
  const csrf = csrfOf((await browser.get('/register/video/appointment').expect(200)).text);
  await browser.post('/register/video/appointment/copies').field('csrf', csrf).attach('front', PNG, 'front.png').attach('back', PDF, 'back.pdf').expect(200);
  await browser.post('/register/video/appointment/accept').type('form').send({ csrf }).expect(200);
  const approveSince = Date.now();
  const approved = await interviewer
    .post(`/staff/video/requests/${id}/decide`)
    .type('form')
    .send({ csrf: interviewerCsrf, documentValid: 'yes', documentGenuine: 'yes', matchesPerson: 'yes', registersConsistent: 'yes', decision: 'approve', viewedCopies: await viewedCopies(interviewer, id), ...identity })
    .expect(200);
  const activationCode = /([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})/.exec(approved.text)?.[1];
  assert.ok(activationCode, 'the console shows the activation code');
  const activationLink = linkIn(await mailMatching(b, fields.email!, /activa/i, approveSince), 'activate');
  return { id, activationCode, activationLink };
}

/**
 * On an opened activation (link and code given in `browser`'s visit): sends the code to the
 * mobile on file, reads it from <varDir>/outbox/sms.jsonl and types it back.
 */
export async function proveMobile(b: TestBroker, browser: Agent, mobile: string): Promise<void> {
  const csrf = csrfOf((await browser.get('/register/video/activate').expect(200)).text);
  const since = Date.now();
  await browser.post('/register/video/activate/mobile').type('form').send({ csrf }).expect(200);
  const code = await readCodeFromOutbox(b.varDir, 'sms', mobile, since);
  await browser.post('/register/video/activate/mobile/code').type('form').send({ csrf, code }).expect(303).expect('location', '/register/video/activate');
}
