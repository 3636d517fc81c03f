// Real processes in tests: free loopback ports, process groups (npx → sh → tsx → node, so a
// signal must reach the group or its deepest node), and exits awaited with a deadline.
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

// Below Linux's default ephemeral range (32768–60999): a port handed out here must stay free
// until its server starts, and in that gap an outgoing connection (a Redis or PostgreSQL client,
// chromium) may take any free port of the ephemeral range, which listen(0) would also pick from.
const LOW = 20_000;
const HIGH = 32_000;

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A port free on loopback now (a URL must be known before its server starts). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await tryListen(port)) return port;
  }
  throw new Error(`no free loopback port between ${LOW} and ${HIGH}`);
}

/** Whether any process of group `pgid` is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The child's exit (code, signal), or a rejection after `ms`. */
export function exitOf(child: ChildProcess, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    const timer = setTimeout(() => reject(new Error(`still running ${ms} ms after the signal`)), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/**
 * The process of group `pgid` that runs `script` itself: the deepest one whose command names it
 * (npm, sh and tsx's wrapper name it too; esbuild's service, its child, does not).
 */
export function scriptProcessOfGroup(pgid: number, script: string): { pid: number; args: string } {
  const rows = execFileSync('ps', ['-o', 'pid=,ppid=,args=', '-g', String(pgid)], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
  const runners = rows.filter((r) => r.args.includes(script));
  const deepest = runners.filter((r) => !runners.some((c) => c.ppid === r.pid));
  assert.equal(deepest.length, 1, `one ${script} process in ${JSON.stringify(rows)}`);
  return deepest[0]!;
}
