// HTTP-Redirect (bindings §3.4) and HTTP-POST (bindings §3.5) decoding of inbound messages.
// Redirect works on the RAW query string: the signature covers the URL-encoded octets exactly as
// the SP sent them, so we keep them and never re-encode (re-encoding is how a signature check
// passes on parameters the SP never signed). Inflation is capped, so a deflate bomb stops at the
// cap instead of filling memory.
import { inflateRawSync } from 'node:zlib';
import { BrokerError } from '../errors.js';

export type MessageParam = 'SAMLRequest' | 'SAMLResponse';

export interface RedirectSignature {
  sigAlg: string;
  /** base64 signature bytes, URL-decoded */
  signature: string;
  /** `SAMLRequest=…&RelayState=…&SigAlg=…` with the values exactly as received (bindings §3.4.4.1) */
  signedOctets: string;
}

export interface DecodedMessage {
  binding: 'redirect' | 'post';
  param: MessageParam;
  xml: string;
  relayState: string | undefined;
  /** Redirect only, when the query carried a Signature */
  redirectSignature?: RedirectSignature;
}

const OURS = ['SAMLRequest', 'SAMLResponse', 'RelayState', 'SigAlg', 'Signature'] as const;
type Ours = (typeof OURS)[number];

function refuse(detail: string): never {
  throw new BrokerError('request-malformed', 'The SAML message could not be read.', detail);
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(value: string, what: string): Buffer {
  const compact = value.replace(/[\r\n\t ]/g, '');
  if (!STRICT_BASE64.test(compact)) refuse(`${what} is not base64`);
  return Buffer.from(compact, 'base64');
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    refuse('message is not UTF-8');
  }
}

/** application/x-www-form-urlencoded value: '+' is a space, then percent-decoding. */
function formDecode(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    refuse(`${name} is not URL-encoded`);
  }
}

/** Split the raw query into our parameters (raw values); others are left alone (SSO URLs may carry their own). */
function splitRawQuery(rawQuery: string, maxBytes: number): Map<Ours, string> {
  const query = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  // base64 grows 4/3, URL-encoding up to 3x: bound the work before anything else
  if (query.length > maxBytes * 4) refuse('query too long');
  const found = new Map<Ours, string>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const name = formDecode(rawName, 'parameter name');
    if (!(OURS as readonly string[]).includes(name)) continue;
    // the signed octets are rebuilt from raw names: an encoded name would not match what was signed
    if (rawName !== name) refuse(`parameter name ${name} is percent-encoded`);
    if (found.has(name as Ours)) refuse(`duplicate parameter ${name}`);
    found.set(name as Ours, eq < 0 ? '' : part.slice(eq + 1));
  }
  return found;
}

/** HTTP-Redirect: base64, then raw DEFLATE (RFC 1951) inflated up to maxBytes. */
export function decodeRedirect(rawQuery: string, maxBytes: number): DecodedMessage {
  const raw = splitRawQuery(rawQuery, maxBytes);
  const req = raw.get('SAMLRequest');
  const res = raw.get('SAMLResponse');
  if ((req === undefined) === (res === undefined)) refuse('exactly one of SAMLRequest, SAMLResponse expected');
  const param: MessageParam = req !== undefined ? 'SAMLRequest' : 'SAMLResponse';
  const rawMessage = (req ?? res)!;
  const deflated = decodeBase64(formDecode(rawMessage, param), param);
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(deflated, { maxOutputLength: maxBytes });
  } catch (err) {
    refuse(`inflate: ${(err as Error).message}`);
  }
  const rawRelayState = raw.get('RelayState');
  const relayState = rawRelayState === undefined ? undefined : formDecode(rawRelayState, 'RelayState');
  const rawSigAlg = raw.get('SigAlg');
  const rawSignature = raw.get('Signature');
  let redirectSignature: RedirectSignature | undefined;
  if (rawSigAlg !== undefined || rawSignature !== undefined) {
    if (rawSigAlg === undefined || rawSignature === undefined) refuse('SigAlg and Signature must come together');
    const signedOctets =
      `${param}=${rawMessage}` + (rawRelayState !== undefined ? `&RelayState=${rawRelayState}` : '') + `&SigAlg=${rawSigAlg}`;
    redirectSignature = { sigAlg: formDecode(rawSigAlg, 'SigAlg'), signature: formDecode(rawSignature, 'Signature'), signedOctets };
  }
  return { binding: 'redirect', param, xml: decodeUtf8(inflated), relayState, ...(redirectSignature ? { redirectSignature } : {}) };
}

/** A single form field: a string, or absent. Arrays (duplicates) and objects are refused. */
function field(body: Record<string, unknown>, name: string): string | undefined {
  const v = Object.hasOwn(body, name) ? body[name] : undefined;
  if (v === undefined) return undefined;
  if (typeof v !== 'string') refuse(`${name} is not a single value`);
  return v;
}

/** HTTP-POST: base64 of the form field, no compression. */
export function decodePost(body: Record<string, unknown>, maxBytes: number): DecodedMessage {
  if (typeof body !== 'object' || body === null) refuse('no form body');
  const req = field(body, 'SAMLRequest');
  const res = field(body, 'SAMLResponse');
  if ((req === undefined) === (res === undefined)) refuse('exactly one of SAMLRequest, SAMLResponse expected');
  const param: MessageParam = req !== undefined ? 'SAMLRequest' : 'SAMLResponse';
  const encoded = (req ?? res)!;
  if (encoded.length > Math.ceil((maxBytes * 4) / 3) + 4096) refuse('message too large');
  const bytes = decodeBase64(encoded, param);
  if (bytes.length > maxBytes) refuse('message too large');
  for (const n of ['SigAlg', 'Signature']) if (field(body, n) !== undefined) refuse(`${n} has no meaning on HTTP-POST`);
  return { binding: 'post', param, xml: decodeUtf8(bytes), relayState: field(body, 'RelayState') };
}
