// The parts of the invitation-letter channel that need no server: the secure verification code
// (CSV), the register of residents file, and the PDF letter, opened with pdftotext.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import {
  formatVerificationCode,
  hashVerificationCode,
  isWellFormedVerificationCode,
  newVerificationCode,
  verificationCodeMatches,
} from '../../../broker/identity/channels/letter/verification-code.js';
import { addressLines, loadResidentsFile, ResidentsFileError } from '../../../broker/identity/channels/letter/residents.js';
import { encodable, renderLetterPdf } from '../../../broker/identity/channels/letter/letter-pdf.js';
import { PROJECT_ROOT } from '../../../broker/config.js';

const run = promisify(execFile);

describe('invitation letter: the secure verification code (seed 000 §2.2.2)', () => {
  it('is 16 upper-case letters and digits, drawn afresh each time', () => {
    const codes = Array.from({ length: 2000 }, newVerificationCode);
    for (const c of codes) assert.match(c, /^[A-Z0-9]{16}$/);
    assert.equal(new Set(codes).size, codes.length);
    const seen = new Set(codes.join(''));
    assert.equal(seen.size, 36, 'every letter and digit occurs');
  });

  it('is printed in groups of four and typed in any case, with spaces or dashes', () => {
    const code = 'AB12CD34EF56GH78';
    assert.equal(formatVerificationCode(code), 'AB12 CD34 EF56 GH78');
    const hash = hashVerificationCode(code);
    for (const typed of ['ab12 cd34 ef56 gh78', 'AB12-CD34-EF56-GH78', ' AB12CD34EF56GH78 ']) {
      assert.ok(isWellFormedVerificationCode(typed), typed);
      assert.ok(verificationCodeMatches(typed, hash), typed);
    }
    assert.ok(!verificationCodeMatches('AB12CD34EF56GH79', hash));
    assert.ok(!verificationCodeMatches(code, undefined), 'no stored letter never matches');
    for (const bad of ['AB12CD34EF56GH7', 'AB12CD34EF56GH789', 'AB12CD34EF56GH7Ñ', '']) assert.ok(!isWellFormedVerificationCode(bad), bad);
  });

  it('keeps only a hash that does not contain the code', () => {
    const code = newVerificationCode();
    const hash = hashVerificationCode(code);
    assert.ok(!hash.includes(code));
    assert.match(hash, /^[A-Za-z0-9_-]{43}$/);
  });
});

describe('invitation letter: the register of residents file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pasarela-residents-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const address = { street: 'Calle Mayor 1', postalCode: '28013', municipality: 'Madrid', province: 'Madrid' };
  async function load(content: unknown) {
    const file = path.join(dir, `r${Math.random()}.json`);
    await writeFile(file, JSON.stringify(content));
    return loadResidentsFile(file);
  }

  it('loads the demo register, with the demo persons\' documents', () => {
    const register = loadResidentsFile(path.join(PROJECT_ROOT, 'config', 'demo-residents.json'));
    assert.ok(register.size >= 8);
    assert.equal(register.find('12345678Z', { documentDate: '2030-01-01' })?.givenName, 'Carmen');
    assert.equal(register.find('x1234567l', { supportNumber: 'e12345678' })?.givenName, 'Jan');
    assert.equal(register.find('87654321X', { documentDate: '2031-06-30' })?.givenName, 'Lucía');
  });

  it('finds a resident only with the document\'s own contrast data', async () => {
    const register = await load([
      { documentNumber: '11111111H', documentDate: '2032-04-15', givenName: 'A', firstSurname: 'B', fiscalAddress: address },
      { documentNumber: 'Y2345678Z', supportNumber: 'E87654321', givenName: 'C', firstSurname: 'D', fiscalAddress: address },
    ]);
    assert.ok(register.find('11111111H', { documentDate: '2032-04-15' }));
    assert.equal(register.find('11111111H', { documentDate: '2032-04-16' }), undefined);
    assert.equal(register.find('11111111H', { supportNumber: 'E87654321' }), undefined, 'a DNI is not found by a support number');
    assert.ok(register.find('Y2345678Z', { supportNumber: 'E87654321' }));
    assert.equal(register.find('Y2345678Z', { documentDate: '2032-04-15' }), undefined);
    assert.equal(register.find('22334455Y', { documentDate: '2032-04-15' }), undefined);
  });

  it('refuses a file with a wrong check letter, a DNI without its date, a NIE without its support number, unknown keys or duplicates, naming the entry', async () => {
    const cases: [unknown, RegExp][] = [
      [[{ documentNumber: '11111111A', documentDate: '2032-04-15', givenName: 'A', firstSurname: 'B', fiscalAddress: address }], /\[0\].*not a valid DNI or NIE/s],
      [[{ documentNumber: '11111111H', givenName: 'A', firstSurname: 'B', fiscalAddress: address }], /DNI comes with its documentDate/],
      [[{ documentNumber: 'Y2345678Z', documentDate: '2032-04-15', givenName: 'A', firstSurname: 'B', fiscalAddress: address }], /NIE comes with its supportNumber/],
      [[{ documentNumber: '11111111H', documentDate: '2032-04-15', givenName: 'A', firstSurname: 'B', fiscalAddress: address, iban: 'x' }], /\[0\].*iban/s],
      [[{ documentNumber: '11111111H', documentDate: '2032-04-15', givenName: 'A', firstSurname: 'B', fiscalAddress: { ...address, postalCode: '2801' } }], /fiscalAddress\.postalCode/],
      [[1, 2].map(() => ({ documentNumber: '11111111H', documentDate: '2032-04-15', givenName: 'A', firstSurname: 'B', fiscalAddress: address })), /appears twice/],
    ];
    for (const [content, message] of cases) await assert.rejects(load(content), (err: Error) => err instanceof ResidentsFileError && message.test(err.message), JSON.stringify(content));
  });

  it('writes the address block with the name first, the province only when it differs from the municipality', async () => {
    const register = await load([
      { documentNumber: '11111111H', documentDate: '2032-04-15', givenName: 'Ana', firstSurname: 'Gil', secondSurname: 'Sanz', fiscalAddress: { ...address, municipality: 'Alcalá de Henares' } },
    ]);
    assert.deepEqual(addressLines(register.checkedResident('11111111H')!), ['Ana Gil Sanz', 'Calle Mayor 1', '28013 Alcalá de Henares', 'Madrid', 'España']);
  });
});

describe('invitation letter: the PDF', () => {
  it('says, in Spanish and English, the address, the CSV, its expiry and where to complete; pdftotext reads it back', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pasarela-letter-'));
    try {
      const pdf = await renderLetterPdf({
        addressLines: ['Piotr Łukasiewicz', 'Calle Colón 30, pta. 9', '46004 València', 'España'],
        verificationCode: 'AB12CD34EF56GH78',
        issuedAt: new Date('2026-03-01T10:00:00Z'),
        expiresAt: new Date('2026-03-31T10:00:00Z'),
        completeUrl: 'https://broker.example/register/letter/complete',
        documentNumber: 'Z7654321H',
        maxWrongCodes: 5,
      });
      const file = path.join(dir, 'letter.pdf');
      await writeFile(file, pdf);
      const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
      for (const text of ['Piotr Lukasiewicz', '46004 València', 'AB12 CD34 EF56 GH78', 'Válido hasta el 31/03/2026', 'Valid until 31/03/2026', 'https://broker.example/register/letter/complete', '*****321H', 'Tras 5 intentos erróneos', 'After 5 wrong tries'])
        assert.ok(stdout.includes(text), `"${text}" in:\n${stdout}`);
      assert.ok(!stdout.includes('Z7654321H'), 'the document number is masked');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('spells what the standard fonts cannot encode with Latin letters, never failing on a name', async () => {
    const font = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
    assert.equal(encodable(font, 'Łukasiewicz Núñez'), 'Lukasiewicz Núñez');
    assert.equal(encodable(font, 'Ștefan Dvořák'), 'Stefan Dvorák', 'ř has no WinAnsi form; á has');
    assert.equal(encodable(font, '王'), '?');
  });
});
