// The level a foreign node asserted, checked against what we asked for (design.md "Levels of
// assurance"; issue 6 "LoA returned ≥ requested"): notified levels compare by their order
// (low < substantial < high) and count for the LOWEST rung of their set (foreign low = rung 2).
// Non-notified levels (http://eidas.europa.eu/NotNotified/LoA/…) would only match exactly, but
// they have no rung on the ladder, so this connector never requests one and refuses any returned.
import { lowestRungForUri, NOT_NOTIFIED_PREFIX, type LoaRung } from '../../broker/loa.js';
import { NOTIFIED_LOA } from './authn-request.js';

export type LoaCheck = { readonly ok: true; readonly rung: LoaRung } | { readonly ok: false; readonly reason: string };

export function checkReturnedLoa(returned: string, requested: string): LoaCheck {
  const notified = NOTIFIED_LOA as readonly string[];
  if (returned.startsWith(NOT_NOTIFIED_PREFIX)) return { ok: false, reason: `non-notified level ${returned} was not requested` };
  const got = notified.indexOf(returned);
  if (got < 0) return { ok: false, reason: `unknown level of assurance ${returned}` };
  const wanted = notified.indexOf(requested);
  if (wanted < 0 || got < wanted) return { ok: false, reason: `level ${returned} is lower than the requested ${requested}` };
  return { ok: true, rung: lowestRungForUri(returned)! };
}
