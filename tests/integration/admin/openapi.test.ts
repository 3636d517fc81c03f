// The OpenAPI document at /admin/api/openapi.json: OpenAPI 3.1 in shape, one operation for every
// route of the table and nothing else, each route of the table really mounted (it answers 401,
// not 404, without credentials), failures as 500 JSON, and the operator part off (404) without
// api.operatorToken.
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { newAgent } from '../../helpers/sp-requests.js';
import { adminRoutes } from '../../../broker/admin/api/routes/index.js';
import { mountRoutes } from '../../../broker/admin/api/mount.js';
import { openApiPath } from '../../../broker/web/openapi.js';
import type { HttpMethod } from '../../../broker/admin/api/route.js';

type Operation = {
  operationId: string;
  summary: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string; required: boolean; schema: object }[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: object }> }>;
};
type Doc = {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  components: { securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string }>; schemas: Record<string, object> };
};

const concrete = (path: string) => path.replace(/:([A-Za-z]+)/g, '00000000-0000-4000-8000-000000000000');

describe('management API OpenAPI document (issue 7)', () => {
  let b: TestBroker;
  let doc: Doc;
  before(async () => {
    b = await startTestBroker({ overrides: { api: { operatorToken: 'operator-token-for-tests-only-0123456789' } } });
    doc = (await newAgent(b).get('/admin/api/openapi.json').expect(200).expect('content-type', /json/)).body as Doc;
  });
  after(async () => b.close());

  it('has the OpenAPI 3.1 shape: version, info, server under /admin/api, security schemes, paths with responses', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.info.title && doc.info.version);
    assert.deepEqual(doc.servers, [{ url: `${b.url}/admin/api` }]);
    const session = doc.components.securitySchemes.adminSession!;
    assert.deepEqual([session.type, session.in, session.name], ['apiKey', 'cookie', 'pasarela.admin']);
    assert.equal(doc.components.securitySchemes.csrfToken!.in, 'header');
    assert.equal(doc.components.securitySchemes.csrfToken!.name, 'X-CSRF-Token');
    assert.deepEqual([doc.components.securitySchemes.operatorToken!.type, doc.components.securitySchemes.operatorToken!.scheme], ['http', 'bearer']);
    assert.ok(doc.components.schemas.Error);
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      assert.match(path, /^\/[A-Za-z0-9/{}.-]*$/);
      for (const [method, op] of Object.entries(item) as [HttpMethod, Operation][]) {
        assert.ok(op.summary, `${method} ${path} has a summary`);
        assert.ok(!ids.has(op.operationId), `operationId ${op.operationId} unique`);
        ids.add(op.operationId);
        assert.ok(Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)), `${method} ${path} has a success response`);
        for (const s of ['401', '404', '422', '500']) assert.equal(op.responses[s]!.content!['application/json']!.schema && true, true);
        const named = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        assert.deepEqual(op.parameters?.filter((p) => p.in === 'path').map((p) => p.name) ?? [], named, `${method} ${path} describes its path parameters`);
        for (const p of op.parameters ?? []) assert.equal(typeof p.schema, 'object');
        assert.ok(!JSON.stringify(op).includes('"$schema"'), 'schemas are embedded without their own dialect');
      }
    }
  });

  it('lists exactly the routes of the table, with their access as security', () => {
    const listed = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m} ${path}`)).sort();
    const table = adminRoutes.map((r) => `${r.method} ${openApiPath(r.path)}`).sort();
    assert.deepEqual(listed, table);
    for (const r of adminRoutes) {
      const op = doc.paths[openApiPath(r.path)]![r.method]!;
      const expected = r.access === 'operator' ? [{ operatorToken: [] }] : r.method === 'get' ? [{ adminSession: [] }] : [{ adminSession: [], csrfToken: [] }];
      assert.deepEqual(op.security, expected, `${r.method} ${r.path}`);
      if (r.body) assert.ok(op.requestBody?.content['application/json'], `${r.method} ${r.path} documents its JSON body`);
    }
  });

  it('the router mounts exactly the table', () => {
    const router = mountRoutes(adminRoutes, { services: b.broker.services, registry: () => b.broker.services.mandates });
    const mounted = (router.stack as { route?: { path: string; methods: Record<string, boolean> } }[])
      .flatMap((layer) => (layer.route ? Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => `${m} ${layer.route!.path}`) : []))
      .sort();
    assert.deepEqual(mounted, adminRoutes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('every route of the table answers on the broker: 401 JSON without a session or token, never 404', async () => {
    for (const r of adminRoutes) {
      const res = await newAgent(b)[r.method](`/admin/api${concrete(r.path)}`);
      assert.equal(res.status, 401, `${r.method} ${r.path}: ${res.status} ${res.text.slice(0, 200)}`);
      assert.equal(res.body.error, r.access === 'operator' ? 'unauthorized' : 'unauthenticated');
    }
  });

  it('a failure inside a route answers 500 JSON without a stack or the failure text', async () => {
    const registry = b.broker.services.mandates as { listServices: () => Promise<unknown> };
    const original = registry.listServices;
    registry.listServices = () => Promise.reject(new Error('database on fire at /secret/path'));
    try {
      const res = await newAgent(b).get('/admin/api/operator/services').set('Authorization', 'Bearer operator-token-for-tests-only-0123456789').expect(500).expect('content-type', /json/);
      assert.deepEqual(res.body, { error: 'internal', message: 'the request could not be completed' });
    } finally {
      registry.listServices = original;
    }
  });

  it('without api.operatorToken the operator routes answer 404, the rest stays', async () => {
    const off = await startTestBroker();
    try {
      for (const r of adminRoutes.filter((x) => x.access === 'operator')) {
        const res = await newAgent(off)[r.method](`/admin/api${concrete(r.path)}`).set('Authorization', 'Bearer anything-at-all-0123456789abcdef');
        assert.equal(res.status, 404, `${r.method} ${r.path}`);
        assert.equal(res.body.error, 'not-found');
      }
      await newAgent(off).get('/admin/api/session').expect(401);
    } finally {
      await off.close();
    }
  });
});
