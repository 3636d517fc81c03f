// Form building blocks of the management pages. Every field has a visible label; a hint and an
// error sit next to the field and are tied to it with aria-describedby (WCAG 1.3.1, 3.3.1); a page
// with errors lists them at the top too, each linking to its field. Every form posts the session's
// CSRF token in the hidden field `csrf`. Destructive actions go through a confirmation page.
import { html, type SafeHtml } from '../../web/html.js';
import type { AdminPageContext } from './context.js';

/** field name → message; `_form` holds an error that belongs to no single field */
export type FormErrors = Readonly<Record<string, string>>;
export const FORM_ERROR = '_form';

export function csrfField(ctx: AdminPageContext): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${ctx.login.csrfToken}">`;
}

const idOf = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

function describedBy(name: string, hint: string | undefined, error: string | undefined): string | undefined {
  const ids = [hint ? `${idOf(name)}-hint` : '', error ? `${idOf(name)}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function hintAndError(name: string, hint: string | undefined, error: string | undefined): SafeHtml {
  return html`${hint ? html`<span class="hint" id="${idOf(name)}-hint">${hint}</span>` : ''}${error ? html`<span class="field-error" id="${idOf(name)}-error">${error}</span>` : ''}`;
}

export interface InputField {
  readonly name: string;
  readonly label: string;
  readonly type?: 'text' | 'email' | 'tel' | 'date' | 'search' | 'file';
  readonly value?: string | null;
  readonly hint?: string;
  readonly error?: string;
  readonly required?: boolean;
  readonly autocomplete?: string;
  readonly accept?: string;
  readonly maxLength?: number;
}

export function inputField(f: InputField): SafeHtml {
  const id = idOf(f.name);
  const type = f.type ?? 'text';
  const described = describedBy(f.name, f.hint, f.error);
  return html`<div class="field${f.error ? ' has-error' : ''}"><label for="${id}">${f.label}</label>${hintAndError(f.name, f.hint, f.error)}<input id="${id}" name="${f.name}" type="${type}"${type !== 'file' ? html` value="${f.value ?? ''}"` : ''}${f.required ? html` required` : ''}${f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ''}${f.accept ? html` accept="${f.accept}"` : ''}${f.maxLength ? html` maxlength="${f.maxLength}"` : ''}${described ? html` aria-describedby="${described}"` : ''}${f.error ? html` aria-invalid="true"` : ''}></div>`;
}

export interface Choice {
  readonly value: string;
  readonly label: string;
  /** shown under the choice (e.g. what a role may do) */
  readonly detail?: SafeHtml | string;
  readonly disabled?: boolean;
}

export interface ChoiceField {
  readonly name: string;
  readonly legend: string;
  readonly choices: readonly Choice[];
  /** checked values */
  readonly value?: string | readonly string[] | null;
  readonly hint?: string;
  readonly error?: string;
  readonly multiple?: boolean;
}

/** radio buttons (one) or checkboxes (`multiple`) in a fieldset with its legend */
export function choiceField(f: ChoiceField): SafeHtml {
  const checked = new Set(Array.isArray(f.value) ? f.value : f.value ? [f.value as string] : []);
  const described = describedBy(f.name, f.hint, f.error);
  return html`<fieldset class="field${f.error ? ' has-error' : ''}"${described ? html` aria-describedby="${described}"` : ''}><legend>${f.legend}</legend>${hintAndError(f.name, f.hint, f.error)}${f.choices.map((c, i) => {
    const id = `${idOf(f.name)}-${i}`;
    return html`<div class="choice"><input type="${f.multiple ? 'checkbox' : 'radio'}" id="${id}" name="${f.name}" value="${c.value}"${checked.has(c.value) ? html` checked` : ''}${c.disabled ? html` disabled` : ''}${c.detail ? html` aria-describedby="${id}-detail"` : ''}><label class="inline" for="${id}">${c.label}</label>${c.detail ? html`<div class="choice-detail" id="${id}-detail">${c.detail}</div>` : ''}</div>`;
  })}</fieldset>`;
}

export interface SelectField {
  readonly name: string;
  readonly label: string;
  readonly options: readonly Choice[];
  readonly value?: string | null;
  readonly hint?: string;
  readonly error?: string;
}

export function selectField(f: SelectField): SafeHtml {
  const id = idOf(f.name);
  const described = describedBy(f.name, f.hint, f.error);
  return html`<div class="field${f.error ? ' has-error' : ''}"><label for="${id}">${f.label}</label>${hintAndError(f.name, f.hint, f.error)}<select id="${id}" name="${f.name}"${described ? html` aria-describedby="${described}"` : ''}${f.error ? html` aria-invalid="true"` : ''}>${f.options.map(
    (o) => html`<option value="${o.value}"${o.value === f.value ? html` selected` : ''}${o.disabled ? html` disabled` : ''}>${o.label}</option>`,
  )}</select></div>`;
}

/** The errors at the top of a form, each a link to its field (the first thing a screen reader meets). */
export function errorSummary(ctx: AdminPageContext, errors: FormErrors): SafeHtml {
  const entries = Object.entries(errors);
  if (entries.length === 0) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" id="errors"><h2>${ctx.t('shell.errors.title')}</h2><ul>${entries.map(([name, message]) =>
    name === FORM_ERROR ? html`<li>${message}</li>` : html`<li><a href="#${idOf(name)}">${message}</a></li>`,
  )}</ul></div>`;
}

export interface Confirmation {
  /** where the confirming form posts */
  readonly action: string;
  readonly question: string;
  /** what will happen, in the seed's words */
  readonly consequences?: readonly string[];
  /** hidden fields carrying the choice being confirmed */
  readonly fields: Readonly<Record<string, string>>;
  readonly confirmLabel: string;
  readonly cancelHref: string;
}

/** The body of a confirmation page: the question, what follows, "yes" (a POST) and "cancel" (a link back). */
export function confirmationBody(ctx: AdminPageContext, c: Confirmation): SafeHtml {
  return html`<div class="confirmation"><p class="question"><strong>${c.question}</strong></p>${c.consequences?.length ? html`<ul>${c.consequences.map((x) => html`<li>${x}</li>`)}</ul>` : ''}
<form method="post" action="${c.action}">${csrfField(ctx)}${Object.entries(c.fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<div class="actions"><button type="submit" class="danger">${c.confirmLabel}</button><a class="button secondary" href="${c.cancelHref}">${ctx.t('shell.cancel')}</a></div></form></div>`;
}

/** The text value of a url-encoded field ('' when absent or repeated). */
export function textOf(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : '';
}

/** All values of a repeated field (checkboxes). */
export function valuesOf(body: unknown, name: string): string[] {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
