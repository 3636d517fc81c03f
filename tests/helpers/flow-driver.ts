// Drives a browser's side of a login over HTTP (supertest agent keeps the cookies): the SSO
// request, the selector, the PIN pages, and the auto-submitted form back to the SP.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { Agent } from 'supertest';
import { DOMParser } from '@xmldom/xmldom';

export interface PostForm {
  readonly action: string;
  readonly fields: Record<string, string>;
}

function decodeEntities(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The auto-submitting form of the HTTP-POST binding, read from the page. */
export function readPostForm(html: string): PostForm {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  assert.ok(action, 'page has a form');
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(m[0])?.[1];
    const value = /value="([^"]*)"/.exec(m[0])?.[1];
    if (name) fields[name] = decodeEntities(value ?? '');
  }
  return { action: decodeEntities(action), fields };
}

export function csrfOf(html: string): string {
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(token, 'page has a CSRF token');
  return token;
}

export function txOf(location: string): string {
  const id = /\/login\/([A-Za-z0-9_-]{22})/.exec(location)?.[1];
  assert.ok(id, `redirect to the selector, got ${location}`);
  return id;
}

/**
 * Polls the outbox for the SMS to `to` written at or after `since` (taken just before the
 * request; delivery is asynchronous, so an older line for the same person must never be read).
 */
export async function readPinFromOutbox(varDir: string, to: string, since: number): Promise<string> {
  return readCodeFromOutbox(varDir, 'sms', to, since);
}

/** The code of the newest message on `channel` to `to` written at or after `since`. */
export async function readCodeFromOutbox(varDir: string, channel: 'sms' | 'email', to: string, since: number): Promise<string> {
  const file = path.join(varDir, 'outbox', `${channel}.jsonl`);
  for (let i = 0; i < 100; i++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { to: string; code?: string; at: string });
    const hit = lines.filter((l) => l.to === to && Date.parse(l.at) >= since).at(-1);
    if (hit?.code) return hit.code;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${channel} message to ${to} in the outbox`);
}

export interface PinPerson {
  readonly document: string;
  readonly documentDate?: string;
  readonly supportNumber?: string;
  readonly mobile: string;
}

export const CARMEN: PinPerson = { document: '12345678Z', documentDate: '2030-01-01', mobile: '+34600000001' };
export const JAN: PinPerson = { document: 'X1234567L', supportNumber: 'E12345678', mobile: '+34600000002' };

/** From the selector of transaction `tx` through the PIN connector; returns the final response. */
export async function loginWithPin(agent: Agent, varDir: string, tx: string, person: PinPerson) {
  const selector = await agent.get(`/login/${tx}`).expect(200);
  const csrf = csrfOf(selector.text);
  await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'pin' }).expect(303).expect('location', `/connectors/pin/${tx}`);
  await agent.get(`/connectors/pin/${tx}`).expect(200);
  const since = Date.now();
  await agent
    .post(`/connectors/pin/${tx}/request`)
    .type('form')
    .send({ csrf, document: person.document, documentDate: person.documentDate ?? '', supportNumber: person.supportNumber ?? '' })
    .expect(303)
    .expect('location', `/connectors/pin/${tx}/code`);
  const pin = await readPinFromOutbox(varDir, person.mobile, since);
  return agent.post(`/connectors/pin/${tx}/code`).type('form').send({ csrf, pin: pin.toLowerCase() });
}

export function parseXml(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
}

export function samlResponseXml(form: PostForm): string {
  const b64 = form.fields.SAMLResponse;
  assert.ok(b64, 'form carries SAMLResponse');
  return Buffer.from(b64, 'base64').toString('utf8');
}
