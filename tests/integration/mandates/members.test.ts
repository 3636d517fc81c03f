// Members of an organisation (seed 004 §3): the request → approval → activation path, who may
// act, the last-administrator rules, level caps and contact details. PGlite and PostgreSQL.
import { strict as assert } from 'node:assert';
import { forEachStores } from '../../helpers/test-broker.js';
import { OPERATOR, openWorld, refused, type World } from '../../helpers/mandates-world.js';
import { hashActivationToken } from '../../../broker/mandates/activation.js';

forEachStores('mandates registry: members', (stores) => {
  let w: World;
  before(async () => {
    w = await openWorld(stores);
  });
  after(async () => w?.close());

  describe('request, approval, activation', () => {
    it('goes awaiting approval → awaiting activation (link e-mailed, only its hash stored) → active, audited', async () => {
      const { org, admin } = await w.organisation();
      const p = await w.person();
      const [requested] = await w.m.addMember(admin.actor('3'), [org.id], w.newMember(p, { level: '2+' }));
      assert.equal(requested!.status, 'awaiting_approval');
      assert.equal(requested!.personId, null);
      assert.ok((await w.emailsTo(p.email)).some((e) => /requested/.test(e.subject ?? '')));
      assert.deepEqual(
        (await w.m.listPendingMembers(OPERATOR)).filter((x) => x.id === requested!.id).map((x) => x.status),
        ['awaiting_approval'],
      );
      const approved = await w.m.approveMember(OPERATOR, requested!.id);
      assert.equal(approved.status, 'awaiting_activation');
      const days = (approved.activationDeadline!.getTime() - w.tb.clock.now().getTime()) / 86_400_000;
      assert.ok(days > 29.99 && days <= 30, `deadline ${days} days ahead`);
      const token = await w.activationToken(p.email);
      assert.equal(Buffer.from(token, 'base64url').length, 32);
      const row = await w.tb.broker.services.db.selectFrom('members').select('activation_token_hash').where('id', '=', requested!.id).executeTakeFirstOrThrow();
      assert.equal(row.activation_token_hash, hashActivationToken(token));
      assert.notEqual(row.activation_token_hash, token);
      const active = await w.m.activateMembership(p.actor('2+'), token);
      assert.equal(active.status, 'active');
      assert.equal(active.personId, p.id);
      const actions = (await w.tb.broker.services.audit.forSubject(p.id)).map((e) => e.action);
      assert.ok(actions.includes('member.activate'));
      const requestEntry = (await w.tb.broker.services.audit.forSubject(`member:${requested!.id}`)).find((e) => e.action === 'member.request');
      assert.equal(requestEntry?.actor, `person:${admin.id}`);
      assert.equal(requestEntry?.detail?.organisationId, org.id);
      // the link works once
      await refused(() => w.m.activateMembership(p.actor('4'), token), 'not-found', 'activation-unknown');
    });

    it('an administrator adds members only up to their own level', async () => {
      const { org, admin } = await w.organisation({ level: '3' });
      const p = await w.person();
      await refused(() => w.m.addMember(admin.actor('4'), [org.id], w.newMember(p, { level: '4' })), 'invalid', 'level-above-own');
      assert.equal((await w.m.addMember(admin.actor('3'), [org.id], w.newMember(p, { level: '3' })))[0]!.level, '3');
    });

    it('adds one request per organisation the actor administers, all or nothing', async () => {
      const a = await w.organisation();
      const b = await w.organisation();
      const second = await w.member(b.org, b.admin.actor(), { role: 'administrator', level: '3', who: a.admin });
      assert.equal(second.member.role, 'administrator');
      const p = await w.person();
      const added = await w.m.addMember(a.admin.actor('3'), [a.org.id, b.org.id], w.newMember(p));
      assert.deepEqual(added.map((x) => x.organisationId).sort(), [a.org.id, b.org.id].sort());
      const c = await w.organisation();
      const q = await w.person();
      await refused(() => w.m.addMember(a.admin.actor('3'), [a.org.id, c.org.id], w.newMember(q)), 'not-found');
      assert.equal((await w.m.listMembers(a.admin.actor('3'), a.org.id, { search: q.document })).length, 0);
    });

    it('activation by someone else than the person named is forbidden and leaves the membership unbound', async () => {
      const { org, admin } = await w.organisation();
      const p = await w.person();
      const intruder = await w.person();
      const [requested] = await w.m.addMember(admin.actor('3'), [org.id], w.newMember(p));
      await w.m.approveMember(OPERATOR, requested!.id);
      const token = await w.activationToken(p.email);
      await refused(() => w.m.activateMembership(intruder.actor('4'), token), 'forbidden', 'identity-mismatch');
      const after = await w.m.getMember(admin.actor('3'), org.id, requested!.id);
      assert.equal(after.personId, null);
      assert.equal(after.status, 'awaiting_activation');
      // logged in below the member's level: refused too
      await refused(() => w.m.activateMembership(p.actor('2+'), token), 'forbidden', 'rung-too-low');
      assert.equal((await w.m.activateMembership(p.actor('3'), token)).personId, p.id);
    });

    it('an eIDAS member activates only as that eIDAS person; an invitation binds whoever opens it', async () => {
      const { org, admin } = await w.organisation();
      const foreign = await w.tb.broker.services.identity.add({ eidasPersonIdentifier: 'DE/ES/abc123', givenName: 'Jan', firstSurname: 'Vries', registrationLevel: 'advanced' });
      const other = await w.person();
      const [eidas] = await w.m.addMember(admin.actor('3'), [org.id], { subject: { kind: 'eidas', personIdentifier: 'DE/ES/abc123' }, givenName: 'Jan', surname: 'Vries', role: 'user', level: '3', contactEmail: 'jan@example.de' });
      await w.m.approveMember(OPERATOR, eidas!.id);
      const token = await w.activationToken('jan@example.de');
      await refused(() => w.m.activateMembership(other.actor('4'), token), 'forbidden', 'identity-mismatch');
      assert.equal((await w.m.activateMembership({ kind: 'person', personId: foreign.id, rung: '3', ip: null }, token)).personId, foreign.id);

      const [invited] = await w.m.addMember(admin.actor('3'), [org.id], { subject: { kind: 'invitation', email: 'guest@example.es' }, givenName: 'Guest', surname: 'One', role: 'user', level: '2+', contactEmail: 'guest@example.es' });
      await w.m.approveMember(OPERATOR, invited!.id);
      assert.equal((await w.m.activateMembership(other.actor('2+'), await w.activationToken('guest@example.es'))).personId, other.id);
    });

    it('an activation past its deadline reads as expired, is refused, and a resent link works', async () => {
      const { org, admin } = await w.organisation();
      const p = await w.person();
      const [requested] = await w.m.addMember(admin.actor('3'), [org.id], w.newMember(p));
      await w.m.approveMember(OPERATOR, requested!.id);
      const oldToken = await w.activationToken(p.email);
      w.advanceDays(31);
      try {
        assert.equal((await w.m.getMember(admin.actor('3'), org.id, requested!.id)).status, 'activation_expired');
        await refused(() => w.m.activateMembership(p.actor('4'), oldToken), 'conflict', 'activation-expired');
        const renewed = await w.m.resendActivation(admin.actor('3'), org.id, requested!.id);
        assert.equal(renewed.status, 'awaiting_activation');
        const newToken = await w.activationToken(p.email);
        assert.notEqual(newToken, oldToken);
        await refused(() => w.m.activateMembership(p.actor('4'), oldToken), 'not-found');
        assert.equal((await w.m.activateMembership(p.actor('4'), newToken)).status, 'active');
      } finally {
        w.advanceDays(-31);
      }
    });

    it('a rejected request keeps its reason, e-mails the requesting administrator, leaves the lists and may be requested again', async () => {
      const { org, admin, adminMember } = await w.organisation();
      const p = await w.person();
      const [requested] = await w.m.addMember(admin.actor('3'), [org.id], w.newMember(p));
      await refused(() => w.m.rejectMember(OPERATOR, requested!.id, '  '), 'invalid');
      const rejected = await w.m.rejectMember(OPERATOR, requested!.id, 'document copy unreadable');
      assert.equal(rejected.status, 'rejected');
      assert.equal(rejected.rejectionReason, 'document copy unreadable');
      assert.ok((await w.emailsTo(adminMember.contactEmail)).some((e) => e.text.includes('document copy unreadable')));
      assert.ok(!(await w.m.listMembers(admin.actor('3'), org.id)).some((x) => x.id === requested!.id));
      await refused(() => w.m.getMember(admin.actor('3'), org.id, requested!.id), 'not-found');
      await refused(() => w.m.approveMember(OPERATOR, requested!.id), 'conflict', 'not-awaiting-approval');
      const [again] = await w.m.addMember(admin.actor('3'), [org.id], w.newMember(p));
      assert.equal(again!.status, 'awaiting_approval');
      // while that one is open, a third request for the same person is refused
      await refused(() => w.m.addMember(admin.actor('3'), [org.id], w.newMember(p)), 'conflict', 'already-member');
    });

    it('refuses malformed input with clear messages', async () => {
      const { org, admin } = await w.organisation();
      const bad = await refused(
        () => w.m.addMember(admin.actor('3'), [org.id], { subject: { kind: 'registry', documentType: 'DNI', documentNumber: '12345678A' }, givenName: 'X', surname: 'Y', role: 'user', level: '3', contactEmail: 'x@example.es' }),
        'invalid',
        'invalid-document',
      );
      assert.match(bad.message, /check the letter/);
      const p = await w.person();
      await refused(() => w.m.addMember(admin.actor('3'), [org.id], { ...w.newMember(p), contactEmail: 'not-an-address' }), 'invalid', 'invalid-email');
      await refused(() => w.m.addMember(admin.actor('3'), [org.id], { ...w.newMember(p), level: '5' as never }), 'invalid', 'invalid-level');
      await refused(() => w.m.addMember(admin.actor('3'), [org.id], { ...w.newMember(p), subject: { kind: 'nobody' } as never }), 'invalid', 'invalid-subject');
      await refused(() => w.m.addMember(admin.actor('3'), ['not-a-uuid'], w.newMember(p)), 'not-found');
      await refused(() => w.m.getMember(admin.actor('3'), org.id, 'not-a-uuid'), 'not-found');
    });
  });

  describe('who may act', () => {
    it('refuses another organisation as not found, never telling it exists', async () => {
      const a = await w.organisation();
      const b = await w.organisation();
      await refused(() => w.m.getOrganisation(a.admin.actor('3'), b.org.id), 'not-found');
      await refused(() => w.m.listMembers(a.admin.actor('3'), b.org.id), 'not-found');
      await refused(() => w.m.getMember(a.admin.actor('3'), b.org.id, b.adminMember.id), 'not-found');
      await refused(() => w.m.endMember(a.admin.actor('3'), b.org.id, b.adminMember.id, { when: 'now' }), 'not-found');
      await refused(() => w.m.getOrganisation(a.admin.actor('3'), '00000000-0000-4000-8000-000000000000'), 'not-found');
      // a member of A cannot reach B's members through A either
      await refused(() => w.m.getMember(a.admin.actor('3'), a.org.id, b.adminMember.id), 'not-found');
    });

    it('only active administrators logged in at 2+ and their own level manage; the operator only operates', async () => {
      const { org, admin } = await w.organisation({ level: '3' });
      const user = await w.member(org, admin.actor('3'), { level: '3' });
      await refused(() => w.m.listMembers(user.person.actor('4'), org.id), 'forbidden', 'not-administrator');
      await refused(() => w.m.listMembers(admin.actor('2+'), org.id), 'forbidden', 'rung-too-low');
      const low = await w.organisation({ level: '2' });
      await refused(() => w.m.listMembers(low.admin.actor('2'), low.org.id), 'forbidden', 'rung-too-low');
      assert.ok((await w.m.listMembers(low.admin.actor('2+'), low.org.id)).length >= 1);
      await refused(() => w.m.listMembers(OPERATOR, org.id), 'forbidden');
      await refused(() => w.m.listPendingMembers(admin.actor('4')), 'forbidden', 'operator-only');
      await refused(() => w.m.approveMember(admin.actor('4'), user.member.id), 'forbidden', 'operator-only');
    });

    it('lists the actor\'s own memberships for the switcher', async () => {
      const a = await w.organisation();
      const mine = await w.m.myMemberships(a.admin.actor('3'));
      assert.deepEqual(mine.map((x) => x.organisation.id), [a.org.id]);
      assert.equal(mine[0]!.member.role, 'administrator');
    });
  });

  describe('at least one active administrator', () => {
    async function twoAdministrators() {
      const a = await w.organisation({ level: '3' });
      const b = await w.member(a.org, a.admin.actor('3'), { role: 'administrator', level: '3' });
      return { org: a.org, first: { person: a.admin, member: a.adminMember }, second: b };
    }

    it('an administrator whose end is planned stops counting at once: the last one can then be neither demoted nor ended by them', async () => {
      const { org, first, second } = await twoAdministrators();
      const endDay = w.day(2);
      const planned = await w.m.endMember(first.person.actor('3'), org.id, second.member.id, { when: 'date', date: endDay });
      assert.equal(planned.member.endDate, endDay);
      assert.equal(planned.member.status, 'active');
      // second is still an active administrator until that day, but first is now the last counting one
      await refused(() => w.m.changeRole(second.person.actor('3'), org.id, first.member.id, 'user'), 'conflict', 'last-administrator');
      await refused(() => w.m.endMember(second.person.actor('3'), org.id, first.member.id, { when: 'now' }), 'conflict', 'last-administrator');
      await refused(() => w.m.endMember(second.person.actor('3'), org.id, first.member.id, { when: 'date', date: endDay }), 'conflict', 'last-administrator');
      assert.equal((await w.m.getMember(first.person.actor('3'), org.id, first.member.id)).role, 'administrator');
      // from the planned day, the membership reads as ended and can no longer act
      w.advanceDays(3);
      try {
        assert.equal((await w.m.getMember(first.person.actor('3'), org.id, second.member.id)).status, 'ended');
        await refused(() => w.m.listMembers(second.person.actor('3'), org.id), 'forbidden', 'not-administrator');
      } finally {
        w.advanceDays(-3);
      }
    });

    it('with two administrators one may end or demote the other; nobody demotes themselves', async () => {
      const { org, first, second } = await twoAdministrators();
      await refused(() => w.m.changeRole(first.person.actor('3'), org.id, first.member.id, 'user'), 'forbidden', 'self-demote');
      const demoted = await w.m.changeRole(first.person.actor('3'), org.id, second.member.id, 'user');
      assert.equal(demoted.role, 'user');
      assert.ok((await w.emailsTo(second.person.email)).some((e) => /role user/.test(e.text)));
      await refused(() => w.m.listMembers(second.person.actor('3'), org.id), 'forbidden', 'not-administrator');
      await w.m.changeRole(first.person.actor('3'), org.id, second.member.id, 'administrator');
      const ended = await w.m.endMember(second.person.actor('3'), org.id, first.member.id, { when: 'now' });
      assert.equal(ended.member.status, 'ended');
      assert.equal(ended.organisationEnded, false);
      await refused(() => w.m.listMembers(first.person.actor('3'), org.id), 'forbidden');
      // the last one cannot demote themselves either
      await refused(() => w.m.changeRole(second.person.actor('3'), org.id, second.member.id, 'user'), 'forbidden', 'self-demote');
    });

    it('the last administrator cannot end their own membership while other members remain', async () => {
      const { org, admin } = await w.organisation();
      await w.member(org, admin.actor('3'), { level: '2+' });
      const self = (await w.m.myMemberships(admin.actor('3')))[0]!.member;
      await refused(() => w.m.endMember(admin.actor('3'), org.id, self.id, { when: 'now', confirmEndOrganisation: true }), 'conflict', 'other-members-present');
      // a pending request counts as a member too
      const lone = await w.organisation();
      await w.m.addMember(lone.admin.actor('3'), [lone.org.id], w.newMember(await w.person()));
      await refused(() => w.m.endMember(lone.admin.actor('3'), lone.org.id, lone.adminMember.id, { when: 'now', confirmEndOrganisation: true }), 'conflict', 'other-members-present');
    });

    it('the last member ending their own membership ends the organisation, only when confirmed, with everything in it', async () => {
      const { org, admin, adminMember } = await w.organisation({ level: '3' });
      const partner = await w.organisation({ level: '3' });
      const chainService = await w.service({ minRung: '3', acceptsChain: true });
      const given = await w.m.grantChainMandates(admin.actor('3'), org.id, { intermediary: partner.org.identifier, scopes: [{ kind: 'service', serviceId: chainService.id }] });
      const received = await w.m.grantChainMandates(partner.admin.actor('3'), partner.org.id, { intermediary: org.identifier, scopes: [{ kind: 'service', serviceId: chainService.id }] });
      const [mandate] = await w.m.grantMandates(admin.actor('3'), org.id, { memberIds: [adminMember.id], scopes: [{ kind: 'service', serviceId: chainService.id }] });

      const unconfirmed = await refused(() => w.m.endMember(admin.actor('3'), org.id, adminMember.id, { when: 'now' }), 'conflict', 'confirm-end-organisation');
      assert.match(unconfirmed.message, /ends/);
      assert.equal((await w.m.getOrganisation(admin.actor('3'), org.id)).status, 'active');

      const result = await w.m.endMember(admin.actor('3'), org.id, adminMember.id, { when: 'now', confirmEndOrganisation: true });
      assert.equal(result.organisationEnded, true);
      assert.equal(result.member.status, 'ended');
      const db = w.tb.broker.services.db;
      assert.equal((await db.selectFrom('organisations').select('status').where('id', '=', org.id).executeTakeFirstOrThrow()).status, 'ended');
      assert.ok((await db.selectFrom('mandates').select('revoked_at').where('id', '=', mandate!.id).executeTakeFirstOrThrow()).revoked_at);
      for (const c of [...given, ...received]) assert.ok((await db.selectFrom('chain_mandates').select('revoked_at').where('id', '=', c.id).executeTakeFirstOrThrow()).revoked_at, 'chain mandate revoked');
      await refused(() => w.m.getOrganisation(admin.actor('3'), org.id), 'forbidden');
      assert.deepEqual(await w.m.listChainMandatesGiven(partner.admin.actor('3'), partner.org.id), []);
      assert.ok((await w.tb.broker.services.audit.forSubject(`organisation:${org.id}`)).some((e) => e.action === 'organisation.end'));
    });

    it('ends on a date (earliest tomorrow) or at the end of the period, which must exist', async () => {
      const { org, admin } = await w.organisation();
      const u = await w.member(org, admin.actor('3'), { level: '3' });
      await refused(() => w.m.endMember(admin.actor('3'), org.id, u.member.id, { when: 'date', date: w.day(0) }), 'invalid', 'end-date-too-early');
      await refused(() => w.m.endMember(admin.actor('3'), org.id, u.member.id, { when: 'period-end' }), 'invalid', 'no-period-end');
      await refused(() => w.m.endMember(admin.actor('3'), org.id, u.member.id, { when: 'soon' as never }), 'invalid');
      assert.ok((await w.m.listMembers(admin.actor('3'), org.id)).some((x) => x.id === u.member.id));
      const ended = await w.m.endMember(admin.actor('3'), org.id, u.member.id, { when: 'now' });
      assert.equal(ended.member.status, 'ended');
      assert.ok(!(await w.m.listMembers(admin.actor('3'), org.id)).some((x) => x.id === u.member.id), 'an ended member leaves the overview');
      assert.ok((await w.emailsTo(u.person.email)).some((e) => /ended/.test(e.text)));
      await refused(() => w.m.endMember(admin.actor('3'), org.id, u.member.id, { when: 'now' }), 'conflict', 'member-ended');
    });
  });

  describe('levels', () => {
    it('an administrator sets levels only up to their own and never touches a member above it', async () => {
      const { org, admin } = await w.organisation({ level: '3' });
      const u = await w.member(org, admin.actor('3'), { level: '2+' });
      await refused(() => w.m.changeLevel(admin.actor('4'), org.id, u.member.id, '4'), 'invalid', 'level-above-own');
      assert.equal((await w.m.changeLevel(admin.actor('3'), org.id, u.member.id, '3')).level, '3');
      const high = await w.organisation({ level: '4' });
      const mid = await w.member(high.org, high.admin.actor('4'), { role: 'administrator', level: '3' });
      const top = await w.member(high.org, high.admin.actor('4'), { level: '4' });
      await refused(() => w.m.changeLevel(mid.person.actor('3'), high.org.id, top.member.id, '2'), 'forbidden', 'member-above-own-level');
    });
  });

  describe('contact details of the membership', () => {
    it('an administrator changes the mobile when awaiting activation or active, never their own', async () => {
      const { org, admin, adminMember } = await w.organisation();
      const u = await w.member(org, admin.actor('3'), { level: '3' });
      const changed = await w.m.changeContact(admin.actor('3'), org.id, u.member.id, { mobile: '+34 611 222 333' });
      assert.equal(changed.contactMobile, '+34611222333');
      assert.ok((await w.emailsTo(u.person.email)).some((e) => /contact mobile/.test(e.text)));
      await refused(() => w.m.changeContact(admin.actor('3'), org.id, adminMember.id, { mobile: '+34611222334' }), 'forbidden', 'own-mobile');
      const p = await w.person();
      const [pending] = await w.m.addMember(admin.actor('3'), [org.id], w.newMember(p));
      await refused(() => w.m.changeContact(admin.actor('3'), org.id, pending!.id, { mobile: '+34611222335' }), 'conflict', 'mobile-not-changeable');
      await w.m.approveMember(OPERATOR, pending!.id);
      assert.equal((await w.m.changeContact(admin.actor('3'), org.id, pending!.id, { mobile: '+34611222335' })).contactMobile, '+34611222335');
      await refused(() => w.m.changeContact(admin.actor('3'), org.id, u.member.id, { mobile: '611' }), 'invalid', 'invalid-mobile');
      // the person's own registry mobile is untouched
      assert.equal((await w.tb.broker.services.identity.findById(u.person.id))?.mobile, u.person.mobile);
    });

    it('the e-mail is changed by an administrator before activation only, after it by the member alone; both addresses are told', async () => {
      const { org, admin } = await w.organisation();
      const p = await w.person();
      const [pending] = await w.m.addMember(admin.actor('3'), [org.id], w.newMember(p));
      const changed = await w.m.changeContact(admin.actor('3'), org.id, pending!.id, { email: 'new-address@example.es' });
      assert.equal(changed.contactEmail, 'new-address@example.es');
      assert.ok((await w.emailsTo('new-address@example.es')).some((e) => /contact e-mail/.test(e.text)));
      assert.ok((await w.emailsTo(p.email)).some((e) => /contact e-mail/.test(e.text)));
      await w.m.approveMember(OPERATOR, pending!.id);
      await w.m.activateMembership(p.actor('3'), await w.activationToken('new-address@example.es'));
      await refused(() => w.m.changeContact(admin.actor('3'), org.id, pending!.id, { email: 'x@example.es' }), 'conflict', 'email-after-activation');
      await refused(() => w.m.changeOwnContactEmail(admin.actor('3'), pending!.id, 'x@example.es'), 'not-found');
      assert.equal((await w.m.changeOwnContactEmail(p.actor('2'), pending!.id, 'mine@example.es')).contactEmail, 'mine@example.es');
      assert.ok((await w.tb.broker.services.audit.forSubject(p.id)).some((e) => e.action === 'member.contact.own'));
    });
  });
});
