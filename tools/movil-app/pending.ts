// `movil-app pending`: the Cl@ve Móvil login requests waiting for this device — those pushed to it
// (from its inbox), or with --scan the one in a QR code's text — with the service and the
// verification code the app would show; `--json` prints them as the broker sent them.
import type { AppCommand } from './command.js';
import { activatedDevice } from './command.js';
import { describeShown, pushedRequestIds, requestIdOf, showRequest, type ShownRequest } from './login-requests.js';

export const pending: AppCommand = {
  summary: 'show the Cl@ve Móvil login requests waiting for this device (pushed, or --scan a QR text)',
  usage: 'pending --document <DNI/NIE> [--scan <QR text>] [--json] [--file key.json]',
  options: { scan: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const state = await activatedDevice(values);
    const ids = typeof values.scan === 'string' ? [requestIdOf(state, values.scan)] : await pushedRequestIds(state);
    const shown: ShownRequest[] = [];
    for (const id of ids) {
      const { shown: one, refusal } = await showRequest(state, id);
      if (one) shown.push(one);
      else io.err(`movil-app: request ${id}: ${refusal}`);
    }
    if (values.json) io.out(JSON.stringify(shown, null, 2));
    else if (shown.length === 0) io.out('no pending login requests');
    else for (const r of shown) io.out(describeShown(r));
    return 0;
  },
};
