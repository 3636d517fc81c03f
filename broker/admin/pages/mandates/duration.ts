// The end-date choice of seed 004 §3.10 and §4.2: 5 years (most chosen), 3, 1, or a day of one's
// own, from tomorrow up to mandates.maxYears ahead. The page only proposes; the registry decides,
// and its refusal comes back next to the day field.
import { html, type SafeHtml } from '../../../web/html.js';
import { addYears, isDay } from '../../../mandates/dates.js';
import type { MandateDuration } from '../../../mandates/model.js';
import type { AdminPageContext } from '../context.js';
import { choiceField, inputField } from '../forms.js';

export type DurationChoice = '5' | '3' | '1' | 'date';
const CHOICES: readonly DurationChoice[] = ['5', '3', '1', 'date'];

export interface DurationInput {
  readonly choice: DurationChoice;
  /** the day as typed, to show it again */
  readonly endDate: string;
}

export const DEFAULT_DURATION: DurationInput = { choice: '5', endDate: '' };

export function readDurationInput(source: Record<string, unknown>): DurationInput {
  const choice = CHOICES.find((c) => c === source.duration) ?? '5';
  const endDate = typeof source.endDate === 'string' ? source.endDate.trim().slice(0, 20) : '';
  return { choice, endDate };
}

/** the registry's duration; a typed day goes as typed, so the registry names what is wrong with it */
export function toMandateDuration(input: DurationInput): MandateDuration {
  return input.choice === 'date' ? { endDate: input.endDate } : { years: Number(input.choice) as 1 | 3 | 5 };
}

/** the day the choice ends on, for the review; undefined when the typed day is no day */
export function endDayOf(input: DurationInput, today: string): string | undefined {
  if (input.choice !== 'date') return addYears(today, Number(input.choice));
  return isDay(input.endDate) ? input.endDate : undefined;
}

/** the choice as form fields, to carry it through the wizard's other steps */
export function durationFields(input: DurationInput): Record<string, string> {
  return input.choice === 'date' ? { duration: 'date', endDate: input.endDate } : { duration: input.choice };
}

export function durationFieldset(ctx: AdminPageContext, input: DurationInput, opts: { maxYears: number; legend: string; error?: string }): SafeHtml {
  return html`${choiceField({
    name: 'duration',
    legend: opts.legend,
    hint: ctx.t('mandates.duration.hint', { years: String(opts.maxYears) }),
    value: input.choice,
    choices: [
      { value: '5', label: ctx.t('mandates.duration.5') },
      { value: '3', label: ctx.t('mandates.duration.3') },
      { value: '1', label: ctx.t('mandates.duration.1') },
      { value: 'date', label: ctx.t('mandates.duration.date') },
    ],
  })}${inputField({ name: 'endDate', type: 'date', label: ctx.t('mandates.duration.endDate'), hint: ctx.t('mandates.duration.endDateHint'), value: input.endDate, ...(opts.error ? { error: opts.error } : {}) })}`;
}
