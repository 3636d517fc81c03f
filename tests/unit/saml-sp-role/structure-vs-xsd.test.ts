// Differential test (design.md "Stack") for the SP role's structural rules
// (broker/saml/structure/response.ts): whatever they accept, the SAML XSDs (libxml2) accept too.
// Corpus: Responses of every form the test eIDAS node makes (plain, encrypted with the key inline
// or as a sibling, a failure status) and a decrypted Assertion on its own, plus deterministic
// mutations of them. eIDAS attribute values lose their xsi:type here (xs:anyType, which allows
// LatinScript): the XSDs we vendor do not include the eIDAS attribute schemas those types name.
import assert from 'node:assert/strict';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { NS } from '../../../broker/saml/namespaces.js';
import { parseXml } from '../../../broker/saml/parse-xml.js';
import { checkElement } from '../../../broker/saml/structure/grammar.js';
import { Assertion, Response } from '../../../broker/saml/structure/response.js';
import { rejectDuplicateIds } from '../../../broker/saml/validate-structure.js';
import { validateXsd } from '../../../broker/saml/xsd.js';
import { pick, prng, structureMutations, UNKNOWN_ELEMENTS } from '../../helpers/xml-mutations.js';
import { ourEncryptionCert, startSpRoleWorld, type SpRoleWorld } from './harness.js';

type Kind = 'Response' | 'Assertion';
interface Sample {
  readonly name: string;
  readonly kind: Kind;
  readonly xml: string;
}

const EXTRA_ELEMENTS: [string, string][] = [
  [NS.saml, 'saml:Advice'],
  [NS.saml, 'saml:EncryptedID'],
  [NS.saml, 'saml:AttributeValue'],
  [NS.xenc, 'xenc:EncryptedKey'],
  [NS.xenc, 'xenc:CipherReference'],
  [NS.ds, 'ds:RetrievalMethod'],
];

function structuralOk(s: Sample): boolean {
  try {
    const { root } = parseXml(s.xml);
    if (root.namespaceURI !== (s.kind === 'Response' ? NS.samlp : NS.saml) || root.localName !== s.kind) return false;
    rejectDuplicateIds(root);
    checkElement(root, s.kind === 'Response' ? Response : Assertion);
    return true;
  } catch {
    return false;
  }
}

const xsdOf = (s: Sample) => validateXsd(s.xml, s.kind === 'Response' ? 'protocol' : 'assertion');
const untyped = (xml: string) => xml.replace(/ xsi:type="eidas-(natural|legal):[A-Za-z]+Type"/g, '');

/** The signed Assertion of a plain Response as a document of its own (what decryption yields). */
function assertionAlone(responseXml: string): string {
  const doc = new DOMParser().parseFromString(responseXml, 'application/xml');
  const a = doc.getElementsByTagNameNS(NS.saml, 'Assertion')[0]!;
  return new XMLSerializer().serializeToString(a);
}

describe('SP-role structural rules never accept what the XSDs refuse', function () {
  this.timeout(120_000);
  let w: SpRoleWorld;
  const bases: Sample[] = [];
  before(async () => {
    w = await startSpRoleWorld();
    const make = async (opts: Parameters<SpRoleWorld['respond']>[0]) => untyped((await w.respond(opts)).xml);
    const plain = await make({ legalPerson: true });
    bases.push(
      { name: 'plain, both signed, legal person', kind: 'Response', xml: plain },
      { name: 'only the Assertion signed', kind: 'Response', xml: await make({ signResponse: false }) },
      { name: 'encrypted, key inline, xmlenc11 MGF', kind: 'Response', xml: await make({ encryptTo: ourEncryptionCert, encryption: { keyTransport: 'rsa-oaep', mgf: 'sha256' } }) },
      { name: 'encrypted, key as a sibling', kind: 'Response', xml: await make({ encryptTo: ourEncryptionCert, encryption: { keyPlacement: 'sibling' } }) },
      { name: 'failure status', kind: 'Response', xml: await make({ status: 'AuthnFailed', statusMessage: 'cancelled' }) },
      { name: 'decrypted Assertion', kind: 'Assertion', xml: assertionAlone(plain) },
    );
  });
  after(() => w.close());

  it('every base passes both', () => {
    for (const b of bases) {
      assert.ok(structuralOk(b), `${b.name}: refused by the structural rules`);
      const x = xsdOf(b);
      assert.ok(x.ok, `${b.name}: ${x.errors.join('; ')}`);
    }
  });

  it('over 900 mutants, structural acceptance implies XSD acceptance', () => {
    const rnd = prng(20261123);
    const mutations = structureMutations([...UNKNOWN_ELEMENTS, ...EXTRA_ELEMENTS]);
    const names = Object.keys(mutations);
    const failures: string[] = [];
    let accepted = 0;
    let refused = 0;
    for (let n = 0; n < 900; n++) {
      const base = bases[n % bases.length]!;
      const doc = new DOMParser().parseFromString(base.xml, 'application/xml');
      const applied: string[] = [];
      for (let s = 1 + Math.floor(rnd() * 2); s > 0; s--) {
        const m = pick(names, rnd);
        if (mutations[m]!(doc, rnd)) applied.push(m);
      }
      const sample: Sample = { name: `mutant ${n} of ${base.name}: ${applied.join('+')}`, kind: base.kind, xml: new XMLSerializer().serializeToString(doc) };
      if (!structuralOk(sample)) {
        refused++;
        continue;
      }
      accepted++;
      const x = xsdOf(sample);
      if (!x.ok) failures.push(`${sample.name}: ${x.errors[0]}`);
    }
    assert.deepEqual(failures.slice(0, 5), []);
    // the corpus must exercise both sides, or it proves nothing
    assert.ok(accepted >= 40, `only ${accepted} accepted`);
    assert.ok(refused >= 400, `only ${refused} refused`);
  });
});
