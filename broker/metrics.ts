// Prometheus metrics at /metrics: logins by method, outcome and LoA; SAML errors by kind;
// request latency; signing-certificate expiry; rows removed by the retention purge. One registry
// per app so tests stay isolated.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface BrokerMetrics {
  readonly registry: Registry;
  readonly logins: Counter<'method' | 'outcome' | 'loa'>;
  readonly samlErrors: Counter<'kind'>;
  readonly httpLatency: Histogram<'route' | 'method' | 'status'>;
  readonly certificateExpiry: Gauge<'use'>;
  readonly retentionPurged: Counter<'table'>;
}

export function createMetrics(opts: { defaultMetrics: boolean }): BrokerMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'pasarela_' });
  return {
    registry,
    logins: new Counter({ name: 'pasarela_logins_total', help: 'Finished logins by method, outcome and LoA rung', labelNames: ['method', 'outcome', 'loa'], registers: [registry] }),
    samlErrors: new Counter({ name: 'pasarela_saml_errors_total', help: 'Refused or failed SAML exchanges by error code', labelNames: ['kind'], registers: [registry] }),
    httpLatency: new Histogram({
      name: 'pasarela_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    certificateExpiry: new Gauge({ name: 'pasarela_certificate_expiry_seconds', help: 'Seconds until a certificate of ours expires', labelNames: ['use'], registers: [registry] }),
    retentionPurged: new Counter({ name: 'pasarela_retention_purged_rows_total', help: 'Rows deleted by the retention purge, by table', labelNames: ['table'], registers: [registry] }),
  };
}
