// Runs the definition in aws-local-stepfunctions with faked contenders, validator and S3 and the
// REAL scorer: each contender's iteration hands the scorer exactly one ContenderOutcome, only its
// ContenderScore comes out, Rank turns those into the execution's ResultDocument, and every run's
// leftover multipart uploads are aborted.
import { describe, expect, it } from "vitest";
import { ContenderEvent, ResultDocument, ScoreContenderEvent, type ContenderOutcome } from "../harness/contracts";
import { ExecutionInput, type DefinitionParams } from "../harness/definition";
import { ExecutionFailedError } from "../local/engine";
import { FakeAws, logResultFor, nameOf, runId, runLocally, validateResultFor, type FakeAwsOptions, type FakeFunction } from "./support/harness-fake-aws";
import { ARCHIVE_KEY, arn, PARAMS } from "./support/harness-params";

/** Runs the definition over `functions` (names are the ARN's last segment). */
async function execute(params: DefinitionParams, functions: Record<string, FakeFunction>, options: FakeAwsOptions = {}) {
  const aws = new FakeAws(functions, options);
  const input = ExecutionInput.parse({ contenders: Object.keys(functions).map((a) => ({ name: nameOf(a), function_arn: a })) });
  const { output } = await runLocally(params, input, aws);
  const document = ResultDocument.parse(output);
  // One score-contender call per contender, each a valid ScoreContenderEvent; the assertions
  // compare the RAW payload (zod strips unknown keys: only the raw value shows stray fields).
  expect(aws.scoreContenderCalls.map((c) => c.FunctionName)).toEqual(Object.keys(functions).map(() => params.scorerArn));
  const outcomes: Record<string, ContenderOutcome> = {};
  for (const call of aws.scoreContenderCalls) {
    const event = ScoreContenderEvent.parse(call.Payload);
    expect(event).toMatchObject({ action: "score-contender", region: params.region, max_run_time_ms: params.maxRunTimeMs, runs_per_contender: params.runsPerContender });
    const raw = (call.Payload as ScoreContenderEvent).contender;
    outcomes[raw.contender] = raw;
  }
  expect(aws.rankCalls).toHaveLength(1);
  expect(aws.rankCalls[0]!.FunctionName).toBe(params.scorerArn);
  for (const call of aws.invocations) {
    expect(call.logType).toBe("Tail");
    ContenderEvent.parse(call.event);
    // The key names the contender and the execution, then a random id: never the run.
    const name = nameOf(call.arn);
    expect(call.event.archive_key).toMatch(ARCHIVE_KEY(name));
    expect(call.event.scratch_prefix).toBe(`scratch/${name}`);
  }
  for (const name of new Set(aws.invocations.map((c) => nameOf(c.arn)))) {
    expect(new Set(aws.keysOf(name)).size, `distinct keys of ${name}`).toBe(params.runsPerContender);
  }
  return { aws, document, outcomes };
}

const zipConfig = (name: string, architecture = "arm64") => ({
  FunctionArn: arn(name),
  Runtime: "nodejs22.x",
  MemorySize: 1024,
  Architectures: [architecture],
  EphemeralStorage: { Size: 512 },
  Timeout: 300,
});
const okRuns = (aws: FakeAws, name: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ ok: true, index: i, archive_key: aws.key(name, i), log_result: logResultFor(arn(name), i) }));
const validRuns = (aws: FakeAws, name: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ index: i, ok: true, result: validateResultFor(aws.key(name, i)) }));

describe("running the definition locally", () => {
  it("records every kind of outcome, scores each contender, ranks them, and cleans up", async () => {
    const good = "typescript-good-arm64";
    const image = "go-image-x86_64";
    const crash = "rust-crash-arm64";
    const partial = "python-partial-arm64";
    const invalid = "typescript-invalid-arm64";
    const gone = "java-gone-arm64";
    const { aws, document, outcomes } = await execute(
      PARAMS,
      {
        [arn(good)]: { config: "zip" },
        [arn(image)]: { config: "image" },
        [arn(crash)]: { config: "zip", run: () => ({ functionError: "Runtime.ExitError" }), leavesUploads: () => 1 },
        [arn(partial)]: { config: "zip", run: (i) => (i === 1 ? { functionError: "Sandbox.Timedout" } : "ok"), leavesUploads: (i) => (i === 1 ? 2 : 0) },
        [arn(invalid)]: { config: "zip", archive: (i) => (i === 2 ? "invalid" : "valid") },
        [arn(gone)]: { config: "missing" },
      },
      { failingDeleteRuns: new Set([runId(good, 2)]) },
    );

    // What the scorer was given, contender by contender.
    expect(outcomes[good]).toEqual({
      contender: good,
      function_arn: arn(good),
      config: zipConfig(good),
      runs: okRuns(aws, good, 3),
      validations: validRuns(aws, good, 3),
    });
    const { Runtime: _none, ...imageConfig } = zipConfig(image, "x86_64");
    expect(outcomes[image]).toEqual({
      contender: image,
      function_arn: arn(image),
      config: imageConfig,
      runs: okRuns(aws, image, 3),
      validations: validRuns(aws, image, 3),
    });
    const crashOutcome = outcomes[crash]!;
    expect(crashOutcome.validations).toBeUndefined();
    crashOutcome.runs.forEach((run, i) => {
      expect(run).toEqual({ ok: false, index: i, archive_key: aws.key(crash, i), error: { Error: "Runtime.ExitError", Cause: expect.any(String) } });
      if (!run.ok) expect(JSON.parse(run.error.Cause!)).toMatchObject({ errorType: "Runtime.ExitError", errorMessage: `run ${i} failed` });
    });
    expect(outcomes[partial]).toEqual({
      contender: partial,
      function_arn: arn(partial),
      config: zipConfig(partial),
      runs: [okRuns(aws, partial, 3)[0], { ok: false, index: 1, archive_key: aws.key(partial, 1), error: { Error: "Sandbox.Timedout", Cause: expect.any(String) } }, okRuns(aws, partial, 3)[2]],
    });
    // Run 2's archive alone is bad: every run is validated, each with its own verdict.
    expect(outcomes[invalid]!.validations).toEqual([
      validRuns(aws, invalid, 3)[0],
      validRuns(aws, invalid, 3)[1],
      { index: 2, ok: false, error: { Error: "InvalidArchive", Cause: expect.stringContaining("CRC-32 mismatch") } },
    ]);
    expect(outcomes[gone]).toEqual({
      contender: gone,
      function_arn: arn(gone),
      config_error: { Error: "Lambda.ResourceNotFoundException", Cause: `Function not found: ${arn(gone)}` },
      runs: [],
    });

    // Rank got exactly the scores (in contender order), and its document is the execution output.
    expect(aws.rankCalls[0]!.Payload).toEqual({ action: "rank", scores: expect.any(Array) });
    expect((aws.rankCalls[0]!.Payload as { scores: unknown[] }).scores).toHaveLength(6);
    expect(document.success.map((r) => [r.rank, r.contender, r.runtime, r.architecture])).toEqual([
      [1, good, "nodejs22.x", "arm64"], // arm64 is billed at the lower rate
      [2, image, "image", "x86_64"],
    ]);
    expect(document.success[0]).toMatchObject({ runs_count: 3, duration_ms: { min: 1000.25, max: 1020.25 }, billed_duration_ms: { mean: 1011 }, init_duration_ms: 250.5 });
    expect(document.failure.map((f) => f.contender)).toEqual([crash, partial, invalid, gone]);
    const reasons = Object.fromEntries(document.failure.map((f) => [f.contender, f.reason]));
    expect(reasons[crash]).toBe("crash: run 1 of 3: Runtime.ExitError: run 0 failed (3 of 3 runs failed)");
    expect(reasons[partial]).toBe("timeout: run 2 of 3: run 1 failed");
    expect(reasons[invalid]).toBe("invalid: run 3 of 3: entry 2: CRC-32 mismatch");
    expect(reasons[gone]).toMatch(/^crash: cannot read function configuration: Lambda\.ResourceNotFoundException: Function not found/);

    // Every run of each fully successful contender validated; deletes of every run's archive.
    expect(aws.validations.map((v) => v.archive_key).sort()).toEqual([image, good, invalid].flatMap((n) => aws.keysOf(n)).sort());
    const ran = [good, image, crash, partial, invalid];
    const everyRunKey = ran.flatMap((n) => [0, 1, 2].map((i) => aws.key(n, i))).sort();
    expect(aws.deletions.map((d) => d.Key).sort()).toEqual(everyRunKey);
    // Multipart cleanup: each run's key listed once, the killed runs' uploads aborted, none left.
    expect(aws.listings.map((l) => l.Prefix).sort()).toEqual(everyRunKey);
    expect(new Set(aws.listings.map((l) => `${l.Bucket} ${l.MaxUploads}`))).toEqual(new Set(["bench-bucket 100"]));
    expect(aws.abortions.map((a) => a.Key).sort()).toEqual([aws.key(crash, 0), aws.key(crash, 1), aws.key(crash, 2), aws.key(partial, 1), aws.key(partial, 1)].sort());
    expect(new Set(aws.abortions.map((a) => a.UploadId)).size).toBe(5);
    expect(aws.openUploads.size).toBe(0);
    expect(aws.invocations.filter((c) => c.arn === arn(gone))).toEqual([]);
    for (const [fn, peak] of aws.peakConcurrency) expect(peak, fn).toBeLessThanOrEqual(2);
  });

  it("every contender succeeds, with a single run each (the one-element edge case), and S3 lists no upload", async () => {
    const names = ["typescript-a-arm64", "typescript-b-x86_64"];
    for (const noUploadsAs of ["omitted", "empty-array"] as const) {
      const functions = Object.fromEntries(names.map((n) => [arn(n), { config: "zip" as const }]));
      const { outcomes, aws, document } = await execute({ ...PARAMS, runsPerContender: 1, maxConcurrency: 0 }, functions, { noUploadsAs });
      for (const n of names) {
        expect(outcomes[n]!.runs).toEqual(okRuns(aws, n, 1));
        expect(outcomes[n]!.validations).toEqual(validRuns(aws, n, 1));
      }
      expect(document.success.map((r) => r.contender)).toEqual(names);
      expect(document.failure).toEqual([]);
      expect(aws.deletions.map((d) => d.Key).sort()).toEqual(names.map((n) => aws.key(n, 0)).sort());
      expect(aws.listings).toHaveLength(2);
      expect(aws.abortions).toEqual([]);
    }
  });

  it("a lone contender whose every run fails still yields a completed execution and a failure row", async () => {
    const name = "typescript-oom-arm64";
    const { outcomes, aws, document } = await execute({ ...PARAMS, runsPerContender: 2 }, {
      [arn(name)]: { config: "zip", run: () => ({ functionError: "Runtime.OutOfMemory" }), leavesUploads: () => 1 },
    });
    expect(document).toEqual({ success: [], failure: [{ contender: name, reason: "oom: run 1 of 2: run 0 failed (Runtime.OutOfMemory) (2 of 2 runs failed)" }] });
    expect(outcomes[name]!.validations).toBeUndefined();
    expect(aws.validations).toEqual([]);
    expect(aws.deletions.map((d) => d.Key).sort()).toEqual([aws.key(name, 0), aws.key(name, 1)].sort());
    expect(aws.openUploads.size).toBe(0);
  });

  it("cleanup is best effort: a failed listing or abort changes no result and fails nothing", async () => {
    const name = "typescript-killed-arm64";
    const functions = { [arn(name)]: { config: "zip" as const, run: () => ({ functionError: "Sandbox.Timedout" }), leavesUploads: () => 1 } };
    const { aws, document } = await execute({ ...PARAMS, runsPerContender: 3 }, functions, {
      failingListRuns: new Set([runId(name, 0)]),
      failingAbortIds: new Set(["upload-2"]),
    });
    expect(document.failure).toEqual([{ contender: name, reason: expect.stringMatching(/^timeout: run 1 of 3: /) }]);
    expect(aws.abortions.map((a) => a.Key).sort()).toEqual([aws.key(name, 1), aws.key(name, 2)].sort());
    // Run 0's upload was never listed and run 1's abort failed: both still open, nothing else.
    expect([...aws.openUploads.keys()].sort()).toEqual([aws.key(name, 0), aws.key(name, 1)].sort());
  });

  it("retries a throttled invocation but never a function error", async () => {
    const throttled = "typescript-throttled-arm64";
    const failing = "typescript-failing-arm64";
    const { aws, outcomes } = await execute({ ...PARAMS, runsPerContender: 1 }, {
      [arn(throttled)]: { config: "zip", run: (_i, attempt) => (attempt === 0 ? { serviceError: "Lambda.TooManyRequestsException" } : "ok") },
      [arn(failing)]: { config: "zip", run: () => ({ functionError: "Error" }) },
    });
    expect(aws.attempts.get(`${arn(throttled)}#0`)).toBe(2);
    expect(outcomes[throttled]!.runs).toEqual(okRuns(aws, throttled, 1));
    expect(aws.attempts.get(`${arn(failing)}#0`)).toBe(1);
    expect(outcomes[failing]!.runs[0]).toMatchObject({ ok: false, error: { Error: "Error" } });
  });

  it("retries the transient Lambda service errors AWS documents (Lambda.AWSLambdaException too)", async () => {
    const names = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException"];
    const contender = (i: number) => `typescript-blip${i}-arm64`;
    const { aws, outcomes } = await execute(
      { ...PARAMS, runsPerContender: 1 },
      Object.fromEntries(
        names.map((error, i) => [
          arn(contender(i)),
          { config: "zip" as const, run: (_i: number, attempt: number) => (attempt === 0 ? { serviceError: error } : ("ok" as const)) },
        ]),
      ),
    );
    names.forEach((error, i) => {
      expect(aws.attempts.get(`${arn(contender(i))}#0`), error).toBe(2);
      expect(outcomes[contender(i)]!.runs, error).toEqual(okRuns(aws, contender(i), 1));
    });
  });

  it("a throttled invocation that never recovers is recorded as a failed run, not a failed execution", async () => {
    const name = "typescript-always-throttled-arm64";
    const { aws, outcomes } = await execute({ ...PARAMS, runsPerContender: 1 }, {
      [arn(name)]: { config: "zip", run: () => ({ serviceError: "Lambda.TooManyRequestsException" }) },
    });
    expect(aws.attempts.get(`${arn(name)}#0`)).toBe(4); // the first try + MaxAttempts 3
    expect(outcomes[name]!.runs[0]).toEqual({ ok: false, index: 0, archive_key: aws.key(name, 0), error: { Error: "Lambda.TooManyRequestsException", Cause: "Rate exceeded" } });
  });
});

describe("scorer failures", () => {
  it("a scorer crash on one contender becomes its failure row; the others are still scored and ranked", async () => {
    const good = "typescript-good-arm64";
    const unlucky = "typescript-unlucky-arm64";
    const { document } = await execute({ ...PARAMS, runsPerContender: 1 }, { [arn(good)]: { config: "zip" }, [arn(unlucky)]: { config: "zip" } }, {
      scorerCrashesFor: new Set([unlucky]),
    });
    expect(document.success.map((r) => [r.rank, r.contender])).toEqual([[1, good]]);
    expect(document.failure).toEqual([{ contender: unlucky, reason: `crash: scorer failed for ${unlucky}: Runtime.ExitError` }]);
  });

  it("a scorer refusing its input (an unpriced region) fails the execution instead of blaming the contenders", async () => {
    const aws = new FakeAws({ [arn("typescript-a-arm64")]: { config: "zip" } });
    const input = ExecutionInput.parse({ contenders: [{ name: "typescript-a-arm64", function_arn: arn("typescript-a-arm64") }] });
    // GovCloud is not in the commercial price table (harness/pricing.ts).
    const error = await runLocally({ ...PARAMS, runsPerContender: 1, region: "us-gov-west-1" }, input, aws).then(
      () => undefined,
      (e: unknown) => e as ExecutionFailedError,
    );
    expect(error).toBeInstanceOf(ExecutionFailedError);
    expect(error?.error).toBe("UnknownRegionError");
    expect(JSON.parse(error?.causeText ?? "{}")).toMatchObject({ errorType: "UnknownRegionError", errorMessage: expect.stringMatching(/us-gov-west-1/) });
    expect(aws.rankCalls).toEqual([]);
  });
});
