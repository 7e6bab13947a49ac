// Progress of a matrix run on AWS, from the root execution's history: every (function, memory)
// configuration is one iteration of the Memories map whose SampleConfiguration state (a child
// execution) names it in its input. The iteration's end means the configuration is done; a
// ConfigurationFailed state inside it, that it failed (its samples are still aggregated,
// harness/matrix/definition.ts). The samplers' own calls live in the child executions' histories
// and are not read: samples are counted per finished configuration (cold + warm each), and the
// ETA scales the time so far by the configurations left.
//
// Events are attributed to their configuration by following `previousEventId`, which links each
// event to the previous one of the same branch (AWS and moto alike; see cli/aws-history.ts).
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { Configuration, MatrixExecutionInput } from "../harness/matrix/contracts";
import { MATRIX_STATES } from "../harness/matrix/definition";
import type { HistoryTracker } from "./aws-execution";
import { formatDuration } from "./matrix-output";
import type { ProgressSink } from "./progress";
import { parseJsonText, taskErrorText } from "./task-error";

const FAILED_STATE = "ConfigurationFailed";

const label = (c: Pick<Configuration, "runtime" | "architecture" | "workload" | "memory_mb">) => `${c.runtime} ${c.architecture} ${c.workload} ${c.memory_mb} MB`;

/** The configuration an event belongs to: its label and the id of the SampleConfiguration entry that opened it. */
interface Attribution {
  label: string;
  key: number;
}

const ITERATION_END = new Set(["MapIterationSucceeded", "MapIterationFailed", "MapIterationAborted"]);

export class MatrixHistoryTracker implements HistoryTracker {
  private readonly attribution = new Map<number, Attribution>();
  private readonly failures = new Map<number, string>();
  private readonly finished = new Set<number>();
  private lastId = 0;
  private startedAt: number | undefined;
  private readonly totalConfigurations: number;
  private readonly samplesPerConfiguration: number;
  private done = 0;
  private failed = 0;

  constructor(
    input: MatrixExecutionInput | undefined,
    private readonly sink: ProgressSink,
  ) {
    this.totalConfigurations = input?.functions.reduce((sum, fn) => sum + fn.memory_sizes.length, 0) ?? 0;
    this.samplesPerConfiguration = input ? input.run.cold + input.run.warm : 0;
  }

  /** For watchExecution: the input as DescribeExecution returns it (JSON-parsed). */
  static factory = (input: unknown, sink: ProgressSink): MatrixHistoryTracker => {
    const parsed = MatrixExecutionInput.safeParse(input);
    return new MatrixHistoryTracker(parsed.success ? parsed.data : undefined, sink);
  };

  get lastEventId(): number {
    return this.lastId;
  }

  ingest(events: readonly HistoryEvent[]): void {
    const fresh = events.filter((e) => e.id !== undefined && e.id > this.lastId).sort((a, b) => a.id! - b.id!);
    for (const event of fresh) {
      if (event.id! <= this.lastId) continue;
      this.lastId = event.id!;
      this.handle(event);
    }
  }

  private handle(event: HistoryEvent): void {
    const type = event.type ?? "";
    if (type === "ExecutionStarted") this.startedAt = event.timestamp?.getTime();
    let mine = this.attribution.get(event.previousEventId ?? 0);
    if (type.endsWith("StateEntered")) {
      const name = event.stateEnteredEventDetails?.name;
      const input = parseJsonText(event.stateEnteredEventDetails?.input) as { configuration?: unknown; error?: { Error: string; Cause?: string } } | undefined;
      const configuration = Configuration.safeParse(input?.configuration);
      if (name === MATRIX_STATES.sampleConfiguration && configuration.success) mine = { label: label(configuration.data), key: event.id! };
      else if (name === FAILED_STATE && mine) this.failures.set(mine.key, input?.error ? `failed: ${taskErrorText(input.error)}` : "failed");
      else if (name === MATRIX_STATES.finishRun) this.sink.note(`comparing architectures (${this.done}/${this.totalConfigurations} configurations done, ${this.failed} failed)`);
    }
    if (mine) this.attribution.set(event.id!, mine);
    // A configuration ends with its Memories iteration, whichever way it went; the enclosing
    // iteration's end carries the same attribution and is ignored as already finished.
    if (ITERATION_END.has(type) && mine && !this.finished.has(mine.key)) this.finish(event, mine);
  }

  private finish(event: HistoryEvent, of: Attribution): void {
    this.finished.add(of.key);
    this.done++;
    const failure = this.failures.get(of.key);
    if (failure) this.failed++;
    const total = this.totalConfigurations;
    const per = this.samplesPerConfiguration;
    const at = event.timestamp?.getTime();
    const eta =
      this.startedAt !== undefined && at !== undefined && this.done < total && at > this.startedAt
        ? `, ETA ${formatDuration(((at - this.startedAt) / this.done) * (total - this.done))}`
        : "";
    const samples = per ? `, samples ${(this.done * per).toLocaleString("en-US")}/${(total * per).toLocaleString("en-US")}` : "";
    const failedCount = this.failed ? ` (${this.failed} failed)` : "";
    this.sink.note(`${of.label}: ${failure ?? "sampled"} | configurations ${this.done}/${total || "?"}${failedCount}${samples}${eta}`);
  }
}
