// A foreign person needs no prior registration (issue 6): the first eIDAS login creates them, so
// that an organisation can make them a member and give them a mandate; their next login offers to
// act for it, and the SP receives the organisation's eIDAS legal-person attributes.
import assert from 'node:assert/strict';
import { eidasLogin, LOA, startEidasWorld, type EidasWorld } from '../../helpers/eidas-world.js';
import { mandateFixtures } from '../../helpers/mandate-fixtures.js';
import { attributeMap, postChoice, representationPage, responseAttributes } from '../../helpers/representation-login.js';
import { forEachStores, SP1 } from '../../helpers/test-broker.js';
import { statusOf } from '../../helpers/sp-requests.js';

const PID = 'DE/ES/7f1c9a20-TEST';
const substantial = { requestedAuthnContext: { comparison: 'minimum' as const, classRefs: [LOA('substantial')] } };

forEachStores('eIDAS connector: a foreign person acting for an organisation', (stores) => {
  let w: EidasWorld;
  before(async function () {
    this.timeout(60_000);
    w = await startEidasWorld({ stores });
  });
  after(async () => w?.close());

  it('first login creates the person; given a mandate, the next login acts for the organisation', async function () {
    this.timeout(30_000);
    const first = await eidasLogin(w, substantial);
    assert.equal(statusOf(first.final.text).top, 'Success', 'no service with representation yet: straight to the SP');
    const person = (await w.broker.broker.services.identity.findByEidasIdentifier(PID))!;
    assert.ok(person, 'created by the first login');

    const fx = mandateFixtures(w.broker);
    const service = await fx.service({ spEntityID: SP1, isDefault: true, minRung: '3', representation: 'optional' });
    const org = await fx.organisation({ name: 'Musterhandel TEST GmbH', type: 'kvk' });
    const member = await fx.member({ organisationId: org.id, personId: person.id, eidasPersonIdentifier: PID, level: '3' });
    await fx.mandate({ organisationId: org.id, memberId: member, serviceId: service.id });

    const second = await eidasLogin(w, substantial);
    const page = await representationPage(second.agent, second.tx, second.final);
    const choice = page.choices.find((c) => c.text.includes('Musterhandel TEST GmbH'));
    assert.ok(choice, `the organisation is offered: ${JSON.stringify(page.choices)}`);
    const answer = await postChoice(second.agent, second.tx, page.csrf, choice.key).expect(200);
    const attrs = attributeMap(responseAttributes(answer.text));
    assert.deepEqual(attrs['http://eidas.europa.eu/attributes/legalperson/LegalName'], ['Musterhandel TEST GmbH']);
    assert.deepEqual(attrs['http://eidas.europa.eu/attributes/naturalperson/representative/PersonIdentifier'], [PID]);
  });
});
