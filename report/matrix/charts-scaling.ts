// How duration and cost scale with memory, per workload, and one configuration's distribution.
import { figure } from "../html";
import { Plot, renderPlot, scaleTypeFor, spacedTicks } from "../plot";
import { MEMORIES, RUNTIME_ORDER, focusMemory, measured, sampleCount } from "./data";
import type { MatrixResultDocument } from "./schema";

const WIDTH = 1080;

function memoryLines(doc: MatrixResultDocument, workload: string, y: "median" | "cost", label: string): string {
  const aggs = measured(doc.aggregates.filter((a) => a.workload === workload));
  const data = aggs.map((a) => ({ ...a, median: a.duration_ms.median, cost: a.cost_per_million_usd }));
  const memories = MEMORIES(aggs);
  return renderPlot({
    width: WIDTH,
    height: 520,
    marginRight: 60,
    x: { label: "memory (MB)", type: scaleTypeFor(memories), ticks: spacedTicks(memories), tickFormat: "d" },
    y: { label, type: scaleTypeFor(data.map((d) => d[y])), grid: true },
    fx: { label: null, domain: ["arm64", "x86_64"] },
    fy: { label: null, domain: ["warm", "cold"] },
    color: { legend: true, domain: RUNTIME_ORDER(doc), scheme: "tableau10" },
    marks: [
      Plot.frame({ stroke: "#ddd" }),
      Plot.line(data, { x: "memory_mb", y, stroke: "runtime", fx: "architecture", fy: "kind", sort: "memory_mb" }),
      Plot.dot(data, { x: "memory_mb", y, fill: "runtime", fx: "architecture", fy: "kind", r: 2.5, title: (d: (typeof data)[number]) => `${d.runtime} ${d.architecture} ${d.kind} ${d.memory_mb} MB: ${d[y]} (n=${d.n})` }),
    ],
  });
}

export function durationVsMemory(doc: MatrixResultDocument, workload: string, source: string, id: string): string {
  const aggs = doc.aggregates.filter((a) => a.workload === workload);
  return figure({
    id,
    title: `${workload}: median duration vs memory, per runtime and architecture`,
    source,
    method: "Median of the REPORT-line Duration of each configuration's samples (cold: without Init Duration); axes are logarithmic where values span more than a decade.",
    samples: sampleCount(aggs),
    chart: memoryLines(doc, workload, "median", "median duration (ms)"),
  });
}

export function costVsMemory(doc: MatrixResultDocument, workload: string, source: string, id: string): string {
  const aggs = doc.aggregates.filter((a) => a.workload === workload);
  return figure({
    id,
    title: `${workload}: cost per 1M invocations vs memory`,
    source,
    method: "Billed duration (with INIT on cold starts) × memory × the architecture's GB-s rate + request charge, per million invocations, as the document states it.",
    samples: sampleCount(aggs),
    chart: memoryLines(doc, workload, "cost", "USD per 1M invocations"),
  });
}

/**
 * The document carries aggregates, not samples: the distribution is drawn from its percentiles
 * (min, p50, p90, p95, p99, max), one row per runtime and architecture at one memory size.
 */
export function distributionChart(doc: MatrixResultDocument, workload: string, source: string, id: string, memory?: number): string {
  const mem = memory ?? focusMemory(doc.aggregates, workload)!;
  const aggs = measured(doc.aggregates.filter((a) => a.workload === workload && a.memory_mb === mem));
  const data = aggs.map((a) => ({ row: `${a.runtime} ${a.architecture}`, kind: a.kind, ...a.duration_ms }));
  const rows = [...new Set(data.map((d) => d.row))].sort();
  const chart = renderPlot({
    width: WIDTH,
    height: 80 + rows.length * 2 * 20,
    marginLeft: 160,
    x: { label: "duration (ms)", grid: true, type: scaleTypeFor(data.flatMap((d) => [d.min, d.max])) },
    y: { label: null, domain: rows },
    fy: { label: null, domain: ["warm", "cold"] },
    marks: [
      Plot.frame({ stroke: "#ddd" }),
      Plot.ruleY(data, { y: "row", fy: "kind", x1: "min", x2: "max", stroke: "#999" }),
      Plot.barX(data, { y: "row", fy: "kind", x1: "p50", x2: "p90", fill: "#4269d0", fillOpacity: 0.45, insetTop: 3, insetBottom: 3 }),
      Plot.tickX(data, { y: "row", fy: "kind", x: "p50", stroke: "#1d1d1f", strokeWidth: 2 }),
      Plot.tickX(data, { y: "row", fy: "kind", x: "p95", stroke: "#efb118", strokeWidth: 2 }),
      Plot.dot(data, { y: "row", fy: "kind", x: "p99", fill: "#ff725c", r: 3.5, title: (d: (typeof data)[number]) => `${d.row} ${d.kind}: min ${d.min}, p50 ${d.p50}, p90 ${d.p90}, p95 ${d.p95}, p99 ${d.p99}, max ${d.max} ms` }),
    ],
  });
  return figure({
    id,
    title: `${workload} at ${mem} MB: duration distribution per runtime and architecture`,
    source,
    method: "Drawn from each configuration's percentiles (the document holds aggregates, not samples): grey line min to max, blue bar p50 to p90, black tick median, yellow tick p95, red dot p99.",
    samples: sampleCount(aggs),
    chart,
  });
}
