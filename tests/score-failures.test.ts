// Failure reasons of the score function: what each kind of failed run, validation, failed
// execution or input problem turns into, and which problems are the harness's own. Error payloads are shaped like what Lambda and Step Functions return.
import { describe, expect, it } from "vitest";
import { InvalidPayloadError, ResultDocument, type ContenderOutcome, type RunOutcome, type ScoreInput, type TaskError, type ValidationOutcome } from "../harness/contracts";
import { classifyRunError, handler, HarnessFaultError } from "../functions/score/index";
import { formatReportLine } from "./support/report-lines";

const REQ = "6f4f7c1e-2b7a-4d0e-8a51-94c3f0e2d1aa";
const REPORT = formatReportLine({ requestId: REQ, durationMs: 1000, billedDurationMs: 1000, memorySizeMb: 512, maxMemoryUsedMb: 100, initDurationMs: null });
const b64 = (text: string) => Buffer.from(text).toString("base64");

const ok = (index: number, log = `${REPORT}\n`): RunOutcome => ({ ok: true, index, archive_key: `a/run-${index}.zip`, log_result: b64(log) });
const lambdaError = (errorType: string, errorMessage: string): TaskError => ({
  Error: errorType,
  Cause: JSON.stringify({ errorType, errorMessage, trace: [] }),
});
const failed = (index: number, error: TaskError): RunOutcome => ({ ok: false, index, archive_key: `a/run-${index}.zip`, error });

const TIMEOUT = lambdaError("Sandbox.Timedout", `RequestId: ${REQ} Error: Task timed out after 600.00 seconds`);
const OOM = lambdaError("Runtime.OutOfMemory", `RequestId: ${REQ} Error: Runtime exited with error: signal: killed`);
const CRASH = lambdaError("Error", "cannot list s3://bucket/files: AccessDenied");

const valid = (index: number): ValidationOutcome => ({
  index,
  ok: true,
  result: { archive_key: `a/${index}.zip`, archive_bytes: 1, entry_count: 1, stored_entries: 1, deflated_entries: 0, uncompressed_bytes: 1, zip64: false },
});
const invalid = (index: number, error: TaskError): ValidationOutcome => ({ index, ok: false, error });

function contender(runs: RunOutcome[], over: Partial<ContenderOutcome> = {}): ContenderOutcome {
  return {
    contender: "node-ann-arm64",
    function_arn: "arn:aws:lambda:us-east-1:1:function:f",
    config: { FunctionArn: "arn:aws:lambda:us-east-1:1:function:f", Runtime: "nodejs22.x", MemorySize: 512, Architectures: ["arm64"], EphemeralStorage: { Size: 512 }, Timeout: 600 },
    runs,
    validations: [0, 1, 2].map((index) => valid(index)),
    ...over,
  };
}

/** The whole-input scorer refuses to publish a ranking over a harness fault: it throws it. */
async function harnessFaultOf(c: ContenderOutcome): Promise<Error> {
  const event: ScoreInput = { region: "us-east-1", max_run_time_ms: 600_000, runs_per_contender: 3, contenders: [c] };
  const error = await handler(event).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error).toBeInstanceOf(HarnessFaultError);
  return error!;
}

async function reasonOf(c: ContenderOutcome): Promise<string> {
  const event: ScoreInput = { region: "us-east-1", max_run_time_ms: 600_000, runs_per_contender: 3, contenders: [c] };
  const doc = await handler(event);
  expect(ResultDocument.safeParse(doc).success).toBe(true);
  expect(doc.success).toEqual([]);
  expect(doc.failure).toHaveLength(1);
  return doc.failure[0]?.reason ?? "";
}

describe("failed runs", () => {
  it("timeout: says which run and what Lambda said", async () => {
    expect(await reasonOf(contender([failed(0, TIMEOUT), ok(1), ok(2)]))).toBe("timeout: run 1 of 3: Task timed out after 600.00 seconds");
  });

  it("oom: Runtime.OutOfMemory", async () => {
    expect(await reasonOf(contender([ok(0), ok(1), failed(2, OOM)]))).toBe(
      "oom: run 3 of 3: Runtime exited with error: signal: killed (Runtime.OutOfMemory)",
    );
  });

  it("crash: anything else, with errorType and errorMessage", async () => {
    expect(await reasonOf(contender([ok(0), failed(1, CRASH), ok(2)]))).toBe("crash: run 2 of 3: Error: cannot list s3://bucket/files: AccessDenied");
  });

  it("reports the first failure and how many failed, by kind when mixed", async () => {
    expect(await reasonOf(contender([ok(0), failed(2, CRASH), failed(1, TIMEOUT)]))).toBe(
      "timeout: run 2 of 3: Task timed out after 600.00 seconds (2 of 3 runs failed: 1 timeout, 1 crash)",
    );
    expect(await reasonOf(contender([failed(0, OOM), failed(1, OOM), failed(2, OOM)]))).toMatch(/^oom: run 1 of 3: .* \(3 of 3 runs failed\)$/);
  });

  it("truncates huge messages and keeps them on one line", async () => {
    const reason = await reasonOf(contender([failed(0, lambdaError("Error", `line one\n${"x".repeat(5000)}`)), ok(1), ok(2)]));
    expect(reason.startsWith("crash: run 1 of 3: Error: line one xxx")).toBe(true);
    expect(reason).toMatch(/\.\.\. \(\d+ more chars\)$/);
    expect(reason.length).toBeLessThan(400);
    expect(reason).not.toContain("\n");
  });

  it("tells a run count that does not match runs_per_contender", async () => {
    expect(await reasonOf(contender([ok(0), ok(1)]))).toBe("crash: expected 3 run(s) but 2 were recorded");
    expect(await reasonOf(contender([ok(0), ok(2), ok(0)]))).toBe("crash: run indices are [0, 0, 2], expected 0 to 2 once each");
  });
});

describe("classifyRunError (what Lambda and Step Functions report)", () => {
  it.each<[string, TaskError, "crash" | "timeout" | "oom"]>([
    ["Sandbox.Timedout", TIMEOUT, "timeout"],
    ["Task state TimeoutSeconds, no Cause", { Error: "States.Timeout" }, "timeout"],
    ["older runtimes' timeout message", { Error: "Unhandled", Cause: JSON.stringify({ errorMessage: `2020-11-10T05:46:57.874Z ${REQ} Task timed out after 3.07 seconds` }) }, "timeout"],
    ["Runtime.OutOfMemory", OOM, "oom"],
    ["Runtime.ExitError killed by the memory limit", lambdaError("Runtime.ExitError", `RequestId: ${REQ} Error: Runtime exited with error: signal: killed`), "oom"],
    ["V8 heap limit", lambdaError("Runtime.ExitError", "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"), "oom"],
    ["Python MemoryError", lambdaError("MemoryError", ""), "oom"],
    ["segfault", lambdaError("Runtime.ExitError", `RequestId: ${REQ} Error: Runtime exited with error: signal: segmentation fault (core dumped)`), "crash"],
    ["handler error", CRASH, "crash"],
    ["service error with a plain-text Cause", { Error: "Lambda.ServiceException", Cause: "Lambda is unavailable (Service: Lambda, Status Code: 500)" }, "crash"],
  ])("%s", (_name, error, kind) => {
    expect(classifyRunError(error)).toBe(kind);
  });

  it("quotes a plain-text Cause as is", async () => {
    const error = { Error: "Lambda.Unknown", Cause: "The cause could not be determined because Lambda did not return an error type." };
    expect(await reasonOf(contender([failed(0, error), ok(1), ok(2)]))).toBe(
      "crash: run 1 of 3: Lambda.Unknown: The cause could not be determined because Lambda did not return an error type.",
    );
  });
});

describe("REPORT lines", () => {
  it("a run whose log has no REPORT line is a crash naming the run", async () => {
    expect(await reasonOf(contender([ok(0), ok(1, `START RequestId: ${REQ}\nEND RequestId: ${REQ}\n`), ok(2)]))).toBe(
      "crash: no REPORT line in the log of run 2",
    );
  });

  it("a garbled REPORT line says what is wrong", async () => {
    const garbled = REPORT.replace("Billed Duration: 1000 ms", "Billed Duration: ??? ms");
    expect(await reasonOf(contender([ok(0), ok(1), ok(2, garbled)]))).toMatch(
      /^crash: unreadable REPORT line \('Billed Duration' is '\?\?\? ms', expected a number in ms\): REPORT RequestId: .* in the log of run 3$/,
    );
  });
});

describe("validation of every run's archive", () => {
  const MISMATCH = lambdaError("InvalidArchive", "content hash mismatch for 'ab12': computed cd34");
  const MISSING = lambdaError("InvalidArchive", "archive missing");

  it("invalid archive: names the run, then the validator's own message", async () => {
    expect(await reasonOf(contender([ok(0), ok(1), ok(2)], { validations: [valid(0), valid(1), invalid(2, MISMATCH)] }))).toBe(
      "invalid: run 3 of 3: content hash mismatch for 'ab12': computed cd34",
    );
  });

  it("several invalid archives: the first by run, and how many", async () => {
    // Map outputs are in run order, but the scorer does not rely on it.
    const validations = [invalid(2, MISMATCH), valid(0), invalid(1, MISSING)];
    expect(await reasonOf(contender([ok(0), ok(1), ok(2)], { validations }))).toBe("invalid: run 2 of 3: archive missing (2 of 3 archives invalid)");
  });

  it("a broken validator is the harness's fault, never the contender's invalid:", async () => {
    const crashed = lambdaError("TypeError", "Cannot read properties of undefined (reading 'size')");
    const throttled = { Error: "Lambda.TooManyRequestsException", Cause: "Rate exceeded" };
    for (const [validations, said] of [
      [[valid(0), { index: 1, harness_error: throttled }, valid(2)], "run 2 of 3: the validator failed, so the archive was not judged: Lambda.TooManyRequestsException: Rate exceeded"],
      // Recorded as a verdict but not InvalidArchive: still not the contender's fault.
      [[valid(0), valid(1), invalid(2, crashed)], "run 3 of 3: the validator failed, so the archive was not judged: TypeError: Cannot read properties of undefined (reading 'size')"],
    ] as const) {
      const c = contender([ok(0), ok(1), ok(2)], { validations: [...validations] });
      const error = await harnessFaultOf(c);
      expect(error.name).toBe("Harness.ValidatorFailed");
      expect(error.message).toBe(`node-ann-arm64 ${said}`);
    }
  });

  it("the dataset not matching the stack (the validator's harness problem) is a harness fault naming the counts", async () => {
    const mismatch = lambdaError("Error", "harness problem: expected_object_count is 6 but files/ lists 7 object(s); refill the bucket or fix the execution input");
    const error = await harnessFaultOf(contender([ok(0), ok(1), ok(2)], { validations: [{ index: 0, harness_error: mismatch }, valid(1), valid(2)] }));
    expect(error.name).toBe("Harness.ValidatorFailed");
    expect(error.message).toMatch(/run 1 of 3: .*expected_object_count is 6 but files\/ lists 7 object\(s\)/);
  });

  it("all runs ok but not every archive judged: a harness fault, not a contender's failure", async () => {
    const error = await harnessFaultOf(contender([ok(0), ok(1), ok(2)], { validations: [valid(0), valid(2)] }));
    expect(error.name).toBe("Harness.ValidationsMissing");
    expect(error.message).toBe("node-ann-arm64: expected a validation of each of 3 run(s), got [0, 2]");
  });

  it("a failed run is reported rather than the skipped validation", async () => {
    expect(await reasonOf(contender([failed(0, TIMEOUT), ok(1), ok(2)], { validations: [] }))).toMatch(/^timeout: run 1 of 3/);
  });

  it("the score-contender action hands a harness fault back as harness_error, for the workflow to fail on", async () => {
    const c = contender([ok(0), ok(1), ok(2)], { validations: [valid(0), valid(1), { index: 2, harness_error: { Error: "Lambda.ServiceException", Cause: "oops" } }] });
    const score = await handler({ action: "score-contender", region: "us-east-1", max_run_time_ms: 600_000, runs_per_contender: 3, contender: c });
    expect(score).toEqual({
      harness_error: {
        contender: "node-ann-arm64",
        error: "Harness.ValidatorFailed",
        cause: "node-ann-arm64 run 3 of 3: the validator failed, so the archive was not judged: Lambda.ServiceException: oops",
      },
    });
  });
});

describe("a contender's whole execution failed", () => {
  const failedExecution = (error: TaskError) => handler({ action: "contender-execution-failed", contender: "big-arm64", error });
  const child = (Error: string, Cause: string) => ({
    Error: "States.TaskFailed",
    Cause: JSON.stringify({ ExecutionArn: "arn:aws:states:us-east-1:1:execution:c:1", Status: "FAILED", Error, Cause }),
  });

  it("names Step Functions' payload limit for States.DataLimitExceeded", async () => {
    const score = await failedExecution(child("States.DataLimitExceeded", "The state/task 'InvokeContender' returned a result with a size exceeding the maximum number of bytes service limit."));
    expect(score).toEqual({
      failure: {
        contender: "big-arm64",
        reason:
          "crash: the contender's results exceeded Step Functions' 256 KiB payload limit (huge return values or error messages?): " +
          "States.DataLimitExceeded: The state/task 'InvokeContender' returned a result with a size exceeding the maximum number of bytes service limit.",
      },
    });
  });

  it("a timed-out child is a timeout; anything else a crash, quoting at most 300 characters", async () => {
    expect(await failedExecution(child("States.Timeout", ""))).toEqual({ failure: { contender: "big-arm64", reason: "timeout: the contender's execution ran out of time: States.Timeout" } });
    const score = (await failedExecution({ Error: "States.Runtime", Cause: "x".repeat(1000) })) as { failure: { reason: string } };
    expect(score.failure.reason).toBe(`crash: the contender's execution failed: States.Runtime: ${"x".repeat(300)}... (700 more chars)`);
  });

  it("rejects the event without an error", async () => {
    await expect(handler({ action: "contender-execution-failed", contender: "c" } as never)).rejects.toThrow(/invalid scorer event: error: /);
  });
});

describe("configuration and input", () => {
  it("config error: crash naming what GetFunctionConfiguration said", async () => {
    const { config: _dropped, ...rest } = contender([]);
    const config_error = { Error: "Lambda.ResourceNotFoundException", Cause: "Function not found: arn:aws:lambda:us-east-1:1:function:f" };
    expect(await reasonOf({ ...rest, config_error })).toBe(
      "crash: cannot read function configuration: Lambda.ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:1:function:f",
    );
    expect(await reasonOf(rest)).toBe("crash: cannot read function configuration: the state machine recorded no configuration");
  });

  it("malformed input is a clear error naming the field", async () => {
    const good: ScoreInput = { region: "us-east-1", max_run_time_ms: 1, runs_per_contender: 3, contenders: [contender([ok(0), ok(1), ok(2)])] };
    await expect(handler({ ...good, max_run_time_ms: "soon" } as unknown as ScoreInput)).rejects.toThrow(/invalid score input: max_run_time_ms: /);
    const noMemory = JSON.parse(JSON.stringify(good)) as { contenders: { config: Record<string, unknown> }[] };
    delete noMemory.contenders[0]!.config.MemorySize;
    await expect(handler(noMemory as unknown as ScoreInput)).rejects.toThrow(/contenders\.0\.config\.MemorySize/);
    await expect(handler({ ...good, contenders: [{ ...good.contenders[0]!, runs: [{ index: 0 }] }] } as unknown as ScoreInput)).rejects.toThrow(
      /contenders\.0\.runs\.0\.ok/,
    );
    await expect(handler({ ...good, extra: 1 } as unknown as ScoreInput)).rejects.toBeInstanceOf(InvalidPayloadError);
  });
});
