// Registration by invitation letter → basic level (issue 9, seed 000 §2.2.2, 001 §5), under
// /register/letter: ask for a letter to the fiscal address in the register of residents
// (request-routes.ts), then complete with its CSV, a mobile (one person per mobile) proved with a
// code sent to it by SMS, an e-mail and the conditions (completion-routes.ts). Off when registration.letter.residentsFile is null.
import express from 'express';
import path from 'node:path';
import { PROJECT_ROOT, varPath } from '../../../config.js';
import type { BrokerServices } from '../../../services.js';
import { createLetters } from './letters.js';
import { createLetterPost } from './letter-post.js';
import { loadResidentsFile } from './residents.js';
import { createLetterVisits } from './visit.js';
import { createMobileProof } from '../mobile-proof.js';
import { LETTER } from './pages.js';
import { mountRequest } from './request-routes.js';
import { mountCompletion } from './completion-routes.js';
import type { LetterDeps } from './letter-deps.js';

export function createLetterRouter(services: BrokerServices): express.Router {
  const router = express.Router();
  const cfg = services.config;
  const opts = cfg.registration.letter;
  if (!opts.residentsFile) return router;
  const deps: LetterDeps = {
    opts,
    db: services.db,
    // read at start, so a broken register stops the broker before it listens
    residents: loadResidentsFile(path.resolve(PROJECT_ROOT, opts.residentsFile)),
    letters: createLetters(services.db, { maxWrongCodes: opts.maxWrongCodes, now: services.now }),
    post: createLetterPost(varPath(cfg, cfg.notify.outboxDir), services.now),
    visits: createLetterVisits(cfg, services.ephemeral, opts.visitMinutes * 60_000, services.now),
    mobileProof: createMobileProof({ namespace: 'letter-mobile', ephemeral: services.ephemeral, notify: services.notify, rateLimit: services.rateLimit, now: services.now }),
    pages: services.pages,
    rateLimit: services.rateLimit,
    audit: services.audit,
    log: services.log,
    now: services.now,
    completeUrl: `${cfg.publicUrl}${LETTER}/complete`,
    ip: (req) => req.ip ?? 'unknown',
  };
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  mountRequest(router, form, deps);
  mountCompletion(router, form, deps);
  return router;
}
