// One Cl@ve Móvil login request (seed 000 §3.2): what the browser waits on and the app decides.
// It names the login transaction, the service the person is logging in to and the 3-digit
// verification code both screens show, so the person can tell that the request in the app is the
// one in front of them. Kept in the ephemeral store as short JSON (bench:movil measures it).
import { randomBytes, randomInt } from 'node:crypto';

export type RequestStatus = 'pending' | 'confirmed' | 'refused' | 'expired';

/** qr: the person is known once a device scans it; push: typed DNI/NIE, pushed to their device */
export type RequestMode = 'qr' | 'push';

export interface LoginRequest {
  readonly id: string;
  readonly txId: string;
  readonly mode: RequestMode;
  /** the SP's display name, as the app shows it */
  readonly service: string;
  readonly verificationCode: string;
  /** known from the typed DNI/NIE (push) or from the device that scanned the QR; null: nobody (yet) */
  readonly personId: string | null;
  /** the device that fetched it (QR) or that it was pushed to */
  readonly deviceId: string | null;
  readonly status: RequestStatus;
  readonly createdAt: number;
  readonly expiresAt: number;
}

// 24 random bytes: 192 bits, unguessable, 32 base64url characters (the QR stays small).
const REQUEST_ID = /^[A-Za-z0-9_-]{32}$/;

export function newRequestId(): string {
  return randomBytes(24).toString('base64url');
}

export function isRequestId(v: unknown): v is string {
  return typeof v === 'string' && REQUEST_ID.test(v);
}

/** 000–999, drawn without modulo bias */
export function newVerificationCode(): string {
  return String(randomInt(1000)).padStart(3, '0');
}

export function isPendingAt(r: LoginRequest, now: Date): boolean {
  return r.status === 'pending' && now.getTime() < r.expiresAt;
}

/** the status a reader should act on: a pending request past its expiry is expired */
export function statusAt(r: LoginRequest | undefined, now: Date): RequestStatus {
  if (!r) return 'expired';
  return r.status === 'pending' && now.getTime() >= r.expiresAt ? 'expired' : r.status;
}

// Stored with one-letter keys: ten thousand of these sit in Redis at once in bench:movil.
interface Stored {
  i: string; t: string; m: RequestMode; s: string; c: string; p: string | null; d: string | null; st: RequestStatus; a: number; e: number;
}

export function encodeRequest(r: LoginRequest): string {
  const stored: Stored = { i: r.id, t: r.txId, m: r.mode, s: r.service, c: r.verificationCode, p: r.personId, d: r.deviceId, st: r.status, a: r.createdAt, e: r.expiresAt };
  return JSON.stringify(stored);
}

export function decodeRequest(text: string | null): LoginRequest | undefined {
  if (text === null) return undefined;
  const v = JSON.parse(text) as Stored;
  return { id: v.i, txId: v.t, mode: v.m, service: v.s, verificationCode: v.c, personId: v.p, deviceId: v.d, status: v.st, createdAt: v.a, expiresAt: v.e };
}
