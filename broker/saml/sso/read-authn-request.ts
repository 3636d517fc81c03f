// The AuthnRequest as the rest of the broker sees it, read only from a TrustedRoot (the signed
// reference, the Redirect-signed document, or an unsigned request its SP may send).
import { childElement, childElements, optionalAttr, textOf } from '../dom-read.js';
import { NS } from '../namespaces.js';
import { parseXsdBoolean } from '../structure/value-types.js';
import { markVerified, type Verified } from '../verified.js';
import type { TrustedRoot } from '../verify-message-signature.js';

export interface AuthnRequestView {
  id: string;
  issueInstant: Date;
  issuer: string;
  destination?: string;
  acsUrl?: string;
  acsIndex?: number;
  protocolBinding?: string;
  forceAuthn: boolean;
  isPassive: boolean;
  nameIDPolicy?: { format?: string; allowCreate?: boolean };
  requestedAuthnContext?: { comparison: 'exact' | 'minimum' | 'better' | 'maximum'; classRefs: string[]; declRefs: string[] };
  attributeConsumingServiceIndex?: number;
  requestedAttributes: { name: string; isRequired: boolean }[];
  /** Cl@ve: AFirmaIdP, GISSIdP, CLVMOVILIdP, EIDASIdP, AEATIdP requested without value = method excluded */
  claveExcludedAttributes: string[];
  subjectNameID?: string;
}

// Cl@ve 2 SPs switch identity providers off by requesting these attributes without a value
// (design.md "Assertion attributes"), under the Cl@ve namespace http://es.minhafp.clave/.
const CLAVE_PREFIX = 'http://es.minhafp.clave/';
const CLAVE_EXCLUSIONS = ['AFirmaIdP', 'GISSIdP', 'CLVMOVILIdP', 'EIDASIdP', 'AEATIdP'];

function claveExclusion(name: string): string | undefined {
  const short = name.startsWith(CLAVE_PREFIX) ? name.slice(CLAVE_PREFIX.length) : name;
  return CLAVE_EXCLUSIONS.includes(short) ? short : undefined;
}

const optNumber = (v: string | undefined) => (v === undefined ? undefined : Number(v));

export function readAuthnRequest(trusted: TrustedRoot): Verified<AuthnRequestView> {
  const root = trusted.root;
  const requestedAttributes: AuthnRequestView['requestedAttributes'] = [];
  const claveExcludedAttributes: string[] = [];
  const extensions = childElement(root, NS.samlp, 'Extensions');
  const requested = extensions ? childElement(extensions, NS.eidas, 'RequestedAttributes') : undefined;
  for (const ra of requested ? childElements(requested, NS.eidas, 'RequestedAttribute') : []) {
    const name = ra.getAttribute('Name') ?? '';
    const excluded = claveExclusion(name);
    if (excluded && childElements(ra, NS.eidas, 'AttributeValue').length === 0) claveExcludedAttributes.push(excluded);
    else requestedAttributes.push({ name, isRequired: parseXsdBoolean(ra.getAttribute('isRequired')) ?? false });
  }
  const policy = childElement(root, NS.samlp, 'NameIDPolicy');
  const rac = childElement(root, NS.samlp, 'RequestedAuthnContext');
  const subjectNameID = childElement(root, NS.saml, 'Subject');
  const view: AuthnRequestView = {
    id: root.getAttribute('ID')!,
    issueInstant: new Date(root.getAttribute('IssueInstant')!),
    issuer: textOf(childElement(root, NS.saml, 'Issuer')!),
    forceAuthn: parseXsdBoolean(root.getAttribute('ForceAuthn')) ?? false,
    isPassive: parseXsdBoolean(root.getAttribute('IsPassive')) ?? false,
    requestedAttributes,
    claveExcludedAttributes,
  };
  const set = <K extends keyof AuthnRequestView>(k: K, v: AuthnRequestView[K] | undefined) => {
    if (v !== undefined) view[k] = v;
  };
  set('destination', optionalAttr(root, 'Destination'));
  set('acsUrl', optionalAttr(root, 'AssertionConsumerServiceURL'));
  set('acsIndex', optNumber(optionalAttr(root, 'AssertionConsumerServiceIndex')));
  set('protocolBinding', optionalAttr(root, 'ProtocolBinding'));
  set('attributeConsumingServiceIndex', optNumber(optionalAttr(root, 'AttributeConsumingServiceIndex')));
  if (policy) {
    const p: NonNullable<AuthnRequestView['nameIDPolicy']> = {};
    const format = optionalAttr(policy, 'Format');
    const allowCreate = parseXsdBoolean(policy.getAttribute('AllowCreate'));
    if (format !== undefined) p.format = format;
    if (allowCreate !== undefined) p.allowCreate = allowCreate;
    view.nameIDPolicy = p;
  }
  if (rac) {
    view.requestedAuthnContext = {
      comparison: (optionalAttr(rac, 'Comparison') ?? 'exact') as 'exact' | 'minimum' | 'better' | 'maximum',
      classRefs: childElements(rac, NS.saml, 'AuthnContextClassRef').map(textOf),
      declRefs: childElements(rac, NS.saml, 'AuthnContextDeclRef').map(textOf),
    };
  }
  if (subjectNameID) set('subjectNameID', textOf(childElement(subjectNameID, NS.saml, 'NameID')!));
  return markVerified(view);
}
