// Step Functions' history quota, counted for both definitions. Inline Map iterations write into
// the history of the execution that holds the Map, so a contender's runs and validations count
// against ITS child execution, and the parent only sees a handful of events per contender.
// Sources: "Avoid reaching the history quota"
// (https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html) and "Using Map
// state in Inline mode" (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html).
// The local interpreter has no such quota, so only these counts catch it before AWS does.
import { MAX_CONTENDERS } from "./execution-input";
import { MAX_LEFTOVERS_LISTED } from "./leftover-states";

/** Step Functions' hard quota on one execution's event history. */
export const MAX_HISTORY_EVENTS = 25_000;
/** Room left for what the counts below do not include: retried calls (3 events each), failed cleanups. */
export const HISTORY_HEADROOM = 0.9;

/**
 * Events per state, as both suites count them: a Task 6 (Entered, Scheduled, Started, Submitted
 * where the integration reports it, Succeeded/Failed, Exited), a Pass, Choice or Fail 2, a Map 4
 * plus 2 per iteration (MapIterationStarted/Succeeded), an execution 2 (Started, Succeeded/Failed).
 */
export const HISTORY_EVENTS = { task: 6, pass: 2, choice: 2, map: 4, iteration: 2, execution: 2 } as const;
const { task: TASK, pass: PASS, choice: CHOICE, map: MAP, iteration: ITERATION, execution: EXECUTION } = HISTORY_EVENTS;

/**
 * Events of one contender's child execution along its longest usual path: every run killed
 * (timeout, OOM) with one multipart upload left to abort, then every archive validated.
 */
export function historyEventsPerContenderExecution(runsPerContender: number): number {
  // NameArchive, InvokeContender, RecordRun*, ListMultipartUploads, HasUploads, AbortUploads (one upload), RunOutcome
  const run = ITERATION + PASS + TASK + PASS + TASK + CHOICE + MAP + (ITERATION + TASK) + PASS;
  // ValidateArchive, Record*Archive, DeleteArchive, ValidationOutcome
  const validation = ITERATION + TASK + PASS + TASK + PASS;
  return (
    EXECUTION +
    TASK + CHOICE + PASS + PASS + // GetFunctionConfiguration, HasRuntime, Keep*Config, RunIndices
    MAP + runsPerContender * run + // Runs
    CHOICE + // AllRunsSucceeded
    MAP + runsPerContender * validation + // Validations (DeleteArchives is shorter)
    CHOICE + PASS + TASK // ValidationRan, Record*Outcome, ScoreContender
  );
}

/** Events of the parent execution: per contender RunContender, IsHarnessFault, ContenderScored. */
export function historyEventsPerExecution(contenders: number): number {
  const contender = ITERATION + TASK + CHOICE + PASS;
  return EXECUTION + MAP + contenders * contender + TASK; // Contenders, Rank
}

/**
 * What a contender whose child execution failed adds to the parent's history, at most: its
 * leftovers listed, deleted and aborted (MAX_LEFTOVERS_LISTED of each), then its failure scored,
 * instead of IsHarnessFault and ContenderScored.
 */
export function extraHistoryEventsPerSunkContender(): number {
  const cleanup = (items: number) => TASK + CHOICE + MAP + items * (ITERATION + TASK);
  return cleanup(MAX_LEFTOVERS_LISTED) + cleanup(MAX_LEFTOVERS_LISTED) + TASK - CHOICE - PASS;
}

/** How many contenders' executions may fail with the most leftovers before the parent nears the quota. */
export function sunkContendersWithinQuota(contenders: number): number {
  const budget = Math.floor(MAX_HISTORY_EVENTS * HISTORY_HEADROOM);
  return Math.floor((budget - historyEventsPerExecution(contenders)) / extraHistoryEventsPerSunkContender());
}

/**
 * Most contenders one execution takes (MAX_CONTENDERS, which the Rank payload bounds, unless the
 * parent's history would come near the quota first), or 0 when even one contender's child
 * execution would exceed it at `runsPerContender` runs.
 */
export function maxContendersPerExecution(runsPerContender: number): number {
  const budget = Math.floor(MAX_HISTORY_EVENTS * HISTORY_HEADROOM);
  if (historyEventsPerContenderExecution(runsPerContender) > budget) return 0;
  const fixed = historyEventsPerExecution(0);
  const each = historyEventsPerExecution(1) - fixed;
  return Math.min(MAX_CONTENDERS, Math.floor((budget - fixed) / each));
}
