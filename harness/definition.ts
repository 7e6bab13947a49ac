// The benchmark workflow as an Amazon States Language definition (JSONPath), run unchanged by
// Step Functions on AWS and by aws-local-stepfunctions locally. It only moves data and catches
// errors: every number (stats, prices, gates, ranking) is computed by the score function.
//
//   Contenders (Map over $.contenders, one iteration per contender function: contender-states.ts;
//               each iteration runs, validates, cleans up and scores ITS contender, and outputs
//               only that small ContenderScore; runs in run-states.ts)
//   Rank (the scorer, action "rank", over every ContenderScore; OutputPath $.Payload = the
//         ResultDocument, the execution output)
//
// Payload sizes (Step Functions fails an execution, uncatchably, when a state's input or output
// or a Task's result exceeds 256 KiB): a successful run carries its log tail (base64 of up to
// 4 KB: ~5.5 KB), so a contender's runs stay inside its iteration and are scored there; what
// crosses between iterations is ~1 KB per contender. MAX_RUNS_PER_CONTENDER keeps one
// contender's runs well under the limit (tests/harness-definition-payload.test.ts measures it).
// Residual risk: a FAILED run carries its error's Cause, which Step Functions caps at 32,768
// characters; a contender whose every run fails with an enormous error message (~25 KB or more
// each, at 10 runs) could still exceed the limit. Typical causes are 0.2-2 KB.
//
// Interpreter constraints honoured (DESIGN.md decision 1): no JSONPath filter expressions, no
// States.JsonToString, no explicit `ResultPath: "$"`, every Task with TimeoutSeconds.
import { z } from "zod";
import { INVOKE_TIMEOUT_S, LAMBDA_SERVICE_RETRY } from "./asl-common";
import { contenderStates } from "./contender-states";
import { MAX_CONTENDERS } from "./execution-input";
import { TASK_STATES } from "./task-states";

export { ExecutionContender, ExecutionInput, MAX_CONTENDERS } from "./execution-input";
export { TASK_STATES, type TaskStateName } from "./task-states";
export type * from "./task-states";
export { MAX_UPLOADS_LISTED_PER_RUN } from "./run-states";

/**
 * Most runs one contender may have: 32 x ~5.7 KB (log tail + key) = ~185 KB in the largest
 * state of an iteration, leaving room for long names and failed runs' error causes.
 */
export const MAX_RUNS_PER_CONTENDER = 32;

/**
 * Step Functions' hard quota on one execution's event history. Inline Map iterations write into
 * the parent execution's history, so every run of every contender counts against it; an
 * execution that reaches it fails as a whole (every result lost). Sources: "Avoid reaching the
 * history quota" (https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html) and
 * "Using Map state in Inline mode" (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html).
 * The local interpreter has no such quota, so only this count catches it before AWS does.
 */
export const MAX_HISTORY_EVENTS = 25_000;
/** Room left for what the count below does not include: retried Lambda calls (3 events each), failed cleanups. */
const HISTORY_HEADROOM = 0.9;

/**
 * History events of one execution, counted state by state along the definition's longest usual
 * path: every run killed (timeout, OOM) with one multipart upload left to abort, validation run.
 * A Task is counted at 6 events (Entered, Scheduled, Started, Submitted where the integration
 * reports it, Succeeded/Failed, Exited), a Pass or Choice 2, a Map 4 plus 2 per iteration
 * (MapIterationStarted/Succeeded), the execution 2 (Started, Succeeded).
 */
export function historyEventsPerExecution(contenders: number, runsPerContender: number): number {
  const TASK = 6;
  const PASS = 2;
  const CHOICE = 2;
  const MAP = 4;
  const ITERATION = 2;
  // InvokeContender, RecordRun*, ListMultipartUploads, HasUploads, AbortUploads (one upload), RunOutcome
  const run = ITERATION + TASK + PASS + TASK + CHOICE + MAP + (ITERATION + TASK) + PASS;
  const deleteArchive = ITERATION + TASK;
  const contender =
    ITERATION +
    TASK + CHOICE + PASS + PASS + // GetFunctionConfiguration, HasRuntime, Keep*Config, RunIndices
    MAP + runsPerContender * run + // Runs
    CHOICE + TASK + // AllRunsSucceeded, ValidateArchive
    MAP + runsPerContender * deleteArchive + // DeleteArchives
    CHOICE + PASS + TASK; // ValidationRan, Record*Outcome, ScoreContender
  return 2 + MAP + contenders * contender + TASK; // execution, Contenders, Rank
}

/** Most contenders one execution can take at `runsPerContender` runs each without nearing the history quota. */
export function maxContendersPerExecution(runsPerContender: number): number {
  const budget = Math.floor(MAX_HISTORY_EVENTS * HISTORY_HEADROOM);
  const fixed = historyEventsPerExecution(0, runsPerContender);
  const each = historyEventsPerExecution(1, runsPerContender) - fixed;
  return Math.min(MAX_CONTENDERS, Math.floor((budget - fixed) / each));
}

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
  maxRunTimeMs: z.number().positive(),
  expectedObjectCount: z.number().int().nonnegative(),
  region: z.string().min(1),
});
export type DefinitionParams = z.infer<typeof DefinitionParams>;

export function buildDefinition(input: DefinitionParams): Record<string, unknown> {
  const p = DefinitionParams.parse(input);
  return {
    Comment: "s3-archive-bench: run every contender N times, validate, clean up, score each, rank",
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
