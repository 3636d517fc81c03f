// Exports of an organisation's members and mandates as CSV or XLSX (seed 004 §2.1), downloaded as
// attachments named after the organisation's identifier and the day.
import { z } from 'zod';
import { defineRoute, type FileReply } from '../route.js';
import { organisationIdParams } from '../schemas.js';
import { dayOf } from '../../../mandates/dates.js';
import { toCsv } from '../../export/csv.js';
import { toXlsx } from '../../export/xlsx.js';
import { mandatesTable, membersTable } from '../../export/tables.js';
import type { ExportTable } from '../../export/cells.js';
import type { Organisation } from '../../../mandates/model.js';

const CSV = 'text/csv; charset=utf-8';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const formatQuery = z.object({ format: z.enum(['csv', 'xlsx']).default('csv') });

async function fileOf(table: ExportTable, what: string, format: 'csv' | 'xlsx', organisation: Organisation, today: string): Promise<FileReply> {
  const filename = `${what}-${organisation.identifier.value.replace(/[^A-Za-z0-9]/g, '')}-${today}.${format}`;
  return format === 'csv' ? { kind: 'file', mediaType: CSV, filename, bytes: toCsv(table) } : { kind: 'file', mediaType: XLSX, filename, bytes: await toXlsx(table, what) };
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
];
