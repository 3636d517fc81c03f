import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { statusOf } from '../../helpers/sp-requests.js';
import { CARMEN } from '../../helpers/flow-driver.js';
import { activatePermanente, EIDAS_SUBSTANTIAL, openPermanenteLogin, passwordThenSmsCode, submitCode, submitPassword, DEMO_PASSWORD } from '../../helpers/permanente.js';

describe('permanente smoke', () => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker({ overrides: { seedFile: 'config/demo-persons.json' } });
    await activatePermanente(b, CARMEN.document);
  });
  after(() => b.close());
  it('normal', async () => {
    const { agent, tx, csrf } = await openPermanenteLogin(b);
    const r = await submitPassword(agent, tx, csrf, CARMEN.document, DEMO_PASSWORD);
    assert.equal(r.status, 200, r.text);
    assert.equal(statusOf(r.text).top, 'Success');
  });
  it('reinforced', async () => {
    const { agent, tx, csrf } = await openPermanenteLogin(b, { requestedAuthnContext: EIDAS_SUBSTANTIAL });
    const code = await passwordThenSmsCode(b, agent, tx, csrf, CARMEN.document, CARMEN.mobile);
    const page = await agent.get(`/connectors/permanente/${tx}/second-factor`);
    assert.equal(page.status, 200, page.text);
    const r = await submitCode(agent, tx, csrf, code);
    assert.equal(r.status, 200, r.text);
    assert.equal(statusOf(r.text).top, 'Success');
  });
});
