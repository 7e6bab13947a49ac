// The benchmark workflow as an Amazon States Language definition (JSONPath), run unchanged by
// Step Functions on AWS and by aws-local-stepfunctions locally. It only moves data and catches
// errors: every number (stats, prices, gates, ranking) is computed by the score function.
//
//   Contenders (Map over $.contenders, one iteration per contender function)
//     GetFunctionConfiguration --catch--> RecordConfigError (end: runs [], config_error)
//     HasRuntime? -> KeepZipConfig | KeepImageConfig          (image functions have no Runtime)
//     RunIndices (Pass: [0..N-1]) -> Runs (Map, MaxConcurrency = maxConcurrency)
//         InvokeContender -> RecordRunSuccess | --catch--> RecordRunFailure
//     AllRunsSucceeded? -> ValidateArchive (run 0) [--catch--> RecordInvalidArchive]
//     DeleteArchives (Map: DeleteArchive, errors ignored)
//     ValidationRan? -> RecordValidatedOutcome | RecordUnvalidatedOutcome   (= ContenderOutcome)
//   Score (lambda:invoke scorer with ScoreInput; OutputPath $.Payload = the ResultDocument)
//
// Interpreter constraints honoured (DESIGN.md decision 1): no JSONPath filter expressions, no
// States.JsonToString, no `ResultPath: "$"`. "Did every run succeed?" is a Choice over
// $.runs[0].ok .. $.runs[N-1].ok (N is known when the definition is built): plain comparisons that
// behave identically on both engines. (States.ArrayContains($.runs[*].ok, false) also works
// locally for N >= 1, but a wildcard path that matches nothing fails the whole execution there,
// like a filter does; explicit indices have no such edge.)
import { z } from "zod";
import { TASK_STATES } from "./task-states";

export { ExecutionContender, ExecutionInput } from "./execution-input";
export { TASK_STATES, type TaskStateName } from "./task-states";
export type * from "./task-states";

export const DefinitionParams = z.strictObject({
  validatorArn: z.string().min(1),
  scorerArn: z.string().min(1),
  bucket: z.string().min(1),
  filesPrefix: z.string().min(1),
  runsPerContender: z.number().int().min(1).max(1000),
  /** Parallel runs per contender; 0 = no limit. */
  maxConcurrency: z.number().int().min(0),
  maxRunTimeMs: z.number().positive(),
  expectedObjectCount: z.number().int().nonnegative(),
  region: z.string().min(1),
});
export type DefinitionParams = z.infer<typeof DefinitionParams>;

/** Task timeouts: Lambda's own 900 s maximum plus slack, so Lambda (not the ASL) times runs out. */
const INVOKE_TIMEOUT_S = 960;
const SDK_CALL_TIMEOUT_S = 60;

/** Transient Lambda-service failures only: a function error is a result and is never retried. */
const LAMBDA_SERVICE_RETRY = [
  {
    ErrorEquals: ["Lambda.ServiceException", "Lambda.TooManyRequestsException", "Lambda.SdkClientException"],
    IntervalSeconds: 2,
    MaxAttempts: 3,
    BackoffRate: 2,
    JitterStrategy: "FULL",
  },
];

const catchAll = (resultPath: string, next: string) => [{ ErrorEquals: ["States.ALL"], ResultPath: resultPath, Next: next }];

export function buildDefinition(input: DefinitionParams): Record<string, unknown> {
  const p = DefinitionParams.parse(input);
  return {
    Comment: "s3-archive-bench: run every contender N times, validate, clean up, score",
    StartAt: "Contenders",
    States: {
      Contenders: {
        Type: "Map",
        ItemsPath: "$.contenders",
        MaxConcurrency: 0,
        ItemSelector: {
          "contender.$": "$$.Map.Item.Value.name",
          "function_arn.$": "$$.Map.Item.Value.function_arn",
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: TASK_STATES.getFunctionConfiguration,
          States: contenderStates(p),
        },
        ResultPath: "$.outcomes",
        Next: TASK_STATES.score,
      },
      [TASK_STATES.score]: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: {
          FunctionName: p.scorerArn,
          Payload: {
            region: p.region,
            max_run_time_ms: p.maxRunTimeMs,
            runs_per_contender: p.runsPerContender,
            "contenders.$": "$.outcomes",
          },
        },
        TimeoutSeconds: INVOKE_TIMEOUT_S,
        Retry: LAMBDA_SERVICE_RETRY,
        OutputPath: "$.Payload",
        End: true,
      },
    },
  };
}

/** One Map iteration: input `{ contender, function_arn }`, output one ContenderOutcome. */
function contenderStates(p: DefinitionParams): Record<string, unknown> {
  const identity = { "contender.$": "$.contender", "function_arn.$": "$.function_arn" };
  const keepConfig = (withRuntime: boolean) => ({
    Type: "Pass",
    Parameters: {
      "FunctionArn.$": "$.function_configuration.FunctionArn",
      ...(withRuntime ? { "Runtime.$": "$.function_configuration.Runtime" } : {}),
      "MemorySize.$": "$.function_configuration.MemorySize",
      "Architectures.$": "$.function_configuration.Architectures",
      EphemeralStorage: { "Size.$": "$.function_configuration.EphemeralStorage.Size" },
      "Timeout.$": "$.function_configuration.Timeout",
    },
    ResultPath: "$.config",
    Next: "RunIndices",
  });
  const allRunsOk = Array.from({ length: p.runsPerContender }, (_, i) => ({
    Variable: `$.runs[${i}].ok`,
    BooleanEquals: true,
  }));
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
      End: true,
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
      ItemProcessor: {
        ProcessorConfig: { Mode: "INLINE" },
        StartAt: TASK_STATES.invokeContender,
        States: runStates(p),
      },
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
    RecordValidatedOutcome: {
      Type: "Pass",
      Parameters: { ...identity, "config.$": "$.config", "runs.$": "$.runs", "validation.$": "$.validation" },
      End: true,
    },
    RecordUnvalidatedOutcome: {
      Type: "Pass",
      Parameters: { ...identity, "config.$": "$.config", "runs.$": "$.runs" },
      End: true,
    },
  };
}

/** One run: input `{ function_arn, index, archive_key }`, output one RunOutcome. */
function runStates(p: DefinitionParams): Record<string, unknown> {
  const run = { "index.$": "$.index", "archive_key.$": "$.archive_key" };
  return {
    [TASK_STATES.invokeContender]: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: {
        "FunctionName.$": "$.function_arn",
        LogType: "Tail",
        Payload: { bucket_name: p.bucket, files_prefix: p.filesPrefix, "archive_key.$": "$.archive_key" },
      },
      ResultSelector: { ok: true, "log_result.$": "$.LogResult" },
      ResultPath: "$.invocation",
      TimeoutSeconds: INVOKE_TIMEOUT_S,
      Retry: LAMBDA_SERVICE_RETRY,
      // A failed run is a result: record it, never fail the execution.
      Catch: catchAll("$.error", "RecordRunFailure"),
      Next: "RecordRunSuccess",
    },
    RecordRunSuccess: {
      Type: "Pass",
      Parameters: { ok: true, ...run, "log_result.$": "$.invocation.log_result" },
      End: true,
    },
    RecordRunFailure: {
      Type: "Pass",
      Parameters: { ok: false, ...run, "error.$": "$.error" },
      End: true,
    },
  };
}
