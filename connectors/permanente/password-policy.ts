// Cl@ve Permanente password policy. The history rule ("not the previous password") needs argon2
// verification and is checked by the caller, but its code lives here so that every refusal can be
// reported in one list.

export type ClassRule = 'each' | 'three';

export interface PasswordPolicyOptions {
  readonly minLength: number;
  readonly maxLength: number;
  /** The seed text says both "each group" and "at least three groups"; the deployment decides. */
  readonly classRule: ClassRule;
  /** From this many characters on, a sentence is as strong as a short complex password. */
  readonly noClassRuleFrom: number;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicyOptions = {
  minLength: 8,
  maxLength: 128,
  classRule: 'each',
  noClassRuleFrom: 16,
};

export interface PersonalData {
  readonly givenName: string;
  readonly firstSurname: string;
  readonly secondSurname: string | null;
  readonly documentNumber: string | null;
}

/** Every violation, in the order they are reported. */
export const PASSWORD_VIOLATIONS = [
  'too-short',
  'too-long',
  'invalid-character',
  'needs-lower',
  'needs-upper',
  'needs-digit',
  'needs-special',
  'needs-three-classes',
  'contains-name',
  'contains-surname',
  'contains-document',
  'same-as-previous',
] as const;

export type PasswordViolation = (typeof PASSWORD_VIOLATIONS)[number];

// Spanish keyboards produce these directly; the rules name them as letters.
const LOWER = 'abcdefghijklmnopqrstuvwxyzñçáéíóúàèìòùäëïöüâêîôû';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
export const SPECIAL_CHARACTERS = '!$?%&#@/\\()=¿¡*[];,:._<>+-';

type Group = 'lower' | 'upper' | 'digit' | 'special';

function groupOf(ch: string): Group | null {
  if (LOWER.includes(ch)) return 'lower';
  if (UPPER.includes(ch)) return 'upper';
  if (DIGITS.includes(ch)) return 'digit';
  if (SPECIAL_CHARACTERS.includes(ch)) return 'special';
  return null;
}

const CONTROL = /^[\u0000-\u001F\u007F-\u009F]$/u;

// Shorter fragments ("de", "y", a lone digit) would forbid half of all passwords.
const MIN_FRAGMENT = 3;

/** "José" and "JOSE", "Español" and "espanol" must meet. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function nameWords(name: string | null): string[] {
  if (!name) return [];
  return fold(name)
    .split(/[\s\p{Pd}'’]+/u)
    .filter((w) => [...w].length >= MIN_FRAGMENT);
}

// A password often hides the DNI/NIE number without its letter, so the digits count on their own.
function documentFragments(documentNumber: string | null): string[] {
  if (!documentNumber) return [];
  const whole = fold(documentNumber).replace(/[^\p{L}\p{N}]/gu, '');
  return [whole, ...(whole.match(/[0-9]+/g) ?? [])].filter((f) => f.length >= MIN_FRAGMENT);
}

export function checkPasswordPolicy(
  password: string,
  person: PersonalData,
  opts: PasswordPolicyOptions = DEFAULT_PASSWORD_POLICY,
): PasswordViolation[] {
  const found = new Set<PasswordViolation>();
  // Some keyboards send "ñ" as "n" plus a combining tilde; the user typed one letter, not two.
  const chars = [...password.normalize('NFC')];

  if (chars.length < opts.minLength) found.add('too-short');
  if (chars.length > opts.maxLength) found.add('too-long');

  const classRuleApplies = chars.length < opts.noClassRuleFrom;
  const groups = new Set<Group>();
  for (const ch of chars) {
    const group = groupOf(ch);
    if (group) groups.add(group);
    else if (classRuleApplies || CONTROL.test(ch)) found.add('invalid-character');
  }

  if (classRuleApplies) {
    if (opts.classRule === 'three') {
      if (groups.size < 3) found.add('needs-three-classes');
    } else {
      if (!groups.has('lower')) found.add('needs-lower');
      if (!groups.has('upper')) found.add('needs-upper');
      if (!groups.has('digit')) found.add('needs-digit');
      if (!groups.has('special')) found.add('needs-special');
    }
  }

  const folded = fold(password);
  const contains = (fragments: string[]): boolean => fragments.some((f) => folded.includes(f));
  if (contains(nameWords(person.givenName))) found.add('contains-name');
  if (contains([...nameWords(person.firstSurname), ...nameWords(person.secondSurname)])) found.add('contains-surname');
  if (contains(documentFragments(person.documentNumber))) found.add('contains-document');

  return PASSWORD_VIOLATIONS.filter((v) => found.has(v));
}
