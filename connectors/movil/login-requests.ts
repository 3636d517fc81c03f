// The login requests in the ephemeral store, shared by every broker node. Each state change is
// taken once: the first decision (or replacement) claims `movil:decided:<id>` with setIfAbsent,
// the first device to scan a QR claims `movil:bound:<id>`, the one browser that finishes takes
// the record. Every change is published on `movil:<id>` so that a browser waiting on any node
// hears it (design.md "Stack": publish/subscribe).
//
// One pending request per person (against push-bombing): `movil:person:<personId>` names the
// person's newest request, and opening (or binding) another one replaces it — the older one
// becomes expired, its browser is told so, and the app sees only the newer one. Replacing rather
// than refusing the newer one lets a person who closed the tab simply start again; the pushes an
// attacker can cause are bounded by the per-person rate limit and the cool-down after refusals.
import type { EphemeralStore } from '../../broker/store/ephemeral.js';
import { decodeRequest, encodeRequest, newRequestId, newVerificationCode, type LoginRequest, type RequestMode, type RequestStatus } from './login-request.js';

// Kept a minute past expiry, so that a browser coming back late reads "expired", not "unknown".
const GRACE_MS = 60_000;

export type Decision = 'confirmed' | 'refused';

export interface LoginRequests {
  open(input: { txId: string; mode: RequestMode; service: string; personId: string | null; deviceId: string | null }): Promise<LoginRequest>;
  get(id: string): Promise<LoginRequest | undefined>;
  /** QR: the first device to fetch the request binds it to its person; undefined when another did */
  bind(request: LoginRequest, personId: string, deviceId: string): Promise<LoginRequest | undefined>;
  /** the one decision; undefined when the request was decided, replaced or gone before */
  decide(request: LoginRequest, decision: Decision): Promise<LoginRequest | undefined>;
  /** the browser's single use of a confirmed request */
  takeConfirmed(id: string): Promise<LoginRequest | undefined>;
  /** calls `onStatus` with each status published for this request; resolves to the unsubscribe */
  watch(id: string, onStatus: (status: RequestStatus) => void): Promise<() => Promise<void>>;
}

const recordKey = (id: string) => `movil:req:${id}`;
const decidedKey = (id: string) => `movil:decided:${id}`;
const boundKey = (id: string) => `movil:bound:${id}`;
const personKey = (personId: string) => `movil:person:${personId}`;
const channel = (id: string) => `movil:${id}`;

const STATUSES: readonly RequestStatus[] = ['pending', 'confirmed', 'refused', 'expired'];

export function createLoginRequests(store: EphemeralStore, opts: { validityMs: number; now: () => Date }): LoginRequests {
  const lifetime = opts.validityMs + GRACE_MS;

  async function rewrite(next: LoginRequest): Promise<void> {
    // the store's own remaining lifetime: the injected clock may differ from the store's
    const left = await store.ttl(recordKey(next.id));
    await store.set(recordKey(next.id), encodeRequest(next), left && left > 0 ? left : 1000);
    await store.publish(channel(next.id), next.status);
  }

  async function replace(id: string): Promise<void> {
    if (!(await store.setIfAbsent(decidedKey(id), 'replaced', lifetime))) return;
    const old = decodeRequest(await store.get(recordKey(id)));
    if (old) await rewrite({ ...old, status: 'expired' });
  }

  /** makes `id` the person's one pending request, replacing whichever was there */
  async function claimPerson(personId: string, id: string): Promise<void> {
    // take-then-setIfAbsent, repeated: of two requests opened at once, the one that sets the
    // pointer second takes (and replaces) the first, so only one stays pending
    for (let round = 0; round < 5; round++) {
      const previous = await store.take(personKey(personId));
      if (previous && previous !== id) await replace(previous);
      if (await store.setIfAbsent(personKey(personId), id, lifetime)) return;
    }
  }

  return {
    async open(input) {
      const now = opts.now().getTime();
      const request: LoginRequest = {
        id: newRequestId(),
        ...input,
        verificationCode: newVerificationCode(),
        status: 'pending',
        createdAt: now,
        expiresAt: now + opts.validityMs,
      };
      await store.set(recordKey(request.id), encodeRequest(request), lifetime);
      if (request.personId) await claimPerson(request.personId, request.id);
      return request;
    },

    get: async (id) => decodeRequest(await store.get(recordKey(id))),

    async bind(request, personId, deviceId) {
      if (!(await store.setIfAbsent(boundKey(request.id), deviceId, lifetime))) return undefined;
      const bound: LoginRequest = { ...request, personId, deviceId };
      const left = await store.ttl(recordKey(request.id));
      if (!left) return undefined;
      await store.set(recordKey(request.id), encodeRequest(bound), left);
      await claimPerson(personId, request.id);
      return bound;
    },

    async decide(request, decision) {
      if (!(await store.setIfAbsent(decidedKey(request.id), decision, lifetime))) return undefined;
      const current = decodeRequest(await store.get(recordKey(request.id)));
      if (!current) return undefined;
      const decided: LoginRequest = { ...current, status: decision };
      await rewrite(decided);
      return decided;
    },

    async takeConfirmed(id) {
      const current = decodeRequest(await store.get(recordKey(id)));
      if (current?.status !== 'confirmed') return undefined;
      // of two browsers' tabs continuing at once, one takes it
      return decodeRequest(await store.take(recordKey(id)));
    },

    watch: (id, onStatus) =>
      store.subscribe(channel(id), (message) => {
        const status = STATUSES.find((s) => s === message);
        if (status) onStatus(status);
      }),
  };
}
