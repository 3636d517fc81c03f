// Copies of identity documents (seed 004 §3.1): type by content, size cap, sealed at rest,
// operator-only reading, deleted by the retention purge after the decision. PGlite and PostgreSQL.
import { strict as assert } from 'node:assert';
import { forEachStores } from '../../helpers/test-broker.js';
import { OPERATOR, openWorld, refused, type World } from '../../helpers/mandates-world.js';

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('secret passport number X1234567 of Ana Member\n'.repeat(5)), Buffer.from('%%EOF\n')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

forEachStores('mandates registry: identity document copies', (stores) => {
  let w: World;
  before(async () => {
    w = await openWorld(stores, { mandates: { documentMaxBytes: 4096, documentRetentionDays: 30 } });
  });
  after(async () => w?.close());

  async function pending() {
    const { org, admin } = await w.organisation();
    const [member] = await w.m.addMember(admin.actor('3'), [org.id], w.newMember(await w.person()));
    return { org, admin, member: member! };
  }

  it('decides the type by content, refuses others and anything over the size limit', async () => {
    const { org, admin, member } = await pending();
    assert.deepEqual(await w.m.attachDocument(admin.actor('3'), org.id, member.id, PNG).then((d) => [d.mediaType, d.byteSize]), ['image/png', PNG.length]);
    const jpeg = await w.m.attachDocument(admin.actor('3'), org.id, member.id, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]));
    assert.equal(jpeg.mediaType, 'image/jpeg');
    // a GIF, an HTML page and a PDF whose first bytes lie are all refused
    for (const bytes of [Buffer.from('GIF89a....'), Buffer.from('<html><body>%PDF-</body></html>'), Buffer.from(' %PDF-1.4')]) {
      await refused(() => w.m.attachDocument(admin.actor('3'), org.id, member.id, bytes), 'invalid', 'document-type');
    }
    await refused(() => w.m.attachDocument(admin.actor('3'), org.id, member.id, Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(4096)])), 'invalid', 'document-too-large');
    await refused(() => w.m.attachDocument(admin.actor('3'), org.id, member.id, Buffer.alloc(0)), 'invalid', 'document-empty');
    assert.ok((await w.tb.broker.services.audit.forSubject(`member:${member.id}`)).some((e) => e.action === 'member.document.attach'));
  });

  it('stores the copy sealed: the column holds neither the bytes nor their base64; only the operator reads it back', async () => {
    const { org, admin, member } = await pending();
    const doc = await w.m.attachDocument(admin.actor('3'), org.id, member.id, PDF);
    assert.equal(doc.mediaType, 'application/pdf');
    const row = await w.tb.broker.services.db.selectFrom('member_documents').select('sealed').where('id', '=', doc.id).executeTakeFirstOrThrow();
    assert.ok(!row.sealed.includes('passport'));
    assert.ok(!row.sealed.includes(PDF.toString('base64').slice(0, 40)));
    assert.ok(!row.sealed.includes(PDF.toString('base64url').slice(0, 40)));
    await refused(() => w.m.readDocument(admin.actor('4'), doc.id), 'forbidden', 'operator-only');
    const back = await w.m.readDocument(OPERATOR, doc.id);
    assert.equal(back.mediaType, 'application/pdf');
    assert.ok(back.bytes.equals(PDF));
  });

  it('accepts copies only while the request awaits approval, for members of the administrator\'s organisation', async () => {
    const { org, admin, member } = await pending();
    const other = await w.organisation();
    await refused(() => w.m.attachDocument(other.admin.actor('3'), org.id, member.id, PDF), 'not-found');
    await w.m.approveMember(OPERATOR, member.id);
    await refused(() => w.m.attachDocument(admin.actor('3'), org.id, member.id, PDF), 'conflict', 'not-awaiting-approval');
  });

  it('deletes the copies documentRetentionDays after the approval or rejection, through the retention purge', async () => {
    const approved = await pending();
    const rejected = await pending();
    const kept = await pending();
    const a = await w.m.attachDocument(approved.admin.actor('3'), approved.org.id, approved.member.id, PDF);
    const r = await w.m.attachDocument(rejected.admin.actor('3'), rejected.org.id, rejected.member.id, PNG);
    const k = await w.m.attachDocument(kept.admin.actor('3'), kept.org.id, kept.member.id, PNG);
    await w.m.approveMember(OPERATOR, approved.member.id);
    await w.m.rejectMember(OPERATOR, rejected.member.id, 'not a company officer');
    const ids = async () => (await w.tb.broker.services.db.selectFrom('member_documents').select('id').where('id', 'in', [a.id, r.id, k.id]).execute()).map((x) => x.id).sort();
    await w.tb.broker.retention.runNow();
    assert.equal((await ids()).length, 3, 'nothing goes before the retention period');
    w.advanceDays(31);
    try {
      await w.tb.broker.retention.runNow();
      assert.deepEqual(await ids(), [k.id], 'the copy of a request still awaiting its decision stays');
      await refused(() => w.m.readDocument(OPERATOR, a.id), 'not-found');
      assert.equal(await w.m.purgeDocuments(w.tb.clock.now()), 0);
    } finally {
      w.advanceDays(-31);
    }
  });
});
