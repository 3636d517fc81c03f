// How a membership change names what it concerns in the audit log: the person once the membership
// is bound to one (so it shows on their own activity page), the membership before that.
import type { MemberRow } from './rows.js';

export function auditSubject(m: MemberRow): string {
  return m.person_id ?? `member:${m.id}`;
}

export function auditDetail(m: MemberRow, extra: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  return { organisationId: m.organisation_id, memberId: m.id, ...extra };
}
