// Which mode a Permanente login needs (seed 000 §1.4.2 and §5.2): password only when its rung
// satisfies the service, reinforced (password + one-time code) when only that does, and neither
// when the person's registration cannot reach what the service asks (reinforced mode needs
// advanced registration). The rungs come from the configuration's method table.
import { policyFor, type Config } from '../../broker/config.js';
import { assertableRung, rungIndex, type LoaRung } from '../../broker/loa.js';
import type { LoginTransaction } from '../../broker/flow/login-transaction.js';
import type { RegistrationLevel } from '../../broker/identity/person.js';
import type { SecondFactor } from '../../broker/identity/permanente-accounts.js';

export const NORMAL = 'permanente';
export const REINFORCED = 'permanente-reinforced';

export type Mode = { mode: 'normal'; rung: LoaRung } | { mode: 'reinforced'; rung: LoaRung } | { mode: 'unreachable' };

/** The second factors this service accepts, in the broker's order. */
export function acceptedFactors(cfg: Config, tx: LoginTransaction): SecondFactor[] {
  const bySp = policyFor(cfg, tx.sp.entityID).secondFactors;
  return cfg.connectors.permanente.secondFactors.filter((f) => !bySp || bySp.includes(f));
}

function rungOf(cfg: Config, method: string, level: RegistrationLevel): LoaRung | null {
  return cfg.loa.methodRungs[method]?.[level] ?? null;
}

export function modeFor(cfg: Config, tx: LoginTransaction, level: RegistrationLevel): Mode {
  const normal = rungOf(cfg, NORMAL, level);
  if (normal && assertableRung(normal, tx.request.loa)) return { mode: 'normal', rung: normal };
  const reinforced = acceptedFactors(cfg, tx).length ? rungOf(cfg, REINFORCED, level) : null;
  if (reinforced && assertableRung(reinforced, tx.request.loa)) return { mode: 'reinforced', rung: reinforced };
  return { mode: 'unreachable' };
}

/** The highest rung any person could reach with Permanente in this login (the selector's view). */
export function highestReachable(cfg: Config, tx: LoginTransaction): LoaRung | undefined {
  const levels: RegistrationLevel[] = ['basic', 'advanced'];
  const rungs = levels.flatMap((l) => [rungOf(cfg, NORMAL, l), acceptedFactors(cfg, tx).length ? rungOf(cfg, REINFORCED, l) : null]);
  return rungs.filter((r): r is LoaRung => r !== null).sort((a, b) => rungIndex(b) - rungIndex(a))[0];
}
