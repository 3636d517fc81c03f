// The NameID an SP receives: persistent = a stable pairwise pseudonym per SP, issued once and
// kept in the database (so rotating the secret never changes an existing pseudonym); transient =
// random per assertion; unspecified = the persistent value.
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.js';
import type { DbSchema } from '../store/schema.js';
import { getOrCreatePseudonym } from '../store/pseudonyms.js';
import { derivePairwisePseudonym, randomTransientId } from '../saml/pseudonym.js';
import type { NameIDFormat } from './login-transaction.js';
import { NAMEID_FORMAT } from '../saml/namespaces.js';

export const NAMEID_FORMAT_URI: Record<NameIDFormat, string> = {
  persistent: NAMEID_FORMAT.persistent,
  transient: NAMEID_FORMAT.transient,
  unspecified: NAMEID_FORMAT.unspecified,
};

export function nameIDFormatOf(uri: string | undefined): NameIDFormat | undefined {
  if (uri === undefined) return 'persistent';
  return (Object.keys(NAMEID_FORMAT_URI) as NameIDFormat[]).find((f) => NAMEID_FORMAT_URI[f] === uri);
}

export interface NameIDIssuer {
  nameIDFor(format: NameIDFormat, personId: string, spEntityID: string): Promise<{ format: string; value: string }>;
}

/**
 * Issued pseudonyms never change, so each node keeps the ones it has seen in memory: an SSO
 * round trip then costs no database statement for its NameID.
 */
export function createNameIDIssuer(db: Kysely<DbSchema>, cfg: Config): NameIDIssuer {
  const secrets = cfg.keys.pseudonymSecrets;
  const current = Math.max(...secrets.map((s) => s.version));
  const issued = new LRUCache<string, string>({ max: 200_000 });
  return {
    async nameIDFor(format, personId, spEntityID) {
      if (format === 'transient') return { format: NAMEID_FORMAT_URI.transient, value: randomTransientId() };
      const key = `${personId} ${spEntityID}`;
      let value = issued.get(key);
      if (value === undefined) {
        value = await getOrCreatePseudonym(
          db,
          personId,
          spEntityID,
          (version) => {
            const secret = secrets.find((s) => s.version === version);
            if (!secret) throw new TypeError(`no pseudonym secret of version ${version}`);
            return derivePairwisePseudonym(secret.secret, version, spEntityID, personId);
          },
          current,
        );
        issued.set(key, value);
      }
      return { format: NAMEID_FORMAT_URI[format], value };
    },
  };
}
