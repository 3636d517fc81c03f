// Signature step of every inbound message: decide whether a signature is required, verify the one
// present (a present but bad signature is always refused, even where none is required), and hand
// on the root element the rest of the pipeline may read — as a TrustedRoot, so that nothing
// downstream can read from a DOM that did not come through here.
import { BrokerError } from '../errors.js';
import type { DecodedMessage } from './decode-binding.js';
import type { ParsedXml } from './parse-xml.js';
import type { SpEntry } from './sp-metadata.js';
import { validateStructure, type InboundKind } from './validate-structure.js';
import { markVerified, type Verified } from './verified.js';
import { hasEnvelopedSignature, verifyEnvelopedSignature, verifyRedirectSignature } from './verify-signature.js';

/** The root element to read the message from, with how it earned that trust. */
export type TrustedRoot = Verified<{ root: Element; signed: boolean }>;

/**
 * For an unsigned message whose SP may send unsigned ones, the root of the schema-validated
 * document is what we read. This is the only place that happens, on purpose.
 */
function trustUnsignedSchemaValidated(parsed: ParsedXml): TrustedRoot {
  return markVerified({ root: parsed.root, signed: false });
}

export function verifyMessageSignature(decoded: DecodedMessage, parsed: ParsedXml, sp: SpEntry, required: boolean, expect: readonly InboundKind[], now: Date): TrustedRoot {
  const enveloped = hasEnvelopedSignature(parsed.root);
  if (decoded.binding === 'redirect') {
    // bindings §3.4.4.1: a Redirect message carries its signature in the query, never inside
    if (enveloped) throw new BrokerError('request-untrusted', 'The request signature is not acceptable.', 'ds:Signature inside a Redirect message');
    if (decoded.redirectSignature) {
      const { signedOctets, sigAlg, signature } = decoded.redirectSignature;
      verifyRedirectSignature(signedOctets, sigAlg, signature, sp.signingCerts, now);
      // the signature covers the whole deflated message: the parsed document is the signed one
      return markVerified({ root: parsed.root, signed: true });
    }
  } else if (enveloped) {
    const verified = verifyEnvelopedSignature(decoded.xml, parsed, sp.signingCerts, now);
    validateStructure(verified.root, expect);
    return markVerified({ root: verified.root, signed: true });
  }
  if (required) throw new BrokerError('request-untrusted', 'The request must be signed.', `unsigned message from ${sp.entityID}`);
  return trustUnsignedSchemaValidated(parsed);
}
