// `pasarela movil-app <subcommand>` (or `npx tsx tools/movil-app.ts …`): the reference Cl@ve app
// simulator (issue 4). It keeps the device key in a local file and talks to a running broker over
// the app API. One module per subcommand under tools/movil-app/, listed here one line each.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { commandFailed, consoleIo, type Io } from './io.js';
import { parseCommand, type AppCommand } from './movil-app/command.js';
import { activate } from './movil-app/activate.js';
import { device } from './movil-app/device.js';
import { inbox } from './movil-app/inbox.js';
import { pending } from './movil-app/pending.js';
import { confirm, refuse } from './movil-app/decide.js';

export const movilAppCommands: Readonly<Record<string, AppCommand>> = {
  activate,
  device,
  inbox,
  pending,
  confirm,
  refuse,
};

function usage(): string {
  const names = Object.keys(movilAppCommands);
  return ['usage: movil-app <subcommand> [options]', '', ...names.map((n) => `  ${movilAppCommands[n]!.usage}\n      ${movilAppCommands[n]!.summary}`)].join('\n');
}

export async function main(argv: string[], _env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? movilAppCommands[name] : undefined;
  if (!command) {
    if (name === '--help') io.out(usage());
    else io.err(name ? `movil-app: unknown subcommand "${name}"\n${usage()}` : usage());
    return name === '--help' ? 0 : 2;
  }
  try {
    const { values, positionals } = parseCommand(command, rest);
    if (values.help) {
      io.out(`usage: movil-app ${command.usage}`);
      return 0;
    }
    return await command.run(values, positionals, io);
  } catch (err) {
    return commandFailed(io, err, 'movil-app', `usage: movil-app ${command.usage}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
