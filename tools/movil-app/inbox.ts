// `movil-app inbox`: fetches the messages waiting for this device (PINs, login requests, notices)
// and prints one line each; `--json` prints them as the broker sent them.
import type { AppCommand } from './command.js';
import { activatedDevice } from './command.js';
import { describeRefusal, signedCall } from './client.js';

interface Message {
  readonly id: string;
  readonly kind: string;
  readonly at: string;
  readonly data: Record<string, string>;
}

function describe(m: Message): string {
  if (m.kind === 'pin') return `${m.at} PIN ${m.data.pin ?? '?'} for ${m.data.service ?? '?'} (valid until ${m.data.expiresAt ?? '?'})`;
  if (m.kind === 'login-request') return `${m.at} login request ${Object.entries(m.data).map(([k, v]) => `${k}=${v}`).join(' ')}`;
  return `${m.at} ${m.kind} ${Object.entries(m.data).map(([k, v]) => `${k}=${v}`).join(' ')}`;
}

export const inbox: AppCommand = {
  summary: 'fetch the PINs, login requests and notices waiting for this device',
  usage: 'inbox --document <DNI/NIE> [--json] [--file key.json]',
  options: { json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const state = await activatedDevice(values);
    const answer = await signedCall(state, 'GET', '/api/app/v1/inbox');
    if (answer.status !== 200) {
      io.err(`movil-app: ${describeRefusal(answer)}`);
      return 1;
    }
    const messages = (answer.body.messages ?? []) as Message[];
    if (values.json) io.out(JSON.stringify(messages, null, 2));
    else if (messages.length === 0) io.out('no messages');
    else for (const m of messages) io.out(describe(m));
    return 0;
  },
};
