// python3-pysaml2 (Debian) as an independent service provider: it writes its own metadata, which the
// broker trusts, sends a signed AuthnRequest over HTTP-Redirect, and reads the broker's signed
// Response (Response and Assertion signatures required, unsolicited Responses refused) after a real
// PIN login driven over HTTP. pysaml2 checks signatures with xmlsec1, so this also holds our
// Responses to a second, non-JavaScript XML-DSig stack.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import { CARMEN, loginWithPin, readPostForm, txOf } from '../helpers/flow-driver.js';
import { runPysaml2, runPysaml2Ok } from '../helpers/pysaml2-sp.js';

const PY_SP = 'https://pysaml2.test/metadata';
const NATURAL = 'http://eidas.europa.eu/attributes/naturalperson/';

interface PyLogin {
  in_response_to: string;
  issuer: string;
  name_id: string;
  name_id_format: string;
  authn_context_class_ref: string;
  session_index: string | null;
  attributes: Record<string, string[]>;
  attribute_statement: { name: string; friendly_name: string | null; name_format: string; values: string[] }[];
}

describe('interop python3-pysaml2 as SP (HTTP-Redirect request, HTTP-POST response)', function () {
  this.timeout(30_000);
  let work: string;
  let b: TestBroker;
  let idpMetadata: string;
  let samlResponseFile: string;
  let state: string;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'pasarela-pysaml2-'));
    const mdDir = path.join(work, 'sp-metadata');
    state = path.join(work, 'state');
    await Promise.all([mkdir(mdDir), mkdir(state)]);
    await runPysaml2Ok(['metadata', state, path.join(mdDir, 'pysaml2.xml')]);
    b = await startTestBroker({
      overrides: {
        sps: {
          metadataDirs: ['tests/fixtures/metadata', mdDir],
          policies: { [PY_SP]: { displayName: 'pysaml2 test service' } },
        },
      },
    });
    assert.ok(b.broker.services.spRegistry.get(PY_SP), 'broker trusts the metadata pysaml2 wrote');
    idpMetadata = path.join(work, 'idp-metadata.xml');
    const md = await request(b.server).get('/saml/metadata').expect(200);
    await writeFile(idpMetadata, md.text);
    samlResponseFile = path.join(work, 'saml-response.b64');
  });
  after(async () => {
    await b?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('pysaml2 accepts the signed Response of a PIN login and reads NameID, LoA and attributes', async () => {
    const login = JSON.parse((await runPysaml2Ok(['login', state, idpMetadata])).stdout) as { id: string; url: string };
    const url = new URL(login.url);
    assert.equal(url.origin + url.pathname, `${b.url}/saml/sso`);
    assert.ok(url.searchParams.get('Signature'), 'pysaml2 signed the Redirect binding');

    const agent = request.agent(b.server);
    const start = await agent.get(url.pathname + url.search).expect(303);
    const done = await loginWithPin(agent, b.varDir, txOf(start.headers.location!), CARMEN);
    assert.equal(done.status, 200, done.text.slice(0, 500));
    const form = readPostForm(done.text);
    assert.equal(form.action, 'https://pysaml2.test/acs');
    assert.equal(form.fields.RelayState, 'pysaml2-relay');
    await writeFile(samlResponseFile, form.fields.SAMLResponse!);

    const out = JSON.parse((await runPysaml2Ok(['acs', state, idpMetadata, samlResponseFile])).stdout) as PyLogin;
    assert.equal(out.in_response_to, login.id);
    assert.equal(out.issuer, `${b.url}/saml/metadata`);
    assert.equal(out.name_id_format, 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
    assert.match(out.name_id, /^\S{16,}$/, 'an opaque pairwise identifier');
    assert.equal(out.authn_context_class_ref, 'http://eidas.europa.eu/LoA/substantial');
    assert.ok(out.session_index, 'a SessionIndex for logout');
    // pysaml2 has no converter for the eIDAS URIs, so its identity is keyed by FriendlyName
    assert.deepEqual(out.attributes, {
      PersonIdentifier: ['ES/ES/12345678Z'],
      FirstName: ['Carmen'],
      FamilyName: ['Español Español'],
      DateOfBirth: ['1980-01-01'],
    });
    const byName = new Map(out.attribute_statement.map((a) => [a.name, a]));
    assert.deepEqual(byName.get(`${NATURAL}PersonIdentifier`)?.values, ['ES/ES/12345678Z']);
    assert.deepEqual(byName.get(`${NATURAL}CurrentGivenName`)?.values, ['Carmen']);
    assert.deepEqual(byName.get(`${NATURAL}CurrentFamilyName`)?.values, ['Español Español']);
    assert.deepEqual(byName.get(`${NATURAL}DateOfBirth`)?.values, ['1980-01-01']);
    for (const a of out.attribute_statement) assert.equal(a.name_format, 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri');
  });

  it('pysaml2 refuses the same Response as unsolicited when it has no outstanding request', async () => {
    const fresh = path.join(work, 'fresh-state');
    await mkdir(fresh);
    const r = await runPysaml2(['acs', fresh, idpMetadata, samlResponseFile]);
    assert.notEqual(r.code, 0, `pysaml2 must refuse, printed ${r.stdout}`);
    assert.match(r.stderr, /Unsolicited/i);
    assert.equal(r.stdout, '');
  });

  it('pysaml2 refuses the Response once an attribute value is altered (signatures really checked)', async () => {
    const xml = Buffer.from(await readFile(samlResponseFile, 'utf8'), 'base64').toString('utf8');
    assert.ok(xml.includes('ES/ES/12345678Z'));
    const tampered = path.join(work, 'tampered.b64');
    await writeFile(tampered, Buffer.from(xml.replace('ES/ES/12345678Z', 'ES/ES/87654321X'), 'utf8').toString('base64'));
    const r = await runPysaml2(['acs', state, idpMetadata, tampered]);
    assert.notEqual(r.code, 0, `pysaml2 must refuse, printed ${r.stdout}`);
    assert.match(r.stderr, /signature/i);
  });
});
