// How much of the broker's CPU the broker actually had while measured. On a shared machine other
// processes run on CPU 0 too, whatever taskset says about ours; a figure measured while the broker
// got 60% of its CPU is a figure for 60% of a CPU, and the report must say so. Linux only
// (/proc); elsewhere the share is unknown.
import { readFileSync } from 'node:fs';

interface Sample {
  /** CPU `cpu` busy time (everything but idle and iowait), clock ticks */
  readonly cpuBusy: number;
  readonly cpuTotal: number;
  /** utime + stime of the process, clock ticks */
  readonly proc: number;
  /** utime + stime of its main thread (the event loop), clock ticks */
  readonly main: number;
}

/** utime + stime (fields 14 and 15) from a /proc stat line; comm (field 2) may contain spaces */
function ticks(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

function sample(cpu: number, pid: number): Sample | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${cpu} `));
    const f = line!.trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const proc = ticks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const main = ticks(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'));
    return { cpuBusy: total - idle, cpuTotal: total, proc, main };
  } catch {
    return undefined;
  }
}

export interface CpuShare {
  /** share of the CPU's time the broker process used */
  readonly broker: number;
  /**
   * of which its main thread (JavaScript, HTTP, the embedded database); the rest ran on its other
   * threads: libuv's pool (argon2id, file system) and V8's helpers (garbage collection, compiler)
   */
  readonly mainThread: number;
  /** share of the CPU's time everything else used */
  readonly others: number;
}

/** Start watching `pid` on `cpu`; call the result to get the shares since then. */
export function watchCpu(cpu: number, pid: number): () => CpuShare | undefined {
  const a = sample(cpu, pid);
  return () => {
    const b = sample(cpu, pid);
    if (!a || !b || b.cpuTotal === a.cpuTotal) return undefined;
    const total = b.cpuTotal - a.cpuTotal;
    const broker = (b.proc - a.proc) / total;
    // the broker's ticks may include a little time on other CPUs (it is pinned, so rarely)
    const others = Math.max(0, (b.cpuBusy - a.cpuBusy) / total - broker);
    return { broker, mainThread: (b.main - a.main) / total, others };
  };
}

/** The CPU this process is pinned to (taskset -c N), from /proc; undefined when it may run on several. */
export function pinnedCpu(): number | undefined {
  try {
    const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return list && /^\d+$/.test(list) ? Number(list) : undefined;
  } catch {
    return undefined;
  }
}
