// The page behind the activation link the registry e-mails (`/admin/activate/<token>`): without a
// management session it starts the login through the broker and comes back here (RelayState);
// with one it asks for a confirmation, because a GET must not change anything, and the form's
// POST (the session's CSRF token in a hidden field) activates the membership for the person
// logged in. Refusals of the registry are shown with their message.
import express, { Router, type Request, type Response } from 'express';
import { html } from '../../web/html.js';
import type { BrokerServices } from '../../services.js';
import type { MandateRegistry } from '../../mandates/model.js';
import { MandateRuleError } from '../../mandates/model.js';
import { carriesCsrfToken } from './csrf.js';
import { RULE_STATUS } from '../api-error.js';

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

/** the paths a login may come back to (RelayState), nothing else */
export function isActivationPath(path: unknown): path is string {
  return typeof path === 'string' && /^\/admin\/activate\/[A-Za-z0-9_-]{20,100}$/.test(path);
}

export function activationPageRouter(services: BrokerServices, registry: () => MandateRegistry): Router {
  const router = Router();
  const { pages } = services;
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });

  const invalid = (res: Response, req: Request) =>
    pages.send(req, res, { status: 404, title: pages.t(res, 'admin.activate.failed'), body: html`<p class="error" role="alert">${pages.t(res, 'admin.activate.invalid')}</p>` });

  router.get('/activate/:token', async (req, res) => {
    const token = req.params.token;
    if (!TOKEN.test(token)) return invalid(res, req);
    const login = req.session?.admin;
    if (!login) return void res.redirect(303, `/admin/login?RelayState=${encodeURIComponent(`/admin/activate/${token}`)}`);
    const person = await services.identity.findById(login.personId);
    const name = person ? `${person.givenName} ${person.firstSurname}` : '';
    pages.send(req, res, {
      title: pages.t(res, 'admin.activate.title'),
      body: html`<p>${pages.t(res, 'admin.activate.intro', { name })}</p>
<form method="post" action="/admin/activate/${token}"><input type="hidden" name="csrf" value="${login.csrfToken}">
<button type="submit">${pages.t(res, 'admin.activate.submit')}</button></form>`,
    });
  });

  router.post('/activate/:token', form, async (req, res) => {
    const token = req.params.token;
    if (!TOKEN.test(token)) return invalid(res, req);
    const login = req.session?.admin;
    if (!login) return void res.redirect(303, `/admin/activate/${token}`);
    if (!carriesCsrfToken((req.body as Record<string, unknown> | undefined)?.csrf, login)) return void res.redirect(303, `/admin/activate/${token}`);
    try {
      const member = await registry().activateMembership({ kind: 'person', personId: login.personId, rung: login.rung, ip: req.ip ?? null }, token);
      const organisation = (await registry().myMemberships({ kind: 'person', personId: login.personId, rung: login.rung, ip: req.ip ?? null })).find((m) => m.member.id === member.id)?.organisation;
      pages.send(req, res, { title: pages.t(res, 'admin.activate.title'), body: html`<p class="notice" role="status">${pages.t(res, 'admin.activate.done', { organisation: organisation?.name ?? '' })}</p>` });
    } catch (err) {
      if (!(err instanceof MandateRuleError)) throw err;
      pages.send(req, res, { status: RULE_STATUS[err.code], title: pages.t(res, 'admin.activate.failed'), body: html`<p class="error" role="alert">${err.message}</p>` });
    }
  });
  return router;
}
