// Exports of an organisation's members, mandates and chain mandates (given, received) as CSV or
// XLSX (seed 004 §2.1: every overview), downloaded as attachments named after the organisation's
// identifier and the day; and one's own login history, named after the day.
import { z } from 'zod';
import { defineRoute, type FileReply } from '../route.js';
import { organisationIdParams } from '../schemas.js';
import { dayOf } from '../../../mandates/dates.js';
import { toCsv } from '../../export/csv.js';
import { toXlsx } from '../../export/xlsx.js';
import { chainMandatesTable, loginHistoryTable, mandatesTable, membersTable } from '../../export/tables.js';
import { readLoginHistory } from '../../login-history.js';
import type { ExportTable } from '../../export/cells.js';
import type { Organisation } from '../../../mandates/model.js';

const CSV = 'text/csv; charset=utf-8';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const formatQuery = z.object({ format: z.enum(['csv', 'xlsx']).default('csv') });

/** the most logins one export holds: the history is kept for a limited time, this bounds the work of one request */
const LOGIN_HISTORY_EXPORT_LIMIT = 10_000;

async function fileOf(table: ExportTable, what: string, format: 'csv' | 'xlsx', organisation: Organisation | null, today: string): Promise<FileReply> {
  const filename = `${what}-${organisation ? `${organisation.identifier.value.replace(/[^A-Za-z0-9]/g, '')}-` : ''}${today}.${format}`;
  return format === 'csv' ? { kind: 'file', mediaType: CSV, filename, bytes: toCsv(table) } : { kind: 'file', mediaType: XLSX, filename, bytes: await toXlsx(table, what) };
}

function chainMandatesExport(direction: 'given' | 'received') {
  return defineRoute({
    method: 'get',
    path: `/organisations/:organisationId/exports/chain-mandates/${direction}`,
    tag: 'exports',
    access: 'session',
    summary: `the chain mandates this organisation ${direction === 'given' ? 'gave, per intermediary' : 'received, per client'}, as CSV (UTF-8 with BOM) or XLSX`,
    params: organisationIdParams,
    query: formatQuery,
    response: { kind: 'file', mediaTypes: [CSV, XLSX] },
    handle: async ({ registry, actor, params, query, services }) => {
      const organisation = await registry.getOrganisation(actor, params.organisationId);
      const groups =
        direction === 'given'
          ? (await registry.listChainMandatesGiven(actor, params.organisationId)).map((g) => ({ organisation: g.intermediary, chainMandates: g.chainMandates }))
          : (await registry.listChainMandatesReceived(actor, params.organisationId)).map((g) => ({ organisation: g.client, chainMandates: g.chainMandates }));
      const servicesById = new Map((await registry.listServices()).map((s) => [s.id, s]));
      return fileOf(chainMandatesTable(direction, groups, servicesById), `chain-mandates-${direction}`, query.format, organisation, dayOf(services.now(), services.config.mandates.timeZone));
    },
  });
}

export const exportRoutes = [
  defineRoute({
    method: 'get',
    path: '/organisations/:organisationId/exports/members',
    tag: 'exports',
    access: 'session',
    summary: 'the members as CSV (UTF-8 with BOM) or XLSX',
    params: organisationIdParams,
    query: formatQuery,
    response: { kind: 'file', mediaTypes: [CSV, XLSX] },
    handle: async ({ registry, actor, params, query, services }) => {
      const organisation = await registry.getOrganisation(actor, params.organisationId);
      const members = await registry.listMembers(actor, params.organisationId);
      return fileOf(membersTable(members, services.config.mandates.timeZone), 'members', query.format, organisation, dayOf(services.now(), services.config.mandates.timeZone));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/organisations/:organisationId/exports/mandates',
    tag: 'exports',
    access: 'session',
    summary: 'the mandates as CSV (UTF-8 with BOM) or XLSX',
    params: organisationIdParams,
    query: formatQuery,
    response: { kind: 'file', mediaTypes: [CSV, XLSX] },
    handle: async ({ registry, actor, params, query, services }) => {
      const organisation = await registry.getOrganisation(actor, params.organisationId);
      const groups = await registry.listMandates(actor, params.organisationId);
      return fileOf(mandatesTable(groups), 'mandates', query.format, organisation, dayOf(services.now(), services.config.mandates.timeZone));
    },
  }),
  chainMandatesExport('given'),
  chainMandatesExport('received'),
  defineRoute({
    method: 'get',
    path: '/me/exports/login-history',
    tag: 'exports',
    access: 'session',
    summary: `my logins through the broker, newest first (at most ${LOGIN_HISTORY_EXPORT_LIMIT}), as CSV (UTF-8 with BOM) or XLSX`,
    query: formatQuery,
    response: { kind: 'file', mediaTypes: [CSV, XLSX] },
    handle: async ({ services, login, query }) => {
      const entries = await readLoginHistory(services, login!.personId, { limit: LOGIN_HISTORY_EXPORT_LIMIT, offset: 0 });
      const displayName = (entityID: string) => services.config.sps.policies[entityID]?.displayName ?? entityID;
      return fileOf(loginHistoryTable(entries, displayName), 'login-history', query.format, null, dayOf(services.now(), services.config.mandates.timeZone));
    },
  }),
];
