// Remove an intermediary with all its chain mandates (seed 004 §5.2, "Verwijder bedrijf") after a
// confirmation page; registry.removeIntermediary, as DELETE …/chain-mandates/intermediaries/:id.
import type { Request, Response } from 'express';
import type { Organisation } from '../../../mandates/model.js';
import type { SectionDeps } from '../section.js';
import { sendAdminPage } from '../layout.js';
import { confirmationBody } from '../forms.js';
import { setFlash } from '../flash.js';
import { organisationPage, type OrganisationPage } from '../mandates/page-kit.js';

type Handler = (req: Request, res: Response, deps: SectionDeps, page: OrganisationPage, found: { intermediary: Organisation; count: number }) => Promise<void> | void;

/** runs `handler` for an intermediary this organisation gave chain mandates to; any other is the shell's 404 */
export function withIntermediary(deps: SectionDeps, handler: Handler) {
  return (req: Request, res: Response, next: (err?: unknown) => void): void => {
    const page = organisationPage(res, 'chain');
    const id = String(req.params.intermediaryId).toLowerCase();
    deps
      .registry()
      .listChainMandatesGiven(page.ctx.actor, page.organisation.id)
      .then((given) => {
        const entry = given.find((g) => g.intermediary.id === id);
        return entry ? handler(req, res, deps, page, { intermediary: entry.intermediary, count: entry.chainMandates.length }) : next();
      })
      .catch(next);
  };
}

export const removeForm: Handler = (req, res, _deps, page, { intermediary, count }) => {
  const { ctx, base } = page;
  sendAdminPage(req, res, ctx, {
    section: 'chain',
    title: ctx.t('chain.remove.title'),
    body: confirmationBody(ctx, {
      action: `${base}/intermediaries/${intermediary.id}/remove`,
      question: ctx.t('chain.remove.question', { organisation: intermediary.name }),
      consequences: [ctx.t(count === 1 ? 'chain.remove.count.one' : 'chain.remove.count.many', { n: String(count) }), ctx.t('chain.remove.warning')],
      fields: {},
      confirmLabel: ctx.t('chain.remove.submit'),
      cancelHref: base,
    }),
  });
};

export const remove: Handler = async (req, res, deps, page, { intermediary }) => {
  const removed = await deps.registry().removeIntermediary(page.ctx.actor, page.organisation.id, intermediary.id);
  setFlash(req, 'chain.done.removed', { organisation: intermediary.name, n: String(removed) });
  res.redirect(303, page.base);
};
