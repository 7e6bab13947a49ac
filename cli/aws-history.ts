// Turns Step Functions execution-history events into progress events, from the contracts rather
// than from state names: the outer Map iterates over the execution input's `contenders` (iteration
// i = contenders[i]); a state of that iteration whose output is a ContenderScore means the
// contender's child execution ended and was scored (its runs and validations are in the child's
// own history, which is not read here); an inner iteration whose final output is a RunOutcome is a finished run; a
// state output carrying a ValidationOutcome under `validation` is the validation; a task whose
// Payload is the scorer's rank event is the ranking. That also holds for Pass states standing in for tasks.
//
// Each event is attributed to its Map iteration by following `previousEventId`, which in AWS (and
// moto) links an event to the previous one of the same branch: MapIterationStarted opens an
// iteration frame, MapIteration{Succeeded,Failed,Aborted} closes it for the events that follow.
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { z } from "zod";
import { RankableScore, RankEvent, RunOutcome, ValidationOutcome } from "../harness/contracts";
import type { ExecutionInput } from "./aws-outputs";
import type { ProgressSink } from "./progress";
import { parseJsonText, taskErrorText } from "./task-error";

interface Frame {
  map: string;
  index: number;
}

const ITERATION_END = new Set(["MapIterationSucceeded", "MapIterationFailed", "MapIterationAborted"]);

/** The output of any *StateExited event. */
function stateOutput(event: HistoryEvent): unknown {
  return parseJsonText(event.stateExitedEventDetails?.output);
}

export class ExecutionHistoryTracker {
  private readonly paths = new Map<number, Frame[]>();
  private readonly events = new Map<number, HistoryEvent>();
  private readonly startedContenders = new Set<number>();
  private readonly validated = new Set<number>();
  private readonly finished = new Set<number>();
  private readonly runsStarted = new Set<number>();
  private lastId = 0;
  private rankingNoted = false;

  constructor(
    private readonly input: ExecutionInput | undefined,
    private readonly sink: ProgressSink,
  ) {}

  /** The highest event id ingested so far (for fetching only newer events). */
  get lastEventId(): number {
    return this.lastId;
  }

  /** Feeds events in any order and with repeats; each event is handled once, in id order. */
  ingest(events: readonly HistoryEvent[]): void {
    const fresh = events.filter((e) => e.id !== undefined && e.id > this.lastId).sort((a, b) => a.id! - b.id!);
    for (const event of fresh) {
      if (event.id! <= this.lastId) continue; // duplicate inside one batch
      this.lastId = event.id!;
      this.events.set(event.id!, event);
      const path = this.pathOf(event);
      this.paths.set(event.id!, path);
      this.handle(event, path);
    }
  }

  private pathOf(event: HistoryEvent): Frame[] {
    const previous = this.events.get(event.previousEventId ?? 0);
    let path = previous ? (this.paths.get(previous.id!) ?? []) : [];
    // The event after an iteration's end is outside that iteration.
    if (previous && ITERATION_END.has(previous.type ?? "")) path = path.slice(0, -1);
    if (event.type === "MapIterationStarted") {
      const details = event.mapIterationStartedEventDetails;
      const map = details?.name ?? "?";
      // A later iteration may link to the last event of a sibling iteration (moto does, when
      // MaxConcurrency frees a slot): leave that sibling's frame first. State names are unique
      // in a state machine, so a frame of the same Map is always a sibling, never an ancestor.
      const sibling = path.findIndex((frame) => frame.map === map);
      if (sibling >= 0) path = path.slice(0, sibling);
      path = [...path, { map, index: details?.index ?? 0 }];
    }
    return path;
  }

  private contenderName(index: number): string {
    return this.input?.contenders[index]?.name ?? `contender #${index}`;
  }

  private handle(event: HistoryEvent, path: Frame[]): void {
    const contender = path[0]?.index;
    if (event.type === "MapIterationStarted" && path.length === 1 && contender !== undefined) {
      if (!this.startedContenders.has(contender)) {
        this.startedContenders.add(contender);
        this.sink.onEvent({ kind: "started", contender: this.contenderName(contender) });
      }
      return;
    }
    // The first Map inside a contender's iteration is its runs; its length is the run count.
    if (event.type === "MapStateStarted" && path.length === 1 && contender !== undefined) {
      const runs = event.mapStateStartedEventDetails?.length;
      if (runs !== undefined && !this.runsStarted.has(contender)) {
        this.runsStarted.add(contender);
        this.sink.onEvent({ kind: "runs-started", contender: this.contenderName(contender), runs });
      }
      return;
    }
    // A run iteration ended: its last state's output is the RunOutcome the scorer will read.
    if (event.type === "MapIterationSucceeded" && path.length === 2 && contender !== undefined) {
      const last = this.events.get(event.previousEventId ?? 0);
      const outcome = last ? RunOutcome.safeParse(stateOutput(last)) : undefined;
      if (outcome?.success) {
        const run = outcome.data;
        this.sink.onEvent({
          kind: "run-finished",
          contender: this.contenderName(contender),
          run: run.index,
          ok: run.ok,
          detail: run.ok ? undefined : taskErrorText(run.error),
        });
      }
      return;
    }
    if (event.type?.endsWith("StateExited") && path.length === 1 && contender !== undefined) {
      // The contender's child execution ended and was scored: the iteration's output is its score.
      const score = RankableScore.safeParse(stateOutput(event));
      if (score.success && !this.finished.has(contender)) {
        this.finished.add(contender);
        const s = score.data;
        this.sink.onEvent({ kind: "finished", contender: this.contenderName(contender), ok: "success" in s, detail: "failure" in s ? s.failure.reason : undefined });
        return;
      }
      const output = stateOutput(event) as { validations?: unknown } | undefined;
      const validations = z.array(ValidationOutcome).safeParse(output?.validations);
      if (validations.success && !this.validated.has(contender)) {
        this.validated.add(contender);
        for (const v of validations.data) {
          const ok = "ok" in v && v.ok;
          const error = "harness_error" in v ? v.harness_error : !v.ok ? v.error : undefined;
          this.sink.onEvent({
            kind: "validated",
            contender: this.contenderName(contender),
            run: v.index + 1,
            ok,
            detail: error ? taskErrorText(error) : undefined,
          });
        }
      }
      return;
    }
    if (path.length === 0 && !this.rankingNoted) {
      // The Rank task's Payload (AWS) or a state's input (a Pass stand-in) is a RankEvent.
      const parameters = parseJsonText(event.taskScheduledEventDetails?.parameters) as { Payload?: unknown } | undefined;
      const candidate = parameters?.Payload ?? parseJsonText(event.stateEnteredEventDetails?.input);
      if (candidate !== undefined && RankEvent.safeParse(candidate).success) {
        this.rankingNoted = true;
        this.sink.note("ranking");
      }
    }
  }
}
