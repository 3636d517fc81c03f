// Reading what the Cl@ve Permanente login pages and stores say, for the login integration suites:
// the page's error and notice paragraphs, the login history, every log line the broker wrote, and
// the authenticator-app codes around the broker's clock.
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Agent } from 'supertest';
import type { TestBroker } from './test-broker.js';
import { translate } from '../../broker/web/i18n/catalogue.js';
import { totpAt } from '../../connectors/permanente/totp.js';
import { submitPassword, DEMO_PASSWORD } from './permanente.js';

/** Small argon2id parameters for suites that test flows, not hashing cost. */
export const FAST_ARGON2 = { memoryKiB: 8192, iterations: 1, parallelism: 1 };

export const CARMEN_EMAIL = 'carmen@example.es';

function decode(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The text of every error paragraph (role=alert) on a page. */
export function errorTexts(page: string): string[] {
  return [...page.matchAll(/<p class="error" role="alert">([^<]*)<\/p>/g)].map((m) => decode(m[1]!));
}

/** The single error paragraph of a page (fails when there is none or several). */
export function errorText(page: string): string {
  const all = errorTexts(page);
  if (all.length !== 1) throw new Error(`expected one error paragraph, found ${all.length}: ${page.slice(0, 2000)}`);
  return all[0]!;
}

/** The text of every notice paragraph (role=status). */
export function noticeTexts(page: string): string[] {
  return [...page.matchAll(/<p class="notice" role="status">([^<]*)<\/p>/g)].map((m) => decode(m[1]!));
}

/** A message of the Spanish catalogue (the pages' language when the browser asks for none). */
export function es(key: string, vars?: Record<string, string>): string {
  return translate('es', key, vars);
}

/** The rows of the login history for a person, after the write-behind queue is flushed. */
export async function loginHistoryOf(b: TestBroker, personId: string): Promise<{ method: string; loa: string; outcome: string; sp_entity_id: string }[]> {
  await b.broker.services.loginHistory.flush();
  return b.broker.services.db.selectFrom('login_history').select(['method', 'loa', 'outcome', 'sp_entity_id']).where('person_id', '=', personId).orderBy('id').execute();
}

/** A pino logger that keeps every line (trace and up) for the test to search. */
export function capturingLogger(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: pino({ level: 'trace' }, sink), lines };
}

/** A 6-digit code that is not `code`. */
export function otherCode(code: string, n = 1): string {
  return String((Number(code) + n) % 1_000_000).padStart(6, '0');
}

/** Moves the broker's clock to one second into the next 30-second TOTP step. */
export function alignToTotpStep(b: TestBroker): void {
  const into = b.clock.now().getTime() % 30_000;
  b.clock.advance(30_000 - into + 1_000);
}

/** The authenticator app's code `steps` 30-second steps from the broker's now. */
export function totpCode(b: TestBroker, secret: string, steps = 0): Promise<string> {
  return totpAt(secret, new Date(b.clock.now().getTime() + steps * 30_000));
}

/** Posts the password and expects the reinforced mode's second-factor page. */
export async function passwordToSecondFactor(agent: Agent, tx: string, csrf: string, document: string, password = DEMO_PASSWORD): Promise<void> {
  const r = await submitPassword(agent, tx, csrf, document, password);
  if (r.status !== 303 || r.headers.location !== `/connectors/permanente/${tx}/second-factor`) {
    throw new Error(`expected the second-factor step, got ${r.status} ${r.headers.location ?? ''} ${r.text.slice(0, 1500)}`);
  }
}

/** A whole-token match: the code as six digits not inside a longer run of digits. */
export function containsCode(text: string, code: string): boolean {
  return new RegExp(`(?<![0-9])${code}(?![0-9])`).test(text);
}
