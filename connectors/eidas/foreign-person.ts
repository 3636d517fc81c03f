// A foreign person needs no prior registration (issue 6): the first login creates them from the
// node's minimum data set, keyed by PersonIdentifier, so they can later be members of
// organisations and hold mandates; every later login finds the same person and takes the names
// and date of birth the node asserts now (assertions release them from the registry). Two first
// logins at once: the loser of the unique key finds the winner's row.
import type { IdentityRegistry } from '../../broker/identity/registry.js';
import type { Person } from '../../broker/identity/person.js';
import { IdentityError } from '../../broker/identity/registry-db.js';
import type { ForeignIdentity } from './read-identity.js';

export async function findOrAddForeignPerson(identity: IdentityRegistry, foreign: ForeignIdentity): Promise<Person> {
  const known = await identity.findByEidasIdentifier(foreign.personIdentifier);
  if (known) {
    const same = known.givenName === foreign.givenName && known.firstSurname === foreign.familyName && known.dateOfBirth === foreign.dateOfBirth;
    if (same || known.documentNumber) return known;
    // the node is the authority for a foreign person's names and date of birth
    return (await identity.updateForeignIdentity(foreign.personIdentifier, { givenName: foreign.givenName, firstSurname: foreign.familyName, dateOfBirth: foreign.dateOfBirth })) ?? known;
  }
  try {
    // 'basic': nothing was registered in Spain; the eidas row of the method table never caps the node's level.
    return await identity.add({
      eidasPersonIdentifier: foreign.personIdentifier,
      givenName: foreign.givenName,
      firstSurname: foreign.familyName,
      dateOfBirth: foreign.dateOfBirth,
      registrationLevel: 'basic',
    });
  } catch (err) {
    if (!(err instanceof IdentityError && err.code === 'duplicate')) throw err;
    const winner = await identity.findByEidasIdentifier(foreign.personIdentifier);
    if (!winner) throw err;
    return winner;
  }
}
