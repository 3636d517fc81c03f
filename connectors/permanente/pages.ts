// The Permanente pages, login and password management alike, built from a few form pieces so
// every page labels its fields, shows its errors first (role=alert) and carries its CSRF token.
import type { Request, Response } from 'express';
import type { PageRenderer } from '../../broker/web/render.js';
import { html, type SafeHtml } from '../../broker/web/html.js';
import type { Config } from '../../broker/config.js';
import type { NewPasswordProblem } from './new-password.js';

export const BASE = '/connectors/permanente';
export const ACCOUNT = `${BASE}/account`;

export interface Notice {
  readonly key: string;
  readonly vars?: Record<string, string>;
  /** error (role=alert) or information (role=status) */
  readonly kind?: 'error' | 'info';
}

export type T = (key: string, vars?: Record<string, string>) => string;

export function translator(pages: PageRenderer, res: Response): T {
  return (key, vars) => pages.t(res, key, vars);
}

export function notices(t: T, list: readonly (Notice | undefined)[]): SafeHtml {
  return html`${list
    .filter((n): n is Notice => !!n)
    .map((n) => (n.kind === 'info' ? html`<p class="notice" role="status">${t(n.key, n.vars)}</p>` : html`<p class="error" role="alert">${t(n.key, n.vars)}</p>`))}`;
}

export function documentField(t: T, value = ''): SafeHtml {
  return html`<label for="document">${t('permanente.document')} <span class="hint" id="document-hint">${t('permanente.document.hint')}</span></label>
<input type="text" id="document" name="document" required autocomplete="username" spellcheck="false" maxlength="12" aria-describedby="document-hint" value="${value}">`;
}

export function passwordField(t: T, name = 'password', labelKey = 'permanente.password', autocomplete = 'current-password'): SafeHtml {
  return html`<label for="${name}">${t(labelKey)}</label>
<input type="password" id="${name}" name="${name}" required autocomplete="${autocomplete}" maxlength="1024">`;
}

export function codeField(t: T, labelKey: string, hintKey: string): SafeHtml {
  return html`<label for="code">${t(labelKey)} <span class="hint" id="code-hint">${t(hintKey)}</span></label>
<input type="text" id="code" name="code" required inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="8" aria-describedby="code-hint" autofocus>`;
}

/** The fields of a new password, the rules stated before them and every broken rule listed. */
export function newPasswordFields(t: T, cfg: Config, problems: readonly NewPasswordProblem[] = []): SafeHtml {
  const policy = cfg.connectors.permanente.passwordPolicy;
  const rules = t(policy.classRule === 'each' ? 'permanente.policy.rules' : 'permanente.policy.rules-three', { min: String(policy.minLength), sentence: String(policy.noClassRuleFrom) });
  const vars = { min: String(policy.minLength), max: String(policy.maxLength) };
  return html`${problems.length
    ? html`<div class="error" role="alert" id="password-problems"><p>${t('permanente.newPassword.problems')}</p><ul>${problems.map((p) => html`<li data-problem="${p}">${t(p === 'mismatch' ? 'permanente.newPassword.mismatch' : `permanente.policy.${p}`, vars)}</li>`)}</ul></div>`
    : ''}
<p class="hint" id="rules">${rules}</p>
<label for="newPassword">${t('permanente.newPassword')}</label>
<input type="password" id="newPassword" name="newPassword" required autocomplete="new-password" maxlength="1024" aria-describedby="rules">
<label for="repeatPassword">${t('permanente.repeatPassword')}</label>
<input type="password" id="repeatPassword" name="repeatPassword" required autocomplete="new-password" maxlength="1024">`;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

export function sendPage(pages: PageRenderer, req: Request, res: Response, titleKey: string, body: SafeHtml, status = 200): void {
  pages.send(req, res, { status, title: pages.t(res, titleKey), body });
}
