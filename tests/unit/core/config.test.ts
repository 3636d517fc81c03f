// style.md §6: the zod schema is the reference; every key of default.yaml exists there with a
// description, and a bad configuration names the offending key.
import assert from 'node:assert/strict';
import path from 'node:path';
import { z } from 'zod';
import { configSchema, loadConfig, parseConfig, readYamlFile, deepMerge, PROJECT_ROOT, ConfigError } from '../../../broker/config.js';

type Node = z.ZodType;

function unwrap(s: Node): Node {
  let cur: Node = s;
  for (;;) {
    const def = (cur as unknown as { def: { type: string; innerType?: Node } }).def;
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) cur = def.innerType;
    else return cur;
  }
}

function walk(value: unknown, schema: Node, at: string, problems: string[]): void {
  const s = unwrap(schema);
  const def = (s as unknown as { def: { type: string; valueType?: Node; element?: Node } }).def;
  if (def.type === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
    const shape = (s as unknown as z.ZodObject).shape as Record<string, Node>;
    for (const [k, v] of Object.entries(value)) {
      const child = shape[k];
      if (!child) {
        problems.push(`${at}${k}: not in the schema`);
        continue;
      }
      if (!child.description && !unwrap(child).description) problems.push(`${at}${k}: no description`);
      walk(v, child, `${at}${k}.`, problems);
    }
  } else if (def.type === 'record' && value && typeof value === 'object' && def.valueType) {
    for (const [k, v] of Object.entries(value)) walk(v, def.valueType, `${at}${k}.`, problems);
  }
}

describe('configuration (style.md §6)', () => {
  it('every key of config/default.yaml is in the schema with a description', () => {
    const raw = readYamlFile(path.join(PROJECT_ROOT, 'config', 'default.yaml'));
    const problems: string[] = [];
    walk(raw, configSchema, '', problems);
    assert.deepEqual(problems, []);
  });

  it('the defaults and the production example validate', () => {
    loadConfig({});
    const raw = deepMerge(readYamlFile(path.join(PROJECT_ROOT, 'config', 'default.yaml')), readYamlFile(path.join(PROJECT_ROOT, 'config', 'production.example.yaml')));
    const cfg = parseConfig(raw);
    assert.equal(cfg.notify.transport, 'http');
    assert.equal(cfg.seedFile, null);
    assert.equal(cfg.mandates.seedFile, null);
  });

  it('environment variables win over the files', () => {
    const cfg = loadConfig({ PORT: '9999', PUBLIC_URL: 'https://broker.example/', TRUST_PROXY: '10.0.0.1, 10.0.0.2' });
    assert.equal(cfg.port, 9999);
    assert.equal(cfg.publicUrl, 'https://broker.example');
    assert.deepEqual(cfg.trustProxy, ['10.0.0.1', '10.0.0.2']);
  });

  it('an invalid configuration is a ConfigError naming each bad key', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty' }, { saml: { clockSkewSeconds: -1 } }),
      (err: unknown) => err instanceof ConfigError && /port/.test(err.message) && /saml\.clockSkewSeconds/.test(err.message),
    );
  });

  it('the HTTP notify transport needs a URL', () => {
    assert.throws(() => loadConfig({ NOTIFY_TRANSPORT: 'http' }), /notify\.http\.url/);
  });
});
