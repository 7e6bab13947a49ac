// The matrix's progress from a root history shaped as AWS writes it for Task states (moto's test
// double uses Choice/Pass stand-ins instead, tests/bench-matrix-aws.test.ts): events chained by
// previousEventId, two functions' Memories iterations interleaved, one child execution failing
// into ConfigurationFailed, and the history delivered in polls with repeats.
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { MatrixHistoryTracker } from "../cli/matrix-aws-history";
import { matrixInput } from "./fixtures/sfn-moto-matrix";

const input = matrixInput("us-east-1", "results");
const T0 = Date.parse("2026-12-02T10:00:00Z");

class History {
  readonly events: HistoryEvent[] = [];
  add(type: string, previous: number, extra: Partial<HistoryEvent> = {}, minutes = 0): number {
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: previous, type: type as HistoryEvent["type"], timestamp: new Date(T0 + minutes * 60_000), ...extra });
    return id;
  }
  /** One configuration's iteration: MapIterationStarted .. SampleConfiguration (Task) .. end; returns the last id. */
  configuration(previous: number, fn: number, memory: number, minutes: number, fails = false): number {
    const f = input.functions[fn]!;
    const config = { run_id: "r", table: "results", region: "us-east-1", configuration: { function_arn: f.function_arn, runtime: f.runtime, architecture: f.architecture, workload: f.workload, memory_mb: memory } };
    let at = this.add("MapIterationStarted", previous, { mapIterationStartedEventDetails: { name: "Memories", index: 0 } }, minutes);
    at = this.add("TaskStateEntered", at, { stateEnteredEventDetails: { name: "SampleConfiguration", input: JSON.stringify(config) } }, minutes);
    at = this.add("TaskScheduled", at, {}, minutes);
    at = this.add("TaskStarted", at, {}, minutes);
    at = this.add("TaskSubmitted", at, {}, minutes);
    if (fails) {
      at = this.add("TaskFailed", at, {}, minutes + 5);
      const caught = { ...config, error: { Error: "States.TaskFailed", Cause: '{"errorMessage":"child failed: Matrix.SamplerFailed"}' } };
      at = this.add("PassStateEntered", at, { stateEnteredEventDetails: { name: "ConfigurationFailed", input: JSON.stringify(caught) } }, minutes + 5);
      at = this.add("PassStateExited", at, { stateExitedEventDetails: { name: "ConfigurationFailed", output: "{}" } }, minutes + 5);
    } else {
      at = this.add("TaskSucceeded", at, {}, minutes + 5);
      at = this.add("TaskStateExited", at, { stateExitedEventDetails: { name: "SampleConfiguration", output: '{"status":"SUCCEEDED"}' } }, minutes + 5);
    }
    return this.add("MapIterationSucceeded", at, { mapIterationSucceededEventDetails: { name: "Memories", index: 0 } }, minutes + 5);
  }
}

describe("matrix progress from an AWS-shaped root history", () => {
  it("names each configuration once, counts the failed one, and estimates the time left", () => {
    const h = new History();
    const started = h.add("ExecutionStarted", 0);
    const fnA = h.add("MapIterationStarted", started, { mapIterationStartedEventDetails: { name: "Functions", index: 0 } });
    const fnB = h.add("MapIterationStarted", started, { mapIterationStartedEventDetails: { name: "Functions", index: 1 } });
    // Function 0 (cpu, one size) and function 1 (light, two sizes, the second failing), interleaved.
    const b1 = h.configuration(fnB, 1, 1024, 0);
    const a1 = h.configuration(fnA, 0, 1024, 5);
    h.add("MapIterationSucceeded", a1, { mapIterationSucceededEventDetails: { name: "Functions", index: 0 } }, 10);
    const b2 = h.configuration(b1, 1, 1769, 10, true);
    h.add("MapIterationSucceeded", b2, { mapIterationSucceededEventDetails: { name: "Functions", index: 1 } }, 15);
    h.add("TaskStateEntered", b2, { stateEnteredEventDetails: { name: "FinishRun", input: "{}" } }, 15);

    const notes: string[] = [];
    const tracker = new MatrixHistoryTracker(input, { onEvent: () => undefined, note: (m) => notes.push(m) });
    // Polls: a first batch newest-first, then everything again (repeats are ignored).
    tracker.ingest(h.events.slice(0, 12).reverse());
    tracker.ingest(h.events);
    expect(tracker.lastEventId).toBe(h.events.length);
    expect(notes).toEqual([
      "nodejs22.x x86_64 light 1024 MB: sampled | configurations 1/3, samples 5/15, ETA 10m00s",
      "nodejs22.x arm64 cpu 1024 MB: sampled | configurations 2/3, samples 10/15, ETA 5m00s",
      "nodejs22.x x86_64 light 1769 MB: failed: States.TaskFailed: child failed: Matrix.SamplerFailed | configurations 3/3 (1 failed), samples 15/15",
      "comparing architectures (3/3 configurations done, 1 failed)",
    ]);
  });

  it("still counts configurations when the input is not a matrix input (e.g. attached to another machine)", () => {
    const h = new History();
    const started = h.add("ExecutionStarted", 0);
    h.configuration(started, 0, 1024, 1);
    const notes: string[] = [];
    new MatrixHistoryTracker(undefined, { onEvent: () => undefined, note: (m) => notes.push(m) }).ingest(h.events);
    expect(notes).toEqual(["nodejs22.x arm64 cpu 1024 MB: sampled | configurations 1/?"]);
  });
});
