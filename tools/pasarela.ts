// `pasarela <command> …` (bin/pasarela.mjs): the operator's commands in one place.
import { commands } from './commands.js';
import { consoleIo, type Io } from './io.js';

function usage(): string {
  const names = Object.keys(commands).sort();
  const width = Math.max(...names.map((n) => n.length));
  return ['usage: pasarela <command> [options]   (pasarela <command> --help for its options)', '', ...names.map((n) => `  ${n.padEnd(width)}  ${commands[n]!.summary}`)].join('\n');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.err(`pasarela: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  return command.run(rest, env, io);
}
