// A closed loop: `concurrency` workers each run one iteration after another (a password login,
// a raw argon2id verify) from the start to the end of the run. Warm-up and measurement are one
// continuous run, so the measured window starts in steady state with every worker busy; an
// iteration counts when it ends inside the window. Iterations still running at its end are not
// counted, iterations running at its start count when they end inside it: the two edges even out.
export interface ClosedLoopResult {
  /** successful iterations per second of the window */
  readonly perSecond: number;
  readonly ok: number;
  /** failed iterations anywhere in the run (warm-up too), by the reason the iteration gave */
  readonly failures: ReadonlyMap<string, number>;
  readonly seconds: number;
  /** of the successful iterations in the window, in ms */
  readonly latencyMs: { readonly p50: number; readonly p99: number };
}

export interface ClosedLoopOptions {
  readonly concurrency: number;
  readonly warmSeconds: number;
  readonly seconds: number;
  /** resolves to 'ok' or to why the iteration failed (one short label per kind of failure) */
  readonly iteration: (index: number) => Promise<'ok' | string>;
  /** called when the measured window opens and when it closes (CPU watches, profile windows) */
  readonly onWindow?: (edge: 'start' | 'end') => void;
}

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runClosedLoop(o: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const t0 = performance.now();
  const from = t0 + o.warmSeconds * 1000;
  const to = from + o.seconds * 1000;
  const startTimer = setTimeout(() => o.onWindow?.('start'), from - t0);
  const endTimer = setTimeout(() => o.onWindow?.('end'), to - t0);
  let next = 0;
  let ok = 0;
  const latencies: number[] = [];
  const failures = new Map<string, number>();

  async function worker(): Promise<void> {
    while (performance.now() < to) {
      const began = performance.now();
      let outcome: string;
      try {
        outcome = await o.iteration(next++);
      } catch (err) {
        outcome = `exception: ${(err as Error).message.split('\n')[0]!.slice(0, 120)}`;
      }
      const ended = performance.now();
      if (outcome !== 'ok') failures.set(outcome, (failures.get(outcome) ?? 0) + 1);
      else if (ended >= from && ended <= to) {
        ok++;
        latencies.push(ended - began);
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: o.concurrency }, worker));
  } finally {
    clearTimeout(startTimer);
    clearTimeout(endTimer);
  }
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round((ok / o.seconds) * 10) / 10,
    ok,
    failures,
    seconds: o.seconds,
    latencyMs: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)) },
  };
}
