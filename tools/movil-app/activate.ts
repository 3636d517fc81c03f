// `movil-app activate`: without --code, generates the device key (kept in the key file) and asks
// the broker for an activation code by SMS; with --code (from that SMS, or from a registrar's
// `pasarela registrar device-activation`), fetches a challenge, signs the proof of key possession
// and activates the device.
import { createPrivateKey, randomBytes } from 'node:crypto';
import { normaliseDocument } from '../../broker/identity/documents.js';
import { signActivationProof } from '../../broker/identity/devices/activation-proof.js';
import type { PushAddress } from '../../broker/identity/devices/model.js';
import type { AppCommand } from './command.js';
import { UsageError, keyFilePath } from './command.js';
import { newDeviceKeys, readKeyFile, writeKeyFile, type AppKeyFile } from './key-file.js';
import { describeRefusal, postJson } from './client.js';

const API = '/api/app/v1';

function pushAddressOf(values: Record<string, string | boolean | undefined>, previous: PushAddress | undefined): PushAddress {
  if (typeof values.webhook === 'string') return { kind: 'webhook', url: values.webhook };
  if (typeof values['push-token'] === 'string') return { kind: 'token', token: values['push-token'] };
  return previous ?? { kind: 'token', token: `movil-app-${randomBytes(16).toString('base64url')}` };
}

export const activate: AppCommand = {
  summary: 'activate this simulated device (asks for an SMS code, or uses --code)',
  usage: 'activate --broker URL --document <DNI/NIE> (--document-date yyyy-mm-dd | --support-number E12345678) [--code 123456] [--label name] [--webhook URL | --push-token T] [--file key.json]',
  options: {
    broker: { type: 'string' },
    'document-date': { type: 'string' },
    'support-number': { type: 'string' },
    code: { type: 'string' },
    label: { type: 'string' },
    webhook: { type: 'string' },
    'push-token': { type: 'string' },
  },
  async run(values, _positionals, io) {
    if (typeof values.document !== 'string') throw new UsageError('--document <DNI/NIE> is required');
    const document = normaliseDocument(values.document);
    const file = keyFilePath({ ...values, document });
    const known = await readKeyFile(file);
    const broker = typeof values.broker === 'string' ? values.broker : known?.broker;
    if (!broker) throw new UsageError('--broker <URL> is required');
    const state: AppKeyFile = {
      broker,
      document,
      ...(known && known.document === document ? { privateKeyPem: known.privateKeyPem, publicKeyPem: known.publicKeyPem } : newDeviceKeys()),
      pushAddress: pushAddressOf(values, known?.pushAddress),
      label: typeof values.label === 'string' ? values.label : (known?.label ?? 'Pasarela movil-app simulator'),
    };
    await writeKeyFile(file, state);

    if (typeof values.code !== 'string') {
      const contrast = typeof values['document-date'] === 'string' ? { documentDate: values['document-date'] } : typeof values['support-number'] === 'string' ? { supportNumber: values['support-number'] } : undefined;
      if (!contrast) throw new UsageError('--document-date or --support-number is required to ask for an SMS code (or give --code)');
      const asked = await postJson(broker, `${API}/activation/sms-code`, { document, ...contrast });
      if (asked.status !== 202) {
        io.err(`movil-app: the broker refused the code request: ${describeRefusal(asked)}`);
        return 1;
      }
      io.out(`${String(asked.body.message)}; run activate again with --code <code>`);
      return 0;
    }

    const challenge = await postJson(broker, `${API}/activation/challenge`, {});
    if (challenge.status !== 201) {
      io.err(`movil-app: no challenge: ${describeRefusal(challenge)}`);
      return 1;
    }
    const code = values.code.trim();
    const proof = signActivationProof(createPrivateKey(state.privateKeyPem), document, code, String(challenge.body.challenge));
    const done = await postJson(broker, `${API}/activation`, { document, code, challenge: challenge.body.challenge, publicKeyPem: state.publicKeyPem, pushAddress: state.pushAddress, label: state.label, proof });
    if (done.status !== 201) {
      io.err(`movil-app: activation refused: ${describeRefusal(done)}`);
      return 1;
    }
    await writeKeyFile(file, { ...state, deviceId: String(done.body.deviceId) });
    io.out(`activated device ${String(done.body.deviceId)} (${state.label}) for ${document}; key file ${file}`);
    return 0;
  },
};
