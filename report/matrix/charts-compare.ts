// ARM vs x86 (speed-up with its 95% CI, cost ratio), cold init by runtime, consistency
// (p99 / median), and the configurations that lost samples to failures or misclassification.
import { figure } from "../html";
import { Plot, renderPlot } from "../plot";
import { MEMORIES, RUNTIME_ORDER, WORKLOADS, configLabel, measured, sampleCount } from "./data";
import type { MatrixResultDocument } from "./schema";

const WIDTH = 1080;

/** Dot = speed-up of medians (x86_64 / arm64, > 1: ARM faster), line = bootstrap 95% CI. */
export function speedupChart(doc: MatrixResultDocument, workload: string, source: string, id: string): string {
  const comps = doc.comparisons.filter((c) => c.workload === workload);
  const data = comps.map((c) => ({ ...c, row: `${c.runtime} · ${c.memory_mb} MB`, lo: c.ci95[0], hi: c.ci95[1] }));
  const runtimes = RUNTIME_ORDER(doc);
  const rows = runtimes.flatMap((r) => MEMORIES(doc.aggregates.filter((a) => a.workload === workload)).map((m) => `${r} · ${m} MB`));
  const present = rows.filter((row) => data.some((d) => d.row === row));
  const aggs = doc.aggregates.filter((a) => a.workload === workload);
  return figure({
    id,
    title: `${workload}: ARM vs x86 speed-up with 95% confidence interval`,
    source,
    method: "Speed-up = median x86_64 duration / median arm64 duration (> 1: arm64 faster); the line is the bootstrap 95% CI the document states; the vertical rule marks parity.",
    samples: `${comps.length} comparisons from ${sampleCount(aggs)}`,
    chart: renderPlot({
      width: WIDTH,
      height: 70 + present.length * 13,
      marginLeft: 190,
      x: { label: "arm64 speed-up over x86_64 (×)", grid: true },
      y: { label: null, domain: present, tickSize: 0 },
      fx: { label: null, domain: ["warm", "cold"] },
      color: { legend: true, domain: runtimes, scheme: "tableau10" },
      marks: [
        Plot.ruleX([1], { stroke: "#666", strokeDasharray: "4 3" }),
        Plot.link(data, { y1: "row", y2: "row", x1: "lo", x2: "hi", fx: "kind", stroke: "runtime", strokeWidth: 2 }),
        Plot.dot(data, { y: "row", x: "arm_vs_x86_speedup", fx: "kind", fill: "runtime", r: 3, title: (d: (typeof data)[number]) => `${d.row} ${d.kind}: ${d.arm_vs_x86_speedup} [${d.lo}, ${d.hi}]` }),
      ],
    }),
  });
}

export function costRatioChart(doc: MatrixResultDocument, source: string, id: string): string {
  const data = doc.comparisons.map((c) => ({ ...c, memory: String(c.memory_mb) }));
  const memories = MEMORIES(doc.aggregates).map(String);
  const spread = Math.max(0.05, ...data.map((d) => Math.abs(d.cost_ratio - 1)));
  return figure({
    id,
    title: "ARM vs x86 cost ratio per configuration (arm64 / x86_64 cost per 1M invocations)",
    source,
    method: "Ratio of the two architectures' cost per 1M invocations at the same runtime, workload, memory and kind; green below 1 (arm64 cheaper), red above.",
    samples: `${doc.comparisons.length} comparisons from ${sampleCount(doc.aggregates)}`,
    chart: renderPlot({
      width: WIDTH,
      height: 120 + WORKLOADS(doc).length * 2 * 7 * 24,
      marginLeft: 120,
      padding: 0.05,
      x: { label: "memory (MB)", domain: memories },
      y: { label: null, domain: RUNTIME_ORDER(doc) },
      fy: { label: null },
      // Quantized (a ramp legend needs a canvas, which the server-side DOM lacks), symmetric about 1.
      color: { type: "quantize", n: 8, domain: [1 - spread, 1 + spread], scheme: "RdYlGn", reverse: true, legend: true, label: "cost ratio arm64 / x86_64" },
      marks: [
        Plot.cell(data, { x: "memory", y: "runtime", fy: (d: { workload: string; kind: string }) => `${d.workload} ${d.kind}`, fill: "cost_ratio" }),
        Plot.text(data, { x: "memory", y: "runtime", fy: (d: { workload: string; kind: string }) => `${d.workload} ${d.kind}`, text: (d: { cost_ratio: number }) => d.cost_ratio.toFixed(2), fontSize: 9 }),
      ],
    }),
  });
}

export function coldInitChart(doc: MatrixResultDocument, source: string, id: string): string {
  const cold = doc.aggregates.filter((a) => a.kind === "cold" && a.init_duration_ms !== null);
  const data = cold.map((a) => ({ ...a, init: a.init_duration_ms!.median }));
  return figure({
    id,
    title: "Cold start: init duration by runtime",
    source,
    method: "Each dot is one cold configuration (workload × memory): the median Init Duration of its cold samples; the bar tick is the median over those configurations.",
    samples: sampleCount(cold),
    chart: renderPlot({
      width: WIDTH,
      height: 120 + RUNTIME_ORDER(doc).length * 2 * 22,
      marginLeft: 120,
      x: { label: "init duration, median (ms)", grid: true },
      y: { label: null, domain: RUNTIME_ORDER(doc) },
      fy: { label: null, domain: ["arm64", "x86_64"] },
      color: { legend: true, domain: WORKLOADS(doc), scheme: "set2" },
      marks: [
        Plot.frame({ stroke: "#ddd" }),
        Plot.dot(data, { x: "init", y: "runtime", fy: "architecture", stroke: "workload", r: 3.5, title: (d: (typeof data)[number]) => `${d.runtime} ${d.architecture} ${d.workload} ${d.memory_mb} MB: ${d.init} ms (n=${d.n})` }),
        Plot.tickX(data, Plot.groupY({ x: "median" }, { x: "init", y: "runtime", fy: "architecture", stroke: "#1d1d1f", strokeWidth: 2 })),
      ],
    }),
  });
}

export function consistencyChart(doc: MatrixResultDocument, source: string, id: string): string {
  const warm = measured(doc.aggregates.filter((a) => a.kind === "warm"));
  const data = warm.map((a) => ({ ...a, memory: String(a.memory_mb), ratio: a.duration_ms.p99 / a.duration_ms.median }));
  return figure({
    id,
    title: "Consistency: p99 / median of warm durations",
    source,
    method: "p99 divided by the median of each warm configuration's durations: 1.0 is perfectly steady, 2.0 means one request in a hundred takes twice the typical time.",
    samples: sampleCount(warm),
    chart: renderPlot({
      width: WIDTH,
      height: 120 + WORKLOADS(doc).length * RUNTIME_ORDER(doc).length * 22,
      marginLeft: 120,
      padding: 0.05,
      x: { label: "memory (MB)", domain: MEMORIES(warm).map(String) },
      y: { label: null, domain: RUNTIME_ORDER(doc) },
      fx: { label: null, domain: ["arm64", "x86_64"] },
      fy: { label: null, domain: WORKLOADS(doc) },
      color: { type: "quantize", n: 7, scheme: "YlOrRd", legend: true, label: "p99 / median" },
      marks: [
        Plot.cell(data, { x: "memory", y: "runtime", fx: "architecture", fy: "workload", fill: "ratio" }),
        Plot.text(data, { x: "memory", y: "runtime", fx: "architecture", fy: "workload", text: (d: { ratio: number }) => d.ratio.toFixed(2), fontSize: 8 }),
      ],
    }),
  });
}

/** Failed and misclassified samples per configuration (the document has counts, not the samples). */
export function lostSamplesChart(doc: MatrixResultDocument, source: string, id: string): string {
  const hit = doc.aggregates.filter((a) => a.failed > 0 || a.misclassified > 0);
  const data = hit.flatMap((a) => [
    { config: configLabel(a), outcome: "failed", n: a.failed },
    { config: configLabel(a), outcome: "misclassified (retried)", n: a.misclassified },
  ]).filter((d) => d.n > 0);
  const configs = hit.map(configLabel);
  const chart = hit.length
    ? renderPlot({
        width: WIDTH,
        height: 80 + configs.length * 16,
        marginLeft: 320,
        x: { label: "samples", grid: true, tickFormat: "d" },
        y: { label: null, domain: configs },
        color: { legend: true, domain: ["failed", "misclassified (retried)"], range: ["#b3261e", "#efb118"] },
        marks: [Plot.barX(data, { x: "n", y: "config", fill: "outcome", title: (d: (typeof data)[number]) => `${d.config}: ${d.n} ${d.outcome}` }), Plot.ruleX([0])],
      })
    : `<p>No sample failed or was misclassified in ${doc.aggregates.length} configuration aggregates.</p>`;
  return figure({
    id,
    title: "Samples that failed or were misclassified, by configuration",
    source,
    method: "Failed = a wrong checksum or an invocation error; misclassified = a cold sample without Init Duration or a warm one with it (retried, never averaged in). Counts as the document states them; it does not carry the individual samples.",
    samples: `${hit.length} of ${doc.aggregates.length} configuration aggregates affected; ${sampleCount(doc.aggregates)}`,
    chart,
  });
}
