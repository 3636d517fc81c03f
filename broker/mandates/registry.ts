// The MandateRegistry (model.ts): every rule of seed 004 in one place, assembled from one module
// per subject. Each module checks who asks, locks what it changes and records what it did.
import { createChainMandates } from './chain-mandates.js';
import { createCtx, type MandateDeps } from './context.js';
import { createDocuments } from './documents.js';
import { createMandatesStore } from './mandates-store.js';
import { createMemberEnd } from './member-end.js';
import { createMemberLifecycle } from './member-lifecycle.js';
import { createMembers } from './members.js';
import type { MandateRegistry } from './model.js';
import { createOrganisations } from './organisations.js';

export type { MandateDeps } from './context.js';
export { BulkGrantError, type RefusedPair } from './mandates-store.js';

export function createMandateRegistry(deps: MandateDeps): MandateRegistry {
  const ctx = createCtx(deps);
  return {
    ...createOrganisations(ctx),
    ...createMembers(ctx),
    ...createMemberLifecycle(ctx),
    ...createMemberEnd(ctx),
    ...createDocuments(ctx),
    ...createMandatesStore(ctx),
    ...createChainMandates(ctx),
  };
}
