// Organisation identifiers: the check-digit examples below were verified by hand against the
// published algorithms (worked out in the comments), not taken on trust.
import { strict as assert } from 'node:assert';
import {
  ENTITY_CONCERNED_QUALIFIER,
  IdentifierError,
  cifControlDigit,
  eidasLegalPersonIdentifier,
  isValidLei,
  mod97,
  normaliseBranchNumber,
  normaliseIdentifier,
  passesElevenTest,
} from '../../../broker/mandates/identifiers.js';

const ok = (type: string, value: string) => normaliseIdentifier({ type, value }).value;
const bad = (type: string, value: string, message: RegExp) => assert.throws(() => normaliseIdentifier({ type, value }), (e: Error) => e instanceof IdentifierError && message.test(e.message));

describe('organisation identifiers', () => {
  it('KvK: exactly 8 digits, spaces and dots dropped', () => {
    assert.equal(ok('kvk', ' 9000.0001 '), '90000001');
    bad('kvk', '9000001', /exactly 8 digits/);
    bad('kvk', '900000011', /exactly 8 digits/);
    bad('kvk', '9000000A', /exactly 8 digits/);
  });

  it('branch number (vestigingsnummer): 12 digits', () => {
    assert.equal(normaliseBranchNumber('0000 1234 5678'), '000012345678');
    assert.throws(() => normaliseBranchNumber('12345678901'), /12 digits/);
  });

  it('RSIN: 9 digits passing the eleven-test', () => {
    // 111222333: 9·1+8·1+7·1+6·2+5·2+4·2+3·3+2·3 − 3 = 66 = 6·11
    assert.equal(passesElevenTest('111222333'), true);
    // 123456782: 9+16+21+24+25+24+21+16 − 2 = 154 = 14·11
    assert.equal(ok('rsin', '1234.56.782'), '123456782');
    bad('rsin', '123456789', /eleven-test/);
    bad('rsin', '12345678', /9 digits/);
  });

  it('Spanish NIF: CIF with its control character, or a sole trader\'s DNI/NIE', () => {
    // Q2826000H (Agencia Tributaria): odd positions 2,2,0,0 doubled → 4+4+0+0 = 8; even 8+6+0 = 14;
    // 22 → (10 − 2) mod 10 = 8 → letter J,A,B,…[8] = H; Q always takes the letter
    assert.equal(cifControlDigit('2826000'), 8);
    assert.equal(ok('nif', 'q-2826000-h'), 'Q2826000H');
    bad('nif', 'Q28260008', /not a valid Spanish NIF/); // Q needs the letter
    bad('nif', 'Q2826000A', /not a valid Spanish NIF/);
    // A5881850?: odd 5,8,8,0 → 10→1, 16→7, 16→7, 0 = 15; even 8,1,5 = 14; 29 → 1; A takes the digit
    assert.equal(ok('nif', 'A58818501'), 'A58818501');
    bad('nif', 'A5881850A', /not a valid Spanish NIF/);
    bad('nif', 'I58818501', /not a valid Spanish NIF/); // I is no entity letter
    // B1234567?: odd 1,3,5,7 → 2+6+1+0+1+4 = 14; even 2+4+6 = 12; 26 → 4; B takes the digit
    assert.equal(ok('nif', 'B12345674'), 'B12345674');
    assert.equal(ok('nif', '12345678z'), '12345678Z');
    assert.equal(ok('nif', 'X1234567L'), 'X1234567L');
    bad('nif', '12345678A', /not a valid Spanish NIF/);
  });

  it('VAT: an EU prefix and 2–12 characters, stricter where the national format is simple', () => {
    assert.equal(ok('vat', 'nl 1234.56.782.B01'), 'NL123456782B01');
    assert.equal(ok('vat', 'ESQ2826000H'), 'ESQ2826000H');
    assert.equal(ok('vat', 'DE123456789'), 'DE123456789');
    assert.equal(ok('vat', 'EL123456789'), 'EL123456789');
    bad('vat', 'ESQ2826000A', /valid NIF/);
    bad('vat', 'NL123456782', /format of a NL VAT/);
    bad('vat', 'DE12345678', /format of a DE VAT/);
    bad('vat', 'US123456789', /not an EU VAT country prefix/);
    bad('vat', 'FR1', /2 to 12/);
  });

  it('LEI: 20 characters with ISO 7064 MOD 97-10 check digits', () => {
    for (const lei of ['5493001KJTIIGC8Y1R12', '529900T8BM49AURSDO55']) {
      assert.equal(mod97(lei), 1);
      assert.equal(ok('lei', lei.toLowerCase()), lei);
    }
    assert.equal(isValidLei('5493001KJTIIGC8Y1R13'), false);
    bad('lei', '5493001KJTIIGC8Y1R13', /check digits/);
    bad('lei', '5493001KJTIIGC8Y1R1', /20 characters/);
  });

  it('eIDAS LegalPersonIdentifier: two country codes and the value', () => {
    assert.equal(ok('eidas', 'nl/es/90000001'), 'NL/ES/90000001');
    bad('eidas', 'NL-ES-90000001', /XX\/YY\/value/);
    bad('eidas', 'NL/ES/', /XX\/YY\/value/);
  });

  it('refuses unknown types and empty values', () => {
    assert.throws(() => normaliseIdentifier({ type: 'duns', value: '1' }), /unknown identifier type "duns"/);
    assert.throws(() => normaliseIdentifier({ type: 'kvk', value: '  ' }), /empty/);
  });

  it('names each type with its EntityConcernedID NameQualifier and eIDAS form', () => {
    assert.equal(ENTITY_CONCERNED_QUALIFIER.kvk, 'urn:etoegang:1.9:EntityConcernedID:KvKnr');
    assert.equal(ENTITY_CONCERNED_QUALIFIER.rsin, 'urn:etoegang:1.9:EntityConcernedID:RSIN');
    assert.equal(ENTITY_CONCERNED_QUALIFIER.nif, 'urn:pasarela:EntityConcernedID:NIF');
    assert.equal(eidasLegalPersonIdentifier({ type: 'kvk', value: '90000001' }), 'NL/ES/90000001');
    assert.equal(eidasLegalPersonIdentifier({ type: 'rsin', value: '123456782' }), 'NL/ES/123456782');
    assert.equal(eidasLegalPersonIdentifier({ type: 'nif', value: 'Q2826000H' }), 'ES/ES/Q2826000H');
    assert.equal(eidasLegalPersonIdentifier({ type: 'vat', value: 'EL123456789' }), 'GR/ES/EL123456789');
    assert.equal(eidasLegalPersonIdentifier({ type: 'lei', value: '529900T8BM49AURSDO55' }), 'XX/ES/529900T8BM49AURSDO55');
    assert.equal(eidasLegalPersonIdentifier({ type: 'eidas', value: 'DE/NL/HRB-1' }), 'DE/NL/HRB-1');
  });
});
