// `bench report` and the results store: kept documents (names, no overwrite, whole files), the
// report of several documents and of the history, --report after a run, and every usage error.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keepResult, keepRunResult, listKept } from "../cli/results-store";
import { contestDocument, productionMatrixDocument } from "./fixtures/report-documents";
import { runMain } from "./fixtures/capture-output";
import { chart, marks, parseReport, tableRows, tickLabels } from "./support/report-dom";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bench-report-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Three contest runs where contender 0 gets cheaper each time, and two matrix runs. */
async function keepHistory(at: string): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const doc = contestDocument({ seed: 7 });
    doc.success[0]!.run_price_usd = 0.001 - i * 0.0002;
    await keepResult("contest", doc, at, new Date(Date.UTC(2026, 10, 1 + i, 12)));
  }
  for (let i = 0; i < 2; i++) await keepResult("matrix", productionMatrixDocument(40 + i), at, new Date(Date.UTC(2026, 10, 5 + i)));
}

describe("results store", () => {
  it("keeps each document whole under <UTC time>-<suite>.json, never overwriting one", async () => {
    const at = join(dir, "store");
    const now = new Date("2026-12-02T09:41:07.123Z");
    const first = await keepResult("contest", { a: 1 }, at, now);
    const second = await keepResult("contest", { a: 2 }, at, now);
    expect(first).toBe(join(at, "2026-12-02T09-41-07.123Z-contest.json"));
    expect(second).toBe(join(at, "2026-12-02T09-41-07.123Z-1-contest.json"));
    expect(JSON.parse(await readFile(first, "utf8"))).toEqual({ a: 1 });
    expect(JSON.parse(await readFile(second, "utf8"))).toEqual({ a: 2 });
    await writeFile(join(at, "notes.json"), "{}");
    await keepResult("matrix", { b: 1 }, at, new Date("2026-12-01T00:00:00.000Z"));
    const kept = await listKept(at);
    expect(kept.map((k) => [k.suite, k.keptAt])).toEqual([
      ["matrix", "2026-12-01T00:00:00.000Z"],
      ["contest", "2026-12-02T09:41:07.123Z"],
      ["contest", "2026-12-02T09:41:07.123Z"],
    ]);
    expect(kept[2]!.path).toBe(second);
    expect((await readdir(at)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    expect(await listKept(join(dir, "absent"))).toEqual([]);
  });

  it("--report after a run: the report lands next to the kept document; a store that cannot be written only warns", async () => {
    const at = join(dir, "after-run");
    const lines: string[] = [];
    const { kept, report } = await keepRunResult("contest", contestDocument(), { report: true, measuredHere: true, dir: at, log: (l) => lines.push(l) });
    expect(report).toBe(kept!.replace(/\.json$/, ".html"));
    expect(lines).toEqual([`kept as ${kept}`, `report written to ${report}`]);
    const page = parseReport(await readFile(report!, "utf8"));
    expect(page.querySelector("section")!.textContent).toContain("Measured on AWS"); // the fixture's ARNs are AWS ones
    const blocked = join(dir, "a-file");
    await writeFile(blocked, "");
    const warnings: string[] = [];
    await expect(keepRunResult("contest", {}, { dir: blocked, log: (l) => warnings.push(l) })).resolves.toEqual({});
    expect(warnings[0]).toMatch(/^warning: could not keep the result document/);
    await expect(keepRunResult("contest", {}, { dir: blocked, report: true, log: () => {} })).rejects.toThrow(/no report: the result document could not be kept/);
  });
});

describe("bench report", () => {
  it("renders several documents of both suites, with a comparison of the contest documents", async () => {
    const a = join(dir, "a.json");
    const b = join(dir, "b.json");
    const m = join(dir, "m.json");
    await writeFile(a, JSON.stringify(contestDocument({ seed: 1 })));
    await writeFile(b, JSON.stringify(contestDocument({ seed: 2, extended: true })));
    await writeFile(m, JSON.stringify(productionMatrixDocument()));
    const out = join(dir, "out", "report.html");
    const r = await runMain(["report", a, b, m, "--out", out]);
    expect(r.stderr).toContain("report of 3 document(s) written to");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(out);
    const page = parseReport(await readFile(out, "utf8"));
    const trend = chart(page, "trend-contest-price");
    expect(tickLabels(trend.svg, "x")).toEqual(["a.json", "b.json"]);
    expect(marks(trend.svg, "line", "path")).toHaveLength(4); // one per contender
    expect(page.querySelector("#trend-matrix")).toBeNull(); // a single matrix document: no trend
    for (const section of ["contest-a-json", "contest-b-json", "matrix-m-json"]) expect(page.querySelector(`section#${section}`)).not.toBeNull();
  });

  it("--history: the trend of every kept document and the latest of each suite in full", async () => {
    const at = join(dir, "history");
    await keepHistory(at);
    const out = join(dir, "history.html");
    const r = await runMain(["report", "--history", "--results-dir", at, "--out", out]);
    expect(r.code).toBe(0);
    const page = parseReport(await readFile(out, "utf8"));
    const price = chart(page, "trend-contest-price");
    expect(tickLabels(price.svg, "x")).toEqual(["2026-11-01 12:00:00 UTC", "2026-11-02 12:00:00 UTC", "2026-11-03 12:00:00 UTC"]);
    const rows = tableRows(page, "trend-contest-table");
    const first = rows.find((row) => row[0] === contestDocument({ seed: 7 }).success[0]!.contender)!;
    expect(first.slice(1)).toEqual(["$0.001", "$0.0008", "$0.0006", "-40.0%"]);
    for (const workload of ["cpu", "memory", "light"]) {
      const matrix = chart(page, `trend-matrix-${workload}`);
      expect(matrix.figure.textContent).toContain(`${workload} at 1769 MB: warm median duration by document`);
      const times = ["2026-11-05 00:00:00 UTC", "2026-11-06 00:00:00 UTC"];
      expect(tickLabels(matrix.svg, "x")).toEqual([...times, ...times]); // under each architecture
      // One dot per runtime x architecture x document (the fixtures lost no warm configuration).
      expect(marks(matrix.svg, "dot", "circle")).toHaveLength(7 * 2 * 2);
    }
    expect(tableRows(page, "trend-matrix-table")).toHaveLength(productionMatrixDocument().aggregates.length);
    // Only the latest document of each suite gets its full section.
    expect(Array.from(page.querySelectorAll("section")).map((s) => s.getAttribute("id"))).toEqual([
      "trend-contest", "trend-matrix", "contest-2026-11-03-12-00-00-utc", "matrix-2026-11-06-00-00-00-utc",
    ]);
  });

  it.each([
    [[], /give at least one result document \(or --history\)/],
    [["--results-dir", "x", "a.json"], /--results-dir goes with --history/],
    [["--focus-memory", "big", "a.json"], /--focus-memory must be a positive integer/],
    [["/no/such/file.json"], /cannot read \/no\/such\/file\.json/],
  ])("usage error %j: exit 2, nothing written", async (args, message) => {
    const r = await runMain(["report", ...args, "--out", join(dir, "never.html")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    await expect(readFile(join(dir, "never.html"))).rejects.toThrow(/ENOENT/);
  });

  it("a file that is not JSON, or not a valid document, is refused naming the file and the field", async () => {
    const junk = join(dir, "junk.json");
    await writeFile(junk, "{ not json");
    const bad = join(dir, "bad.json");
    const doc = contestDocument();
    (doc.success[0] as unknown as Record<string, unknown>).rank = -1;
    await writeFile(bad, JSON.stringify(doc));
    const r1 = await runMain(["report", junk, "--out", join(dir, "never.html")]);
    expect([r1.code, r1.stderr]).toEqual([2, expect.stringContaining(`${junk} is not JSON`)]);
    const r2 = await runMain(["report", bad, "--out", join(dir, "never.html")]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`invalid contest result document ${bad}: success.0.rank:`);
    const r3 = await runMain(["report", "--history", "--results-dir", join(dir, "empty"), "--out", join(dir, "never.html")]);
    expect([r3.code, r3.stderr]).toEqual([2, expect.stringContaining("no kept result documents under")]);
    await expect(readFile(join(dir, "never.html"))).rejects.toThrow(/ENOENT/);
  });
});
