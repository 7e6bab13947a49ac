// Progress of a benchmark run, fed by either engine: the local engine calls `onEvent` as things
// happen, `bench aws` derives the same events from the execution history. On a TTY each contender
// has one live line, redrawn in place; otherwise every event is one plain, greppable line.
import type { Writable } from "node:stream";
import { significant } from "./table";

export type ProgressEvent =
  /** The contender's turn began (its configuration was read / its first run was started). */
  | { kind: "started"; contender: string; runs?: number }
  /** Its `runs` parallel invocations were started. */
  | { kind: "runs-started"; contender: string; runs: number }
  /** One invocation ended; `detail` says why it failed (error name and message). */
  | { kind: "run-finished"; contender: string; run: number; ok: boolean; detail?: string }
  /** One run's archive went through the validator (`run` = 1-based, when known). */
  | { kind: "validated"; contender: string; ok: boolean; run?: number; detail?: string }
  /** The contender's execution ended and was scored (ranking still to come); `detail` = failure reason. */
  | { kind: "finished"; contender: string; ok: boolean; detail?: string }
  /** The scorer's verdict: `detail` is the price per run, or the failure reason. */
  | { kind: "scored"; contender: string; ok: boolean; detail?: string };

/** What an engine needs from a reporter. */
export interface ProgressSink {
  onEvent(event: ProgressEvent): void;
  /** A harness-level step ("filling the bucket", "scoring"), printed above the live lines. */
  note(message: string): void;
}

export interface ProgressOptions {
  /** Defaults to process.stderr, so stdout stays the table (pipeable). */
  stream?: Writable & { isTTY?: boolean; columns?: number };
  /** Live lines; defaults to `stream.isTTY`. */
  live?: boolean;
  /** Clock, for deterministic tests. */
  now?: () => number;
}

interface ContenderState {
  name: string;
  startedAt: number;
  runs?: number;
  ok: number;
  failed: number;
  lastFailure?: string;
  validation?: "ok" | "invalid";
  verdict?: string;
  done: boolean;
}

export class ProgressReporter implements ProgressSink {
  private readonly stream: NonNullable<ProgressOptions["stream"]>;
  private readonly live: boolean;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly contenders = new Map<string, ContenderState>();
  /** How many live lines are currently on screen (to move the cursor back over them). */
  private drawn = 0;
  private ticker: NodeJS.Timeout | undefined;
  private closed = false;
  private suspended = false;

  constructor(options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.live = options.live ?? Boolean(this.stream.isTTY);
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    if (this.live) {
      // Keeps the elapsed times moving while nothing happens; never keeps the process alive.
      this.ticker = setInterval(() => this.redraw(), 1_000);
      this.ticker.unref();
    }
  }

  onEvent(event: ProgressEvent): void {
    if (this.closed) return;
    const state = this.state(event.contender);
    switch (event.kind) {
      case "started":
        if (event.runs !== undefined) state.runs = event.runs;
        break;
      case "runs-started":
        state.runs = event.runs;
        break;
      case "run-finished":
        if (event.ok) state.ok++;
        else {
          state.failed++;
          state.lastFailure = event.detail;
        }
        break;
      case "validated":
        // Every run's archive is validated: one invalid archive makes the contender's invalid.
        if (!event.ok) {
          state.validation = "invalid";
          state.lastFailure = event.detail;
        } else state.validation ??= "ok";
        break;
      case "finished":
        state.verdict = event.ok ? "scored, waiting for the ranking" : `failed: ${event.detail ?? "see the table"}`;
        break;
      case "scored":
        state.done = true;
        state.verdict = event.ok ? (event.detail ?? "ranked") : `failed: ${event.detail ?? "see the table"}`;
        break;
    }
    if (this.live) this.redraw();
    else this.print(this.plainLine(event, state));
  }

  note(message: string): void {
    if (this.closed) return;
    if (!this.live) return this.print(`[${this.elapsed(this.startedAt)}] ${message}`);
    if (this.suspended) return this.print(message);
    this.erase();
    this.stream.write(`${message}\n`);
    this.redraw();
  }

  /** Stops redrawing; the last state of the live lines stays on screen. Idempotent. */
  close(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.closed = true;
  }

  /** Hides the live lines and stops redrawing (e.g. while a question waits for an answer). */
  suspend(): void {
    if (this.live) this.erase();
    this.suspended = true;
  }

  /** Shows the live lines again after `suspend`. */
  resume(): void {
    this.suspended = false;
    this.redraw();
  }

  private state(name: string): ContenderState {
    let state = this.contenders.get(name);
    if (!state) {
      state = { name, startedAt: this.now(), ok: 0, failed: 0, done: false };
      this.contenders.set(name, state);
    }
    return state;
  }

  private elapsed(since: number): string {
    return `${((this.now() - since) / 1000).toFixed(1)}s`.padStart(7);
  }

  private runsText(state: ContenderState): string {
    const finished = state.ok + state.failed;
    const total = state.runs === undefined ? "" : `/${state.runs}`;
    return `runs ${finished}${total}${state.failed ? ` (${state.failed} failed)` : ""}`;
  }

  private plainLine(event: ProgressEvent, state: ContenderState): string {
    const prefix = `[${this.elapsed(this.startedAt)}] ${event.contender}:`;
    switch (event.kind) {
      case "started":
        return `${prefix} started${event.runs === undefined ? "" : ` (${event.runs} runs)`}`;
      case "runs-started":
        return `${prefix} ${event.runs} runs started`;
      case "run-finished":
        return `${prefix} run ${event.run} ${event.ok ? "ok" : `failed: ${event.detail ?? "?"}`}, ${this.runsText(state)}`;
      case "validated":
        return `${prefix} archive ${event.ok ? "valid" : `invalid: ${event.detail ?? "?"}`}`;
      case "finished":
      case "scored":
        return `${prefix} ${state.verdict}`;
    }
  }

  private liveLine(state: ContenderState): string {
    const parts = [state.name, this.runsText(state)];
    if (state.validation) parts.push(state.validation === "ok" ? "archive valid" : "archive INVALID");
    if (state.verdict) parts.push(state.verdict);
    else if (state.lastFailure) parts.push(`last error: ${state.lastFailure}`);
    const text = `${state.done ? "  done " : this.elapsed(state.startedAt)} ${parts.join("  ")}`;
    // A wrapped line would break the cursor arithmetic of the redraw.
    // Some terminals (e.g. a fresh pseudo-terminal) report 0 columns: assume a usual width then.
    const columns = this.stream.columns ?? 0;
    const width = columns >= 20 ? columns : 120;
    return text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text;
  }

  private erase(): void {
    if (this.drawn === 0) return;
    // Up over the block, then clear to the end of the screen.
    this.stream.write(`\x1b[${this.drawn}A\r\x1b[0J`);
    this.drawn = 0;
  }

  private redraw(): void {
    if (this.closed || !this.live || this.suspended) return;
    this.erase();
    const lines = [...this.contenders.values()].map((s) => this.liveLine(s));
    if (lines.length) this.stream.write(`${lines.join("\n")}\n`);
    this.drawn = lines.length;
  }

  private print(line: string): void {
    this.stream.write(`${line}\n`);
  }
}

/** Sends one `scored` event per contender of a result document (after the scorer ran). */
export function reportScores(
  sink: ProgressSink,
  doc: { success: { contender: string; rank: number; run_price_usd: number }[]; failure: { contender: string; reason: string }[] },
): void {
  for (const row of doc.success) {
    sink.onEvent({ kind: "scored", contender: row.contender, ok: true, detail: `#${row.rank} at $${significant(row.run_price_usd)}/run` });
  }
  for (const row of doc.failure) sink.onEvent({ kind: "scored", contender: row.contender, ok: false, detail: row.reason });
}
