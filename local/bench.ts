// `bench local` end to end: embedded S3, the filler in a sandbox, every contender packaged and
// registered, the shared state-machine definition run locally, then a check that nothing was left.
import { randomBytes } from "node:crypto";
import {
  CreateBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { buildContenderDefinition, buildDefinition, ExecutionInput, type DefinitionParams } from "../harness/definition";
import { HARNESS_FUNCTION_SETTINGS } from "../harness/function-settings";
import { contenderFunctionName, discoverContenders, type ContenderSpec } from "../harness/manifest";
import { selectContenders } from "../harness/selection";
import { HARNESS_FUNCTIONS, packageContender, packageHarnessFunction, type HarnessFunctionName, type PackagedCode } from "../harness/packaging";
import { FillResult, parsePayload, ResultDocument, type Architecture } from "../harness/contracts";
import { LOCAL_ACCOUNT, runStateMachine, type ExecutionEvent } from "./engine";
import type { LambdaService, TaskObserver } from "./task-handlers";
import { LambdaSandboxes, type SandboxRuntime } from "./lambda";
import { LOCAL_REGION, startEmbeddedS3 } from "./s3";
import { S3Front, type FaultSpec, type S3FrontTotals } from "./s3-front";
import { withRunUsage } from "./s3-front/run-usage";
import { contenderPolicy, fillerPolicy, scorerPolicy, validatorPolicy, type PolicyDocument } from "../harness/policies";

export const LOCAL_PROJECT = "s3-archive-bench";
export const LOCAL_STACK = "local";

/**
 * Env of every local sandbox besides the S3 endpoint: the SDK's "Node < 22" notice is moot for a
 * pinned SDK, and locally it would eat 400 bytes of the 4 KB log tail that carries the REPORT line
 * (Lambda itself runs nodejs22.x, where it is never printed).
 */
const LOCAL_SANDBOX_ENV = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } as const;

export interface LocalBenchOptions {
  objectCount: number;
  objectSizeMb: number;
  seed: string | number;
  runsPerContender: number;
  maxRunTimeMs: number;
  maxConcurrency: number;
  /** Contenders running at once; 0 or absent = all at once, 1 = one at a time. */
  contenderConcurrency?: number;
  filesPrefix: string;
  /** Contender ids (`<lang>-<dev_id>`) or keys (`<lang>-<dev_id>-<arch>`); empty = all. */
  contenders: string[];
  /** Folders holding `<lang>/<dev_id>/contender.json`; default: the repo's `contenders/`. */
  contendersRoots?: string[];
  onPhase?: (phase: BenchPhase) => void;
  onEvent?: (event: ExecutionEvent) => void;
  onTask?: TaskObserver;
  onLog?: (functionName: string, line: string) => void;
  /**
   * Route every sandbox's S3 traffic through the S3 front (counts, IAM, faults); default true.
   * false = straight to moto (to measure the front's own cost: `npm run perf -- front`).
   */
  s3Front?: boolean;
  /** Faults the front injects (`--s3-faults`); needs the front. */
  s3Faults?: FaultSpec;
  /** Run every contender at this memory instead of its contender.json's (the memory sweep). */
  contenderMemoryMb?: number;
  /**
   * Fault injection for tests of the harness's own failures: runs after the fill (e.g. to change
   * the dataset under the harness), and wraps the Lambda service the workflow calls (e.g. to
   * throttle the validator). Neither is reachable from the CLI.
   */
  faults?: {
    afterFill?: (s3: { client: S3Client; bucket: string; prefix: string }) => Promise<void>;
    lambda?: (service: LambdaService) => LambdaService;
  };
}

export type BenchPhase =
  | { phase: "start"; endpoint: string; bucket: string }
  | { phase: "packaged"; contenders: string[]; skipped: string[]; ms: number }
  | { phase: "filled"; fill: FillResult; ms: number }
  | { phase: "workflow-done"; ms: number };

export interface LocalBenchReport {
  result: ResultDocument;
  executionName: string;
  timingsMs: { package: number; fill: number; workflow: number; total: number };
  /** Busy time per Task state, summed over its calls (e.g. ValidateArchive = all validations). */
  taskBusyMs: Record<string, number>;
  /** Whatever the run left behind in the bucket: must be empty. */
  leftovers: { archives: string[]; multipartUploads: string[] };
  /** What the S3 front saw, over every function (absent with `s3Front: false`). */
  s3Front?: S3FrontTotals;
  /** The dataset the contenders archived. */
  fill: FillResult;
}

interface FunctionSize {
  memoryMb: number;
  timeoutS: number;
  ephemeralStorageMb: number;
}

/** Contenders of every root; the same id in two roots is an error (results are keyed by it). */
export function discoverAll(roots: string[] | undefined): ContenderSpec[] {
  const specs = roots ? roots.flatMap((root) => discoverContenders(root)) : discoverContenders();
  const seen = new Map<string, string>();
  for (const spec of specs) {
    const other = seen.get(spec.id);
    if (other) throw new Error(`contender '${spec.id}' is defined twice: ${other} and ${spec.manifestPath}`);
    seen.set(spec.id, spec.manifestPath);
  }
  return specs;
}

export async function runLocalBench(options: LocalBenchOptions): Promise<LocalBenchReport> {
  const started = Date.now();
  const selected = selectContenders(discoverAll(options.contendersRoots), options.contenders);
  // Container-image contenders need a Docker engine to run: AWS only.
  const skipped = selected.filter((t) => t.spec.manifest.runtime === "image").map((t) => t.key);
  const targets = selected.filter((t) => t.spec.manifest.runtime !== "image");
  if (targets.length === 0) {
    throw new Error(`no contender to run locally${skipped.length ? ` (container-image contenders run on AWS only: ${skipped.join(", ")})` : ""}`);
  }
  // A fresh server, bucket and execution name per run: two runs at once share nothing.
  const executionName = `local-${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}`;
  if (options.s3Faults && options.s3Front === false) throw new Error("S3 faults are injected by the S3 front: they cannot be used without it");
  const s3 = await startEmbeddedS3();
  const bucket = `bench-${randomBytes(6).toString("hex")}`;
  // Each function's S3 traffic is checked against the policy its role has on AWS (harness/policies.ts).
  const policies = new Map<string, PolicyDocument>();
  const front =
    options.s3Front === false
      ? undefined
      : new S3Front({
          upstream: s3.endpoint,
          account: LOCAL_ACCOUNT,
          faults: options.s3Faults,
          policyFor: (fn) => {
            const policy = policies.get(fn.name);
            if (!policy) throw new Error(`no IAM policy registered for local function ${fn.name}`);
            return policy;
          },
        });
  const sandboxes = new LambdaSandboxes({ onLog: options.onLog, attach: front?.attach });
  const client = new S3Client(s3.clientConfig);
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    options.onPhase?.({ phase: "start", endpoint: s3.endpoint, bucket });

    const packageStart = Date.now();
    const bucketArn = `arn:aws:s3:::${bucket}`;
    const logGroupArn = (fnName: string) => `arn:aws:logs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:log-group:/aws/lambda/${fnName}`;
    const namePrefix = `${LOCAL_PROJECT}-${LOCAL_STACK}`;
    const harnessPolicy = (name: HarnessFunctionName, fnName: string): PolicyDocument => {
      if (name === "fill-bucket") return fillerPolicy({ bucketArn, logGroupArn: logGroupArn(fnName) });
      if (name === "validate") return validatorPolicy({ bucketArn, filesPrefix: options.filesPrefix, logGroupArn: logGroupArn(fnName) });
      return scorerPolicy({ logGroupArn: logGroupArn(fnName) });
    };
    /** Registers packaged code as a local function with the embedded S3's env; returns its ARN. */
    const register = (name: string, code: PackagedCode, size: FunctionSize, architecture: Architecture, policy: PolicyDocument) => {
      const arn = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
      policies.set(name, policy);
      sandboxes.register({
        name,
        arn,
        runtime: code.runtime as SandboxRuntime, // register() validates it
        handler: code.handler,
        codeDir: code.dir,
        ...size,
        architecture,
        environment: { ...s3.lambdaEnv, ...LOCAL_SANDBOX_ENV },
      });
      return arn;
    };
    const harnessArn = {} as Record<HarnessFunctionName, string>;
    for (const name of HARNESS_FUNCTIONS) {
      const { memoryMb, timeoutS, ephemeralStorageMb } = HARNESS_FUNCTION_SETTINGS[name];
      const code = await packageHarnessFunction(name);
      const fnName = `${namePrefix}-${name}`;
      harnessArn[name] = register(fnName, code, { memoryMb, timeoutS, ephemeralStorageMb }, "x86_64", harnessPolicy(name, fnName));
    }
    const contenders = [];
    for (const target of targets) {
      const { timeoutS, ephemeralStorageMb } = target.spec.manifest;
      const memoryMb = options.contenderMemoryMb ?? target.spec.manifest.memoryMb;
      const code = await packageContender(target.spec, target.arch);
      const fnName = contenderFunctionName(LOCAL_PROJECT, LOCAL_STACK, target.spec, target.arch);
      // Its own role, as deployed: its own archives (write only) and scratch prefix, the sources.
      const policy = contenderPolicy({ bucketArn, filesPrefix: options.filesPrefix, contender: target.key, logGroupArn: logGroupArn(fnName) });
      contenders.push({ name: target.key, function_arn: register(fnName, code, { memoryMb, timeoutS, ephemeralStorageMb }, target.arch, policy) });
    }
    const packageMs = Date.now() - packageStart;
    options.onPhase?.({ phase: "packaged", contenders: contenders.map((c) => c.name), skipped, ms: packageMs });

    const fillStart = Date.now();
    const fill = await invokeOrThrow(sandboxes, harnessArn["fill-bucket"], {
      bucket,
      prefix: options.filesPrefix,
      objectCount: options.objectCount,
      objectSizeMb: options.objectSizeMb,
      seed: options.seed,
    });
    const fillResult = parsePayload(FillResult, fill, "fill-bucket result");
    const fillMs = Date.now() - fillStart;
    options.onPhase?.({ phase: "filled", fill: fillResult, ms: fillMs });
    await options.faults?.afterFill?.({ client, bucket, prefix: options.filesPrefix });
    // Proof of work compares what each run read with the real listing of the sources.
    const sources = front ? await listSources(client, bucket, options.filesPrefix) : new Set<string>();

    const workflowStart = Date.now();
    const taskBusyMs: Record<string, number> = {};
    const callStarts = new Map<unknown, number>();
    const onTask: TaskObserver = (call) => {
      // The input object identifies one call from its start to its end.
      if (call.phase === "started") callStarts.set(call.input, Date.now());
      else {
        const start = callStarts.get(call.input);
        callStarts.delete(call.input);
        if (start !== undefined) taskBusyMs[call.stateName] = (taskBusyMs[call.stateName] ?? 0) + Date.now() - start;
      }
      options.onTask?.(call);
    };
    // The two state machines `pulumi up` deploys (components/benchmark-state-machine.ts).
    const stateMachineName = `${LOCAL_PROJECT}-${LOCAL_STACK}`;
    const contenderStateMachineName = `${stateMachineName}-contender`;
    const params: DefinitionParams = {
      validatorArn: harnessArn.validate,
      scorerArn: harnessArn.score,
      bucket,
      filesPrefix: options.filesPrefix,
      runsPerContender: options.runsPerContender,
      maxConcurrency: options.maxConcurrency,
      contenderConcurrency: options.contenderConcurrency ?? 0,
      contenderStateMachineArn: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${contenderStateMachineName}`,
      maxRunTimeMs: options.maxRunTimeMs,
      expectedObjectCount: options.objectCount,
      region: LOCAL_REGION,
    };
    const input = parsePayload(ExecutionInput, { contenders }, "execution input");
    // Locally the scorer also gets what the S3 front measured of each run (see run-usage.ts).
    const measured = front ? withRunUsage(sandboxes, harnessArn.score, front, () => sources) : sandboxes;
    const output = await runStateMachine({
      definition: buildDefinition(params),
      stateMachines: { [params.contenderStateMachineArn]: buildContenderDefinition(params) },
      input,
      executionName,
      stateMachineName,
      region: LOCAL_REGION,
      lambda: options.faults?.lambda ? options.faults.lambda(measured) : measured,
      s3: client,
      onEvent: options.onEvent,
      onTask,
    });
    const result = parsePayload(ResultDocument, output, "execution output");
    const workflowMs = Date.now() - workflowStart;
    options.onPhase?.({ phase: "workflow-done", ms: workflowMs });

    const leftovers = await findLeftovers(client, bucket);
    return {
      result,
      executionName,
      timingsMs: { package: packageMs, fill: fillMs, workflow: workflowMs, total: Date.now() - started },
      fill: fillResult,
      taskBusyMs,
      leftovers,
      ...(front ? { s3Front: front.totals() } : {}),
    };
  } finally {
    client.destroy();
    await sandboxes.close();
    await front?.close();
    await s3.stop();
  }
}

/** Invokes a harness function and returns its parsed result; a function error becomes an Error. */
async function invokeOrThrow(sandboxes: LambdaSandboxes, arn: string, payload: unknown): Promise<unknown> {
  const response = await sandboxes.invoke(arn, payload, { logType: "Tail" });
  if (response.FunctionError) {
    let message = response.Payload;
    try {
      const parsed = JSON.parse(response.Payload) as { errorType?: string; errorMessage?: string };
      message = `${parsed.errorType ?? "Error"}: ${parsed.errorMessage ?? response.Payload}`;
    } catch {
      // keep the raw payload
    }
    throw new Error(`${arn.split(":").pop()} failed: ${message}`);
  }
  return JSON.parse(response.Payload) as unknown;
}

/** `bucket/key` of every object under `prefix/`. */
async function listSources(client: S3Client, bucket: string, prefix: string): Promise<Set<string>> {
  const keys = new Set<string>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token }));
    for (const object of page.Contents ?? []) keys.add(`${bucket}/${object.Key}`);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

async function findLeftovers(client: S3Client, bucket: string): Promise<LocalBenchReport["leftovers"]> {
  const archives = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "archives/" }));
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return {
    archives: (archives.Contents ?? []).map((o) => o.Key!),
    multipartUploads: (uploads.Uploads ?? []).map((u) => u.Key!),
  };
}
