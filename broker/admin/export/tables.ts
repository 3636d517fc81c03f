// The exported tables with the columns seed 004 §2.1 lists. Members: ID, Name, E-mail address,
// Role, Status, Activation end date, Level, Second factor (SMS and the membership's contact mobile
// when known). Mandates: Service, Member, Level, Start, End, Ending soon.
import type { Member, ServiceMandates } from '../../mandates/model.js';
import { dayOf } from '../../mandates/dates.js';
import type { ExportTable } from './cells.js';

export const MEMBER_COLUMNS = ['ID', 'Name', 'E-mail address', 'Role', 'Status', 'Activation end date', 'Level', 'Second factor'] as const;
export const MANDATE_COLUMNS = ['Service', 'Member', 'Level', 'Start', 'End', 'Ending soon'] as const;

const nameOf = (m: Pick<Member, 'givenName' | 'surname'>) => `${m.givenName} ${m.surname}`.trim();

export function membersTable(members: readonly Member[], timeZone: string): ExportTable {
  return {
    columns: MEMBER_COLUMNS,
    rows: members.map((m) => [
      m.id,
      nameOf(m),
      m.contactEmail,
      m.role,
      m.status,
      m.activationDeadline ? dayOf(m.activationDeadline, timeZone) : '',
      m.level,
      m.contactMobile ? `SMS ${m.contactMobile}` : '',
    ]),
  };
}

export function mandatesTable(groups: readonly ServiceMandates[]): ExportTable {
  const rows: string[][] = [];
  for (const group of groups) {
    const service = group.scope.kind === 'general' ? `General authority (up to level ${group.scope.rung})` : (group.service?.names.en ?? group.scope.serviceId);
    for (const m of group.mandates) rows.push([service, nameOf(m.member), m.member.level, m.startDate, m.endDate, m.endingSoon ? 'yes' : 'no']);
  }
  return { columns: MANDATE_COLUMNS, rows };
}
