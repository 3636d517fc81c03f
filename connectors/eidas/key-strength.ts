// The eIDAS key strength rule (eIDAS cryptographic requirements v1.4 §2.2), for our keys and for
// the signing keys foreign nodes publish alike: RSA moduli of at least 3072 bits, EC keys on P-256
// or P-384. Anything else is too weak or unknown to the eIDAS network.
import type { KeyObject } from 'node:crypto';

/** Why `key` does not meet the rule, or undefined when it does. */
export function eidasKeyWeakness(key: KeyObject): string | undefined {
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss')
    return (d.modulusLength ?? 0) < 3072 ? `RSA keys need at least 3072 bits, this one has ${d.modulusLength ?? 'unknown'}` : undefined;
  if (key.asymmetricKeyType === 'ec') return d.namedCurve === 'prime256v1' || d.namedCurve === 'secp384r1' ? undefined : `EC keys must be on P-256 or P-384, not ${d.namedCurve ?? 'unknown'}`;
  return `RSA or EC keys only, not ${key.asymmetricKeyType ?? 'unknown'}`;
}
