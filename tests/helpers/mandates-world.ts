// A broker with the mandates registry and the people and organisations the mandates tests need,
// set up through the registry's own methods (request, approval, activation link from the outbox),
// so every test starts from states the rules produced.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoaRung } from '../../broker/loa.js';
import { addDays, dayOf } from '../../broker/mandates/dates.js';
import type { Actor, Member, MemberLevel, MandateRegistry, MemberRole, NewMember, Organisation, Service } from '../../broker/mandates/model.js';
import { startTestBroker, type Overrides, type TestBroker } from './test-broker.js';

export const OPERATOR: Actor = { kind: 'operator', ip: '127.0.0.1' };
const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
const DAY_MS = 86_400_000;

export interface WorldPerson {
  readonly id: string;
  readonly document: string;
  readonly email: string;
  /** the registry mobile (second factor), never the membership's contact mobile */
  readonly mobile: string;
  actor(rung?: LoaRung): Actor;
}

export interface World {
  readonly tb: TestBroker;
  readonly m: MandateRegistry;
  /** a new registry person with a valid DNI of their own */
  person(): Promise<WorldPerson>;
  /** an organisation whose first administrator (a new person) has activated at `level` */
  organisation(opts?: { level?: MemberLevel; name?: string }): Promise<{ org: Organisation; admin: WorldPerson; adminMember: Member }>;
  /** a member requested by `by`, approved and activated by `who` */
  member(org: Organisation, by: Actor, opts?: { role?: MemberRole; level?: MemberLevel; who?: WorldPerson }): Promise<{ person: WorldPerson; member: Member }>;
  newMember(p: WorldPerson, opts?: { role?: MemberRole; level?: MemberLevel }): NewMember;
  service(opts?: { minRung?: LoaRung; acceptsChain?: boolean; name?: string }): Promise<Service>;
  /** the newest activation link e-mailed to `to` */
  activationToken(to: string): Promise<string>;
  emailsTo(to: string): Promise<{ subject?: string; text: string }[]>;
  advanceDays(days: number): void;
  /** today in mandates.timeZone, `plus` days ahead */
  day(plus?: number): string;
  close(): Promise<void>;
}

let seq = Math.floor(Math.random() * 1e6);

export function validDni(n: number): string {
  const digits = String(n % 1e8).padStart(8, '0');
  return `${digits}${DNI_LETTERS[Number(digits) % 23]}`;
}

export async function openWorld(stores: 'embedded' | 'real', overrides: Overrides = {}): Promise<World> {
  const tb = await startTestBroker({ stores, overrides });
  const m = tb.broker.services.mandates;

  async function emails(): Promise<{ to: string; subject?: string; text: string }[]> {
    const text = await readFile(path.join(tb.varDir, 'outbox', 'email.jsonl'), 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { to: string; subject?: string; text: string });
  }

  const world: World = {
    tb,
    m,
    async person() {
      const document = validDni(++seq * 7919);
      const email = `p${seq}@example.es`;
      const mobile = `+346${String(seq).padStart(8, '0').slice(-8)}`;
      const p = await tb.broker.services.identity.add({ documentNumber: document, documentDate: '2031-01-01', givenName: `Given${seq}`, firstSurname: `Surname${seq}`, registrationLevel: 'advanced', email: `registry-${email}`, mobile });
      return { id: p.id, document, email, mobile, actor: (rung: LoaRung = '4') => ({ kind: 'person', personId: p.id, rung, ip: '127.0.0.1' }) };
    },
    newMember(p, opts = {}) {
      return { subject: { kind: 'registry', documentType: 'DNI', documentNumber: p.document }, givenName: 'Ana', surname: `Member ${p.document}`, role: opts.role ?? 'user', level: opts.level ?? '3', contactEmail: p.email };
    },
    async organisation(opts = {}) {
      const admin = await world.person();
      const level = opts.level ?? '3';
      const kvk = String(10_000_000 + (++seq % 89_999_999));
      const { organisation, administrator } = await m.createOrganisation(OPERATOR, {
        identifier: { type: 'kvk', value: kvk },
        name: opts.name ?? `Organisation ${kvk}`,
        branches: [{ branchNumber: `0000${kvk}`, name: 'Main branch' }],
        firstAdministrator: world.newMember(admin, { role: 'administrator', level }),
      });
      const adminMember = await m.activateMembership(admin.actor(level), await world.activationToken(admin.email));
      if (!administrator) throw new Error('no administrator');
      return { org: organisation, admin, adminMember };
    },
    async member(org, by, opts = {}) {
      const person = opts.who ?? (await world.person());
      const [requested] = await m.addMember(by, [org.id], world.newMember(person, opts));
      await m.approveMember(OPERATOR, requested!.id);
      const member = await m.activateMembership(person.actor('4'), await world.activationToken(person.email));
      return { person, member };
    },
    async service(opts = {}) {
      const n = ++seq;
      const hex = n.toString(16).padStart(12, '0');
      return m.putService(OPERATOR, {
        serviceId: `urn:etoegang:DV:00000001234567890000:services:${n}`,
        serviceUuid: `00000000-0000-4000-8000-${hex}`,
        spEntityID: 'https://sp1.test/metadata',
        acsIndex: n,
        isDefault: false,
        names: { nl: `Dienst ${n}`, en: opts.name ?? `Service ${n}`, es: `Servicio ${n}` },
        minRung: opts.minRung ?? '3',
        representation: 'optional',
        acceptsChain: opts.acceptsChain ?? false,
      });
    },
    async activationToken(to) {
      const hit = (await emails()).filter((e) => e.to === to && e.text.includes('/admin/activate/')).at(-1);
      const token = hit && /\/admin\/activate\/([A-Za-z0-9_-]+)/.exec(hit.text)?.[1];
      if (!token) throw new Error(`no activation link e-mailed to ${to}`);
      return token;
    },
    async emailsTo(to) {
      return (await emails()).filter((e) => e.to === to);
    },
    day(plus = 0) {
      return addDays(dayOf(tb.clock.now(), tb.broker.services.config.mandates.timeZone), plus);
    },
    advanceDays(days) {
      tb.clock.advance(days * DAY_MS);
    },
    close: () => tb.close(),
  };
  return world;
}

/** runs `fn` expecting a MandateRuleError with `code` (and `reason` when given); returns it */
export async function refused(fn: () => Promise<unknown>, code: string, reason?: string): Promise<Error & { code: string; reason: string }> {
  try {
    await fn();
  } catch (err) {
    const e = err as Error & { code: string; reason: string };
    if (e.name !== 'MandateRuleError' && e.name !== 'BulkGrantError') throw err;
    if (e.code !== code || (reason !== undefined && e.reason !== reason)) throw new Error(`expected ${code}/${reason ?? '*'}, got ${e.code}/${e.reason}: ${e.message}`);
    return e;
  }
  throw new Error(`expected a refusal ${code}/${reason ?? '*'}, but it succeeded`);
}
