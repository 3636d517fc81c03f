// The video identification channel (seed 002) as use cases: what the person does with the link
// and the security code, what the office does in the console, and the approval that registers
// the person. Pages and the console call only these; every change is audited.
import type { Kysely } from 'kysely';
import type { Config } from '../../../config.js';
import type { DbSchema } from '../../../store/schema.js';
import { createAuditLog } from '../../../store/audit-log.js';
import type { AuditLog } from '../../../store/audit-log.js';
import type { IdentityRegistry } from '../../registry.js';
import type { SecretBox } from '../../secret-box.js';
import type { Person } from '../../person.js';
import { createIdentityRegistry, IdentityError } from '../../registry-db.js';
import { createPermanenteAccounts } from '../../permanente-accounts.js';
import { hashActivationCode, newActivationCode } from '../../activation-code.js';
import { hashLinkToken, hashSecurityCode, newLinkToken, newSecurityCode, securityCodeMatches } from './secrets.js';
import { slotText } from './office-calendar.js';
import { checkDocumentCopy, type CopyProblem } from './document-copy.js';
import { createVideoRequests, OPEN_STATES, type InterviewChecks, type RequestDetails, type VideoRequest, type VideoRequests } from './requests.js';
import type { VideoNotices } from './notices.js';
import type { DocumentSide } from './schema.js';

const DAY_MS = 86_400_000;

export interface StaffMember {
  readonly personId: string;
  readonly ip?: string | undefined;
}

export interface ChannelDeps {
  readonly config: Config;
  /** the approval's transaction builds its own stores over it */
  readonly db: Kysely<DbSchema>;
  readonly requests: VideoRequests;
  readonly registry: IdentityRegistry;
  readonly secrets: SecretBox;
  readonly audit: AuditLog;
  readonly notices: VideoNotices;
  readonly now: () => Date;
}

/** why the link and code do not open the appointment; the page says the same for unknown and wrong */
export type OpenRefusal = 'wrong' | 'locked' | 'closed';
export type Opened = { ok: true; request: VideoRequest } | { ok: false; refusal: OpenRefusal };

export type ApprovalProblem = 'state' | 'checks' | 'copies' | 'copies-changed' | 'duplicate' | 'mobile-taken' | 'identity';
export type Approved = { ok: true; activationCode: string; person: Person } | { ok: false; problem: ApprovalProblem; message?: string };

/** ends the approval's transaction, undoing the claim: the request stays accepted */
class ApprovalRefused extends Error {
  constructor(readonly problem: ApprovalProblem) {
    super(`approval refused: ${problem}`);
  }
}

/** the same copies, in any order */
function sameCopies(current: readonly string[], viewed: readonly string[]): boolean {
  const seen = new Set(viewed);
  return current.length === seen.size && current.every((id) => seen.has(id));
}

export function createVideoChannel(deps: ChannelDeps) {
  const cfg = deps.config.videoIdentification;
  const days = (n: number) => new Date(deps.now().getTime() + n * DAY_MS);
  const meetingLink = (r: VideoRequest) => cfg.meetingLink.replaceAll('{request}', r.id);
  const linkOf = (token: string) => `${deps.config.publicUrl}/register/video/appointment/${token}`;

  async function staffAudit(staff: StaffMember, action: string, request: VideoRequest, detail?: Record<string, string | number | boolean>) {
    await deps.audit.record({ actor: `staff:${staff.personId}`, action, subject: request.personId ?? undefined, ip: staff.ip, detail: { request: request.id, ...detail } });
  }

  return {
    meetingLink,

    /** step 1: the request; the security code is returned to be shown once and never again */
    async request(details: RequestDetails, ip: string | undefined): Promise<{ id: string; securityCode: string }> {
      const securityCode = newSecurityCode();
      const id = await deps.requests.create(details, hashSecurityCode(securityCode), deps.now());
      await deps.audit.record({ actor: 'anonymous', action: 'video.requested', ip, detail: { request: id, language: details.language } });
      return { id, securityCode };
    },

    /**
     * The link of the e-mail and the security code together open the appointment. Wrong codes
     * count on the request; past the limit the link stops working and the person asks again.
     */
    async open(linkToken: string, securityCode: string, ip: string | undefined): Promise<Opened> {
      const hash = hashLinkToken('appointment-link', linkToken);
      const request = hash ? await deps.requests.byLinkHash(hash) : undefined;
      // compared even without a request, so an unknown link costs what a known one does
      const right = securityCodeMatches(securityCode, request?.securityCodeHash ?? '\0none');
      if (!request) return { ok: false, refusal: 'wrong' };
      if (request.wrongCodes >= cfg.securityCodeMaxWrong) return { ok: false, refusal: 'locked' };
      if (!right) {
        const wrong = await deps.requests.countWrongCode(request.id);
        await deps.audit.record({ actor: 'anonymous', action: 'video.security-code.refused', ip, detail: { request: request.id, wrong } });
        return { ok: false, refusal: wrong >= cfg.securityCodeMaxWrong ? 'locked' : 'wrong' };
      }
      if (!OPEN_STATES.includes(request.state)) return { ok: false, refusal: 'closed' };
      return { ok: true, request };
    },

    /** 'state': the office is not waiting for copies (UPLOAD_STATES) */
    async uploadCopy(request: VideoRequest, side: DocumentSide, bytes: Buffer, ip: string | undefined): Promise<{ ok: true } | { ok: false; problem: CopyProblem | 'state' }> {
      const check = checkDocumentCopy(bytes, cfg.documentMaxBytes);
      if (!check.ok) return check;
      if (!(await deps.requests.replaceCopy(request.id, side, check.mediaType, bytes.length, deps.secrets.seal(bytes.toString('base64')), deps.now()))) return { ok: false, problem: 'state' };
      await deps.audit.record({ actor: 'anonymous', action: 'video.document.uploaded', ip, detail: { request: request.id, side, mediaType: check.mediaType, byteSize: bytes.length } });
      return { ok: true };
    },

    async accept(request: VideoRequest, ip: string | undefined): Promise<boolean> {
      const done = request.state === 'more-asked' ? await deps.requests.resubmit(request.id, deps.now()) : await deps.requests.accept(request.id, deps.now());
      if (!done) return false;
      await deps.audit.record({ actor: 'anonymous', action: request.state === 'more-asked' ? 'video.documents.resubmitted' : 'video.slot.accepted', ip, detail: { request: request.id } });
      if (request.state === 'proposed') await deps.notices.send(request, 'confirmed', { slot: request.slotAt ? slotText(request.slotAt, cfg.timeZone, request.language) : '', link: meetingLink(request) });
      return true;
    },

    async askAnotherSlot(request: VideoRequest, ip: string | undefined): Promise<boolean> {
      if (!(await deps.requests.askAnotherSlot(request.id, deps.now()))) return false;
      await deps.audit.record({ actor: 'anonymous', action: 'video.slot.another-asked', ip, detail: { request: request.id } });
      return true;
    },

    async cancel(request: VideoRequest, ip: string | undefined): Promise<boolean> {
      if (!(await deps.requests.close(request.id, 'cancelled', deps.now(), days(cfg.requestRetentionDays)))) return false;
      await deps.audit.record({ actor: 'anonymous', action: 'video.cancelled', ip, detail: { request: request.id } });
      await deps.notices.send(request, 'cancelled');
      return true;
    },

    /** the office proposes a slot: the link goes by e-mail, its token only there */
    async propose(staff: StaffMember, request: VideoRequest, slotAt: Date): Promise<boolean> {
      const token = newLinkToken();
      if (!(await deps.requests.propose(request.id, slotAt, staff.personId, hashLinkToken('appointment-link', token)!, deps.now()))) return false;
      await staffAudit(staff, 'video.slot.proposed', request, { slot: slotAt.toISOString() });
      await deps.notices.send(request, 'proposed', { slot: slotText(slotAt, cfg.timeZone, request.language), link: linkOf(token) });
      return true;
    },

    async askMore(staff: StaffMember, request: VideoRequest, checks: InterviewChecks, reason: string): Promise<boolean> {
      if (!(await deps.requests.askMore(request.id, staff.personId, checks, reason, deps.now()))) return false;
      await staffAudit(staff, 'video.more-asked', request);
      await deps.notices.send(request, 'more-asked', { reason });
      return true;
    },

    async refuse(staff: StaffMember, request: VideoRequest, checks: InterviewChecks, reason: string): Promise<boolean> {
      if (!(await deps.requests.refuse(request.id, staff.personId, checks, reason, deps.now(), days(cfg.requestRetentionDays)))) return false;
      await staffAudit(staff, 'video.refused', request);
      await deps.notices.send(request, 'refused', { reason });
      return true;
    },

    /**
     * Every check passed: the person is registered at basic level (advanced once an official
     * reviews it), with a Cl@ve Permanente activation code that the interviewer reads out and an
     * activation link that goes by e-mail; both are needed to choose keys. `viewedCopies` are the
     * ids of the copies the interviewer's page listed: a copy replaced since is a copy nobody
     * checked, so the approval is refused. The request, the person, the account and the audit
     * entries are written in one transaction (like the office's registration); the e-mail goes
     * after the commit, so no link is sent for an approval that did not happen.
     */
    async approve(
      staff: StaffMember,
      request: VideoRequest,
      checks: InterviewChecks,
      identity: { documentNumber: string; documentDate?: string; supportNumber?: string },
      viewedCopies: readonly string[],
    ): Promise<Approved> {
      if (request.state !== 'accepted') return { ok: false, problem: 'state' };
      if (!Object.values(checks).every(Boolean)) return { ok: false, problem: 'checks' };
      const activationCode = newActivationCode();
      const token = newLinkToken();
      let person: Person;
      try {
        person = await deps.db.transaction().execute(async (trx) => {
          const requests = createVideoRequests(trx);
          const audit = createAuditLog(trx, deps.now);
          // the guarded update locks the request: an upload (also guarded) cannot slip in between
          if (!(await requests.claimApproval(request.id, staff.personId, deps.now()))) throw new ApprovalRefused('state');
          const copies = await requests.copies(request.id);
          if (copies.length < 2) throw new ApprovalRefused('copies');
          if (!sameCopies(copies.map((c) => c.id), viewedCopies)) throw new ApprovalRefused('copies-changed');
          const added = await createIdentityRegistry(trx).add({
            documentNumber: identity.documentNumber,
            documentDate: identity.documentDate,
            supportNumber: identity.supportNumber,
            givenName: request.givenName,
            firstSurname: request.firstSurname,
            secondSurname: request.secondSurname ?? undefined,
            dateOfBirth: request.dateOfBirth,
            email: request.email,
            mobile: request.mobile ?? undefined,
            registrationLevel: 'basic',
          });
          await createPermanenteAccounts(trx).issueActivationCode(added.id, hashActivationCode(activationCode), deps.now());
          await requests.completeApproval(request.id, {
            staffId: staff.personId,
            checks,
            personId: added.id,
            activationLinkHash: hashLinkToken('activation-link', token)!,
            activationExpiresAt: days(cfg.activationValidityDays),
          }, deps.now(), days(cfg.activationValidityDays + cfg.requestRetentionDays));
          await audit.record({ actor: `staff:${staff.personId}`, action: 'video.approved', subject: added.id, ip: staff.ip, detail: { request: request.id, level: 'basic' } });
          await audit.record({ actor: `staff:${staff.personId}`, action: 'permanente.activation-code.issued', subject: added.id, ip: staff.ip });
          return added;
        });
      } catch (err) {
        if (err instanceof ApprovalRefused) return { ok: false, problem: err.problem };
        if (!(err instanceof IdentityError)) throw err;
        const problem: ApprovalProblem = err.code === 'duplicate' ? 'duplicate' : err.code === 'mobile-taken' ? 'mobile-taken' : 'identity';
        return { ok: false, problem, message: err.message };
      }
      await deps.notices.send(request, 'activation', { link: `${deps.config.publicUrl}/register/video/activate/${token}` });
      return { ok: true, activationCode, person };
    },

    /** an official other than the approver reviews the identification: the person becomes advanced */
    async review(official: StaffMember, request: VideoRequest): Promise<boolean> {
      if (!request.personId || request.decidedBy === official.personId) return false;
      if (!(await deps.requests.review(request.id, official.personId, deps.now()))) return false;
      await deps.registry.raiseToAdvanced(request.personId);
      await staffAudit(official, 'video.reviewed', request, { level: 'advanced' });
      return true;
    },

    async readCopy(staff: StaffMember, request: VideoRequest, copyId: string): Promise<{ mediaType: string; bytes: Buffer } | undefined> {
      const copy = await deps.requests.readCopy(request.id, copyId);
      if (!copy) return undefined;
      await staffAudit(staff, 'video.document.read', request, { copy: copyId });
      return { mediaType: copy.mediaType, bytes: Buffer.from(deps.secrets.open(copy.sealed), 'base64') };
    },
  };
}

export type VideoChannel = ReturnType<typeof createVideoChannel>;
