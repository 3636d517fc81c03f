// The devices pieces built from configuration, in one place for every user (broker.ts, the app
// API, the registrar API): they keep no state of their own, so building them twice is harmless.
import type { BrokerServices } from '../../services.js';
import type { Config } from '../../config.js';
import type { EphemeralStore } from '../../store/ephemeral.js';
import { createDeviceInbox, type DeviceInbox } from './inbox.js';
import { createActivationCodes } from './activation-code.js';
import { createDeviceActivation, type DeviceActivation } from './activation.js';
import { pushAddressRules } from './push-address.js';

/** an activation challenge lives as long as an SMS code */
const challengeTtlMs = (cfg: Config) => cfg.devices.activationCodeValiditySeconds * 1000;

export function deviceInboxFor(cfg: Config, store: EphemeralStore): DeviceInbox {
  return createDeviceInbox(store, { ttlMs: cfg.devices.inboxTtlSeconds * 1000, max: cfg.devices.inboxMaxMessages });
}

export function deviceActivationFor(services: BrokerServices): DeviceActivation {
  const d = services.config.devices;
  return createDeviceActivation({
    identity: services.identity,
    devices: services.devices,
    notify: services.notify,
    ephemeral: services.ephemeral,
    audit: services.audit,
    log: services.log,
    codes: createActivationCodes(services.ephemeral, {
      smsValidityMs: d.activationCodeValiditySeconds * 1000,
      registrarValidityMs: d.registrarCodeValiditySeconds * 1000,
      maxAttempts: d.activationCodeMaxAttempts,
      now: services.now,
    }),
    challengeTtlMs: challengeTtlMs(services.config),
    pushRules: pushAddressRules(services.config.publicUrl),
  });
}
