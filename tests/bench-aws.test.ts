// `bench aws` end to end against a real Step Functions endpoint: moto's interpreter runs the test
// double of the workflow (tests/fixtures/sfn-moto.ts); the CLI runs as a child process and finds
// moto only through AWS_ENDPOINT_URL(_SFN), as it would find AWS.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeExecutionCommand, ListExecutionsCommand, StartExecutionCommand, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedS3, type EmbeddedS3 } from "../local/s3";
import { buildDefinition, TASK_STATES } from "../harness/definition";
import { PARAMS } from "./support/harness-params";
import {
  RESULT_DOCUMENT,
  STACK_OUTPUTS,
  STACK_OUTPUTS_FILE,
  benchmarkDefinition,
  createStateMachine,
  enableExecution,
  freshRegion,
  runBench,
  sfnClient,
} from "./fixtures/sfn-moto";

let moto: EmbeddedS3;
let scratch: string;

beforeAll(async () => {
  moto = await startEmbeddedS3();
  await enableExecution(moto);
  scratch = await mkdtemp(join(tmpdir(), "bench-aws-"));
});

afterAll(async () => {
  await moto?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Stack outputs for a state machine in another region (one execution per moto region). */
function outputsFor(stateMachineArn: string): string {
  return JSON.stringify({ ...STACK_OUTPUTS, stateMachineArn });
}

async function startRaw(region: string, name: string, definition: object) {
  const client = sfnClient(moto, region);
  const stateMachineArn = await createStateMachine(client, name, definition);
  const started = await client.send(
    new StartExecutionCommand({ stateMachineArn, name: `${name}-run`, input: JSON.stringify(STACK_OUTPUTS.executionInput) }),
  );
  return { client, executionArn: started.executionArn! };
}

describe("bench aws against moto Step Functions", () => {
  it("runs the stack outputs fixture piped on stdin to the end: progress, ranked table, --out", async () => {
    // The fixture's ARN names eu-west-1 and this state machine: the file is piped verbatim.
    const client = sfnClient(moto, "eu-west-1");
    const arn = await createStateMachine(client, "s3-archive-bench-pr-benchmark", benchmarkDefinition({ runs: 2 }));
    expect(arn).toBe(STACK_OUTPUTS.stateMachineArn);
    const out = join(scratch, "nested", "result.json");
    const stdin = await readFile(STACK_OUTPUTS_FILE, "utf8");
    const result = await runBench(["aws", "--out", out, "--poll-seconds", "0.2"], { moto, stdin }).done;

    expect(result.stderr).not.toMatch(/bench aws:/); // no error line
    expect(result.code).toBe(0);
    // The ranked table on stdout: header, both successes in rank order, the failure with its reason.
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^#\s+contender\s+arch\s+memory MB\s+runs\s+mean ± stddev s\s+min\/max s\s+max mem MB\s+init ms\s+GB-s\s+\$\/run$/);
    expect(lines[1]).toMatch(/^1\s+typescript-reference-arm64\s+arm64\s+1024\s+2\s+12\.35 ± 0\.21\s+12\.14\/12\.56\s+301\s+183\s+12\.06\s+0\.000161$/);
    expect(lines[2]).toMatch(/^2\s+typescript-reference-x86_64\s+x86_64\s+1024\s+2\s+14\.02 ± 0\.10\s+13\.92\/14\.12\s+297\s+-\s+13\.69\s+0\.000228$/);
    expect(result.stdout).toContain("Failures (1):\n  typescript-broken-arm64  crash: run 0: Runtime.ExitError");
    expect(result.stdout).not.toContain("\x1b["); // not a TTY: no colour
    // Progress on stderr, derived from the real execution history.
    for (const name of ["typescript-reference-arm64", "typescript-reference-x86_64", "typescript-broken-arm64"]) {
      expect(result.stderr).toMatch(new RegExp(`${name}: started`));
      expect(result.stderr).toMatch(new RegExp(`${name}: 2 runs started`));
      expect(result.stderr).toMatch(new RegExp(`${name}: archive valid`));
    }
    // Runs finish in any order: both are reported, the second one completes the count.
    for (const name of ["typescript-reference-arm64", "typescript-reference-x86_64"]) {
      expect(result.stderr).toMatch(new RegExp(`${name}: run 0 ok, runs [12]/2\n`));
      expect(result.stderr).toMatch(new RegExp(`${name}: run 1 ok, runs [12]/2\n`));
      expect(result.stderr).toMatch(new RegExp(`${name}: run [01] ok, runs 2/2\n`));
    }
    expect(result.stderr).toMatch(
      /typescript-broken-arm64: run \d failed: Runtime\.ExitError: Runtime exited with error: exit status 1, runs \d\/2 \(\d failed\)/,
    );
    expect(result.stderr).toMatch(/\] ranking\n/);
    expect(result.stderr).toMatch(/typescript-reference-arm64: #1 at \$0\.000161\/run/);
    expect(result.stderr).toMatch(/typescript-broken-arm64: failed: crash: run 0/);
    expect(JSON.parse(await readFile(out, "utf8"))).toEqual(RESULT_DOCUMENT);
    // ... and kept under the results folder for bench report --history.
    const kept = /kept as (\S+-contest\.json)\n/.exec(result.stderr)?.[1];
    expect(kept?.startsWith(process.env.BENCH_RESULTS_DIR!)).toBe(true);
    expect(JSON.parse(await readFile(kept!, "utf8"))).toEqual(RESULT_DOCUMENT);
  });

  it("a harness fault met by a contender's execution fails the real parent definition: exit 1 naming it", async () => {
    // The parent definition as deployed, with RunContender standing in as a Pass that returns
    // what a contender execution hands back when the validator was throttled past its retries.
    const parent = buildDefinition(PARAMS) as { States: { Contenders: { ItemProcessor: { States: Record<string, unknown> } } } };
    const cause = "typescript-reference-arm64 run 2 of 2: the validator failed, so the archive was not judged: Lambda.TooManyRequestsException: Rate exceeded";
    parent.States.Contenders.ItemProcessor.States[TASK_STATES.runContender] = {
      Type: "Pass",
      Result: { score: { harness_error: { contender: "typescript-reference-arm64", error: "Harness.ValidatorFailed", cause } } },
      ResultPath: "$.child",
      Next: "IsHarnessFault",
    };
    const arn = await createStateMachine(sfnClient(moto, freshRegion()), "harness-fault", parent);
    const result = await runBench(["aws", "--poll-seconds", "0.2"], { moto, stdin: outputsFor(arn) }).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`bench aws: execution \\S+ failed: Harness\\.ValidatorFailed: ${cause.replace(/[.]/g, "\\.")}\n`));
    expect(result.stdout).toBe("");
  });

  it("a failing execution exits 1 with the error and cause, and prints no table", async () => {
    const region = freshRegion();
    const client = sfnClient(moto, region);
    const arn = await createStateMachine(client, "failing", {
      StartAt: "Score",
      States: {
        Score: {
          Type: "Fail",
          // moto (like AWS) rejects custom error names starting with "States.".
          Error: "ScoreFailed",
          Cause: '{"errorType":"InvalidPayloadError","errorMessage":"invalid score input: contenders: expected array"}',
        },
      },
    });
    const out = join(scratch, "never.json");
    const result = await runBench(["aws", "--out", out, "--poll-seconds", "0.2"], { moto, stdin: outputsFor(arn) }).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "bench aws: execution ", // then the generated name
    );
    expect(result.stderr).toMatch(/failed: ScoreFailed: InvalidPayloadError: invalid score input: contenders: expected array\n/);
    expect(result.stdout).toBe("");
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });

  it("a timed-out execution exits 1 saying so", async () => {
    const region = freshRegion();
    const arn = await createStateMachine(sfnClient(moto, region), "slow", {
      StartAt: "Wait",
      TimeoutSeconds: 1,
      States: { Wait: { Type: "Wait", Seconds: 60, End: true } },
    });
    const result = await runBench(["aws", "--poll-seconds", "0.2"], { moto, stdin: outputsFor(arn) }).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bench aws: execution bench-\d{8}T\d{6}Z-[0-9a-f]{6} timed out/);
  });

  it("an execution that returns something other than a result document is a harness failure", async () => {
    const region = freshRegion();
    const arn = await createStateMachine(sfnClient(moto, region), "wrong-output", {
      StartAt: "Score",
      States: { Score: { Type: "Pass", Result: { success: [{ rank: 0 }], failure: [] }, End: true } },
    });
    const result = await runBench(["aws", "--name", "custom-name", "--poll-seconds", "0.2"], { moto, stdin: outputsFor(arn) }).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid result document of execution custom-name: success\.0\.rank: /);
  });

  it("--execution attaches to a running execution (endpoint from AWS_ENDPOINT_URL_SFN alone)", async () => {
    const region = freshRegion();
    const { executionArn } = await startRaw(region, "attach", benchmarkDefinition({ runs: 1, waitSeconds: 1 }));
    const result = await runBench(["aws", "--execution", executionArn, "--poll-seconds", "0.2"], {
      moto,
      // Only the service-specific variable: proves the SDK resolves it by itself.
      env: { AWS_ENDPOINT_URL: "", AWS_ENDPOINT_URL_SFN: moto.endpoint },
    }).done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`attached to ${executionArn}`);
    expect(result.stderr).toMatch(/typescript-reference-x86_64: run 0 ok, runs 1\/1/);
    expect(result.stdout).toMatch(/^1\s+typescript-reference-arm64/m);
  });

  it("an execution stopped by someone else exits 1 as aborted", async () => {
    const region = freshRegion();
    // Not inside a Map: moto 5.2.1 turns a stop during a Map iteration into FAILED (States.Runtime).
    const { client, executionArn } = await startRaw(region, "aborted", {
      StartAt: "Hold",
      States: { Hold: { Type: "Wait", Seconds: 60, End: true } },
    });
    const run = runBench(["aws", "--execution", executionArn, "--poll-seconds", "0.2"], { moto });
    await run.waitForStderr(/attached to /);
    await client.send(new StopExecutionCommand({ executionArn }));
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bench aws: execution aborted-run was aborted \(stopped\)/);
  });

  it("Ctrl-C without a terminal leaves the execution running, prints how to stop it, exits 130", async () => {
    const region = freshRegion();
    const arn = await createStateMachine(sfnClient(moto, region), "interrupted", benchmarkDefinition({ waitSeconds: 60 }));
    const run = runBench(["aws", "--name", "to-interrupt", "--poll-seconds", "0.2"], { moto, stdin: outputsFor(arn) });
    await run.waitForStderr(/typescript-reference-arm64: started/);
    process.kill(run.pid, "SIGINT");
    const result = await run.done;
    expect(result.code).toBe(130);
    const executionArn = arn.replace(":stateMachine:", ":execution:") + ":to-interrupt";
    expect(result.stderr).toContain(`aws stepfunctions stop-execution --region ${region} --execution-arn '${executionArn}'`);
    expect(result.stderr).toContain(`bench aws --execution '${executionArn}'`);
    const client = sfnClient(moto, region);
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe("RUNNING");
    await client.send(new StopExecutionCommand({ executionArn }));
  });
});

describe("bench aws input errors (exit 2, nothing started)", () => {
  it.each([
    [["aws", "--bogus"], "", /bench aws: Unknown option '--bogus'[\s\S]*usage: pulumi stack output --json \| bench aws/],
    [["aws", "extra"], "{}", /unexpected argument: extra/],
    [["aws"], "not json", /stack outputs from stdin are not JSON/],
    [["aws"], JSON.stringify({ bucketName: "b" }), /invalid stack outputs from stdin: stateMachineArn: .*; executionInput: /],
    [["aws", "--contenders", "python-nobody"], JSON.stringify(STACK_OUTPUTS), /unknown contender\(s\) python-nobody; the stack has: typescript-reference-arm64/],
    [["aws", "--execution", "arn:aws:states:eu-west-1:123456789012:execution:x:y", "--name", "z"], "", /--name starts a new execution/],
    [["aws", "--execution", "nope"], "", /--execution must be a Step Functions execution ARN/],
    [["aws", "--poll-seconds", "0"], "", /--poll-seconds must be a positive number/],
  ])("bench %j", async (args, stdin, expected) => {
    const result = await runBench(args, { moto, stdin }).done;
    expect(result.stderr).toMatch(expected);
    expect(result.code).toBe(2);
  });

  it("refuses a stack in an unpriced region before starting an execution, naming the region (exit 1)", async () => {
    // GovCloud runs Lambda but is outside the commercial partition the price table covers.
    const region = "us-gov-west-1";
    const client = sfnClient(moto, region);
    const arn = await createStateMachine(client, "unpriced", benchmarkDefinition({ runs: 1 }));
    const file = join(scratch, "outputs-unpriced.json");
    await writeFile(file, JSON.stringify({ ...STACK_OUTPUTS, stateMachineArn: arn }));
    const result = await runBench(["aws", "--outputs", file, "--poll-seconds", "0.2"], { moto }).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no Lambda prices for region 'us-gov-west-1'/);
    const executions = await client.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    expect(executions.executions).toEqual([]);
  });

  it("reads --outputs from a file, with executionInput given as a JSON string", async () => {
    const region = freshRegion();
    const arn = await createStateMachine(sfnClient(moto, region), "from-file", benchmarkDefinition({ runs: 1 }));
    const file = join(scratch, "outputs.json");
    await writeFile(file, JSON.stringify({ ...STACK_OUTPUTS, stateMachineArn: arn, executionInput: JSON.stringify(STACK_OUTPUTS.executionInput) }));
    const result = await runBench(["aws", "--outputs", file, "--contenders", "typescript-reference", "--poll-seconds", "0.2"], { moto }).done;
    expect(result.code).toBe(0);
    // Only the selected contenders were started (both architectures of typescript-reference).
    expect(result.stderr).toMatch(/\(2 contenders, bucket s3-archive-bench-pr-files-1a2b3c4\)/);
    expect(result.stderr).not.toMatch(/typescript-broken-arm64: started/);
  });
});
