// What the mandates and chain-mandates pages share: the organisation page's context (the shell's
// organisation, the administrator's own membership in it, the section's address), days in the
// reader's language, and the scope of a mandate — one service, or general authority up to a rung —
// with its name, the rung it needs and its key in addresses and forms (`s:<service id>`, `g:<rung>`).
import type { Response } from 'express';
import { html, type SafeHtml } from '../../../web/html.js';
import { isLoaRung, rungAtLeast, type LoaRung } from '../../../loa.js';
import type { MandateScope, Member, Organisation, Service } from '../../../mandates/model.js';
import { currentOrganisation, pageContext, type AdminPageContext } from '../context.js';
import type { AdminLanguage } from '../i18n.js';
import { paths } from '../paths.js';

export interface OrganisationPage {
  readonly ctx: AdminPageContext;
  readonly organisation: Organisation;
  /** the administrator's own membership: their level caps what they may give */
  readonly self: Member;
  /** the section's address, e.g. /admin/o/<id>/mandates */
  readonly base: string;
}

export function organisationPage(res: Response, section: 'mandates' | 'chain'): OrganisationPage {
  const ctx = pageContext(res);
  const organisation = currentOrganisation(res);
  const self = ctx.memberships.find((m) => m.organisation.id === organisation.id)?.member;
  if (!self) throw new TypeError('an administered organisation without the administrator’s membership');
  return { ctx, organisation, self, base: paths.section(organisation.id, section) };
}

const LOCALES: Record<AdminLanguage, string> = { nl: 'nl-NL', en: 'en-GB', es: 'es-ES' };

/** a yyyy-mm-dd day as the reader writes it; a day is a calendar day, so formatted in UTC */
export function dayText(lang: AdminLanguage, day: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

export function endingSoonBadge(ctx: AdminPageContext, endingSoon: boolean): SafeHtml {
  return endingSoon ? html` <span class="badge ending-soon">${ctx.t('mandates.endingSoon')}</span>` : html``;
}

/**
 * A table that scrolls sideways on a narrow screen instead of widening the page (WCAG 1.4.10);
 * the scrolling region is focusable and named, so it scrolls from the keyboard too.
 */
export function scrollingTable(caption: string, table: SafeHtml): SafeHtml {
  return html`<div class="table-wrap" role="region" aria-label="${caption}" tabindex="0">${table}</div>`;
}

export function scopeKey(scope: MandateScope): string {
  return scope.kind === 'service' ? `s:${scope.serviceId}` : `g:${scope.rung}`;
}

/** the scope a key names, or undefined for anything else (the registry checks the service exists) */
export function parseScopeKey(key: unknown): MandateScope | undefined {
  if (typeof key !== 'string' || key.length > 80) return undefined;
  if (key.startsWith('s:') && /^[0-9a-f-]{36}$/i.test(key.slice(2))) return { kind: 'service', serviceId: key.slice(2).toLowerCase() };
  const rung = key.slice(2);
  if (key.startsWith('g:') && isLoaRung(rung)) return { kind: 'general', rung };
  return undefined;
}

export function serviceName(lang: AdminLanguage, service: Service): string {
  return service.names[lang];
}

export function scopeName(ctx: AdminPageContext, scope: MandateScope, services: ReadonlyMap<string, Service>): string {
  if (scope.kind === 'general') return ctx.t('mandates.general', { level: scope.rung });
  const service = services.get(scope.serviceId);
  return service ? serviceName(ctx.lang, service) : ctx.t('mandates.unknownService');
}

/** the rung a scope needs: the service's minimum, or the general authority's own rung */
export function scopeRung(scope: MandateScope, services: ReadonlyMap<string, Service>): LoaRung | undefined {
  return scope.kind === 'general' ? scope.rung : services.get(scope.serviceId)?.minRung;
}

/** the highest rung among scopes: it decides which members may receive them all (seed 004 §4.2) */
export function highestRung(scopes: readonly MandateScope[], services: ReadonlyMap<string, Service>): LoaRung | undefined {
  return scopes
    .map((s) => scopeRung(s, services))
    .filter((r): r is LoaRung => r !== undefined)
    .reduce<LoaRung | undefined>((a, r) => (a === undefined || rungAtLeast(r, a) ? r : a), undefined);
}

export async function servicesById(list: () => Promise<readonly Service[]>): Promise<Map<string, Service>> {
  return new Map((await list()).map((s) => [s.id, s]));
}

/** the values of a query parameter or form field that may repeat */
export function manyOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
