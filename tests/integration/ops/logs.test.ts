// design.md "Personal data": no secrets, codes or whole messages in logs.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startTestBroker, SP1, type TestBroker } from '../../helpers/test-broker.js';
import { CARMEN, loginWithPin, readPostForm, txOf } from '../../helpers/flow-driver.js';
import { newAgent, sendAuthnRequest } from '../../helpers/sp-requests.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

describe('logs (design.md "Personal data")', () => {
  let b: TestBroker;
  const lines: string[] = [];
  before(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    b = await startTestBroker({ log: pino({ level: 'debug' }, sink) });
  });
  after(async () => b.close());

  it('a whole login leaves no PIN, no SAML message, no cookie and no RelayState in the log', async () => {
    const agent = newAgent(b);
    const start = await sendAuthnRequest(b, agent, { sp: SP1, relayState: 'secret-relay-state-value' }).expect(303);
    const done = await loginWithPin(agent, b.varDir, txOf(start.headers.location!), CARMEN);
    const form = readPostForm(done.text);
    const sms = (await readFile(path.join(b.varDir, 'outbox', 'sms.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { code: string });
    const log = lines.join('');
    assert.ok(lines.length > 5, 'requests were logged');
    assert.match(log, /assertion issued/);
    // A 3-character code could occur by chance inside other words, so look for it as a value.
    for (const { code } of sms) assert.ok(!log.includes(`"${code}"`) && !log.includes(`: ${code}`), `code ${code} logged`);
    assert.doesNotMatch(log, /"(code|pin|password)"\s*:/);
    assert.doesNotMatch(log, /SAMLRequest|SAMLResponse/);
    assert.ok(!log.includes(form.fields.SAMLResponse!.slice(0, 40)));
    assert.doesNotMatch(log, /secret-relay-state-value/);
    assert.doesNotMatch(log, /pasarela_sso=|pasarela_browser=/);
    assert.doesNotMatch(log, /12345678Z/, 'no document numbers');
  });
});
