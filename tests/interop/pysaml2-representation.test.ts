// python3-pysaml2 as the SP of logins on behalf of organisations (issue 7 "In the assertion"):
// pysaml2 sends its signed AuthnRequest (substantial), a Cl@ve Permanente reinforced login is
// driven over HTTP through the representation page, and pysaml2 verifies the signed Response
// (xmlsec1) and reports the attributes it read, for acting as oneself, through a direct mandate,
// through a chain mandate and through a general authority, with both dialects on. The
// eHerkenning identifiers arrive as saml:NameID element content, which pysaml2 keeps as extension
// elements of the AttributeValue.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { CARMEN, readPostForm, txOf } from '../helpers/flow-driver.js';
import { activatePermanente } from '../helpers/permanente.js';
import { runPysaml2Ok } from '../helpers/pysaml2-sp.js';
import { mandateFixtures, type FixtureService, type MandateFixtures } from '../helpers/mandate-fixtures.js';
import { permanenteFromSelector, postChoice, representationPage } from '../helpers/representation-login.js';
import { es, FAST_ARGON2 } from '../helpers/permanente-login.js';

const PY_SP = 'https://pysaml2.test/metadata';
const NP = 'http://eidas.europa.eu/attributes/naturalperson/';
const LP = 'http://eidas.europa.eu/attributes/legalperson/';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';

type PyValue = string | null | { namespace: string; tag: string; attributes: Record<string, string>; text: string }[];
interface PyLogin {
  in_response_to: string;
  authn_context_class_ref: string;
  attribute_statement: { name: string; friendly_name: string | null; name_format: string; values: PyValue[] }[];
}

describe('interop python3-pysaml2 as SP of logins on behalf of organisations (both dialects)', function () {
  this.timeout(60_000);
  let work: string;
  let b: TestBroker;
  let fx: MandateFixtures;
  let service: FixtureService;
  let carmenId: string;
  let idpMetadata: string;
  let state: string;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'pasarela-pysaml2-rep-'));
    const mdDir = path.join(work, 'sp-metadata');
    state = path.join(work, 'state');
    await Promise.all([mkdir(mdDir), mkdir(state)]);
    await runPysaml2Ok(['metadata', state, path.join(mdDir, 'pysaml2.xml')]);
    b = await startTestBroker({
      overrides: {
        connectors: { permanente: { argon2: FAST_ARGON2, codesPerPersonPerHour: 1000, codesPerIpPerHour: 1000 } },
        mandates: { seedFile: null },
        sps: {
          metadataDirs: ['tests/fixtures/metadata', mdDir],
          policies: { [PY_SP]: { displayName: 'pysaml2 test service', dialects: ['eidas', 'eherkenning'] } },
        },
      },
    });
    idpMetadata = path.join(work, 'idp-metadata.xml');
    await writeFile(idpMetadata, (await request(b.server).get('/saml/metadata').expect(200)).text);
    fx = mandateFixtures(b);
    carmenId = await activatePermanente(b, CARMEN.document);
    // pysaml2 sends no AttributeConsumingServiceIndex: its default service
    service = await fx.service({ spEntityID: PY_SP, isDefault: true, minRung: '3', acceptsChain: true, name: 'Tax return' });
  });
  afterEach(async () => fx.clear());
  after(async () => {
    await b?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** A pysaml2 request, a reinforced Permanente login, the choice whose label is `label`, pysaml2's reading of the Response. */
  async function loginAs(label: string): Promise<{ py: PyLogin; attrs: Map<string, PyValue[]>; friendly: Map<string, string | null> }> {
    const login = JSON.parse((await runPysaml2Ok(['login', state, idpMetadata])).stdout) as { id: string; url: string };
    const url = new URL(login.url);
    const agent = request.agent(b.server);
    const tx = txOf((await agent.get(url.pathname + url.search).expect(303)).headers.location!);
    const page = await representationPage(agent, tx, await permanenteFromSelector(b, agent, tx, CARMEN, true));
    const choice = page.choices.find((c) => c.label === label);
    assert.ok(choice, `"${label}" among ${page.choices.map((c) => c.label).join(' | ')}`);
    const done = await postChoice(agent, tx, page.csrf, choice.key);
    assert.equal(done.status, 200, done.text.slice(0, 800));
    const form = readPostForm(done.text);
    assert.equal(form.action, 'https://pysaml2.test/acs');
    const file = path.join(work, `response-${Date.now()}.b64`);
    await writeFile(file, form.fields.SAMLResponse!);
    const py = JSON.parse((await runPysaml2Ok(['acs', state, idpMetadata, file])).stdout) as PyLogin;
    assert.equal(py.in_response_to, login.id);
    assert.equal(py.authn_context_class_ref, 'http://eidas.europa.eu/LoA/substantial');
    for (const a of py.attribute_statement) assert.equal(a.name_format, 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri');
    return { py, attrs: new Map(py.attribute_statement.map((a) => [a.name, a.values])), friendly: new Map(py.attribute_statement.map((a) => [a.name, a.friendly_name])) };
  }

  /** The NameID pysaml2 found inside an AttributeValue. */
  function nameIDOf(values: PyValue[] | undefined): { qualifier: string; value: string } {
    assert.ok(values && values.length === 1, 'one value');
    const v = values[0];
    assert.ok(Array.isArray(v) && v.length === 1, `element content, got ${JSON.stringify(v)}`);
    assert.equal(v[0]!.namespace, SAML);
    assert.equal(v[0]!.tag, 'NameID');
    return { qualifier: v[0]!.attributes.NameQualifier!, value: v[0]!.text };
  }

  async function santosAndVries() {
    const santos = await fx.organisation({ name: 'Santos B.V.' });
    const vries = await fx.organisation({ name: 'Accountants Vries' });
    return { santos, vries };
  }
  const member = (orgId: string) => fx.member({ organisationId: orgId, personId: carmenId, document: CARMEN.document, level: '3' });

  it('myself: the natural person as usual, plus ServiceID and ServiceUUID; nothing of an organisation', async () => {
    const { santos } = await santosAndVries();
    await fx.mandate({ organisationId: santos.id, memberId: await member(santos.id), serviceId: service.id });
    const { attrs, friendly } = await loginAs(es('represent.myself'));
    assert.deepEqual(attrs.get(`${NP}PersonIdentifier`), ['ES/ES/12345678Z']);
    assert.deepEqual(attrs.get('urn:etoegang:core:ServiceID'), [service.serviceId]);
    assert.deepEqual(attrs.get('urn:etoegang:core:ServiceUUID'), [service.serviceUuid]);
    assert.equal(friendly.get('urn:etoegang:core:ServiceUUID'), 'ServiceUUID');
    assert.equal(attrs.get('urn:etoegang:core:LegalSubjectID'), undefined);
    assert.equal(attrs.get(`${LP}LegalPersonIdentifier`), undefined);
  });

  it('direct mandate: LegalSubjectID and ActingSubjectID as NameIDs, LegalPersonIdentifier/LegalName, the person as representative', async () => {
    const { santos } = await santosAndVries();
    await fx.mandate({ organisationId: santos.id, memberId: await member(santos.id), serviceId: service.id });
    const { attrs, friendly } = await loginAs(es('represent.direct', { organisation: 'Santos B.V.' }));
    assert.deepEqual(nameIDOf(attrs.get('urn:etoegang:core:LegalSubjectID')), { qualifier: 'urn:etoegang:1.9:EntityConcernedID:KvKnr', value: santos.identifier });
    const acting = nameIDOf(attrs.get('urn:etoegang:core:ActingSubjectID'));
    assert.equal(acting.qualifier, `${b.url}/saml/metadata`);
    assert.match(acting.value, /^1\.[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(attrs.get('urn:etoegang:1.11:attribute-represented:CompanyName'), ['Santos B.V.']);
    assert.deepEqual(attrs.get(`${LP}LegalPersonIdentifier`), [`NL/ES/${santos.identifier}`]);
    assert.deepEqual(attrs.get(`${LP}LegalName`), ['Santos B.V.']);
    assert.deepEqual(attrs.get(`${NP}representative/PersonIdentifier`), ['ES/ES/12345678Z']);
    assert.deepEqual(attrs.get(`${NP}representative/DateOfBirth`), ['1980-01-01']);
    assert.equal(friendly.get(`${NP}representative/CurrentGivenName`), 'RepresentativeFirstName');
    assert.equal(attrs.get(`${NP}PersonIdentifier`), undefined);
    assert.equal(attrs.get('urn:etoegang:1.9:IntermediateEntityID:KvKnr'), undefined);
  });

  it('chain mandate: for Santos through Vries, the intermediary in the eHerkenning chain attributes and as the eIDAS legal representative', async () => {
    const { santos, vries } = await santosAndVries();
    await fx.mandate({ organisationId: vries.id, memberId: await member(vries.id), serviceId: service.id });
    await fx.chainMandate({ clientId: santos.id, intermediaryId: vries.id, serviceId: service.id });
    const { attrs } = await loginAs(es('represent.chain', { client: 'Santos B.V.', intermediary: 'Accountants Vries' }));
    assert.deepEqual(nameIDOf(attrs.get('urn:etoegang:core:LegalSubjectID')).value, santos.identifier);
    assert.deepEqual(attrs.get('urn:etoegang:1.9:IntermediateEntityID:KvKnr'), [vries.identifier]);
    assert.deepEqual(attrs.get('urn:etoegang:1.13:attribute-intermediate:CompanyName'), ['Accountants Vries']);
    assert.deepEqual(attrs.get('urn:etoegang:1.11:attribute-represented:CompanyName'), ['Santos B.V.']);
    assert.deepEqual(attrs.get(`${LP}LegalName`), ['Santos B.V.']);
    assert.deepEqual(attrs.get(`${LP}representative/LegalPersonIdentifier`), [`NL/ES/${vries.identifier}`]);
    assert.deepEqual(attrs.get(`${LP}representative/LegalName`), ['Accountants Vries']);
    assert.deepEqual(attrs.get(`${NP}representative/PersonIdentifier`), ['ES/ES/12345678Z']);
  });

  it('general authority (rung 4, every service up to it): the organisation represented for this service', async () => {
    const { santos } = await santosAndVries();
    await fx.mandate({ organisationId: santos.id, memberId: await member(santos.id), generalRung: '4' });
    const { attrs } = await loginAs(es('represent.direct', { organisation: 'Santos B.V.' }));
    assert.deepEqual(nameIDOf(attrs.get('urn:etoegang:core:LegalSubjectID')).value, santos.identifier);
    assert.deepEqual(attrs.get('urn:etoegang:core:ServiceID'), [service.serviceId]);
    assert.deepEqual(attrs.get(`${LP}LegalPersonIdentifier`), [`NL/ES/${santos.identifier}`]);
  });
});
