// Staff roles (issue 9): a registrar registers persons at an office, an interviewer runs video
// identifications, an official reviews them for the advanced level. The operator grants and
// revokes them (operator token API, `pasarela staff`); a role is held at most once at a time,
// which the database enforces, and every change is audited with the operator as actor. Roles are
// read at every console request, so a revocation holds at the next click, not the next login.
import type { Kysely } from 'kysely';
import type { DbSchema } from '../../store/schema.js';
import type { AuditLog } from '../../store/audit-log.js';
import type { IdentityRegistry } from '../registry.js';
import { isValidDocument, normaliseDocument } from '../documents.js';
import type { StaffRoleRow } from './schema.js';

export const STAFF_ROLES = ['registrar', 'interviewer', 'official'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export function isStaffRole(v: unknown): v is StaffRole {
  return typeof v === 'string' && (STAFF_ROLES as readonly string[]).includes(v);
}

/** Who changes roles: the operator token API or the command on the database. */
export type RoleGrantor = 'operator' | 'operator-cli';

export interface StaffGrant {
  readonly documentNumber: string;
  readonly role: StaffRole;
  readonly grantedBy: string;
  readonly grantedAt: Date;
  readonly revokedBy: string | null;
  readonly revokedAt: Date | null;
}

export type StaffErrorCode = 'invalid-document' | 'not-found' | 'inactive' | 'already-granted' | 'not-granted';

export class StaffError extends Error {
  override name = 'StaffError';
  constructor(readonly code: StaffErrorCode, message: string) {
    super(message);
  }
}

export interface StaffRegistry {
  grant(documentNumber: string, role: StaffRole, by: RoleGrantor, ip?: string): Promise<StaffGrant>;
  revoke(documentNumber: string, role: StaffRole, by: RoleGrantor, ip?: string): Promise<StaffGrant>;
  /** roles held now, or also the revoked ones (`history`); one person's or everybody's */
  list(opts?: { documentNumber?: string; history?: boolean }): Promise<StaffGrant[]>;
  /** the roles a person holds now: none while the person is not active (the consoles' check at each request) */
  rolesOf(personId: string): Promise<StaffRole[]>;
}

export interface StaffRegistryDeps {
  readonly db: Kysely<DbSchema>;
  readonly identity: IdentityRegistry;
  readonly audit: AuditLog;
  readonly now: () => Date;
}

export function createStaffRegistry(deps: StaffRegistryDeps): StaffRegistry {
  const { db, audit, now } = deps;

  async function personOf(raw: string) {
    if (!isValidDocument(raw)) throw new StaffError('invalid-document', `"${raw}" is not a valid DNI or NIE`);
    const person = await deps.identity.findByDocument(raw);
    if (!person) throw new StaffError('not-found', `no person with document ${normaliseDocument(raw)} is registered`);
    return person;
  }
  const grantOf = (documentNumber: string, r: StaffRoleRow): StaffGrant => ({
    documentNumber,
    role: r.role,
    grantedBy: r.granted_by,
    grantedAt: r.granted_at,
    revokedBy: r.revoked_by,
    revokedAt: r.revoked_at,
  });

  return {
    async grant(documentNumber, role, by, ip) {
      const person = await personOf(documentNumber);
      if (person.status !== 'active') throw new StaffError('inactive', `the person is ${person.status}: no staff role can be granted`);
      let row: StaffRoleRow | undefined;
      try {
        row = await db.insertInto('staff_roles').values({ person_id: person.id, role, granted_by: by, granted_at: now() }).returningAll().executeTakeFirstOrThrow();
      } catch (err) {
        // the partial unique index: the role is held already (also when a concurrent grant won)
        if ((err as { code?: string }).code === '23505') throw new StaffError('already-granted', `${person.documentNumber} already holds the role ${role}`);
        throw err;
      }
      await audit.record({ actor: by, action: 'staff.role.granted', subject: person.id, ip, detail: { role } });
      return grantOf(person.documentNumber!, row);
    },

    async revoke(documentNumber, role, by, ip) {
      const person = await personOf(documentNumber);
      const row = await db
        .updateTable('staff_roles')
        .set({ revoked_by: by, revoked_at: now() })
        .where('person_id', '=', person.id)
        .where('role', '=', role)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new StaffError('not-granted', `${person.documentNumber} does not hold the role ${role}`);
      await audit.record({ actor: by, action: 'staff.role.revoked', subject: person.id, ip, detail: { role } });
      return grantOf(person.documentNumber!, row);
    },

    async list(opts = {}) {
      let q = db
        .selectFrom('staff_roles')
        .innerJoin('persons', 'persons.id', 'staff_roles.person_id')
        .selectAll('staff_roles')
        .select('persons.document_number')
        .orderBy('persons.document_number')
        .orderBy('staff_roles.granted_at');
      if (opts.documentNumber !== undefined) q = q.where('persons.id', '=', (await personOf(opts.documentNumber)).id);
      if (!opts.history) q = q.where('staff_roles.revoked_at', 'is', null);
      return (await q.execute()).map((r) => grantOf(r.document_number ?? '', r));
    },

    async rolesOf(personId) {
      // Only an active person holds a role: a suspension (or a renunciation) closes the consoles at
      // the next click, like a revocation, without the operator revoking each role first.
      const rows = await db
        .selectFrom('staff_roles')
        .innerJoin('persons', 'persons.id', 'staff_roles.person_id')
        .select('staff_roles.role')
        .where('staff_roles.person_id', '=', personId)
        .where('staff_roles.revoked_at', 'is', null)
        .where('persons.status', '=', 'active')
        .execute();
      return rows.map((r) => r.role);
    },
  };
}
