/**
 * Runs a job every `intervalMs`, like an EventBridge rate schedule, but never two at once: a tick that finds
 * the previous run still going is skipped. runNow() waits for a running one, then runs once more.
 */
export class Schedule<T> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<T | undefined>;

  constructor(
    private readonly job: () => Promise<T>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (!this.running) void this.run();
    }, this.intervalMs);
    this.timer.unref();
  }

  private run(): Promise<T | undefined> {
    this.running = this.job()
      .catch((err) => {
        this.onError(err);
        return undefined;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async runNow(): Promise<T | undefined> {
    await this.running;
    return this.run();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
