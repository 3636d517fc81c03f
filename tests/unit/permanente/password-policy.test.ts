import assert from 'node:assert/strict';
import {
  checkPasswordPolicy,
  DEFAULT_PASSWORD_POLICY,
  PASSWORD_VIOLATIONS,
  SPECIAL_CHARACTERS,
  type PasswordPolicyOptions,
  type PersonalData,
} from '../../../connectors/permanente/password-policy.js';
import { passwordPolicyMessages } from '../../../connectors/permanente/password-policy-messages.js';

const person: PersonalData = {
  givenName: 'José María',
  firstSurname: 'Español',
  secondSurname: 'de Vries',
  documentNumber: '12345678Z',
};
const nobody: PersonalData = { givenName: 'Xi', firstSurname: 'Yu', secondSurname: null, documentNumber: null };
const three: PasswordPolicyOptions = { ...DEFAULT_PASSWORD_POLICY, classRule: 'three' };

const check = (password: string, who: PersonalData = person, opts?: PasswordPolicyOptions) =>
  checkPasswordPolicy(password, who, opts);

describe('Cl@ve Permanente password policy', () => {
  it('defaults to 8..128 characters, every group, no group rule from 16', () => {
    assert.deepEqual(DEFAULT_PASSWORD_POLICY, { minLength: 8, maxLength: 128, classRule: 'each', noClassRuleFrom: 16 });
  });

  describe('length', () => {
    it('accepts 8 characters and refuses 7', () => {
      assert.deepEqual(check('Abcdef1!'), []);
      assert.deepEqual(check('Abcde1!'), ['too-short']);
    });

    it('honours a configured minimum', () => {
      const opts = { ...DEFAULT_PASSWORD_POLICY, minLength: 10 };
      assert.deepEqual(check('Abcdefg1!', person, opts), ['too-short']);
      assert.deepEqual(check('Abcdefgh1!', person, opts), []);
    });

    it('accepts the maximum and refuses one more', () => {
      assert.deepEqual(check('a'.repeat(128)), []);
      assert.deepEqual(check('a'.repeat(129)), ['too-long']);
      assert.deepEqual(check('a'.repeat(21), person, { ...DEFAULT_PASSWORD_POLICY, maxLength: 20 }), ['too-long']);
    });

    it('counts code points, not UTF-16 units', () => {
      // 7 code points but 8 UTF-16 units.
      assert.deepEqual(check('Abcd1!😀'), ['too-short', 'invalid-character']);
      // 16 code points, 21 UTF-16 units: a sentence, so no group rule.
      assert.deepEqual(check('hola mundo 😀😀😀😀😀'), []);
      assert.deepEqual(check('hola mundo 😀😀😀😀'), ['invalid-character', 'needs-upper', 'needs-digit', 'needs-special']);
    });

    it('does not trim', () => {
      assert.deepEqual(check('Abcde1! '), ['invalid-character']);
      assert.deepEqual(check(' Abcdef1!'), ['invalid-character']);
    });
  });

  describe("classRule 'each'", () => {
    it('needs a lower-case letter', () => {
      assert.deepEqual(check('ABCDEF1!'), ['needs-lower']);
    });
    it('needs an upper-case letter', () => {
      assert.deepEqual(check('abcdef1!'), ['needs-upper']);
    });
    it('needs a digit', () => {
      assert.deepEqual(check('Abcdefg!'), ['needs-digit']);
    });
    it('needs a special character', () => {
      assert.deepEqual(check('Abcdefg1'), ['needs-special']);
    });
    it('takes every listed special character, including ¡ and ¿', () => {
      for (const s of '!$?%&#@/\\()=¿*[];,:._<>+-¡') assert.deepEqual(check(`Abcdef1${s}`), [], s);
      assert.equal([...SPECIAL_CHARACTERS].length, 26);
    });
  });

  describe("classRule 'three'", () => {
    it('accepts three of the four groups', () => {
      assert.deepEqual(check('abcdef1!', person, three), []);
      assert.deepEqual(check('ABCDEF1!', person, three), []);
      assert.deepEqual(check('Abcdefg!', person, three), []);
      assert.deepEqual(check('Abcdefg1', person, three), []);
      assert.deepEqual(check('Abcdef1!', person, three), []);
    });
    it('refuses two groups with needs-three-classes alone', () => {
      assert.deepEqual(check('abcdefg1', person, three), ['needs-three-classes']);
      assert.deepEqual(check('ABCDEFG!', person, three), ['needs-three-classes']);
      assert.deepEqual(check('ab', person, three), ['too-short', 'needs-three-classes']);
    });
  });

  describe('sentences', () => {
    it('lift the group rule from 16 characters and allow any printable character', () => {
      assert.deepEqual(check('correct horse ba'), []);
      assert.deepEqual(check('correct horse b'), ['invalid-character', 'needs-upper', 'needs-digit', 'needs-special']);
      assert.deepEqual(check('correct horse b', person, three), ['invalid-character', 'needs-three-classes']);
      assert.deepEqual(check('pagué 20 € por él 🙂'), []);
      assert.deepEqual(check('no\u00a0break space here'), []);
    });
    it('honour a configured threshold', () => {
      const opts = { ...DEFAULT_PASSWORD_POLICY, noClassRuleFrom: 20 };
      assert.deepEqual(check('correct horse ba', person, opts), ['invalid-character', 'needs-upper', 'needs-digit', 'needs-special']);
      assert.deepEqual(check('correct horse batter', person, opts), []);
    });
  });

  describe('letters of Spanish and neighbouring languages', () => {
    it('count ñ, ç and accented vowels as letters of their case', () => {
      assert.deepEqual(check('ÑANDÚ12!'), ['needs-lower']);
      assert.deepEqual(check('ÑÚÇÉ12!ñ'), []);
      assert.deepEqual(check('ñçáàäâ1!'), ['needs-upper']);
      assert.deepEqual(check('ÁÀÄÂÉÈËÊ1!'), ['needs-lower']);
      assert.deepEqual(check('íìïîóòö1!'), ['needs-upper']);
      assert.deepEqual(check('ôúùüû1!'), ['too-short', 'needs-upper']);
      assert.deepEqual(check('ÑÇÍÌÏÎÓÒ1!'), ['needs-lower']);
      assert.deepEqual(check('ÖÔÚÙÜÛ1!'), ['needs-lower']);
    });
    it('take a decomposed ñ as one letter', () => {
      assert.deepEqual(check('Abcde1!n\u0303'), []);
    });
  });

  describe('invalid characters', () => {
    it('refuses a space or € below 16 characters', () => {
      assert.deepEqual(check('Abcd 12!'), ['invalid-character']);
      assert.deepEqual(check('Abcd€12!'), ['invalid-character']);
      assert.deepEqual(check('Abcdé12!'), []);
    });
    it('refuses C0 and C1 control characters at any length', () => {
      for (const c of ['\u0000', '\t', '\n', '\u001f', '\u007f', '\u0085', '\u009f']) {
        assert.deepEqual(check(`Abcdef1!${c}`), ['invalid-character'], JSON.stringify(c));
        assert.deepEqual(check(`a long sentence here${c}`), ['invalid-character'], JSON.stringify(c));
      }
    });
  });

  describe('personal data', () => {
    it('refuses each word of the given name, whatever the accents or case', () => {
      assert.deepEqual(check('Jose!123a'), ['contains-name']);
      assert.deepEqual(check('xMARIA!12'), ['contains-name']);
      assert.deepEqual(check('maría!12A'), ['contains-name']);
      const plain = { ...person, givenName: 'Jose Maria' };
      assert.deepEqual(check('José!123a', plain), ['contains-name']);
      assert.deepEqual(check('MARÍA!12a', plain), ['contains-name']);
    });

    it('refuses the surnames, accents folded in both directions', () => {
      assert.deepEqual(check('Espanol1!'), ['contains-surname']);
      assert.deepEqual(check('Español1!', { ...person, firstSurname: 'Espanol' }), ['contains-surname']);
      assert.deepEqual(check('VRIES!12a'), ['contains-surname']);
      assert.deepEqual(check('Dede!123a'), []);
    });

    it('splits names on hyphens and apostrophes and ignores words under 3 letters', () => {
      const who = { ...nobody, givenName: 'Ana-Belén', firstSurname: "O'Brien" };
      assert.deepEqual(check('Ana!1234b', who), ['contains-name']);
      assert.deepEqual(check('BELEN!12a', who), ['contains-name']);
      assert.deepEqual(check('Brien!12a', who), ['contains-surname']);
      assert.deepEqual(check('Obo!1234a', who), []);
      assert.deepEqual(check('XiYu!123a', nobody), []);
    });

    it('refuses the document number whole and its digit run', () => {
      assert.deepEqual(check('a12345678zB!'), ['contains-document']);
      assert.deepEqual(check('Ab!12345678'), ['contains-document']);
      assert.deepEqual(check('Ab!1234567'), []);
      const nie = { ...nobody, documentNumber: 'X1234567L' };
      assert.deepEqual(check('Qx1234567l!', nie), ['contains-document']);
      assert.deepEqual(check('Ab!1234567', nie), ['contains-document']);
      assert.deepEqual(check('Ab!123456', nie), []);
      assert.deepEqual(check('Ab!12345678', { ...nobody, documentNumber: '12.345.678-Z' }), ['contains-document']);
      assert.deepEqual(check('Ab!12345678', nobody), []);
    });
  });

  it('reports every violation at once, in a stable order', () => {
    assert.deepEqual(check('ab'), ['too-short', 'needs-upper', 'needs-digit', 'needs-special']);
    assert.deepEqual(check('josé 1234567 €'), [
      'invalid-character',
      'needs-upper',
      'needs-special',
      'contains-name',
    ]);
    assert.deepEqual(check('vries jose12345678'), ['contains-name', 'contains-surname', 'contains-document']);
    assert.deepEqual(check(''), ['too-short', 'needs-lower', 'needs-upper', 'needs-digit', 'needs-special']);
  });

  describe('messages', () => {
    const { es, en } = passwordPolicyMessages;

    it('exist in Spanish and English for every violation code and the rules summary', () => {
      for (const v of PASSWORD_VIOLATIONS) {
        for (const [lang, catalogue] of [['es', es], ['en', en]] as const) {
          assert.ok(catalogue[`permanente.policy.${v}`], `${lang} ${v}`);
        }
      }
      for (const key of ['permanente.policy.rules', 'permanente.policy.rules-three']) {
        assert.ok(es[key]);
        assert.ok(en[key]);
      }
      assert.deepEqual(Object.keys(en).sort(), Object.keys(es).sort());
      assert.match(es['permanente.policy.same-as-previous'] ?? '', /contraseña/);
    });

    it('use {min}, {max} and {sentence} and list the special characters literally', () => {
      for (const catalogue of [es, en]) {
        assert.match(catalogue['permanente.policy.too-short'] ?? '', /\{min\}/);
        assert.match(catalogue['permanente.policy.too-long'] ?? '', /\{max\}/);
        for (const key of ['permanente.policy.rules', 'permanente.policy.rules-three']) {
          assert.match(catalogue[key] ?? '', /\{sentence\}/);
          for (const s of SPECIAL_CHARACTERS) assert.ok(catalogue[key]?.includes(s), `${key} lists ${s}`);
        }
        for (const s of SPECIAL_CHARACTERS) assert.ok(catalogue['permanente.policy.needs-special']?.includes(s), s);
      }
    });
  });
});
