// In proxy mode the main app's rate limits and audit addresses come from req.ip, which is the
// client only when Express trusts the proxy's X-Forwarded-For (trustProxy); otherwise every
// person behind the proxy shares the proxy's address and one budget. So every address whose
// client-certificate header is believed must also be trusted for X-Forwarded-For: this finds the
// ones that are not, for the configuration check.
//
// Hand-written on node:net's BlockList because trustProxy takes Express's (proxy-addr's) forms —
// an address, a CIDR or the names loopback, linklocal, uniquelocal — and Express exposes no
// matcher for a configuration check outside a request.
import { BlockList, isIP } from 'node:net';

const NAMED: Readonly<Record<string, readonly [string, number, 'ipv4' | 'ipv6'][]>> = {
  loopback: [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']],
  linklocal: [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']],
  uniquelocal: [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6']],
};

const family = (address: string): 'ipv4' | 'ipv6' | undefined => ({ 4: 'ipv4', 6: 'ipv6' } as const)[isIP(address) as 4 | 6];

/** the entries of `trustedProxies` that `trustProxy` does not trust (unparsable entries included) */
export function proxiesNotTrusted(trustProxy: readonly string[], trustedProxies: readonly string[]): string[] {
  const trusted = new BlockList();
  for (const entry of trustProxy) {
    const named = NAMED[entry];
    if (named) for (const [net, prefix, type] of named) trusted.addSubnet(net, prefix, type);
    const [net, prefix] = entry.split('/');
    const type = net ? family(net) : undefined;
    if (!type) continue;
    if (prefix === undefined) trusted.addAddress(net!, type);
    else if (/^\d+$/.test(prefix)) trusted.addSubnet(net!, Number(prefix), type);
  }
  return trustedProxies.filter((address) => {
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
    const type = family(plain);
    return !type || !trusted.check(plain, type);
  });
}
