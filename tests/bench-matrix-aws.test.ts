// `bench matrix aws` end to end against moto: moto's Step Functions interpreter runs the matrix's
// real root definition with Pass/Choice stand-ins for its tasks (tests/fixtures/sfn-moto-matrix.ts),
// moto's DynamoDB holds the results table; the CLI runs as a child process and finds both only
// through AWS_ENDPOINT_URL, as it would find AWS.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeExecutionCommand, ListExecutionsCommand, StartExecutionCommand, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readResultDocument } from "../harness/matrix/results-table";
import { startEmbeddedS3, type EmbeddedS3 } from "../local/s3";
import { createStateMachine, enableExecution, runBench, sfnClient } from "./fixtures/sfn-moto";
import { matrixDouble, matrixInput, writeRunToTable } from "./fixtures/sfn-moto-matrix";

let moto: EmbeddedS3;
let scratch: string;
beforeAll(async () => {
  moto = await startEmbeddedS3();
  await enableExecution(moto);
  scratch = await mkdtemp(join(tmpdir(), "bench-matrix-aws-"));
});
afterAll(async () => {
  await moto?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

// One execution per region and moto server (tests/fixtures/sfn-moto.ts).
const REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "ap-south-1"];

const dynamoIn = (region: string) => new DynamoDBClient({ endpoint: moto.endpoint, region, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });

/** A deployed matrix in a fresh region: its root state machine and the stack outputs pointing at it. */
async function deploy(options: Parameters<typeof matrixDouble>[1] = {}) {
  const region = REGIONS.shift()!;
  const client = sfnClient(moto, region);
  const table = `s3-archive-bench-test-matrix-results-${region}`;
  const stateMachineArn = await createStateMachine(client, "s3-archive-bench-test-matrix", matrixDouble(region, options));
  const input = matrixInput(region, table);
  const outputs = JSON.stringify({ matrixStateMachineArn: stateMachineArn, matrixExecutionInput: input, resultsTableName: table, bucketName: "ignored" });
  return { region, client, table, stateMachineArn, input, outputs, dynamo: dynamoIn(region) };
}

describe("bench matrix aws against moto", () => {
  it("forecasts, starts with a fresh run id, follows the configurations, prints the summary and writes the document from the table", async () => {
    const d = await deploy();
    const expected = await writeRunToTable(d.dynamo, d.input, "matrix-run-1");
    const out = join(scratch, "nested", "matrix.json");
    const result = await runBench(["matrix", "aws", "--yes", "--name", "matrix-run-1", "--out", out, "--poll-seconds", "0.2"], { moto, stdin: d.outputs }).done;

    expect(result.stderr).not.toMatch(/bench matrix( aws)?:/);
    expect(result.code).toBe(0);
    // The local run's forecast, for the stack's input (2 functions, 3 configurations x 5 samples).
    expect(result.stderr).toMatch(/plan: 2 functions, 3 configurations x \(2 cold \+ 3 warm\) = 15 invocations, 2 function\(s\) at once/);
    expect(result.stderr).toMatch(/forecast on AWS \(.+; a model, not a measurement/);
    expect(result.stderr).toContain(`started ${d.stateMachineArn.replace(":stateMachine:", ":execution:")}:matrix-run-1 (run matrix-run-1`);
    // One line per configuration, whatever the order they finish in; the failure named with its cause.
    expect(result.stderr).toMatch(/nodejs22\.x arm64 cpu 1024 MB: sampled \| configurations [123]\/3/);
    expect(result.stderr).toMatch(/nodejs22\.x x86_64 light 1024 MB: sampled \| configurations [123]\/3/);
    expect(result.stderr).toMatch(/nodejs22\.x x86_64 light 1769 MB: failed: States\.TaskFailed: the sampler failed for good \| configurations [123]\/3 \(1 failed\)/);
    expect(result.stderr).toMatch(/configurations 3\/3 \(1 failed\), samples 15\/15\n/);
    expect(result.stderr).toMatch(/comparing architectures \(3\/3 configurations done, 1 failed\)/);
    // The run's input: the exported one with the execution name as run id.
    const described = await d.client.send(new DescribeExecutionCommand({ executionArn: `${d.stateMachineArn.replace(":stateMachine:", ":execution:")}:matrix-run-1` }));
    expect(JSON.parse(described.input!)).toEqual({ ...d.input, run: { ...d.input.run, run_id: "matrix-run-1" } });
    // The same summary as the local run, and the document exactly as the table holds it.
    expect(result.stdout).toMatch(/^measured on AWS, /);
    expect(result.stdout).toMatch(/workload cpu\n/);
    expect(result.stdout).toMatch(/nodejs22\.x\s+arm64\s+1024\s+700 \(n 3\)/);
    const document = JSON.parse(await readFile(out, "utf8"));
    expect(document).toEqual(await readResultDocument(d.dynamo, d.table, "matrix-run-1"));
    expect(document.run).toEqual(expected.run);
    expect(document.aggregates).toHaveLength(6);
    // ... and kept under the results folder for bench report --history, like bench aws's.
    const kept = /kept as (\S+-matrix\.json)\n/.exec(result.stderr)?.[1];
    expect(kept?.startsWith(process.env.BENCH_RESULTS_DIR!)).toBe(true);
    expect(JSON.parse(await readFile(kept!, "utf8"))).toEqual(document);
  });

  it("does not start without confirmation when no terminal can answer", async () => {
    const d = await deploy();
    const result = await runBench(["matrix", "aws"], { moto, stdin: d.outputs }).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/plan: 2 functions/);
    expect(result.stderr).toContain("bench matrix aws: not started: no terminal to confirm on; pass --yes");
    expect((await d.client.send(new ListExecutionsCommand({ stateMachineArn: d.stateMachineArn }))).executions ?? []).toEqual([]);
  });

  it("a failed execution exits 1 with its error and cause, and writes nothing", async () => {
    const d = await deploy({ failRun: true });
    const out = join(scratch, "never.json");
    const result = await runBench(["matrix", "aws", "--yes", "--name", "failing", "--out", out, "--poll-seconds", "0.2"], { moto, stdin: d.outputs }).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bench matrix: execution failing failed: Matrix\.FinishFailed: ConditionalCheckFailedException: the run item is gone\n/);
    expect(result.stdout).toBe("");
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });

  it("Ctrl-C without a terminal leaves the run going, prints how to stop it and attach again, exits 130", async () => {
    const d = await deploy({ holdSeconds: 60 });
    const run = runBench(["matrix", "aws", "--yes", "--name", "to-interrupt", "--poll-seconds", "0.2"], { moto, stdin: d.outputs });
    await run.waitForStderr(/started arn:/);
    process.kill(run.pid, "SIGINT");
    const result = await run.done;
    expect(result.code).toBe(130);
    const executionArn = `${d.stateMachineArn.replace(":stateMachine:", ":execution:")}:to-interrupt`;
    expect(result.stderr).toContain(`aws stepfunctions stop-execution --region ${d.region} --execution-arn '${executionArn}'`);
    expect(result.stderr).toContain(`bench matrix aws --execution '${executionArn}'`);
    expect((await d.client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe("RUNNING");
    await d.client.send(new StopExecutionCommand({ executionArn }));
  });

  it("--execution attaches to a run started elsewhere and reads its run id from its input", async () => {
    const d = await deploy({ holdSeconds: 1 });
    const input = { ...d.input, run: { ...d.input.run, run_id: "started-elsewhere" } };
    await writeRunToTable(d.dynamo, input, "started-elsewhere");
    const { executionArn } = await d.client.send(new StartExecutionCommand({ stateMachineArn: d.stateMachineArn, name: "elsewhere", input: JSON.stringify(input) }));
    const result = await runBench(["matrix", "aws", "--execution", executionArn!, "--poll-seconds", "0.2"], { moto }).done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`attached to ${executionArn}`);
    expect(result.stderr).toMatch(/configurations 3\/3 \(1 failed\)/);
    expect(result.stdout).toMatch(/workload light\n/);
  });

  it("--from-table rebuilds a past run's document from the results table; an unknown run id is an error", async () => {
    const d = await deploy();
    await writeRunToTable(d.dynamo, d.input, "past-run");
    const out = join(scratch, "past.json");
    const result = await runBench(["matrix", "aws", "--from-table", "past-run", "--out", out], { moto, stdin: d.outputs }).done;
    expect(result.code).toBe(0);
    expect(JSON.parse(await readFile(out, "utf8"))).toEqual(await readResultDocument(d.dynamo, d.table, "past-run"));
    expect(result.stdout).toMatch(/nodejs22\.x\s+x86_64\s+1769\s+- \(n 0\)/);
    const missing = await runBench(["matrix", "aws", "--from-table", "no-such-run"], { moto, stdin: d.outputs }).done;
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no run item for run no-such-run in table ${d.table}`);
  });
});

describe("bench matrix aws input errors (exit 2, nothing started)", () => {
  it.each([
    [["matrix", "aws", "--bogus"], "", /bench matrix aws: Unknown option '--bogus'[\s\S]*usage: pulumi stack output --json \| bench matrix aws/],
    [["matrix", "aws"], "not json", /bench matrix aws: stack outputs from stdin are not JSON/],
    [["matrix", "aws"], JSON.stringify({ bucketName: "b" }), /invalid stack outputs from stdin: matrixStateMachineArn: .*; matrixExecutionInput: .*; resultsTableName: /],
    [["matrix", "aws", "--execution", "arn:aws:states:eu-west-1:123456789012:execution:x:y", "--name", "z"], "", /--name cannot go with --execution/],
    [["matrix", "aws", "--from-table", "r", "--name", "z"], "", /--name starts a new execution: it cannot go with --from-table/],
  ])("bench %j", async (args, stdin, expected) => {
    const result = await runBench(args, { moto, stdin }).done;
    expect(result.stderr).toMatch(expected);
    expect(result.code).toBe(2);
  });
});
