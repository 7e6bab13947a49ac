// Trends across several documents of one suite (kept runs from results/, or the files given to
// `bench report`): each contender's price and duration, each matrix configuration's median.
import { escapeHtml, figure, table, type Column } from "./html";
import { ms, usd } from "./format";
import { Plot, renderPlot, scaleTypeFor } from "./plot";
import type { ContestDocument } from "./contest/schema";
import type { MatrixResultDocument } from "./matrix/schema";
import { configLabel, focusMemory, measured } from "./matrix/data";

export interface Labelled<D> {
  /** x-axis label of the document: its time when kept by the results store, else its file name. */
  label: string;
  doc: D;
}

const WIDTH = 1080;
const change = (first: number, last: number) => (first === 0 ? "-" : `${(((last - first) / first) * 100).toFixed(1)}%`);

/** Documents along x, in the order given; long labels (times) are slanted so they never overlap. */
function xAxis(labels: string[]) {
  const slant = labels.length > 2 || labels.some((l) => l.length > 16);
  return {
    x: { label: null, domain: labels, type: "point", tickRotate: slant ? -20 : 0, inset: 40 } as const,
    marginBottom: slant ? 70 : 30,
    marginLeft: 70,
  };
}

interface TrendRow { key: string; values: (number | undefined)[] }

function trendTable(id: string, labels: string[], rows: TrendRow[], format: (v: number) => string): string {
  const columns: Column<TrendRow>[] = [
    { header: "configuration", cell: (r) => r.key },
    ...labels.map((l, i): Column<TrendRow> => ({ header: l, cell: (r) => (r.values[i] === undefined ? "-" : format(r.values[i]!)), sort: (r) => r.values[i] ?? -1, numeric: true })),
    {
      header: "first → last",
      cell: (r) => { const v = r.values.filter((x) => x !== undefined); return v.length > 1 ? change(v[0]!, v.at(-1)!) : "-"; },
      sort: (r) => { const v = r.values.filter((x) => x !== undefined); return v.length > 1 && v[0] ? (v.at(-1)! - v[0]) / v[0] : 0; },
      numeric: true,
    },
  ];
  return table(id, columns, rows);
}

export function contestTrend(docs: readonly Labelled<ContestDocument>[], id: string, source: string): string {
  const labels = docs.map((d) => d.label);
  const points = docs.flatMap((d) => d.doc.success.map((r) => ({ label: d.label, contender: r.contender, usd: r.run_price_usd, s: r.duration_ms.mean / 1000 })));
  const contenders = [...new Set(points.map((p) => p.contender))].sort();
  const chart = (y: "usd" | "s", label: string) =>
    renderPlot({
      width: WIDTH,
      height: 320,
      ...xAxis(labels),
      y: { label, grid: true, type: scaleTypeFor(points.map((p) => p[y])) },
      color: { legend: true, domain: contenders, scheme: "tableau10" },
      marks: [Plot.line(points, { x: "label", y, stroke: "contender" }), Plot.dot(points, { x: "label", y, fill: "contender", r: 3 })],
    });
  const samples = `${docs.length} documents, ${contenders.length} contenders; a contender missing from a document failed or was not run there.`;
  const rows = contenders.map((c) => ({ key: c, values: docs.map((d) => d.doc.success.find((r) => r.contender === c)?.run_price_usd) }));
  return `<section id="${escapeHtml(id)}"><h2>Contest across ${docs.length} documents</h2>
${figure({ id: `${id}-price`, title: "Lambda price per run, by document", source, method: "Each contender's mean Lambda price per run in each document.", samples, chart: chart("usd", "USD per run") })}
${figure({ id: `${id}-duration`, title: "Mean run duration, by document", source, method: "Each contender's mean REPORT-line Duration in each document.", samples, chart: chart("s", "mean duration (s)") })}
${trendTable(`${id}-table`, labels, rows, usd)}
</section>`;
}

export function matrixTrend(docs: readonly Labelled<MatrixResultDocument>[], id: string, source: string): string {
  const labels = docs.map((d) => d.label);
  const all = docs.flatMap((d) => d.doc.aggregates);
  const workloads = [...new Set(all.map((a) => a.workload))];
  // The same memory size in every document, so that each line compares like with like.
  const focus = new Map(workloads.map((w) => [w, focusMemory(all, w)!]));
  const figures = workloads.map((workload) => {
    const memory = focus.get(workload);
    const points = docs.flatMap((d) =>
      measured(d.doc.aggregates)
        .filter((a) => a.kind === "warm" && a.workload === workload && a.memory_mb === memory)
        .map((a) => ({ label: d.label, runtime: a.runtime, architecture: a.architecture, median: a.duration_ms.median })),
    );
    // One chart per workload: facets share their y scale, and workloads differ by 100x.
    const chart = renderPlot({
      width: WIDTH,
      height: 300,
      ...xAxis(labels),
      y: { label: "warm median (ms)", grid: true, type: scaleTypeFor(points.map((p) => p.median)) },
      fx: { label: null, domain: ["arm64", "x86_64"] },
      color: { legend: true, scheme: "tableau10" },
      marks: [
        Plot.frame({ stroke: "#ddd" }),
        Plot.line(points, { x: "label", y: "median", stroke: "runtime", fx: "architecture" }),
        Plot.dot(points, { x: "label", y: "median", fill: "runtime", fx: "architecture", r: 2.5, title: (p: (typeof points)[number]) => `${p.runtime} ${p.architecture} ${p.label}: ${p.median} ms` }),
      ],
    });
    return figure({
      id: `${id}-${workload}`,
      title: `${workload} at ${memory} MB: warm median duration by document`,
      source,
      method: "Median Duration of each warm configuration at the memory size nearest 1769 MB (every configuration is in the table below).",
      samples: `${docs.length} documents, ${points.length} configuration medians.`,
      chart,
    });
  });
  const keys = new Map<string, TrendRow>();
  docs.forEach((d, i) => {
    for (const a of d.doc.aggregates) {
      const key = configLabel(a);
      const row = keys.get(key) ?? { key, values: labels.map(() => undefined) };
      row.values[i] = a.duration_ms?.median; // "-" where every sample of that run failed
      keys.set(key, row);
    }
  });
  return `<section id="${escapeHtml(id)}"><h2>Runtime matrix across ${docs.length} documents</h2>
${figures.join("\n")}
<details><summary>Every configuration's median across documents (${keys.size}, sortable)</summary><div class="table-wrap">${trendTable(`${id}-table`, labels, [...keys.values()], ms)}</div></details>
</section>`;
}
