// design.md "Addresses": only TRUST_PROXY's addresses may set the client address through
// X-Forwarded-For (rate limits are per IP), and no URL ever comes from the request's Host.
import assert from 'node:assert/strict';
import request from 'supertest';
import { startTestBroker, type TestBroker } from '../../helpers/test-broker.js';
import { openPinForm } from '../../helpers/sp-requests.js';


async function requestsFromForgedAddresses(b: TestBroker): Promise<number[]> {
  const { agent, tx, csrf } = await openPinForm(b);
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) {
    const res = await agent.post(`/connectors/pin/${tx}/request`).set('X-Forwarded-For', `203.0.113.${i + 1}`).type('form').send({ csrf, document: ['00000000T', '00000001R', '00000002W', '00000003A'][i], documentDate: '2030-01-01' });
    statuses.push(res.status);
  }
  return statuses;
}

const limits = { connectors: { pin: { requestsPerIpPerHour: 3, requestsPerPersonPerHour: 50 } } };

describe('proxies and addresses (design.md "Addresses")', () => {
  it('without TRUST_PROXY, X-Forwarded-For cannot dodge the per-IP limit', async () => {
    const b = await startTestBroker({ overrides: limits });
    try {
      assert.deepEqual(await requestsFromForgedAddresses(b), [303, 303, 303, 429]);
    } finally {
      await b.close();
    }
  });

  it('behind a trusted proxy, each forwarded client has its own limit', async () => {
    const b = await startTestBroker({ overrides: { ...limits, trustProxy: ['127.0.0.1', '::ffff:127.0.0.1'] } });
    try {
      assert.deepEqual(await requestsFromForgedAddresses(b), [303, 303, 303, 303]);
    } finally {
      await b.close();
    }
  });

  it('identifiers and URLs come from PUBLIC_URL, never from Host or X-Forwarded-Host', async () => {
    const b = await startTestBroker({ overrides: { trustProxy: ['127.0.0.1', '::ffff:127.0.0.1'] } });
    try {
      const res = await request(b.server).get('/saml/metadata').set('Host', 'evil.test').set('X-Forwarded-Host', 'evil.test').set('X-Forwarded-Proto', 'https').expect(200);
      assert.doesNotMatch(res.text, /evil\.test/);
      assert.match(res.text, new RegExp(`entityID="${b.url}/saml/metadata"`));
    } finally {
      await b.close();
    }
  });
});
