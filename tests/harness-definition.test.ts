// The ASL definition: valid for asl-validator, shaped as the design says, and — run for real in
// aws-local-stepfunctions with faked integrations — handing the scorer exactly a ScoreInput.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { ContenderEvent, ScoreInput, type ContenderOutcome } from "../harness/contracts";
import { buildDefinition, ExecutionInput, TASK_STATES, type DefinitionParams } from "../harness/definition";
import { FakeAws, logResultFor, nameOf, runLocally, SCORE_RESULT, validateResultFor, type FakeFunction } from "./support/harness-fake-aws";

type AslValidator = (definition: unknown, options?: { checkPaths: boolean; checkArn: boolean }) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};
const aslValidator = createRequire(import.meta.url)("asl-validator") as AslValidator;

const PARAMS: DefinitionParams = {
  validatorArn: "arn:aws:lambda:eu-west-1:123456789012:function:bench-dev-validate",
  scorerArn: "arn:aws:lambda:eu-west-1:123456789012:function:bench-dev-score",
  bucket: "bench-bucket",
  filesPrefix: "files",
  runsPerContender: 3,
  maxConcurrency: 2,
  maxRunTimeMs: 300_000,
  expectedObjectCount: 3000,
  region: "eu-west-1",
};
const arn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
const key = (name: string, i: number, execution = "exec-1") => `archives/${name}/${execution}/run-${i}.zip`;

type State = Record<string, unknown> & { Type: string };
/** Every state of the definition, nested Map processors included, as [name, state]. */
function allStates(definition: Record<string, unknown>): [string, State][] {
  const out: [string, State][] = [];
  const walk = (states: Record<string, State>) => {
    for (const [name, state] of Object.entries(states)) {
      out.push([name, state]);
      const processor = (state.ItemProcessor ?? state.Iterator) as { States: Record<string, State> } | undefined;
      if (processor) walk(processor.States);
    }
  };
  walk(definition.States as Record<string, State>);
  return out;
}
const stateNamed = (definition: Record<string, unknown>, name: string) => allStates(definition).find(([n]) => n === name)![1];

describe("definition structure", () => {
  it.each([
    ["the default parameters", PARAMS],
    ["one run and unlimited concurrency", { ...PARAMS, runsPerContender: 1, maxConcurrency: 0 }],
  ])("passes asl-validator with %s", (_what, params) => {
    const definition = buildDefinition(params);
    // asl-validator annotates what it is given: hand it a copy.
    const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
    expect(result.errorsText("\n")).toBe("");
    expect(result.isValid).toBe(true);
  });

  it("has unique state names, and its Task states are exactly TASK_STATES", () => {
    const definition = buildDefinition(PARAMS);
    const names = allStates(definition).map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
    const tasks = allStates(definition).filter(([, s]) => s.Type === "Task").map(([name]) => name);
    expect(tasks.sort()).toEqual(Object.values(TASK_STATES).sort());
  });

  it("retries only Lambda service errors, catches everything else, and times every Task out explicitly", () => {
    const definition = buildDefinition(PARAMS);
    for (const [name, state] of allStates(definition).filter(([, s]) => s.Type === "Task")) {
      // aws-local-stepfunctions would otherwise cut every Task at 60 s.
      expect(state.TimeoutSeconds, name).toBeGreaterThanOrEqual(60);
      for (const retrier of (state.Retry ?? []) as { ErrorEquals: string[] }[]) {
        expect(retrier.ErrorEquals, name).toEqual(["Lambda.ServiceException", "Lambda.TooManyRequestsException", "Lambda.SdkClientException"]);
      }
    }
    expect(stateNamed(definition, TASK_STATES.invokeContender).TimeoutSeconds).toBeGreaterThan(900);
    for (const name of [TASK_STATES.getFunctionConfiguration, TASK_STATES.invokeContender, TASK_STATES.validateArchive, TASK_STATES.deleteArchive]) {
      expect(stateNamed(definition, name).Catch, name).toEqual([expect.objectContaining({ ErrorEquals: ["States.ALL"] })]);
    }
    // A scorer failure is a harness failure: it must fail the execution, not be swallowed.
    expect(stateNamed(definition, TASK_STATES.score).Catch).toBeUndefined();
    expect(stateNamed(definition, TASK_STATES.score).OutputPath).toBe("$.Payload");
  });

  it("invokes contenders with LogType Tail and the archive key archives/<name>/<execution>/run-<i>.zip", () => {
    const definition = buildDefinition(PARAMS);
    const invoke = stateNamed(definition, TASK_STATES.invokeContender);
    expect(invoke.Resource).toBe("arn:aws:states:::lambda:invoke");
    expect(invoke.Parameters).toEqual({
      "FunctionName.$": "$.function_arn",
      LogType: "Tail",
      Payload: { bucket_name: "bench-bucket", files_prefix: "files", "archive_key.$": "$.archive_key" },
    });
    expect((stateNamed(definition, "Runs").ItemSelector as Record<string, string>)["archive_key.$"]).toBe(
      "States.Format('archives/{}/{}/run-{}.zip', $.contender, $$.Execution.Name, $$.Map.Item.Value)",
    );
    expect(stateNamed(definition, "Runs").MaxConcurrency).toBe(2);
    expect(stateNamed(definition, "Contenders").MaxConcurrency).toBe(0);
    expect(stateNamed(definition, "RunIndices").Result).toEqual([0, 1, 2]);
  });

  it("avoids the constructs the local interpreter gets wrong", () => {
    const text = JSON.stringify(buildDefinition(PARAMS));
    expect(text).not.toContain("[?("); // JSONPath filters that match nothing fail there
    expect(text).not.toContain("States.JsonToString"); // drops backslashes there
    expect(text).not.toMatch(/"ResultPath":"\$"/); // misbehaves there
  });

  it("rejects impossible parameters", () => {
    expect(() => buildDefinition({ ...PARAMS, runsPerContender: 0 })).toThrow(/runsPerContender/);
    expect(() => buildDefinition({ ...PARAMS, maxConcurrency: -1 })).toThrow(/maxConcurrency/);
    expect(() => buildDefinition({ ...PARAMS, bucket: "" })).toThrow(/bucket/);
  });
});

describe("ExecutionInput", () => {
  it("accepts contenders with unique names and rejects the rest", () => {
    const ok = { contenders: [{ name: "typescript-bob-arm64", function_arn: arn("a") }] };
    expect(ExecutionInput.parse(ok)).toEqual(ok);
    expect(ExecutionInput.safeParse({ contenders: [] }).success).toBe(false);
    expect(ExecutionInput.safeParse({ contenders: [{ name: "a/b", function_arn: "x" }] }).success).toBe(false);
    expect(ExecutionInput.safeParse({ ...ok, extra: 1 }).success).toBe(false);
    const twice = ExecutionInput.safeParse({ contenders: [ok.contenders[0], ok.contenders[0]] });
    expect(twice.error?.issues[0]?.message).toMatch(/duplicate contender name "typescript-bob-arm64"/);
  });
});

/** Runs the definition over `functions` (names are the ARN's last segment) and returns what the scorer got. */
async function execute(params: DefinitionParams, functions: Record<string, FakeFunction>, failingDeletes: string[] = []) {
  const aws = new FakeAws(functions, new Set(failingDeletes));
  const input = ExecutionInput.parse({ contenders: Object.keys(functions).map((a) => ({ name: nameOf(a), function_arn: a })) });
  const output = await runLocally(buildDefinition(params), input, aws);
  expect(aws.scoreCalls).toHaveLength(1);
  expect(aws.scoreCalls[0]!.FunctionName).toBe(params.scorerArn);
  // The payload must parse as a ScoreInput; the assertions below then compare the RAW payload
  // (zod strips unknown keys, so only the raw value shows fields the ASL should not produce).
  const score = ScoreInput.parse(aws.scoreCalls[0]!.Payload);
  const raw = aws.scoreCalls[0]!.Payload as ScoreInput;
  for (const call of aws.invocations) {
    expect(call.logType).toBe("Tail");
    ContenderEvent.parse(call.event);
  }
  return { aws, output, score, outcomes: Object.fromEntries(raw.contenders.map((c) => [c.contender, c])) as Record<string, ContenderOutcome> };
}

const zipConfig = (name: string, architecture = "arm64") => ({
  FunctionArn: arn(name),
  Runtime: "nodejs22.x",
  MemorySize: 1024,
  Architectures: [architecture],
  EphemeralStorage: { Size: 512 },
  Timeout: 300,
});
const okRuns = (name: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ ok: true, index: i, archive_key: key(name, i), log_result: logResultFor(arn(name), i) }));

describe("running the definition locally (faked integrations)", () => {
  it("records every kind of outcome, validates only fully successful contenders, and cleans up", async () => {
    const good = "typescript-good-arm64";
    const image = "go-image-x86_64";
    const crash = "rust-crash-arm64";
    const partial = "python-partial-arm64";
    const invalid = "typescript-invalid-arm64";
    const gone = "java-gone-arm64";
    const { aws, output, outcomes, score } = await execute(
      PARAMS,
      {
        [arn(good)]: { config: "zip" },
        [arn(image)]: { config: "image" },
        [arn(crash)]: { config: "zip", run: () => ({ functionError: "Runtime.ExitError" }) },
        [arn(partial)]: { config: "zip", run: (i) => (i === 1 ? { functionError: "Sandbox.Timedout" } : "ok") },
        [arn(invalid)]: { config: "zip", archive: "invalid" },
        [arn(gone)]: { config: "missing" },
      },
      [key(good, 2)],
    );
    expect(output).toEqual(SCORE_RESULT);
    expect(score).toMatchObject({ region: "eu-west-1", max_run_time_ms: 300_000, runs_per_contender: 3 });
    expect(score.contenders.map((c) => c.contender)).toEqual([good, image, crash, partial, invalid, gone]);

    expect(outcomes[good]).toEqual({
      contender: good,
      function_arn: arn(good),
      config: zipConfig(good),
      runs: okRuns(good, 3),
      validation: { ok: true, result: validateResultFor(key(good, 0)) },
    });
    const { Runtime: _none, ...imageConfig } = zipConfig(image, "x86_64");
    expect(outcomes[image]).toEqual({
      contender: image,
      function_arn: arn(image),
      config: imageConfig,
      runs: okRuns(image, 3),
      validation: { ok: true, result: validateResultFor(key(image, 0)) },
    });

    // Every run failed: each failure recorded with the function's error, no validation.
    const crashOutcome = outcomes[crash]!;
    expect(crashOutcome.validation).toBeUndefined();
    expect(crashOutcome.runs).toHaveLength(3);
    crashOutcome.runs.forEach((run, i) => {
      expect(run).toEqual({ ok: false, index: i, archive_key: key(crash, i), error: { Error: "Runtime.ExitError", Cause: expect.any(String) } });
      if (!run.ok) expect(JSON.parse(run.error.Cause!)).toMatchObject({ errorType: "Runtime.ExitError", errorMessage: `run ${i} failed` });
    });

    // One failed run is enough to skip validation.
    expect(outcomes[partial]).toEqual({
      contender: partial,
      function_arn: arn(partial),
      config: zipConfig(partial),
      runs: [okRuns(partial, 3)[0], { ok: false, index: 1, archive_key: key(partial, 1), error: { Error: "Sandbox.Timedout", Cause: expect.any(String) } }, okRuns(partial, 3)[2]],
    });

    expect(outcomes[invalid]!.validation).toEqual({ ok: false, error: { Error: "InvalidArchive", Cause: expect.stringContaining("CRC-32 mismatch") } });
    expect(outcomes[invalid]!.runs).toEqual(okRuns(invalid, 3));

    expect(outcomes[gone]).toEqual({
      contender: gone,
      function_arn: arn(gone),
      config_error: { Error: "Lambda.ResourceNotFoundException", Cause: `Function not found: ${arn(gone)}` },
      runs: [],
    });

    // Validation: run 0 of each contender whose runs all succeeded, with the ValidateInput contract.
    expect(aws.validations.sort((a, b) => a.archive_key.localeCompare(b.archive_key))).toEqual(
      [image, good, invalid].map((n) => ({ bucket: "bench-bucket", archive_key: key(n, 0), files_prefix: "files", expected_object_count: 3000 })).sort((a, b) => a.archive_key.localeCompare(b.archive_key)),
    );
    // Cleanup: every run's archive of every contender that ran, even after a failed delete.
    const expectedDeletes = [good, image, crash, partial, invalid].flatMap((n) => [0, 1, 2].map((i) => key(n, i)));
    expect(aws.deletions.map((d) => d.Key).sort()).toEqual(expectedDeletes.sort());
    expect(new Set(aws.deletions.map((d) => d.Bucket))).toEqual(new Set(["bench-bucket"]));
    // Nothing ran for the missing function; runs respected MaxConcurrency.
    expect(aws.invocations.filter((c) => c.arn === arn(gone))).toEqual([]);
    for (const [fn, peak] of aws.peakConcurrency) expect(peak, fn).toBeLessThanOrEqual(2);
  });

  it("every contender succeeds, with a single run each (the one-element edge case)", async () => {
    const names = ["typescript-a-arm64", "typescript-b-x86_64"];
    const { outcomes, aws } = await execute({ ...PARAMS, runsPerContender: 1, maxConcurrency: 0 }, Object.fromEntries(names.map((n) => [arn(n), { config: "zip" as const }])));
    for (const n of names) {
      expect(outcomes[n]!.runs).toEqual(okRuns(n, 1));
      expect(outcomes[n]!.validation).toEqual({ ok: true, result: validateResultFor(key(n, 0)) });
    }
    expect(aws.deletions.map((d) => d.Key).sort()).toEqual(names.map((n) => key(n, 0)).sort());
  });

  it("a lone contender whose every run fails still yields a completed execution and a ScoreInput", async () => {
    const name = "typescript-oom-arm64";
    const { outcomes, aws, output } = await execute({ ...PARAMS, runsPerContender: 2 }, {
      [arn(name)]: { config: "zip", run: () => ({ functionError: "Runtime.OutOfMemory" }) },
    });
    expect(output).toEqual(SCORE_RESULT);
    expect(outcomes[name]!.runs.map((r) => r.ok)).toEqual([false, false]);
    expect(outcomes[name]!.validation).toBeUndefined();
    expect(aws.validations).toEqual([]);
    expect(aws.deletions.map((d) => d.Key).sort()).toEqual([key(name, 0), key(name, 1)]);
  });

  it("retries a throttled invocation but never a function error", async () => {
    const throttled = "typescript-throttled-arm64";
    const failing = "typescript-failing-arm64";
    const { aws, outcomes } = await execute({ ...PARAMS, runsPerContender: 1 }, {
      [arn(throttled)]: { config: "zip", run: (_i, attempt) => (attempt === 0 ? { serviceError: "Lambda.TooManyRequestsException" } : "ok") },
      [arn(failing)]: { config: "zip", run: () => ({ functionError: "Error" }) },
    });
    expect(aws.attempts.get(`${arn(throttled)}#0`)).toBe(2);
    expect(outcomes[throttled]!.runs).toEqual(okRuns(throttled, 1));
    expect(aws.attempts.get(`${arn(failing)}#0`)).toBe(1);
    expect(outcomes[failing]!.runs[0]).toMatchObject({ ok: false, error: { Error: "Error" } });
  });

  it("a throttled invocation that never recovers is recorded as a failed run, not a failed execution", async () => {
    const name = "typescript-always-throttled-arm64";
    const { aws, outcomes } = await execute({ ...PARAMS, runsPerContender: 1 }, {
      [arn(name)]: { config: "zip", run: () => ({ serviceError: "Lambda.TooManyRequestsException" }) },
    });
    expect(aws.attempts.get(`${arn(name)}#0`)).toBe(4); // the first try + MaxAttempts 3
    expect(outcomes[name]!.runs[0]).toEqual({ ok: false, index: 0, archive_key: key(name, 0), error: { Error: "Lambda.TooManyRequestsException", Cause: "Rate exceeded" } });
  });
});
