// Proxy mode (connectors.certificate.mode: proxy): a TLS-terminating proxy asks for the client
// certificate on the client-certificate host name and passes it to the broker in a header; the
// broker's main app then serves the client-certificate host's pages itself, believing the header
// only from connectors.certificate.proxyHeader.trustedProxies (docs/certificates.md).
import type { Router } from 'express';
import type { BrokerServices } from '../../services.js';
import { clientHostRouter } from './router.js';
import { fromProxyHeader } from './presented.js';
import { certificateTicketsFor } from './tickets.js';

/** the client-certificate host's router for the main app in proxy mode; undefined otherwise */
export function proxyModeClientHost(services: BrokerServices): Router | undefined {
  const opts = services.config.connectors.certificate;
  if (opts.mode !== 'proxy') return undefined;
  return clientHostRouter({
    services,
    validator: services.certificates.validator,
    tickets: certificateTicketsFor(services.config, services.ephemeral),
    source: fromProxyHeader({ ...opts.proxyHeader, log: services.log.child({ module: 'client-certificate' }) }),
  });
}
