// The benchmark workflow as two Amazon States Language definitions (JSONPath), run unchanged by
// Step Functions on AWS and by aws-local-stepfunctions locally (local/engine.ts serves the
// child-execution Task by running the child definition in the same engine). They only move data
// and catch errors: every number (stats, prices, gates, ranking) is computed by the scorer.
//
// PARENT (buildDefinition):
//   Contenders (inline Map over $.contenders, MaxConcurrency = contenderConcurrency), per contender:
//     RunContender (states:startExecution.sync:2 of the CONTENDER definition, contender-states.ts)
//       --catch anything--> remove what its runs left (leftover-states.ts), then
//                           ScoreFailedExecution (the scorer turns the error into a failure row)
//                             --catch--> ExecutionFailedUnscored (a bare "crash:" row)
//     IsHarnessFault? -> HarnessFault (Fail: the execution fails with the harness's error)
//     ContenderScored (the child's ContenderScore)
//   Rank (the scorer, action "rank", over every ContenderScore; OutputPath $.Payload = the
//         ResultDocument, the execution output)
//
// Why a child execution per contender, and not a Distributed Map: what one contender does must
// not cost the others their results. Step Functions fails a whole execution, uncatchably, when a
// state's input or output exceeds 256 KiB (States.DataLimitExceeded) or its history reaches
// 25,000 events; a contender returning 300 KB, or ten runs failing with 32 KB error messages each,
// did exactly that to everyone. Inside its own execution it only fails that execution, which the
// parent's RunContender Task catches. A Distributed Map would isolate as well and lift the inline
// Map's 40-iterations-at-once cap, but its iterations' failures surface as a Map-level tolerated-
// failure count, not as one caught error per contender, it needs a third policy set (map runs),
// and aws-local-stepfunctions 3.0.0 ignores ProcessorConfig.Mode (it would run it inline, without
// isolation), so the two engines would no longer run the same workflow. The cost of this choice:
// on AWS at most 40 contenders run at once (inline Map), the rest start as others finish.
//
// Sizes (measured by tests/harness-definition-payload.test.ts, fake integrations, maximal 4 KB log
// tails): the parent carries under 1 KB per contender (RunContender's output, its ContenderScore
// beside the contender's name: 846 bytes; 6,599 bytes for 8 contenders in the Contenders output);
// a child carries its runs' log tails (~5.7 KB each): 59,702 bytes at 10 runs, 195,102 bytes at
// MAX_RUNS_PER_CONTENDER with 64-character names, the largest payload being ScoreContender's input.
//
// Interpreter constraints honoured (DESIGN.md decision 1): no JSONPath filter expressions, no
// States.JsonToString, no nested intrinsic functions, no explicit `ResultPath: "$"`, every Task
// with TimeoutSeconds.
import { z } from "zod";
import { parsePayload } from "./contracts";
import { INVOKE_TIMEOUT_S, LAMBDA_SERVICE_RETRY } from "./asl-common";
import { contenderExecutionTimeoutS } from "./contender-states";
import { leftoverStates } from "./leftover-states";
import { MAX_CONTENDERS } from "./execution-input";
import { TASK_STATES } from "./task-states";

export { buildContenderDefinition, contenderExecutionTimeoutS } from "./contender-states";
export {
  extraHistoryEventsPerSunkContender,
  historyEventsPerContenderExecution,
  historyEventsPerExecution,
  maxContendersPerExecution,
  MAX_HISTORY_EVENTS,
  sunkContendersWithinQuota,
} from "./history";
export { MAX_PARALLEL_VALIDATIONS } from "./validation-states";

export { ExecutionContender, ExecutionInput, MAX_CONTENDERS } from "./execution-input";
export { TASK_STATES, type TaskStateName } from "./task-states";
export type * from "./task-states";
export { MAX_UPLOADS_LISTED_PER_RUN } from "./run-states";

/**
 * Most runs one contender may have: 32 x ~5.7 KB (log tail + key) = ~185 KB in the largest
 * state of an iteration, leaving room for long names and failed runs' error causes.
 */
export const MAX_RUNS_PER_CONTENDER = 32;

export const DefinitionParams = z.strictObject({
  validatorArn: z.string().min(1),
  scorerArn: z.string().min(1),
  bucket: z.string().min(1),
  filesPrefix: z.string().min(1),
  runsPerContender: z
    .number()
    .int()
    .min(1)
    .max(MAX_RUNS_PER_CONTENDER, `must be at most ${MAX_RUNS_PER_CONTENDER}: one contender's runs must fit in a 256 KiB Step Functions payload`),
  /** Parallel runs per contender; 0 = no limit. */
  maxConcurrency: z.number().int().min(0),
  /**
   * Contenders running at once; 0 = all at once (on AWS an inline Map runs at most 40 iterations
   * at once, so "all" means up to 40); 1 = one at a time, for timings no other contender disturbs.
   */
  contenderConcurrency: z.number().int().min(0).max(MAX_CONTENDERS),
  /** The contender definition's state machine (the parent starts one execution of it per contender). */
  contenderStateMachineArn: z.string().min(1),
  maxRunTimeMs: z.number().positive(),
  expectedObjectCount: z.number().int().nonnegative(),
  region: z.string().min(1),
});
export type DefinitionParams = z.infer<typeof DefinitionParams>;

/** What the contender definition needs: everything but the parent's own settings (which it ignores). */
export const ContenderDefinitionParams = z.object(DefinitionParams.omit({ contenderConcurrency: true, contenderStateMachineArn: true }).shape);
export type ContenderDefinitionParams = z.infer<typeof ContenderDefinitionParams>;

/** Error of the parent's Fail state when a contender's execution reported a harness fault. */
export const HARNESS_FAULT_ERROR_PATH = "$.child.score.harness_error.error";

/**
 * Transient Step Functions errors when starting a child execution (quota hiccups and throttling;
 * names as the integration reports them). A child that ran and failed is NOT retried: its
 * failure is the contender's result.
 */
const START_EXECUTION_RETRY = [
  {
    ErrorEquals: ["StepFunctions.ExecutionLimitExceededException", "StepFunctions.SdkClientException", "StepFunctions.AWSStepFunctionsException"],
    IntervalSeconds: 2,
    MaxAttempts: 3,
    BackoffRate: 2,
    JitterStrategy: "FULL",
  },
];

/** The parent state machine: input ExecutionInput, output the ResultDocument. */
export function buildDefinition(input: DefinitionParams): Record<string, unknown> {
  const p = parsePayload(DefinitionParams, input, "definition parameters");
  return {
    Comment: "s3-archive-bench: run every contender in its own child execution, then rank",
    StartAt: "Contenders",
    States: {
      Contenders: {
        Type: "Map",
        ItemsPath: "$.contenders",
        MaxConcurrency: p.contenderConcurrency,
        ItemSelector: {
          "contender.$": "$$.Map.Item.Value.name",
          "function_arn.$": "$$.Map.Item.Value.function_arn",
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: TASK_STATES.runContender,
          States: {
            [TASK_STATES.runContender]: {
              Type: "Task",
              Resource: "arn:aws:states:::states:startExecution.sync:2",
              Parameters: {
                StateMachineArn: p.contenderStateMachineArn,
                Input: {
                  "contender.$": "$.contender",
                  "function_arn.$": "$.function_arn",
                  // Names the archive keys of every run of this execution.
                  "execution.$": "$$.Execution.Name",
                  // Links the child to this execution in the console (AWS's documented field).
                  "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id",
                },
              },
              ResultSelector: { "score.$": "$.Output" },
              ResultPath: "$.child",
              // The child's own TimeoutSeconds ends it first; this only bounds a lost child.
              TimeoutSeconds: contenderExecutionTimeoutS(p) + 300,
              Retry: START_EXECUTION_RETRY,
              Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.execution_error", Next: TASK_STATES.listLeftArchives }],
              Next: "IsHarnessFault",
            },
            IsHarnessFault: {
              Type: "Choice",
              Choices: [{ Variable: "$.child.score.harness_error", IsPresent: true, Next: "HarnessFault" }],
              Default: "ContenderScored",
            },
            // A harness fault (validator unavailable, dataset mismatch, unpriced region) fails
            // the whole execution: no ranking is published on a broken harness.
            HarnessFault: { Type: "Fail", ErrorPath: HARNESS_FAULT_ERROR_PATH, CausePath: "$.child.score.harness_error.cause" },
            ContenderScored: { Type: "Pass", InputPath: "$.child.score", End: true },
            // The failed child's own cleanup may not have run: remove what its runs left behind.
            ...leftoverStates(p.bucket, TASK_STATES.scoreFailedExecution),
            [TASK_STATES.scoreFailedExecution]: {
              Type: "Task",
              Resource: "arn:aws:states:::lambda:invoke",
              Parameters: {
                FunctionName: p.scorerArn,
                Payload: { action: "contender-execution-failed", "contender.$": "$.contender", "error.$": "$.execution_error" },
              },
              TimeoutSeconds: INVOKE_TIMEOUT_S,
              Retry: LAMBDA_SERVICE_RETRY,
              OutputPath: "$.Payload",
              Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.scorer_error", Next: "ExecutionFailedUnscored" }],
              End: true,
            },
            ExecutionFailedUnscored: {
              Type: "Pass",
              Parameters: {
                failure: {
                  "contender.$": "$.contender",
                  "reason.$": "States.Format('crash: the contender execution failed: {}', $.execution_error.Error)",
                },
              },
              End: true,
            },
          },
        },
        ResultPath: "$.scores",
        Next: TASK_STATES.rank,
      },
      [TASK_STATES.rank]: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: p.scorerArn, Payload: { action: "rank", "scores.$": "$.scores" } },
        TimeoutSeconds: INVOKE_TIMEOUT_S,
        Retry: LAMBDA_SERVICE_RETRY,
        // Not caught: a ranking failure fails the execution (the harness broke, not a contender).
        OutputPath: "$.Payload",
        End: true,
      },
    },
  };
}
