// How `bench local` ends when the run cannot produce a trustworthy ranking: a harness fault is
// exit 1 naming it; a --contenders name that matches nothing is a usage error, exit 2. The bench
// itself is replaced here (its real failures are produced in e2e-local-harness-faults.test.ts).
import { afterEach, describe, expect, it, vi } from "vitest";
import { ExecutionFailedError } from "../local/engine";
import { UnknownContenderError } from "../harness/selection";
import { runMain } from "./fixtures/capture-output";

const runLocalBench = vi.fn();
vi.mock("../local/bench", () => ({ runLocalBench: (...args: unknown[]) => runLocalBench(...args) }));
afterEach(() => runLocalBench.mockReset());

describe("bench local exit codes", () => {
  it("a harness fault ends the run with exit 1, naming the fault, and no table", async () => {
    const cause = "typescript-reference-arm64 run 1 of 2: the validator failed, so the archive was not judged: Lambda.TooManyRequestsException: Rate Exceeded.";
    runLocalBench.mockRejectedValue(new ExecutionFailedError("Harness.ValidatorFailed", cause));
    const r = await runMain(["local", "--runs", "2"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`bench local: execution failed: Harness.ValidatorFailed: ${cause}\n`);
    expect(r.stdout).toBe("");
  });

  it("an unknown --contenders name is a usage error, exit 2", async () => {
    runLocalBench.mockRejectedValue(new UnknownContenderError(["typescript-nobody"], ["typescript-reference", "typescript-reference-arm64"]));
    const r = await runMain(["local", "--contenders", "typescript-nobody"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "bench local: --contenders: unknown contender(s) 'typescript-nobody' (known: typescript-reference, typescript-reference-arm64)\n",
    );
  });
});
