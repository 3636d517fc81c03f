// The devices registry (issue 4, seed 000 §3.2): a person has at most one active Cl@ve app
// device. Activating a new one deactivates the previous one in the same transaction, after
// locking the person's row, so concurrent activations for one person run one after the other and
// leave exactly one active (the partial unique index of migration 0004 is the last guard).
import type { Kysely } from 'kysely';
import type { DbSchema, DeviceRow } from '../../store/schema.js';
import type { Device, PushAddress } from './model.js';
import { DeviceError } from './device-error.js';
import { normaliseDevicePublicKey } from './device-key.js';
import { validatePushAddress, type PushAddressRules } from './push-address.js';

export interface NewDevice {
  readonly publicKeyPem: unknown;
  readonly pushAddress: unknown;
  readonly label: unknown;
}

export interface Activated {
  readonly device: Device;
  /** the device this activation deactivated, to be told so */
  readonly replaced: Device | undefined;
}

export interface DeviceRegistry {
  activeDeviceOf(personId: string): Promise<Device | undefined>;
  /** any device, active or not (a replaced device is still told it was replaced) */
  get(id: string): Promise<Device | undefined>;
  /** validates the key, push address and label; DeviceError when one is wrong or the person is unknown */
  activate(personId: string, device: NewDevice): Promise<Activated>;
  /** deactivates the person's device; undefined when it is not their active device */
  remove(personId: string, deviceId: string): Promise<Device | undefined>;
  /** records that the device made a signed call (at most once a minute per device) */
  touch(deviceId: string, now: Date): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOUCH_EVERY_MS = 60_000;

export function validateLabel(label: unknown): string {
  const s = typeof label === 'string' ? label.trim() : '';
  if (s.length < 1 || s.length > 60 || /\p{Cc}/u.test(s)) throw new DeviceError('invalid-label', 'label must be 1 to 60 printable characters');
  return s;
}

function toDevice(row: DeviceRow): Device {
  const pushAddress: PushAddress = row.push_kind === 'webhook' ? { kind: 'webhook', url: row.push_target } : { kind: 'token', token: row.push_target };
  return {
    id: row.id,
    personId: row.person_id,
    publicKeyPem: row.public_key_pem,
    pushAddress,
    label: row.label,
    status: row.status,
    activatedAt: row.activated_at,
    deactivatedAt: row.deactivated_at,
    lastSeenAt: row.last_seen_at,
  };
}

export function createDeviceRegistry(db: Kysely<DbSchema>, opts: { pushRules: PushAddressRules; now: () => Date }): DeviceRegistry {
  return {
    async activeDeviceOf(personId) {
      if (!UUID.test(personId)) return undefined;
      const row = await db.selectFrom('devices').selectAll().where('person_id', '=', personId).where('status', '=', 'active').executeTakeFirst();
      return row && toDevice(row);
    },
    async get(id) {
      if (!UUID.test(id)) return undefined;
      const row = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toDevice(row);
    },
    async activate(personId, input) {
      const publicKeyPem = normaliseDevicePublicKey(input.publicKeyPem);
      const pushAddress = validatePushAddress(input.pushAddress, opts.pushRules);
      const label = validateLabel(input.label);
      if (!UUID.test(personId)) throw new DeviceError('person-unknown', 'no such person');
      const now = opts.now();
      return db.transaction().execute(async (trx) => {
        const person = await trx.selectFrom('persons').select('id').where('id', '=', personId).forUpdate().executeTakeFirst();
        if (!person) throw new DeviceError('person-unknown', 'no such person');
        const previous = await trx
          .updateTable('devices')
          .set({ status: 'deactivated', deactivated_at: now })
          .where('person_id', '=', personId)
          .where('status', '=', 'active')
          .returningAll()
          .executeTakeFirst();
        const row = await trx
          .insertInto('devices')
          .values({
            person_id: personId,
            public_key_pem: publicKeyPem,
            push_kind: pushAddress.kind,
            push_target: pushAddress.kind === 'webhook' ? pushAddress.url : pushAddress.token,
            label,
            activated_at: now,
            deactivated_at: null,
            last_seen_at: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return { device: toDevice(row), replaced: previous && toDevice(previous) };
      });
    },
    async remove(personId, deviceId) {
      if (!UUID.test(personId) || !UUID.test(deviceId)) return undefined;
      const row = await db
        .updateTable('devices')
        .set({ status: 'deactivated', deactivated_at: opts.now() })
        .where('id', '=', deviceId)
        .where('person_id', '=', personId)
        .where('status', '=', 'active')
        .returningAll()
        .executeTakeFirst();
      return row && toDevice(row);
    },
    async touch(deviceId, now) {
      if (!UUID.test(deviceId)) return;
      const before = new Date(now.getTime() - TOUCH_EVERY_MS);
      await db
        .updateTable('devices')
        .set({ last_seen_at: now })
        .where('id', '=', deviceId)
        .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', before)]))
        .execute();
    },
  };
}

