// DNI / NIE check letters (mod 23 over TRWAGMYFPDXBNJZSQVHLCKE; NIE X=0, Y=1, Z=2), support
// numbers and E.164 mobiles, with examples as people type them.
import assert from 'node:assert/strict';
import {
  documentTypeOf,
  isIsoDate,
  isValidDocument,
  isValidMobile,
  isValidSupportNumber,
  normaliseDocument,
  normaliseMobile,
} from '../../../broker/identity/documents.js';

describe('identity documents', () => {
  describe('DNI', () => {
    it('accepts 12345678Z and the published example 00000000T', () => {
      assert.equal(documentTypeOf('12345678Z'), 'DNI');
      assert.equal(documentTypeOf('00000000T'), 'DNI');
      assert.equal(documentTypeOf('99999999R'), 'DNI');
    });
    it('refuses a wrong check letter', () => {
      assert.equal(isValidDocument('12345678A'), false);
      assert.equal(isValidDocument('00000000R'), false);
    });
    it('refuses other shapes', () => {
      for (const s of ['1234567Z', '123456789Z', 'Z12345678', '12345678', '', '12345678Ñ']) assert.equal(isValidDocument(s), false, s);
    });
    it('normalises case, spaces, dashes and dots', () => {
      assert.equal(normaliseDocument(' 12.345.678-z '), '12345678Z');
      assert.equal(isValidDocument('12 345 678-z'), true);
    });
  });

  describe('NIE', () => {
    it('accepts X1234567L, Y1234567X and Z1234567R', () => {
      assert.equal(documentTypeOf('X1234567L'), 'NIE');
      assert.equal(documentTypeOf('Y1234567X'), 'NIE');
      assert.equal(documentTypeOf('Z1234567R'), 'NIE');
      assert.equal(documentTypeOf('x-1234567-l'), 'NIE');
    });
    it('refuses a wrong check letter or prefix', () => {
      assert.equal(isValidDocument('X1234567A'), false);
      assert.equal(isValidDocument('Y1234567L'), false); // X's letter under Y
      assert.equal(isValidDocument('W1234567L'), false);
      assert.equal(isValidDocument('X12345678L'), false);
    });
  });

  describe('support number', () => {
    it('is a letter and 8 digits', () => {
      assert.equal(isValidSupportNumber('E12345678'), true);
      assert.equal(isValidSupportNumber('e 1234-5678'), true);
      assert.equal(isValidSupportNumber('12345678'), false);
      assert.equal(isValidSupportNumber('E1234567'), false);
      assert.equal(isValidSupportNumber('EE12345678'), false);
    });
  });

  describe('mobile (E.164)', () => {
    it('normalises what people type', () => {
      assert.equal(normaliseMobile('+34 600 00 00 01'), '+34600000001');
      assert.equal(normaliseMobile('0034-600.000.001'), '+34600000001');
      assert.equal(normaliseMobile('+31 (6) 12345678'), '+31612345678');
    });
    it('accepts international numbers only', () => {
      assert.equal(isValidMobile('+34600000001'), true);
      assert.equal(isValidMobile('+31612345678'), true);
      assert.equal(isValidMobile('600000001'), false); // no country: not guessed
      assert.equal(isValidMobile('+0600000001'), false);
      assert.equal(isValidMobile('+3460000000123456'), false); // 16 digits
      assert.equal(isValidMobile('+34 600 abc'), false);
    });
  });

  describe('dates', () => {
    it('accepts calendar dates written yyyy-mm-dd only', () => {
      assert.equal(isIsoDate('2024-02-29'), true);
      assert.equal(isIsoDate('2023-02-29'), false);
      assert.equal(isIsoDate('2030-1-01'), false);
      assert.equal(isIsoDate('01/01/2030'), false);
    });
  });
});
