// What every management page knows about its request, set up once by the shell (router.ts): the
// management session, the actor the registry is called with, the person's name, the page language
// and translator, the memberships (for the navigation and the organisation switcher) and, under
// /admin/o/<organisationId>/, the organisation the page is about.
import type { Request, Response } from 'express';
import { rungAtLeast } from '../../loa.js';
import type { Actor, Member, Organisation } from '../../mandates/model.js';
import type { BrokerServices } from '../../services.js';
import type { AdminLogin } from '../session/admin-session.js';
import type { AdminLanguage, Translate } from './i18n.js';

export type PersonActor = Extract<Actor, { kind: 'person' }>;

export interface Membership {
  readonly member: Member;
  readonly organisation: Organisation;
}

export interface AdminPageContext {
  readonly login: AdminLogin;
  readonly actor: PersonActor;
  readonly personName: string;
  readonly lang: AdminLanguage;
  readonly t: Translate;
  /** has the catalogue this key (a refusal reason with its own text) */
  readonly has: (key: string) => boolean;
  readonly memberships: readonly Membership[];
  /** organisations the person may manage with this login (the registry's own test, seed 004 §1.1) */
  readonly administered: readonly Organisation[];
  /** the sections' navigation entries, in order */
  readonly navigation: readonly NavEntry[];
  /** the organisation of an organisation section's page */
  organisation: Organisation | null;
}

export interface NavEntry {
  readonly id: string;
  readonly scope: 'organisation' | 'person';
  readonly labelKey: string;
}

/**
 * The registry's requireAdministrator, read ahead for the navigation: an active administrator of
 * an active organisation, logged in at a rung reaching the management minimum and their own level.
 * The registry still decides every action.
 */
export function administeredOrganisations(memberships: readonly Membership[], login: AdminLogin, services: BrokerServices): Organisation[] {
  const minimum = services.config.mandates.adminMinimumRung;
  return memberships
    .filter(({ member, organisation }) => member.role === 'administrator' && member.status === 'active' && organisation.status === 'active' && rungAtLeast(login.rung, minimum) && rungAtLeast(login.rung, member.level))
    .map(({ organisation }) => organisation)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function actorOf(req: Request, login: AdminLogin): PersonActor {
  return { kind: 'person', personId: login.personId, rung: login.rung, ip: req.ip ?? null };
}

export function setPageContext(res: Response, ctx: AdminPageContext): void {
  res.locals.adminPage = ctx;
}

export function pageContext(res: Response): AdminPageContext {
  const ctx = res.locals.adminPage as AdminPageContext | undefined;
  if (!ctx) throw new TypeError('a management page route runs without the shell (router.ts)');
  return ctx;
}

/** The organisation of an organisation section's page (the shell's guard set it). */
export function currentOrganisation(res: Response): Organisation {
  const org = pageContext(res).organisation;
  if (!org) throw new TypeError('an organisation page runs outside /admin/o/<organisationId>/');
  return org;
}
