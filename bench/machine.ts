// What the figures were measured on: they mean nothing without the CPU, the core count and Node.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cpus: number;
  readonly node: string;
  readonly os: string;
  readonly date: string;
  /** 1-minute load average at start: anything near the CPU count means shared, noisy figures */
  readonly loadAverage: string;
}

export function describeMachine(now = new Date()): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) cpu = m[1].trim();
  } catch {
    // not Linux: os.cpus() is what we have
  }
  return { cpu, cpus: os.availableParallelism(), node: process.version, os: `${os.type()} ${os.release()} ${os.arch()}`, date: now.toISOString().slice(0, 16).replace('T', ' ') + ' UTC', loadAverage: os.loadavg()[0]!.toFixed(2) };
}

/**
 * Pin this process (every thread: -a) to `cpu`. Children started later inherit it unless they
 * are started under their own taskset, which the pinned children are.
 */
export function pinSelf(cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

/**
 * The start every pinned benchmark shares: a deadline that ends the run (the exit hook kills the
 * children), this process pinned to `loadCpu` when there are two CPUs, and the machine described.
 */
export function startBench(name: string, o: { deadlineMs: number; loadCpu: number; pinned: string; sharedCpu: string }): { machine: Machine; pinning: string } {
  const deadline = setTimeout(() => {
    console.error(`${name}: over ${o.deadlineMs / 1000} s, stopping`);
    process.exit(2);
  }, o.deadlineMs);
  deadline.unref();
  const machine = describeMachine();
  if (os.availableParallelism() >= 2) {
    pinSelf(o.loadCpu);
    return { machine, pinning: o.pinned };
  }
  return { machine, pinning: o.sharedCpu };
}
