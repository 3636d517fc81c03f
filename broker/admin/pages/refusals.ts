// Where a registry refusal (MandateRuleError) shows on a page: next to the field it concerns, or at
// the top of the form. The text is the catalogue's `refusal.<reason>` (the seed's words) when there
// is one, else the registry's own message (English; reasons without a text of their own are rare
// input errors the form's own checks mostly catch first).
import { MandateRuleError } from '../../mandates/model.js';
import type { AdminPageContext } from './context.js';
import { FORM_ERROR, type FormErrors } from './forms.js';

/** reason → the form field it belongs to, per form */
export type ReasonFields = Readonly<Record<string, string>>;

export function refusalText(ctx: AdminPageContext, err: MandateRuleError, vars: Record<string, string> = {}): string {
  const key = `refusal.${err.reason}`;
  return ctx.has(key) ? ctx.t(key, vars) : err.message;
}

/** The form errors for a refusal; anything that is not a MandateRuleError is thrown on. */
export function refusalErrors(ctx: AdminPageContext, err: unknown, fields: ReasonFields, vars: Record<string, string> = {}): FormErrors {
  if (!(err instanceof MandateRuleError) || err.code === 'not-found') throw err;
  return { [fields[err.reason] ?? FORM_ERROR]: refusalText(ctx, err, vars) };
}
