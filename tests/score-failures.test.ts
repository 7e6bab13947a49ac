// Failure reasons of the score function: what each kind of failed run, validation or input
// problem turns into. Error payloads are shaped like what Lambda and Step Functions return.
import { describe, expect, it } from "vitest";
import { InvalidPayloadError, ResultDocument, type ContenderOutcome, type RunOutcome, type ScoreInput, type TaskError } from "../harness/contracts";
import { classifyRunError, handler } from "../functions/score/index";
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

function contender(runs: RunOutcome[], over: Partial<ContenderOutcome> = {}): ContenderOutcome {
  return {
    contender: "node-ann-arm64",
    function_arn: "arn:aws:lambda:us-east-1:1:function:f",
    config: { FunctionArn: "arn:aws:lambda:us-east-1:1:function:f", Runtime: "nodejs22.x", MemorySize: 512, Architectures: ["arm64"], EphemeralStorage: { Size: 512 }, Timeout: 600 },
    runs,
    validation: { ok: true, result: { archive_key: "a/run-0.zip", archive_bytes: 1, entry_count: 1, stored_entries: 1, deflated_entries: 0, uncompressed_bytes: 1, zip64: false } },
    ...over,
  };
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

describe("validation", () => {
  it("invalid archive: the validator's own message", async () => {
    const error = lambdaError("InvalidArchive", "content hash mismatch for 'ab12': computed cd34");
    expect(await reasonOf(contender([ok(0), ok(1), ok(2)], { validation: { ok: false, error } }))).toBe(
      "invalid: content hash mismatch for 'ab12': computed cd34",
    );
  });

  it("a broken validator is still a visible failure", async () => {
    const error = lambdaError("TypeError", "Cannot read properties of undefined (reading 'size')");
    expect(await reasonOf(contender([ok(0), ok(1), ok(2)], { validation: { ok: false, error } }))).toBe(
      "invalid: validator error TypeError: Cannot read properties of undefined (reading 'size')",
    );
    const timedOut = { ok: false as const, error: TIMEOUT };
    expect(await reasonOf(contender([ok(0), ok(1), ok(2)], { validation: timedOut }))).toBe(
      "invalid: validator error Sandbox.Timedout: Task timed out after 600.00 seconds",
    );
  });

  it("all runs ok but no validation recorded", async () => {
    const { validation: _dropped, ...rest } = contender([ok(0), ok(1), ok(2)]);
    expect(await reasonOf(rest)).toBe("invalid: archive was not validated");
  });

  it("a failed run is reported rather than the skipped validation", async () => {
    const { validation: _dropped, ...rest } = contender([failed(0, TIMEOUT), ok(1), ok(2)]);
    expect(await reasonOf(rest)).toMatch(/^timeout: run 1 of 3/);
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
