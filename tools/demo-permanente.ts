// The demo persons' Cl@ve Permanente state for `npm start` (README "Demo persons"): Carmen
// (advanced, 12345678Z) and Lucía (advanced, 87654321X, the accountant of the chain-mandate demo)
// have Permanente active with a published demo password and SMS as second factor; Jan (basic, X1234567L) has a fresh activation code, printed at every start until he
// activates. Demo only: the password is public, so this never runs outside tools/dev-start.ts.
import type { BrokerServices } from '../broker/services.js';
import { hashActivationCode, newActivationCode } from '../broker/identity/activation-code.js';
import { renewActivationCode } from '../broker/identity/registration.js';

export const DEMO_PERMANENTE_PASSWORD = 'Pasarela-Demo-2026';
const ACTIVE_DEMOS = ['12345678Z', '87654321X'];
const ACTIVATION_DEMO = 'X1234567L';

export interface DemoPermanente {
  /** document → what the demo person uses for Cl@ve Permanente */
  readonly lines: Readonly<Record<string, string>>;
}

export async function prepareDemoPermanente(s: BrokerServices): Promise<DemoPermanente> {
  const lines: Record<string, string> = {};
  const { accounts, hasher } = s.credentials;
  for (const document of ACTIVE_DEMOS) {
    const person = await s.identity.findByDocument(document);
    if (!person) continue;
    const account = await accounts.find(person.id);
    if (account?.state !== 'active') {
      await accounts.issueActivationCode(person.id, hashActivationCode(newActivationCode()), s.now());
      await accounts.setPassword(person.id, await hasher.hash(DEMO_PERMANENTE_PASSWORD), s.now(), s.config.connectors.permanente.passwordHistory);
    }
    lines[document] = `Cl@ve Permanente password ${DEMO_PERMANENTE_PASSWORD} (until you change it), second factor SMS`;
  }
  const jan = await s.identity.findByDocument(ACTIVATION_DEMO);
  if (jan) {
    const account = await accounts.find(jan.id);
    if (account?.state === 'active') lines[ACTIVATION_DEMO] = 'Cl@ve Permanente activated';
    else {
      const { activationCode } = await renewActivationCode({ registry: s.identity, accounts, audit: s.audit, now: s.now }, ACTIVATION_DEMO);
      lines[ACTIVATION_DEMO] = `Cl@ve Permanente activation code ${activationCode} (e-mail ${jan.email ?? '-'})`;
    }
  }
  return { lines };
}
