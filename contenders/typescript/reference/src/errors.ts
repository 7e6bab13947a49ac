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
  private readonly listeners = new Set<(error: Error) => void>();

  get error(): Error | undefined {
    return this.first;
  }

  fail(error: unknown): void {
    if (this.first) return;
    this.first = error instanceof Error ? error : new Error(String(error));
    for (const listener of [...this.listeners]) listener(this.first);
  }

  /** Calls `listener` on the first failure (now, if it already happened). Returns an unsubscribe. */
  onFailure(listener: (error: Error) => void): () => void {
    if (this.first) {
      listener(this.first);
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * `work`, or the first failure if that comes sooner, so no wait outlives a failure.
   * WHY not Promise.race([work, failed]): a race against a promise that stays pending keeps a
   * reaction per call, and each reaction keeps its race's settled value alive: here, every
   * object's data for the whole run (measured: peak RSS growing with the archive).
   */
  orFailure<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const unsubscribe = this.onFailure(reject);
      work.then(
        (value) => {
          unsubscribe();
          resolve(value);
        },
        (error: unknown) => {
          unsubscribe();
          reject(error);
        },
      );
    });
  }
}
