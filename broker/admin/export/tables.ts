// The exported tables with the columns seed 004 §2.1 lists. Members: ID, Name, E-mail address,
// Role, Status, Activation end date, Level, Second factor (SMS and the membership's contact mobile
// when known). Mandates: Service, Member, Level, Start, End, Ending soon. Chain mandates (given or
// received, as the chain pages list them): the other organisation, its identifier, Service, Start,
// End, Ending soon. One's login history: Time (UTC), Service, Method, Level, Outcome, IP address.
import type { ChainMandate, Member, MandateScope, Organisation, Service, ServiceMandates } from '../../mandates/model.js';
import type { LoginHistoryEntry } from '../login-history.js';
import { dayOf } from '../../mandates/dates.js';
import type { ExportTable } from './cells.js';

export const MEMBER_COLUMNS = ['ID', 'Name', 'E-mail address', 'Role', 'Status', 'Activation end date', 'Level', 'Second factor'] as const;
export const MANDATE_COLUMNS = ['Service', 'Member', 'Level', 'Start', 'End', 'Ending soon'] as const;
export const CHAIN_MANDATE_COLUMNS = { given: ['Intermediary', 'Intermediary identifier', 'Service', 'Start', 'End', 'Ending soon'], received: ['Client', 'Client identifier', 'Service', 'Start', 'End', 'Ending soon'] } as const;
export const LOGIN_HISTORY_COLUMNS = ['Time (UTC)', 'Service', 'Method', 'Level', 'Outcome', 'IP address'] as const;

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

const scopeName = (scope: MandateScope, service: Service | null | undefined) => (scope.kind === 'general' ? `General authority (up to level ${scope.rung})` : (service?.names.en ?? scope.serviceId));

export function mandatesTable(groups: readonly ServiceMandates[]): ExportTable {
  const rows: string[][] = [];
  for (const group of groups) {
    const service = scopeName(group.scope, group.service);
    for (const m of group.mandates) rows.push([service, nameOf(m.member), m.member.level, m.startDate, m.endDate, m.endingSoon ? 'yes' : 'no']);
  }
  return { columns: MANDATE_COLUMNS, rows };
}

/** chain mandates per other organisation: the intermediaries given to, or the clients received from */
export function chainMandatesTable(direction: 'given' | 'received', groups: readonly { organisation: Organisation; chainMandates: readonly ChainMandate[] }[], services: ReadonlyMap<string, Service>): ExportTable {
  const rows: string[][] = [];
  for (const { organisation, chainMandates } of groups) {
    for (const c of chainMandates) {
      const service = scopeName(c.scope, c.scope.kind === 'service' ? services.get(c.scope.serviceId) : null);
      rows.push([organisation.name, `${organisation.identifier.type} ${organisation.identifier.value}`, service, c.startDate, c.endDate, c.endingSoon ? 'yes' : 'no']);
    }
  }
  return { columns: CHAIN_MANDATE_COLUMNS[direction], rows };
}

/** the service by the display name its SP policy gives; method and outcome as recorded (codes, like role and status above) */
export function loginHistoryTable(entries: readonly LoginHistoryEntry[], displayName: (spEntityID: string) => string): ExportTable {
  return {
    columns: LOGIN_HISTORY_COLUMNS,
    rows: entries.map((e) => [e.at.toISOString(), displayName(e.spEntityID), e.method, e.loa, e.outcome, e.ip ?? '']),
  };
}
