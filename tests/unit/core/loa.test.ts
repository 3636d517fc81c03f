// design.md "Levels of assurance": URIs → rungs, the four comparisons, the answer URI.
import assert from 'node:assert/strict';
import { answerUri, assertableRung, lowestRungForUri, rungsForUris, satisfies, urisForRungs, type RequestedLoa, type LoaRung } from '../../../broker/loa.js';

const E = 'http://eidas.europa.eu/LoA/';
const req = (uris: string[], comparison: RequestedLoa['comparison'], policyMinimum: LoaRung = '1'): RequestedLoa => ({
  rungs: [...rungsForUris(uris)],
  comparison,
  exactOnlyUris: [],
  policyMinimum,
});

describe('LoA ladder (design.md)', () => {
  it('maps requested URIs to sets of rungs, the union for several', () => {
    assert.deepEqual([...rungsForUris([`${E}low`])].sort(), ['2', '2+']);
    assert.deepEqual([...rungsForUris(['urn:be:fedict:iam:fas:Level450'])], ['4']);
    assert.deepEqual([...rungsForUris(['urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken'])], ['2+']);
    assert.deepEqual([...rungsForUris([`${E}substantial`, 'urn:etoegang:core:assurance-class:loa2'])].sort(), ['2', '3']);
    assert.equal(rungsForUris(['urn:unknown']).size, 0);
  });

  it('exact: r ∈ S', () => {
    assert.ok(satisfies('2+', req([`${E}low`], 'exact')));
    assert.ok(!satisfies('3', req([`${E}low`], 'exact')));
  });
  it('minimum: r ≥ min S', () => {
    assert.ok(satisfies('4', req([`${E}substantial`], 'minimum')));
    assert.ok(!satisfies('2+', req([`${E}substantial`], 'minimum')));
  });
  it('better: r > max S', () => {
    assert.ok(satisfies('3', req([`${E}low`], 'better')));
    assert.ok(!satisfies('2+', req([`${E}low`], 'better')));
  });
  it('maximum: r ≤ max S', () => {
    assert.ok(satisfies('2', req([`${E}substantial`], 'maximum')));
    assert.ok(!satisfies('4', req([`${E}substantial`], 'maximum')));
  });
  it('no RequestedAuthnContext: the policy minimum; the policy minimum always holds', () => {
    assert.ok(satisfies('2', { rungs: [], comparison: 'minimum', exactOnlyUris: [], policyMinimum: '2' }));
    assert.ok(!satisfies('1', { rungs: [], comparison: 'minimum', exactOnlyUris: [], policyMinimum: '2' }));
    assert.ok(!satisfies('2', req([`${E}low`], 'maximum', '3')));
  });
  it('asserts the highest rung at or below the reached one that satisfies the request', () => {
    assert.equal(assertableRung('3', req([`${E}low`], 'exact')), '2+');
    assert.equal(assertableRung('3', req([`${E}substantial`], 'minimum')), '3');
    assert.equal(assertableRung('2', req([`${E}substantial`], 'minimum')), undefined);
  });
  it('answers in the framework of the request, else the policy, else eIDAS', () => {
    assert.equal(answerUri('3', 'eherkenning', 'eidas'), 'urn:etoegang:core:assurance-class:loa3');
    assert.equal(answerUri('3', undefined, 'fas'), 'urn:be:fedict:iam:fas:Level400');
    assert.equal(answerUri('2+', undefined, 'eidas'), `${E}low`);
    assert.equal(answerUri('2+', 'fas', 'fas'), `${E}low`, 'FAS has no 2+: falls back to eIDAS');
    assert.equal(answerUri('1', 'eidas', 'eidas'), 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified');
  });
  it('an upstream LoA maps to the lowest rung of its set', () => {
    assert.equal(lowestRungForUri(`${E}low`), '2');
  });
  it('lists the URIs of reachable rungs for metadata', () => {
    const uris = urisForRungs(['2', '3']);
    assert.ok(uris.includes(`${E}low`) && uris.includes(`${E}substantial`) && !uris.includes(`${E}high`));
  });
});
