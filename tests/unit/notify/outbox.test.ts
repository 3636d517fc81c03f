// The development outbox: one JSON line per message, {"channel","to","subject"?,"text","code"?,"at"}.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createOutboxNotifier } from '../../../broker/notify/outbox.js';
import { createNotifier } from '../../../broker/notify/index.js';
import { testConfig } from '../../helpers/store-targets.js';

describe('notify outbox', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'pasarela-outbox-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

  it('creates the directory and writes the documented fields, in order, at in ISO 8601 UTC', async () => {
    const dir = path.join(root, 'nested', 'outbox');
    const outbox = createOutboxNotifier(dir, () => new Date('2030-01-02T03:04:05.678Z'));
    await outbox.send({ channel: 'sms', to: '+34600000001', text: 'Su código es 123456', code: '123456' });
    await outbox.send({ channel: 'email', to: 'carmen@example.es', subject: 'Código', text: 'Su código es 654321' });
    const sms = readFileSync(path.join(dir, 'sms.jsonl'), 'utf8');
    assert.equal(sms, '{"channel":"sms","to":"+34600000001","text":"Su código es 123456","code":"123456","at":"2030-01-02T03:04:05.678Z"}\n');
    assert.deepEqual(lines(path.join(dir, 'email.jsonl')), [
      { channel: 'email', to: 'carmen@example.es', subject: 'Código', text: 'Su código es 654321', at: '2030-01-02T03:04:05.678Z' },
    ]);
  });

  it('100 concurrent sends give 100 whole lines, each its own message', async () => {
    const outbox = createOutboxNotifier(root);
    const text = (i: number) => `message ${i} ${'x'.repeat(i * 50)}`; // up to ~5 kB: longer than one small write
    await Promise.all(Array.from({ length: 100 }, (_, i) => outbox.send({ channel: 'push', to: `device-${i}`, text: text(i), code: String(i) })));
    const got = lines(path.join(root, 'push.jsonl'));
    assert.equal(got.length, 100);
    assert.deepEqual(new Set(got.map((l) => l.to)).size, 100);
    for (const l of got) assert.equal(l.text, text(Number(l.code)));
  });

  it('two outboxes on one directory (two broker nodes) never interleave lines', async () => {
    const a = createOutboxNotifier(root);
    const b = createOutboxNotifier(root);
    await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).send({ channel: 'sms', to: `+3460000${String(i).padStart(4, '0')}`, text: `code ${i}` })));
    assert.equal(lines(path.join(root, 'sms.jsonl')).length, 100);
  });

  it('createNotifier writes to varDir/outboxDir with the outbox transport', async () => {
    const notifier = createNotifier(testConfig({ varDir: root }), pino({ level: 'silent' }));
    await notifier.send({ channel: 'sms', to: '+34600000001', text: 'hola' });
    assert.equal(lines(path.join(root, 'outbox', 'sms.jsonl'))[0]!.text, 'hola');
  });
});
