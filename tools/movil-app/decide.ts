// `movil-app confirm` and `movil-app refuse`: the person's answer to a Cl@ve Móvil login request —
// the one named (a request id or a scanned QR text), else the newest one pushed to the device.
// With --code the simulated person checks the browser's verification code first, as seed 000
// §3.2 step 5 asks, and refuses to confirm when it differs.
import type { AppDecision } from '../../connectors/movil/decision.js';
import type { AppCommand } from './command.js';
import { activatedDevice, UsageError } from './command.js';
import { describeRefusal } from './client.js';
import { describeShown, pushedRequestIds, requestIdOf, sendDecision, showRequest } from './login-requests.js';

function decisionCommand(decision: AppDecision): AppCommand {
  return {
    summary: decision === 'confirm' ? 'confirm a Cl@ve Móvil login request (after unlocking the device)' : 'refuse a Cl@ve Móvil login request',
    usage: `${decision} --document <DNI/NIE> [<request id or QR text>] [--code <verification code in the browser>] [--file key.json]`,
    options: { code: { type: 'string' } },
    async run(values, positionals, io) {
      const state = await activatedDevice(values);
      const named = positionals[0];
      const id = named ? requestIdOf(state, named) : (await pushedRequestIds(state)).at(-1);
      if (!id) throw new UsageError('no login request pushed to this device: name one (request id or QR text)');
      const { shown, refusal } = await showRequest(state, id);
      if (!shown) {
        io.err(`movil-app: ${refusal}`);
        return 1;
      }
      io.out(describeShown(shown));
      if (decision === 'confirm' && typeof values.code === 'string' && values.code.trim() !== shown.verificationCode) {
        io.err(`movil-app: the browser shows ${values.code.trim()} but the app shows ${shown.verificationCode}: not confirming`);
        return 1;
      }
      const answer = await sendDecision(state, shown, decision);
      if (answer.status !== 200) {
        io.err(`movil-app: ${describeRefusal(answer)}`);
        return 1;
      }
      io.out(String(answer.body.status));
      return 0;
    },
  };
}

export const confirm = decisionCommand('confirm');
export const refuse = decisionCommand('refuse');
