// ExecutionHistoryTracker on the Task-shaped events AWS records (moto can only run Pass-state
// doubles, which bench-aws.test.ts drives): the parent's per-contender scores, and the older
// single-execution shape (lambda:invoke Task events, caught failures, validations, the rank Payload).
import { readFileSync } from "node:fs";
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { ExecutionHistoryTracker } from "../cli/aws-history";
import type { ProgressEvent, ProgressSink } from "../cli/progress";

function recorder() {
  const events: (ProgressEvent | { note: string })[] = [];
  const sink: ProgressSink = { onEvent: (e) => events.push(e), note: (note) => events.push({ note }) };
  return { sink, events };
}

const input = {
  contenders: [
    { name: "typescript-a-arm64", function_arn: "arn:aws:lambda:eu-west-1:123456789012:function:a" },
    { name: "typescript-b-arm64", function_arn: "arn:aws:lambda:eu-west-1:123456789012:function:b" },
  ],
};

/** A real success row (less its rank): what a contender's execution outputs when it succeeded. */
const { rank: _rank, ...SUCCESS_ROW } = (
  JSON.parse(readFileSync(new URL("./fixtures/result-document.json", import.meta.url), "utf8")) as { success: { rank: number }[] }
).success[0]!;

let id = 0;
function ev(previousEventId: number, type: string, details: Partial<HistoryEvent> = {}): HistoryEvent {
  return { id: ++id, previousEventId, type: type as HistoryEvent["type"], timestamp: new Date(0), ...details };
}
const exited = (prev: number, name: string, output: unknown) =>
  ev(prev, "TaskStateExited", { stateExitedEventDetails: { name, output: JSON.stringify(output) } });

describe("ExecutionHistoryTracker on the parent execution of child executions", () => {
  it("reports each contender started, then finished with its score or failure reason, once", () => {
    id = 0;
    const h: HistoryEvent[] = [];
    const push = (e: HistoryEvent) => (h.push(e), e.id!);
    push(ev(0, "ExecutionStarted"));
    const map = push(ev(push(ev(0, "MapStateEntered")), "MapStateStarted", { mapStateStartedEventDetails: { length: 2 } }));
    const it0 = push(ev(map, "MapIterationStarted", { mapIterationStartedEventDetails: { name: "Contenders", index: 0 } }));
    const it1 = push(ev(map, "MapIterationStarted", { mapIterationStartedEventDetails: { name: "Contenders", index: 1 } }));
    const failed = { failure: { contender: "typescript-b-arm64", reason: "crash: the contender's results exceeded Step Functions' 256 KiB payload limit" } };
    const end1 = push(exited(push(ev(it1, "TaskStateEntered")), "ScoreFailedExecution", failed));
    push(ev(end1, "MapIterationSucceeded", { mapIterationSucceededEventDetails: { name: "Contenders", index: 1 } }));
    const run0 = push(exited(push(ev(it0, "TaskStateEntered")), "RunContender", { contender: "typescript-a-arm64", child: { score: { success: { contender: "typescript-a-arm64" } } } }));
    const scored0 = push(ev(run0, "PassStateExited", { stateExitedEventDetails: { name: "ContenderScored", output: JSON.stringify({ success: SUCCESS_ROW }) } }));
    push(ev(scored0, "MapIterationSucceeded", { mapIterationSucceededEventDetails: { name: "Contenders", index: 0 } }));

    const { sink, events } = recorder();
    const tracker = new ExecutionHistoryTracker(input, sink);
    tracker.ingest(h);
    tracker.ingest(h);
    expect(events).toEqual([
      { kind: "started", contender: "typescript-a-arm64" },
      { kind: "started", contender: "typescript-b-arm64" },
      { kind: "finished", contender: "typescript-b-arm64", ok: false, detail: failed.failure.reason },
      { kind: "finished", contender: "typescript-a-arm64", ok: true, detail: undefined },
    ]);
  });
});

describe("ExecutionHistoryTracker on AWS-shaped Task events", () => {
  it("derives started, runs, failures, validation and ranking", () => {
    id = 0;
    const h: HistoryEvent[] = [];
    const push = (e: HistoryEvent) => (h.push(e), e.id!);
    push(ev(0, "ExecutionStarted"));
    const mapStarted = push(ev(push(ev(0, "MapStateEntered")), "MapStateStarted", { mapStateStartedEventDetails: { length: 2 } }));
    // Contender 0: runs map with one ok run and one caught failure.
    const it0 = push(ev(mapStarted, "MapIterationStarted", { mapIterationStartedEventDetails: { name: "Contenders", index: 0 } }));
    const cfg0 = push(exited(push(ev(it0, "TaskStateEntered")), "GetFunctionConfiguration", {}));
    const runs0 = push(ev(push(ev(cfg0, "MapStateEntered")), "MapStateStarted", { mapStateStartedEventDetails: { length: 2 } }));
    const r0 = push(ev(runs0, "MapIterationStarted", { mapIterationStartedEventDetails: { name: "Runs", index: 0 } }));
    const r1 = push(ev(runs0, "MapIterationStarted", { mapIterationStartedEventDetails: { name: "Runs", index: 1 } }));
    const ok0 = push(exited(push(ev(r0, "TaskSucceeded")), "RecordRunSuccess", { ok: true, index: 0, archive_key: "k0", log_result: "x" }));
    const failed1 = push(
      exited(push(ev(r1, "TaskFailed")), "RecordRunFailure", {
        ok: false,
        index: 1,
        archive_key: "k1",
        error: { Error: "Sandbox.Timedout", Cause: '{"errorMessage":"Task timed out after 3.00 seconds"}' },
      }),
    );
    push(ev(ok0, "MapIterationSucceeded", { mapIterationSucceededEventDetails: { name: "Runs", index: 0 } }));
    const last = push(ev(failed1, "MapIterationSucceeded", { mapIterationSucceededEventDetails: { name: "Runs", index: 1 } }));
    const val = push(exited(push(ev(last, "MapStateExited")), "RecordInvalidArchive", {
      validations: [{ index: 0, ok: false, error: { Error: "InvalidArchive", Cause: '{"errorMessage":"entry 3: CRC-32 mismatch"}' } }],
    }));
    // Contender 1 starts from the last event of contender 0's iteration (as moto links it).
    const it1 = push(ev(val, "MapIterationStarted", { mapIterationStartedEventDetails: { name: "Contenders", index: 1 } }));
    const end1 = push(exited(it1, "RecordConfigError", { contender: "b", config_error: { Error: "Lambda.ResourceNotFoundException" } }));
    const done = push(ev(end1, "MapIterationSucceeded", { mapIterationSucceededEventDetails: { name: "Contenders", index: 1 } }));
    const rank = { action: "rank", scores: [{ failure: { contender: "typescript-b-arm64", reason: "crash: cannot read function configuration: gone" } }] };
    push(ev(push(ev(done, "MapStateExited")), "TaskScheduled", {
      taskScheduledEventDetails: {
        resourceType: "lambda",
        resource: "invoke",
        region: "eu-west-1",
        parameters: JSON.stringify({ FunctionName: "arn:score", Payload: rank }),
      },
    }));

    const { sink, events } = recorder();
    const tracker = new ExecutionHistoryTracker(input, sink);
    // Two polls, the second overlapping the first: every event is handled once.
    tracker.ingest(h.slice(0, 12));
    tracker.ingest([...h].reverse());
    expect(tracker.lastEventId).toBe(h.length);
    expect(events).toEqual([
      { kind: "started", contender: "typescript-a-arm64" },
      { kind: "runs-started", contender: "typescript-a-arm64", runs: 2 },
      { kind: "run-finished", contender: "typescript-a-arm64", run: 0, ok: true, detail: undefined },
      { kind: "run-finished", contender: "typescript-a-arm64", run: 1, ok: false, detail: "Sandbox.Timedout: Task timed out after 3.00 seconds" },
      { kind: "validated", contender: "typescript-a-arm64", run: 1, ok: false, detail: "InvalidArchive: entry 3: CRC-32 mismatch" },
      { kind: "started", contender: "typescript-b-arm64" },
      { note: "ranking" },
    ]);
  });
});
