// Another copy of the identity document for a request still awaiting approval (a clearer scan, the
// back side): the registry's attachDocument, as the API's PUT …/members/{id}/document. Type by
// content and size are the registry's rules; a refusal shows next to the file field.
import type { Request, Response, Router } from 'express';
import { html } from '../../../web/html.js';
import type { Member } from '../../../mandates/model.js';
import { currentOrganisation, pageContext } from '../context.js';
import { sendAdminPage } from '../layout.js';
import { csrfField, errorSummary, inputField, type FormErrors } from '../forms.js';
import { refusalErrors } from '../refusals.js';
import { setFlash } from '../flash.js';
import { bodyTooLargeShowsForm, uploadedFiles } from '../multipart.js';
import { paths } from '../paths.js';
import type { SectionDeps } from '../section.js';
import { memberName, unavailablePage, uploadTooLarge } from './common.js';
import { DOCUMENT_ACCEPT } from './add.js';

function documentForm(req: Request, res: Response, deps: SectionDeps, m: Member, errors: FormErrors, status?: number): void {
  const ctx = pageContext(res);
  const org = currentOrganisation(res);
  const mb = String(Math.floor(deps.services.config.mandates.documentMaxBytes / 1048576));
  sendAdminPage(req, res, ctx, {
    status: status ?? (Object.keys(errors).length ? 422 : 200),
    title: ctx.t('users.document.title', { name: memberName(m) }),
    section: 'users',
    body: html`${errorSummary(ctx, errors)}<form method="post" action="${paths.userAction(org.id, m.id, 'document')}" enctype="multipart/form-data" novalidate>${csrfField(ctx)}
${inputField({ name: 'document', label: ctx.t('users.new.document'), type: 'file', accept: DOCUMENT_ACCEPT, hint: ctx.t('users.new.upload.rules', { mb }), error: errors.document, required: true })}
<div class="actions"><button type="submit">${ctx.t('users.document.submit')}</button><a class="button secondary" href="${paths.user(org.id, m.id)}">${ctx.t('shell.cancel')}</a></div></form>`,
  });
}

export function mountDocument(router: Router, deps: SectionDeps): void {
  const load = (req: Request, res: Response) => deps.registry().getMember(pageContext(res).actor, currentOrganisation(res).id, String(req.params.memberId));
  router.get('/:memberId/document', async (req, res) => {
    const m = await load(req, res);
    // the registry accepts another copy only while the request awaits approval: the reason, not a form it would refuse
    if (m.status !== 'awaiting_approval') return unavailablePage(req, res, pageContext(res).t('users.document.title', { name: memberName(m) }), 'refusal.not-awaiting-approval', m);
    documentForm(req, res, deps, m, {});
  });
  router.post('/:memberId/document', deps.multipartForm, async (req: Request, res: Response) => {
    const ctx = pageContext(res);
    const org = currentOrganisation(res);
    const m = await load(req, res);
    const [file] = uploadedFiles(res, 'document');
    if (!file) return documentForm(req, res, deps, m, { document: ctx.t('users.new.document.required') });
    try {
      await deps.registry().attachDocument(ctx.actor, org.id, m.id, file.bytes);
    } catch (err) {
      const mb = String(Math.floor(deps.services.config.mandates.documentMaxBytes / 1048576));
      return documentForm(req, res, deps, m, refusalErrors(ctx, err, { 'document-too-large': 'document', 'document-type': 'document', 'document-empty': 'document', 'not-awaiting-approval': 'document' }, { mb }));
    }
    setFlash(req, 'users.document.done', { name: memberName(m) });
    res.redirect(303, paths.user(org.id, m.id));
  }, bodyTooLargeShowsForm(async (req, res) => documentForm(req, res, deps, await load(req, res), { document: uploadTooLarge(res, deps) }, 413)));
}
