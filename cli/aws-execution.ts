// Starting, watching and stopping one Step Functions execution of the benchmark.
import { randomBytes } from "node:crypto";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import { setTimeout as sleep } from "node:timers/promises";
import { ResultDocument, parsePayload } from "../harness/contracts";
import { ExecutionHistoryTracker } from "./aws-history";
import { ExecutionInput } from "./aws-outputs";
import type { ProgressSink } from "./progress";
import { parseJsonText } from "./task-error";

/** The execution ended other than SUCCEEDED (or its output is not a result document). */
export class ExecutionFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExecutionFailedError";
  }
}

/** `bench-20261124T031500Z-1a2b3c`: sortable, unique, and valid as an execution name. */
export function executionName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `bench-${stamp}-${randomBytes(3).toString("hex")}`;
}

export async function startExecution(
  client: SFNClient,
  stateMachineArn: string,
  /** The contest's ExecutionInput, or the matrix's MatrixExecutionInput (validated by the caller). */
  input: object,
  name = executionName(),
): Promise<string> {
  const started = await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  if (!started.executionArn) throw new Error("StartExecution returned no executionArn");
  return started.executionArn;
}

/**
 * Events newer than `afterId`. AWS pages the history (oldest first by default); asking newest-first
 * and stopping at the first page that reaches known events keeps each poll to about one request
 * on long executions. moto ignores `reverseOrder`/`maxResults` and returns everything at once,
 * which the id filter handles the same way.
 */
async function newEvents(client: SFNClient, executionArn: string, afterId: number): Promise<HistoryEvent[]> {
  const collected: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1000, nextToken, includeExecutionData: true }),
    );
    const events = page.events ?? [];
    collected.push(...events.filter((e) => (e.id ?? 0) > afterId));
    if (events.some((e) => (e.id ?? 0) <= afterId)) break;
    nextToken = page.nextToken;
  } while (nextToken);
  return collected;
}

/** Turns history events into progress (the contest's ExecutionHistoryTracker, or the matrix's). */
export interface HistoryTracker {
  ingest(events: readonly HistoryEvent[]): void;
  readonly lastEventId: number;
}

export interface WatchOptions {
  pollMs: number;
  /** Aborting ends the watch with `signal.reason` (Ctrl-C). */
  signal?: AbortSignal;
  /** Builds the tracker from the execution's input (JSON-parsed); default: the contest's. */
  tracker?: (input: unknown, sink: ProgressSink) => HistoryTracker;
}

const contestTracker = (input: unknown, sink: ProgressSink): HistoryTracker => {
  const parsed = ExecutionInput.safeParse(input);
  return new ExecutionHistoryTracker(parsed.success ? parsed.data : undefined, sink);
};

/** Polls until the execution leaves RUNNING, feeding progress; resolves to the final description. */
export async function watchExecution(
  client: SFNClient,
  executionArn: string,
  sink: ProgressSink,
  options: WatchOptions,
): Promise<DescribeExecutionCommandOutput> {
  const first = await client.send(new DescribeExecutionCommand({ executionArn }));
  const tracker = (options.tracker ?? contestTracker)(parseJsonText(first.input), sink);
  let described = first;
  for (;;) {
    options.signal?.throwIfAborted();
    // Describe first, then read the history: when the status is final, that history is complete.
    tracker.ingest(await newEvents(client, executionArn, tracker.lastEventId));
    if (described.status !== "RUNNING" && described.status !== "PENDING_REDRIVE") return described;
    await sleep(options.pollMs, undefined, { signal: options.signal }).catch(() => options.signal?.throwIfAborted());
    options.signal?.throwIfAborted();
    described = await client.send(new DescribeExecutionCommand({ executionArn }));
  }
}

/** The last history event, for causes DescribeExecution leaves out (e.g. ExecutionTimedOut). */
async function lastEvent(client: SFNClient, executionArn: string): Promise<HistoryEvent | undefined> {
  const page = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));
  const events = page.events ?? [];
  // moto returns the whole history in ascending order whatever is asked.
  return events.reduce<HistoryEvent | undefined>((a, e) => (!a || (e.id ?? 0) > (a.id ?? 0) ? e : a), undefined);
}

/**
 * The result document of a SUCCEEDED execution; for any other end, an ExecutionFailedError that
 * names the status and the cause Step Functions recorded.
 */
export async function executionResult(client: SFNClient, described: DescribeExecutionCommandOutput): Promise<ResultDocument> {
  const name = described.name ?? described.executionArn;
  await ensureSucceeded(client, described);
  if (described.output === undefined) {
    throw new ExecutionFailedError(`execution ${name} succeeded but returned no output (outputDetails: ${JSON.stringify(described.outputDetails ?? {})})`);
  }
  const output = parseJsonText(described.output);
  try {
    return parsePayload(ResultDocument, output, `result document of execution ${name}`);
  } catch (error) {
    throw new ExecutionFailedError((error as Error).message);
  }
}

/** Resolves for a SUCCEEDED execution; otherwise an ExecutionFailedError naming the status and the cause Step Functions recorded. */
export async function ensureSucceeded(client: SFNClient, described: DescribeExecutionCommandOutput): Promise<void> {
  const name = described.name ?? described.executionArn;
  if (described.status === "SUCCEEDED") return;
  let error = described.error;
  let cause = described.cause;
  if (!error && !cause && described.executionArn) {
    const last = await lastEvent(client, described.executionArn);
    const details =
      last?.executionFailedEventDetails ?? last?.executionTimedOutEventDetails ?? last?.executionAbortedEventDetails;
    error = details?.error || undefined;
    cause = details?.cause || undefined;
  }
  const what =
    described.status === "TIMED_OUT"
      ? "timed out (the state machine's TimeoutSeconds elapsed)"
      : described.status === "ABORTED"
        ? "was aborted (stopped)"
        : described.status === "FAILED"
          ? "failed"
          : `ended with status ${described.status}`;
  const because = [error, describeCause(cause)].filter(Boolean).join(": ");
  throw new ExecutionFailedError(`execution ${name} ${what}${because ? `: ${because}` : ""}`);
}

/** Lambda causes are JSON ({errorType, errorMessage, trace}); keep the readable part. */
function describeCause(cause: string | undefined): string | undefined {
  const parsed = parseJsonText(cause) as { errorType?: unknown; errorMessage?: unknown } | undefined;
  if (parsed && typeof parsed.errorMessage === "string") {
    return typeof parsed.errorType === "string" ? `${parsed.errorType}: ${parsed.errorMessage}` : parsed.errorMessage;
  }
  return cause;
}

export async function stopExecution(client: SFNClient, executionArn: string, cause: string): Promise<void> {
  await client.send(new StopExecutionCommand({ executionArn, error: "bench.Interrupted", cause }));
}

/** The AWS CLI command that stops the execution (printed when we leave it running). */
export function stopCommand(executionArn: string): string {
  return `aws stepfunctions stop-execution --region ${executionArn.split(":")[3]} --execution-arn '${executionArn}'`;
}
