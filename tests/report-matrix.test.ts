// The runtime matrix's report on a production-size document (588 aggregates): every figure's
// marks, axes and values read back from the SVG, the captions, the tables, and bad documents.
import { describe, expect, it } from "vitest";
import { buildReport } from "../report/build";
import { parseSuiteDocument } from "../report/documents";
import { measured } from "../report/matrix/data";
import type { MatrixResultDocument } from "../report/matrix/schema";
import { MATRIX_MEMORIES, MATRIX_RUNTIMES, productionMatrixDocument } from "./fixtures/report-documents";
import { byFacet, chart, marks, num, parseReport, tableRows, tickLabels, titleOf } from "./support/report-dom";

const doc = productionMatrixDocument();
const render = (d: MatrixResultDocument, focusMemoryMb?: number) =>
  parseReport(buildReport([{ label: "prod", document: { suite: "matrix", doc: d } }], { focusMemoryMb }));
const page = render(doc);
const id = (part: string) => `matrix-prod-${part}`;
const titleValue = (title: string) => Number(/: ([\d.]+)/.exec(title)![1]);

describe("runtime matrix report (production size)", () => {
  it("the fixture is production size: >= 300 aggregates, every runtime x architecture x memory x kind", () => {
    expect(doc.aggregates.length).toBeGreaterThanOrEqual(300);
    const sizes = Object.values(MATRIX_MEMORIES).reduce((s, m) => s + m.length, 0);
    expect(doc.aggregates).toHaveLength(MATRIX_RUNTIMES.length * 2 * 2 * sizes);
  });

  it.each(["cpu", "memory", "light"])("%s: median duration vs memory, one line per runtime in each architecture x kind panel", (workload) => {
    const { svg, figure } = chart(page, id(`${workload}-duration`));
    const aggs = measured(doc.aggregates.filter((a) => a.workload === workload));
    const dots = marks(svg, "dot", "circle");
    expect(dots).toHaveLength(aggs.length);
    expect(marks(svg, "line", "path")).toHaveLength(MATRIX_RUNTIMES.length * 4);
    expect(tickLabels(svg, "fx")).toEqual(["arm64", "x86_64"]);
    expect(tickLabels(svg, "fy")).toEqual(["warm", "cold"]);
    // Each dot's title names its configuration and median; the y position orders like the value.
    const expected = aggs.map((a) => `${a.runtime} ${a.architecture} ${a.kind} ${a.memory_mb} MB: ${a.duration_ms.median} (n=${a.n})`);
    expect(dots.map(titleOf).sort()).toEqual(expected.sort());
    for (const facet of byFacet(dots)) {
      const byY = [...facet].sort((a, b) => num(a, "cy") - num(b, "cy")).map((d) => titleValue(titleOf(d)));
      expect(byY).toEqual([...byY].sort((a, b) => b - a));
    }
    expect(tickLabels(svg, "x")).toContain("1024");
    if (workload !== "light") expect(svg.querySelector('g[aria-label="y-axis tick label"]')!.textContent).toMatch(/[1-9]k.*[1-9]0k/); // log axis
    const all = doc.aggregates.filter((a) => a.workload === workload);
    expect(figure.textContent).toContain(`${all.reduce((s, a) => s + a.n, 0).toLocaleString("en-US")} samples`);
  });

  it("cost per 1M invocations vs memory carries each configuration's stated cost", () => {
    const { svg } = chart(page, id("memory-cost"));
    const aggs = measured(doc.aggregates.filter((a) => a.workload === "memory"));
    expect(marks(svg, "dot", "circle").map(titleOf).sort()).toEqual(
      aggs.map((a) => `${a.runtime} ${a.architecture} ${a.kind} ${a.memory_mb} MB: ${a.cost_per_million_usd} (n=${a.n})`).sort(),
    );
    expect(tickLabels(svg, "x")).toEqual(expect.arrayContaining(["128", "1024", "4096", "10240"]));
  });

  it("ARM vs x86 speed-up: a dot and a 95% CI line per comparison, parity marked at 1", () => {
    const { svg } = chart(page, id("cpu-speedup"));
    const comps = doc.comparisons.filter((c) => c.workload === "cpu");
    const dots = marks(svg, "dot", "circle");
    expect(dots.map(titleOf).sort()).toEqual(comps.map((c) => `${c.runtime} · ${c.memory_mb} MB ${c.kind}: ${c.arm_vs_x86_speedup} [${c.ci95[0]}, ${c.ci95[1]}]`).sort());
    const links = marks(svg, "link", "path");
    expect(links).toHaveLength(comps.length);
    expect(tickLabels(svg, "fx")).toEqual(["warm", "cold"]);
    expect(marks(svg, "rule", "line").length).toBeGreaterThanOrEqual(1);
    // Each CI line spans its dot at the dot's height (both marks draw the comparisons in order).
    const dotFacets = byFacet(dots);
    byFacet(links).forEach((facet, f) =>
      facet.forEach((link, i) => {
        const ends = [...link.getAttribute("d")!.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
        const dot = dotFacets[f]![i]!;
        expect(ends).toHaveLength(2);
        expect(num(dot, "cx")).toBeGreaterThanOrEqual(ends[0]![0] - 0.01);
        expect(num(dot, "cx")).toBeLessThanOrEqual(ends[1]![0] + 0.01);
        expect(ends[0]![1]).toBeCloseTo(num(dot, "cy"), 3);
      }),
    );
  });

  it("cost ratio heatmap: one cell and label per comparison; consistency: one cell per warm configuration", () => {
    const ratio = chart(page, id("cost-ratio"));
    expect(marks(ratio.svg, "cell", "rect")).toHaveLength(doc.comparisons.length);
    const labels = marks(ratio.svg, "text", "text").map((t) => t.textContent);
    expect(labels.sort()).toEqual(doc.comparisons.map((c) => c.cost_ratio.toFixed(2)).sort());
    const warm = measured(doc.aggregates.filter((a) => a.kind === "warm"));
    const consistency = chart(page, id("consistency"));
    expect(marks(consistency.svg, "cell", "rect")).toHaveLength(warm.length);
    expect(marks(consistency.svg, "text", "text").map((t) => t.textContent).sort()).toEqual(
      warm.map((a) => (a.duration_ms.p99 / a.duration_ms.median).toFixed(2)).sort(),
    );
  });

  it("cold init by runtime: one dot per cold configuration, one median tick per runtime and architecture", () => {
    const { svg } = chart(page, id("init"));
    const cold = doc.aggregates.filter((a) => a.kind === "cold" && a.init_duration_ms !== null);
    expect(marks(svg, "dot", "circle").map(titleOf).sort()).toEqual(
      cold.map((a) => `${a.runtime} ${a.architecture} ${a.workload} ${a.memory_mb} MB: ${a.init_duration_ms!.median} ms (n=${a.n})`).sort(),
    );
    expect(marks(svg, "tick", "line")).toHaveLength(MATRIX_RUNTIMES.length * 2);
    expect([...new Set(tickLabels(svg, "y"))].sort()).toEqual([...MATRIX_RUNTIMES].sort());
  });

  it("distribution of one configuration from its percentiles, at 1769 MB by default or the chosen size", () => {
    const { svg, figure } = chart(page, id("cpu-distribution"));
    expect(figure.textContent).toContain("cpu at 1769 MB");
    const at = measured(doc.aggregates.filter((a) => a.workload === "cpu" && a.memory_mb === 1769));
    const p99 = marks(svg, "dot", "circle");
    expect(p99).toHaveLength(at.length);
    const a = at[0]!;
    expect(p99.map(titleOf)).toContain(
      `${a.runtime} ${a.architecture} ${a.kind}: min ${a.duration_ms.min}, p50 ${a.duration_ms.p50}, p90 ${a.duration_ms.p90}, p95 ${a.duration_ms.p95}, p99 ${a.duration_ms.p99}, max ${a.duration_ms.max} ms`,
    );
    expect(marks(svg, "bar", "rect")).toHaveLength(at.length); // p50..p90 boxes
    const chosen = render(doc, 512);
    expect(chart(chosen, id("cpu-distribution")).figure.textContent).toContain("cpu at 512 MB");
  });

  it("lost samples: a bar per configuration and outcome with a non-zero count, a configuration with no good sample among them", () => {
    const { svg } = chart(page, id("lost"));
    const expected = doc.aggregates.reduce((s, a) => s + (a.failed > 0 ? 1 : 0) + (a.misclassified > 0 ? 1 : 0), 0);
    expect(expected).toBeGreaterThan(0);
    expect(marks(svg, "bar", "rect").map(titleOf)).toContain("light python3.14 x86_64 128 MB cold: 30 failed");
    expect(marks(svg, "bar", "rect")).toHaveLength(expected);
    const clean = { ...doc, aggregates: doc.aggregates.map((x) => ({ ...x, failed: 0, misclassified: 0 })) };
    expect(render(clean).querySelector(`figure#${id("lost")}`)!.textContent).toContain(`No sample failed or was misclassified in ${doc.aggregates.length}`);
  });

  it("every figure names its source (AWS region) and sample count; the tables hold every row", () => {
    const figures = Array.from(page.querySelectorAll("figure.chart"));
    expect(figures.length).toBe(3 * 4 + 4);
    for (const f of figures) {
      expect(f.textContent).toContain("Measured on AWS, us-east-2.");
      expect(f.textContent).toMatch(/samples/);
    }
    expect(tableRows(page, id("aggregates"))).toHaveLength(doc.aggregates.length);
    expect(tableRows(page, id("comparisons"))).toHaveLength(doc.comparisons.length);
  });

  it("a local matrix run is labelled with its host", () => {
    const local = { ...doc, run: { ...doc.run, region: "us-east-1", engine: { kind: "local" as const, host: { machine: "box", cpu_model: "CPU X", cpus: 2 } } } };
    expect(chart(render(local), id("init")).figure.textContent).toContain("Measured locally on box (CPU X, 2 cores; both architectures on this CPU), priced at us-east-1 rates.");
  });

  it("a run without a single good sample says so instead of drawing empty axes", () => {
    const failed = { ...doc, aggregates: doc.aggregates.slice(0, 2).map((a) => ({ ...a, n: 0, failed: 3, duration_ms: null, billed_duration_ms: null, init_duration_ms: null, max_memory_used_mb: null, cost_per_million_usd: null })), comparisons: [] };
    const empty = render(failed);
    expect(empty.querySelector("section")!.textContent).toContain("No configuration has a good sample yet (0 samples (6 failed");
    expect(marks(chart(empty, id("lost")).svg, "bar", "rect")).toHaveLength(2);
    expect(render({ ...doc, aggregates: [], comparisons: [] }).querySelectorAll("figure")).toHaveLength(0);
  });

  it("refuses a matrix document with a bad field, naming it", () => {
    const bad = structuredClone(doc) as unknown as { comparisons: { ci95: unknown }[]; aggregates: { kind: unknown }[] };
    bad.comparisons[3]!.ci95 = [1];
    bad.aggregates[0]!.kind = "tepid";
    expect(() => parseSuiteDocument(bad, "m.json")).toThrow(/invalid runtime matrix result document m\.json: .*aggregates\.0\.kind: .*comparisons\.3\.ci95/);
  });
});
