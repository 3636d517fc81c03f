// Days in the mandates' time zone (mandates.timeZone). Mandate and membership dates are days, not
// instants: "ends on 2031-03-01" means the last day it holds is 28 February, wherever the server
// runs. Only Intl and UTC arithmetic on yyyy-mm-dd strings, so no date library decides this.
import { MandateRuleError } from './model.js';

export type Day = string; // yyyy-mm-dd

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** the day `now` falls on in `timeZone` */
export function dayOf(now: Date, timeZone: string): Day {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(now).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function toUtc(day: Day): Date {
  return new Date(`${day}T00:00:00Z`);
}

function fromUtc(d: Date): Day {
  return d.toISOString().slice(0, 10);
}

export function isDay(s: unknown): s is Day {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = toUtc(s);
  return !Number.isNaN(d.getTime()) && fromUtc(d) === s;
}

export function addDays(day: Day, n: number): Day {
  const d = toUtc(day);
  d.setUTCDate(d.getUTCDate() + n);
  return fromUtc(d);
}

/** months ahead, a month end clamped: 2024-01-31 + 1 month is 2024-02-29 */
export function addMonths(day: Day, n: number): Day {
  const [y, m, dd] = day.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + n;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(dd, last)).padStart(2, '0')}`;
}

export function addYears(day: Day, n: number): Day {
  return addMonths(day, n * 12);
}

export interface Calendar {
  today(): Day;
  tomorrow(): Day;
  /** the mandate ending on `endDate` has this many months or fewer left */
  endsWithinMonths(endDate: Day, months: number): boolean;
  /**
   * An end date ("ends on") an administrator chose: at the earliest tomorrow (today's logins still
   * work), at the latest today + maxYears.
   */
  checkEndDate(endDate: unknown, maxYears: number): Day;
  /** a planned end (a membership's): a day from tomorrow on */
  checkFromTomorrow(endDate: unknown): Day;
}

export function createCalendar(now: () => Date, timeZone: string): Calendar {
  const today = () => dayOf(now(), timeZone);
  const checkFromTomorrow = (endDate: unknown): Day => {
    if (!isDay(endDate)) throw new MandateRuleError('invalid', 'the end date must be a day written yyyy-mm-dd', 'invalid-date');
    if (endDate <= today()) throw new MandateRuleError('invalid', 'the end date can be tomorrow at the earliest', 'end-date-too-early');
    return endDate;
  };
  return {
    today,
    tomorrow: () => addDays(today(), 1),
    endsWithinMonths: (endDate, months) => endDate <= addMonths(today(), months),
    checkFromTomorrow,
    checkEndDate(endDate, maxYears) {
      const day = checkFromTomorrow(endDate);
      if (day > addYears(today(), maxYears)) throw new MandateRuleError('invalid', `the end date can be at most ${maxYears} years from today`, 'end-date-too-late');
      return day;
    },
  };
}
