/** `NoSuchKey: The specified key does not exist.`: the S3 error code first, it is what one searches for. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { Code?: string }).Code ?? error.name;
    return code && code !== "Error" && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** The first failure of the pipeline wins; later ones are consequences (cancelled parts, closed streams). */
export class FirstFailure {
  private first: Error | undefined;
  private readonly listeners: Array<(error: Error) => void> = [];
  private rejectFailed!: (error: Error) => void;
  /** Rejects with the first failure: race long waits against it so nothing hangs after a failure. */
  readonly failed: Promise<never> = new Promise<never>((_, reject) => {
    this.rejectFailed = reject;
  });

  constructor() {
    this.failed.catch(() => undefined);
  }

  get error(): Error | undefined {
    return this.first;
  }

  fail(error: unknown): void {
    if (this.first) return;
    this.first = error instanceof Error ? error : new Error(String(error));
    this.rejectFailed(this.first);
    for (const listener of this.listeners) listener(this.first);
  }

  onFailure(listener: (error: Error) => void): void {
    this.listeners.push(listener);
  }
}
