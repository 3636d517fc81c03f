// The interviewer console's two pages: the overview (the day's interviews, the requests waiting
// for a slot, the approvals awaiting review) and one request with what can be done with it now.
import { html, type SafeHtml } from '../../../web/html.js';
import { addDays, type Day } from '../../../mandates/dates.js';
import { csrfField, notices, type Notice, type T } from './pages.js';
import type { DocumentCopyInfo, VideoRequest } from './requests.js';

const BASE = '/staff/video';

const nameOf = (r: VideoRequest) => [r.givenName, r.firstSurname, r.secondSurname].filter(Boolean).join(' ');

export interface Overview {
  readonly day: Day;
  readonly interviews: readonly { request: VideoRequest; slot: string; meetingLink: string }[];
  readonly waiting: readonly { request: VideoRequest; lapses: Day }[];
  /** officials only */
  readonly review: readonly VideoRequest[] | undefined;
}

export function consoleOverview(t: T, o: Overview): SafeHtml {
  return html`<form method="get" action="${BASE}/" class="inline">
<label for="day">${t('video.console.dayLabel')}</label> <input type="date" id="day" name="day" value="${o.day}"> <button type="submit" class="secondary">${t('video.console.show')}</button>
<a href="${BASE}/?day=${addDays(o.day, -1)}">←</a> <a href="${BASE}/?day=${addDays(o.day, 1)}">→</a>
</form>
<h2 id="day-heading">${t('video.console.day')}</h2>
${o.interviews.length
    ? html`<table id="interviews" aria-labelledby="day-heading"><thead><tr><th scope="col">${t('video.console.when')}</th><th scope="col">${t('video.console.who')}</th><th scope="col">${t('video.console.lang')}</th><th scope="col">${t('video.console.stateCol')}</th><th scope="col">${t('video.console.meeting')}</th></tr></thead><tbody>
${o.interviews.map((i) => html`<tr data-request="${i.request.id}"><td>${i.slot}</td><td><a href="${BASE}/requests/${i.request.id}">${nameOf(i.request)}</a></td><td>${t(`video.language.${i.request.language}`)}</td><td>${t(`video.console.state.${i.request.state}`)}</td><td><a href="${i.meetingLink}" rel="noreferrer">${i.meetingLink}</a></td></tr>`)}
</tbody></table>`
    : html`<p>${t('video.console.noInterviews')}</p>`}
<h2 id="waiting-heading">${t('video.console.waiting')}</h2>
${o.waiting.length
    ? html`<ul id="waiting" aria-labelledby="waiting-heading">${o.waiting.map((w) => html`<li data-request="${w.request.id}"><a href="${BASE}/requests/${w.request.id}">${nameOf(w.request)}</a> · ${t(`video.language.${w.request.language}`)} · ${t('video.console.lapses', { day: w.lapses })}</li>`)}</ul>`
    : html`<p>${t('video.console.noWaiting')}</p>`}
${o.review
    ? html`<h2 id="review-heading">${t('video.console.review')}</h2>
${o.review.length
        ? html`<ul id="review" aria-labelledby="review-heading">${o.review.map((r) => html`<li data-request="${r.id}"><a href="${BASE}/requests/${r.id}">${nameOf(r)}</a></li>`)}</ul>`
        : html`<p>${t('video.console.noReview')}</p>`}`
    : ''}`;
}

export interface Detail {
  readonly request: VideoRequest;
  readonly csrf: string;
  readonly slot: string;
  readonly meetingLink: string;
  readonly copies: readonly DocumentCopyInfo[];
  readonly zone: string;
  readonly interviewer: boolean;
  readonly canReview: boolean;
  readonly notices: readonly Notice[];
}

const CHECKS = ['documentValid', 'documentGenuine', 'matchesPerson', 'registersConsistent'] as const;

/** one request; undefined: the not-found page */
export function consoleDetail(t: T, d: Detail | undefined): SafeHtml {
  if (!d) return html`<p class="error" role="alert">${t('video.console.notFound')}</p><p><a href="${BASE}/">${t('video.console.back')}</a></p>`;
  const r = d.request;
  const row = (key: string, value: string | null) => html`<dt>${t(key)}</dt><dd>${value ?? '—'}</dd>`;
  return html`${notices(t, d.notices)}
<h2>${t('video.console.request', { name: nameOf(r) })}</h2>
<p id="request-state" data-state="${r.state}">${t('video.console.stateCol')}: ${t(`video.console.state.${r.state}`)}${r.slotAt ? html` · ${d.slot}` : ''}${r.grantedLevel ? html` · ${t('video.console.level', { level: r.grantedLevel })}` : ''}</p>
${r.slotAt ? html`<p><a href="${d.meetingLink}" rel="noreferrer">${d.meetingLink}</a></p>` : ''}
<h3>${t('video.console.details')}</h3>
<dl>${row('video.dateOfBirth', r.dateOfBirth)}${row('video.countryOfBirth', r.countryOfBirth)}${row('video.placeOfBirth', r.placeOfBirth)}${row('video.sex', t(`video.sex.${r.sex}`))}${row('video.documentNumber', r.documentNumber)}${row('video.email', r.email)}${row('video.mobile', r.mobile)}${row('video.motivation', r.motivation)}${row('video.language', t(`video.language.${r.language}`))}${row('video.console.preferred', r.preferredSlots.join(', '))}</dl>
${r.state === 'requested' && d.interviewer
    ? html`<h3>${t('video.console.propose')}</h3>
<form method="post" action="${BASE}/requests/${r.id}/propose">${csrfField(d.csrf)}
<label for="slot">${t('video.console.slot', { zone: d.zone })}</label>
<input type="datetime-local" id="slot" name="slot" required value="${r.preferredSlots[0] ?? ''}">
<div class="actions"><button type="submit">${t('video.console.proposeSubmit')}</button></div></form>`
    : ''}
<h3>${t('video.console.copies')}</h3>
${d.copies.length
    ? html`<ul id="copies">${d.copies.map((c) => html`<li data-side="${c.side}"><a href="${BASE}/requests/${r.id}/copies/${c.id}" target="_blank" rel="noopener">${t(`video.copies.${c.side}`)}</a> (${c.mediaType}, ${String(Math.ceil(c.byteSize / 1024))} KB)</li>`)}</ul>`
    : html`<p>${t('video.console.noCopies')}</p>`}
${(r.state === 'accepted') && d.interviewer ? decisionForm(t, d) : ''}
${d.canReview && (r.state === 'approved' || r.state === 'activated')
    ? html`<form method="post" action="${BASE}/requests/${r.id}/review">${csrfField(d.csrf)}<div class="actions"><button type="submit">${t('video.console.reviewSubmit')}</button></div></form>`
    : ''}
<p><a href="${BASE}/">${t('video.console.back')}</a></p>`;
}

function decisionForm(t: T, d: Detail): SafeHtml {
  const r = d.request;
  // the copies listed above: the approval is refused if the person replaced one since
  return html`<form method="post" action="${BASE}/requests/${r.id}/decide">${csrfField(d.csrf)}
<input type="hidden" name="viewedCopies" value="${d.copies.map((c) => c.id).join(' ')}">
<fieldset class="choices"><legend>${t('video.console.checks')}</legend>
${CHECKS.map((c) => html`<label><input type="checkbox" name="${c}" value="yes"> ${t(`video.check.${c}`)}</label>`)}
</fieldset>
<fieldset><legend>${t('video.console.identity')}</legend>
<label for="documentNumber">${t('video.console.documentNumber')}</label>
<input type="text" id="documentNumber" name="documentNumber" maxlength="12" value="${r.documentNumber ?? ''}">
<label for="documentDate">${t('video.console.documentDate')}</label>
<input type="date" id="documentDate" name="documentDate">
<label for="supportNumber">${t('video.console.supportNumber')}</label>
<input type="text" id="supportNumber" name="supportNumber" maxlength="9">
</fieldset>
<label for="reason">${t('video.console.reason')}</label>
<textarea id="reason" name="reason" maxlength="500" rows="2"></textarea>
<div class="actions">
<button type="submit" name="decision" value="approve">${t('video.console.approve')}</button>
<button type="submit" name="decision" value="more" class="secondary">${t('video.console.askMore')}</button>
<button type="submit" name="decision" value="refuse" class="secondary">${t('video.console.refuse')}</button>
</div></form>`;
}
