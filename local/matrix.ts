// `bench matrix` on this machine: moto (DynamoDB), the workloads and the matrix's own functions in
// Lambda sandboxes, a loopback Lambda API for the sampler, and the matrix's two state machines run
// by the local engine. Both architectures run on the host CPU: every figure is labelled with it.
import { randomBytes } from "node:crypto";
import { cpus, machine } from "node:os";
import { CreateTableCommand, DynamoDBClient, ScanCommand, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { Architecture } from "../harness/contracts";
import { packageHarnessFunction, type PackagedCode } from "../harness/packaging";
import type { MatrixExecutionInput, RunEngine } from "../harness/matrix/contracts";
import { configurationDefinition, rootDefinition } from "../harness/matrix/definition";
import type { MatrixMode } from "../harness/matrix/modes";
import { planRun, SAMPLE_TTL_S, type PlannedFunction } from "../harness/matrix/plan";
import { createResultsTable, readResultDocument } from "../harness/matrix/results-table";
import type { MatrixResultDocument } from "../harness/matrix/result-document";
import { LIGHT_TABLE } from "../harness/matrix/workloads";
import { MATRIX_FUNCTION_SETTINGS } from "../harness/matrix/function-settings";
import { LOCAL_PROJECT, LOCAL_SANDBOX_ENV } from "./bench";
import { LOCAL_ACCOUNT, runStateMachine, type ExecutionEvent } from "./engine";
import { LambdaSandboxes, type SandboxRuntime } from "./lambda";
import { startLocalLambdaApi } from "./lambda-api/server";
import { LOCAL_REGION, startEmbeddedS3 } from "./s3";
import type { TaskObserver } from "./task-handlers";

/**
 * Locally a sampler call hands back a continuation after 15 s (AWS: 10 minutes): progress is
 * reported per call, and continuations are exercised by every local run.
 */
export const LOCAL_TIME_BUDGET_MS = 15_000;
// Sized as on AWS (harness/matrix/function-settings.ts), so the harness's overhead per sample is the same.
const sized = ({ memoryMb, timeoutS }: { memoryMb: number; timeoutS: number }) => ({ memoryMb, timeoutS });
const SAMPLER = sized(MATRIX_FUNCTION_SETTINGS["matrix-sampler"]);
const AGGREGATOR = sized(MATRIX_FUNCTION_SETTINGS["matrix-aggregate"]);

/** A function under test, packaged: what the local run registers. */
export interface LocalMatrixTarget {
  name: string;
  runtime: string;
  architecture: Architecture;
  workload: string;
  code: PackagedCode;
  timeoutS: number;
  minMemoryMb: number;
}

export interface LocalMatrixOptions {
  mode: MatrixMode;
  targets: LocalMatrixTarget[];
  skipped: { runtime: string; reason: string }[];
  memory?: number[];
  cold?: number;
  warm?: number;
  parallel: number;
  payloads?: Partial<Record<string, Record<string, unknown>>>;
  timeBudgetMs?: number;
  onStart?: (input: MatrixExecutionInput) => void;
  onTask?: TaskObserver;
  onEvent?: (event: ExecutionEvent) => void;
  onLog?: (functionName: string, line: string) => void;
  /** Tests: also return every item of the results table. */
  collectItems?: boolean;
}

export interface LocalMatrixReport {
  document: MatrixResultDocument;
  input: MatrixExecutionInput;
  output: unknown;
  workflowMs: number;
  items?: Record<string, unknown>[];
}

export function localHost(): Extract<RunEngine, { kind: "local" }>["host"] {
  const list = cpus();
  return { cpu_model: list[0]?.model.trim() ?? "unknown", machine: machine(), cpus: list.length };
}

const arnOf = (name: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;

export async function runLocalMatrix(options: LocalMatrixOptions): Promise<LocalMatrixReport> {
  const runId = `local-${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}`;
  const moto = await startEmbeddedS3();
  const sandboxes = new LambdaSandboxes({ onLog: options.onLog });
  const dynamo = new DynamoDBClient({ endpoint: moto.endpoint, region: moto.clientConfig.region, credentials: moto.clientConfig.credentials });
  let api: Awaited<ReturnType<typeof startLocalLambdaApi>> | undefined;
  try {
    const table = `matrix-results-${runId}`;
    const lightTable = `matrix-light-${runId}`;
    await createResultsTable(dynamo, table);
    await dynamo.send(
      new CreateTableCommand({
        TableName: lightTable,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: LIGHT_TABLE.partitionKey, AttributeType: "S" }],
        KeySchema: [{ AttributeName: LIGHT_TABLE.partitionKey, KeyType: "HASH" }],
      }),
    );
    await dynamo.send(new UpdateTimeToLiveCommand({ TableName: lightTable, TimeToLiveSpecification: { AttributeName: LIGHT_TABLE.ttlAttribute, Enabled: true } }));
    api = await startLocalLambdaApi(sandboxes);

    const env = { ...moto.lambdaEnv, ...LOCAL_SANDBOX_ENV };
    const planned: PlannedFunction[] = [];
    for (const target of options.targets) {
      sandboxes.register({
        name: target.name,
        arn: arnOf(target.name),
        runtime: target.runtime as SandboxRuntime, // register() validates it
        handler: target.code.handler,
        codeDir: target.code.dir,
        memoryMb: Math.max(target.minMemoryMb, 128),
        timeoutS: target.timeoutS,
        ephemeralStorageMb: 512,
        architecture: target.architecture,
        environment: { ...env, [LIGHT_TABLE.envVar]: lightTable },
      });
      planned.push({ function_arn: arnOf(target.name), runtime: target.runtime, architecture: target.architecture, workload: target.workload, minMemoryMb: target.minMemoryMb });
    }
    const own = async (name: string, size: { memoryMb: number; timeoutS: number }, extraEnv: Record<string, string>) => {
      const code = await packageHarnessFunction(name);
      const fnName = `${LOCAL_PROJECT}-matrix-${name}`;
      sandboxes.register({
        name: fnName,
        arn: arnOf(fnName),
        runtime: code.runtime as SandboxRuntime,
        handler: code.handler,
        codeDir: code.dir,
        ...size,
        ephemeralStorageMb: 512,
        architecture: "x86_64",
        environment: { ...env, ...extraEnv },
      });
      return arnOf(fnName);
    };
    const samplerArn = await own("matrix-sampler", SAMPLER, { AWS_ENDPOINT_URL_LAMBDA: api.endpoint });
    const aggregatorArn = await own("matrix-aggregate", AGGREGATOR, {});

    const engine: RunEngine = { kind: "local", host: localHost() };
    const input = planRun(
      { run_id: runId, table, region: LOCAL_REGION, engine, time_budget_ms: options.timeBudgetMs ?? LOCAL_TIME_BUDGET_MS, sample_ttl_s: SAMPLE_TTL_S, skipped: options.skipped },
      planned,
      { mode: options.mode, memoryOverride: options.memory, cold: options.cold, warm: options.warm, payloads: options.payloads },
    );
    options.onStart?.(input);
    const configurationMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${LOCAL_PROJECT}-matrix-configuration`;
    const params = { samplerArn, aggregatorArn, configurationMachineArn, maxParallel: options.parallel };
    const started = Date.now();
    const output = await runStateMachine({
      definition: rootDefinition(params),
      input,
      executionName: runId,
      stateMachineName: `${LOCAL_PROJECT}-matrix`,
      region: LOCAL_REGION,
      lambda: sandboxes,
      stateMachines: { [configurationMachineArn]: configurationDefinition(params) },
      onTask: options.onTask,
      onEvent: options.onEvent,
    });
    const workflowMs = Date.now() - started;
    const document = await readResultDocument(dynamo, table, runId);
    const items = options.collectItems ? await scanAll(dynamo, table) : undefined;
    return { document, input, output, workflowMs, items };
  } finally {
    dynamo.destroy();
    await api?.close();
    await sandboxes.close();
    await moto.stop();
  }
}

async function scanAll(client: DynamoDBClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return items;
}
