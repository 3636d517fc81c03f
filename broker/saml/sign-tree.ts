// Enveloped XML Signature (xmldsig-core §6, SAML core §5.4) over an element tree we built: one
// Reference to the element's ID with the enveloped-signature and exc-c14n transforms, SignedInfo
// canonicalized with exc-c14n, KeyInfo with our certificate; ds:Signature placed right after the
// element's Issuer (Response, Assertion, LogoutRequest/Response) or first (EntityDescriptor).
//
// The digest is taken over the canonical form of the tree before the Signature is inserted,
// which is exactly what the enveloped-signature transform gives a verifier. See xml-serialize.ts
// for why the canonical form is computed here rather than by xml-crypto.
import { createHash } from 'node:crypto';
import { NS, ALG } from './namespaces.js';
import { el, type XmlChild, type XmlElement } from './xml-writer.js';
import { canonicalXml } from './xml-serialize.js';
import { SIGNATURE_ALGORITHMS, signBytes, type SignatureAlgorithmName } from './sign-xml.js';
import type { SigningKeys } from './keys.js';

const ds = (name: string, attrs: Record<string, string> = {}, children: XmlChild[] = []) => el(NS.ds, `ds:${name}`, attrs, children);

export function signTree(
  tree: XmlElement,
  keys: Pick<SigningKeys, 'privateKey' | 'certBase64'>,
  algorithm: SignatureAlgorithmName,
  placement: 'after-issuer' | 'first-child' = 'after-issuer',
): XmlElement {
  const id = tree.attrs.ID;
  if (!id) throw new TypeError(`${tree.name} has no ID to sign`);
  const spec = SIGNATURE_ALGORITHMS[algorithm];
  const digest = createHash(spec.hash).update(canonicalXml(tree), 'utf8').digest('base64');
  const signedInfo = ds('SignedInfo', {}, [
    ds('CanonicalizationMethod', { Algorithm: ALG.excC14n }),
    ds('SignatureMethod', { Algorithm: spec.uri }),
    ds('Reference', { URI: `#${id}` }, [
      ds('Transforms', {}, [ds('Transform', { Algorithm: ALG.envelopedSignature }), ds('Transform', { Algorithm: ALG.excC14n })]),
      ds('DigestMethod', { Algorithm: spec.digestUri }),
      ds('DigestValue', {}, [digest]),
    ]),
  ]);
  const signatureValue = signBytes(spec, canonicalXml(signedInfo), keys.privateKey).toString('base64');
  const signature = ds('Signature', {}, [
    signedInfo,
    ds('SignatureValue', {}, [signatureValue]),
    ds('KeyInfo', {}, [ds('X509Data', {}, [ds('X509Certificate', {}, [keys.certBase64])])]),
  ]);
  const children = [...tree.children];
  const at = placement === 'first-child' ? 0 : children.findIndex((c) => typeof c === 'object' && c !== null && c.name.endsWith(':Issuer')) + 1;
  if (placement === 'after-issuer' && at === 0) throw new TypeError(`${tree.name} has no Issuer to sign after`);
  children.splice(at, 0, signature);
  return { ...tree, children };
}
