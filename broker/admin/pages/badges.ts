// Role, status and level badges: text in the page language, never colour alone (WCAG 1.4.1);
// the colour class only repeats what the text says.
import { html, type SafeHtml } from '../../web/html.js';
import type { Member } from '../../mandates/model.js';
import type { AdminPageContext } from './context.js';

export function roleBadge(ctx: AdminPageContext, role: Member['role']): SafeHtml {
  return html`<span class="badge role-${role}">${ctx.t(`role.${role}`)}</span>`;
}

export function statusBadge(ctx: AdminPageContext, status: Member['status']): SafeHtml {
  return html`<span class="badge status-${status.replace(/_/g, '-')}">${ctx.t(`status.${status}`)}</span>`;
}

export function levelBadge(ctx: AdminPageContext, level: string): SafeHtml {
  return html`<span class="badge level">${ctx.t('level.badge', { level })}</span>`;
}

export function youBadge(ctx: AdminPageContext): SafeHtml {
  return html`<span class="badge you">${ctx.t('shell.you')}</span>`;
}

/** An instant as yyyy-mm-dd hh:mm in the module's time zone (mandates.timeZone). */
export function formatInstant(at: Date, timeZone: string): string {
  // sv-SE writes ISO-like dates; the time zone is the registry's, not the server's
  return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(at);
}

export function formatDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
