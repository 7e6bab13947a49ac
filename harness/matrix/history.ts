// Worst-case history events of the matrix's two state machines, against Step Functions' quota of
// 25,000 events per execution (harness/definition.ts MAX_HISTORY_EVENTS, with its sources).
// Counting, as for the contest: a Task 6 events (Entered, Scheduled, Started, Submitted where
// the integration reports it, Succeeded/Failed, Exited), a Pass/Choice/Fail 2, a Map 4 plus 2 per
// iteration (MapIterationStarted/Succeeded), the execution 2 (Started, Succeeded/Failed). Lambda
// service retries add 3 per retried call: the headroom below covers them.
import { MAX_HISTORY_EVENTS } from "../definition";

const TASK = 6;
const PASS = 2;
const CHOICE = 2;
const MAP = 4;
const ITERATION = 2;
const EXECUTION = 2;
/** Share of the quota the counted worst case may use; the rest is for retried calls. */
export const HISTORY_HEADROOM = 0.9;

/**
 * Most sampler calls one configuration can need: each call makes at least one attempt, and each
 * sample slot takes at most `maxAttemptsPerSlot` attempts (misclassified samples are retried).
 */
export function maxSamplerCalls(cold: number, warm: number, maxAttemptsPerSlot: number): number {
  return Math.max(1, (cold + warm) * maxAttemptsPerSlot);
}

/** Configuration machine: Prepare, then per call Sample + Done + Continue, then Aggregate, SamplerFailed, end state. */
export function configurationHistoryEvents(cold: number, warm: number, maxAttemptsPerSlot: number): number {
  const calls = maxSamplerCalls(cold, warm, maxAttemptsPerSlot);
  return EXECUTION + PASS + calls * (TASK + CHOICE + PASS) + TASK + CHOICE + PASS;
}

/** Root machine for functions with these numbers of memory sizes (every child counted as a failure, +2 for its Pass). */
export function rootHistoryEvents(memorySizesPerFunction: readonly number[]): number {
  const perFunction = (sizes: number) => ITERATION + MAP + sizes * (ITERATION + TASK + PASS);
  return EXECUTION + TASK + MAP + memorySizesPerFunction.reduce((sum, sizes) => sum + perFunction(sizes), 0) + TASK;
}

export const HISTORY_BUDGET = Math.floor(MAX_HISTORY_EVENTS * HISTORY_HEADROOM);

/** Throws, naming the quota, when either machine's worst case would not fit. */
export function checkHistoryBudget(cold: number, warm: number, maxAttemptsPerSlot: number, memorySizesPerFunction: readonly number[]): void {
  const child = configurationHistoryEvents(cold, warm, maxAttemptsPerSlot);
  if (child > HISTORY_BUDGET) {
    throw new Error(
      `${cold} cold + ${warm} warm samples per configuration could need ${child} history events in one configuration ` +
        `execution (worst case: one sample attempt per sampler call), over ${HISTORY_BUDGET} (90% of Step Functions' ${MAX_HISTORY_EVENTS})`,
    );
  }
  const root = rootHistoryEvents(memorySizesPerFunction);
  if (root > HISTORY_BUDGET) {
    throw new Error(`${memorySizesPerFunction.length} functions could need ${root} history events in the run's execution, over ${HISTORY_BUDGET}`);
  }
}
