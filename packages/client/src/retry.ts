/** Retrying what the API says may be retried: 429, 5xx and network failures, with backoff and Retry-After. */

export interface RetryOptions {
  /** Attempts per request, the first included (default 8). */
  attempts?: number;
  /** First backoff, doubled per attempt with full jitter (default 200 ms). */
  baseDelayMs?: number;
  /** Longest wait between attempts, Retry-After included (default 30 s). */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether an answer's status may be retried as it is. */
export const retryable = (status: number) => status === 429 || status === 408 || status >= 500;

/** The wait a Retry-After header asks for (seconds or an HTTP date), in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The wait before attempt `attempt + 1`: Retry-After when the server gave one, else exponential with jitter. */
export function delayMs(attempt: number, o: RetryOptions, retryAfter?: number): number {
  const max = o.maxDelayMs ?? 30_000;
  if (retryAfter !== undefined) return Math.min(max, retryAfter);
  const base = o.baseDelayMs ?? 200;
  return Math.min(max, Math.floor((o.random ?? Math.random)() * base * 2 ** attempt));
}
