// The self-service home page: the registration (level, mobile and e-mail masked as on file), the
// active Cl@ve app device, the last logins, and the procedures open to this login.
import type { Request, Response } from 'express';
import type { BrokerServices } from '../../services.js';
import { html } from '../../web/html.js';
import { CLAVE_SELECTED_IDP } from '../../saml/attributes.js';
import { readLoginHistory } from '../../admin/login-history.js';
import { accountOf } from './require-account.js';

const HISTORY_ROWS = 20;

/** +34 6** *** *12: enough for the person to recognise it, not for an onlooker */
export function maskMobile(mobile: string | null): string {
  return mobile ? `${mobile.slice(0, 4)}${mobile.slice(4, -2).replace(/\d/g, '*')}${mobile.slice(-2)}` : '—';
}

export function maskEmail(email: string | null): string {
  if (!email) return '—';
  const at = email.indexOf('@');
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

export async function renderOverview(services: BrokerServices, req: Request, res: Response): Promise<void> {
  const { person, login } = accountOf(res);
  const t = (k: string, vars?: Record<string, string>) => services.pages.t(res, k, vars);
  // the service by its display name, the method as the person knows it (Cl@ve's names)
  const service = (entityID: string) => services.config.sps.policies[entityID]?.displayName ?? entityID;
  const method = (id: string) => (CLAVE_SELECTED_IDP[id] ? t(`account.method.${CLAVE_SELECTED_IDP[id]}`) : id);
  const device = await services.devices.activeDeviceOf(person.id);
  // the flushing reader: the login that opened this session is written behind, in a batch
  const history = await readLoginHistory(services, person.id, { limit: HISTORY_ROWS, offset: 0 });
  services.pages.send(req, res, {
    title: t('account.title'),
    body: html`<p>${t('account.login.as', { method: t(`account.method.${login.method}`), rung: login.rung })}</p>
<h2>${t('account.registration')}</h2>
<dl>
<dt>${t('account.name')}</dt><dd>${person.givenName} ${person.firstSurname}${person.secondSurname ? ` ${person.secondSurname}` : ''}</dd>
<dt>${t('account.document')}</dt><dd>${person.documentNumber ?? person.eidasPersonIdentifier ?? '—'}</dd>
<dt>${t('account.level')}</dt><dd id="level">${t(`account.level.${person.registrationLevel}`)}</dd>
<dt>${t('account.mobile')}</dt><dd id="mobile">${maskMobile(person.mobile)}</dd>
<dt>${t('account.email')}</dt><dd id="email">${maskEmail(person.email)}</dd>
</dl>
<h2>${t('account.procedures')}</h2>
<ul>
<li><a href="/account/email">${t('account.email.change')}</a></li>
<li><a href="/account/mobile">${t('account.mobile.change')}</a></li>
${person.registrationLevel === 'basic' ? html`<li><a href="/account/upgrade">${t('account.upgrade')}</a></li>` : ''}
<li><a href="/account/activation-code">${t('account.activationCode')}</a></li>
<li><a href="/account/renounce">${t('account.renounce')}</a></li>
</ul>
<h2>${t('account.device')}</h2>
<p id="device">${device ? t('account.device.active', { label: device.label, since: when(device.activatedAt) }) : t('account.device.none')}</p>
<h2>${t('account.history')}</h2>
${history.length === 0
    ? html`<p>${t('account.history.none')}</p>`
    : html`<table id="history"><caption>${t('account.history.caption')}</caption>
<thead><tr><th scope="col">${t('account.history.at')}</th><th scope="col">${t('account.history.service')}</th><th scope="col">${t('account.history.method')}</th><th scope="col">${t('account.history.loa')}</th></tr></thead>
<tbody>${history.map((h) => html`<tr><td>${when(h.at)}</td><td>${service(h.spEntityID)}</td><td>${method(h.method)}</td><td>${h.loa}</td></tr>`)}</tbody></table>`}
<form method="post" action="/account/logout"><input type="hidden" name="csrf" value="${login.csrfToken}"><button type="submit">${t('account.logout.submit')}</button></form>`,
  });
}
