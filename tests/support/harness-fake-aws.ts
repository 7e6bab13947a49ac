// Fake AWS integrations for running the benchmark definition in aws-local-stepfunctions, purely to
// check the data flow of the ASL (the real local engine maps the same Task states to sandboxes
// and moto). Responses and errors have the shapes documented in harness/task-states.ts.
import "./polyfills";
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import type { ContenderEvent, ValidateInput, ValidateResult } from "../../harness/contracts";
import { TASK_STATES, type ExecutionInput } from "../../harness/definition";

export type RunBehaviour = "ok" | { functionError: string } | { serviceError: string };

export interface FakeFunction {
  config: "zip" | "image" | "missing";
  /** What run `index` does on its `attempt`-th invocation (0-based); default "ok". */
  run?: (index: number, attempt: number) => RunBehaviour;
  /** The validator's verdict on this contender's archive; default valid. */
  archive?: "valid" | "invalid";
}

export const SCORE_RESULT = { success: [], failure: [{ contender: "from-the-fake-scorer", reason: "crash: fake" }] };

/** A function error as the lambda:invoke integration surfaces it: Error = errorType, Cause = payload JSON. */
export function functionError(errorType: string, errorMessage: string): Error {
  const payload = { errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`, "    at handler (index.mjs:1:1)"] };
  return Object.assign(new Error(JSON.stringify(payload)), { name: errorType });
}

export function logResultFor(arn: string, index: number): string {
  return Buffer.from(`START\nREPORT RequestId: ${arn}#${index}\tDuration: 10.00 ms\n`).toString("base64");
}

export function validateResultFor(key: string): ValidateResult {
  return {
    archive_key: key,
    archive_bytes: 100,
    entry_count: 3,
    stored_entries: 0,
    deflated_entries: 3,
    uncompressed_bytes: 300,
    zip64: false,
  };
}

export class FakeAws {
  readonly invocations: { arn: string; logType: unknown; event: ContenderEvent }[] = [];
  readonly validations: ValidateInput[] = [];
  readonly deletions: { Bucket: string; Key: string }[] = [];
  readonly scoreCalls: { FunctionName: string; Payload: unknown }[] = [];
  readonly attempts = new Map<string, number>();
  /** Highest number of simultaneous invocations of one function. */
  readonly peakConcurrency = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly functions: Record<string, FakeFunction>,
    private readonly failingDeleteKeys: ReadonlySet<string> = new Set(),
  ) {}

  private fn(arn: string): FakeFunction {
    const fn = this.functions[arn];
    if (!fn || fn.config === "missing")
      throw Object.assign(new Error(`Function not found: ${arn}`), { name: "Lambda.ResourceNotFoundException" });
    return fn;
  }

  handlers(): Record<string, (input: never) => Promise<unknown>> {
    return {
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
          if (behaviour !== "ok" && "functionError" in behaviour) throw functionError(behaviour.functionError, `run ${index} failed`);
          if (behaviour !== "ok") throw Object.assign(new Error("Rate exceeded"), { name: behaviour.serviceError });
          return {
            ExecutedVersion: "$LATEST",
            StatusCode: 200,
            Payload: { archive_key: input.Payload.archive_key },
            LogResult: logResultFor(arn, index),
            SdkHttpMetadata: { HttpStatusCode: 200 },
            SdkResponseMetadata: { RequestId: "r" },
          };
        } finally {
          this.inFlight.set(arn, (this.inFlight.get(arn) ?? 1) - 1);
        }
      },
      [TASK_STATES.validateArchive]: async (input: { FunctionName: string; Payload: ValidateInput }) => {
        this.validations.push(input.Payload);
        const owner = Object.entries(this.functions).find(([, f]) => f.archive === "invalid");
        const name = owner ? nameOf(owner[0]) : undefined;
        if (name && input.Payload.archive_key.startsWith(`archives/${name}/`))
          throw functionError("InvalidArchive", "entry 2: CRC-32 mismatch");
        return { ExecutedVersion: "$LATEST", StatusCode: 200, Payload: validateResultFor(input.Payload.archive_key) };
      },
      [TASK_STATES.deleteArchive]: async (input: { Bucket: string; Key: string }) => {
        this.deletions.push(input);
        if (this.failingDeleteKeys.has(input.Key)) throw Object.assign(new Error("Access Denied"), { name: "S3.AccessDeniedException" });
        return {};
      },
      [TASK_STATES.score]: async (input: { FunctionName: string; Payload: unknown }) => {
        this.scoreCalls.push(input);
        return { ExecutedVersion: "$LATEST", StatusCode: 200, Payload: SCORE_RESULT };
      },
    };
  }
}

/** Contender names in these tests are the last ARN segment. */
export const nameOf = (arn: string) => arn.slice(arn.lastIndexOf(":") + 1);

/** Runs `definition` locally with the fakes; resolves the execution output. */
export async function runLocally(
  definition: Record<string, unknown>,
  input: ExecutionInput,
  aws: FakeAws,
  executionName = "exec-1",
): Promise<unknown> {
  const machine = new StateMachine(definition as unknown as StateMachineDefinition);
  const execution = machine.run(input as never, {
    context: { Execution: { Name: executionName } },
    overrides: {
      taskResourceLocalHandlers: aws.handlers() as never,
      // Retries wait 0 ms here: the data flow is under test, not the back-off.
      retryIntervalOverrides: { [TASK_STATES.invokeContender]: 0, [TASK_STATES.getFunctionConfiguration]: 0 },
    },
  });
  return execution.result;
}
