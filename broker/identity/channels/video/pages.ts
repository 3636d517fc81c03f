// The person's pages of the video identification (request, appointment, activation), built from
// labelled fields with every error listed first (role=alert), each form with its CSRF token.
import type { Request, Response } from 'express';
import type { PageRenderer } from '../../../web/render.js';
import { html, type SafeHtml } from '../../../web/html.js';
import { INTERVIEW_LANGUAGES, UPLOAD_STATES, type VideoRequest, type DocumentCopyInfo } from './requests.js';
import { SLOT_FIELDS, field, type RequestProblem } from './request-form.js';

export const VIDEO = '/register/video';

export type T = (key: string, vars?: Record<string, string>) => string;

export interface Notice {
  readonly key: string;
  readonly vars?: Record<string, string>;
  readonly kind?: 'error' | 'info';
}

export function translator(pages: PageRenderer, res: Response): T {
  return (key, vars) => pages.t(res, key, vars);
}

export function notices(t: T, list: readonly (Notice | undefined)[]): SafeHtml {
  return html`${list
    .filter((n): n is Notice => !!n)
    .map((n) => (n.kind === 'info' ? html`<p class="notice" role="status">${t(n.key, n.vars)}</p>` : html`<p class="error" role="alert">${t(n.key, n.vars)}</p>`))}`;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

export function sendPage(pages: PageRenderer, req: Request, res: Response, titleKey: string, body: SafeHtml, status = 200): void {
  pages.send(req, res, { status, title: pages.t(res, titleKey), body });
}

function input(t: T, name: string, labelKey: string, value: string, attrs: { type?: string; required?: boolean; autocomplete?: string; hintKey?: string; hintVars?: Record<string, string>; max?: number } = {}): SafeHtml {
  const hintId = attrs.hintKey ? `${name}-hint` : undefined;
  return html`<label for="${name}">${t(labelKey)}${attrs.hintKey ? html` <span class="hint" id="${hintId}">${t(attrs.hintKey, attrs.hintVars)}</span>` : ''}</label>
<input type="${attrs.type ?? 'text'}" id="${name}" name="${name}" value="${value}" maxlength="${attrs.max ?? 200}"${attrs.required === false ? '' : html` required`}${attrs.autocomplete ? html` autocomplete="${attrs.autocomplete}"` : ''}${hintId ? html` aria-describedby="${hintId}"` : ''}>`;
}

/** Step 1: the request form, again with the typed values and every problem when it was refused. */
export function requestForm(t: T, csrf: string, zone: string, body: unknown = {}, problems: readonly RequestProblem[] = [], notice?: Notice): SafeHtml {
  const v = (name: string) => field(body, name);
  const sex = v('sex');
  const language = v('language');
  return html`${notices(t, [notice])}${problems.length
    ? html`<div class="error" role="alert" id="problems"><p>${t('video.problems')}</p><ul>${problems.map((p) => html`<li data-problem="${p}">${t(`video.problem.${p}`)}</li>`)}</ul></div>`
    : ''}
<p>${t('video.intro')}</p>
<p>${t('video.needs')}</p>
<form method="post" action="${VIDEO}">
${csrfField(csrf)}
<fieldset><legend>${t('video.form.identity')}</legend>
${input(t, 'givenName', 'video.givenName', v('givenName'), { autocomplete: 'given-name' })}
${input(t, 'firstSurname', 'video.firstSurname', v('firstSurname'), { autocomplete: 'family-name' })}
${input(t, 'secondSurname', 'video.secondSurname', v('secondSurname'), { required: false })}
${input(t, 'dateOfBirth', 'video.dateOfBirth', v('dateOfBirth'), { type: 'date', autocomplete: 'bday' })}
${input(t, 'countryOfBirth', 'video.countryOfBirth', v('countryOfBirth'))}
${input(t, 'placeOfBirth', 'video.placeOfBirth', v('placeOfBirth'))}
<fieldset class="choices"><legend>${t('video.sex')}</legend>
${(['F', 'M', 'X'] as const).map((s) => html`<label><input type="radio" name="sex" value="${s}"${sex === s ? html` checked` : ''} required> ${t(`video.sex.${s}`)}</label>`)}
</fieldset>
${input(t, 'documentNumber', 'video.documentNumber', v('documentNumber'), { required: false, max: 12 })}
</fieldset>
<fieldset><legend>${t('video.form.contact')}</legend>
${input(t, 'email', 'video.email', v('email'), { type: 'email', autocomplete: 'email' })}
${input(t, 'mobile', 'video.mobile', v('mobile'), { type: 'tel', required: false, autocomplete: 'tel', hintKey: 'video.mobile.hint', max: 20 })}
<label for="motivation">${t('video.motivation')} <span class="hint" id="motivation-hint">${t('video.motivation.hint')}</span></label>
<textarea id="motivation" name="motivation" required maxlength="1000" rows="3" aria-describedby="motivation-hint">${v('motivation')}</textarea>
</fieldset>
<fieldset><legend>${t('video.form.slots')}</legend>
<p class="hint" id="slots-hint">${t('video.slots.hint', { zone })}</p>
${Array.from({ length: SLOT_FIELDS }, (_, i) => html`<label for="slot${i + 1}">${t('video.slot', { n: String(i + 1) })}</label>
<input type="datetime-local" id="slot${i + 1}" name="slot${i + 1}" value="${v(`slot${i + 1}`)}"${i === 0 ? html` required` : ''} aria-describedby="slots-hint">`)}
<label for="language">${t('video.language')}</label>
<select id="language" name="language" required>${INTERVIEW_LANGUAGES.map((l) => html`<option value="${l}"${language === l ? html` selected` : ''}>${t(`video.language.${l}`)}</option>`)}</select>
</fieldset>
<p><label><input type="checkbox" name="consent" value="yes" required${v('consent') === 'yes' ? html` checked` : ''}> ${t('video.consent')}</label></p>
<div class="actions"><button type="submit">${t('video.request.submit')}</button></div>
</form>`;
}

export function requestedPage(t: T, securityCode: string, email: string, days: number): SafeHtml {
  return html`<h2>${t('video.requested.code')}</h2>
<p class="code" id="security-code"><strong>${securityCode}</strong></p>
<p class="notice" role="status">${t('video.requested.keep')}</p>
<p>${t('video.requested.next', { email, days: String(days) })}</p>`;
}

export function codeForm(t: T, csrf: string, action: string, introKey: string, labelKey: string, hintKey: string | undefined, notice?: Notice): SafeHtml {
  return html`${notices(t, [notice])}
<p>${t(introKey)}</p>
<form method="post" action="${action}">
${csrfField(csrf)}
<label for="code">${t(labelKey)}${hintKey ? html` <span class="hint" id="code-hint">${t(hintKey)}</span>` : ''}</label>
<input type="text" id="code" name="code" required autocomplete="off" spellcheck="false" maxlength="24"${hintKey ? html` aria-describedby="code-hint"` : ''}>
<div class="actions"><button type="submit">${t('video.continue')}</button></div>
</form>`;
}

export interface AppointmentView {
  readonly request: VideoRequest;
  readonly slot: string;
  readonly meetingLink: string;
  readonly copies: readonly DocumentCopyInfo[];
  readonly maxMb: number;
}

/** Step 2: the appointment as it stands, the copies, and what the person may do now. */
export function appointmentPage(t: T, csrf: string, view: AppointmentView, list: readonly Notice[] = []): SafeHtml {
  const { request, copies } = view;
  const side = (s: 'front' | 'back') => t(`video.copies.${s}`);
  const have = (s: 'front' | 'back') => copies.find((c) => c.side === s);
  const canUpload = UPLOAD_STATES.includes(request.state);
  return html`${notices(t, list)}
<p id="appointment-state">${t(`video.state.${request.state}`, { slot: view.slot, reason: request.reason ?? '' })}</p>
${request.state === 'accepted' ? html`<p>${t('video.meeting')} <a href="${view.meetingLink}" rel="noreferrer">${view.meetingLink}</a></p>` : ''}
${canUpload
    ? html`<h2>${t('video.copies.heading')}</h2>
<p>${t('video.copies.intro', { mb: String(view.maxMb) })}</p>
<ul id="copies">${(['front', 'back'] as const).map((s) => {
        const c = have(s);
        return html`<li data-side="${s}">${c ? t('video.copies.have', { side: side(s), type: c.mediaType, kb: String(Math.ceil(c.byteSize / 1024)) }) : t('video.copies.missing', { side: side(s) })}</li>`;
      })}</ul>
<form method="post" action="${VIDEO}/appointment/copies" enctype="multipart/form-data">
${csrfField(csrf)}
<label for="front">${side('front')}</label>
<input type="file" id="front" name="front" accept="application/pdf,image/png,image/jpeg">
<label for="back">${side('back')}</label>
<input type="file" id="back" name="back" accept="application/pdf,image/png,image/jpeg">
<div class="actions"><button type="submit" class="secondary">${t('video.copies.upload')}</button></div>
</form>`
    : ''}
<div class="actions">
${request.state === 'proposed' || request.state === 'more-asked'
    ? html`<form method="post" action="${VIDEO}/appointment/accept">${csrfField(csrf)}<button type="submit">${t(request.state === 'proposed' ? 'video.accept' : 'video.resubmit')}</button></form>`
    : ''}
${request.state === 'proposed' || request.state === 'accepted'
    ? html`<form method="post" action="${VIDEO}/appointment/another">${csrfField(csrf)}<button type="submit" class="secondary">${t('video.another')}</button></form>`
    : ''}
<form method="post" action="${VIDEO}/appointment/cancel">${csrfField(csrf)}<button type="submit" class="secondary">${t('video.cancel')}</button></form>
</div>`;
}

/** a page that ends here: what happened, and the way to a new request */
export function endNotice(t: T, key: string, kind: 'error' | 'info' = 'error'): SafeHtml {
  return html`${notices(t, [{ key, kind }])}
<p><a href="${VIDEO}">${t('video.title')}</a></p>`;
}
