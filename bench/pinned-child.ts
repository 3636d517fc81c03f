// Child processes of the benchmark, each pinned to one CPU with taskset. Every child is tracked
// and killed when the parent exits for any reason (normal end, error, Ctrl-C), so a failed run
// never leaves a broker listening. Children also watch their stdin and leave when it closes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const live = new Set<ChildProcess>();

function killAll(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    killAll();
    process.exit(130);
  });
}

export interface PinnedChild {
  readonly child: ChildProcess;
  /** the first stdout line, parsed as JSON */
  readonly ready: Promise<unknown>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone */
  stop(graceMs?: number): Promise<void>;
}

export interface PinnedOptions {
  readonly cpu: number;
  /** extra node flags, e.g. --cpu-prof */
  readonly nodeFlags?: readonly string[];
  readonly timeoutMs: number;
}

/** `taskset -c <cpu> node --import tsx <script> ...args`, from the project root. */
export function startPinned(script: string, args: readonly string[], opts: PinnedOptions): PinnedChild {
  const child = spawn('taskset', ['-c', String(opts.cpu), process.execPath, ...(opts.nodeFlags ?? []), '--import', 'tsx', script, ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });

  const ready = new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} gave no answer within ${opts.timeoutMs} ms\n${stderr}`)), opts.timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`${script} printed ${line.slice(0, 200)}\n${stderr}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before answering\n${stderr}`));
    });
  });
  ready.catch(() => undefined); // callers await it; this only stops an unhandled rejection later

  return {
    child,
    ready,
    async stop(graceMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a child that prints one JSON line and exits; always reaped. */
export async function runPinned<T>(script: string, args: readonly string[], opts: PinnedOptions): Promise<T> {
  const c = startPinned(script, args, opts);
  try {
    return (await c.ready) as T;
  } finally {
    await c.stop();
  }
}
