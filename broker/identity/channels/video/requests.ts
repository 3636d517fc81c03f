// Video identification requests over the durable store. Every state change is one UPDATE guarded
// by the state it leaves (`where state in …`), so two clicks, two staff members or two nodes
// cannot both move a request: the loser sees `false` and the page says the request changed.
import { sql, type Kysely } from 'kysely';
import type { DbSchema } from '../../../store/schema.js';
import type { DocumentSide, VideoRequestRow, VideoRequestState } from './schema.js';

export type InterviewLanguage = 'nl' | 'fr' | 'en' | 'es';
export const INTERVIEW_LANGUAGES: readonly InterviewLanguage[] = ['nl', 'fr', 'en', 'es'];
export type Sex = 'F' | 'M' | 'X';

/** what the person states in the request (seed 002, step 1) */
export interface RequestDetails {
  readonly givenName: string;
  readonly firstSurname: string;
  readonly secondSurname: string | null;
  readonly dateOfBirth: string;
  readonly countryOfBirth: string;
  readonly placeOfBirth: string;
  readonly sex: Sex;
  readonly documentNumber: string | null;
  readonly email: string;
  readonly mobile: string | null;
  readonly motivation: string;
  /** datetime-local values in the office's time zone */
  readonly preferredSlots: readonly string[];
  readonly language: InterviewLanguage;
}

/** what the interviewer checked during the interview (seed 002, step 3) */
export interface InterviewChecks {
  readonly documentValid: boolean;
  readonly documentGenuine: boolean;
  readonly matchesPerson: boolean;
  readonly registersConsistent: boolean;
}

export interface VideoRequest extends RequestDetails {
  readonly id: string;
  readonly state: VideoRequestState;
  readonly securityCodeHash: string;
  readonly wrongCodes: number;
  readonly waitingSince: Date;
  readonly slotAt: Date | null;
  readonly interviewerId: string | null;
  readonly remindedAt: Date | null;
  readonly checks: InterviewChecks | null;
  readonly reviewedBy: string | null;
  readonly decidedBy: string | null;
  readonly decidedAt: Date | null;
  readonly reason: string | null;
  readonly grantedLevel: 'basic' | 'advanced' | null;
  readonly personId: string | null;
  readonly activationExpiresAt: Date | null;
  readonly createdAt: Date;
}

export interface DocumentCopyInfo {
  readonly id: string;
  readonly side: DocumentSide;
  readonly mediaType: string;
  readonly byteSize: number;
  readonly uploadedAt: Date;
}

/** states in which the person may still act on the appointment with the link and code */
export const OPEN_STATES: readonly VideoRequestState[] = ['requested', 'proposed', 'accepted', 'more-asked'];

/**
 * States in which the office waits for copies (seed 002): with the proposal, sent by accepting
 * it, and when the interviewer asks for new ones. Not once accepted: the interviewer decides on
 * the copies seen, which must not change under them.
 */
export const UPLOAD_STATES: readonly VideoRequestState[] = ['proposed', 'more-asked'];

export interface Approval {
  readonly staffId: string;
  readonly checks: InterviewChecks;
  readonly personId: string;
  readonly activationLinkHash: string;
  readonly activationExpiresAt: Date;
}

export interface VideoRequests {
  create(details: RequestDetails, securityCodeHash: string, now: Date): Promise<string>;
  byId(id: string): Promise<VideoRequest | undefined>;
  byLinkHash(linkHash: string): Promise<VideoRequest | undefined>;
  byActivationLinkHash(linkHash: string): Promise<VideoRequest | undefined>;
  /** counts a wrong code and returns how many there are now */
  countWrongCode(id: string): Promise<number>;
  /** requested → proposed: the office's slot, its interviewer and the hash of the link e-mailed */
  propose(id: string, slotAt: Date, interviewerId: string, linkHash: string, now: Date): Promise<boolean>;
  /** proposed → accepted (both sides of the document must be there) */
  accept(id: string, now: Date): Promise<boolean>;
  /** more-asked → accepted, once the new copies are there */
  resubmit(id: string, now: Date): Promise<boolean>;
  /** proposed | accepted → requested: the office proposes again, and has its working days again */
  askAnotherSlot(id: string, now: Date): Promise<boolean>;
  /** any open state → an end state: the copies go at once, the rest after `deleteAfter` */
  close(id: string, state: 'cancelled' | 'lapsed', now: Date, deleteAfter: Date): Promise<boolean>;
  /** a new copy of one side, only in an upload state; false when the request is in another */
  replaceCopy(id: string, side: DocumentSide, mediaType: string, byteSize: number, sealed: string, now: Date): Promise<boolean>;
  copies(id: string): Promise<DocumentCopyInfo[]>;
  readCopy(id: string, copyId: string): Promise<{ mediaType: string; sealed: string } | undefined>;
  /** accepted → more-asked (the interviewer asks for new copies) */
  askMore(id: string, staffId: string, checks: InterviewChecks, reason: string, now: Date): Promise<boolean>;
  refuse(id: string, staffId: string, checks: InterviewChecks, reason: string, now: Date, deleteAfter: Date): Promise<boolean>;
  /** accepted → approved by `staffId`, before the person is registered: two approvals cannot both register */
  claimApproval(id: string, staffId: string, now: Date): Promise<boolean>;
  /** the registered person and the activation link of a claimed approval */
  completeApproval(id: string, approval: Approval, now: Date, deleteAfter: Date): Promise<void>;
  /** an official's review of an approval by someone else: the level becomes advanced */
  review(id: string, officialId: string, now: Date): Promise<boolean>;
  /** approved → activated, once */
  markActivated(id: string, now: Date): Promise<boolean>;
  waitingForOffice(limit: number): Promise<VideoRequest[]>;
  interviewsBetween(from: Date, to: Date): Promise<VideoRequest[]>;
  awaitingReview(limit: number): Promise<VideoRequest[]>;
  /** accepted interviews starting before `until` that had no reminder yet; each taken once */
  takeDueReminders(until: Date, now: Date): Promise<VideoRequest[]>;
  waitingSinceBefore(cutoff: Date): Promise<VideoRequest[]>;
  purgeCopies(decidedBefore: Date): Promise<number>;
  purgeRequests(now: Date): Promise<number>;
}

export function createVideoRequests(db: Kysely<DbSchema>): VideoRequests {
  const touch = (now: Date) => ({ updated_at: now });
  const moved = (r: { numUpdatedRows: bigint }) => r.numUpdatedRows > 0n;
  const one = async (column: 'id' | 'link_hash' | 'activation_link_hash', value: string) => {
    const row = await db.selectFrom('video_requests').selectAll().where(column, '=', value).executeTakeFirst();
    return row ? toRequest(row) : undefined;
  };

  return {
    async create(d, securityCodeHash, now) {
      const row = await db
        .insertInto('video_requests')
        .values({
          given_name: d.givenName,
          first_surname: d.firstSurname,
          second_surname: d.secondSurname,
          date_of_birth: d.dateOfBirth,
          country_of_birth: d.countryOfBirth,
          place_of_birth: d.placeOfBirth,
          sex: d.sex,
          document_number: d.documentNumber,
          email: d.email,
          mobile: d.mobile,
          motivation: d.motivation,
          preferred_slots: JSON.stringify(d.preferredSlots),
          language: d.language,
          security_code_hash: securityCodeHash,
          waiting_since: now,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    byId: (id) => (/^[0-9a-f-]{36}$/i.test(id) ? one('id', id) : Promise.resolve(undefined)),
    byLinkHash: (h) => one('link_hash', h),
    byActivationLinkHash: (h) => one('activation_link_hash', h),
    async countWrongCode(id) {
      const row = await db.updateTable('video_requests').set({ wrong_codes: sql`wrong_codes + 1` }).where('id', '=', id).returning('wrong_codes').executeTakeFirst();
      return row?.wrong_codes ?? Number.MAX_SAFE_INTEGER;
    },
    async propose(id, slotAt, interviewerId, linkHash, now) {
      const r = await db
        .updateTable('video_requests')
        .set({ state: 'proposed', slot_at: slotAt, interviewer_id: interviewerId, link_hash: linkHash, wrong_codes: 0, reminded_at: null, ...touch(now) })
        .where('id', '=', id)
        .where('state', '=', 'requested')
        .executeTakeFirst();
      return moved(r);
    },
    async accept(id, now) {
      const r = await db
        .updateTable('video_requests')
        .set({ state: 'accepted', ...touch(now) })
        .where('id', '=', id)
        .where('state', '=', 'proposed')
        .where(sql<boolean>`(select count(distinct side) from video_documents where request_id = ${id}) = 2`)
        .executeTakeFirst();
      return moved(r);
    },
    async resubmit(id, now) {
      const r = await db.updateTable('video_requests').set({ state: 'accepted', ...touch(now) }).where('id', '=', id).where('state', '=', 'more-asked').executeTakeFirst();
      return moved(r);
    },
    async askAnotherSlot(id, now) {
      const r = await db
        .updateTable('video_requests')
        .set({ state: 'requested', slot_at: null, interviewer_id: null, reminded_at: null, waiting_since: now, ...touch(now) })
        .where('id', '=', id)
        .where('state', 'in', ['proposed', 'accepted'])
        .executeTakeFirst();
      return moved(r);
    },
    async close(id, state, now, deleteAfter) {
      return db.transaction().execute(async (trx) => {
        const r = await trx
          .updateTable('video_requests')
          .set({ state, link_hash: null, delete_after: deleteAfter, ...touch(now) })
          .where('id', '=', id)
          .where('state', 'in', [...OPEN_STATES])
          .executeTakeFirst();
        if (!moved(r)) return false;
        await trx.deleteFrom('video_documents').where('request_id', '=', id).execute();
        return true;
      });
    },
    async replaceCopy(id, side, mediaType, byteSize, sealed, now) {
      return db.transaction().execute(async (trx) => {
        // the guarded update also locks the request, so an approval or an acceptance waits for this copy
        const r = await trx.updateTable('video_requests').set(touch(now)).where('id', '=', id).where('state', 'in', [...UPLOAD_STATES]).executeTakeFirst();
        if (!moved(r)) return false;
        await trx.deleteFrom('video_documents').where('request_id', '=', id).where('side', '=', side).execute();
        await trx.insertInto('video_documents').values({ request_id: id, side, media_type: mediaType, byte_size: byteSize, sealed }).execute();
        return true;
      });
    },
    async copies(id) {
      const rows = await db.selectFrom('video_documents').select(['id', 'side', 'media_type', 'byte_size', 'uploaded_at']).where('request_id', '=', id).orderBy('side', 'desc').execute();
      return rows.map((r) => ({ id: r.id, side: r.side, mediaType: r.media_type, byteSize: r.byte_size, uploadedAt: r.uploaded_at }));
    },
    async readCopy(id, copyId) {
      if (!/^[0-9a-f-]{36}$/i.test(copyId)) return undefined;
      const row = await db.selectFrom('video_documents').select(['media_type', 'sealed']).where('id', '=', copyId).where('request_id', '=', id).executeTakeFirst();
      return row ? { mediaType: row.media_type, sealed: row.sealed } : undefined;
    },
    async askMore(id, staffId, checks, reason, now) {
      const r = await db
        .updateTable('video_requests')
        .set({ state: 'more-asked', checks: JSON.stringify(checks), reason, decided_by: staffId, ...touch(now) })
        .where('id', '=', id)
        .where('state', '=', 'accepted')
        .executeTakeFirst();
      return moved(r);
    },
    async refuse(id, staffId, checks, reason, now, deleteAfter) {
      const r = await db
        .updateTable('video_requests')
        .set({ state: 'refused', checks: JSON.stringify(checks), reason, decided_by: staffId, decided_at: now, link_hash: null, delete_after: deleteAfter, ...touch(now) })
        .where('id', '=', id)
        .where('state', '=', 'accepted')
        .executeTakeFirst();
      return moved(r);
    },
    async claimApproval(id, staffId, now) {
      const r = await db.updateTable('video_requests').set({ state: 'approved', decided_by: staffId, decided_at: now, ...touch(now) }).where('id', '=', id).where('state', '=', 'accepted').executeTakeFirst();
      return moved(r);
    },
    async completeApproval(id, a, now, deleteAfter) {
      await db
        .updateTable('video_requests')
        .set({
          checks: JSON.stringify(a.checks),
          reason: null,
          granted_level: 'basic',
          person_id: a.personId,
          link_hash: null,
          activation_link_hash: a.activationLinkHash,
          activation_expires_at: a.activationExpiresAt,
          wrong_codes: 0,
          delete_after: deleteAfter,
          ...touch(now),
        })
        .where('id', '=', id)
        .where('state', '=', 'approved')
        .where('decided_by', '=', a.staffId)
        .execute();
    },
    async review(id, officialId, now) {
      const r = await db
        .updateTable('video_requests')
        .set({ reviewed_by: officialId, granted_level: 'advanced', ...touch(now) })
        .where('id', '=', id)
        .where('state', 'in', ['approved', 'activated'])
        .where('reviewed_by', 'is', null)
        .where('decided_by', '<>', officialId)
        .executeTakeFirst();
      return moved(r);
    },
    async markActivated(id, now) {
      const r = await db.updateTable('video_requests').set({ state: 'activated', activation_link_hash: null, ...touch(now) }).where('id', '=', id).where('state', '=', 'approved').executeTakeFirst();
      return moved(r);
    },
    async waitingForOffice(limit) {
      const rows = await db.selectFrom('video_requests').selectAll().where('state', '=', 'requested').orderBy('waiting_since').limit(limit).execute();
      return rows.map(toRequest);
    },
    async interviewsBetween(from, to) {
      const rows = await db
        .selectFrom('video_requests')
        .selectAll()
        .where('state', 'in', ['proposed', 'accepted', 'more-asked'])
        .where('slot_at', '>=', from)
        .where('slot_at', '<', to)
        .orderBy('slot_at')
        .execute();
      return rows.map(toRequest);
    },
    async awaitingReview(limit) {
      const rows = await db.selectFrom('video_requests').selectAll().where('state', 'in', ['approved', 'activated']).where('reviewed_by', 'is', null).orderBy('decided_at').limit(limit).execute();
      return rows.map(toRequest);
    },
    async takeDueReminders(until, now) {
      const rows = await db
        .updateTable('video_requests')
        .set({ reminded_at: now })
        .where('state', '=', 'accepted')
        .where('reminded_at', 'is', null)
        .where('slot_at', '>', now)
        .where('slot_at', '<=', until)
        .returningAll()
        .execute();
      return rows.map(toRequest);
    },
    async waitingSinceBefore(cutoff) {
      const rows = await db.selectFrom('video_requests').selectAll().where('state', '=', 'requested').where('waiting_since', '<', cutoff).execute();
      return rows.map(toRequest);
    },
    async purgeCopies(decidedBefore) {
      const r = await db
        .deleteFrom('video_documents')
        .where('request_id', 'in', (eb) => eb.selectFrom('video_requests').select('id').where('decided_at', '<', decidedBefore).where('state', 'in', ['approved', 'activated', 'refused']))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async purgeRequests(now) {
      const r = await db.deleteFrom('video_requests').where('delete_after', '<', now).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

function toRequest(r: VideoRequestRow): VideoRequest {
  return {
    id: r.id,
    state: r.state,
    givenName: r.given_name,
    firstSurname: r.first_surname,
    secondSurname: r.second_surname,
    dateOfBirth: r.date_of_birth,
    countryOfBirth: r.country_of_birth,
    placeOfBirth: r.place_of_birth,
    sex: r.sex,
    documentNumber: r.document_number,
    email: r.email,
    mobile: r.mobile,
    motivation: r.motivation,
    preferredSlots: JSON.parse(r.preferred_slots) as string[],
    language: r.language,
    securityCodeHash: r.security_code_hash,
    wrongCodes: r.wrong_codes,
    waitingSince: r.waiting_since,
    slotAt: r.slot_at,
    interviewerId: r.interviewer_id,
    remindedAt: r.reminded_at,
    checks: r.checks ? (JSON.parse(r.checks) as InterviewChecks) : null,
    reviewedBy: r.reviewed_by,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    reason: r.reason,
    grantedLevel: r.granted_level,
    personId: r.person_id,
    activationExpiresAt: r.activation_expires_at,
    createdAt: r.created_at,
  };
}
