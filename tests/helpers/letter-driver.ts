// Drives the invitation-letter pages over HTTP (a supertest agent keeps the visit cookie) and reads
// the letters the broker posts: the line in <varDir>/outbox/letter.jsonl, the PDF it points at,
// opened with pdftotext (Debian's poppler-utils), and the CSV read from that text; the code that
// proves the mobile is read from <varDir>/outbox/sms.jsonl.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Agent } from 'supertest';
import { normaliseMobile } from '../../broker/identity/documents.js';
import { csrfOf, readCodeFromOutbox } from './flow-driver.js';

const run = promisify(execFile);

export interface LetterResident {
  readonly document: string;
  readonly documentDate?: string;
  readonly supportNumber?: string;
}

export interface PostedLetter {
  readonly to: string;
  readonly pdf: string;
  readonly at: string;
  /** the PDF's text as pdftotext reads it */
  readonly text: string;
  /** the CSV read from the text, without spaces */
  readonly csv: string;
}

export function identityFields(r: LetterResident): Record<string, string> {
  return { document: r.document, documentDate: r.documentDate ?? '', supportNumber: r.supportNumber ?? '' };
}

/** The letter lines written at or after `since` (ms). */
export async function letterLines(varDir: string, since: number): Promise<{ channel: string; to: string; pdf: string; at: string }[]> {
  const text = await readFile(path.join(varDir, 'outbox', 'letter.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { channel: string; to: string; pdf: string; at: string })
    .filter((l) => Date.parse(l.at) >= since);
}

/** Waits for the newest letter to an address containing `addressPart` written at or after `since`. */
export async function readLetter(varDir: string, addressPart: string, since: number): Promise<PostedLetter> {
  for (let i = 0; i < 200; i++) {
    const hit = (await letterLines(varDir, since)).filter((l) => l.to.includes(addressPart)).at(-1);
    if (hit) {
      assert.equal(hit.channel, 'letter');
      const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', hit.pdf, '-']);
      const lines = stdout.split('\n').map((l) => l.trim());
      const label = lines.findIndex((l) => l.includes('Secure Verification Code (CSV)'));
      const csvLine = lines.slice(label + 1).find((l) => l.length > 0) ?? '';
      assert.match(csvLine, /^[A-Z0-9]{4} [A-Z0-9]{4} [A-Z0-9]{4} [A-Z0-9]{4}$/, `CSV line in the letter: ${csvLine}`);
      return { to: hit.to, pdf: hit.pdf, at: hit.at, text: stdout, csv: csvLine.replace(/ /g, '') };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no letter to an address with "${addressPart}" in the outbox`);
}

/** From the start page, asks for a letter; the answer must have `status` (303 to /requested). */
export async function requestLetter(agent: Agent, resident: LetterResident, status: number) {
  const start = await agent.get('/register/letter').expect(200);
  return agent.post('/register/letter/request').type('form').send({ csrf: csrfOf(start.text), ...identityFields(resident) }).expect(status);
}

/** Enters identity data and a CSV on the completion page; the answer must have `status` (303 to /details when right). */
export async function enterCsv(agent: Agent, resident: LetterResident, csv: string, status: number) {
  const page = await agent.get('/register/letter/complete').expect(200);
  return agent.post('/register/letter/complete').type('form').send({ csrf: csrfOf(page.text), ...identityFields(resident), csv }).expect(status);
}

/**
 * On the contact-details page (after a checked CSV): mobile, e-mail and the conditions; the answer
 * (the page asking for the code sent to that mobile when they are right) must have `status`.
 */
export async function giveContactDetails(agent: Agent, details: { mobile: string; email: string; conditions?: boolean }, status: number) {
  const page = await agent.get('/register/letter/details').expect(200);
  return agent
    .post('/register/letter/details')
    .type('form')
    .send({ csrf: csrfOf(page.text), mobile: details.mobile, email: details.email, ...(details.conditions === false ? {} : { conditions: 'accepted' }) })
    .expect(status);
}

/** Types `code` on the page that asks for the code sent to the mobile; the answer must have `status`. */
export async function confirmMobile(agent: Agent, csrf: string, code: string, status: number) {
  return agent.post('/register/letter/confirm').type('form').send({ csrf, code }).expect(status);
}

/**
 * The contact details, then the code the broker sent by SMS to that mobile (read from
 * <varDir>/outbox/sms.jsonl, whose lines carry the wall-clock time) typed back; the
 * confirmation's answer must have `status`.
 */
export async function completeDetails(agent: Agent, varDir: string, details: { mobile: string; email: string }, status: number) {
  const since = Date.now();
  const asked = await giveContactDetails(agent, details, 200);
  const code = await readCodeFromOutbox(varDir, 'sms', normaliseMobile(details.mobile), since);
  return confirmMobile(agent, csrfOf(asked.text), code, status);
}
