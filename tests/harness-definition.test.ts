// The ASL definition: valid for asl-validator and shaped as the design says. Running it is in
// harness-definition-run.test.ts; its payload sizes in harness-definition-payload.test.ts.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  buildDefinition,
  ExecutionInput,
  historyEventsPerExecution,
  MAX_HISTORY_EVENTS,
  MAX_RUNS_PER_CONTENDER,
  maxContendersPerExecution,
  TASK_STATES,
} from "../harness/definition";
import { arn, PARAMS } from "./support/harness-params";

type AslValidator = (definition: unknown, options?: { checkPaths: boolean; checkArn: boolean }) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};
const aslValidator = createRequire(import.meta.url)("asl-validator") as AslValidator;

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
    ["the most runs per contender", { ...PARAMS, runsPerContender: MAX_RUNS_PER_CONTENDER }],
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
        expect(retrier.ErrorEquals, name).toEqual([
          "Lambda.ServiceException",
          "Lambda.AWSLambdaException",
          "Lambda.TooManyRequestsException",
          "Lambda.SdkClientException",
        ]);
      }
    }
    expect(stateNamed(definition, TASK_STATES.invokeContender).TimeoutSeconds).toBeGreaterThan(900);
    const bestEffort = [
      TASK_STATES.getFunctionConfiguration,
      TASK_STATES.invokeContender,
      TASK_STATES.validateArchive,
      TASK_STATES.deleteArchive,
      TASK_STATES.listMultipartUploads,
      TASK_STATES.abortMultipartUpload,
    ];
    for (const name of bestEffort) {
      expect(stateNamed(definition, name).Catch, name).toEqual([expect.objectContaining({ ErrorEquals: ["States.ALL"] })]);
    }
    // A scorer refusing its input is a harness bug: the execution fails. Any other scorer error
    // costs only that contender its result.
    const scoreContender = stateNamed(definition, TASK_STATES.scoreContender);
    expect(scoreContender.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ["InvalidPayloadError", "UnknownRegionError"], Next: "ScorerRejectedInput" }),
      expect.objectContaining({ ErrorEquals: ["States.ALL"], Next: "ScorerFailed" }),
    ]);
    expect(stateNamed(definition, "ScorerRejectedInput").Type).toBe("Fail");
    // Only the small score leaves a contender's iteration; the ranking is the execution output.
    expect(scoreContender.OutputPath).toBe("$.Payload");
    expect(stateNamed(definition, TASK_STATES.rank).Catch).toBeUndefined();
    expect(stateNamed(definition, TASK_STATES.rank).OutputPath).toBe("$.Payload");
  });

  it("lists and aborts the multipart uploads under each run's archive key, guarded against a missing Uploads", () => {
    const definition = buildDefinition(PARAMS);
    const list = stateNamed(definition, TASK_STATES.listMultipartUploads);
    expect(list.Resource).toBe("arn:aws:states:::aws-sdk:s3:listMultipartUploads");
    expect(list.Parameters).toEqual({ Bucket: "bench-bucket", "Prefix.$": "$.archive_key", MaxUploads: 100 });
    expect(stateNamed(definition, "HasUploads").Choices).toEqual([{ Variable: "$.multipart.Uploads", IsPresent: true, Next: "AbortUploads" }]);
    expect(stateNamed(definition, "AbortUploads").ItemsPath).toBe("$.multipart.Uploads");
    const abort = stateNamed(definition, TASK_STATES.abortMultipartUpload);
    expect(abort.Resource).toBe("arn:aws:states:::aws-sdk:s3:abortMultipartUpload");
    expect(abort.Parameters).toEqual({ Bucket: "bench-bucket", "Key.$": "$.Key", "UploadId.$": "$.UploadId" });
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

  it("bounds one execution's history below Step Functions' 25,000-event quota", () => {
    // historyEventsPerExecution counts these states; a new state must be counted there too.
    const counted = [
      "Contenders", "GetFunctionConfiguration", "RecordConfigError", "HasRuntime", "KeepZipConfig", "KeepImageConfig",
      "RunIndices", "Runs", "InvokeContender", "RecordRunSuccess", "RecordRunFailure", "ListMultipartUploads",
      "HasUploads", "AbortUploads", "AbortMultipartUpload", "UploadNotAborted", "RunOutcome", "AllRunsSucceeded",
      "ValidateArchive", "RecordInvalidArchive", "DeleteArchives", "DeleteArchive", "ArchiveNotDeleted",
      "ValidationRan", "RecordValidatedOutcome", "RecordUnvalidatedOutcome", "ScoreContender", "ScorerFailed",
      "ScorerRejectedInput", "Rank",
    ]; // prettier-ignore
    expect(allStates(buildDefinition(PARAMS)).map(([name]) => name).sort()).toEqual(counted.sort());
    // One run: 32 events with an upload to abort, 8 to delete its archive; 40 per contender; 12 per execution.
    expect(historyEventsPerExecution(1, 1)).toBe(12 + 40 + 40);
    expect(historyEventsPerExecution(3, 10)).toBe(12 + 3 * (40 + 40 * 10));
    for (const runs of [1, 2, 10, MAX_RUNS_PER_CONTENDER]) {
      const max = maxContendersPerExecution(runs);
      expect(max).toBeLessThanOrEqual(100);
      expect(historyEventsPerExecution(max, runs), `${runs} runs`).toBeLessThanOrEqual(MAX_HISTORY_EVENTS * 0.9);
      if (max < 100) expect(historyEventsPerExecution(max + 1, runs)).toBeGreaterThan(MAX_HISTORY_EVENTS * 0.9);
    }
    expect(maxContendersPerExecution(10)).toBe(51); // the dev stack's runsPerContender
    expect(maxContendersPerExecution(MAX_RUNS_PER_CONTENDER)).toBe(17);
  });

  it("avoids the constructs the local interpreter gets wrong", () => {
    const text = JSON.stringify(buildDefinition(PARAMS));
    expect(text).not.toContain("[?("); // JSONPath filters that match nothing fail there
    expect(text).not.toContain("States.JsonToString"); // drops backslashes there
    expect(text).not.toMatch(/"ResultPath":"\$"/); // misbehaves there
  });

  it("rejects impossible parameters", () => {
    expect(() => buildDefinition({ ...PARAMS, runsPerContender: 0 })).toThrow(/runsPerContender/);
    expect(() => buildDefinition({ ...PARAMS, runsPerContender: MAX_RUNS_PER_CONTENDER + 1 })).toThrow(/256 KiB/);
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
    expect(ExecutionInput.safeParse({ contenders: [{ name: "a".repeat(65), function_arn: "x" }] }).success).toBe(false);
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `c${i}`, function_arn: arn(`c${i}`) }));
    expect(ExecutionInput.safeParse({ contenders: many }).error?.issues[0]?.message).toMatch(/at most 100 contenders/);
    expect(ExecutionInput.safeParse({ contenders: many.slice(0, 100) }).success).toBe(true);
    const twice = ExecutionInput.safeParse({ contenders: [ok.contenders[0], ok.contenders[0]] });
    expect(twice.error?.issues[0]?.message).toMatch(/duplicate contender name "typescript-bob-arm64"/);
  });
});

