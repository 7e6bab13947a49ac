// The runtime matrix as `pulumi up` registers it (mocked engine, real program): one function per
// (runtime, architecture, workload) with its runtime, handler and architecture; the tables and
// their TTL; the two state machines running harness/matrix/definition.ts; every matrix policy
// statement by statement, and what the sampler and the workloads may NOT touch (evaluator); the
// outputs `bench matrix aws` reads.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configurationDefinition, rootDefinition } from "../harness/matrix/definition";
import { MatrixExecutionInput } from "../harness/matrix/contracts";
import { MATRIX_FUNCTION_SETTINGS } from "../harness/matrix/function-settings";
import { allows, type Statement } from "./support/iam-evaluator";
import { TWO_CONTENDERS, baseConfig, writeContendersRoot } from "./support/contender-fixtures";
import { ACCOUNT, REGION, byName, loadProgram, ofType, parentOf, type LoadedProgram, type RecordedResource } from "./support/pulumi-program";

const P = "s3-archive-bench-test";
const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const tableArn = (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
const streams = (group: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${group}:*`;
const RUNTIMES = [
  { runtime: "nodejs22.x", label: "nodejs22", handler: "index.handler" },
  { runtime: "python3.13", label: "python313", handler: "handler.handler" },
];
const WORKLOADS = ["cpu", "memory", "light"];
const ARCHS = ["arm64", "x86_64"] as const;
const MATRIX_FNS = WORKLOADS.flatMap((w) => RUNTIMES.flatMap((r) => ARCHS.map((a) => `${P}-matrix-${w}-${r.label}-${a}`)));
const RESULTS = `${P}-matrix-results`;
const LIGHT = `${P}-matrix-light`;

let program: LoadedProgram;
let all: RecordedResource[];
const fixture = writeContendersRoot(TWO_CONTENDERS);
beforeAll(async () => {
  program = await loadProgram({
    ...baseConfig(fixture.root),
    "s3-archive-bench:matrix": { enabled: true, runtimes: RUNTIMES.map((r) => r.runtime), mode: "balanced", parallel: 6 },
    "s3-archive-bench:resultsTtlDays": 7,
  });
  all = program.resources;
});
afterAll(() => fixture.cleanup());

const lambdas = () => ofType(all, "aws:lambda/function:Function").filter((r) => r.inputs.name.startsWith(`${P}-matrix-`));
const policyOf = (name: string): Statement[] => JSON.parse(byName(all, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy).Statement;

describe("RuntimeMatrix resources", () => {
  it("deploys one function per (runtime, architecture, workload) with its runtime, handler and architecture", () => {
    const under = lambdas().filter((r) => !/-matrix-(sampler|aggregate)$/.test(r.inputs.name));
    expect(under.map((r) => r.inputs.name).sort()).toEqual([...MATRIX_FNS].sort());
    for (const workload of WORKLOADS)
      for (const r of RUNTIMES)
        for (const arch of ARCHS) {
          const fn = under.find((f) => f.inputs.name === `${P}-matrix-${workload}-${r.label}-${arch}`)!;
          expect(fn.inputs, fn.inputs.name).toMatchObject({ runtime: r.runtime, handler: r.handler, architectures: [arch], packageType: "Zip" });
          expect(fn.inputs.loggingConfig).toEqual({ logFormat: "Text", logGroup: `/aws/lambda/${fn.inputs.name}` });
          // The light workload finds its table through the variable; the others get none.
          if (workload === "light") expect(fn.inputs.environment).toEqual({ variables: { LIGHT_TABLE_NAME: LIGHT } });
          else expect(fn.inputs.environment).toBeUndefined();
          expect(parentOf(all, fn)?.type).toBe("s3-archive-bench:index:RuntimeMatrix");
        }
    // memory is deployed at its measured minimum (the sampler sets each configuration's size).
    expect(under.find((f) => f.inputs.name.includes("-memory-python313-"))!.inputs.memorySize).toBe(512);
    expect(under.find((f) => f.inputs.name.includes("-cpu-nodejs22-"))!.inputs.memorySize).toBe(128);
  });

  it("deploys the sampler and the aggregate as harness functions, sized as both engines size them", () => {
    for (const [name, settings] of [
      ["sampler", MATRIX_FUNCTION_SETTINGS["matrix-sampler"]],
      ["aggregate", MATRIX_FUNCTION_SETTINGS["matrix-aggregate"]],
    ] as const) {
      const fn = byName(all, "aws:lambda/function:Function", `matrix-${name}`);
      expect(fn.inputs).toMatchObject({ name: `${P}-matrix-${name}`, runtime: "nodejs22.x", handler: "index.handler", memorySize: settings.memoryMb, timeout: settings.timeoutS });
    }
  });

  it("keeps results in one on-demand table whose sample items expire by TTL, and the light workload's table apart", () => {
    const results = byName(all, "aws:dynamodb/table:Table", "matrix-results");
    expect(results.inputs).toMatchObject({
      name: RESULTS,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "pk",
      rangeKey: "sk",
      ttl: { attributeName: "expires_at", enabled: true },
    });
    expect(results.inputs.attributes).toEqual([
      { name: "pk", type: "S" },
      { name: "sk", type: "S" },
    ]);
    const light = byName(all, "aws:dynamodb/table:Table", "matrix-light");
    expect(light.inputs).toMatchObject({ name: LIGHT, billingMode: "PAY_PER_REQUEST", hashKey: "pk", ttl: { attributeName: "expires_at", enabled: true } });
  });

  it("runs the harness's two definitions: the root starts the configuration machine, ERROR logs to one group", () => {
    const machines = ofType(all, "aws:sfn/stateMachine:StateMachine").filter((m) => m.inputs.name.includes("-matrix"));
    expect(machines.map((m) => m.inputs.name).sort()).toEqual([`${P}-matrix`, `${P}-matrix-configuration`]);
    const root = machines.find((m) => m.inputs.name === `${P}-matrix`)!;
    const configuration = machines.find((m) => m.inputs.name === `${P}-matrix-configuration`)!;
    const params = {
      samplerArn: fnArn(`${P}-matrix-sampler`),
      aggregatorArn: fnArn(`${P}-matrix-aggregate`),
      configurationMachineArn: configuration.state.arn,
      maxParallel: 6,
    };
    expect(JSON.parse(root.inputs.definition)).toEqual(rootDefinition(params));
    expect(JSON.parse(configuration.inputs.definition)).toEqual(configurationDefinition(params));
    const group = byName(all, "aws:cloudwatch/logGroup:LogGroup", "matrix-workflow");
    expect(group.inputs).toMatchObject({ name: `/aws/vendedlogs/states/${P}-matrix`, retentionInDays: 14 });
    for (const m of machines) expect(m.inputs.loggingConfiguration).toMatchObject({ level: "ERROR", includeExecutionData: true });
  });

  it("exports the root ARN, the results table and exactly the execution input of the configured mode", () => {
    const { outputs } = program;
    expect(outputs.matrixStateMachineArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${P}-matrix`);
    expect(outputs.resultsTableName).toBe(RESULTS);
    const input = MatrixExecutionInput.parse(outputs.matrixExecutionInput);
    expect(input.run).toMatchObject({ table: RESULTS, region: REGION, mode: "balanced", engine: { kind: "aws" }, cold: 10, warm: 50, sample_ttl_s: 7 * 86400 });
    // Sizes below a workload's measured minimum are left out and said so, not sampled to fail.
    expect(input.run.skipped).toEqual([
      { runtime: "nodejs22.x", reason: "memory at 128 MB: below the workload's measured minimum of 256 MB" },
      { runtime: "python3.13", reason: "memory at 128, 256 MB: below the workload's measured minimum of 512 MB" },
    ]);
    expect(input.functions.map((f) => f.function_arn).sort()).toEqual(MATRIX_FNS.map(fnArn).sort());
    expect(input.functions.find((f) => f.function_arn.includes("-memory-python313-arm64"))!.memory_sizes).toEqual([512, 1024, 1769, 2048]);
    expect(input.functions.find((f) => f.function_arn.includes("-cpu-nodejs22-x86_64"))!.memory_sizes).toEqual([128, 256, 512, 1024, 1769, 2048]);
  });
});

describe("RuntimeMatrix IAM", () => {
  const matrixFns = MATRIX_FNS.map(fnArn);
  const outsiders = [
    fnArn(`${P}-matrix-sampler`),
    fnArn(`${P}-matrix-aggregate`),
    fnArn(`${P}-typescript-alice-arm64`),
    fnArn(`${P}-validate`),
    fnArn(`${P}-score`),
    fnArn(`other-stack-matrix-cpu-nodejs22-arm64`),
    `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${P}-matrix-cpu-nodejs22-arm64`,
  ];

  it("sampler: reconfigures, reads and invokes exactly the matrix's functions, writes samples, its own logs", () => {
    expect(policyOf("matrix-sampler")).toEqual([
      {
        Sid: "ReconfigureAndInvokeMatrixFunctions",
        Effect: "Allow",
        Action: ["lambda:GetFunctionConfiguration", "lambda:UpdateFunctionConfiguration", "lambda:InvokeFunction"],
        Resource: [...matrixFns].sort(),
      },
      { Sid: "WriteSamples", Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: [tableArn(RESULTS)] },
      { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [streams(`/aws/lambda/${P}-matrix-sampler`)] },
    ]);
  });

  it("sampler cannot touch any function outside the matrix, nor change code or delete anything", () => {
    const p = policyOf("matrix-sampler");
    for (const arn of matrixFns)
      for (const action of ["lambda:UpdateFunctionConfiguration", "lambda:InvokeFunction", "lambda:GetFunctionConfiguration"]) expect(allows(p, action, arn), `${action} ${arn}`).toBe(true);
    for (const arn of outsiders)
      for (const action of ["lambda:UpdateFunctionConfiguration", "lambda:InvokeFunction", "lambda:GetFunctionConfiguration"]) expect(allows(p, action, arn), `${action} ${arn}`).toBe(false);
    for (const action of ["lambda:UpdateFunctionCode", "lambda:DeleteFunction", "lambda:AddPermission", "iam:PassRole"]) expect(allows(p, action, matrixFns[0]!), action).toBe(false);
    for (const action of ["dynamodb:DeleteTable", "dynamodb:Scan", "dynamodb:DeleteItem"]) expect(allows(p, action, tableArn(RESULTS)), action).toBe(false);
    expect(allows(p, "dynamodb:PutItem", tableArn(LIGHT))).toBe(false);
  });

  it("aggregate: reads and writes results only; workloads: their logs, and light its own table only", () => {
    expect(policyOf("matrix-aggregate")[0]).toEqual({ Sid: "ReadAndWriteResults", Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:Query"], Resource: [tableArn(RESULTS)] });
    expect(allows(policyOf("matrix-aggregate"), "lambda:InvokeFunction", matrixFns[0]!)).toBe(false);
    const light = policyOf("matrix-light");
    expect(light[0]).toEqual({ Sid: "UseWorkloadTable", Effect: "Allow", Action: ["dynamodb:BatchWriteItem", "dynamodb:BatchGetItem"], Resource: [tableArn(LIGHT)] });
    expect(allows(light, "dynamodb:BatchWriteItem", tableArn(RESULTS))).toBe(false);
    for (const workload of ["cpu", "memory"]) {
      const p = policyOf(`matrix-${workload}`);
      const own = MATRIX_FNS.filter((n) => n.includes(`-matrix-${workload}-`));
      expect(p).toEqual([{ Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: own.map((n) => streams(`/aws/lambda/${n}`)).sort() }]);
      expect(allows(p, "dynamodb:BatchWriteItem", tableArn(LIGHT)), workload).toBe(false);
    }
    // Each workload's functions run under that workload's role.
    const roleOf = (fn: RecordedResource) => fn.inputs.role as string;
    for (const workload of WORKLOADS) {
      const roles = new Set(lambdas().filter((f) => f.inputs.name.includes(`-matrix-${workload}-`)).map(roleOf));
      expect([...roles]).toEqual([byName(all, "aws:iam/role:Role", `matrix-${workload}`).state.arn]);
    }
  });

  it("state machines: the root starts only configuration executions (.sync:2 rule), the child invokes only sampler and aggregate", () => {
    const configurationArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${P}-matrix-configuration`;
    const root = policyOf("matrix-workflow-root");
    expect(root.slice(0, 4)).toEqual([
      { Sid: "InvokeAggregate", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [fnArn(`${P}-matrix-aggregate`)] },
      { Sid: "StartConfigurationExecutions", Effect: "Allow", Action: ["states:StartExecution"], Resource: [configurationArn] },
      { Sid: "FollowConfigurationExecutions", Effect: "Allow", Action: ["states:DescribeExecution", "states:StopExecution"], Resource: [`arn:aws:states:${REGION}:${ACCOUNT}:execution:${P}-matrix-configuration:*`] },
      {
        Sid: "ManagedSyncRule",
        Effect: "Allow",
        Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
        Resource: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`],
      },
    ]);
    expect(allows(root, "states:StartExecution", `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${P}-matrix`)).toBe(false);
    expect(allows(root, "lambda:InvokeFunction", fnArn(`${P}-matrix-sampler`))).toBe(false);
    const child = policyOf("matrix-workflow-configuration");
    expect(child[0]).toEqual({ Sid: "InvokeSamplerAndAggregate", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [fnArn(`${P}-matrix-sampler`), fnArn(`${P}-matrix-aggregate`)] });
    for (const arn of matrixFns) expect(allows(child, "lambda:InvokeFunction", arn)).toBe(false);
    expect(allows(child, "states:StartExecution", configurationArn)).toBe(false);
  });
});
