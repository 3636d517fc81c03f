// The client-certificate host's external base URL: clientTls.publicUrl, or in development the
// broker's host name on the listener's port (another origin than the main host).
import type { Config } from '../../config.js';

export function clientHostUrl(cfg: Config): string {
  const { publicUrl, port } = cfg.connectors.certificate.clientTls;
  return (publicUrl ?? `https://${new URL(cfg.publicUrl).hostname}:${port}`).replace(/\/$/, '');
}
