/** Percentile by linear interpolation between closest ranks (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export const median = (values: readonly number[]) => percentile(values, 50);

export interface TimingOptions {
  /** Timed samples; the median is reported. */
  samples: number;
  /** Each sample repeats the call until it has run at least this long. */
  minSampleMs: number;
  /** Untimed warm-up (JIT, caches) before calibrating. */
  warmupMs: number;
}

export interface Timing {
  /** Median microseconds per call. */
  us: number;
  /** Fastest and slowest sample, microseconds per call. */
  minUs: number;
  maxUs: number;
  iterations: number;
  samples: number;
}

const nowNs = () => process.hrtime.bigint();

/**
 * Time an async call: warm up, calibrate the repetitions so one sample lasts minSampleMs, then take `samples`
 * samples and report the median time per call. Wall clock on an otherwise idle process: every awaited call
 * resolves without I/O (clients are stubbed), so this is CPU time of the calling thread.
 */
export async function timeCall(fn: () => Promise<unknown>, opts: TimingOptions): Promise<Timing> {
  const warmEnd = Date.now() + opts.warmupMs;
  do {
    await fn();
  } while (Date.now() < warmEnd);
  let iterations = 1;
  for (;;) {
    const t0 = nowNs();
    for (let i = 0; i < iterations; i++) await fn();
    const ms = Number(nowNs() - t0) / 1e6;
    if (ms >= opts.minSampleMs || iterations >= 1_000_000) break;
    iterations = Math.ceil(
      iterations * Math.min(100, Math.max(2, (opts.minSampleMs * 1.1) / Math.max(ms, 0.01))),
    );
  }
  const per: number[] = [];
  for (let s = 0; s < opts.samples; s++) {
    const t0 = nowNs();
    for (let i = 0; i < iterations; i++) await fn();
    per.push(Number(nowNs() - t0) / 1e3 / iterations);
  }
  return {
    us: median(per),
    minUs: Math.min(...per),
    maxUs: Math.max(...per),
    iterations,
    samples: per.length,
  };
}

/** Round for presentation (results keep 3 significant decimals, not 15). */
export function round(n: number, digits = 3): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
