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

/** Round for presentation (results keep 3 significant decimals, not 15). */
export function round(n: number, digits = 3): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A call to time, with the stubs it needs installed only while it runs. */
export interface Subject {
  name: string;
  fn: () => Promise<unknown>;
  /** Install what the call needs; returns the undo. */
  setup?: () => () => void;
  /** Bring the state the call is measured in about before each sample, untimed (a warm cache). */
  prepare?: () => Promise<unknown>;
}

/**
 * Time several calls fairly on a shared machine: each is warmed up and calibrated on its own, then the samples
 * are taken in rounds, one sample of every subject per round, so background load falls on all of them alike.
 */
export async function timeInterleaved(
  subjects: readonly Subject[],
  opts: TimingOptions,
): Promise<Map<string, Timing>> {
  const iterations = new Map<string, number>();
  const samples = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
  const within = async <T>(s: Subject, run: () => Promise<T>): Promise<T> => {
    const undo = s.setup?.();
    try {
      return await run();
    } finally {
      undo?.();
    }
  };
  for (const s of subjects) {
    iterations.set(
      s.name,
      await within(s, async () => {
        const warmEnd = Date.now() + opts.warmupMs;
        do await s.fn();
        while (Date.now() < warmEnd);
        let n = 1;
        for (;;) {
          const t0 = nowNs();
          for (let i = 0; i < n; i++) await s.fn();
          const ms = Number(nowNs() - t0) / 1e6;
          if (ms >= opts.minSampleMs || n >= 1_000_000) return n;
          n = Math.ceil(n * Math.min(100, Math.max(2, (opts.minSampleMs * 1.1) / Math.max(ms, 0.01))));
        }
      }),
    );
  }
  for (let round = 0; round < opts.samples; round++) {
    for (const s of subjects) {
      const n = iterations.get(s.name) as number;
      const us = await within(s, async () => {
        await s.prepare?.();
        const t0 = nowNs();
        for (let i = 0; i < n; i++) await s.fn();
        return Number(nowNs() - t0) / 1e3 / n;
      });
      samples.get(s.name)?.push(us);
    }
  }
  return new Map(
    subjects.map((s) => {
      const per = samples.get(s.name) as number[];
      return [
        s.name,
        {
          us: median(per),
          minUs: Math.min(...per),
          maxUs: Math.max(...per),
          iterations: iterations.get(s.name) as number,
          samples: per.length,
        },
      ];
    }),
  );
}
