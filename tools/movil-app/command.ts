// One subcommand of the simulated app: its options (node:util parseArgs) and what it does with
// them. Every subcommand takes --document or --file to find the key file.
import { parseArgs } from 'node:util';
import { UsageError, type Io } from '../io.js';

export { UsageError };
import { defaultKeyFilePath, readKeyFile, type AppKeyFile } from './key-file.js';

export type Options = Record<string, { type: 'string' | 'boolean' }>;

export interface AppCommand {
  readonly summary: string;
  readonly usage: string;
  readonly options: Options;
  run(values: Record<string, string | boolean | undefined>, positionals: string[], io: Io): Promise<number>;
}

export const KEY_FILE_OPTIONS: Options = { document: { type: 'string' }, file: { type: 'string' } };


export function parseCommand(command: AppCommand, argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: { ...KEY_FILE_OPTIONS, ...command.options, help: { type: 'boolean' } } });
}

export function keyFilePath(values: Record<string, string | boolean | undefined>): string {
  if (typeof values.file === 'string') return values.file;
  if (typeof values.document === 'string') return defaultKeyFilePath(values.document.trim().toUpperCase());
  throw new UsageError('--document <DNI/NIE> or --file <key file> is required');
}

/** the key file of an activated device */
export async function activatedDevice(values: Record<string, string | boolean | undefined>): Promise<AppKeyFile> {
  const file = keyFilePath(values);
  const state = await readKeyFile(file);
  if (!state?.deviceId) throw new UsageError(`no activated device in ${file}: run activate first`);
  return state;
}
