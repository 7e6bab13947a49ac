// The adaptive request-rate governor. S3 scales request rates per prefix gradually and answers
// 503 SlowDown above what a prefix takes now ("Best practices design patterns: optimizing Amazon
// S3 performance"); ten copies of this contender at once share one scratch prefix and one
// destination prefix. So the number of requests in flight is a window that grows by one per
// window of successes and halves on a SlowDown (additive increase, multiplicative decrease, as
// TCP does), and a SlowDown also pauses new requests for a jittered, exponentially growing delay
// (AWS Architecture Blog, "Exponential Backoff And Jitter": full jitter). Resets and 5xx answers
// are retried with the same backoff but do not shrink the window: they say nothing about rate.

export type Verdict = "throttled" | "retry" | "fatal";

export interface GovernorOptions {
  /** The window's ceiling (and the socket pool's size). */
  maxInFlight: number;
  /** Where the window starts. */
  initialInFlight: number;
  /** Attempts per request, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
}

export interface GovernorStats {
  requests: number;
  throttled: number;
  retried: number;
  /** The smallest window a SlowDown brought it to. */
  lowestWindow: number;
}

export class RetriesExhausted extends Error {
  override name = "RetriesExhausted";
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class RateGovernor {
  private window: number;
  private inFlight = 0;
  private pausedUntil = 0;
  private lastDecrease = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly random: () => number;
  readonly stats: GovernorStats;

  constructor(private readonly options: GovernorOptions) {
    this.window = Math.min(options.initialInFlight, options.maxInFlight);
    this.random = options.random ?? Math.random;
    this.stats = { requests: 0, throttled: 0, retried: 0, lowestWindow: this.window };
  }

  /** Runs `attempt` within the window, retrying as `classify` says, until it succeeds or the attempts run out. */
  async run<T>(what: string, attempt: () => Promise<T>, classify: (error: unknown) => Verdict): Promise<T> {
    for (let n = 1; ; n++) {
      await this.acquire();
      let failure: unknown;
      try {
        this.stats.requests++;
        const value = await attempt();
        this.release(true);
        return value;
      } catch (error) {
        this.release(false);
        failure = error;
      }
      const verdict = classify(failure);
      if (verdict === "fatal") throw failure;
      if (n >= this.options.maxAttempts) {
        throw new RetriesExhausted(`${what}: gave up after ${n} attempts: ${failure instanceof Error ? failure.message : String(failure)}`, { cause: failure });
      }
      this.stats.retried++;
      const delay = this.backoff(n);
      if (verdict === "throttled") this.onThrottled(delay);
      await sleep(delay);
    }
  }

  private backoff(attempt: number): number {
    return Math.round(this.random() * Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** attempt));
  }

  private onThrottled(delay: number): void {
    this.stats.throttled++;
    const now = Date.now();
    // One burst of SlowDowns (many requests in flight when S3 pushed back) halves the window once.
    if (now - this.lastDecrease > 100) {
      this.window = Math.max(1, Math.floor(this.window / 2));
      this.lastDecrease = now;
      this.stats.lowestWindow = Math.min(this.stats.lowestWindow, this.window);
    }
    this.pausedUntil = Math.max(this.pausedUntil, now + delay);
  }

  private async acquire(): Promise<void> {
    for (;;) {
      const pause = this.pausedUntil - Date.now();
      if (pause > 0) await sleep(pause);
      else if (this.inFlight < Math.floor(this.window)) {
        this.inFlight++;
        return;
      } else await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(succeeded: boolean): void {
    this.inFlight--;
    if (succeeded) this.window = Math.min(this.options.maxInFlight, this.window + 1 / Math.floor(this.window));
    // Wake as many as there is room for; each re-checks the window before it goes.
    for (let room = Math.floor(this.window) - this.inFlight; room > 0 && this.waiting.length; room--) this.waiting.shift()!();
  }

  /** The current window (requests allowed in flight). */
  get currentWindow(): number {
    return Math.floor(this.window);
  }
}
