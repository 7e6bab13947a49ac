// `bench matrix`: usage errors exit 2 naming the flag, no start without confirmation, and the
// summary every local figure is labelled in. (The full run is in matrix-workflow.test.ts.)
import { describe, expect, it } from "vitest";
import { renderSummary } from "../cli/matrix-output";
import type { MatrixResultDocument } from "../harness/matrix/result-document";
import { runMain } from "./fixtures/capture-output";

describe("bench matrix arguments", () => {
  it.each([
    [["--mode", "fast"], /--mode must be one of test, balanced, production, got "fast"/],
    [["--memory", "1024,64"], /--memory: 64 is not a Lambda memory size/],
    [["--cold", "0", "--warm", "0"], /nothing to sample/],
    [["--warm", "1.5"], /--warm must be a whole number, got "1.5"/],
    [["--parallel", "41"], /at most 40/],
    [["--workloads", "gpu"], /unknown workload gpu/],
    [["--runtimes", "java21"], /unknown runtime java21/],
  ])("%j exits 2 with the reason", async (args, reason) => {
    const { code, stderr } = await runMain(["matrix", ...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(reason);
  });

  it("without a terminal and without --yes it prints the forecast and refuses to start", async () => {
    const { code, stderr } = await runMain(["matrix", "--workloads", "cpu", "--runtimes", "nodejs22.x"]);
    expect(stderr).toMatch(/^host: .+ \(uname -m \w+, \d+ CPUs\)/m);
    expect(stderr).toMatch(/plan: 1 functions, 2 configurations x \(2 cold \+ 3 warm\) = 10 invocations/);
    expect(stderr).toMatch(/forecast on AWS \(us-east-1.*\n  duration ~\d+s; Lambda .* GB-s \$[\d.]+; Step Functions \d+ transitions .*DynamoDB/);
    expect(stderr).toMatch(/not started: no terminal to confirm on; pass --yes/);
    expect(code).toBe(2);
  });
});

describe("summary", () => {
  const distribution = (median: number) => ({ mean: median, median, stddev: 1, min: median - 1, max: median + 1, p50: median, p90: median, p95: median + 1, p99: median + 1, trimmed_mean: median });
  const aggregate = (architecture: "arm64" | "x86_64", kind: "cold" | "warm", median: number) => ({
    runtime: "nodejs22.x",
    architecture,
    workload: "cpu",
    memory_mb: 1024,
    kind,
    n: 3,
    failed: kind === "warm" ? 1 : 0,
    misclassified: 0,
    duration_ms: distribution(median),
    billed_duration_ms: distribution(median + 1),
    init_duration_ms: kind === "cold" ? distribution(150) : null,
    max_memory_used_mb: 80,
    cost_per_million_usd: 12.3456,
  });
  const doc: MatrixResultDocument = {
    run: {
      run_id: "r",
      mode: "test",
      status: "complete",
      started_at: "2026-12-02T00:00:00.000Z",
      finished_at: "2026-12-02T00:01:00.000Z",
      region: "us-east-1",
      engine: { kind: "local", host: { cpu_model: "Test CPU 9000", machine: "x86_64", cpus: 2 } },
      cold: 2,
      warm: 3,
      configurations: 2,
      skipped: [{ runtime: "python3.14", reason: "python3.14 is not installed here" }],
      methods: { stddev: "sample (n - 1)", percentiles: "Hyndman-Fan type 7 (linear interpolation)", trimmed_mean: "10% trimmed at each end", ci95: "bootstrap" },
    },
    aggregates: [aggregate("arm64", "cold", 900), aggregate("arm64", "warm", 600), aggregate("x86_64", "cold", 950), aggregate("x86_64", "warm", 660)],
    comparisons: [{ runtime: "nodejs22.x", workload: "cpu", memory_mb: 1024, kind: "warm", arm_vs_x86_speedup: 1.1, ci95: [1.02, 1.2], cost_ratio: 0.73 }],
  };

  it("labels the host, shows medians by runtime x architecture x memory, costs, the speed-up with its CI and the skipped runtimes", () => {
    const text = renderSummary(doc);
    expect(text).toMatch(/^measured locally on Test CPU 9000 \(uname -m x86_64, 2 CPUs\): both architectures ran on this CPU/);
    expect(text).toMatch(/workload cpu\nruntime +arch +MB +warm median +warm p95 +cold median +init +\$\/1M warm +\$\/1M cold +failed\/miscl\./);
    expect(text).toMatch(/nodejs22\.x +arm64 +1024 +600 \(n 3\) +601 +900 \(n 3\) +150 +\$12\.3 +\$12\.3 +1\/0/);
    expect(text).toMatch(/nodejs22\.x +1024 +warm +1\.100x +\[1\.020, 1\.200\] +0\.730/);
    expect(text).toMatch(/skipped: python3\.14: python3\.14 is not installed here/);
  });
});
