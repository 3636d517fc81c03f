// The LoA ladder (design.md "Levels of assurance"): one ordered set of rungs onto which every
// framework's URIs map. Requested URIs become sets of rungs; the comparison of SAML core §3.3.2.2.1
// is evaluated over the rung reached and that set.

export const LOA_RUNGS = ['1', '2', '2+', '3', '4'] as const;
export type LoaRung = (typeof LOA_RUNGS)[number];

export type LoaFramework = 'eidas' | 'eherkenning' | 'fas' | 'saml';
export const LOA_FRAMEWORKS: readonly LoaFramework[] = ['eidas', 'eherkenning', 'fas', 'saml'];

export type AuthnContextComparison = 'exact' | 'minimum' | 'better' | 'maximum';

export function rungIndex(rung: LoaRung): number {
  return LOA_RUNGS.indexOf(rung);
}

export function isLoaRung(value: unknown): value is LoaRung {
  return typeof value === 'string' && (LOA_RUNGS as readonly string[]).includes(value);
}

export function minRung(a: LoaRung, b: LoaRung): LoaRung {
  return rungIndex(a) <= rungIndex(b) ? a : b;
}

export function rungAtLeast(reached: LoaRung, needed: LoaRung): boolean {
  return rungIndex(reached) >= rungIndex(needed);
}

const EIDAS = 'http://eidas.europa.eu/LoA/';
const EH = 'urn:etoegang:core:assurance-class:';
const FAS = 'urn:be:fedict:iam:fas:';
const AC = 'urn:oasis:names:tc:SAML:2.0:ac:classes:';

interface UriRow {
  readonly uri: string;
  readonly framework: LoaFramework;
  readonly rungs: readonly LoaRung[];
  /** the URI we answer with for each of its rungs (first in its cell of the design table) */
  readonly answersFor: readonly LoaRung[];
}

// One row per URI. `answersFor` says which rungs this URI is the canonical answer for.
const URI_TABLE: readonly UriRow[] = [
  { uri: `${EIDAS}low`, framework: 'eidas', rungs: ['2', '2+'], answersFor: ['2', '2+'] },
  { uri: `${EIDAS}substantial`, framework: 'eidas', rungs: ['3'], answersFor: ['3'] },
  { uri: `${EIDAS}high`, framework: 'eidas', rungs: ['4'], answersFor: ['4'] },
  { uri: `${EH}loa1`, framework: 'eherkenning', rungs: ['1'], answersFor: ['1'] },
  { uri: `${EH}loa2`, framework: 'eherkenning', rungs: ['2'], answersFor: ['2'] },
  { uri: `${EH}loa2plus`, framework: 'eherkenning', rungs: ['2+'], answersFor: ['2+'] },
  { uri: `${EH}loa3`, framework: 'eherkenning', rungs: ['3'], answersFor: ['3'] },
  { uri: `${EH}loa4`, framework: 'eherkenning', rungs: ['4'], answersFor: ['4'] },
  { uri: `${FAS}Level100`, framework: 'fas', rungs: ['1'], answersFor: ['1'] },
  { uri: `${FAS}Level200`, framework: 'fas', rungs: ['2'], answersFor: ['2'] },
  { uri: `${FAS}Level400`, framework: 'fas', rungs: ['3'], answersFor: ['3'] },
  { uri: `${FAS}Level500`, framework: 'fas', rungs: ['4'], answersFor: ['4'] },
  { uri: `${FAS}Level450`, framework: 'fas', rungs: ['4'], answersFor: [] },
  { uri: `${AC}unspecified`, framework: 'saml', rungs: ['1'], answersFor: ['1'] },
  { uri: `${AC}PasswordProtectedTransport`, framework: 'saml', rungs: ['2'], answersFor: ['2'] },
  { uri: `${AC}MobileTwoFactorContract`, framework: 'saml', rungs: ['2+'], answersFor: ['2+'] },
  { uri: `${AC}TimeSyncToken`, framework: 'saml', rungs: ['2+'], answersFor: [] },
  { uri: `${AC}Smartcard`, framework: 'saml', rungs: ['3'], answersFor: ['3'] },
  { uri: `${AC}SmartcardPKI`, framework: 'saml', rungs: ['4'], answersFor: ['4'] },
];

const BY_URI = new Map(URI_TABLE.map((row) => [row.uri, row]));

export const NOT_NOTIFIED_PREFIX = 'http://eidas.europa.eu/NotNotified/LoA/';

export function isKnownLoaUri(uri: string): boolean {
  return BY_URI.has(uri);
}

export function frameworkOfUri(uri: string): LoaFramework | undefined {
  return BY_URI.get(uri)?.framework;
}

/** The set of rungs a list of requested URIs stands for (the union); unknown URIs add nothing. */
export function rungsForUris(uris: readonly string[]): Set<LoaRung> {
  const set = new Set<LoaRung>();
  for (const uri of uris) for (const rung of BY_URI.get(uri)?.rungs ?? []) set.add(rung);
  return set;
}

/** An upstream's returned LoA maps to the lowest rung of its set (foreign `low` = rung 2). */
export function lowestRungForUri(uri: string): LoaRung | undefined {
  const rungs = BY_URI.get(uri)?.rungs;
  if (!rungs || rungs.length === 0) return undefined;
  return [...rungs].sort((a, b) => rungIndex(a) - rungIndex(b))[0];
}

export interface RequestedLoa {
  /** rungs the requested URIs stand for; empty means "no RequestedAuthnContext": use `policyMinimum` */
  readonly rungs: readonly LoaRung[];
  readonly comparison: AuthnContextComparison;
  /** the framework of the first requested URI that has one, if any */
  readonly framework?: LoaFramework;
  /** requested URIs outside the ladder (eIDAS non-notified): they match only exactly */
  readonly exactOnlyUris: readonly string[];
  readonly policyMinimum: LoaRung;
}

/** Whether reaching `reached` satisfies the request (design.md "Comparison"). */
export function satisfies(reached: LoaRung, req: RequestedLoa): boolean {
  if (req.rungs.length === 0) {
    if (req.exactOnlyUris.length > 0) return false;
    return rungAtLeast(reached, req.policyMinimum);
  }
  const idx = req.rungs.map(rungIndex);
  const r = rungIndex(reached);
  const min = Math.min(...idx);
  const max = Math.max(...idx);
  // The SP's policy minimum always holds, whatever the request says.
  if (r < rungIndex(req.policyMinimum)) return false;
  switch (req.comparison) {
    case 'exact':
      return idx.includes(r);
    case 'minimum':
      return r >= min;
    case 'better':
      return r > max;
    case 'maximum':
      return r <= max;
  }
}

/** The lowest rung that satisfies the request, or undefined when none can. */
export function lowestSatisfyingRung(req: RequestedLoa): LoaRung | undefined {
  return LOA_RUNGS.find((rung) => satisfies(rung, req));
}

/** The URI stating `rung` in `framework`, or undefined when that framework has none (eIDAS rung 1). */
export function uriForRung(rung: LoaRung, framework: LoaFramework): string | undefined {
  return URI_TABLE.find((row) => row.framework === framework && row.answersFor.includes(rung))?.uri;
}

/**
 * The answer URI: the reached rung in the request's framework, else the SP policy's framework,
 * else eIDAS, else the generic SAML class (every rung has one there).
 */
export function answerUri(rung: LoaRung, requestFramework: LoaFramework | undefined, policyFramework: LoaFramework): string {
  for (const fw of [requestFramework, policyFramework, 'eidas' as const, 'saml' as const]) {
    if (!fw) continue;
    const uri = uriForRung(rung, fw);
    if (uri) return uri;
  }
  throw new TypeError(`no URI for rung ${rung}`);
}

/** Every URI we can state for the rungs the broker can reach (metadata entity attribute). */
export function urisForRungs(rungs: Iterable<LoaRung>): string[] {
  const wanted = new Set(rungs);
  return URI_TABLE.filter((row) => row.answersFor.some((r) => wanted.has(r))).map((row) => row.uri);
}

/**
 * The rung to assert for a login that reached `cap`: the highest rung at or below it that
 * satisfies the request (stating less than was reached is always true; `exact` and `maximum`
 * requests need it), or undefined when none does.
 */
export function assertableRung(cap: LoaRung, req: RequestedLoa): LoaRung | undefined {
  for (let i = rungIndex(cap); i >= 0; i--) {
    const rung = LOA_RUNGS[i]!;
    if (satisfies(rung, req)) return rung;
  }
  return undefined;
}
