// The `pasarela` command's subcommands, one line each (style.md §4): name → module. Each module
// exports `main(argv, env, io)` returning the exit code, so tests call it without a process.
import type { Io } from './io.js';

export interface Command {
  readonly summary: string;
  run(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number>;
}

export const commands: Readonly<Record<string, Command>> = {
  audit: { summary: 'export the audit log as JSON lines (filters by time, person and action)', run: async (a, e, io) => (await import('./audit-export.js')).main(a, e, io) },
  'config-docs': { summary: 'print or --write docs/config.md, the configuration reference generated from the schema', run: async (a, e, io) => (await import('./config-docs.js')).main(a, e, io) },
  keys: { summary: 'signing-key rollover (status, next, promote, retire) and new pseudonym secrets', run: async (a, e, io) => (await import('./keys.js')).main(a, e, io) },
  'keycloak-idp': { summary: 'print the Keycloak identity provider and attribute mappers for this broker (docs/keycloak.md)', run: async (a, e, io) => (await import('./keycloak-idp.js')).main(a, e, io) },
  'movil-app': { summary: 'the reference Cl@ve app simulator: activate a device, fetch its inbox (PINs, login requests)', run: async (a, e, io) => (await import('./movil-app.js')).main(a, e, io) },
  registrar: { summary: 'register persons, seed a file, issue Cl@ve Permanente activation codes', run: async (a, e, io) => (await import('./registrar.js')).main(a, e, io) },
  staff: { summary: 'grant, revoke and list staff roles (registrar, interviewer, official) of the staff consoles', run: async (a, e, io) => (await import('./staff.js')).main(a, e, io) },
};
