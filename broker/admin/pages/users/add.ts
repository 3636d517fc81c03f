// Adding a user (seed 004 §3.2, §3.2.1): level up to one's own, role, personal and identity
// document data, the copy of the document (pdf/png/jpg/tif/bmp, at most mandates.documentMaxBytes;
// front and back for everything but a passport, in one file or two), and the organisations among
// those the administrator administers. The page checks the files by content and size before
// asking (the registry's own rules: documentMediaType, documentMaxBytes) so a refused file never
// leaves a request behind; then addMember (all organisations or none) and attachDocument per
// request, as the API's POST …/members and PUT …/members/{id}/document.
import type { Request, Response } from 'express';
import { html } from '../../../web/html.js';
import { isDay } from '../../../mandates/dates.js';
import { documentMediaType } from '../../../mandates/documents.js';
import { MEMBER_LEVELS, type IdentityDocumentType, type MemberLevel, type NewMember } from '../../../mandates/model.js';
import { currentOrganisation, pageContext, type AdminPageContext } from '../context.js';
import { sendAdminPage } from '../layout.js';
import { choiceField, csrfField, errorSummary, inputField, selectField, textOf, valuesOf, type FormErrors } from '../forms.js';
import { refusalErrors } from '../refusals.js';
import { setFlash } from '../flash.js';
import { uploadedFiles, type UploadedFile } from '../multipart.js';
import { paths } from '../paths.js';
import type { SectionDeps } from '../section.js';
import { levelsUpTo, ownLevel } from './common.js';

const ID_TYPES: readonly IdentityDocumentType[] = ['DNI', 'NIE', 'passport', 'identity-card', 'residence-permit', 'driving-licence'];
/** documents with a back side (seed 004 §3.2: identity card, driving licence, residence document) */
const TWO_SIDED: ReadonlySet<IdentityDocumentType> = new Set(['DNI', 'NIE', 'identity-card', 'residence-permit', 'driving-licence']);
/** what the file chooser offers (seed 004 §3.2's list); the registry still decides by content */
export const DOCUMENT_ACCEPT = '.pdf,.png,.jpg,.jpeg,.jfif,.tif,.tiff,.bmp,application/pdf,image/png,image/jpeg,image/tiff,image/bmp';

type Values = Readonly<Record<string, string>> & { readonly organisations?: readonly string[] };

export function addUserForm(req: Request, res: Response, deps: SectionDeps, values: Values, organisations: readonly string[], errors: FormErrors, status?: number): void {
  const ctx = pageContext(res);
  const org = currentOrganisation(res);
  const own = ownLevel(ctx, org.id);
  const mb = String(Math.floor(deps.services.config.mandates.documentMaxBytes / 1048576));
  const v = (k: string) => values[k] ?? '';
  sendAdminPage(req, res, ctx, {
    status: status ?? (Object.keys(errors).length ? 422 : 200),
    title: ctx.t('users.new.title'),
    section: 'users',
    body: html`${errorSummary(ctx, errors)}<p>${ctx.t('users.new.intro', { own })}</p>
<form method="post" action="${paths.newUser(org.id)}" enctype="multipart/form-data" novalidate>${csrfField(ctx)}
${choiceField({ name: 'level', legend: ctx.t('users.new.level'), value: v('level') || own, error: errors.level, choices: levelsUpTo(own).map(({ level, allowed }) => ({ value: level, label: ctx.t('level.long', { level }), disabled: !allowed, ...(allowed ? {} : { detail: ctx.t('users.level.aboveOwn') }) })) })}
${choiceField({ name: 'role', legend: ctx.t('users.new.role'), value: v('role') || 'user', error: errors.role, choices: [{ value: 'user', label: ctx.t('role.user'), detail: ctx.t('users.role.user.cannot') }, { value: 'administrator', label: ctx.t('role.administrator'), detail: ctx.t('users.role.administrator.manages') }] })}
<fieldset class="field"><legend>${ctx.t('users.new.person')}</legend>
${inputField({ name: 'givenName', label: ctx.t('users.new.givenName'), value: v('givenName'), error: errors.givenName, required: true, autocomplete: 'off', maxLength: 100 })}
${inputField({ name: 'surname', label: ctx.t('users.new.surname'), value: v('surname'), error: errors.surname, required: true, autocomplete: 'off', maxLength: 100 })}
${inputField({ name: 'dateOfBirth', label: ctx.t('users.new.dateOfBirth'), type: 'date', value: v('dateOfBirth'), hint: ctx.t('users.new.dateHint'), error: errors.dateOfBirth, required: true })}
${inputField({ name: 'email', label: ctx.t('users.new.email'), type: 'email', value: v('email'), error: errors.email, required: true, autocomplete: 'off', maxLength: 254 })}
${inputField({ name: 'mobile', label: ctx.t('users.new.mobile'), type: 'tel', value: v('mobile'), hint: ctx.t('users.contact.mobile.hint'), error: errors.mobile, autocomplete: 'off', maxLength: 20 })}
${selectField({ name: 'identifierType', label: ctx.t('users.new.identifierType'), value: v('identifierType') || 'DNI', error: errors.identifierType, options: (['DNI', 'NIE', 'eidas'] as const).map((k) => ({ value: k, label: ctx.t(`users.new.identifierType.${k}`) })) })}
${inputField({ name: 'identifier', label: ctx.t('users.new.identifier'), value: v('identifier'), hint: ctx.t('users.new.identifier.hint'), error: errors.identifier, required: true, autocomplete: 'off', maxLength: 210 })}
</fieldset>
<fieldset class="field"><legend>${ctx.t('users.new.idDocument')}</legend>
${selectField({ name: 'idType', label: ctx.t('users.new.idDocument.type'), value: v('idType') || 'DNI', error: errors.idType, options: ID_TYPES.map((k) => ({ value: k, label: ctx.t(`users.idType.${k}`) })) })}
${inputField({ name: 'idNumber', label: ctx.t('users.new.idDocument.number'), value: v('idNumber'), error: errors.idNumber, required: true, autocomplete: 'off', maxLength: 40 })}
${inputField({ name: 'idExpiry', label: ctx.t('users.new.idDocument.expiry'), type: 'date', value: v('idExpiry'), hint: ctx.t('users.new.dateHint'), error: errors.idExpiry, required: true })}
</fieldset>
<fieldset class="field"><legend>${ctx.t('users.new.upload')}</legend>
${choiceField({ name: 'sides', legend: ctx.t('users.new.sides'), value: v('sides') || 'one', choices: [{ value: 'one', label: ctx.t('users.new.sides.one') }, { value: 'two', label: ctx.t('users.new.sides.two') }] })}
${inputField({ name: 'document', label: ctx.t('users.new.document'), type: 'file', accept: DOCUMENT_ACCEPT, hint: ctx.t('users.new.upload.rules', { mb }), error: errors.document, required: true })}
${inputField({ name: 'documentBack', label: ctx.t('users.new.documentBack'), type: 'file', accept: DOCUMENT_ACCEPT, error: errors.documentBack })}
</fieldset>
${choiceField({
  name: 'organisations',
  legend: ctx.t('users.new.organisations'),
  hint: ctx.t('users.new.organisations.hint'),
  multiple: true,
  value: organisations,
  error: errors.organisations,
  choices: ctx.administered.map((o) => ({ value: o.id, label: o.id === org.id ? ctx.t('users.new.organisations.current', { name: o.name }) : o.name })),
})}
<div class="actions"><button type="submit">${ctx.t('users.new.submit')}</button><a class="button secondary" href="${paths.users(org.id)}">${ctx.t('shell.cancel')}</a></div></form>`,
  });
}

/** a copy's size and type by content, as the registry will judge it */
function fileError(ctx: AdminPageContext, file: UploadedFile, maxBytes: number): string | undefined {
  if (file.bytes.length === 0) return ctx.t('refusal.document-empty');
  if (file.bytes.length > maxBytes) return ctx.t('refusal.document-too-large', { mb: String(Math.floor(maxBytes / 1048576)) });
  if (!documentMediaType(file.bytes)) return ctx.t('refusal.document-type');
  return undefined;
}

export async function addUser(req: Request, res: Response, deps: SectionDeps): Promise<void> {
  const ctx = pageContext(res);
  const org = currentOrganisation(res);
  const maxBytes = deps.services.config.mandates.documentMaxBytes;
  const names = ['level', 'role', 'givenName', 'surname', 'dateOfBirth', 'email', 'mobile', 'identifierType', 'identifier', 'idType', 'idNumber', 'idExpiry', 'sides'] as const;
  const values = Object.fromEntries(names.map((n) => [n, textOf(req.body, n)])) as Record<(typeof names)[number], string>;
  const organisations = valuesOf(req.body, 'organisations');
  const errors: Record<string, string> = {};
  const required = ctx.t('shell.required');
  for (const n of ['givenName', 'surname', 'email', 'identifier', 'idNumber'] as const) if (!values[n]) errors[n] = required;
  for (const n of ['dateOfBirth', 'idExpiry'] as const) if (!isDay(values[n])) errors[n] = values[n] ? ctx.t('refusal.invalid-date') : required;
  if (!(MEMBER_LEVELS as readonly string[]).includes(values.level)) errors.level = required;
  if (values.role !== 'user' && values.role !== 'administrator') errors.role = required;
  if (!['DNI', 'NIE', 'eidas'].includes(values.identifierType)) errors.identifierType = required;
  if (!(ID_TYPES as readonly string[]).includes(values.idType)) errors.idType = required;
  if (organisations.length === 0 || !organisations.every((id) => ctx.administered.some((o) => o.id === id))) errors.organisations = ctx.t('users.new.organisations.required');
  const [front] = uploadedFiles(res, 'document');
  const [back] = uploadedFiles(res, 'documentBack');
  if (!front) errors.document = ctx.t('users.new.document.required');
  else if (fileError(ctx, front, maxBytes)) errors.document = fileError(ctx, front, maxBytes)!;
  if (values.sides === 'two' && TWO_SIDED.has(values.idType as IdentityDocumentType) && !back) errors.documentBack = ctx.t('users.new.documentBack.required');
  else if (back && fileError(ctx, back, maxBytes)) errors.documentBack = fileError(ctx, back, maxBytes)!;
  if (Object.keys(errors).length) return addUserForm(req, res, deps, values, organisations, errors);

  const member: NewMember = {
    subject: values.identifierType === 'eidas' ? { kind: 'eidas', personIdentifier: values.identifier } : { kind: 'registry', documentType: values.identifierType as 'DNI' | 'NIE', documentNumber: values.identifier },
    givenName: values.givenName,
    surname: values.surname,
    dateOfBirth: values.dateOfBirth,
    idDocument: { type: values.idType as IdentityDocumentType, number: values.idNumber, expiry: values.idExpiry },
    role: values.role as NewMember['role'],
    level: values.level as MemberLevel,
    contactEmail: values.email,
    ...(values.mobile ? { contactMobile: values.mobile } : {}),
  };
  // the current organisation first, as the API's route orders them
  const ordered = [org.id, ...organisations.filter((id) => id !== org.id)].filter((id) => organisations.includes(id));
  const registry = deps.registry();
  let created;
  try {
    created = await registry.addMember(ctx.actor, ordered, member);
  } catch (err) {
    return addUserForm(req, res, deps, values, organisations, refusalErrors(ctx, err, {
      'invalid-email': 'email', 'invalid-mobile': 'mobile', 'invalid-document': 'identifier', 'invalid-eidas-identifier': 'identifier', 'already-member': 'identifier', 'level-above-own': 'level', 'invalid-level': 'level', 'invalid-role': 'role',
    }));
  }
  for (const m of created) {
    for (const file of [front, back]) if (file) await registry.attachDocument(ctx.actor, m.organisationId, m.id, file.bytes);
  }
  setFlash(req, 'users.new.done', { name: `${member.givenName} ${member.surname}` });
  res.redirect(303, paths.users(org.id));
}
