// The simulated app's memory: one JSON file per person (default var/movil-app/<document>.json,
// mode 0600, since it holds the device's private key): the broker, the document number, the
// device key pair, and once activated the device id.
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../../broker/config.js';
import type { PushAddress } from '../../broker/identity/devices/model.js';

export interface AppKeyFile {
  readonly broker: string;
  readonly document: string;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly pushAddress: PushAddress;
  readonly label: string;
  /** set once the broker activated the device */
  readonly deviceId?: string;
}

export function defaultKeyFilePath(document: string): string {
  return path.join(PROJECT_ROOT, 'var', 'movil-app', `${document}.json`);
}

export function newDeviceKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export async function readKeyFile(file: string): Promise<AppKeyFile | undefined> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  return text === undefined ? undefined : (JSON.parse(text) as AppKeyFile);
}

export async function writeKeyFile(file: string, state: AppKeyFile): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
