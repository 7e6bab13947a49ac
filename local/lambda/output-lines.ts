// Splits a process's stdout/stderr into lines and routes them: to the running invocation's log
// when there is one, else kept for the next (init output, leftovers printed between invocations).
export class OutputLines {
  private readonly pending: string[] = [];
  private readonly partial = { stdout: "", stderr: "" };
  private sink: string[] | undefined;

  constructor(private readonly onLine: (line: string) => void) {}

  write(stream: "stdout" | "stderr", chunk: Buffer): void {
    const lines = (this.partial[stream] + chunk.toString("utf8")).split("\n");
    this.partial[stream] = lines.pop() ?? "";
    for (const line of lines) this.emit(line);
  }

  /** Starts an invocation's log: pending lines first, then the header (START…). */
  attach(log: string[], headerLines: string[]): void {
    log.push(...this.pending.splice(0), ...headerLines);
    this.sink = log;
  }

  /** Ends it, including a last line that had no newline yet. */
  detach(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.partial[stream]) this.emit(this.partial[stream]);
      this.partial[stream] = "";
    }
    this.sink = undefined;
  }

  private emit(line: string): void {
    (this.sink ?? this.pending).push(line);
    this.onLine(line);
  }
}
