// The sanity check before measuring: one SSO round trip (or password login) must end in the
// auto-post form with a Success SAMLResponse whose signatures are the ones the variant promises
// and verify against the broker's certificate. Otherwise the figure would be the speed of some
// other path (a selector page, an error status) and mean nothing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { xmlCryptoSignatureAlgorithms } from '../broker/saml/sign-xml.js';
import { NS, STATUS } from '../broker/saml/namespaces.js';
import { readPostForm, samlResponseXml } from '../tests/helpers/flow-driver.js';
import { PROJECT_ROOT } from './pinned-child.js';

export interface ResponseCheck {
  /** local names of the signed elements, outermost first: ['Response', 'Assertion'] */
  readonly signed: string[];
  /** SignatureMethod of each signature */
  readonly algorithms: string[];
  /** whether each signature verifies against the certificate */
  readonly verified: boolean[];
  readonly responseBytes: number;
  /** the top-level StatusCode, e.g. urn:oasis:names:tc:SAML:2.0:status:Success */
  readonly topStatus: string | undefined;
  readonly problems: string[];
}

export function checkSsoAnswer(status: number, html: string, certFile: string, expect: { signed: string[]; algorithm: string }): ResponseCheck {
  const problems: string[] = [];
  if (status !== 200) problems.push(`status ${status}`);
  if (!html.includes('name="SAMLResponse"')) {
    return { signed: [], algorithms: [], verified: [], responseBytes: 0, topStatus: undefined, problems: [...problems, `no SAMLResponse form: ${html.slice(0, 200)}`] };
  }
  const xml = samlResponseXml(readPostForm(html));
  const cert = readFileSync(path.join(PROJECT_ROOT, certFile), 'utf8');
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const topStatus = doc.getElementsByTagNameNS(NS.samlp, 'StatusCode')[0]?.getAttribute('Value') ?? undefined;
  if (topStatus !== STATUS.success) problems.push(`top-level status ${topStatus ?? 'missing'}, expected Success`);
  const sigs = Array.from(doc.getElementsByTagNameNS(NS.ds, 'Signature'));
  const signed: string[] = [];
  const algorithms: string[] = [];
  const verified: boolean[] = [];
  for (const sig of sigs) {
    signed.push((sig.parentNode as Element).localName);
    algorithms.push(sig.getElementsByTagNameNS(NS.ds, 'SignatureMethod')[0]?.getAttribute('Algorithm') ?? '?');
    const v = new SignedXml({ publicCert: cert });
    v.SignatureAlgorithms = { ...xmlCryptoSignatureAlgorithms };
    v.loadSignature(sig as unknown as Node);
    let ok = false;
    try {
      ok = v.checkSignature(xml);
    } catch {
      ok = false;
    }
    verified.push(ok);
  }
  if (signed.join(',') !== expect.signed.join(',')) problems.push(`signed elements ${signed.join('+') || 'none'}, expected ${expect.signed.join('+')}`);
  algorithms.forEach((a, i) => {
    if (a !== expect.algorithm) problems.push(`signature ${i + 1} SignatureMethod ${a}, expected ${expect.algorithm}`);
  });
  verified.forEach((ok, i) => {
    if (!ok) problems.push(`signature ${i + 1} (${signed[i]}) does not verify against ${certFile}`);
  });
  return { signed, algorithms, verified, responseBytes: Buffer.byteLength(xml), topStatus, problems };
}
