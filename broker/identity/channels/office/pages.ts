// The office console's pages: find a person by DNI/NIE, the person found (with the upgrade form),
// the form to register a new person from the document shown (with the guardian's part for a
// minor), and the printable activation code. Every form carries the staff session's CSRF token;
// problems are listed at the top of the form, each in the registrar's words.
import type { Response } from 'express';
import { html, type SafeHtml } from '../../../web/html.js';
import type { PageRenderer } from '../../../web/render.js';
import type { Person } from '../../person.js';
import { GUARDIAN_DOCUMENTS, PROOF_KINDS, RELATIONSHIPS, type Form } from './office-form.js';
import type { GuardianshipRow } from '../../staff/schema.js';

export interface PageKit {
  readonly pages: PageRenderer;
  readonly res: Response;
  readonly csrf: string;
}

const t = (k: PageKit, key: string, vars?: Record<string, string>) => k.pages.t(k.res, key, vars);

export function problemList(k: PageKit, problems: readonly string[]): SafeHtml {
  if (problems.length === 0) return html``;
  return html`<div class="error" role="alert"><p>${t(k, 'office.problems')}</p><ul>${problems.map((p) => html`<li>${t(k, p)}</li>`)}</ul></div>`;
}

function field(k: PageKit, form: Form, name: string, opts: { type?: string; required?: boolean; hint?: string; autocomplete?: string; inputmode?: string } = {}): SafeHtml {
  const id = `f-${name}`;
  const hint = opts.hint ? html`<span class="hint" id="${id}-hint">${t(k, opts.hint)}</span>` : html``;
  return html`<label for="${id}">${t(k, `office.field.${name}`)}${hint}</label>
<input type="${opts.type ?? 'text'}" id="${id}" name="${name}" value="${form[name] ?? ''}"${opts.required ? html` required` : html``}${opts.hint ? html` aria-describedby="${id}-hint"` : html``} autocomplete="${opts.autocomplete ?? 'off'}"${opts.inputmode ? html` inputmode="${opts.inputmode}"` : html``}>`;
}

function select(k: PageKit, form: Form, name: string, values: readonly string[], prefix: string): SafeHtml {
  const id = `f-${name}`;
  return html`<label for="${id}">${t(k, `office.field.${name}`)}</label>
<select id="${id}" name="${name}"><option value="">${t(k, 'office.choose')}</option>${values.map((v) => html`<option value="${v}"${form[name] === v ? html` selected` : html``}>${t(k, `${prefix}.${v}`)}</option>`)}</select>`;
}

function checkbox(k: PageKit, form: Form, name: string): SafeHtml {
  return html`<p><input type="checkbox" id="f-${name}" name="${name}" value="yes"${form[name] === 'yes' ? html` checked` : html``}> <label class="inline" for="f-${name}">${t(k, `office.field.${name}`)}</label></p>`;
}

function contactFields(k: PageKit, form: Form): SafeHtml {
  return html`<fieldset><legend>${t(k, 'office.contact')}</legend>
${field(k, form, 'mobile', { hint: 'office.hint.mobile', autocomplete: 'off', inputmode: 'tel' })}
${field(k, form, 'email', { type: 'email', hint: 'office.hint.email' })}
</fieldset>`;
}

function guardianFields(k: PageKit, form: Form): SafeHtml {
  return html`<fieldset><legend>${t(k, 'office.guardian')}</legend>
<p class="hint">${t(k, 'office.guardian.intro')}</p>
${select(k, form, 'guardianDocumentKind', GUARDIAN_DOCUMENTS, 'office.documentKind')}
${field(k, form, 'guardianDocumentNumber')}
${field(k, form, 'guardianGivenName')}
${field(k, form, 'guardianFirstSurname')}
${field(k, form, 'guardianSecondSurname')}
${select(k, form, 'guardianRelationship', RELATIONSHIPS, 'office.relationship')}
${select(k, form, 'proofKind', PROOF_KINDS, 'office.proof')}
${field(k, form, 'proofReference', { hint: 'office.hint.proofReference' })}
${checkbox(k, form, 'minorPresent')}
</fieldset>`;
}

export function searchPage(k: PageKit, document: string, result: SafeHtml): { title: string; body: SafeHtml } {
  return {
    title: t(k, 'office.title'),
    body: html`<form method="get" action="/staff/office/" role="search">
${field(k, { document }, 'document', { required: true, hint: 'office.hint.document' })}
<div class="actions"><button type="submit">${t(k, 'office.search')}</button> <a href="/staff/office/new">${t(k, 'office.new.link')}</a> <a href="/staff/">${t(k, 'staff.home.title')}</a></div>
</form>
${result}`,
  };
}

export function notFound(k: PageKit, document: string): SafeHtml {
  return html`<section aria-labelledby="result"><h2 id="result">${t(k, 'office.notFound.title')}</h2><p role="status">${t(k, 'office.notFound.text', { document })}</p>
<p><a href="/staff/office/new?document=${encodeURIComponent(document)}">${t(k, 'office.new.link')}</a></p></section>`;
}

export function personSection(k: PageKit, person: Person, guardians: readonly GuardianshipRow[], form: Form, problems: readonly string[], minor: boolean): SafeHtml {
  const row = (key: string, value: string | null) => html`<dt>${t(k, key)}</dt><dd>${value ?? t(k, 'office.none')}</dd>`;
  const names = [person.givenName, person.firstSurname, person.secondSurname].filter(Boolean).join(' ');
  const upgrade =
    person.status === 'active'
      ? html`<h2 id="upgrade">${t(k, person.registrationLevel === 'advanced' ? 'office.update.title' : 'office.upgrade.title')}</h2>
${problemList(k, problems)}
<form method="post" action="/staff/office/upgrade" aria-labelledby="upgrade">
<input type="hidden" name="csrf" value="${k.csrf}"><input type="hidden" name="document" value="${person.documentNumber ?? ''}">
${checkbox(k, form, 'documentChecked')}
${field(k, form, 'nationality', { required: true, hint: 'office.hint.nationality' })}
${contactFields(k, form)}
${minor ? guardianFields(k, form) : html``}
${checkbox(k, form, 'newActivationCode')}
<div class="actions"><button type="submit">${t(k, person.registrationLevel === 'advanced' ? 'office.update.submit' : 'office.upgrade.submit')}</button></div>
</form>`
      : html`<p class="error" role="alert">${t(k, 'office.inactive', { status: t(k, `office.status.${person.status}`) })}</p>`;
  return html`<section aria-labelledby="person"><h2 id="person">${names}</h2>
<dl>
${row('office.field.document', `${person.documentType ?? ''} ${person.documentNumber ?? ''}`)}
${row('office.field.dateOfBirth', person.dateOfBirth)}
${row('office.level', t(k, `office.level.${person.registrationLevel}`))}
${row('office.field.mobile', person.mobile)}
${row('office.field.email', person.email)}
${guardians.length > 0 ? row('office.guardian', guardians.map((g) => `${g.guardian_given_name} ${g.guardian_first_surname} (${g.guardian_document_kind} ${g.guardian_document_number})`).join('; ')) : html``}
</dl>
${upgrade}</section>`;
}

export function newPersonPage(k: PageKit, form: Form, problems: readonly string[]): { title: string; body: SafeHtml } {
  return {
    title: t(k, 'office.new.title'),
    body: html`<p>${t(k, 'office.new.intro')}</p>
${problemList(k, problems)}
<form method="post" action="/staff/office/new">
<input type="hidden" name="csrf" value="${k.csrf}">
<fieldset><legend>${t(k, 'office.document')}</legend>
${select(k, form, 'documentType', ['DNI', 'NIE'], 'office.documentKind')}
${field(k, form, 'documentNumber', { required: true, hint: 'office.hint.document' })}
${field(k, form, 'documentDate', { type: 'date', hint: 'office.hint.documentDate' })}
${field(k, form, 'supportNumber', { hint: 'office.hint.supportNumber' })}
${checkbox(k, form, 'documentChecked')}
</fieldset>
<fieldset><legend>${t(k, 'office.identity')}</legend>
${field(k, form, 'givenName', { required: true })}
${field(k, form, 'firstSurname', { required: true })}
${field(k, form, 'secondSurname')}
${field(k, form, 'dateOfBirth', { type: 'date', required: true, hint: 'office.hint.dateOfBirth' })}
${field(k, form, 'nationality', { required: true, hint: 'office.hint.nationality' })}
</fieldset>
${contactFields(k, form)}
${guardianFields(k, form)}
<div class="actions"><button type="submit">${t(k, 'office.new.submit')}</button> <a href="/staff/office/">${t(k, 'office.cancel')}</a></div>
</form>`,
  };
}

/** The printable page: the only place the activation code ever appears. */
export function activationCodePage(k: PageKit, person: Person, code: string | undefined, notes: readonly string[], day: string): { title: string; body: SafeHtml } {
  const names = [person.givenName, person.firstSurname, person.secondSurname].filter(Boolean).join(' ');
  const codePart = code
    ? html`<h2>${t(k, 'office.code.title')}</h2>
<p class="activation-code"><strong><code>${code}</code></strong></p>
<ol>${['office.code.step1', 'office.code.step2', 'office.code.step3'].map((s) => html`<li>${t(k, s)}</li>`)}</ol>
<p>${t(k, 'office.code.once')}</p>`
    : html`<p role="status">${t(k, 'office.code.none')}</p>`;
  return {
    title: t(k, 'office.done.title'),
    body: html`<p class="notice" role="status">${t(k, 'office.done.text', { name: names, level: t(k, `office.level.${person.registrationLevel}`) })}</p>
${notes.map((n) => html`<p class="notice">${t(k, n)}</p>`)}
<dl><dt>${t(k, 'office.field.document')}</dt><dd>${person.documentType ?? ''} ${person.documentNumber ?? ''}</dd><dt>${t(k, 'office.date')}</dt><dd>${day}</dd></dl>
${codePart}
<p class="hint">${t(k, 'office.print')}</p>
<p><a href="/staff/office/">${t(k, 'office.next')}</a></p>`,
  };
}
