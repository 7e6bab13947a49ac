// Isolation: each contender runs in its own child execution (states:startExecution.sync:2), so a
// contender that makes Step Functions give up (a 300 KB return value, ten 40 KB error messages:
// States.DataLimitExceeded, which no Catch can handle) costs only itself its result. Harness
// faults, on the other hand, fail the whole execution. Run through the REAL local engine (its
// child executions and payload checks) with faked AWS integrations and the real scorer.
import { describe, expect, it } from "vitest";
import { ResultDocument } from "../harness/contracts";
import { ExecutionInput, type DefinitionParams } from "../harness/definition";
import { ExecutionFailedError } from "../local/engine";
import { FakeAws, nameOf, runLocally, type FakeAwsOptions, type FakeFunction } from "./support/harness-fake-aws";
import { arn, PARAMS } from "./support/harness-params";

const inputOf = (functions: Record<string, FakeFunction>) =>
  ExecutionInput.parse({ contenders: Object.keys(functions).map((a) => ({ name: nameOf(a), function_arn: a })) });

async function run(params: DefinitionParams, functions: Record<string, FakeFunction>, options: FakeAwsOptions = {}) {
  const aws = new FakeAws(functions, options);
  const { output } = await runLocally(params, inputOf(functions), aws);
  return { aws, document: ResultDocument.parse(output) };
}

describe("one contender cannot sink the others", () => {
  it("a 300 KB return value and ten 40 KB error messages are two failure rows; the honest contender is ranked", async () => {
    const honest = "typescript-honest-arm64";
    const huge = "typescript-huge-result-arm64";
    const chatty = "typescript-chatty-errors-arm64";
    // One run at a time: the huge contender's first run sinks its execution before any other run
    // starts, so what that run left is all there is to find (runs still in flight when a child
    // fails may write after the parent looked, on AWS too: the lifecycle rules are the backstop).
    const { aws, document } = await run({ ...PARAMS, runsPerContender: 10, maxConcurrency: 1 }, {
      [arn(honest)]: { config: "zip" },
      [arn(huge)]: { config: "zip", returns: () => ({ blob: "x".repeat(300 * 1024) }), leavesUploads: () => 1 },
      [arn(chatty)]: { config: "zip", run: () => ({ functionError: "Error", message: "e".repeat(40 * 1024) }) },
    });

    expect(document.success.map((r) => [r.rank, r.contender, r.runs_count])).toEqual([[1, honest, 10]]);
    expect(document.failure).toEqual([
      {
        contender: huge,
        reason: expect.stringMatching(
          /^crash: the contender's results exceeded Step Functions' 256 KiB payload limit \(huge return values or error messages\?\): States\.DataLimitExceeded: The state\/task 'InvokeContender' returned a result of \d+ bytes/,
        ),
      },
      {
        contender: chatty,
        reason: expect.stringMatching(
          /^crash: the contender's results exceeded Step Functions' 256 KiB payload limit .*: States\.DataLimitExceeded: The state 'Runs' produced an output of \d+ bytes/,
        ),
      },
    ]);
    // Each failure row came from the scorer's contender-execution-failed action, given the
    // child's failure as the .sync integration reports it.
    expect(aws.failedExecutionCalls.map((c) => (c.Payload as { contender: string }).contender).sort()).toEqual([chatty, huge].sort());
    for (const call of aws.failedExecutionCalls) {
      const { error } = call.Payload as { error: { Error: string; Cause: string } };
      expect(error.Error).toBe("States.TaskFailed");
      expect(JSON.parse(error.Cause)).toMatchObject({ Status: "FAILED", Error: "States.DataLimitExceeded" });
    }
    // What the sunk executions' runs left open was found from the parent and aborted.
    expect(aws.leftoverListings.sort()).toEqual([`archives/${chatty}/exec-1/`, `archives/${huge}/exec-1/`].sort());
    expect(aws.abortions.map((a) => a.Key)).toEqual([aws.key(huge, 0)]);
    expect(aws.openUploads.size).toBe(0);
    // The honest contender's ten archives were all validated.
    expect(aws.validations.filter((v) => v.archive_key.includes(`/${honest}/`))).toHaveLength(10);
  });

  it("contenderConcurrency 1 runs one contender at a time; 0 lets them overlap", async () => {
    const functions: Record<string, FakeFunction> = Object.fromEntries(["a", "b", "c"].map((n) => [arn(`typescript-${n}-arm64`), { config: "zip" as const }]));
    const serial = await run({ ...PARAMS, runsPerContender: 2, contenderConcurrency: 1 }, functions);
    expect(serial.aws.peakContenders).toBe(1);
    expect(serial.document.success).toHaveLength(3);
    const together = await run({ ...PARAMS, runsPerContender: 2, contenderConcurrency: 0 }, functions);
    expect(together.aws.peakContenders).toBe(3);
  });
});

describe("harness faults fail the execution, never a contender", () => {
  it("a validator throttled past its retries fails the execution as Harness.ValidatorFailed; nothing is ranked", async () => {
    const functions: Record<string, FakeFunction> = { [arn("typescript-a-arm64")]: { config: "zip" }, [arn("typescript-b-arm64")]: { config: "zip" } };
    const aws = new FakeAws(functions, { validatorFails: "Lambda.TooManyRequestsException" });
    const failure = await runLocally({ ...PARAMS, runsPerContender: 1 }, inputOf(functions), aws).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ExecutionFailedError);
    const { error, causeText } = failure as ExecutionFailedError;
    expect(error).toBe("Harness.ValidatorFailed");
    expect(causeText).toMatch(/^typescript-[ab]-arm64 run 1 of 1: the validator failed, so the archive was not judged: Lambda\.TooManyRequestsException: Rate exceeded$/);
    // Retried as a transient Lambda error first (1 try + 3 retries), and no ranking published.
    expect(aws.validations.length).toBeGreaterThanOrEqual(4);
    expect(aws.rankCalls).toEqual([]);
  });
});
