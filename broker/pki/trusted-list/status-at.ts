// A service's status at a given time, from its current status and ServiceHistory (TS 119 612
// §5.5.4–5.5.5, §5.6): the newest entry starting at or before that time. A certificate is judged
// at its validation time, so a CA withdrawn today still anchored what it issued while granted
// only if the caller validates at that earlier time; the broker validates at "now".
import type { TrustService } from '../model.js';
import { EIDAS_APPLICATION_DATE, SERVICE_STATUS, SERVICE_TYPE } from './names.js';

/** The status entry in force at `at`, with the service type it had then; undefined before the first. */
export function statusAt(service: TrustService, at: Date): { readonly status: string; readonly serviceType: string } | undefined {
  const entry = [...service.statusHistory].sort((a, b) => b.from.getTime() - a.from.getTime()).find((e) => e.from.getTime() <= at.getTime());
  return entry && { status: entry.status, serviceType: entry.serviceType ?? service.serviceType };
}

/**
 * Whether `service` was a granted CA/QC at `at`. "granted" counts always; the Directive
 * 1999/93/EC statuses "undersupervision" and "accredited" (which the lists used for qualified CAs
 * until eIDAS applied) count only for times before 1 July 2016, when every list replaced them.
 * "supervisionincessation" and every other status never count: fail closed.
 */
export function isGrantedCaQcAt(service: TrustService, at: Date): boolean {
  const now = statusAt(service, at);
  if (!now || now.serviceType !== SERVICE_TYPE.caQc) return false;
  if (now.status === SERVICE_STATUS.granted) return true;
  const directiveStatus = now.status === SERVICE_STATUS.underSupervision || now.status === SERVICE_STATUS.accredited;
  return directiveStatus && at.getTime() < EIDAS_APPLICATION_DATE.getTime();
}
