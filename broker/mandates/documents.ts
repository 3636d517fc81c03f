// Copies of a new member's identity document (seed 004 §3.1: pdf, png, jpg, tif or bmp, at most
// 5 MB) for the operator's approval review. The type is decided by the bytes, never by a name or
// a header the uploader chose; the copy is sealed at rest and deleted a while after the decision.
import type { Ctx } from './context.js';
import { actorLabel, change, requireUuid } from './context.js';
import { memberOf, requireAdministrator, requireOperator } from './authorise.js';
import { MandateRuleError, type Actor } from './model.js';
import { auditDetail, auditSubject } from './audit-entries.js';

const SIGNATURES: readonly { readonly mediaType: string; readonly magic: readonly number[] }[] = [
  { mediaType: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { mediaType: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mediaType: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
  { mediaType: 'image/tiff', magic: [0x49, 0x49, 0x2a, 0x00] }, // II*\0, little-endian
  { mediaType: 'image/tiff', magic: [0x4d, 0x4d, 0x00, 0x2a] }, // MM\0*, big-endian
  { mediaType: 'image/bmp', magic: [0x42, 0x4d] }, // BM
];

/** the media type the content shows, or undefined for anything not accepted */
export function documentMediaType(bytes: Buffer): string | undefined {
  return SIGNATURES.find((s) => bytes.length >= s.magic.length && s.magic.every((b, i) => bytes[i] === b))?.mediaType;
}

export function createDocuments(ctx: Ctx) {
  return {
    async attachDocument(actor: Actor, organisationId: string, memberId: string, bytes: Buffer): Promise<{ id: string; mediaType: string; byteSize: number }> {
      const orgId = requireUuid(organisationId, 'organisation');
      if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw new MandateRuleError('invalid', 'the copy of the identity document is empty', 'document-empty');
      if (bytes.length > ctx.cfg.documentMaxBytes) {
        throw new MandateRuleError('invalid', `the copy of the identity document is larger than ${Math.floor(ctx.cfg.documentMaxBytes / 1048576)} MB`, 'document-too-large');
      }
      const mediaType = documentMediaType(bytes);
      if (!mediaType) throw new MandateRuleError('invalid', 'the copy must be a PDF, PNG, JPEG, TIFF or BMP file', 'document-type');
      return change(ctx, [orgId], async (trx, fx) => {
        await requireAdministrator(ctx, trx, actor, orgId);
        const member = await memberOf(trx, orgId, memberId);
        if (member.status !== 'awaiting_approval') throw new MandateRuleError('conflict', 'a copy of the identity document can only be added while the request awaits approval', 'not-awaiting-approval');
        const row = await trx
          .insertInto('member_documents')
          .values({ member_id: member.id, media_type: mediaType, byte_size: bytes.length, sealed: ctx.deps.secrets.seal(bytes.toString('base64')), uploaded_by: actor.kind === 'person' ? actor.personId : null })
          .returning('id')
          .executeTakeFirstOrThrow();
        fx.audit({ actor: actorLabel(actor), action: 'member.document.attach', subject: auditSubject(member), ip: actor.ip ?? undefined, detail: auditDetail(member, { documentId: row.id, mediaType, byteSize: bytes.length }) });
        return { id: row.id, mediaType, byteSize: bytes.length };
      });
    },

    async readDocument(actor: Actor, documentId: string): Promise<{ mediaType: string; bytes: Buffer }> {
      requireOperator(actor);
      const row = await ctx.db.selectFrom('member_documents').selectAll().where('id', '=', requireUuid(documentId, 'document')).executeTakeFirst();
      if (!row) throw new MandateRuleError('not-found', 'document not found', 'not-found');
      await ctx.deps.audit.record({ actor: actorLabel(actor), action: 'member.document.read', subject: `member:${row.member_id}`, ip: actor.ip ?? undefined, detail: { documentId: row.id } });
      return { mediaType: row.media_type, bytes: Buffer.from(ctx.deps.secrets.open(row.sealed), 'base64') };
    },

    async purgeDocuments(now: Date): Promise<number> {
      const r = await ctx.db.deleteFrom('member_documents').where('delete_after', '<', now).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
