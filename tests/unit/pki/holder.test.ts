// The holder's identity from each subject form of the Spanish profiles, per-issuer profiles, and
// every way a subject can fail to name a person ('no-identity').
import assert from 'node:assert/strict';
import { CertificateRejected } from '../../../broker/pki/model.js';
import { readHolder, type IssuerProfile } from '../../../broker/pki/holder.js';
import { x509 } from '../../../broker/pki/x509.js';
import { createTestPki, issueTestCertificate, type TestCertificate, type TestPki } from '../../helpers/test-pki.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

describe('pki holder', () => {
  let pki: TestPki;
  const leaf = (subject: Record<string, string[]>[], issuer?: TestCertificate) =>
    issueTestCertificate({ subject, issuer: issuer ?? pki.intermediate, notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + DAY), ca: false });
  const noIdentity = (fn: () => unknown, detail: RegExp) => assert.throws(fn, (err: unknown) => err instanceof CertificateRejected && err.category === 'no-identity' && detail.test(err.detail));

  before(async () => {
    pki = await createTestPki({ now: NOW });
  });

  it('IDCES- serialNumber with givenName and surname (the qualified-person test certificate)', () => {
    const h = readHolder(pki.qualifiedPerson.cert, []);
    assert.equal(h.documentNumber, '12345678Z');
    assert.ok(h.givenName.length > 0 && h.firstSurname.length > 0);
  });

  it('DNIe: bare serialNumber and the CN "GARCÍA LÓPEZ, JUAN (AUTENTICACIÓN)"', async () => {
    const dnie = await leaf([{ C: ['ES'] }, { '2.5.4.5': ['12345678Z'] }, { CN: ['GARCÍA LÓPEZ, JUAN (AUTENTICACIÓN)'] }]);
    assert.deepEqual(readHolder(dnie.cert, []), { documentNumber: '12345678Z', givenName: 'JUAN', firstSurname: 'GARCÍA', secondSurname: 'LÓPEZ' });
  });

  it('prefers givenName/surname attributes; one surname leaves the second empty', async () => {
    const c = await leaf([{ '2.5.4.5': ['IDCES-12345678Z'] }, { '2.5.4.42': ['MARÍA JOSÉ'] }, { '2.5.4.4': ['PÉREZ'] }, { CN: ['OTRO, NOMBRE (FIRMA)'] }]);
    assert.deepEqual(readHolder(c.cert, []), { documentNumber: '12345678Z', givenName: 'MARÍA JOSÉ', firstSurname: 'PÉREZ', secondSurname: null });
  });

  it('a NIE in TINES- form, validated by its check letter', async () => {
    const c = await leaf([{ '2.5.4.5': ['TINES-X1234567L'] }, { '2.5.4.42': ['ANNA'] }, { '2.5.4.4': ['MÜLLER'] }]);
    assert.equal(readHolder(c.cert, []).documentNumber, 'X1234567L');
  });

  it('a wrong check letter is no identity', async () => {
    const c = await leaf([{ '2.5.4.5': ['IDCES-12345678A'] }, { '2.5.4.42': ['JUAN'] }, { '2.5.4.4': ['GARCÍA'] }]);
    noIdentity(() => readHolder(c.cert, []), /12345678A is not a valid DNI\/NIE/);
    const nie = await leaf([{ '2.5.4.5': ['X1234567A'] }, { '2.5.4.42': ['ANNA'] }, { '2.5.4.4': ['MÜLLER'] }]);
    noIdentity(() => readHolder(nie.cert, []), /not a valid/);
  });

  it('no serialNumber, or no names in either form, is no identity', async () => {
    const noSerial = await leaf([{ '2.5.4.42': ['JUAN'] }, { '2.5.4.4': ['GARCÍA'] }]);
    noIdentity(() => readHolder(noSerial.cert, []), /no document number/);
    const noNames = await leaf([{ '2.5.4.5': ['12345678Z'] }, { CN: ['Juan García'] }]);
    noIdentity(() => readHolder(noNames.cert, []), /no given name/);
  });

  it('a per-issuer profile reads the NIF from the CN, matched by issuer name or by its key identifier', async () => {
    const c = await leaf([{ CN: ['GARCIA LOPEZ JUAN - NIF 12345678Z'] }, { '2.5.4.42': ['JUAN'] }, { '2.5.4.4': ['GARCIA LOPEZ'] }]);
    noIdentity(() => readHolder(c.cert, []), /no document number/);
    const issuerCn = new x509.X509Certificate(pki.intermediate.pem).subjectName.getField('CN')[0]!;
    const byName: IssuerProfile = { issuerContains: issuerCn.toLowerCase(), documentFrom: 'cn-nif', namesFrom: 'givenName-surname' };
    assert.equal(readHolder(c.cert, [byName]).documentNumber, '12345678Z');
    const ski = new x509.X509Certificate(pki.intermediate.pem).getExtension(x509.SubjectKeyIdentifierExtension)!.keyId;
    assert.equal(readHolder(c.cert, [{ issuerSki: ski.toUpperCase(), documentFrom: 'cn-nif', namesFrom: 'givenName-surname' }]).documentNumber, '12345678Z');
    // another issuer's profile does not apply
    noIdentity(() => readHolder(c.cert, [{ issuerSki: '00112233', documentFrom: 'cn-nif', namesFrom: 'givenName-surname' }]), /no document number/);
  });
});
