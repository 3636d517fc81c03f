// Drives the representation step over HTTP (issue 7 "At login"): a Cl@ve Permanente login from
// the selector (reinforced with the SMS code when the rung needs it), the "on whose behalf" page
// read as data, the choice posted, and the attributes of the Response read back.
import assert from 'node:assert/strict';
import type { Agent } from 'supertest';
import type { TestBroker } from './test-broker.js';
import { csrfOf, parseXml, readCodeFromOutbox, readPostForm, samlResponseXml, type PinPerson } from './flow-driver.js';
import { DEMO_PASSWORD, submitCode, submitPassword } from './permanente.js';

const A = 'urn:oasis:names:tc:SAML:2.0:assertion';

/** From the selector of `tx` through Cl@ve Permanente; returns the answer to the last step. */
export async function permanenteFromSelector(b: TestBroker, agent: Agent, tx: string, person: PinPerson, reinforced: boolean) {
  const csrf = csrfOf((await agent.get(`/login/${tx}`).expect(200)).text);
  await agent.post(`/login/${tx}/choose`).type('form').send({ csrf, method: 'permanente' }).expect(303);
  await agent.get(`/connectors/permanente/${tx}`).expect(200);
  if (!reinforced) return submitPassword(agent, tx, csrf, person.document, DEMO_PASSWORD);
  const since = Date.now();
  await submitPassword(agent, tx, csrf, person.document, DEMO_PASSWORD).expect(303).expect('location', `/connectors/permanente/${tx}/second-factor`);
  return submitCode(agent, tx, csrf, await readCodeFromOutbox(b.varDir, 'sms', person.mobile, since));
}

export interface PageChoice {
  readonly key: string;
  readonly kind: string;
  /** the button's text */
  readonly label: string;
  /** the whole entry's text, tags removed */
  readonly text: string;
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The entries of the representation page, in page order. */
export function choicesOnPage(html: string): PageChoice[] {
  return [...html.matchAll(/<li class="method" data-choice="([^"]+)" data-kind="([^"]+)">([\s\S]*?)<\/li>/g)].map((m) => ({
    key: decode(m[1]!),
    kind: m[2]!,
    label: decode(/<button type="submit">([^<]*)<\/button>/.exec(m[3]!)?.[1] ?? ''),
    text: decode(m[3]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()),
  }));
}

/** Expects the redirect to the representation page and reads it. */
export async function representationPage(agent: Agent, tx: string, after: { status: number; headers: Record<string, string>; text: string }): Promise<{ csrf: string; choices: PageChoice[]; html: string }> {
  assert.equal(after.status, 303, `expected the representation step, got ${after.status}: ${after.text.slice(0, 800)}`);
  assert.equal(after.headers.location, `/login/${tx}/represent`);
  const page = await agent.get(`/login/${tx}/represent`).expect(200);
  return { csrf: csrfOf(page.text), choices: choicesOnPage(page.text), html: page.text };
}

export function postChoice(agent: Agent, tx: string, csrf: string, choice: string) {
  return agent.post(`/login/${tx}/represent`).type('form').send({ csrf, choice });
}

export interface ResponseAttribute {
  readonly name: string;
  readonly friendlyName: string | null;
  /** text values; a NameID value as `NameQualifier|value`; an EncryptedID as the element itself */
  readonly values: readonly (string | Element)[];
}

/** The attributes of the (unencrypted) Assertion in a Response page. */
export function responseAttributes(html: string): ResponseAttribute[] {
  const doc = parseXml(samlResponseXml(readPostForm(html)));
  return Array.from(doc.getElementsByTagNameNS(A, 'Attribute')).map((a) => ({
    name: a.getAttribute('Name')!,
    friendlyName: a.getAttribute('FriendlyName'),
    values: Array.from(a.getElementsByTagNameNS(A, 'AttributeValue')).map((v) => {
      const nameID = v.getElementsByTagNameNS(A, 'NameID')[0];
      const encrypted = v.getElementsByTagNameNS(A, 'EncryptedID')[0];
      if (encrypted) return encrypted;
      return nameID ? `${nameID.getAttribute('NameQualifier')}|${nameID.textContent}` : (v.textContent ?? '');
    }),
  }));
}

/** Name → values, for the attributes whose values are all text. */
export function attributeMap(attrs: readonly ResponseAttribute[]): Record<string, string[]> {
  return Object.fromEntries(attrs.map((a) => [a.name, a.values.map((v) => (typeof v === 'string' ? v : '<EncryptedID>'))]));
}
