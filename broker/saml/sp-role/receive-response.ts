// The SP role's one entry point (issue 6; contract in ./model.ts): a Response from a foreign
// eIDAS node, HTTP-POST binding (bindings §3.5.4), checked in the order below. Each step reads
// only what the previous ones established; from trustedParts on, only what a verified signature
// covers.
import { childElement, optionalAttr, textOf } from '../dom-read.js';
import { NS } from '../namespaces.js';
import { MESSAGE_LIMITS, parseXml } from '../parse-xml.js';
import { replayWindowMs } from '../check-message-time.js';
import { checkElement } from '../structure/grammar.js';
import { Response } from '../structure/response.js';
import { rejectDuplicateIds } from '../validate-structure.js';
import { markVerified } from '../verified.js';
import { checkAssertion, checkResponse } from './check-response.js';
import type { EphemeralStore } from '../../store/ephemeral.js';
import type { CreateResponseReceiver, ReceiveResponse, ReceivedResponse } from './model.js';
import { readAssertion, readStatus } from './read-assertion.js';
import { asResponseError, rejected, untrusted } from './response-errors.js';
import { trustedParts } from './trusted-assertion.js';

// base64 of at most MESSAGE_LIMITS.maxBytes; line breaks allowed (some nodes wrap at 76)
const MAX_BASE64 = Math.ceil(MESSAGE_LIMITS.maxBytes / 3) * 4 + 8192;
const BASE64 = /^[A-Za-z0-9+/\r\n]+={0,2}\s*$/;

/** The HTTP-POST SAMLResponse field as XML text: base64 (line breaks allowed) of UTF-8, size-capped. */
export function decodeSamlResponse(samlResponse: string): string {
  if (samlResponse.length > MAX_BASE64) untrusted('SAMLResponse too large');
  if (!BASE64.test(samlResponse)) untrusted('SAMLResponse is not base64');
  const bytes = Buffer.from(samlResponse, 'base64');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    untrusted('SAMLResponse is not UTF-8');
  }
}

/** Each ID once per issuer, remembered until it could no longer be accepted anyway. */
async function rejectReplayed(store: EphemeralStore, kind: 'response' | 'assertion', issuer: string, id: string, ttlMs: number): Promise<void> {
  if (!(await store.setIfAbsent(`replay:sp-role:${kind}:${issuer}:${id}`, '1', Math.max(ttlMs, 1000)))) rejected(`replay of ${kind} ${id} from ${issuer}`);
}

export const createResponseReceiver: CreateResponseReceiver = ({ ephemeral, log }) => {
  const receive: ReceiveResponse = async (samlResponse, peer, expected, keys) => {
    const xml = decodeSamlResponse(samlResponse);
    const { root } = asResponseError(() => parseXml(xml));
    if (root.namespaceURI !== NS.samlp || root.localName !== 'Response') untrusted(`root ${root.localName} is not a samlp:Response`);
    asResponseError(() => {
      rejectDuplicateIds(root);
      checkElement(root, Response);
    });
    const parts = trustedParts(xml, root, peer, keys, expected.now);
    checkResponse(parts.response, peer, expected);
    const responseId = parts.response.getAttribute('ID') ?? '';
    const issuer = textOf(childElement(parts.response, NS.saml, 'Issuer')!).trim();
    const status = readStatus(parts.response);

    if (parts.assertion === null) {
      await rejectReplayed(ephemeral, 'response', issuer, responseId, replayWindowMs(expected.clockSkewSeconds));
      log.info({ responseId, issuer, status: status.subCode ?? status.code }, 'SP role: failure Response received');
      return { kind: 'failure', responseId, issuer, status } satisfies ReceivedResponse;
    }
    const until = checkAssertion(parts.assertion, peer, expected);
    const ttl = until.getTime() - expected.now.getTime() + expected.clockSkewSeconds * 1000;
    await rejectReplayed(ephemeral, 'response', issuer, responseId, Math.max(ttl, replayWindowMs(expected.clockSkewSeconds)));
    await rejectReplayed(ephemeral, 'assertion', issuer, optionalAttr(parts.assertion, 'ID') ?? '', ttl);
    const assertion = markVerified(readAssertion(parts.assertion, parts.wasEncrypted));
    log.info({ responseId, issuer, assertionId: assertion.id, encrypted: assertion.wasEncrypted, responseSigned: parts.responseSigned }, 'SP role: Response accepted');
    return { kind: 'success', responseId, issuer, status, assertion };
  };
  return receive;
};
