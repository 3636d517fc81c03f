// `movil-app device`: shows this device as the broker knows it; `--remove` deactivates it.
import type { AppCommand } from './command.js';
import { activatedDevice } from './command.js';
import { describeRefusal, signedCall } from './client.js';

export const device: AppCommand = {
  summary: 'show this device as the broker knows it (--remove deactivates it)',
  usage: 'device --document <DNI/NIE> [--remove] [--file key.json]',
  options: { remove: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const state = await activatedDevice(values);
    const answer = await signedCall(state, values.remove ? 'DELETE' : 'GET', '/api/app/v1/device');
    if (answer.status !== 200) {
      io.err(`movil-app: ${describeRefusal(answer)}`);
      return 1;
    }
    io.out(JSON.stringify(answer.body, null, 2));
    return 0;
  },
};
