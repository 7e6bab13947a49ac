// The CONTENDER definition: one child execution per contender (started by the parent, see
// definition.ts). It reads the function's configuration, runs it N times, validates EVERY run's
// archive, deletes the archives and scores the contender, so that only its small ContenderScore
// leaves the execution (its runs carry ~5.5 KB of log each).
//
//   GetFunctionConfiguration --catch--> RecordConfigError ------------------------------+
//   HasRuntime? -> KeepZipConfig | KeepImageConfig          (image functions have no Runtime)
//   RunIndices (Pass: [0..N-1]) -> Runs (Map of run-states.ts, MaxConcurrency = maxConcurrency)
//   AllRunsSucceeded? -> Validations (every run: validate, delete)                          |
//                      | DeleteArchives (every run: delete)        (validation-states.ts)   |
//   ValidationRan? -> RecordValidatedOutcome | RecordUnvalidatedOutcome   (= ContenderOutcome)
//   ScoreContender (the scorer, action "score-contender") <--------------------------------+
//     --catch InvalidPayloadError / UnknownRegionError--> ScorerRejectedInput (a harness_error score)
//     --catch anything else--> ScorerFailed (Pass: a "crash: scorer failed ..." failure row)
//
// Whatever this contender does can only fail THIS execution (a 300 KB return value raises
// States.DataLimitExceeded, which no Catch can handle): the parent catches that and scores it
// as this contender's failure, and every other contender keeps its result.
//
// "Did every run succeed?" is a Choice over $.runs[0].ok .. $.runs[N-1].ok (N is known when the
// definition is built): plain comparisons that behave identically on both engines.
// (States.ArrayContains($.runs[*].ok, false) also works locally for N >= 1, but a wildcard path
// that matches nothing fails the whole execution there, like a filter does.)
import { parsePayload } from "./contracts";
import { ContenderDefinitionParams } from "./definition";
import { INVOKE_TIMEOUT_S, LAMBDA_SERVICE_RETRY, SDK_CALL_TIMEOUT_S, catchAll } from "./asl-common";
import { runStates } from "./run-states";
import { MAX_PARALLEL_VALIDATIONS, validationStates } from "./validation-states";
import { TASK_STATES } from "./task-states";

/** The child state machine: input ContenderExecutionInput, output one ContenderScore. */
export function buildContenderDefinition(input: ContenderDefinitionParams): Record<string, unknown> {
  const p = parsePayload(ContenderDefinitionParams, input, "contender definition parameters");
  return {
    Comment: "s3-archive-bench: run one contender N times, validate every archive, clean up, score",
    StartAt: TASK_STATES.getFunctionConfiguration,
    // AWS ends the child here at the latest; the parent then scores it as a timeout.
    TimeoutSeconds: contenderExecutionTimeoutS(p),
    States: contenderStates(p),
  };
}

/**
 * Longest a contender's execution can take when every step uses its whole timeout: the runs in
 * waves of `maxConcurrency`, each followed by its upload cleanup, the validations in waves of
 * MAX_PARALLEL_VALIDATIONS, the configuration read and the scorer.
 */
export function contenderExecutionTimeoutS(p: ContenderDefinitionParams): number {
  const waves = (n: number, perWave: number) => Math.ceil(n / (perWave === 0 ? n : perWave));
  const run = INVOKE_TIMEOUT_S + 2 * SDK_CALL_TIMEOUT_S; // invoke, list uploads, abort uploads
  const validation = INVOKE_TIMEOUT_S + SDK_CALL_TIMEOUT_S; // validate, delete
  return (
    SDK_CALL_TIMEOUT_S +
    waves(p.runsPerContender, p.maxConcurrency) * run +
    waves(p.runsPerContender, MAX_PARALLEL_VALIDATIONS) * validation +
    INVOKE_TIMEOUT_S
  );
}

/** The child's states: input `{ contender, function_arn, execution }`, output one ContenderScore. */
export function contenderStates(p: ContenderDefinitionParams): Record<string, unknown> {
  const identity = { "contender.$": "$.contender", "function_arn.$": "$.function_arn" };
  // Replaces the state (no ResultPath): the full GetFunctionConfiguration response (environment,
  // layers, ...) does not ride along through the runs.
  const keepConfig = (withRuntime: boolean) => ({
    Type: "Pass",
    Parameters: {
      ...identity,
      "execution.$": "$.execution",
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
    Parameters: { ...identity, "config.$": "$.config", "runs.$": "$.runs", ...(withValidation ? { "validations.$": "$.validations" } : {}) },
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
        "contender.$": "$.contender",
        "execution.$": "$.execution",
        "index.$": "$$.Map.Item.Value",
        "run_id.$": "States.UUID()",
      },
      ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "NameArchive", States: runStates(p) },
      ResultPath: "$.runs",
      Next: "AllRunsSucceeded",
    },
    AllRunsSucceeded: {
      Type: "Choice",
      Choices: [{ ...(allRunsOk.length === 1 ? allRunsOk[0] : { And: allRunsOk }), Next: "Validations" }],
      Default: "DeleteArchives",
    },
    ...validationStates(p, "ValidationRan"),
    ValidationRan: {
      Type: "Choice",
      Choices: [{ Variable: "$.validations", IsPresent: true, Next: "RecordValidatedOutcome" }],
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
        // mismatch, an unpriced region): a harness fault, which the parent turns into a failed
        // execution. Not a Fail state here: the parent could not tell a child that failed that
        // way from one sunk by its contender (both reach it as States.TaskFailed).
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
    ScorerRejectedInput: {
      Type: "Pass",
      Parameters: {
        harness_error: { "contender.$": "$.contender", "error.$": "$.scorer_error.Error", "cause.$": "$.scorer_error.Cause" },
      },
      End: true,
    },
  };
}
