// Fake AWS integrations for running the benchmark definition in aws-local-stepfunctions, to check
// the data flow of the ASL end to end (the real local engine maps the same Task states to
// sandboxes and moto). Contenders, the validator and S3 are faked; the scorer is the REAL
// functions/score handler, called the way the lambda:invoke integration would call it.
// Responses and errors have the shapes documented in harness/task-states.ts.
import "../../local/polyfills";
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import type { ContenderEvent, ValidateInput, ValidateResult } from "../../harness/contracts";
import { TASK_STATES, type ExecutionInput } from "../../harness/definition";
import { handler as scorer } from "../../functions/score/index";
import { formatReportLine } from "./report-lines";

export type RunBehaviour = "ok" | { functionError: string } | { serviceError: string };

export interface FakeFunction {
  config: "zip" | "image" | "missing";
  /** What run `index` does on its `attempt`-th invocation (0-based); default "ok". */
  run?: (index: number, attempt: number) => RunBehaviour;
  /** The validator's verdict on this contender's archive; default valid. */
  archive?: "valid" | "invalid";
  /** How many multipart uploads run `index` leaves open under its archive key; default 0. */
  leavesUploads?: (index: number) => number;
}

export interface FakeAwsOptions {
  failingDeleteKeys?: ReadonlySet<string>;
  /** ListMultipartUploads fails for these prefixes (archive keys). */
  failingListPrefixes?: ReadonlySet<string>;
  /** AbortMultipartUpload fails for these upload ids. */
  failingAbortIds?: ReadonlySet<string>;
  /** How a listing with no upload comes back: S3 omits `Uploads` (default); `[]` is tolerated too. */
  noUploadsAs?: "omitted" | "empty-array";
  /** The scorer crashes (a function error, not a refusal) when scoring these contenders. */
  scorerCrashesFor?: ReadonlySet<string>;
  /** Each run's log tail: the REPORT line alone (default), or padded to Lambda's full 4 KB. */
  logTail?: "short" | "maximal";
}

/** A function error as the lambda:invoke integration surfaces it: Error = errorType, Cause = payload JSON. */
export function functionError(errorType: string, errorMessage: string): Error {
  const payload = { errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`, "    at handler (index.mjs:1:1)"] };
  return Object.assign(new Error(JSON.stringify(payload)), { name: errorType });
}

/** Mean duration of run `index` of any fake contender: 1000 + 10 x index ms (billed: rounded up). */
export const fakeDurationMs = (index: number) => 1000 + 10 * index + 0.25;

/** The base64 log tail of a run: a REAL REPORT line (the scorer parses it), maybe padded to 4 KB. */
export function logResultFor(arn: string, index: number, tail: "short" | "maximal" = "short"): string {
  const report = `${formatReportLine({
    requestId: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
    durationMs: fakeDurationMs(index),
    billedDurationMs: Math.ceil(fakeDurationMs(index)),
    memorySizeMb: 1024,
    maxMemoryUsedMb: 100 + index,
    initDurationMs: index === 0 ? 250.5 : null,
  })}\n`;
  const start = `START RequestId: ${arn}#${index} Version: $LATEST\n`;
  if (tail === "short") return Buffer.from(start + report).toString("base64");
  // LogType Tail returns the LAST 4 KB of the log: fill it up to exactly 4096 bytes.
  const room = 4096 - Buffer.byteLength(start + report) - 1;
  const bytes = Buffer.from(`${start}${"log line of a chatty contender\n".repeat(200).slice(0, room)}\n${report}`);
  if (bytes.length !== 4096) throw new Error(`maximal log tail is ${bytes.length} bytes`);
  return bytes.toString("base64");
}

export function validateResultFor(key: string): ValidateResult {
  return { archive_key: key, archive_bytes: 100, entry_count: 3, stored_entries: 0, deflated_entries: 3, uncompressed_bytes: 300, zip64: false };
}

const LAMBDA_RESPONSE = { ExecutedVersion: "$LATEST", StatusCode: 200, SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: { RequestId: "r" } };

export class FakeAws {
  readonly invocations: { arn: string; logType: unknown; event: ContenderEvent }[] = [];
  readonly validations: ValidateInput[] = [];
  readonly deletions: { Bucket: string; Key: string }[] = [];
  readonly listings: { Bucket: string; Prefix: string; MaxUploads: number }[] = [];
  readonly abortions: { Bucket: string; Key: string; UploadId: string }[] = [];
  readonly scoreContenderCalls: { FunctionName: string; Payload: unknown }[] = [];
  readonly rankCalls: { FunctionName: string; Payload: unknown }[] = [];
  /** Multipart uploads still open, by key (a list, an abort removes one). */
  readonly openUploads = new Map<string, string[]>();
  /** Every Task call: its input (after Parameters) and raw result, as JSON byte counts. */
  readonly taskPayloads: { state: string; inputBytes: number; resultBytes: number }[] = [];
  readonly attempts = new Map<string, number>();
  /** Highest number of simultaneous invocations of one function. */
  readonly peakConcurrency = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private uploadCounter = 0;

  constructor(
    private readonly functions: Record<string, FakeFunction>,
    private readonly options: FakeAwsOptions = {},
  ) {}

  private fn(arn: string): FakeFunction {
    const fn = this.functions[arn];
    if (!fn || fn.config === "missing")
      throw Object.assign(new Error(`Function not found: ${arn}`), { name: "Lambda.ResourceNotFoundException" });
    return fn;
  }

  private leaveUploads(key: string, count: number): void {
    for (let i = 0; i < count; i++) {
      const ids = this.openUploads.get(key) ?? [];
      ids.push(`upload-${++this.uploadCounter}`);
      this.openUploads.set(key, ids);
    }
  }

  /** The real scorer behind the lambda:invoke integration: its exceptions become function errors. */
  private async invokeScorer(payload: unknown): Promise<unknown> {
    try {
      return { ...LAMBDA_RESPONSE, Payload: await scorer(payload) };
    } catch (error) {
      const e = error as Error;
      throw functionError(e.name, e.message);
    }
  }

  handlers(): Record<string, (input: never) => Promise<unknown>> {
    const handlers: Record<string, (input: never) => Promise<unknown>> = {
      [TASK_STATES.getFunctionConfiguration]: async (input: { FunctionName: string }) => {
        const fn = this.fn(input.FunctionName);
        return {
          FunctionName: input.FunctionName.split(":").pop(),
          FunctionArn: input.FunctionName,
          ...(fn.config === "zip" ? { Runtime: "nodejs22.x", Handler: "index.handler" } : {}),
          PackageType: fn.config === "zip" ? "Zip" : "Image",
          MemorySize: 1024,
          Timeout: 300,
          Architectures: [input.FunctionName.endsWith("x86_64") ? "x86_64" : "arm64"],
          EphemeralStorage: { Size: 512 },
          LastModified: "2026-11-24T00:00:00.000+0000",
          Environment: { Variables: { NOISE: "x".repeat(2000) } }, // must not ride along with the runs
        };
      },
      [TASK_STATES.invokeContender]: async (input: { FunctionName: string; LogType: unknown; Payload: ContenderEvent }) => {
        const arn = input.FunctionName;
        const fn = this.fn(arn);
        const index = Number(/run-(\d+)\.zip$/.exec(input.Payload.archive_key)?.[1]);
        const attemptKey = `${arn}#${index}`;
        const attempt = this.attempts.get(attemptKey) ?? 0;
        this.attempts.set(attemptKey, attempt + 1);
        this.invocations.push({ arn, logType: input.LogType, event: input.Payload });
        const now = (this.inFlight.get(arn) ?? 0) + 1;
        this.inFlight.set(arn, now);
        this.peakConcurrency.set(arn, Math.max(now, this.peakConcurrency.get(arn) ?? 0));
        try {
          await new Promise((resolve) => setTimeout(resolve, 5)); // let parallel runs overlap
          const behaviour = fn.run?.(index, attempt) ?? "ok";
          if (behaviour !== "ok" && "serviceError" in behaviour) throw Object.assign(new Error("Rate exceeded"), { name: behaviour.serviceError });
          this.leaveUploads(input.Payload.archive_key, fn.leavesUploads?.(index) ?? 0);
          if (behaviour !== "ok") throw functionError(behaviour.functionError, `run ${index} failed`);
          return { ...LAMBDA_RESPONSE, Payload: { archive_key: input.Payload.archive_key }, LogResult: logResultFor(arn, index, this.options.logTail) };
        } finally {
          this.inFlight.set(arn, (this.inFlight.get(arn) ?? 1) - 1);
        }
      },
      [TASK_STATES.listMultipartUploads]: async (input: { Bucket: string; Prefix: string; MaxUploads: number }) => {
        this.listings.push(input);
        if (this.options.failingListPrefixes?.has(input.Prefix)) throw Object.assign(new Error("Access Denied"), { name: "S3.AccessDeniedException" });
        const uploads = [...this.openUploads]
          .filter(([key]) => key.startsWith(input.Prefix))
          .flatMap(([Key, ids]) => ids.map((UploadId) => ({ Key, UploadId, Initiated: "2026-11-24T00:00:00Z", StorageClass: "STANDARD", Owner: { ID: "o".repeat(64) } })))
          .slice(0, input.MaxUploads);
        const page = { Bucket: input.Bucket, Prefix: input.Prefix, MaxUploads: input.MaxUploads, IsTruncated: false, KeyMarker: "", UploadIdMarker: "" };
        if (uploads.length) return { ...page, Uploads: uploads };
        return this.options.noUploadsAs === "empty-array" ? { ...page, Uploads: [] } : page;
      },
      [TASK_STATES.abortMultipartUpload]: async (input: { Bucket: string; Key: string; UploadId: string }) => {
        this.abortions.push(input);
        if (this.options.failingAbortIds?.has(input.UploadId)) throw Object.assign(new Error("no such upload"), { name: "S3.NoSuchUploadException" });
        const left = (this.openUploads.get(input.Key) ?? []).filter((id) => id !== input.UploadId);
        if (left.length) this.openUploads.set(input.Key, left);
        else this.openUploads.delete(input.Key);
        return {};
      },
      [TASK_STATES.validateArchive]: async (input: { FunctionName: string; Payload: ValidateInput }) => {
        this.validations.push(input.Payload);
        const owner = Object.entries(this.functions).find(([, f]) => f.archive === "invalid");
        const name = owner ? nameOf(owner[0]) : undefined;
        if (name && input.Payload.archive_key.startsWith(`archives/${name}/`))
          throw functionError("InvalidArchive", "entry 2: CRC-32 mismatch");
        return { ...LAMBDA_RESPONSE, Payload: validateResultFor(input.Payload.archive_key) };
      },
      [TASK_STATES.deleteArchive]: async (input: { Bucket: string; Key: string }) => {
        this.deletions.push(input);
        if (this.options.failingDeleteKeys?.has(input.Key)) throw Object.assign(new Error("Access Denied"), { name: "S3.AccessDeniedException" });
        return {};
      },
      [TASK_STATES.scoreContender]: async (input: { FunctionName: string; Payload: { contender?: { contender?: string } } }) => {
        this.scoreContenderCalls.push(input);
        const name = input.Payload.contender?.contender ?? "";
        if (this.options.scorerCrashesFor?.has(name)) throw functionError("Runtime.ExitError", "RequestId: r Error: Runtime exited with error: exit status 1");
        return this.invokeScorer(input.Payload);
      },
      [TASK_STATES.rank]: async (input: { FunctionName: string; Payload: unknown }) => {
        this.rankCalls.push(input);
        return this.invokeScorer(input.Payload);
      },
    };
    // Measure what each Task receives and returns (Step Functions limits both to 256 KiB).
    return Object.fromEntries(
      Object.entries(handlers).map(([state, handle]) => [
        state,
        async (input: never) => {
          const result = await handle(input);
          this.taskPayloads.push({ state, inputBytes: jsonBytes(input), resultBytes: jsonBytes(result) });
          return result;
        },
      ]),
    );
  }
}

export const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? "");

/** Contender names in these tests are the last ARN segment. */
export const nameOf = (arn: string) => arn.slice(arn.lastIndexOf(":") + 1);

/** One entry of the interpreter's event log (the fields these tests read). */
export interface ExecutionEvent {
  type: string;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  input?: unknown;
  output?: unknown;
}

/** Runs `definition` locally with the fakes; resolves the execution output and its event log. */
export async function runLocally(
  definition: Record<string, unknown>,
  input: ExecutionInput,
  aws: FakeAws,
  executionName = "exec-1",
): Promise<{ output: unknown; events: ExecutionEvent[] }> {
  const machine = new StateMachine(definition as unknown as StateMachineDefinition);
  const execution = machine.run(input as never, {
    context: { Execution: { Name: executionName } },
    overrides: {
      taskResourceLocalHandlers: aws.handlers() as never,
      // Retries wait 0 ms here: the data flow is under test, not the back-off.
      retryIntervalOverrides: Object.fromEntries(Object.values(TASK_STATES).map((name) => [name, 0])),
    },
  });
  const events: ExecutionEvent[] = [];
  const draining = (async () => {
    for await (const event of execution.eventLogs) events.push(event as ExecutionEvent);
  })();
  try {
    const output = await execution.result;
    return { output, events };
  } finally {
    await draining;
  }
}
