// An intermediary is named by its number (seed 004 §5.2 asks for the KvK number; the registry also
// takes RSIN, Spanish NIF, EU VAT, LEI and eIDAS identifiers, so the form offers every type it
// accepts): the type and the number, the registry's refusal next to the number.
import type { SafeHtml } from '../../../web/html.js';
import { html } from '../../../web/html.js';
import { IDENTIFIER_TYPES } from '../../../mandates/identifiers.js';
import type { OrganisationIdentifier, OrganisationIdentifierType } from '../../../mandates/model.js';
import type { AdminPageContext } from '../context.js';
import { inputField, selectField } from '../forms.js';

export interface IdentifierInput {
  readonly type: OrganisationIdentifierType;
  readonly value: string;
}

export function readIdentifierInput(source: Record<string, unknown>): IdentifierInput {
  const type = IDENTIFIER_TYPES.find((t) => t === source.identifierType) ?? 'kvk';
  const value = typeof source.identifier === 'string' ? source.identifier.trim().slice(0, 100) : '';
  return { type, value };
}

export function identifierText(ctx: AdminPageContext, identifier: OrganisationIdentifier): string {
  return `${ctx.t(`chain.idType.${identifier.type}`)} ${identifier.value}`;
}

export function identifierFields(ctx: AdminPageContext, input: IdentifierInput, error: string | undefined): SafeHtml {
  return html`<fieldset class="field"><legend>${ctx.t('chain.chooseIntermediary')}</legend>
${selectField({ name: 'identifierType', label: ctx.t('chain.identifierType'), value: input.type, options: IDENTIFIER_TYPES.map((type) => ({ value: type, label: ctx.t(`chain.idType.${type}`) })) })}
${inputField({ name: 'identifier', label: ctx.t('chain.identifier'), hint: ctx.t('chain.identifierHint'), value: input.value, autocomplete: 'off', maxLength: 100, ...(error ? { error } : {}) })}</fieldset>`;
}
