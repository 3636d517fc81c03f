// The add-mandates wizard's choices (seed 004 §4.2: services → members → end date → review →
// confirm) travel in the address and in hidden fields of each step's form, not in the session:
// nothing in them is trusted (the confirmation's POST hands them to registry.grantMandates, which
// checks every pair again), so they need no signature, the back button and two tabs just work,
// and nothing has to expire.
import { html, type SafeHtml } from '../../../web/html.js';
import type { MandateScope } from '../../../mandates/model.js';
import { durationFields, readDurationInput, type DurationInput } from './duration.js';
import { manyOf, parseScopeKey, scopeKey } from './page-kit.js';

export type WizardStep = 'services' | 'members' | 'duration' | 'review';
export const WIZARD_STEPS: readonly WizardStep[] = ['services', 'members', 'duration', 'review'];
/** the API's own bounds (POST …/mandates: 200 scopes, 500 members) */
export const MAX_SCOPES = 200;
export const MAX_MEMBERS = 500;
const ID = /^[0-9a-f-]{36}$/i;

export interface WizardState {
  readonly step: WizardStep;
  readonly scopes: readonly MandateScope[];
  readonly memberIds: readonly string[];
  readonly duration: DurationInput;
  /** what was typed in the services step's search field */
  readonly serviceSearch: string;
  /** what was typed in the members step's search field (its own name: the services step's search must not filter the members) */
  readonly memberSearch: string;
}

export function readWizard(source: Record<string, unknown>): WizardState {
  const step = WIZARD_STEPS.find((s) => s === source.step) ?? 'services';
  const parsed = manyOf(source.scope).slice(0, MAX_SCOPES).map(parseScopeKey).filter((s): s is MandateScope => s !== undefined);
  const scopes = [...new Map(parsed.map((s) => [scopeKey(s), s])).values()];
  const memberIds = [...new Set(manyOf(source.member).slice(0, MAX_MEMBERS).filter((id) => ID.test(id)).map((id) => id.toLowerCase()))];
  const search = (name: string) => (typeof source[name] === 'string' ? (source[name] as string).trim().slice(0, 100) : '');
  return { step, scopes, memberIds, duration: readDurationInput(source), serviceSearch: search('serviceSearch'), memberSearch: search('memberSearch') };
}

/** hidden fields carrying every choice but those the form itself shows */
export function carried(state: WizardState, shown: { scopes?: readonly MandateScope[]; members?: readonly string[]; duration?: boolean } = {}): SafeHtml {
  const shownScopes = new Set((shown.scopes ?? []).map(scopeKey));
  const shownMembers = new Set(shown.members ?? []);
  const scopes = state.scopes.filter((s) => !shownScopes.has(scopeKey(s)));
  const members = state.memberIds.filter((m) => !shownMembers.has(m));
  const duration = shown.duration ? [] : Object.entries(durationFields(state.duration));
  return html`${scopes.map((s) => html`<input type="hidden" name="scope" value="${scopeKey(s)}">`)}${members.map((m) => html`<input type="hidden" name="member" value="${m}">`)}${duration.map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}`;
}
