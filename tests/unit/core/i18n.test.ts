import assert from 'node:assert/strict';
import { LANGUAGES, catalogueOf, negotiateLanguage, translate } from '../../../broker/web/i18n/catalogue.js';

// the merged catalogues: the broker's own messages and those connectors bring
const es = catalogueOf('es');
const en = catalogueOf('en');

describe('i18n catalogues', () => {
  it('Spanish and English are complete and have the same keys', () => {
    assert.deepEqual(Object.keys(en).sort(), Object.keys(es).sort());
  });
  it('partial catalogues hold only keys the reference has', () => {
    for (const l of LANGUAGES) for (const k of Object.keys(catalogueOf(l))) assert.ok(k in es, `${l}: unknown key ${k}`);
  });
  it('placeholders are the same in every language', () => {
    const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();
    for (const l of LANGUAGES) for (const [k, v] of Object.entries(catalogueOf(l))) assert.equal(ph(v), ph(es[k]!), `${l} ${k}`);
  });
  it('falls back to Spanish, and negotiates Accept-Language', () => {
    assert.equal(translate('eu', 'pin.code'), es['pin.code']);
    assert.equal(negotiateLanguage('nl-NL,nl;q=0.9,en;q=0.8'), 'nl');
    assert.equal(negotiateLanguage('de-DE, en;q=0.5'), 'en');
    assert.equal(negotiateLanguage(undefined), 'es');
  });
});
