// Where a command writes: the console, or a test's capture.
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** A command line the command cannot run (unknown subcommand, missing argument…): exit code 2, with the usage. */
export class UsageError extends Error {}

/**
 * The exit code of a command that threw, after telling why on stderr, prefixed by the command's
 * name: 2 with the usage for a bad command line (ours, or node:util parseArgs'), 1 for anything else.
 */
export function commandFailed(io: Io, err: unknown, name: string, usage: string): number {
  const message = (err as Error).message;
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.err(`${name}: ${message}\n${usage}`);
    return 2;
  }
  io.err(`${name}: ${message}`);
  return 1;
}
