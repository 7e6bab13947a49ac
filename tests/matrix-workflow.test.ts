// The matrix end to end on the local engine, with a tiny cpu-like fixture as the function under
// test: the real sampler and aggregate functions in sandboxes, the loopback Lambda API, moto
// DynamoDB, and the two state machines run by the local engine.
import { describe, expect, it } from "vitest";
import { cpuChecksum } from "../harness/matrix/expected";
import { MatrixResultDocument } from "../harness/matrix/result-document";
import { SampleItem, TTL_ATTRIBUTE } from "../harness/matrix/results-table";
import { runLocalMatrix, type LocalMatrixTarget } from "../local/matrix";
import { FUNCTION_FIXTURES } from "./support/sandbox-functions";

const target = (architecture: "arm64" | "x86_64"): LocalMatrixTarget => ({
  name: `matrix-fixture-cpu-${architecture}`,
  runtime: "nodejs22.x",
  architecture,
  workload: "cpu",
  code: { dir: `${FUNCTION_FIXTURES}matrix-cpu`, handler: "index.handler", runtime: "nodejs22.x", sha256: "fixture" },
  timeoutS: 30,
  minMemoryMb: 128,
});

describe("local matrix workflow", () => {
  it("samples cold then warm, resumes from continuations, writes run/sample/aggregate items, compares architectures", async () => {
    const samplerCalls: unknown[] = [];
    const report = await runLocalMatrix({
      mode: "test",
      targets: [target("arm64"), target("x86_64")],
      skipped: [],
      memory: [512],
      parallel: 2,
      payloads: { cpu: { iterations: 2000 } },
      // 1 ms: every sampler call takes one sample and hands back a continuation.
      timeBudgetMs: 1,
      collectItems: true,
      onTask: (call) => {
        if (call.stateName === "Sample" && call.phase === "ended") samplerCalls.push(call.output);
      },
    });
    const doc = MatrixResultDocument.parse(report.document);
    expect(report.output).toMatchObject({ aggregates: 4, comparisons: 2 });
    expect(doc.run).toMatchObject({ status: "complete", mode: "custom", cold: 2, warm: 3, configurations: 2, engine: { kind: "local" } });
    expect(doc.aggregates).toHaveLength(4);
    for (const a of doc.aggregates) {
      expect(a).toMatchObject({ memory_mb: 512, n: a.kind === "cold" ? 2 : 3, failed: 0, misclassified: 0 });
      expect(a.duration_ms!.min).toBeGreaterThan(0);
      expect(a.cost_per_million_usd).toBeGreaterThan(0.2);
      if (a.kind === "cold") expect(a.init_duration_ms!.min).toBeGreaterThan(0);
      else expect(a.init_duration_ms).toBeNull();
    }
    expect(doc.comparisons.map((c) => c.kind)).toEqual(["cold", "warm"]);
    for (const c of doc.comparisons) expect(c.ci95[0]).toBeLessThanOrEqual(c.ci95[1]);

    // Items: one run item, 10 samples with a TTL 30 days out, 4 aggregates.
    const items = report.items!;
    expect(items.filter((i) => i.sk === "run")).toHaveLength(1);
    const samples = items.filter((i) => String(i.sk).startsWith("sample#")).map((i) => SampleItem.parse(i));
    expect(samples).toHaveLength(10);
    const now = Date.now() / 1000;
    for (const s of samples) {
      expect(s[TTL_ATTRIBUTE]).toBeGreaterThan(now + 29 * 86400);
      expect(s[TTL_ATTRIBUTE]).toBeLessThan(now + 31 * 86400);
      expect(s.status).toBe("ok");
      expect(s.init_duration_ms === null).toBe(s.kind === "warm");
      expect(s.memory_size_mb).toBe(512);
    }
    expect(items.filter((i) => String(i.sk).startsWith("aggregate#"))).toHaveLength(4);
    // Resumed from continuations: one sampler call per sample, sequence numbers without gaps.
    expect(samplerCalls).toHaveLength(10);
    for (const arch of ["arm64", "x86_64"]) {
      const seqs = samples.filter((s) => s.architecture === arch).map((s) => s.seq).sort((a, b) => a - b);
      expect(seqs).toEqual([0, 1, 2, 3, 4]);
    }
  });

  it("counts failed and misclassified samples without averaging them in", async () => {
    const report = await runLocalMatrix({
      mode: "test",
      targets: [target("x86_64")],
      skipped: [],
      memory: [512],
      cold: 0,
      warm: 3,
      parallel: 1,
      // Every 2nd invocation of an instance throws. The function starts at 128 MB: setting 512 MB
      // retires its environment, so the first "warm" sample is a cold start (misclassified,
      // retried); the retry is the instance's 2nd invocation (fails); then ok, then fails.
      payloads: { cpu: { iterations: 100, fail_every: 2 } },
      collectItems: true,
    });
    expect(report.input.functions[0]!.expected_checksum).toBe(cpuChecksum(100));
    const [warm] = report.document.aggregates.filter((a) => a.kind === "warm");
    expect(warm).toMatchObject({ n: 1, failed: 2, misclassified: 1 });
    const samples = report.items!.filter((i) => String(i.sk).startsWith("sample#")).map((i) => SampleItem.parse(i));
    expect(samples.map((s) => s.status)).toEqual(["misclassified", "failed", "ok", "failed"]);
    const ok = samples.find((s) => s.status === "ok")!;
    expect(warm!.duration_ms!.mean).toBeCloseTo(ok.duration_ms!, 3);
    expect(samples[1]!.reason).toMatch(/function error \(Unhandled\).*planted failure/);
    expect(samples[0]!.reason).toMatch(/warm sample with Init Duration/);
    expect(report.document.comparisons).toEqual([]);
  });
});
