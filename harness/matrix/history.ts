// Worst-case history events of the matrix's two state machines, against Step Functions' quota of
// 25,000 events per execution (harness/history.ts MAX_HISTORY_EVENTS, with its sources).
// Counted per state exactly as the contest's (harness/history.ts HISTORY_EVENTS); Lambda service
// retries add 3 per retried call, which the shared headroom covers.
import { HISTORY_EVENTS, HISTORY_HEADROOM, MAX_HISTORY_EVENTS } from "../history";

const { task: TASK, pass: PASS, choice: CHOICE, map: MAP, iteration: ITERATION, execution: EXECUTION } = HISTORY_EVENTS;

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
