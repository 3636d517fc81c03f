// Which organisations a person may act for at login (design.md "Data through one login" step 5,
// issue 7 "At login"): read-only queries over the tables of migration 0003. The registry
// (registry.ts) writes those tables under its rules; here only what holds *now* counts, so a
// revocation or an end date takes effect at the next login without any cache to clear.
//
// Days are days in mandates.timeZone, and an end date is the first day a mandate, chain mandate
// or membership no longer holds (migration 0003).
import type { Kysely, Selectable } from 'kysely';
import type { DbSchema, ServicesTable } from '../store/schema.js';
import { rungAtLeast, type LoaRung } from '../loa.js';
import type { OrganisationIdentifierType, RepresentationChoice, Service } from './model.js';
import { dayOf } from './dates.js';

/** What the login's representation step needs of the service, resolved when the login opens. */
export type LoginService = Pick<Service, 'id' | 'serviceId' | 'serviceUuid' | 'names' | 'minRung' | 'representation' | 'acceptsChain'>;

export interface Representations {
  /**
   * The catalogue entry the SP's AttributeConsumingServiceIndex selects; an absent or unknown
   * index (Keycloak always sends 0) means the SP's default service; null when the SP has none,
   * which turns representation off for it.
   */
  serviceFor(spEntityID: string, attributeConsumingServiceIndex: number | undefined): Promise<LoginService | null>;
  /** every way the person may act, valid now for this service at this rung: direct first, then chain, by organisation name */
  choicesFor(input: { personId: string; service: LoginService; rung: LoaRung; now: Date }): Promise<RepresentationChoice[]>;
  /** records that a mandate was used to log in (the management pages show it) */
  markUsed(mandateId: string, now: Date): Promise<void>;
}

export interface RepresentationsConfig {
  readonly timeZone: string;
  /** rung the acting member of an intermediary must reach for chain mandates */
  readonly chainMinimumRung: LoaRung;
}

function toLoginService(row: Selectable<ServicesTable>): LoginService {
  return {
    id: row.id,
    serviceId: row.service_id,
    serviceUuid: row.service_uuid,
    names: { nl: row.name_nl, en: row.name_en, es: row.name_es },
    minRung: row.min_rung,
    representation: row.representation,
    acceptsChain: row.accepts_chain,
  };
}

/** A scope reaches the service when it names it, or is a general authority at or above its rung. */
function scopeCovers(scope: { serviceId: string | null; generalRung: LoaRung | null }, service: LoginService): boolean {
  if (scope.serviceId !== null) return scope.serviceId === service.id;
  return scope.generalRung !== null && rungAtLeast(scope.generalRung, service.minRung);
}

type Party = RepresentationChoice['organisation'];

function party(id: string, type: OrganisationIdentifierType, value: string, name: string): Party {
  return { id, identifier: { type, value }, name };
}

function byName(a: RepresentationChoice, b: RepresentationChoice): number {
  return a.organisation.name.localeCompare(b.organisation.name) || (a.intermediary?.name ?? '').localeCompare(b.intermediary?.name ?? '');
}

/** One choice per organisation, intermediary and branch: a service mandate and a general authority for the same party are one way to act. */
function distinct(choices: RepresentationChoice[]): RepresentationChoice[] {
  const seen = new Set<string>();
  return choices.filter((c) => {
    const k = `${c.organisation.id} ${c.intermediary?.id ?? ''} ${c.branch?.branchNumber ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function createRepresentations(db: Kysely<DbSchema>, cfg: RepresentationsConfig): Representations {
  return {
    async serviceFor(spEntityID, index) {
      const rows = await db
        .selectFrom('services')
        .selectAll()
        .where('sp_entity_id', '=', spEntityID)
        .where((eb) => (index === undefined ? eb('is_default', '=', true) : eb.or([eb('is_default', '=', true), eb('acs_index', '=', index)])))
        .execute();
      const chosen = (index !== undefined ? rows.find((r) => r.acs_index === index) : undefined) ?? rows.find((r) => r.is_default);
      return chosen ? toLoginService(chosen) : null;
    },

    async choicesFor({ personId, service, rung, now }) {
      if (service.representation === 'none' || !rungAtLeast(rung, service.minRung)) return [];
      const today = dayOf(now, cfg.timeZone);

      // The person's own mandates, open today, from an active membership of an active organisation.
      const mandates = await db
        .selectFrom('mandates as m')
        .innerJoin('members as mb', (j) => j.onRef('mb.id', '=', 'm.member_id').onRef('mb.organisation_id', '=', 'm.organisation_id'))
        .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
        .leftJoin('organisation_branches as br', (j) => j.onRef('br.id', '=', 'm.branch_id').onRef('br.organisation_id', '=', 'm.organisation_id'))
        .select([
          'm.id as mandateId',
          'm.service_id as serviceId',
          'm.general_authority_rung as generalRung',
          'mb.level as level',
          'o.id as orgId',
          'o.identifier_type as orgType',
          'o.identifier as orgIdentifier',
          'o.name as orgName',
          'br.branch_number as branchNumber',
          'br.name as branchName',
        ])
        .where('mb.person_id', '=', personId)
        .where('mb.status', '=', 'active')
        .where('mb.activated_at', 'is not', null)
        .where((eb) => eb.or([eb('mb.end_date', 'is', null), eb('mb.end_date', '>', today)]))
        .where('o.status', '=', 'active')
        .where('m.revoked_at', 'is', null)
        .where('m.start_date', '<=', today)
        .where('m.end_date', '>', today)
        .where((eb) => eb.or([eb('m.service_id', '=', service.id), eb('m.general_authority_rung', 'is not', null)]))
        .orderBy('m.service_id', 'asc') // service mandates before general authorities (nulls last)
        .execute();
      const usable = mandates.filter((m) => rungAtLeast(rung, m.level) && scopeCovers(m, service));

      const direct: RepresentationChoice[] = usable.map((m) => ({
        key: `m:${m.mandateId}`,
        kind: 'direct',
        organisation: party(m.orgId, m.orgType, m.orgIdentifier, m.orgName),
        intermediary: null,
        branch: m.branchNumber !== null && m.branchName !== null ? { branchNumber: m.branchNumber, name: m.branchName } : null,
        mandateId: m.mandateId,
        chainMandateId: null,
      }));

      const chain: RepresentationChoice[] = [];
      const chainPossible = service.acceptsChain && rungAtLeast(rung, cfg.chainMinimumRung);
      const intermediaryIds = [...new Set(usable.map((m) => m.orgId))];
      if (chainPossible && intermediaryIds.length > 0) {
        // Clients that gave one of the person's organisations an open chain mandate for the service.
        const links = await db
          .selectFrom('chain_mandates as c')
          .innerJoin('organisations as client', 'client.id', 'c.client_organisation_id')
          .leftJoin('organisation_branches as br', (j) => j.onRef('br.id', '=', 'c.branch_id').onRef('br.organisation_id', '=', 'c.client_organisation_id'))
          .select([
            'c.id as chainMandateId',
            'c.intermediary_organisation_id as intermediaryId',
            'c.service_id as serviceId',
            'c.general_authority_rung as generalRung',
            'client.id as orgId',
            'client.identifier_type as orgType',
            'client.identifier as orgIdentifier',
            'client.name as orgName',
            'br.branch_number as branchNumber',
            'br.name as branchName',
          ])
          .where('c.intermediary_organisation_id', 'in', intermediaryIds)
          .where('client.status', '=', 'active')
          .where('c.revoked_at', 'is', null)
          .where('c.start_date', '<=', today)
          .where('c.end_date', '>', today)
          .where((eb) => eb.or([eb('c.service_id', '=', service.id), eb('c.general_authority_rung', 'is not', null)]))
          .orderBy('c.service_id', 'asc')
          .execute();
        for (const link of links.filter((l) => scopeCovers(l, service))) {
          for (const m of usable.filter((u) => u.orgId === link.intermediaryId)) {
            chain.push({
              key: `c:${link.chainMandateId}:${m.mandateId}`,
              kind: 'chain',
              organisation: party(link.orgId, link.orgType, link.orgIdentifier, link.orgName),
              intermediary: party(m.orgId, m.orgType, m.orgIdentifier, m.orgName),
              branch: link.branchNumber !== null && link.branchName !== null ? { branchNumber: link.branchNumber, name: link.branchName } : null,
              mandateId: m.mandateId,
              chainMandateId: link.chainMandateId,
            });
          }
        }
      }
      return [...distinct(direct).sort(byName), ...distinct(chain).sort(byName)];
    },

    async markUsed(mandateId, now) {
      await db.updateTable('mandates').set({ last_used_at: now }).where('id', '=', mandateId).execute();
    },
  };
}
