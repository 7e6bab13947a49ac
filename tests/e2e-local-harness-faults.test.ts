// Harness faults end `bench local` as the harness's failure, never as a contender's `invalid:`:
// real moto, real sandboxes, the real validator and scorer, with one fault injected each time
// through LocalBenchOptions.faults (unreachable from the CLI). `bench local` turns the resulting
// ExecutionFailedError into exit code 1 naming it (tests/cli-local-exit.test.ts).
import path from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../harness/repo-root";
import { runLocalBench, type LocalBenchOptions } from "../local/bench";
import { ExecutionFailedError } from "../local/engine";
import type { LambdaService } from "../local/task-handlers";

const REFERENCE = "typescript-reference-arm64";
const BENCH_TIMEOUT_MS = 240_000;

function bench(faults: LocalBenchOptions["faults"]) {
  return runLocalBench({
    objectCount: 3,
    objectSizeMb: 1,
    seed: "e2e-harness-faults",
    runsPerContender: 1,
    maxRunTimeMs: 60_000,
    maxConcurrency: 1,
    filesPrefix: "files",
    contenders: [REFERENCE],
    contendersRoots: [path.join(repoRoot(), "contenders")],
    faults,
  }).then(
    (report) => ({ report, failure: undefined }),
    (failure: unknown) => ({ report: undefined, failure }),
  );
}

/** Every call the workflow makes to the validator fails the way a throttled Lambda does. */
function throttleValidator(calls: { count: number }) {
  return (service: LambdaService): LambdaService => ({
    getFunctionConfiguration: (name) => service.getFunctionConfiguration(name),
    invoke: async (name, payload, options) => {
      if (!name.endsWith("-validate")) return service.invoke(name, payload, options);
      calls.count++;
      throw Object.assign(new Error("Rate Exceeded."), { name: "TooManyRequestsException" });
    },
  });
}

describe("bench local: harness faults fail the execution, naming them", () => {
  it(
    "a dataset that does not match the stack (count mismatch), and a validator throttled past its retries",
    async () => {
      const validatorCalls = { count: 0 };
      const [mismatch, throttled] = await Promise.all([
        // Someone adds an object under the source prefix after the fill: 4 listed, 3 expected.
        bench({ afterFill: ({ client, bucket, prefix }) => client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/stray`, Body: "x" })).then(() => undefined) }),
        bench({ lambda: throttleValidator(validatorCalls) }),
      ]);

      expect(mismatch.report).toBeUndefined();
      expect(mismatch.failure).toBeInstanceOf(ExecutionFailedError);
      const m = mismatch.failure as ExecutionFailedError;
      expect(m.error).toBe("Harness.ValidatorFailed");
      expect(m.causeText).toMatch(
        new RegExp(`^${REFERENCE} run 1 of 1: the validator failed, so the archive was not judged: Error: harness problem: expected_object_count is 3 but .*files/ lists 4 object\\(s\\)`),
      );
      expect(m.message).toMatch(/^execution failed: Harness\.ValidatorFailed: /);

      expect(throttled.report).toBeUndefined();
      const t = throttled.failure as ExecutionFailedError;
      expect(t).toBeInstanceOf(ExecutionFailedError);
      expect(t.error).toBe("Harness.ValidatorFailed");
      expect(t.causeText).toBe(
        `${REFERENCE} run 1 of 1: the validator failed, so the archive was not judged: Lambda.TooManyRequestsException: Rate Exceeded.`,
      );
      // Retried as AWS retries a throttled Lambda (the first call and MaxAttempts 3), then given up.
      expect(validatorCalls.count).toBe(4);
    },
    BENCH_TIMEOUT_MS,
  );
});
