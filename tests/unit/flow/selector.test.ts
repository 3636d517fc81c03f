// The selector's states (seed 000 §1.4.1, §1.5.2): offered, greyed with the reason (LoA too low,
// not allowed by the service), or hidden (excluded by the request, not reachable at all). The
// connectors here are small test connectors: the selector only reads their contract.
import assert from 'node:assert/strict';
import type { Connector } from '../../../connectors/connector.js';
import type { LoginTransaction } from '../../../broker/flow/login-transaction.js';
import { methodStates, offeredIds } from '../../../broker/flow/selector.js';
import { methodPermissions } from '../../../broker/flow/allowed-methods.js';
import { rungsForUris, type LoaRung } from '../../../broker/loa.js';
import { spPolicySchema } from '../../../broker/config.js';

const connector = (id: string, rung: LoaRung | undefined): Connector => ({
  id,
  labelKey: `method.${id}`,
  allowsRepresentation: false,
  reachableLoa: () => rung,
  mount: () => undefined,
});

const all = [connector('pin', '3'), connector('permanente', '2'), connector('movil', '3'), connector('certificate', '4'), connector('eidas', undefined)];

function tx(opts: { uris: string[]; allowed?: string[]; excluded?: string[] }): LoginTransaction {
  const policy = spPolicySchema.parse({ allowedMethods: opts.allowed });
  return {
    id: 'x'.repeat(22), browserBinding: '', csrf: '', createdAt: 0,
    sp: { entityID: 'sp', displayName: 'sp' },
    request: {
      id: 'r', acsUrl: 'https://sp/acs', relayState: undefined, forceAuthn: false, isPassive: false, nameIDFormat: 'persistent', allowCreate: true,
      requestedAttributes: [], attributeConsumingServiceIndex: undefined,
      loa: { rungs: [...rungsForUris(opts.uris)], comparison: 'minimum', exactOnlyUris: [], policyMinimum: '2' },
    },
    methods: methodPermissions(all.map((c) => c.id), policy, opts.excluded ?? []),
    connectorState: {},
  };
}

describe('method selector states', () => {
  it('greys out what cannot reach the requested LoA, and hides what cannot run at all', () => {
    const states = methodStates(all, tx({ uris: ['http://eidas.europa.eu/LoA/substantial'] }));
    assert.deepEqual(states.map((s) => [s.connector.id, s.state, s.state === 'greyed' ? s.reason : '']), [
      ['pin', 'offered', ''],
      ['permanente', 'greyed', 'loa'],
      ['movil', 'offered', ''],
      ['certificate', 'offered', ''],
      ['eidas', 'hidden', ''],
    ]);
  });

  it('greys out methods the SP policy does not allow', () => {
    const states = methodStates(all, tx({ uris: [], allowed: ['certificate'] }));
    assert.deepEqual(offeredIds(states), ['certificate']);
    assert.ok(states.filter((s) => s.connector.id === 'pin').every((s) => s.state === 'greyed' && s.reason === 'policy'));
  });

  it('hides methods the request excludes in the Cl@ve dialect', () => {
    const states = methodStates(all, tx({ uris: [], excluded: ['http://es.minhafp.clave/AEATIdP', 'AFirmaIdP'] }));
    assert.equal(states.find((s) => s.connector.id === 'pin')!.state, 'hidden');
    assert.equal(states.find((s) => s.connector.id === 'certificate')!.state, 'hidden');
    assert.deepEqual(offeredIds(states), ['permanente', 'movil']);
  });

  it('offers a higher-reaching method for an exact request below it (it asserts less)', () => {
    const t = tx({ uris: ['http://eidas.europa.eu/LoA/low'] });
    const exact = { ...t, request: { ...t.request, loa: { ...t.request.loa, comparison: 'exact' as const } } };
    assert.deepEqual(offeredIds(methodStates(all, exact)), ['pin', 'permanente', 'movil', 'certificate']);
  });
});
