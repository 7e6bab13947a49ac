// One iteration of the `Contenders` Map: read the function's configuration, run it N times,
// validate run 0's archive, delete the archives, and score the contender right here, so that
// only its small ContenderScore leaves the iteration (its runs carry ~5.5 KB of log each).
//
//   GetFunctionConfiguration --catch--> RecordConfigError ------------------------------+
//   HasRuntime? -> KeepZipConfig | KeepImageConfig          (image functions have no Runtime)
//   RunIndices (Pass: [0..N-1]) -> Runs (Map of run-states.ts, MaxConcurrency = maxConcurrency)
//   AllRunsSucceeded? -> ValidateArchive (run 0) [--catch--> RecordInvalidArchive]          |
//   DeleteArchives (Map: DeleteArchive, errors ignored)                                     |
//   ValidationRan? -> RecordValidatedOutcome | RecordUnvalidatedOutcome   (= ContenderOutcome)
//   ScoreContender (the scorer, action "score-contender") <--------------------------------+
//     --catch InvalidPayloadError / UnknownRegionError--> ScorerRejectedInput (Fail: harness bug)
//     --catch anything else--> ScorerFailed (Pass: a "crash: scorer failed ..." failure row)
//
// "Did every run succeed?" is a Choice over $.runs[0].ok .. $.runs[N-1].ok (N is known when the
// definition is built): plain comparisons that behave identically on both engines.
// (States.ArrayContains($.runs[*].ok, false) also works locally for N >= 1, but a wildcard path
// that matches nothing fails the whole execution there, like a filter does.)
import type { DefinitionParams } from "./definition";
import { INVOKE_TIMEOUT_S, LAMBDA_SERVICE_RETRY, SDK_CALL_TIMEOUT_S, catchAll } from "./asl-common";
import { runStates } from "./run-states";
import { TASK_STATES } from "./task-states";

/** Input `{ contender, function_arn }`, output one ContenderScore. */
export function contenderStates(p: DefinitionParams): Record<string, unknown> {
  const identity = { "contender.$": "$.contender", "function_arn.$": "$.function_arn" };
  // Replaces the state (no ResultPath): the full GetFunctionConfiguration response (environment,
  // layers, ...) does not ride along through the runs.
  const keepConfig = (withRuntime: boolean) => ({
    Type: "Pass",
    Parameters: {
      ...identity,
      config: {
        "FunctionArn.$": "$.function_configuration.FunctionArn",
        ...(withRuntime ? { "Runtime.$": "$.function_configuration.Runtime" } : {}),
        "MemorySize.$": "$.function_configuration.MemorySize",
        "Architectures.$": "$.function_configuration.Architectures",
        EphemeralStorage: { "Size.$": "$.function_configuration.EphemeralStorage.Size" },
        "Timeout.$": "$.function_configuration.Timeout",
      },
    },
    Next: "RunIndices",
  });
  const allRunsOk = Array.from({ length: p.runsPerContender }, (_, i) => ({
    Variable: `$.runs[${i}].ok`,
    BooleanEquals: true,
  }));
  const outcome = (withValidation: boolean) => ({
    Type: "Pass",
    Parameters: { ...identity, "config.$": "$.config", "runs.$": "$.runs", ...(withValidation ? { "validation.$": "$.validation" } : {}) },
    Next: TASK_STATES.scoreContender,
  });
  return {
    [TASK_STATES.getFunctionConfiguration]: {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:lambda:getFunctionConfiguration",
      Parameters: { "FunctionName.$": "$.function_arn" },
      ResultPath: "$.function_configuration",
      TimeoutSeconds: SDK_CALL_TIMEOUT_S,
      Retry: LAMBDA_SERVICE_RETRY,
      Catch: catchAll("$.config_error", "RecordConfigError"),
      Next: "HasRuntime",
    },
    RecordConfigError: {
      Type: "Pass",
      Parameters: { ...identity, "config_error.$": "$.config_error", runs: [] },
      Next: TASK_STATES.scoreContender,
    },
    HasRuntime: {
      Type: "Choice",
      Choices: [{ Variable: "$.function_configuration.Runtime", IsPresent: true, Next: "KeepZipConfig" }],
      Default: "KeepImageConfig",
    },
    KeepZipConfig: keepConfig(true),
    KeepImageConfig: keepConfig(false),
    RunIndices: {
      Type: "Pass",
      Result: Array.from({ length: p.runsPerContender }, (_, i) => i),
      ResultPath: "$.run_indices",
      Next: "Runs",
    },
    Runs: {
      Type: "Map",
      ItemsPath: "$.run_indices",
      MaxConcurrency: p.maxConcurrency,
      ItemSelector: {
        "function_arn.$": "$.function_arn",
        "index.$": "$$.Map.Item.Value",
        "archive_key.$": "States.Format('archives/{}/{}/run-{}.zip', $.contender, $$.Execution.Name, $$.Map.Item.Value)",
      },
      ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: TASK_STATES.invokeContender, States: runStates(p) },
      ResultPath: "$.runs",
      Next: "AllRunsSucceeded",
    },
    AllRunsSucceeded: {
      Type: "Choice",
      Choices: [{ ...(allRunsOk.length === 1 ? allRunsOk[0] : { And: allRunsOk }), Next: TASK_STATES.validateArchive }],
      Default: "DeleteArchives",
    },
    [TASK_STATES.validateArchive]: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: {
        FunctionName: p.validatorArn,
        Payload: {
          bucket: p.bucket,
          "archive_key.$": "$.runs[0].archive_key",
          files_prefix: p.filesPrefix,
          expected_object_count: p.expectedObjectCount,
        },
      },
      ResultSelector: { ok: true, "result.$": "$.Payload" },
      ResultPath: "$.validation",
      TimeoutSeconds: INVOKE_TIMEOUT_S,
      Retry: LAMBDA_SERVICE_RETRY,
      Catch: catchAll("$.validation_error", "RecordInvalidArchive"),
      Next: "DeleteArchives",
    },
    RecordInvalidArchive: {
      Type: "Pass",
      Parameters: { ok: false, "error.$": "$.validation_error" },
      ResultPath: "$.validation",
      Next: "DeleteArchives",
    },
    DeleteArchives: {
      Type: "Map",
      ItemsPath: "$.runs",
      MaxConcurrency: p.maxConcurrency,
      ItemSelector: { "archive_key.$": "$$.Map.Item.Value.archive_key" },
      ItemProcessor: {
        ProcessorConfig: { Mode: "INLINE" },
        StartAt: TASK_STATES.deleteArchive,
        States: {
          [TASK_STATES.deleteArchive]: {
            Type: "Task",
            Resource: "arn:aws:states:::aws-sdk:s3:deleteObject",
            Parameters: { Bucket: p.bucket, "Key.$": "$.archive_key" },
            TimeoutSeconds: SDK_CALL_TIMEOUT_S,
            // Best effort: the bucket's lifecycle rule expires archives/ anyway.
            Catch: catchAll("$.delete_error", "ArchiveNotDeleted"),
            End: true,
          },
          ArchiveNotDeleted: { Type: "Pass", End: true },
        },
      },
      ResultPath: null,
      Next: "ValidationRan",
    },
    ValidationRan: {
      Type: "Choice",
      Choices: [{ Variable: "$.validation", IsPresent: true, Next: "RecordValidatedOutcome" }],
      Default: "RecordUnvalidatedOutcome",
    },
    RecordValidatedOutcome: outcome(true),
    RecordUnvalidatedOutcome: outcome(false),
    [TASK_STATES.scoreContender]: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: {
        FunctionName: p.scorerArn,
        Payload: {
          action: "score-contender",
          region: p.region,
          max_run_time_ms: p.maxRunTimeMs,
          runs_per_contender: p.runsPerContender,
          "contender.$": "$",
        },
      },
      TimeoutSeconds: INVOKE_TIMEOUT_S,
      Retry: LAMBDA_SERVICE_RETRY,
      // The iteration's output is the ContenderScore alone: the runs stay behind.
      OutputPath: "$.Payload",
      Catch: [
        // The scorer refusing its input means the harness is wrong (a definition/contract
        // mismatch, an unpriced region): fail the execution rather than blame every contender.
        { ErrorEquals: ["InvalidPayloadError", "UnknownRegionError"], ResultPath: "$.scorer_error", Next: "ScorerRejectedInput" },
        // Anything else (a scorer crash, Lambda service errors after retries) costs this
        // contender its result, not the others theirs. The text stays a bare error name: the
        // Cause can be large, and the full error is in the execution history.
        { ErrorEquals: ["States.ALL"], ResultPath: "$.scorer_error", Next: "ScorerFailed" },
      ],
      End: true,
    },
    ScorerFailed: {
      Type: "Pass",
      Parameters: {
        failure: {
          "contender.$": "$.contender",
          "reason.$": "States.Format('crash: scorer failed for {}: {}', $.contender, $.scorer_error.Error)",
        },
      },
      End: true,
    },
    ScorerRejectedInput: { Type: "Fail", ErrorPath: "$.scorer_error.Error", CausePath: "$.scorer_error.Cause" },
  };
}
