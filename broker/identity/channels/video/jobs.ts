// The channel's periodic job, like the retention purge: the reminder e-mail before each interview
// (seed 002: 24 h before, with the meeting link), the lapse of requests the office left
// unanswered for its working days (seed 002: "after 3 working days, make a new appointment"),
// and the deletion of document copies and requests past their retention. Every step is taken
// once by a guarded UPDATE or DELETE, so two nodes never send one reminder twice; on PostgreSQL
// an advisory lock still lets one node work per round, as the purge does.
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DbSchema } from '../../../store/schema.js';
import type { Config } from '../../../config.js';
import type { AuditLog } from '../../../store/audit-log.js';
import type { VideoRequests } from './requests.js';
import type { VideoNotices } from './notices.js';
import type { VideoChannel } from './channel.js';
import { hasLapsed, slotText } from './office-calendar.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** pg advisory lock key of this job: a constant of ours no other lock uses */
const JOB_LOCK = 0x7061_7376_6964; // 'pasvid'

export interface VideoJobResult {
  readonly skipped: boolean;
  readonly reminded: number;
  readonly lapsed: number;
  readonly copiesDeleted: number;
  readonly requestsDeleted: number;
}

export interface VideoJob {
  runNow(): Promise<VideoJobResult>;
  close(): Promise<void>;
}

export interface VideoJobDeps {
  readonly db: Kysely<DbSchema>;
  readonly kind: 'postgres' | 'pglite';
  readonly config: Config;
  readonly requests: VideoRequests;
  readonly channel: VideoChannel;
  readonly notices: VideoNotices;
  readonly audit: AuditLog;
  readonly log: Logger;
  readonly now: () => Date;
}

export function startVideoJob(deps: VideoJobDeps): VideoJob {
  const cfg = deps.config.videoIdentification;
  let running: Promise<VideoJobResult> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  async function round(): Promise<Omit<VideoJobResult, 'skipped'>> {
    const now = deps.now();
    const due = await deps.requests.takeDueReminders(new Date(now.getTime() + cfg.reminderHours * HOUR_MS), now);
    for (const r of due) {
      await deps.notices.send(r, 'reminder', { slot: slotText(r.slotAt!, cfg.timeZone, r.language), link: deps.channel.meetingLink(r) });
    }
    let lapsed = 0;
    // a request cannot lapse before answerWorkingDays calendar days, so only older ones are read
    for (const r of await deps.requests.waitingSinceBefore(new Date(now.getTime() - cfg.answerWorkingDays * DAY_MS))) {
      if (!hasLapsed(r.waitingSince, cfg.answerWorkingDays, cfg.timeZone, now)) continue;
      if (!(await deps.requests.close(r.id, 'lapsed', now, new Date(now.getTime() + cfg.requestRetentionDays * DAY_MS)))) continue;
      lapsed++;
      await deps.audit.record({ actor: 'broker', action: 'video.lapsed', detail: { request: r.id } });
      await deps.notices.send(r, 'lapsed', { url: `${deps.config.publicUrl}/register/video` });
    }
    const copiesDeleted = await deps.requests.purgeCopies(new Date(now.getTime() - cfg.documentRetentionDays * DAY_MS));
    const requestsDeleted = await deps.requests.purgeRequests(now);
    return { reminded: due.length, lapsed, copiesDeleted, requestsDeleted };
  }

  async function run(): Promise<VideoJobResult> {
    if (deps.kind === 'pglite') return { skipped: false, ...(await round()) };
    return deps.db.connection().execute(async (conn) => {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${JOB_LOCK}) as locked`.execute(conn);
      if (!rows[0]?.locked) return { skipped: true, reminded: 0, lapsed: 0, copiesDeleted: 0, requestsDeleted: 0 };
      try {
        return { skipped: false, ...(await round()) };
      } finally {
        await sql`select pg_advisory_unlock(${JOB_LOCK})`.execute(conn);
      }
    });
  }

  function runNow(): Promise<VideoJobResult> {
    running ??= run()
      .then((result) => {
        if (result.reminded || result.lapsed || result.copiesDeleted || result.requestsDeleted) deps.log.info(result, 'video identification job done');
        return result;
      })
      .finally(() => (running = undefined));
    return running;
  }

  function schedule(ms: number): void {
    if (closed) return;
    timer = setTimeout(() => {
      runNow()
        .catch((err: unknown) => deps.log.error({ err: (err as Error).message }, 'video identification job failed; retried at the next interval'))
        .finally(() => schedule(cfg.jobIntervalMinutes * 60_000));
    }, ms).unref();
  }

  if (cfg.enabled && cfg.jobIntervalMinutes > 0) schedule(5_000 + Math.floor(Math.random() * 30_000));

  return {
    runNow,
    async close() {
      closed = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
