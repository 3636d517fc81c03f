// The logged-in person about themselves: the session and its CSRF token, the organisation
// switcher, their profile and login history, activating a membership, their own contact e-mail.
import { z } from 'zod';
import { defineRoute } from '../route.js';
import { readLoginHistory } from '../../login-history.js';
import { member, membership, mandate, chainMandate, organisation, rung } from '../schemas.js';

const TAG = 'me';
const instant = z.iso.datetime({ offset: true });

export const selfRoutes = [
  defineRoute({
    method: 'get',
    path: '/session',
    tag: TAG,
    access: 'session',
    summary: 'the session: who is logged in, at which rung, and the CSRF token every change must send as X-CSRF-Token',
    response: z.object({
      personId: z.string(),
      rung,
      authnInstant: instant,
      loggedInAt: instant,
      csrfToken: z.string(),
      idleSeconds: z.number().int(),
      absoluteSeconds: z.number().int(),
    }),
    handle: async ({ login, services }) => ({
      ...login!,
      idleSeconds: services.config.admin.sessionIdleSeconds,
      absoluteSeconds: services.config.admin.sessionAbsoluteSeconds,
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/me/memberships',
    tag: TAG,
    access: 'session',
    summary: 'my memberships with their organisations (the organisation switcher)',
    response: z.array(membership),
    handle: ({ registry, actor }) => registry.myMemberships(actor),
  }),
  defineRoute({
    method: 'get',
    path: '/me/mandates',
    tag: TAG,
    access: 'session',
    summary: 'the mandates I hold, per membership, and the chain mandates my organisations received',
    response: z.array(z.object({ member, organisation, mandates: z.array(mandate), chain: z.array(z.object({ chainMandate, client: organisation })) })),
    handle: ({ registry, actor }) => registry.myMandates(actor),
  }),
  defineRoute({
    method: 'get',
    path: '/me/profile',
    tag: TAG,
    access: 'session',
    summary: 'my names and date of birth as the registry knows them, and the contact details of each membership',
    response: z.object({
      givenName: z.string(),
      firstSurname: z.string(),
      secondSurname: z.string().nullable(),
      dateOfBirth: z.iso.date().nullable(),
      memberships: z.array(
        z.object({ memberId: z.string(), organisationId: z.string(), organisationName: z.string(), role: z.string(), status: z.string(), contactEmail: z.string(), contactMobile: z.string().nullable() }),
      ),
    }),
    handle: async ({ registry, actor, services, login }) => {
      const person = await services.identity.findById(login!.personId);
      if (!person) throw new Error('the logged-in person is no longer in the registry');
      const memberships = await registry.myMemberships(actor);
      return {
        givenName: person.givenName,
        firstSurname: person.firstSurname,
        secondSurname: person.secondSurname,
        dateOfBirth: person.dateOfBirth,
        memberships: memberships.map(({ member: m, organisation: o }) => ({
          memberId: m.id,
          organisationId: o.id,
          organisationName: o.name,
          role: m.role,
          status: m.status,
          contactEmail: m.contactEmail,
          contactMobile: m.contactMobile,
        })),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/me/login-history',
    tag: TAG,
    access: 'session',
    summary: 'my logins through the broker, newest first',
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).max(100_000).default(0) }),
    response: z.object({
      entries: z.array(z.object({ at: instant, spEntityID: z.string(), method: z.string(), loa: z.string(), outcome: z.string(), ip: z.string().nullable() })),
      limit: z.number().int(),
      offset: z.number().int(),
    }),
    handle: async ({ services, login, query }) => ({ entries: await readLoginHistory(services, login!.personId, query), limit: query.limit, offset: query.offset }),
  }),
  defineRoute({
    method: 'post',
    path: '/activations',
    tag: TAG,
    access: 'session',
    summary: 'activate the membership named by the e-mailed token; my login rung must reach the membership level',
    body: z.object({ token: z.string().min(1).max(200) }),
    response: member,
    handle: ({ registry, actor, body }) => registry.activateMembership(actor, body.token),
  }),
  defineRoute({
    method: 'put',
    path: '/me/memberships/:memberId/contact-email',
    tag: TAG,
    access: 'session',
    summary: 'change the contact e-mail of my own active membership (seed 004 §3.7.2)',
    params: z.object({ memberId: z.string().min(1).max(64) }),
    body: z.object({ email: z.string().min(3).max(254) }),
    response: member,
    handle: ({ registry, actor, params, body }) => registry.changeOwnContactEmail(actor, params.memberId, body.email),
  }),
];
