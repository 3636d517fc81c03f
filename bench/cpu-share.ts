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
}

function sample(cpu: number, pid: number): Sample | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${cpu} `));
    const f = line!.trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    // comm (field 2) may contain spaces: count fields after its closing parenthesis
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const proc = Number(rest[11]) + Number(rest[12]); // fields 14 and 15
    return { cpuBusy: total - idle, cpuTotal: total, proc };
  } catch {
    return undefined;
  }
}

export interface CpuShare {
  /** share of the CPU's time the broker process used */
  readonly broker: number;
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
    return { broker, others };
  };
}
