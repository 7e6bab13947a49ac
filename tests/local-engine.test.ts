// The local engine runs ASL with aws-local-stepfunctions and serves every Task from real pieces:
// Lambda sandboxes (processes) and moto. These tests pin the AWS integration shapes it must give.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ExecutionFailedError, runStateMachine } from "../local/engine";
import { LambdaSandboxes } from "../local/lambda/index";
import { fixtureArn, fixtureFunction } from "./support/sandbox-functions";
import { localTaskHandlers } from "../local/task-handlers";
import { useEmbeddedS3 } from "./support/s3";

const arn = fixtureArn;
const fn = (name: string, dir: string) => fixtureFunction(name, dir, { memoryMb: 256, architecture: "arm64" });

/** A one-Task machine whose errors are caught into `$.error`, so every outcome is an output. */
function oneTask(resource: string, parameters: object) {
  return {
    StartAt: "Call",
    States: {
      Call: {
        Type: "Task",
        Resource: resource,
        Parameters: parameters,
        TimeoutSeconds: 60,
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Caught" }],
        End: true,
      },
      Caught: { Type: "Pass", End: true },
    },
  };
}

describe("local engine: Task states served by sandboxes and moto", () => {
  const fixture = useEmbeddedS3();
  const sandboxes = new LambdaSandboxes();
  beforeAll(() => {
    sandboxes.register(fn("echo", "echo"));
    sandboxes.register(fn("throw", "throw"));
    sandboxes.register(fn("big", "big"));
  });
  afterAll(() => sandboxes.close());

  const run = (definition: object, input: unknown = {}) =>
    runStateMachine({
      definition,
      input,
      executionName: "exec-1",
      stateMachineName: "test",
      region: "us-east-1",
      lambda: sandboxes,
      s3: fixture.client,
    });

  it("lambda:invoke returns the parsed Payload and a LogResult ending with the REPORT line", async () => {
    const out = (await run(
      oneTask("arn:aws:states:::lambda:invoke", { FunctionName: arn("echo"), LogType: "Tail", "Payload.$": "$" }),
      { hello: "world" },
    )) as { Payload: { event: unknown }; StatusCode: number; LogResult: string; ExecutedVersion: string };
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe("$LATEST");
    expect(out.Payload.event).toEqual({ hello: "world" });
    const log = Buffer.from(out.LogResult, "base64").toString("utf8").trimEnd();
    expect(log.split("\n").at(-1)).toMatch(/^REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB/);
  });

  it("a function error fails the Task with Error = errorType and Cause = the error payload", async () => {
    const out = (await run(
      oneTask("arn:aws:states:::lambda:invoke", { FunctionName: arn("throw"), Payload: { reason: "kaput" } }),
    )) as { error: { Error: string; Cause: string } };
    expect(out.error.Error).toBe("ArchiveError");
    expect(JSON.parse(out.error.Cause)).toMatchObject({ errorType: "ArchiveError", errorMessage: "boom: kaput" });
  });

  it("an unknown function is Lambda.ResourceNotFoundException, for invoke and for getFunctionConfiguration", async () => {
    for (const resource of ["arn:aws:states:::lambda:invoke", "arn:aws:states:::aws-sdk:lambda:getFunctionConfiguration"]) {
      const out = (await run(oneTask(resource, { FunctionName: arn("nobody") }))) as { error: { Error: string } };
      expect(out.error.Error).toBe("Lambda.ResourceNotFoundException");
    }
  });

  it("aws-sdk:lambda:getFunctionConfiguration returns the API's PascalCase fields", async () => {
    const out = (await run(oneTask("arn:aws:states:::aws-sdk:lambda:getFunctionConfiguration", { FunctionName: arn("echo") }))) as Record<string, unknown>;
    expect(out).toMatchObject({ FunctionArn: arn("echo"), MemorySize: 256, Architectures: ["arm64"], EphemeralStorage: { Size: 512 }, Timeout: 10 });
  });

  it("aws-sdk:s3:<action> runs the same-named S3 command against moto", async () => {
    const bucket = await fixture.bucket();
    await fixture.client.send(new PutObjectCommand({ Bucket: bucket, Key: "archives/a.zip", Body: "x" }));
    const out = await run(oneTask("arn:aws:states:::aws-sdk:s3:deleteObject", { Bucket: bucket, Key: "archives/a.zip" }));
    expect(out).not.toHaveProperty("error");
    await expect(fixture.client.send(new GetObjectCommand({ Bucket: bucket, Key: "archives/a.zip" }))).rejects.toThrow(/NoSuchKey|does not exist/);
    const missing = (await run(oneTask("arn:aws:states:::aws-sdk:s3:getObject", { Bucket: bucket, Key: "nope" }))) as { error: { Error: string } };
    expect(missing.error.Error).toMatch(/^S3\.NoSuchKey/);
  });

  it("$$.Execution.Name is the execution name (archive keys depend on it)", async () => {
    const out = await run({ StartAt: "P", States: { P: { Type: "Pass", Parameters: { "name.$": "$$.Execution.Name" }, End: true } } });
    expect(out).toEqual({ name: "exec-1" });
  });

  it("an uncaught Task failure rejects with ExecutionFailedError carrying Error and Cause", async () => {
    const definition = {
      StartAt: "Call",
      States: { Call: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: arn("throw"), Payload: {} }, TimeoutSeconds: 60, End: true } },
    };
    const failure = await run(definition).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ExecutionFailedError);
    expect((failure as ExecutionFailedError).error).toBe("ArchiveError");
  });

  it("a Task result over 256 KiB fails the whole execution, uncatchably, as States.DataLimitExceeded does on AWS", async () => {
    const call = (bytes: number) => oneTask("arn:aws:states:::lambda:invoke", { FunctionName: arn("big"), Payload: { bytes } });
    const fits = (await run(call(200 * 1024))) as { Payload: { filler: string } };
    expect(fits.Payload.filler).toHaveLength(200 * 1024);
    // oneTask catches States.ALL: that must not save the execution.
    const failure = await run(call(256 * 1024)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ExecutionFailedError);
    expect((failure as ExecutionFailedError).error).toBe("States.DataLimitExceeded");
    expect((failure as ExecutionFailedError).causeText).toMatch(/'Call' returned a result of \d+ bytes, over the 262144-byte/);
  });

  describe("child executions (states:startExecution.sync:2) run in the same engine", () => {
    const CHILD = "arn:aws:states:us-east-1:000000000000:stateMachine:child";
    const parentOf = (stateMachineArn: string) => oneTask("arn:aws:states:::states:startExecution.sync:2", { StateMachineArn: stateMachineArn, "Input.$": "$" });
    const runWith = (children: Record<string, object>, input: unknown) =>
      runStateMachine({ definition: parentOf(CHILD), stateMachines: children, input, executionName: "parent", stateMachineName: "parent", region: "us-east-1", lambda: sandboxes, s3: fixture.client });

    it("a child that succeeds returns the DescribeExecution response, Output as JSON", async () => {
      const child = { StartAt: "P", States: { P: { Type: "Pass", Parameters: { "doubled.$": "States.MathAdd($.n, $.n)", "name.$": "$$.Execution.Name" }, End: true } } };
      const out = (await runWith({ [CHILD]: child }, { n: 21 })) as Record<string, unknown> & { Output: { doubled: number; name: string } };
      expect(out).toMatchObject({ Status: "SUCCEEDED", StateMachineArn: CHILD, Input: { n: 21 }, Output: { doubled: 42 } });
      // Its own execution, with its own name.
      expect(out.Output.name).toMatch(/^[0-9a-f-]{36}$/);
      expect(out.ExecutionArn).toBe(`arn:aws:states:us-east-1:000000000000:execution:child:${out.Output.name}`);
    });

    it("a child that fails, even uncatchably, fails only the parent's Task: States.TaskFailed naming the child's Error and Cause", async () => {
      const failing = { StartAt: "F", States: { F: { Type: "Fail", Error: "Custom.Broken", Cause: "on purpose" } } };
      // (The blob is in the child's definition: in the parent's input it would fail the parent.)
      const oversized = { StartAt: "Big", States: { Big: { Type: "Pass", Result: { blob: "x".repeat(300 * 1024) }, End: true } } };
      for (const [child, input, error, cause] of [
        [failing, {}, "Custom.Broken", "on purpose"],
        // A state output over 256 KiB: what Step Functions fails with States.DataLimitExceeded.
        [oversized, {}, "States.DataLimitExceeded", "The state 'Big' produced an output of 307211 bytes, over the 262144-byte Step Functions payload quota"],
      ] as const) {
        const out = (await runWith({ [CHILD]: child }, input)) as { error: { Error: string; Cause: string } };
        expect(out.error.Error).toBe("States.TaskFailed");
        expect(JSON.parse(out.error.Cause)).toMatchObject({ Status: "FAILED", StateMachineArn: CHILD, Error: error, Cause: cause });
      }
      const unknown = (await runWith({}, {})) as { error: { Error: string } };
      expect(unknown.error.Error).toBe("StepFunctions.StateMachineDoesNotExistException");
    });

    it("a state output over 256 KiB fails the execution itself, uncatchably", async () => {
      const big = { StartAt: "Big", States: { Big: { Type: "Pass", Parameters: { "blob.$": "$.blob" }, End: true } } };
      const failure = await run(big, { blob: "x".repeat(300 * 1024) }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ExecutionFailedError);
      expect((failure as ExecutionFailedError).error).toBe("States.DataLimitExceeded");
      expect(await run(big, { blob: "x".repeat(200 * 1024) })).toEqual({ blob: "x".repeat(200 * 1024) });
    });
  });

  it("a Task resource the engine cannot serve is refused before anything runs, naming the state", () => {
    expect(() =>
      localTaskHandlers(oneTask("arn:aws:states:::sqs:sendMessage", {}), { lambda: sandboxes, s3: fixture.client }),
    ).toThrow(/no handler for Task state 'Call' \(resource arn:aws:states:::sqs:sendMessage\)/);
  });
});
