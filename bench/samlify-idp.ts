// The comparison point: samlify's identity provider doing the same job as one broker SSO round
// trip, minus HTTP and sessions — parse a Redirect AuthnRequest (its no-op schema validator),
// build a Response with the same four eIDAS attributes, the Assertion signed with the same
// RSA-2048 key (Assertion only, as in our first variant), nothing encrypted.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import samlify from 'samlify';
import { BINDING, NAMEID_FORMAT } from '../broker/saml/namespaces.js';
import { BENCH_ACS, BENCH_SP } from './bench-sp.js';
import { freshRedirectPath } from './authn-requests.js';
import { PROJECT_ROOT } from './pinned-child.js';

const IDP_URL = 'http://127.0.0.1:8080';
const EIDAS_NP = 'http://eidas.europa.eu/attributes/naturalperson/';
const URI_FORMAT = 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri';
// The attributes the broker releases to sp2 (eIDAS minimum data set), for the same person.
const ATTRIBUTES = [
  { name: `${EIDAS_NP}PersonIdentifier`, valueTag: 'PersonIdentifier', value: 'ES/ES/12345678Z' },
  { name: `${EIDAS_NP}CurrentGivenName`, valueTag: 'FirstName', value: 'Carmen' },
  { name: `${EIDAS_NP}CurrentFamilyName`, valueTag: 'FamilyName', value: 'Español Español' },
  { name: `${EIDAS_NP}DateOfBirth`, valueTag: 'DateOfBirth', value: '1980-01-01' },
];

const read = (p: string) => readFileSync(path.join(PROJECT_ROOT, p), 'utf8');

export interface SamlifyPair {
  readonly idp: InstanceType<typeof samlify.IdentityProviderInstance>;
  readonly sp: InstanceType<typeof samlify.ServiceProviderInstance>;
}

export function samlifyPair(): SamlifyPair {
  // What the docs call the no-op validator: samlify refuses to parse without one.
  samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped') });
  const base = samlify.SamlLib.defaultLoginResponseTemplate;
  const idp = samlify.IdentityProvider({
    entityID: `${IDP_URL}/saml/metadata`,
    privateKey: read('tests/fixtures/keys/idp.key'),
    signingCert: read('tests/fixtures/keys/idp.crt'),
    isAssertionEncrypted: false,
    wantAuthnRequestsSigned: false,
    nameIDFormat: [NAMEID_FORMAT.persistent],
    singleSignOnService: [{ Binding: BINDING.redirect, Location: `${IDP_URL}/saml/sso` }],
    singleLogoutService: [{ Binding: BINDING.redirect, Location: `${IDP_URL}/saml/slo` }],
    loginResponseTemplate: {
      context: base.context,
      attributes: ATTRIBUTES.map((a) => ({ name: a.name, valueTag: a.valueTag, nameFormat: URI_FORMAT, valueXsiType: 'xs:string' })),
    },
  });
  // sp2's metadata, saying it wants signed assertions: samlify then signs the Assertion only
  // (wantMessageSigned stays false), which is our first variant.
  const spXml = read('tests/fixtures/metadata/sp2.xml').replace('AuthnRequestsSigned="false"', 'AuthnRequestsSigned="false" WantAssertionsSigned="true"');
  const sp = samlify.ServiceProvider({ metadata: spXml, wantMessageSigned: false });
  return { idp, sp };
}

/** One round trip: parse a fresh Redirect AuthnRequest, build and sign the Response. */
export async function samlifyRoundTrip({ idp, sp }: SamlifyPair): Promise<string> {
  const query = Object.fromEntries(new URLSearchParams(freshRedirectPath(IDP_URL).split('?')[1]));
  const requestInfo = await idp.parseLoginRequest(sp, 'redirect', { query });
  const requestId = (requestInfo.extract as { request: { id: string } }).request.id;
  const acs = BENCH_ACS;
  const idpSetting = idp.entitySetting as { generateID: () => string };
  const res = await idp.createLoginResponse(sp, { ...requestInfo }, 'post', {}, (template: string) => {
    // samlify's documented way to fill attributes: the caller fills every tag of the template.
    const now = new Date();
    const later = new Date(now.getTime() + 300_000).toISOString();
    const id = idpSetting.generateID();
    const values: Record<string, string> = {
      ID: id,
      AssertionID: idpSetting.generateID(),
      Destination: acs,
      Audience: BENCH_SP,
      EntityID: BENCH_SP,
      SubjectRecipient: acs,
      Issuer: idp.entityMeta.getEntityID(),
      IssueInstant: now.toISOString(),
      AssertionConsumerServiceURL: acs,
      StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
      ConditionsNotBefore: new Date(now.getTime() - 5000).toISOString(),
      ConditionsNotOnOrAfter: later,
      SubjectConfirmationDataNotOnOrAfter: later,
      NameIDFormat: NAMEID_FORMAT.persistent,
      NameID: 'bench-pseudonym-0123456789abcdef',
      InResponseTo: requestId,
    };
    for (const a of ATTRIBUTES) values[`attr${a.valueTag}`] = a.value;
    // replaceTagsByValue escapes every value, so the AuthnStatement (which the broker's Assertion
    // has too: SessionIndex, LoA) goes into the template as markup first.
    const authn =
      `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${idpSetting.generateID()}">` +
      `<saml:AuthnContext><saml:AuthnContextClassRef>http://eidas.europa.eu/LoA/substantial</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`;
    return { id, context: samlify.SamlLib.replaceTagsByValue(template.replace('{AuthnStatement}', authn), values) };
  });
  return res.context;
}
