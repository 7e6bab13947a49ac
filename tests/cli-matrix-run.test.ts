// `bench matrix --yes` end to end on this machine (moto, real sandboxes, the real definitions),
// as small as a run can be: it prints the summary, writes --out, keeps the document under the
// results folder and, with --report, writes the HTML report and prints its path.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MatrixResultDocument } from "../harness/matrix/result-document";
import { runMain } from "./fixtures/capture-output";

const dir = mkdtempSync(join(tmpdir(), "bench-matrix-cli-"));
const previous = process.env.BENCH_RESULTS_DIR;
afterAll(() => {
  if (previous === undefined) delete process.env.BENCH_RESULTS_DIR;
  else process.env.BENCH_RESULTS_DIR = previous;
  rmSync(dir, { recursive: true, force: true });
});

describe("bench matrix --yes --report", () => {
  it("samples, summarises, writes and keeps the document, and writes the report", async () => {
    process.env.BENCH_RESULTS_DIR = join(dir, "results");
    const out = join(dir, "matrix.json");
    const args = ["matrix", "--runtimes", "nodejs22.x", "--workloads", "cpu", "--memory", "1024", "--cold", "1", "--warm", "1"];
    const { code, stdout, stderr } = await runMain([...args, "--yes", "--out", out, "--report"]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/cpu/);
    const doc = MatrixResultDocument.parse(JSON.parse(readFileSync(out, "utf8")));
    const kinds = doc.aggregates.map((a) => `${a.runtime} ${a.memory_mb} ${a.kind} n=${a.n} failed=${a.failed}`).sort();
    expect(kinds).toEqual(["nodejs22.x 1024 cold n=1 failed=0", "nodejs22.x 1024 warm n=1 failed=0"]);
    const kept = readdirSync(join(dir, "results")).filter((name) => name.endsWith("-matrix.json"));
    expect(kept).toHaveLength(1);
    const reportPath = /report written to (\S+)/.exec(stderr)?.[1];
    expect(reportPath, stderr).toBeDefined();
    const html = readFileSync(reportPath!, "utf8");
    expect(html).toContain("<svg");
    expect(html).toMatch(/nodejs22\.x/);
  });
});
