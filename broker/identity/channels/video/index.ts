// Registration by video identification (issue 9, seed 002): the person's pages under
// /register/video, the interviewer console under /staff/video (console.ts), and the periodic
// job (jobs.ts) the broker starts. All three build the same stateless parts from the services.
import express from 'express';
import type { BrokerServices } from '../../../services.js';
import { mountCitizenRoutes } from './citizen-routes.js';
import { mountActivationRoutes } from './activation-routes.js';
import { videoContextOf } from './context.js';

export { videoConsole } from './console.js';
import { startVideoJob, type VideoJob } from './jobs.js';

export type { VideoJob } from './jobs.js';

/** the person's pages, mounted at /register/video; nothing when the channel is off */
export function createVideoRouter(services: BrokerServices): express.Router {
  const router = express.Router();
  if (!services.config.videoIdentification.enabled) return router;
  const vc = videoContextOf(services);
  mountCitizenRoutes(router, vc);
  mountActivationRoutes(router, vc);
  return router;
}

/** the reminder, lapse and retention job over the broker's stores; runNow() works even when it does not run on its own */
export function startVideoIdentificationJob(services: BrokerServices, kind: 'postgres' | 'pglite'): VideoJob {
  const { channel, requests, notices } = videoContextOf(services);
  return startVideoJob({ db: services.db, kind, config: services.config, requests, channel, notices, audit: services.audit, log: services.log, now: services.now });
}
