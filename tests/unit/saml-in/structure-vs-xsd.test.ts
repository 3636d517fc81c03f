// Differential test (design.md "Stack"): whatever the structural validator accepts, the XSDs
// (libxml2) accept too. Corpus: valid messages of every kind we take, deterministic mutations of
// them (dropped, duplicated, reordered children; unknown elements and attributes; bad value
// types; stray text) and the inbound attack messages. Keycloak's Subject-before-Extensions order
// is the one documented deviation: such messages are reordered to schema order, then checked.
import assert from 'node:assert/strict';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { NS } from '../../../broker/saml/namespaces.js';
import { parseXml } from '../../../broker/saml/parse-xml.js';
import { validateStructure } from '../../../broker/saml/validate-structure.js';
import { validateXsd } from '../../../broker/saml/xsd.js';
import { buildAuthnRequest, buildLogoutRequest, buildLogoutResponse, signPost, testCert, testKey } from '../../helpers/sign-request.js';
import { attackCorpus } from '../../security/inbound-attack-corpus.js';
import { elementKids, pick, prng, structureMutations } from '../../helpers/xml-mutations.js';

const T0 = new Date('2026-01-01T10:00:00.123Z');
function baseMessages(): string[] {
  const key = testKey('sp1');
  const cert = testCert('sp1');
  const full = {
    id: 'ID_base1',
    issueInstant: T0,
    forceAuthn: true,
    isPassive: false,
    attributeConsumingServiceIndex: 0,
    providerName: 'Demo',
    spType: 'public' as const,
    requestedAttributes: [
      { name: 'http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier', isRequired: true, friendlyName: 'PersonIdentifier' },
      { name: 'http://es.minhafp.clave/AFirmaIdP' },
    ],
    kcKeyId: 'kid-1',
    nameIDPolicy: { format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', allowCreate: true },
    requestedAuthnContext: { comparison: 'minimum' as const, classRefs: ['http://eidas.europa.eu/LoA/substantial', 'http://eidas.europa.eu/LoA/high'] },
    subjectNameID: 'hint@example.org',
    subjectInSchemaOrder: true,
  };
  const msgs = [
    buildAuthnRequest({ id: 'ID_a', issueInstant: T0 }),
    buildAuthnRequest(full),
    buildAuthnRequest({ ...full, id: 'ID_kc', subjectInSchemaOrder: false }),
    buildAuthnRequest({ id: 'ID_idx', issueInstant: T0, acsIndex: 1, nameIDPolicy: null, forceAuthn: null, requestedAuthnContext: { declRefs: ['urn:x:decl'] } }),
    buildLogoutRequest({ id: 'ID_lr', issueInstant: T0, notOnOrAfter: T0, sessionIndexes: ['s1', 's2'] }),
    buildLogoutResponse({ id: 'ID_lresp', issueInstant: T0 }),
  ];
  return [...msgs, ...msgs.map((m) => signPost(m, key, cert)), signPost(msgs[1]!, key, cert, 'rsa-pss-sha512', { keyName: 'NONE', inclusiveNamespaces: ['saml'] })];
}

/** Move a Subject that precedes Extensions to just after it (schema order). */
function toSchemaOrder(xml: string): string {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const root = doc.documentElement!;
  const kids = elementKids(root);
  const subject = kids.find((k) => k.namespaceURI === NS.saml && k.localName === 'Subject');
  const ext = kids.find((k) => k.namespaceURI === NS.samlp && k.localName === 'Extensions');
  if (subject && ext) root.insertBefore(subject, ext.nextSibling);
  return new XMLSerializer().serializeToString(doc);
}

function structuralVerdict(xml: string): { ok: boolean; kcOrder: boolean } {
  try {
    const r = validateStructure(parseXml(xml).root);
    return { ok: true, kcOrder: r.keycloakSubjectBeforeExtensions };
  } catch {
    return { ok: false, kcOrder: false };
  }
}

describe('structural validator never accepts what the XSD refuses', () => {
  const bases = baseMessages();
  const corpus: { name: string; xml: string }[] = bases.map((xml, i) => ({ name: `base ${i}`, xml }));
  const rnd = prng(20260101);
  const mutations = structureMutations();
  const names = Object.keys(mutations);
  for (let n = 0; n < 1200; n++) {
    const base = bases[n % bases.length]!;
    const doc = new DOMParser().parseFromString(base, 'application/xml');
    const steps = 1 + Math.floor(rnd() * 2);
    const applied: string[] = [];
    for (let s = 0; s < steps; s++) {
      const m = pick(names, rnd);
      if (mutations[m]!(doc, rnd)) applied.push(m);
    }
    corpus.push({ name: `mutant ${n} of base ${n % bases.length}: ${applied.join('+')}`, xml: new XMLSerializer().serializeToString(doc) });
  }
  for (const a of attackCorpus()) corpus.push({ name: `attack ${a.name}`, xml: a.xml });

  it('every valid base message passes both validators', () => {
    for (const [i, xml] of bases.entries()) {
      const s = structuralVerdict(xml);
      assert.ok(s.ok, `base ${i} refused by the structural validator`);
      const x = validateXsd(s.kcOrder ? toSchemaOrder(xml) : xml, 'protocol');
      assert.ok(x.ok, `base ${i}: ${x.errors.join('; ')}`);
    }
  });

  it(`over ${corpus.length} generated and attack messages, structural acceptance implies XSD acceptance`, function () {
    this.timeout(120_000);
    let accepted = 0;
    let refused = 0;
    let kc = 0;
    const failures: string[] = [];
    for (const c of corpus) {
      const s = structuralVerdict(c.xml);
      if (!s.ok) {
        refused++;
        continue;
      }
      accepted++;
      if (s.kcOrder) kc++;
      const x = validateXsd(s.kcOrder ? toSchemaOrder(c.xml) : c.xml, 'protocol');
      if (!x.ok) failures.push(`${c.name}: ${x.errors[0]}`);
    }
    assert.deepEqual(failures.slice(0, 5), []);
    // the corpus must exercise both sides, or it proves nothing
    assert.ok(accepted >= 50, `only ${accepted} accepted`);
    assert.ok(refused >= 500, `only ${refused} refused`);
    assert.ok(kc >= 2, `Keycloak order seen ${kc} times`);
  });
});
