// The two ASL definitions (parent and contender): valid for asl-validator and shaped as the design
// says. Running them is in harness-definition-run.test.ts and harness-definition-isolation.test.ts;
// their payload sizes in harness-definition-payload.test.ts.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  buildContenderDefinition,
  buildDefinition,
  contenderExecutionTimeoutS,
  ExecutionInput,
  extraHistoryEventsPerSunkContender,
  sunkContendersWithinQuota,
  historyEventsPerContenderExecution,
  historyEventsPerExecution,
  MAX_HISTORY_EVENTS,
  MAX_PARALLEL_VALIDATIONS,
  MAX_RUNS_PER_CONTENDER,
  maxContendersPerExecution,
  TASK_STATES,
  type DefinitionParams,
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

const bothDefinitions = (params: DefinitionParams) => ({ parent: buildDefinition(params), contender: buildContenderDefinition(params) });

describe("definition structure", () => {
  it.each([
    ["the default parameters", PARAMS],
    ["one run and unlimited concurrency", { ...PARAMS, runsPerContender: 1, maxConcurrency: 0 }],
    ["the most runs per contender, one contender at a time", { ...PARAMS, runsPerContender: MAX_RUNS_PER_CONTENDER, contenderConcurrency: 1 }],
  ])("both definitions pass asl-validator with %s", (_what, params) => {
    for (const [which, definition] of Object.entries(bothDefinitions(params))) {
      // asl-validator annotates what it is given: hand it a copy.
      const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
      expect(result.errorsText("\n"), which).toBe("");
      expect(result.isValid, which).toBe(true);
    }
  });

  it("has unique state names in each definition, and their Task states together are exactly TASK_STATES", () => {
    const { parent, contender } = bothDefinitions(PARAMS);
    const tasks: string[] = [];
    for (const definition of [parent, contender]) {
      const names = allStates(definition).map(([name]) => name);
      expect(new Set(names).size).toBe(names.length);
      tasks.push(...allStates(definition).filter(([, s]) => s.Type === "Task").map(([name]) => name));
    }
    expect(tasks.sort()).toEqual(Object.values(TASK_STATES).sort());
  });

  it("retries only transient service errors, catches everything else, and times every Task out explicitly", () => {
    const { parent, contender: definition } = bothDefinitions(PARAMS);
    for (const [name, state] of [...allStates(definition), ...allStates(parent)].filter(([, s]) => s.Type === "Task")) {
      // aws-local-stepfunctions would otherwise cut every Task at 60 s.
      expect(state.TimeoutSeconds, name).toBeGreaterThanOrEqual(60);
      for (const retrier of (state.Retry ?? []) as { ErrorEquals: string[] }[]) {
        expect(retrier.ErrorEquals, name).toEqual(
          name === TASK_STATES.runContender
            ? ["StepFunctions.ExecutionLimitExceededException", "StepFunctions.SdkClientException", "StepFunctions.AWSStepFunctionsException"]
            : ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.TooManyRequestsException", "Lambda.SdkClientException"],
        );
      }
    }
    expect(stateNamed(definition, TASK_STATES.invokeContender).TimeoutSeconds).toBeGreaterThan(900);
    for (const name of [TASK_STATES.listLeftArchives, TASK_STATES.deleteLeftArchive, TASK_STATES.listLeftUploads, TASK_STATES.abortLeftUpload]) {
      expect(stateNamed(parent, name).Catch, name).toEqual([expect.objectContaining({ ErrorEquals: ["States.ALL"] })]);
    }
    const bestEffort = [
      TASK_STATES.getFunctionConfiguration,
      TASK_STATES.invokeContender,
      TASK_STATES.deleteArchive,
      TASK_STATES.deleteUnjudgedArchive,
      TASK_STATES.listMultipartUploads,
      TASK_STATES.abortMultipartUpload,
    ];
    for (const name of bestEffort) {
      expect(stateNamed(definition, name).Catch, name).toEqual([expect.objectContaining({ ErrorEquals: ["States.ALL"] })]);
    }
    // The validator's InvalidArchive is the contender's verdict; anything else is the harness's.
    expect(stateNamed(definition, TASK_STATES.validateArchive).Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ["InvalidArchive"], Next: "RecordInvalidArchive" }),
      expect.objectContaining({ ErrorEquals: ["States.ALL"], Next: "RecordValidatorFailure" }),
    ]);
    expect(stateNamed(definition, "RecordValidatorFailure").Parameters).toEqual({
      "archive_key.$": "$.archive_key",
      verdict: { "index.$": "$.index", "harness_error.$": "$.validator_error" },
    });
    // A scorer refusing its input is a harness fault (a harness_error score the parent fails on).
    // Any other scorer error costs only that contender its result.
    const scoreContender = stateNamed(definition, TASK_STATES.scoreContender);
    expect(scoreContender.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ["InvalidPayloadError", "UnknownRegionError"], Next: "ScorerRejectedInput" }),
      expect.objectContaining({ ErrorEquals: ["States.ALL"], Next: "ScorerFailed" }),
    ]);
    expect(stateNamed(definition, "ScorerRejectedInput").Parameters).toEqual({
      harness_error: { "contender.$": "$.contender", "error.$": "$.scorer_error.Error", "cause.$": "$.scorer_error.Cause" },
    });
    // Only the small score leaves a contender's execution; the ranking is the execution output.
    expect(scoreContender.OutputPath).toBe("$.Payload");
    expect(stateNamed(parent, TASK_STATES.rank).Catch).toBeUndefined();
    expect(stateNamed(parent, TASK_STATES.rank).OutputPath).toBe("$.Payload");
  });

  it("runs each contender as a child execution whose failure is caught, and fails on a harness fault", () => {
    const { parent, contender } = bothDefinitions({ ...PARAMS, contenderConcurrency: 3 });
    expect(stateNamed(parent, "Contenders").MaxConcurrency).toBe(3);
    const start = stateNamed(parent, TASK_STATES.runContender);
    expect(start.Resource).toBe("arn:aws:states:::states:startExecution.sync:2");
    expect(start.Parameters).toEqual({
      StateMachineArn: PARAMS.contenderStateMachineArn,
      Input: {
        "contender.$": "$.contender",
        "function_arn.$": "$.function_arn",
        "execution.$": "$$.Execution.Name",
        "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id",
      },
    });
    expect(start.Catch).toEqual([{ ErrorEquals: ["States.ALL"], ResultPath: "$.execution_error", Next: TASK_STATES.listLeftArchives }]);
    // Then what the failed child left under its archive prefix is removed (one page of each, best effort).
    const prefix = "States.Format('archives/{}/{}/', $.contender, $$.Execution.Name)";
    expect(stateNamed(parent, TASK_STATES.listLeftArchives).Parameters).toEqual({ Bucket: "bench-bucket", "Prefix.$": prefix, MaxKeys: 40 });
    expect(stateNamed(parent, TASK_STATES.listLeftUploads).Parameters).toEqual({ Bucket: "bench-bucket", "Prefix.$": prefix, MaxUploads: 40 });
    expect(stateNamed(parent, "HasLeftArchives").Choices).toEqual([{ Variable: "$.left_archives.Contents", IsPresent: true, Next: "DeleteLeftArchives" }]);
    expect(stateNamed(parent, "AbortLeftUploads").Next).toBe(TASK_STATES.scoreFailedExecution);
    // The parent waits a little longer than the child may run; the child's own timeout fires first.
    expect(contender.TimeoutSeconds).toBe(contenderExecutionTimeoutS(PARAMS));
    expect(start.TimeoutSeconds).toBe(contenderExecutionTimeoutS(PARAMS) + 300);
    // 3 runs 2 at a time: 2 waves of (960 + 120) s; 3 validations at most 5 at a time: 1 wave of 1020 s.
    expect(contenderExecutionTimeoutS(PARAMS)).toBe(60 + 2 * 1080 + 1020 + 960);
    expect(stateNamed(parent, "HarnessFault")).toEqual({ Type: "Fail", ErrorPath: "$.child.score.harness_error.error", CausePath: "$.child.score.harness_error.cause" });
    expect(stateNamed(parent, TASK_STATES.scoreFailedExecution).Catch).toEqual([expect.objectContaining({ ErrorEquals: ["States.ALL"], Next: "ExecutionFailedUnscored" })]);
  });

  it("validates every run's archive, at most MAX_PARALLEL_VALIDATIONS at once, only when every run succeeded", () => {
    const definition = buildContenderDefinition(PARAMS);
    expect(stateNamed(definition, "AllRunsSucceeded")).toMatchObject({ Default: "DeleteArchives" });
    expect((stateNamed(definition, "AllRunsSucceeded").Choices as { Next: string }[])[0]!.Next).toBe("Validations");
    for (const map of ["Validations", "DeleteArchives"]) {
      expect(stateNamed(definition, map)).toMatchObject({ ItemsPath: "$.runs", MaxConcurrency: MAX_PARALLEL_VALIDATIONS });
    }
    expect(MAX_PARALLEL_VALIDATIONS).toBe(5);
    expect((stateNamed(definition, TASK_STATES.validateArchive).Parameters as { Payload: object }).Payload).toEqual({
      bucket: "bench-bucket",
      "archive_key.$": "$.archive_key",
      files_prefix: "files",
      expected_object_count: 3000,
    });
  });

  it("lists and aborts the multipart uploads under each run's archive key, guarded against a missing Uploads", () => {
    const definition = buildContenderDefinition(PARAMS);
    const list = stateNamed(definition, TASK_STATES.listMultipartUploads);
    expect(list.Resource).toBe("arn:aws:states:::aws-sdk:s3:listMultipartUploads");
    expect(list.Parameters).toEqual({ Bucket: "bench-bucket", "Prefix.$": "$.archive_key", MaxUploads: 100 });
    expect(stateNamed(definition, "HasUploads").Choices).toEqual([{ Variable: "$.multipart.Uploads", IsPresent: true, Next: "AbortUploads" }]);
    expect(stateNamed(definition, "AbortUploads").ItemsPath).toBe("$.multipart.Uploads");
    const abort = stateNamed(definition, TASK_STATES.abortMultipartUpload);
    expect(abort.Resource).toBe("arn:aws:states:::aws-sdk:s3:abortMultipartUpload");
    expect(abort.Parameters).toEqual({ Bucket: "bench-bucket", "Key.$": "$.Key", "UploadId.$": "$.UploadId" });
  });

  it("invokes contenders with LogType Tail, a random archive key per run and their scratch prefix", () => {
    const definition = buildContenderDefinition(PARAMS);
    const invoke = stateNamed(definition, TASK_STATES.invokeContender);
    expect(invoke.Resource).toBe("arn:aws:states:::lambda:invoke");
    expect(invoke.Parameters).toEqual({
      "FunctionName.$": "$.function_arn",
      LogType: "Tail",
      Payload: { bucket_name: "bench-bucket", files_prefix: "files", "archive_key.$": "$.archive_key", "scratch_prefix.$": "$.scratch_prefix" },
    });
    // The run index stays the harness's: the key is a UUID drawn per run.
    expect((stateNamed(definition, "Runs").ItemSelector as Record<string, string>)["run_id.$"]).toBe("States.UUID()");
    expect((stateNamed(definition, "NameArchive").Parameters as Record<string, string>)["archive_key.$"]).toBe(
      "States.Format('archives/{}/{}/{}.zip', $.contender, $.execution, $.run_id)",
    );
    expect(JSON.stringify(definition)).not.toMatch(/run-\{\}/);
    expect(stateNamed(definition, "Runs").MaxConcurrency).toBe(2);
    expect(stateNamed(definition, "RunIndices").Result).toEqual([0, 1, 2]);
  });

  it("bounds each execution's history below Step Functions' 25,000-event quota", () => {
    // The history functions count these states; a new state must be counted there too.
    const countedInContender = [
      "GetFunctionConfiguration", "RecordConfigError", "HasRuntime", "KeepZipConfig", "KeepImageConfig",
      "RunIndices", "Runs", "NameArchive", "InvokeContender", "RecordRunSuccess", "RecordRunFailure", "ListMultipartUploads",
      "HasUploads", "AbortUploads", "AbortMultipartUpload", "UploadNotAborted", "RunOutcome", "AllRunsSucceeded",
      "Validations", "ValidateArchive", "RecordValidArchive", "RecordInvalidArchive", "RecordValidatorFailure", "DeleteArchive",
      "ValidationOutcome", "DeleteArchives", "DeleteUnjudgedArchive", "ArchiveNotDeleted",
      "ValidationRan", "RecordValidatedOutcome", "RecordUnvalidatedOutcome", "ScoreContender", "ScorerFailed", "ScorerRejectedInput",
    ]; // prettier-ignore
    const countedInParent = [
      "Contenders", "RunContender", "IsHarnessFault", "HarnessFault", "ContenderScored", "ScoreFailedExecution", "ExecutionFailedUnscored", "Rank",
      "ListLeftArchives", "HasLeftArchives", "DeleteLeftArchives", "DeleteLeftArchive", "DeleteLeftArchiveSkipped",
      "ListLeftUploads", "HasLeftUploads", "AbortLeftUploads", "AbortLeftUpload", "AbortLeftUploadSkipped",
    ]; // prettier-ignore
    const { parent, contender } = bothDefinitions(PARAMS);
    expect(allStates(contender).map(([name]) => name).sort()).toEqual(countedInContender.sort());
    expect(allStates(parent).map(([name]) => name).sort()).toEqual(countedInParent.sort());
    // A run: 34 events with an upload to abort; a validation 18; 34 per contender execution around them.
    expect(historyEventsPerContenderExecution(1)).toBe(34 + 34 + 18);
    expect(historyEventsPerContenderExecution(MAX_RUNS_PER_CONTENDER)).toBe(34 + 32 * (34 + 18));
    expect(historyEventsPerContenderExecution(MAX_RUNS_PER_CONTENDER)).toBeLessThan(MAX_HISTORY_EVENTS / 10);
    // The parent: 12 per contender, 12 around them.
    expect(historyEventsPerExecution(100)).toBe(12 + 100 * 12);
    // The history no longer limits the contender count: the Rank payload's 100 does.
    for (const runs of [1, 10, MAX_RUNS_PER_CONTENDER]) expect(maxContendersPerExecution(runs)).toBe(100);
    // A contender whose execution fails adds its leftovers' cleanup: 40 objects and 40 uploads at
    // most, 2 x (6 + 2 + 4 + 40 x 8) + 6 - 4; 31 of 100 contenders can fail that way at once.
    expect(extraHistoryEventsPerSunkContender()).toBe(2 * (6 + 2 + 4 + 40 * 8) + 6 - 4);
    expect(sunkContendersWithinQuota(100)).toBe(31);
  });

  it("avoids the constructs the local interpreter gets wrong", () => {
    for (const definition of Object.values(bothDefinitions(PARAMS))) {
      const text = JSON.stringify(definition);
      expect(text).not.toContain("[?("); // JSONPath filters that match nothing fail there
      expect(text).not.toContain("States.JsonToString"); // drops backslashes there
      expect(text).not.toMatch(/"ResultPath":"\$"/); // misbehaves there
      expect(text).not.toMatch(/States\.\w+\([^)]*States\./); // nested intrinsics are not parsed there
    }
  });

  it("rejects impossible parameters", () => {
    expect(() => buildDefinition({ ...PARAMS, runsPerContender: 0 })).toThrow(/runsPerContender/);
    expect(() => buildDefinition({ ...PARAMS, runsPerContender: MAX_RUNS_PER_CONTENDER + 1 })).toThrow(/256 KiB/);
    expect(() => buildDefinition({ ...PARAMS, maxConcurrency: -1 })).toThrow(/maxConcurrency/);
    expect(() => buildDefinition({ ...PARAMS, contenderConcurrency: -1 })).toThrow(/contenderConcurrency/);
    expect(() => buildDefinition({ ...PARAMS, contenderStateMachineArn: "" })).toThrow(/contenderStateMachineArn/);
    expect(() => buildDefinition({ ...PARAMS, bucket: "" })).toThrow(/bucket/);
    expect(() => buildContenderDefinition({ ...PARAMS, bucket: "" })).toThrow(/invalid contender definition parameters: bucket/);
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

