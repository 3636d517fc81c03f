// A message for the next page after a redirect ("the role was changed"): kept in the management
// session, shown once, then gone. Stored as a message key and its variables, never as markup.
import type { Request } from 'express';
import { html, type SafeHtml } from '../../web/html.js';
import type { AdminPageContext } from './context.js';

interface Flash {
  readonly key: string;
  readonly vars: Record<string, string>;
}

declare module 'express-session' {
  interface SessionData {
    adminFlash?: Flash;
  }
}

export function setFlash(req: Request, key: string, vars: Record<string, string> = {}): void {
  req.session.adminFlash = { key, vars };
}

/** The pending message as a status region, and forgets it. */
export function takeFlash(req: Request, ctx: AdminPageContext): SafeHtml {
  const flash = req.session?.adminFlash;
  if (!flash) return html``;
  delete req.session.adminFlash;
  return html`<p class="flash" role="status">${ctx.t(flash.key, flash.vars)}</p>`;
}
