import { strict as assert } from 'node:assert';
import { addDays, addMonths, addYears, createCalendar, dayOf, isDay } from '../../../broker/mandates/dates.js';

describe('mandate days', () => {
  it('takes the day in the configured time zone, not the server\'s or UTC', () => {
    // 23:30 UTC on 31 December is already 1 January in Madrid (UTC+1)
    const t = new Date('2025-12-31T23:30:00Z');
    assert.equal(dayOf(t, 'Europe/Madrid'), '2026-01-01');
    assert.equal(dayOf(t, 'UTC'), '2025-12-31');
    assert.equal(dayOf(t, 'America/New_York'), '2025-12-31');
  });

  it('adds days, months and years, clamping month ends', () => {
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2024-12-31', 1), '2025-01-01');
    assert.equal(addMonths('2024-01-31', 1), '2024-02-29');
    assert.equal(addMonths('2023-01-31', 1), '2023-02-28');
    assert.equal(addMonths('2024-11-30', 2), '2025-01-30');
    assert.equal(addYears('2024-02-29', 1), '2025-02-28');
    assert.equal(addYears('2024-02-29', 4), '2028-02-29');
  });

  it('knows a day from something that only looks like one', () => {
    assert.equal(isDay('2024-02-29'), true);
    assert.equal(isDay('2023-02-29'), false);
    assert.equal(isDay('2024-2-1'), false);
    assert.equal(isDay(20240201), false);
  });

  it('accepts an end date from tomorrow up to maxYears ahead, with clear refusals', () => {
    const cal = createCalendar(() => new Date('2026-03-10T12:00:00Z'), 'Europe/Madrid');
    assert.equal(cal.today(), '2026-03-10');
    assert.equal(cal.tomorrow(), '2026-03-11');
    assert.equal(cal.checkEndDate('2026-03-11', 5), '2026-03-11');
    assert.equal(cal.checkEndDate('2031-03-10', 5), '2031-03-10');
    assert.throws(() => cal.checkEndDate('2026-03-10', 5), /tomorrow at the earliest/);
    assert.throws(() => cal.checkEndDate('2031-03-11', 5), /at most 5 years/);
    assert.throws(() => cal.checkEndDate('10/03/2027', 5), /yyyy-mm-dd/);
  });

  it('flags what ends within N months', () => {
    const cal = createCalendar(() => new Date('2026-03-10T12:00:00Z'), 'Europe/Madrid');
    assert.equal(cal.endsWithinMonths('2026-05-10', 2), true);
    assert.equal(cal.endsWithinMonths('2026-05-11', 2), false);
  });
});
