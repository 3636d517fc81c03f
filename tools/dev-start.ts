// `npm start`: the broker with its embedded defaults and the demo service provider, on a fresh
// machine. The demo SP's metadata is generated for its port and trusted by the broker through a
// directory under varDir, so DEMO_SP_PORT can change without editing metadata/sps/.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, varPath, ConfigError, PROJECT_ROOT } from '../broker/config.js';
import { openBroker, closeServer } from '../broker/broker.js';
import { loadSigningKeys } from '../broker/saml/keys.js';
import { createDemoSp, listen } from '../examples/demo-sp/server.js';
import { prepareDemoPermanente } from './demo-permanente.js';
import { loadMandatesSeedFile } from '../broker/mandates/seed.js';
import { demoEidasCountry, demoEidasNodeKeys, DEMO_EIDAS_NODE_URL } from './demo-eidas-node-setup.js';
import { prepareDemoPki } from './demo-pki/index.js';
import { startClientCertificateListener } from '../broker/pki/client-host/listener.js';
import { prepareDemoStaff } from './demo-staff.js';

async function main(): Promise<void> {
  let cfg = loadConfig();
  const demoPort = Number(process.env.DEMO_SP_PORT ?? 8081);
  const demoUrl = `http://localhost:${demoPort}`;
  const keys = await loadSigningKeys(cfg, cfg.varDir);
  const demo = createDemoSp({ publicUrl: demoUrl, brokerUrl: cfg.publicUrl, idpCert: keys.certPem });
  const demoDir = varPath(cfg, 'demo-sp');
  await mkdir(demoDir, { recursive: true });
  await writeFile(path.join(demoDir, 'metadata.xml'), demo.metadataXml);
  // The certificate connector with the demo PKI's trusted list and client certificate; not in
  // default.yaml's connectors.enabled, since a deployment must configure its trusted lists first.
  const demoPki = await prepareDemoPki(cfg);
  const enabled = [...new Set([...cfg.connectors.enabled, 'certificate', ...(cfg.connectors.eidas.countries.length === 0 ? ['eidas'] : [])])];
  cfg = loadConfig(process.env, {
    pki: { trustedLists: demoPki.trustedLists.map((l) => ({ ...l })) },
    sps: {
      metadataDirs: [...cfg.sps.metadataDirs, path.relative(PROJECT_ROOT, demoDir)],
      policies: { [demo.entityID]: { displayName: 'Demo service (Pasarela)', dialects: ['eidas', 'clave', 'eherkenning'] } },
    },
    // The demo eIDAS node (npm run demo:eidas-node) as country DE, unless countries are configured.
    ...(cfg.connectors.eidas.countries.length === 0
      ? { connectors: { enabled, eidas: { countries: [demoEidasCountry(cfg)] } } }
      : { connectors: { enabled } }),
  });
  await demoEidasNodeKeys(cfg);
  const broker = await openBroker(cfg, { defaultMetrics: true });
  const brokerServer = await listen(broker.app, cfg.port, cfg.host);
  const demoServer = await listen(demo.app, demoPort, '127.0.0.1');
  const clientHost = await startClientCertificateListener(broker.services);
  const permanente = await prepareDemoPermanente(broker.services);
  const staffLine = await prepareDemoStaff(broker.services);
  const seed = JSON.parse(await readFile(path.resolve(PROJECT_ROOT, cfg.seedFile ?? 'config/demo-persons.json'), 'utf8')) as { documentNumber: string; documentDate?: string; supportNumber?: string; givenName: string; firstSurname: string; registrationLevel: string; mobile: string }[];
  const organisations = cfg.mandates.seedFile ? loadMandatesSeedFile(path.resolve(PROJECT_ROOT, cfg.mandates.seedFile)).organisations.map((o) => `${o.name} (${o.identifier.type} ${o.identifier.value})`) : [];
  const lines = [
    '',
    `  Pasarela broker   ${cfg.publicUrl}   (metadata: ${cfg.publicUrl}/saml/metadata)`,
    `  Demo service      ${demoUrl}`,
    `  PIN codes arrive  ${path.join(varPath(cfg, cfg.notify.outboxDir), 'sms.jsonl')}`,
    `  E-mail codes      ${path.join(varPath(cfg, cfg.notify.outboxDir), 'email.jsonl')}`,
    `  Cl@ve Permanente  ${cfg.publicUrl}/connectors/permanente/account (activation, password, second factors)`,
    `  Management        ${cfg.publicUrl}/admin/ (pages; the API: ${cfg.publicUrl}/admin/api/openapi.json)`,
    `  Register          ${cfg.publicUrl}/register/letter/ (letters in ${path.join(varPath(cfg, cfg.notify.outboxDir), 'letters')}), ${cfg.publicUrl}/register/video/, ${cfg.publicUrl}/register/certificate/`,
    `  Own account       ${cfg.publicUrl}/account/`,
    staffLine,
    `  eIDAS (DE demo)   start \`npm run demo:eidas-node\` (${DEMO_EIDAS_NODE_URL}); our connector metadata ${cfg.publicUrl}/eidas/metadata`,
    ...demoPki.lines,
    ...(clientHost ? [`  Certificate host  ${clientHost.url} (the browser presents the certificate there)`] : []),
    ...(organisations.length ? [`  Organisations     ${organisations.join(', ')} (README "Acting for an organisation")`] : []),
    '',
    '  Demo persons:',
    ...seed.flatMap((p) => [
      `    ${p.documentNumber.padEnd(10)} ${(p.documentDate ? `document date ${p.documentDate}` : `support number ${p.supportNumber}`).padEnd(28)} ${p.givenName} ${p.firstSurname} (${p.registrationLevel}, ${p.mobile})`,
      ...(permanente.lines[p.documentNumber] ? [`               ${permanente.lines[p.documentNumber]}`] : []),
    ]),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const stop = async () => {
    await Promise.all([closeServer(brokerServer, 5000), closeServer(demoServer, 5000), clientHost?.close(), demoPki.close()]);
    await broker.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGHUP', () => void broker.reload());
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `pasarela: cannot start: ${(err as Error).stack ?? String(err)}`}\n`);
  process.exit(1);
});
