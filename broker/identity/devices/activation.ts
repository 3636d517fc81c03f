// Activating the Cl@ve app on a device (issue 4, seed 000 §3.3.2), in three calls from the app:
// ask for a code by SMS (or bring one a registrar issued), fetch a fresh challenge, then send the
// code, the new public key, the push address, a label and the proof of key possession
// (activation-proof.ts). The order of checks at completion keeps the code's attempt counter for
// real guesses: input shape and the proof first (no attempt spent), then the challenge (single
// use), then the code. A new device replaces the person's previous one, and the person hears of
// it by SMS, e-mail and a notice to the old device.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { EphemeralStore } from '../../store/ephemeral.js';
import type { AuditLog } from '../../store/audit-log.js';
import type { IdentityRegistry } from '../registry.js';
import type { ContrastData, Person } from '../person.js';
import type { Notify } from '../../notify/notify.js';
import type { Device } from './model.js';
import { validateLabel, type DeviceRegistry, type NewDevice } from './registry.js';
import { validatePushAddress, type PushAddressRules } from './push-address.js';
import type { ActivationCodes } from './activation-code.js';
import { DeviceError } from './device-error.js';
import { normaliseDevicePublicKey, readDevicePublicKey } from './device-key.js';
import { verifyActivationProof } from './activation-proof.js';
import { IdentityError } from '../registry-db.js';

export type Translate = (key: string, vars?: Record<string, string>) => string;

export interface ActivationInput extends NewDevice {
  readonly documentNumber: string;
  readonly code: string;
  readonly challenge: string;
  readonly proof: string;
}

export interface DeviceActivation {
  /** sends a code when the document and contrast data name an active person with a mobile; silent otherwise */
  requestSmsCode(documentNumber: string, contrast: ContrastData, t: Translate, ip: string | undefined): Promise<void>;
  /** a code for the person a registrar identified; IdentityError when unknown or not active */
  /**
   * A code for a person identified in person by a registrar, or (actor 'certificate') by a valid
   * qualified certificate on the client-certificate host; the audit entry names which.
   */
  issueRegistrarCode(documentNumber: string, ip: string | undefined, actor?: 'registrar' | 'certificate'): Promise<{ person: Person; code: string; expiresAt: Date }>;
  newChallenge(): Promise<{ challenge: string; expiresInSeconds: number }>;
  complete(input: ActivationInput, t: Translate, ip: string | undefined): Promise<Device>;
}

export interface DeviceActivationDeps {
  readonly identity: IdentityRegistry;
  readonly devices: DeviceRegistry;
  readonly codes: ActivationCodes;
  readonly notify: Notify;
  readonly ephemeral: EphemeralStore;
  readonly audit: AuditLog;
  readonly log: Pick<Logger, 'error'>;
  readonly challengeTtlMs: number;
  readonly pushRules: PushAddressRules;
}

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function createDeviceActivation(deps: DeviceActivationDeps): DeviceActivation {
  const CHALLENGE_KEY = (c: string) => `device-challenge:${c}`;

  function tellReplaced(person: Person, replaced: Device, device: Device, t: Translate): void {
    const sends: Promise<unknown>[] = [deps.notify.push(replaced.id, { kind: 'device-replaced', data: { replacedBy: device.label }, text: t('devices.push.replaced') })];
    if (person.mobile) sends.push(deps.notify.send({ channel: 'sms', to: person.mobile, text: t('devices.sms.replaced', { label: device.label }) }));
    if (person.email) sends.push(deps.notify.send({ channel: 'email', to: person.email, subject: t('devices.email.replaced.subject'), text: t('devices.email.replaced.text', { label: device.label, previous: replaced.label }) }));
    for (const s of sends) s.catch((err: unknown) => deps.log.error({ err: (err as Error).message }, 'telling a person their Cl@ve app device was replaced failed'));
  }

  return {
    async requestSmsCode(documentNumber, contrast, t, ip) {
      const person = await deps.identity.findByDocumentAndContrast(documentNumber, contrast);
      if (!person || person.status !== 'active' || !person.mobile || !person.documentNumber) return;
      const { code } = await deps.codes.issue(person.documentNumber, person.id, 'sms');
      await deps.audit.record({ actor: 'person', action: 'device.activation-code.sent', subject: person.id, ip });
      // not awaited: the answer takes the same time whether or not a code went out
      deps.notify.send({ channel: 'sms', to: person.mobile, text: t('devices.sms.activationCode', { code }), code }).catch((err: unknown) => {
        deps.log.error({ err: (err as Error).message }, 'sending an app activation code failed');
      });
    },
    async issueRegistrarCode(documentNumber, ip, actor = 'registrar') {
      const person = await deps.identity.findByDocument(documentNumber);
      if (!person || !person.documentNumber) throw new IdentityError('not-found', 'no person with this document number');
      if (person.status !== 'active') throw new IdentityError('inactive', `the person is ${person.status}: no app activation code can be issued`);
      const { code, expiresAt } = await deps.codes.issue(person.documentNumber, person.id, 'registrar');
      await deps.audit.record({ actor, action: 'device.activation-code.issued', subject: person.id, ip });
      return { person, code, expiresAt };
    },
    async newChallenge() {
      const challenge = randomBytes(32).toString('base64url');
      await deps.ephemeral.set(CHALLENGE_KEY(challenge), '1', deps.challengeTtlMs);
      return { challenge, expiresInSeconds: Math.floor(deps.challengeTtlMs / 1000) };
    },
    async complete(input, t, ip) {
      const publicKeyPem = normaliseDevicePublicKey(input.publicKeyPem);
      // refused before the code is spent: a typo in the address must not cost the person their code
      const pushAddress = validatePushAddress(input.pushAddress, deps.pushRules);
      const label = validateLabel(input.label);
      if (!verifyActivationProof(readDevicePublicKey(publicKeyPem), input.documentNumber, input.code, input.challenge, input.proof)) {
        throw new DeviceError('proof-invalid', 'proof must be the signature, with the new device key, of the activation code, the challenge and the document number (see the API description)');
      }
      if (!CHALLENGE.test(input.challenge) || !(await deps.ephemeral.take(CHALLENGE_KEY(input.challenge)))) {
        throw new DeviceError('challenge-unknown', 'the challenge is unknown, expired or already used: fetch a new one');
      }
      const check = await deps.codes.check(input.documentNumber, input.code);
      const person = check.outcome === 'ok' ? await deps.identity.findById(check.personId) : undefined;
      if (!person || person.status !== 'active') {
        throw new DeviceError('code-invalid', 'the activation code is wrong, expired or used up');
      }
      const { device, replaced } = await deps.devices.activate(person.id, { publicKeyPem, pushAddress, label });
      await deps.audit.record({ actor: 'person', action: 'device.activated', subject: person.id, ip, detail: { device: device.id, ...(replaced ? { replaced: replaced.id } : {}) } });
      if (replaced) tellReplaced(person, replaced, device, t);
      return device;
    },
  };
}
