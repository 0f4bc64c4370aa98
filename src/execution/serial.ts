/** Runs tasks one after another; a failed task does not stop the ones after it. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  push<T>(task: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const run = this.tail.then(task);
    this.tail = run.then(
      () => {
        this.pending -= 1;
      },
      () => {
        this.pending -= 1;
      },
    );
    return run;
  }

  /** Resolves when every task pushed so far has finished. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }
}

/** Spaces calls at least `1000 / perSecond` ms apart (IB allows about 50 messages a second). */
export class RateLimiter {
  private nextAtMs = 0;

  constructor(
    private readonly perSecond: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  async take(): Promise<void> {
    if (!(this.perSecond > 0) || !Number.isFinite(this.perSecond)) return;
    const interval = 1000 / this.perSecond;
    const now = this.nowMs();
    const at = Math.max(now, this.nextAtMs);
    this.nextAtMs = at + interval;
    const wait = at - now;
    if (wait > 0.5) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** One holder at a time; `run` waits its turn. */
export class Mutex {
  private queue = new SerialQueue();

  run<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.push(task);
  }
}
