// The NameID an SP receives: persistent = a stable pairwise pseudonym per SP, issued once and
// kept in the database (so rotating the secret never changes an existing pseudonym); transient =
// random per assertion; unspecified = the persistent value.
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { DbSchema } from '../store/schema.js';
import { getOrCreatePseudonym } from '../store/pseudonyms.js';
import { derivePairwisePseudonym, randomTransientId } from '../saml/pseudonym.js';
import type { NameIDFormat } from './login-transaction.js';

export const NAMEID_FORMAT_URI: Record<NameIDFormat, string> = {
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
};

export function nameIDFormatOf(uri: string | undefined): NameIDFormat | undefined {
  if (uri === undefined) return 'persistent';
  return (Object.keys(NAMEID_FORMAT_URI) as NameIDFormat[]).find((f) => NAMEID_FORMAT_URI[f] === uri);
}

export async function nameIDFor(db: Kysely<DbSchema>, cfg: Config, format: NameIDFormat, personId: string, spEntityID: string): Promise<{ format: string; value: string }> {
  if (format === 'transient') return { format: NAMEID_FORMAT_URI.transient, value: randomTransientId() };
  const secrets = cfg.keys.pseudonymSecrets;
  const current = Math.max(...secrets.map((s) => s.version));
  const value = await getOrCreatePseudonym(
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
  return { format: NAMEID_FORMAT_URI[format], value };
}
