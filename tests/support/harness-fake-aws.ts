// Fake AWS integrations for running the benchmark definition in aws-local-stepfunctions, to check
// the data flow of the ASL end to end (the real local engine maps the same Task states to
// sandboxes and moto). Contenders, the validator and S3 are faked; the scorer is the REAL
// functions/score handler, called the way the lambda:invoke integration would call it.
// Responses and errors have the shapes documented in harness/task-states.ts.
import type { ContenderEvent, ValidateInput, ValidateResult } from "../../harness/contracts";
import { buildContenderDefinition, buildDefinition, TASK_STATES, type DefinitionParams, type ExecutionInput } from "../../harness/definition";
import { runStateMachine, type ExecutionEvent as EngineEvent } from "../../local/engine";
import type { TaskHandler } from "../../local/task-handlers";
import { handler as scorer } from "../../functions/score/index";
import { formatReportLine } from "./report-lines";

export type RunBehaviour = "ok" | { functionError: string; message?: string } | { serviceError: string };

export interface FakeFunction {
  config: "zip" | "image" | "missing";
  /** What run `index` does on its `attempt`-th invocation (0-based); default "ok". */
  run?: (index: number, attempt: number) => RunBehaviour;
  /** The validator's verdict on the archive of run `index`; default valid. */
  archive?: (index: number) => "valid" | "invalid";
  /** What run `index` returns on success (default `{ archive_key }`), e.g. a huge value. */
  returns?: (index: number) => unknown;
  /** How many multipart uploads run `index` leaves open under its archive key; default 0. */
  leavesUploads?: (index: number) => number;
}

/** `<contender name>#<run index>`: names a run before its (random) archive key exists. */
export const runId = (name: string, index: number) => `${name}#${index}`;

export interface FakeAwsOptions {
  /** DeleteObject fails for the archives of these runs (runId). */
  failingDeleteRuns?: ReadonlySet<string>;
  /** ListMultipartUploads fails for the archive keys of these runs (runId). */
  failingListRuns?: ReadonlySet<string>;
  /** AbortMultipartUpload fails for these upload ids. */
  failingAbortIds?: ReadonlySet<string>;
  /** How a listing with no upload comes back: S3 omits `Uploads` (default); `[]` is tolerated too. */
  noUploadsAs?: "omitted" | "empty-array";
  /** The scorer crashes (a function error, not a refusal) when scoring these contenders. */
  scorerCrashesFor?: ReadonlySet<string>;
  /** Each run's log tail: the REPORT line alone (default), or padded to Lambda's full 4 KB. */
  logTail?: "short" | "maximal";
  /** The validator fails (not a verdict: a harness fault) with this error on every call. */
  validatorFails?: string;
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
  readonly failedExecutionCalls: { FunctionName: string; Payload: unknown }[] = [];
  /** Prefixes the parent listed for leftovers of a failed contender execution. */
  readonly leftoverListings: string[] = [];
  /** Multipart uploads still open, by key (a list, an abort removes one). */
  readonly openUploads = new Map<string, string[]>();
  /** Every Task call: its input (after Parameters) and raw result, as JSON byte counts. */
  readonly taskPayloads: { state: string; inputBytes: number; resultBytes: number }[] = [];
  readonly attempts = new Map<string, number>();
  /** Highest number of simultaneous invocations of one function. */
  readonly peakConcurrency = new Map<string, number>();
  /** Highest number of contenders with an invocation in flight at the same time. */
  peakContenders = 0;
  private readonly inFlight = new Map<string, number>();
  private uploadCounter = 0;
  /** Archive keys by contender name, in the order the runs started (= run index order). */
  private readonly keys = new Map<string, string[]>();
  private readonly runOfKey = new Map<string, string>();

  /** The archive key run `index` of contender `name` was given. */
  key(name: string, index: number): string {
    const key = this.keys.get(name)?.[index];
    if (!key) throw new Error(`no run ${index} of ${name} was invoked`);
    return key;
  }

  /** Every archive key handed to contender `name`. */
  keysOf(name: string): string[] {
    return this.keys.get(name) ?? [];
  }

  private runIndex(name: string, key: string): number {
    const keys = this.keys.get(name) ?? [];
    if (!keys.includes(key)) keys.push(key);
    this.keys.set(name, keys);
    this.runOfKey.set(key, runId(name, keys.indexOf(key)));
    return keys.indexOf(key);
  }

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

  private deleteObject(input: { Bucket: string; Key: string }): object {
    this.deletions.push(input);
    if (this.options.failingDeleteRuns?.has(this.runOfKey.get(input.Key) ?? "")) {
      throw Object.assign(new Error("Access Denied"), { name: "S3.AccessDeniedException" });
    }
    return {};
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
        const index = this.runIndex(nameOf(arn), input.Payload.archive_key);
        const attemptKey = `${arn}#${index}`;
        const attempt = this.attempts.get(attemptKey) ?? 0;
        this.attempts.set(attemptKey, attempt + 1);
        this.invocations.push({ arn, logType: input.LogType, event: input.Payload });
        const now = (this.inFlight.get(arn) ?? 0) + 1;
        this.inFlight.set(arn, now);
        this.peakConcurrency.set(arn, Math.max(now, this.peakConcurrency.get(arn) ?? 0));
        this.peakContenders = Math.max(this.peakContenders, [...this.inFlight.values()].filter((n) => n > 0).length);
        try {
          await new Promise((resolve) => setTimeout(resolve, 5)); // let parallel runs overlap
          const behaviour = fn.run?.(index, attempt) ?? "ok";
          if (behaviour !== "ok" && "serviceError" in behaviour) throw Object.assign(new Error("Rate exceeded"), { name: behaviour.serviceError });
          this.leaveUploads(input.Payload.archive_key, fn.leavesUploads?.(index) ?? 0);
          if (behaviour !== "ok") throw functionError(behaviour.functionError, behaviour.message ?? `run ${index} failed`);
          const payload = fn.returns ? fn.returns(index) : { archive_key: input.Payload.archive_key };
          return { ...LAMBDA_RESPONSE, Payload: payload, LogResult: logResultFor(arn, index, this.options.logTail) };
        } finally {
          this.inFlight.set(arn, (this.inFlight.get(arn) ?? 1) - 1);
        }
      },
      // After a failed child: no object is modelled here (runs write none), uploads are.
      [TASK_STATES.listLeftArchives]: async (input: { Bucket: string; Prefix: string }) => {
        this.leftoverListings.push(input.Prefix);
        return { Name: input.Bucket, Prefix: input.Prefix, KeyCount: 0, IsTruncated: false };
      },
      [TASK_STATES.deleteLeftArchive]: async (input: { Bucket: string; Key: string }) => this.deleteObject(input),
      [TASK_STATES.listLeftUploads]: async (input: never) => handlers[TASK_STATES.listMultipartUploads]!(input),
      [TASK_STATES.abortLeftUpload]: async (input: never) => handlers[TASK_STATES.abortMultipartUpload]!(input),
      [TASK_STATES.listMultipartUploads]: async (input: { Bucket: string; Prefix: string; MaxUploads: number }) => {
        this.listings.push(input);
        if (this.options.failingListRuns?.has(this.runOfKey.get(input.Prefix) ?? "")) throw Object.assign(new Error("Access Denied"), { name: "S3.AccessDeniedException" });
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
        if (this.options.validatorFails) throw Object.assign(new Error("Rate exceeded"), { name: this.options.validatorFails });
        const [name, index] = (this.runOfKey.get(input.Payload.archive_key) ?? "#").split("#");
        const fn = Object.entries(this.functions).find(([a]) => nameOf(a) === name)?.[1];
        if (fn?.archive?.(Number(index)) === "invalid") throw functionError("InvalidArchive", "entry 2: CRC-32 mismatch");
        return { ...LAMBDA_RESPONSE, Payload: validateResultFor(input.Payload.archive_key) };
      },
      [TASK_STATES.deleteArchive]: async (input: { Bucket: string; Key: string }) => this.deleteObject(input),
      [TASK_STATES.deleteUnjudgedArchive]: async (input: { Bucket: string; Key: string }) => this.deleteObject(input),
      [TASK_STATES.scoreContender]: async (input: { FunctionName: string; Payload: { contender?: { contender?: string } } }) => {
        this.scoreContenderCalls.push(input);
        const name = input.Payload.contender?.contender ?? "";
        if (this.options.scorerCrashesFor?.has(name)) throw functionError("Runtime.ExitError", "RequestId: r Error: Runtime exited with error: exit status 1");
        return this.invokeScorer(input.Payload);
      },
      [TASK_STATES.scoreFailedExecution]: async (input: { FunctionName: string; Payload: unknown }) => {
        this.failedExecutionCalls.push(input);
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
export type ExecutionEvent = EngineEvent;

/** The child state machine's ARN in these tests. */
export const CONTENDER_STATE_MACHINE_ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:bench-dev-contender";

/**
 * Runs both definitions built from `params` in the REAL local engine (child executions, payload
 * limits, error shapes) with the fakes serving every Task; resolves the output and the event log
 * (parent and children). Rejects with the engine's ExecutionFailedError when the execution fails.
 */
export async function runLocally(
  params: DefinitionParams,
  input: ExecutionInput,
  aws: FakeAws,
  executionName = "exec-1",
): Promise<{ output: unknown; events: ExecutionEvent[] }> {
  const p = { ...params, contenderStateMachineArn: CONTENDER_STATE_MACHINE_ARN };
  const events: ExecutionEvent[] = [];
  const output = await runStateMachine({
    definition: buildDefinition(p),
    stateMachines: { [CONTENDER_STATE_MACHINE_ARN]: buildContenderDefinition(p) },
    input,
    executionName,
    stateMachineName: "bench-dev",
    region: "eu-west-1",
    taskHandlers: aws.handlers() as unknown as Record<string, TaskHandler>,
    // Retries wait 0 ms here: the data flow is under test, not the back-off.
    retryIntervalMs: 0,
    onEvent: (event) => events.push(event),
  });
  return { output, events };
}
