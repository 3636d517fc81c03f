// The canonical bytes of a Cl@ve Móvil decision (connectors/movil/decision.ts) are a contract with
// every app: pinned here byte for byte, whatever order the members arrive in.
import assert from 'node:assert/strict';
import { canonicalDecisionBytes, readSignedDecision } from '../../../connectors/movil/decision.js';

describe('Cl@ve Móvil decision: canonical bytes', () => {
  const sig = 'A'.repeat(86);

  it('are JSON.stringify of the six members in the fixed order, without whitespace, "ó" as itself', () => {
    const read = readSignedDecision({
      signature: sig,
      decision: { at: '2026-05-01T10:00:00.000Z', unlocked: true, decision: 'confirm', service: 'Administración "A"', verificationCode: '042', requestId: 'r'.repeat(32) },
    });
    assert.ok(read);
    assert.equal(
      canonicalDecisionBytes(read.payload).toString('utf8'),
      `{"requestId":"${'r'.repeat(32)}","verificationCode":"042","service":"Administración \\"A\\"","decision":"confirm","unlocked":true,"at":"2026-05-01T10:00:00.000Z"}`,
    );
    assert.equal(canonicalDecisionBytes(read.payload).includes(Buffer.from('ó', 'utf8')), true);
  });

  it('a body without every member, with another decision word, a non-boolean unlock or a loose time is refused', () => {
    const good = { requestId: 'r'.repeat(32), verificationCode: '042', service: 'S', decision: 'refuse', unlocked: false, at: '2026-05-01T10:00:00Z' };
    assert.ok(readSignedDecision({ decision: good, signature: sig }));
    for (const bad of [
      { ...good, decision: 'yes' },
      { ...good, unlocked: 'true' },
      { ...good, at: '2026-05-01 10:00' },
      { ...good, service: 7 },
      { ...good, requestId: 'x'.repeat(300) },
    ]) assert.equal(readSignedDecision({ decision: bad, signature: sig }), undefined, JSON.stringify(bad));
    assert.equal(readSignedDecision({ decision: good }), undefined);
    assert.equal(readSignedDecision(null), undefined);
  });
});
