// One sampler call: takes the samples of ONE (function, memory) configuration, in order: memory
// set, then `cold` forced cold starts, then `warm` warm invocations, each written to the results
// table as soon as it is taken. It stops starting samples once the next one might not fit in
// `time_budget_ms` and hands back a continuation; the state machine calls it again with it.
//
// Bounds (they make the workflow's history count finite, harness/matrix/history.ts):
// - every call takes at least one sample attempt, unless the configuration is complete;
// - a misclassified sample is retried up to MAX_ATTEMPTS_PER_SLOT attempts in all, then its slot
//   is given up (counted as misclassified, never averaged in); a failed sample is not retried.
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { MAX_ATTEMPTS_PER_SLOT, type SamplerContinuation, type SamplerEvent, type SamplerResult, type SampleKind } from "../../harness/matrix/contracts";
import { putItem, sampleSortKey, TTL_ATTRIBUTE, type SampleItem } from "../../harness/matrix/results-table";
import { classifySample } from "./classify";
import { DEFAULT_TIMING, FunctionControl, type ControlTiming } from "./function-control";


export interface SamplerDeps {
  lambda: LambdaClient;
  dynamo: DynamoDBClient;
  timing?: ControlTiming;
  /** When the sampler's own invocation times out (epoch ms), from context.getRemainingTimeInMillis. */
  deadlineMs?: number;
}

/** Room for one slot's own API calls and its DynamoDB write, besides the invoke and the update wait. */
const SLOT_MARGIN_MS = 10_000;

export async function sampleConfiguration(event: SamplerEvent, deps: SamplerDeps): Promise<SamplerResult> {
  const started = Date.now();
  const { configuration: config } = event;
  const state: SamplerContinuation = { ...(event.continuation ?? { cold_done: 0, warm_done: 0, slot_attempts: 0, next_seq: 0 }) };
  const taken = { ok: 0, failed: 0, misclassified: 0 };
  const payload = new TextEncoder().encode(JSON.stringify(event.payload));
  const timing = deps.timing ?? DEFAULT_TIMING;
  const control = new FunctionControl(deps.lambda, config.function_arn, timing);
  const current = await control.ensureMemory(config.memory_mb);
  // The longest a slot can take whatever happened so far: the function's timeout, the longest wait
  // for an update, and the margin. A slot starts only if it ends before the sampler's own timeout,
  // so no sampler invocation is ever cut (nor lasts past Lambda's 15 minutes).
  const worstSlotMs = (current.Timeout ?? 900) * 1000 + timing.waitLimitMs + SLOT_MARGIN_MS;
  let longestSlotMs = 0;
  for (;;) {
    const kind: SampleKind | null = state.cold_done < event.cold ? "cold" : state.warm_done < event.warm ? "warm" : null;
    if (!kind) return { done: true, continuation: state, taken };
    const attempts = taken.ok + taken.failed + taken.misclassified;
    // The next slot is assumed to last as long as the longest one so far.
    const overBudget = Date.now() - started + longestSlotMs > event.time_budget_ms;
    const pastDeadline = deps.deadlineMs !== undefined && Date.now() + worstSlotMs > deps.deadlineMs;
    if (attempts > 0 && (overBudget || pastDeadline)) return { done: false, continuation: state, taken };

    const slotStart = Date.now();
    if (kind === "cold") await control.forceColdStart();
    const invokeStarted = Date.now();
    const response = await deps.lambda.send(new InvokeCommand({ FunctionName: config.function_arn, Payload: payload, LogType: "Tail" }));
    const invokeEnded = Date.now();
    const result = classifySample(
      kind,
      { FunctionError: response.FunctionError, LogResult: response.LogResult, payload: new TextDecoder().decode(response.Payload ?? new Uint8Array()) },
      event.expected_checksum,
    );
    const m = result.metrics;
    const item: SampleItem = {
      pk: event.run_id,
      sk: sampleSortKey(config, state.next_seq),
      ...config,
      kind,
      seq: state.next_seq,
      status: result.status,
      reason: result.reason,
      request_id: m?.requestId ?? null,
      duration_ms: m?.durationMs ?? null,
      billed_duration_ms: m?.billedDurationMs ?? null,
      init_duration_ms: m?.initDurationMs ?? null,
      max_memory_used_mb: m?.maxMemoryUsedMb ?? null,
      memory_size_mb: m?.memorySizeMb ?? null,
      invoke_started_ms: invokeStarted,
      invoke_ended_ms: invokeEnded,
      [TTL_ATTRIBUTE]: Math.floor(invokeEnded / 1000) + event.sample_ttl_s,
    };
    await putItem(deps.dynamo, event.table, item);
    taken[result.status]++;
    state.next_seq++;
    state.slot_attempts++;
    const retry = result.status === "misclassified" && state.slot_attempts < MAX_ATTEMPTS_PER_SLOT;
    if (!retry) {
      if (kind === "cold") state.cold_done++;
      else state.warm_done++;
      state.slot_attempts = 0;
    }
    longestSlotMs = Math.max(longestSlotMs, Date.now() - slotStart);
  }
}
