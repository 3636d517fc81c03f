// The office's calendar (videoIdentification.timeZone): slots are typed and shown as wall-clock
// times there, and its working days (Monday to Friday; public holidays are not modelled) count
// the time the office has to answer a request. Only Intl and UTC arithmetic, as mandates/dates.ts.
import { addDays, dayOf, type Day } from '../../../mandates/dates.js';

const wallClocks = new Map<string, Intl.DateTimeFormat>();

function wallClock(timeZone: string): Intl.DateTimeFormat {
  let f = wallClocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    wallClocks.set(timeZone, f);
  }
  return f;
}

function wallParts(at: Date, timeZone: string): Record<string, string> {
  return Object.fromEntries(wallClock(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
}

/** how far the zone's wall clock is ahead of UTC at `at`, in ms */
function offsetMs(at: Date, timeZone: string): number {
  const p = wallParts(at, timeZone);
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/**
 * The instant of a wall-clock time typed as an HTML datetime-local value ("2026-11-30T10:00") in
 * `timeZone`; undefined for anything else or a time that does not exist there (the hour skipped
 * when summer time starts).
 */
export function instantOfLocal(value: string, timeZone: string): Date | undefined {
  const m = LOCAL_INPUT.exec(value);
  if (!m) return undefined;
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  if (Number.isNaN(guess)) return undefined;
  // the offset at the guess is right except within hours of a change; a second pass settles it
  let at = new Date(guess - offsetMs(new Date(guess), timeZone));
  at = new Date(guess - offsetMs(at, timeZone));
  return localInputOf(at, timeZone) === value ? at : undefined;
}

/** `at` as a datetime-local value in `timeZone` */
export function localInputOf(at: Date, timeZone: string): string {
  const p = wallParts(at, timeZone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

const WEEKEND = new Set([0, 6]);

function isWorkingDay(day: Day): boolean {
  return !WEEKEND.has(new Date(`${day}T00:00:00Z`).getUTCDay());
}

/**
 * The first day on which a request waiting since `since` has lapsed: the office has the rest of
 * that day and `workingDays` whole working days after it.
 */
export function lapseDay(since: Date, workingDays: number, timeZone: string): Day {
  let day = dayOf(since, timeZone);
  for (let counted = 0; counted < workingDays; ) {
    day = addDays(day, 1);
    if (isWorkingDay(day)) counted++;
  }
  return addDays(day, 1);
}

export function hasLapsed(since: Date, workingDays: number, timeZone: string, now: Date): boolean {
  return dayOf(now, timeZone) >= lapseDay(since, workingDays, timeZone);
}

/** the instants the office's day `day` begins and ends */
export function officeDayBounds(day: Day, timeZone: string): { from: Date; to: Date } {
  const from = instantOfLocal(`${day}T00:00`, timeZone) ?? new Date(`${day}T00:00:00Z`);
  const to = instantOfLocal(`${addDays(day, 1)}T00:00`, timeZone) ?? new Date(`${addDays(day, 1)}T00:00:00Z`);
  return { from, to };
}

const LOCALES: Record<string, string> = { es: 'es-ES', en: 'en-GB', nl: 'nl-BE', fr: 'fr-BE', ca: 'ca-ES', eu: 'eu-ES', gl: 'gl-ES' };

/** a slot as people read it, in the office's zone, named */
export function slotText(at: Date, timeZone: string, lang: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang] ?? 'es-ES', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(at);
}
