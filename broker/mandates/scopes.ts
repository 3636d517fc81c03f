// What a mandate covers and until when, resolved once for a grant: the services a scope names,
// the rung each needs, and the end day a duration means (seed 004 §4.2: start today, end after
// 1, 3 or 5 years or on a chosen day, never more than maxYears ahead, never before tomorrow).
import type { LoaRung } from '../loa.js';
import type { Ctx, Tx } from './context.js';
import { addYears, type Day } from './dates.js';
import * as input from './input.js';
import { isUuid } from './context.js';
import { MandateRuleError, type MandateDuration, type MandateScope, type Service } from './model.js';
import { toService } from './rows.js';

export interface ResolvedScope {
  readonly scope: MandateScope;
  /** the rung the scope needs: the service's minimum, or the general authority's rung */
  readonly rung: LoaRung;
  readonly service: Service | null;
  /** for messages */
  readonly label: string;
}

export function endDateOf(ctx: Ctx, duration: MandateDuration | undefined): Day {
  const today = ctx.calendar.today();
  if (duration === undefined || duration === null) return addYears(today, Math.min(ctx.cfg.defaultYears, ctx.cfg.maxYears));
  if (typeof duration !== 'object') throw input.invalid('the duration is 1, 3 or 5 years or an end date', 'invalid-duration');
  if ('years' in duration) {
    if (![1, 3, 5].includes(duration.years)) throw input.invalid('the duration is 1, 3 or 5 years or an end date', 'invalid-duration');
    if (duration.years > ctx.cfg.maxYears) throw new MandateRuleError('invalid', `the end date can be at most ${ctx.cfg.maxYears} years from today`, 'end-date-too-late');
    return addYears(today, duration.years);
  }
  return ctx.calendar.checkEndDate((duration as { endDate?: unknown }).endDate, ctx.cfg.maxYears);
}

function scopeKey(s: MandateScope): string {
  if (!s || typeof s !== 'object') throw input.invalid('a scope is a service or general authority', 'invalid-scope');
  return s.kind === 'service' ? `s:${String(s.serviceId).toLowerCase()}` : `g:${String((s as { rung?: unknown }).rung)}`;
}

export async function resolveScopes(db: Tx, scopes: readonly MandateScope[]): Promise<ResolvedScope[]> {
  if (!Array.isArray(scopes) || scopes.length === 0) throw input.invalid('choose at least one service or general authority', 'no-scope');
  const unique = [...new Map(scopes.map((s) => [scopeKey(s), s])).values()];
  const serviceIds = unique.filter((s) => s?.kind === 'service').map((s) => (s as { serviceId: unknown }).serviceId);
  if (!serviceIds.every(isUuid)) throw new MandateRuleError('invalid', 'unknown service', 'unknown-service');
  const rows = serviceIds.length ? await db.selectFrom('services').selectAll().where('id', 'in', serviceIds as string[]).execute() : [];
  const services = new Map(rows.map((r) => [r.id, toService(r)]));
  return unique.map((s): ResolvedScope => {
    if (s?.kind === 'general') {
      const rung = input.rung(s.rung);
      return { scope: { kind: 'general', rung }, rung, service: null, label: `general authority ${rung}` };
    }
    if (s?.kind !== 'service') throw input.invalid('a scope is a service or general authority', 'invalid-scope');
    const service = services.get(s.serviceId.toLowerCase());
    if (!service) throw new MandateRuleError('invalid', 'unknown service', 'unknown-service');
    return { scope: { kind: 'service', serviceId: service.id }, rung: service.minRung, service, label: service.names.en };
  });
}

/** the branch restriction must be a branch of the organisation the mandate is for */
export async function checkBranch(db: Tx, organisationId: string, branchId: string | undefined): Promise<string | null> {
  if (branchId === undefined || branchId === null) return null;
  const row = isUuid(branchId) ? await db.selectFrom('organisation_branches').select('id').where('id', '=', branchId).where('organisation_id', '=', organisationId).executeTakeFirst() : undefined;
  if (!row) throw new MandateRuleError('invalid', 'this branch does not belong to the organisation', 'unknown-branch');
  return row.id;
}
