// How a section of the management pages plugs into the shell (router.ts). A section is one object:
//
//   export const mandatesSection: AdminSection = {
//     id: 'mandates',                       // its URL segment and its nav key
//     scope: 'organisation',                // see below
//     nav: { labelKey: 'mandates.nav' },    // a link in the navigation (leave out for none)
//     messages: mandatesMessages,           // messages/<section>.ts: { nl, en, es }, same keys in each
//     mount(router, deps) { router.get('/', …); router.post('/grant', deps.form, …); },
//   };
//
// and one line in `adminSections` (router.ts), in navigation order. Scopes:
// - `organisation`: mounted at /admin/o/<organisationId>/<id>/…, only for an administrator of that
//   organisation who may manage it now (the shell answers 403 otherwise); `pageContext(res)
//   .organisation` is that organisation.
// - `person`: mounted at /admin/<id>/…, for every logged-in person (a member who is not an
//   administrator sees only these sections).
// Every page route may read `pageContext(res)` (who is logged in, the actor for the registry, the
// translator, the organisations they administer). Handlers render with `sendAdminPage` (layout.ts),
// build forms with forms.ts (the CSRF field, fields with their error next to them, confirmation
// pages), map registry refusals with refusals.ts and say what happened after a redirect with
// flash.ts. POST routes take `deps.form` (url-encoded body + the session's CSRF token checked) or
// `deps.multipartForm` (the same for file uploads). A page action calls the registry method its
// API route calls, nothing else; list the pairs in pages/README.md.
import type { RequestHandler, Router } from 'express';
import type { MandateRegistry } from '../../mandates/model.js';
import type { BrokerServices } from '../../services.js';
import type { SectionMessages } from './i18n.js';

export interface SectionDeps {
  readonly services: BrokerServices;
  /** read at each call: the registry is a service of the broker */
  readonly registry: () => MandateRegistry;
  /** url-encoded body parser + the session's CSRF token (hidden field `csrf`) checked */
  readonly form: RequestHandler;
  /** multipart body (files in `uploadedFiles(res)`) + the CSRF token checked */
  readonly multipartForm: RequestHandler;
}

export interface AdminSection {
  readonly id: string;
  readonly scope: 'organisation' | 'person';
  readonly nav?: { readonly labelKey: string };
  readonly messages: SectionMessages;
  mount(router: Router, deps: SectionDeps): void;
}
