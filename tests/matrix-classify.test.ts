// The sampler's verdict on one invocation, and the aggregate of a configuration's samples:
// failed and misclassified samples are counted, never averaged in.
import { describe, expect, it } from "vitest";
import { classifySample } from "../functions/matrix-sampler/classify";
import { aggregateSamples, compareArchitectures } from "../functions/matrix-aggregate/aggregate";
import type { Configuration } from "../harness/matrix/contracts";
import type { AggregateItem, SampleItem, SampleStatus } from "../harness/matrix/results-table";

const tail = (line: string) => Buffer.from(`START RequestId: r\n${line}\n`).toString("base64");
const REPORT = "REPORT RequestId: r\tDuration: 100.50 ms\tBilled Duration: 101 ms\tMemory Size: 1024 MB\tMax Memory Used: 80 MB\t";
const COLD = `${REPORT}Init Duration: 200.25 ms\t`;
const answer = (checksum: string) => JSON.stringify({ ok: true, workload: "cpu", runtime: "nodejs22.x", architecture: "x86_64", checksum });

describe("classifySample", () => {
  it("ok when the answer is right and the REPORT line matches the kind", () => {
    expect(classifySample("warm", { LogResult: tail(REPORT), payload: answer("abc") }, "abc")).toMatchObject({ status: "ok", reason: null, metrics: { durationMs: 100.5 } });
    expect(classifySample("cold", { LogResult: tail(COLD), payload: answer("abc") }, "abc").metrics?.initDurationMs).toBe(200.25);
  });

  it("misclassified: a cold sample without Init Duration, a warm one with it", () => {
    expect(classifySample("cold", { LogResult: tail(REPORT), payload: answer("abc") }, "abc")).toMatchObject({ status: "misclassified", reason: expect.stringMatching(/without Init Duration/) });
    expect(classifySample("warm", { LogResult: tail(COLD), payload: answer("abc") }, "abc")).toMatchObject({ status: "misclassified", reason: expect.stringMatching(/with Init Duration 200.25/) });
  });

  it("failed: function error, wrong checksum, not JSON, no REPORT line (the wrong answer wins over the kind)", () => {
    expect(classifySample("warm", { FunctionError: "Unhandled", LogResult: tail(COLD), payload: '{"errorType":"Error"}' }, "abc").reason).toMatch(/^function error \(Unhandled\)/);
    expect(classifySample("warm", { LogResult: tail(COLD), payload: answer("xyz") }, "abc")).toMatchObject({ status: "failed", reason: expect.stringMatching(/expected checksum abc/) });
    expect(classifySample("warm", { LogResult: tail(REPORT), payload: "oops" }, "abc").status).toBe("failed");
    expect(classifySample("warm", { payload: answer("abc") }, "abc")).toMatchObject({ status: "failed", reason: expect.stringMatching(/no usable REPORT line/) });
  });
});

const config: Configuration = { function_arn: "arn:aws:lambda:us-east-1:1:function:f", runtime: "nodejs22.x", architecture: "arm64", workload: "cpu", memory_mb: 1024 };
let seq = 0;
function sample(kind: "cold" | "warm", status: SampleStatus, duration: number | null, init: number | null = null): SampleItem {
  return {
    pk: "run",
    sk: `s${seq}`,
    ...config,
    kind,
    seq: seq++,
    status,
    reason: status === "ok" ? null : "why",
    request_id: "r",
    duration_ms: duration,
    billed_duration_ms: duration === null ? null : Math.ceil(duration + (init ?? 0)),
    init_duration_ms: init,
    max_memory_used_mb: 90,
    memory_size_mb: 1024,
    invoke_started_ms: 0,
    invoke_ended_ms: 1,
    expires_at: 1,
  };
}

describe("aggregateSamples", () => {
  it("n and the statistics come from ok samples only; failed and misclassified are counted", () => {
    const samples = [sample("warm", "ok", 100), sample("warm", "ok", 300), sample("warm", "failed", 5), sample("warm", "misclassified", 9000, 50), sample("cold", "ok", 400, 100)];
    const warm = aggregateSamples(config, "warm", samples, "us-east-1").aggregate;
    expect(warm).toMatchObject({ n: 2, failed: 1, misclassified: 1, init_duration_ms: null, max_memory_used_mb: 90 });
    expect(warm.duration_ms).toMatchObject({ mean: 200, median: 200, min: 100, max: 300 });
    // mean billed 200 ms at 1 GB arm64: 0.2 x 0.0000133334 x 1e6 + 0.2 = 2.86668
    expect(warm.cost_per_million_usd).toBeCloseTo(2.86668, 6);
    const cold = aggregateSamples(config, "cold", samples, "us-east-1").aggregate;
    expect(cold).toMatchObject({ n: 1, failed: 0, misclassified: 0, init_duration_ms: { median: 100 } });
  });

  it("a configuration with no ok sample has null figures, not zeros", () => {
    const a = aggregateSamples(config, "warm", [sample("warm", "failed", 5)], "us-east-1").aggregate;
    expect(a).toMatchObject({ n: 0, failed: 1, duration_ms: null, billed_duration_ms: null, cost_per_million_usd: null, max_memory_used_mb: null });
  });
});

describe("compareArchitectures", () => {
  const item = (architecture: "arm64" | "x86_64", durations: number[]): AggregateItem => {
    const samples = durations.map((d) => ({ ...sample("warm", "ok", d), architecture }));
    const result = aggregateSamples({ ...config, architecture }, "warm", samples, "us-east-1");
    return { pk: "run", sk: architecture, ...result };
  };

  it("speed-up = x86 median / arm median with its CI; cost ratio at the medians; unpaired configurations are left out", () => {
    const [c, ...rest] = compareArchitectures([item("arm64", [100, 100, 100]), item("x86_64", [150, 150, 150])], "us-east-1");
    expect(rest).toEqual([]);
    expect(c).toEqual({
      runtime: "nodejs22.x",
      workload: "cpu",
      memory_mb: 1024,
      kind: "warm",
      arm_vs_x86_speedup: 1.5,
      ci95: [1.5, 1.5],
      // (0.1 x 0.0000133334 + 0.0000002) / (0.15 x 0.0000166667 + 0.0000002) = 0.00000153334 / 0.000002700005
      cost_ratio: Number((0.00000153334 / 0.000002700005).toFixed(4)),
    });
    expect(compareArchitectures([item("arm64", [100])], "us-east-1")).toEqual([]);
  });
});
