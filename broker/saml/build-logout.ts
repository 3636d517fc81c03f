// Single Logout messages the broker sends (SAML core §3.7): a LogoutRequest to each SP that took
// part in the SSO session (NameID and SessionIndex exactly as issued at login, so the SP can find
// its session), and the LogoutResponse to the SP that started the logout. For the POST binding
// they are signed here (`signWith`); the Redirect binding signs the query instead (send-binding.ts).
import { issuerElement, newSamlId, samlInstant } from './build-assertion.js';
import { statusElement } from './build-status-response.js';
import { NS } from './namespaces.js';
import { el, type XmlElement } from './xml-writer.js';
import { serializeXml } from './xml-serialize.js';
import { signTree } from './sign-tree.js';
import type { SignatureAlgorithmName } from './sign-xml.js';
import type { SigningKeys } from './keys.js';

export interface SignWith {
  readonly keys: Pick<SigningKeys, 'privateKey' | 'certBase64'>;
  readonly algorithm: SignatureAlgorithmName;
}

function finish(tree: XmlElement, signWith: SignWith | undefined): string {
  return serializeXml(signWith ? signTree(tree, signWith.keys, signWith.algorithm) : tree);
}

export interface LogoutRequestInput {
  /** default: a new ID */
  id?: string;
  issuer: string;
  destination: string;
  nameID: { format: string; value: string; spNameQualifier?: string };
  sessionIndex: string;
  now: Date;
}

export function buildLogoutRequest(input: LogoutRequestInput, signWith?: SignWith): { id: string; xml: string } {
  const id = input.id ?? newSamlId();
  const xml = finish(
    el(
      NS.samlp,
      'samlp:LogoutRequest',
      { ID: id, Version: '2.0', IssueInstant: samlInstant(input.now), Destination: input.destination },
      [
        issuerElement(input.issuer),
        el(NS.saml, 'saml:NameID', { Format: input.nameID.format, SPNameQualifier: input.nameID.spNameQualifier }, [input.nameID.value]),
        el(NS.samlp, 'samlp:SessionIndex', {}, [input.sessionIndex]),
      ],
      { saml: NS.saml },
    ),
    signWith,
  );
  return { id, xml };
}

export type LogoutOutcome = 'Success' | 'PartialLogout' | 'Responder';

// PartialLogout is a second-level code (core §3.7.3.2): the logout itself succeeded here, some
// other participant did not confirm, so Success carries it (as Shibboleth and SimpleSAMLphp do).
const LOGOUT_STATUS = {
  Success: { top: 'Success', sub: undefined, message: undefined },
  PartialLogout: { top: 'Success', sub: 'PartialLogout', message: 'Not every service confirmed the logout.' },
  Responder: { top: 'Responder', sub: undefined, message: 'The logout could not be completed.' },
} as const;

export function buildLogoutResponse(input: { issuer: string; destination: string; inResponseTo: string; status: LogoutOutcome; now: Date }, signWith?: SignWith): string {
  const status = LOGOUT_STATUS[input.status];
  return finish(
    el(
      NS.samlp,
      'samlp:LogoutResponse',
      { ID: newSamlId(), Version: '2.0', IssueInstant: samlInstant(input.now), Destination: input.destination, InResponseTo: input.inResponseTo },
      [issuerElement(input.issuer), statusElement(status.top, status.sub, status.message)],
      { saml: NS.saml },
    ),
    signWith,
  );
}
