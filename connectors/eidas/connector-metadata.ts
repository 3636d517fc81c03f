// Our eIDAS connector metadata (eIDAS SAML Message Format v1.2 §2, SAML metadata §2.4.4), served
// at /eidas/metadata: an SPSSODescriptor that wants signed assertions and signs its requests, the
// ACS for HTTP-POST, the request-signing and the encryption certificates (with the encryption
// methods we decrypt), and in md:Extensions eidas:SPType (only when configured to be stated here,
// never in requests too), eidas:NodeCountry (our country, as the eIDAS-Node publishes it) and the
// algorithms we sign and digest with (metadata-algsupport). Signed with the dedicated metadata key; validUntil = now +
// metadataValidityHours (24 h by default). Rebuilt when a quarter of its validity has passed.
import type { Config } from '../../broker/config.js';
import { newSamlId, samlInstant } from '../../broker/saml/build-assertion.js';
import type { SigningKeys } from '../../broker/saml/keys.js';
import { BINDING, NAMEID_FORMAT, NS } from '../../broker/saml/namespaces.js';
import { XMLENC } from '../../broker/saml/encrypt-assertion.js';
import { SIGNATURE_ALGORITHMS } from '../../broker/saml/sign-xml.js';
import { signTree } from '../../broker/saml/sign-tree.js';
import { serializeXml } from '../../broker/saml/xml-serialize.js';
import { el, type XmlElement } from '../../broker/saml/xml-writer.js';
import { eidasAddresses } from './addresses.js';

// What we decrypt (xmlenc / xmlenc11): AES-GCM content, RSA-OAEP key transport. Never CBC or RSA-1.5.
const ENCRYPTION_METHODS = [XMLENC.aes256Gcm, XMLENC.rsaOaep11, XMLENC.rsaOaepMgf1p];

export interface ConnectorMetadataInput {
  readonly cfg: Config;
  readonly metadataSigning: SigningKeys;
  readonly requestSigning: SigningKeys;
  readonly encryptionCertBase64: string;
  readonly now: Date;
}

const keyDescriptor = (use: 'signing' | 'encryption', certBase64: string, methods: readonly string[] = []) =>
  el(NS.md, 'md:KeyDescriptor', { use }, [
    el(NS.ds, 'ds:KeyInfo', {}, [el(NS.ds, 'ds:X509Data', {}, [el(NS.ds, 'ds:X509Certificate', {}, [certBase64])])]),
    ...methods.map((m) => el(NS.md, 'md:EncryptionMethod', { Algorithm: m })),
  ]);

export function connectorMetadataElement(input: ConnectorMetadataInput, id: string): XmlElement {
  const e = input.cfg.connectors.eidas;
  const { entityID, acsUrl } = eidasAddresses(input.cfg);
  const signing = Object.values(SIGNATURE_ALGORITHMS).filter((a) => a.padding !== 'pkcs1');
  const digests = [...new Set(signing.map((a) => a.digestUri))];
  const extensions = el(NS.md, 'md:Extensions', {}, [
    e.spTypeIn === 'metadata' && el(NS.eidas, 'eidas:SPType', {}, [e.spType]),
    el(NS.eidas, 'eidas:NodeCountry', {}, [e.nodeCountry]),
    ...digests.map((uri) => el(NS.alg, 'alg:DigestMethod', { Algorithm: uri })),
    ...signing.map((a) => el(NS.alg, 'alg:SigningMethod', { Algorithm: a.uri })),
  ]);
  const sp = el(NS.md, 'md:SPSSODescriptor', { AuthnRequestsSigned: 'true', WantAssertionsSigned: 'true', protocolSupportEnumeration: NS.samlp }, [
    keyDescriptor('signing', input.requestSigning.certBase64),
    keyDescriptor('encryption', input.encryptionCertBase64, ENCRYPTION_METHODS),
    el(NS.md, 'md:NameIDFormat', {}, [NAMEID_FORMAT.persistent]),
    el(NS.md, 'md:AssertionConsumerService', { Binding: BINDING.post, Location: acsUrl, index: '0', isDefault: 'true' }),
  ]);
  const validUntil = new Date(input.now.getTime() + e.metadataValidityHours * 3_600_000);
  return el(NS.md, 'md:EntityDescriptor', { ID: id, entityID, validUntil: samlInstant(validUntil) }, [extensions, sp], { ds: NS.ds, saml: NS.saml, eidas: NS.eidas });
}

/** Build and sign the metadata now. */
export function buildConnectorMetadata(input: ConnectorMetadataInput): string {
  const tree = connectorMetadataElement(input, newSamlId());
  return serializeXml(signTree(tree, input.metadataSigning, input.metadataSigning.algorithm, 'first-child'));
}

/** The signed document, rebuilt once a quarter of its validity has passed (signing costs an RSA operation). */
export function cachedConnectorMetadata(build: (now: Date) => string, validityHours: number): (now: Date) => string {
  let cached: { builtAt: number; xml: string } | undefined;
  const rebuildAfterMs = (validityHours * 3_600_000) / 4;
  return (now) => {
    const t = now.getTime();
    if (!cached || t < cached.builtAt || t >= cached.builtAt + rebuildAfterMs) cached = { builtAt: t, xml: build(now) };
    return cached.xml;
  };
}
