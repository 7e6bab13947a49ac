// The scorer's actions: "score-contender" (one contender, inside its Map iteration), "rank" (the
// small per-contender scores), the older action-less ScoreInput, and the dispatch between them.
import { describe, expect, it } from "vitest";
import {
  ContenderScore,
  InvalidPayloadError,
  ResultDocument,
  type ContenderOutcome,
  type RankEvent,
  type RunOutcome,
  type ScoreContenderEvent,
  type UnrankedSuccessRow,
} from "../harness/contracts";
import { UnknownRegionError, handler } from "../functions/score/index";
import { formatReportLine } from "./support/report-lines";

const ARN = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:bench-dev-${name}`;

function okRun(index: number, billed: number, memory = 512): RunOutcome {
  const line = formatReportLine({
    requestId: `00000000-0000-4000-8000-00000000000${index}`,
    durationMs: billed - 0.5,
    billedDurationMs: billed,
    memorySizeMb: memory,
    maxMemoryUsedMb: 200 + index,
    initDurationMs: null,
  });
  return { ok: true, index, archive_key: `archives/c/exec/run-${index}.zip`, log_result: Buffer.from(`START\n${line}\n`).toString("base64") };
}

const INVALID = { Error: "InvalidArchive", Cause: JSON.stringify({ errorType: "InvalidArchive", errorMessage: "archive missing" }) };

function outcome(name: string, billed: number[], memory = 512, over: Partial<ContenderOutcome> = {}): ContenderOutcome {
  return {
    contender: name,
    function_arn: ARN(name),
    config: { FunctionArn: ARN(name), Runtime: "nodejs22.x", MemorySize: memory, Architectures: ["arm64"], EphemeralStorage: { Size: 512 }, Timeout: 600 },
    runs: billed.map((b, i) => okRun(i, b, memory)),
    validations: billed.map((_, index) => ({
      index,
      ok: true as const,
      result: { archive_key: `archives/c/exec/run-${index}.zip`, archive_bytes: 10, entry_count: 1, stored_entries: 1, deflated_entries: 0, uncompressed_bytes: 5, zip64: false },
    })),
    ...over,
  };
}

const scoreEvent = (contender: ContenderOutcome, over: Partial<ScoreContenderEvent> = {}): ScoreContenderEvent => ({
  action: "score-contender",
  region: "us-east-1",
  max_run_time_ms: 600_000,
  runs_per_contender: contender.runs.length || 3,
  contender,
  ...over,
});

async function scoreOne(event: ScoreContenderEvent): Promise<ContenderScore> {
  const score = await handler(event);
  expect(ContenderScore.safeParse(score).success).toBe(true);
  return score;
}

function successOf(score: ContenderScore): UnrankedSuccessRow {
  if (!("success" in score)) throw new Error(`expected a success, got ${JSON.stringify(score)}`);
  return score.success;
}

describe("score-contender", () => {
  it("prices one contender: the row the whole-input scorer gives, without a rank", async () => {
    // 512 MB arm64 at a mean billed 2000 ms: 1 GB-s x 0.0000133334 + one request.
    const c = outcome("node-ann-arm64", [1000, 2000, 3000]);
    const row = successOf(await scoreOne(scoreEvent(c)));
    expect(row).not.toHaveProperty("rank");
    expect(row).toMatchObject({
      contender: "node-ann-arm64",
      arn: ARN("node-ann-arm64"),
      runs_count: 3,
      gb_second_compute: 1,
      compute_price_usd: 0.0000133334,
      run_price_usd: 0.0000135334,
      max_memory_used_mb: 202,
    });
    const legacy = await handler({ region: "us-east-1", max_run_time_ms: 600_000, runs_per_contender: 3, contenders: [c] });
    expect(legacy.success).toEqual([{ rank: 1, ...row }]);
  });

  it("returns the failure row for a failed contender, with a known reason prefix naming the run", async () => {
    const c = outcome("node-ann-arm64", [1000, 1000], 512);
    c.validations[1] = { index: 1, ok: false, error: INVALID };
    expect(await scoreOne(scoreEvent(c))).toEqual({ failure: { contender: "node-ann-arm64", reason: "invalid: run 2 of 2: archive missing" } });
    const unreadable = { contender: "gone-arm64", function_arn: ARN("gone"), config_error: { Error: "Lambda.ResourceNotFoundException", Cause: "Function not found" }, runs: [], validations: [] };
    expect(await scoreOne(scoreEvent(unreadable, { runs_per_contender: 2 }))).toEqual({
      failure: { contender: "gone-arm64", reason: "crash: cannot read function configuration: Lambda.ResourceNotFoundException: Function not found" },
    });
  });

  it("refuses an unpriced region instead of turning it into a failure row", async () => {
    await expect(handler(scoreEvent(outcome("c", [1000]), { region: "us-gov-west-1" }))).rejects.toBeInstanceOf(UnknownRegionError);
  });

  it("rejects a malformed event, naming the field", async () => {
    const good = scoreEvent(outcome("c", [1000]));
    await expect(handler({ ...good, contender: { ...good.contender, runs: [{ index: 0 }] } } as unknown as ScoreContenderEvent)).rejects.toThrow(
      /invalid scorer event: contender\.runs\.0\.ok/,
    );
    // The whole-input field has no place in a per-contender event (strict: a mixed-up caller).
    await expect(handler({ ...good, contenders: [] } as unknown as ScoreContenderEvent)).rejects.toBeInstanceOf(InvalidPayloadError);
  });
});

describe("rank", () => {
  const at = async (name: string, billed: number, memory = 512) => successOf(await scoreOne(scoreEvent(outcome(name, [billed, billed, billed], memory))));

  it("ranks successes by run price, then mean duration, then name; keeps failures in the order given", async () => {
    const event: RankEvent = {
      action: "rank",
      scores: [
        { success: await at("zeta", 1000) },
        { failure: { contender: "late", reason: "timeout: run 1 of 3: Task timed out after 600.00 seconds" } },
        { success: await at("dear", 1000, 2048) },
        { success: await at("alpha", 1000) },
        { failure: { contender: "early", reason: "crash: boom" } },
        { success: await at("cheap", 1000, 128) },
        { success: await at("quick", 999) }, // billed 999 ms at 512 MB: cheaper than zeta/alpha
      ],
    };
    const doc = await handler(event);
    expect(ResultDocument.safeParse(doc).success).toBe(true);
    expect(doc.success.map((r) => [r.rank, r.contender])).toEqual([
      [1, "cheap"],
      [2, "quick"],
      [3, "alpha"], // same price and duration as zeta: by name
      [4, "zeta"],
      [5, "dear"],
    ]);
    expect(doc.failure.map((f) => f.contender)).toEqual(["late", "early"]);
  });

  it("agrees with the whole-input scorer on the same contenders", async () => {
    const x = outcome("x", [5, 5], 512);
    x.validations[0] = { index: 0, ok: false, error: INVALID };
    const outcomes = [outcome("b", [3000, 3000]), outcome("a", [1000, 1200]), x];
    const scores = await Promise.all(outcomes.map((c) => scoreOne(scoreEvent(c, { runs_per_contender: 2 }))));
    const ranked = await handler({ action: "rank", scores: scores as RankEvent["scores"] });
    const whole = await handler({ region: "us-east-1", max_run_time_ms: 600_000, runs_per_contender: 2, contenders: outcomes });
    expect(ranked).toEqual(whole);
    expect(ranked.success.map((r) => r.contender)).toEqual(["a", "b"]);
    expect(ranked.failure).toEqual([{ contender: "x", reason: "invalid: run 1 of 2: archive missing" }]);
  });

  it("ranks nothing into an empty document", async () => {
    expect(await handler({ action: "rank", scores: [] })).toEqual({ success: [], failure: [] });
  });

  it("rejects a contender scored twice, a ranked row, and a reason without a known prefix", async () => {
    const row = await at("twice", 1000);
    await expect(handler({ action: "rank", scores: [{ success: row }, { failure: { contender: "twice", reason: "crash: x" } }] })).rejects.toThrow(
      /invalid scorer event: scores\.1: contender "twice" is scored twice/,
    );
    await expect(handler({ action: "rank", scores: [{ success: { ...row, rank: 1 } }] } as unknown as RankEvent)).rejects.toBeInstanceOf(InvalidPayloadError);
    await expect(handler({ action: "rank", scores: [{ failure: { contender: "c", reason: "broke" } }] })).rejects.toThrow(/must start with a known prefix/);
  });
});

describe("dispatch", () => {
  it("rejects an unknown action or an action with the wrong fields", async () => {
    await expect(handler({ action: "score-all", scores: [] } as unknown as RankEvent)).rejects.toThrow(/invalid scorer event: action: /);
    await expect(handler({ action: "rank" } as unknown as RankEvent)).rejects.toThrow(/invalid scorer event: scores: /);
    await expect(handler({ action: "rank", scores: [], region: "us-east-1" } as unknown as RankEvent)).rejects.toBeInstanceOf(InvalidPayloadError);
  });

  it("still reads an event without action as the whole ScoreInput, and rejects junk as such", async () => {
    const doc = await handler({ region: "us-east-1", max_run_time_ms: 600_000, runs_per_contender: 1, contenders: [outcome("solo", [100])] });
    expect(doc.success.map((r) => [r.rank, r.contender])).toEqual([[1, "solo"]]);
    await expect(handler(null)).rejects.toThrow(/invalid score input: \(root\): /);
    await expect(handler({ scores: [] })).rejects.toThrow(/invalid score input: /);
  });
});
