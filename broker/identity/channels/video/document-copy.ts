// A side of the identity document uploaded for the interview (seed 002: a sharp colour scan or
// photo, front and back): PDF, PNG or JPEG only, judged by the bytes with the mandates module's
// signatures (never by the file name or the type the browser claims), and at most
// videoIdentification.documentMaxBytes.
import { documentMediaType } from '../../../mandates/documents.js';

const ACCEPTED = new Set(['application/pdf', 'image/png', 'image/jpeg']);

export type CopyProblem = 'empty' | 'too-large' | 'type';

export type CopyCheck = { ok: true; mediaType: string } | { ok: false; problem: CopyProblem };

export function checkDocumentCopy(bytes: Buffer, maxBytes: number): CopyCheck {
  if (bytes.length === 0) return { ok: false, problem: 'empty' };
  if (bytes.length > maxBytes) return { ok: false, problem: 'too-large' };
  const mediaType = documentMediaType(bytes);
  return mediaType && ACCEPTED.has(mediaType) ? { ok: true, mediaType } : { ok: false, problem: 'type' };
}
