// One runtime-matrix document as a report section: per-workload scaling figures, the ARM vs x86
// comparison, init and consistency, lost samples, then the aggregates and comparisons tables.
import { escapeHtml, table, type Column } from "../html";
import { count, ms, num3, usd } from "../format";
import { coldInitChart, consistencyChart, costRatioChart, lostSamplesChart, speedupChart } from "./charts-compare";
import { costVsMemory, distributionChart, durationVsMemory } from "./charts-scaling";
import { WORKLOADS, measured, sampleCount } from "./data";
import type { MatrixAggregate, MatrixComparison, MatrixResultDocument } from "./schema";

const AGGREGATE_COLUMNS: Column<MatrixAggregate>[] = [
  { header: "workload", cell: (a) => a.workload },
  { header: "runtime", cell: (a) => a.runtime },
  { header: "arch", cell: (a) => a.architecture },
  { header: "memory MB", cell: (a) => String(a.memory_mb), sort: (a) => a.memory_mb, numeric: true },
  { header: "kind", cell: (a) => a.kind },
  { header: "n", cell: (a) => String(a.n), sort: (a) => a.n, numeric: true },
  { header: "failed", cell: (a) => String(a.failed), sort: (a) => a.failed, numeric: true },
  { header: "miscl.", cell: (a) => String(a.misclassified), sort: (a) => a.misclassified, numeric: true },
  { header: "median", cell: (a) => (a.duration_ms ? ms(a.duration_ms.median) : "-"), sort: (a) => a.duration_ms?.median ?? -1, numeric: true },
  { header: "p99", cell: (a) => (a.duration_ms ? ms(a.duration_ms.p99) : "-"), sort: (a) => a.duration_ms?.p99 ?? -1, numeric: true },
  { header: "mean ± sd", cell: (a) => (a.duration_ms ? `${count(a.duration_ms.mean)} ± ${count(a.duration_ms.stddev)}` : "-"), sort: (a) => a.duration_ms?.mean ?? -1, numeric: true },
  { header: "init median", cell: (a) => (a.init_duration_ms ? ms(a.init_duration_ms.median) : "-"), sort: (a) => a.init_duration_ms?.median ?? -1, numeric: true },
  { header: "max mem MB", cell: (a) => (a.max_memory_used_mb === null ? "-" : count(a.max_memory_used_mb)), sort: (a) => a.max_memory_used_mb ?? -1, numeric: true },
  { header: "$ / 1M", cell: (a) => (a.cost_per_million_usd === null ? "-" : usd(a.cost_per_million_usd)), sort: (a) => a.cost_per_million_usd ?? -1, numeric: true },
];

const COMPARISON_COLUMNS: Column<MatrixComparison>[] = [
  { header: "workload", cell: (c) => c.workload },
  { header: "runtime", cell: (c) => c.runtime },
  { header: "memory MB", cell: (c) => String(c.memory_mb), sort: (c) => c.memory_mb, numeric: true },
  { header: "kind", cell: (c) => c.kind },
  { header: "ARM speed-up", cell: (c) => `${num3(c.arm_vs_x86_speedup)}×`, sort: (c) => c.arm_vs_x86_speedup, numeric: true },
  { header: "95% CI", cell: (c) => `${num3(c.ci95[0])} – ${num3(c.ci95[1])}`, sort: (c) => c.ci95[0], numeric: true },
  { header: "cost ratio", cell: (c) => num3(c.cost_ratio), sort: (c) => c.cost_ratio, numeric: true },
];

export interface MatrixSectionInput {
  id: string;
  heading: string;
  source: string;
  /** Memory size of the distribution figures (default: per workload, the size nearest 1769 MB). */
  focusMemoryMb?: number;
}

export function matrixSection(doc: MatrixResultDocument, input: MatrixSectionInput): string {
  const { id, source } = input;
  const run = doc.run;
  const skipped = run.skipped.map((s) => `${s.runtime} skipped (${s.reason})`);
  const runText = [`Run ${run.run_id} (${run.status}), mode ${run.mode}: ${run.cold} cold + ${run.warm} warm samples per configuration, started ${run.started_at}`, ...skipped].join("; ");
  const methods = `Statistics: stddev ${run.methods.stddev}; percentiles ${run.methods.percentiles}; trimmed mean ${run.methods.trimmed_mean}; CI ${run.methods.ci95}. Prices: ${run.region}.`;
  if (measured(doc.aggregates).length === 0) {
    // A run that is still starting, or where every sample failed: say so instead of empty axes.
    return `<section id="${escapeHtml(id)}"><h2>${escapeHtml(input.heading)}</h2>
<p class="meta">${escapeHtml(source)} ${escapeHtml(runText)}.</p>
<p class="fail">No configuration has a good sample yet (${escapeHtml(sampleCount(doc.aggregates))}): nothing to chart.</p>
${doc.aggregates.length ? lostSamplesChart(doc, source, `${id}-lost`) : ""}
</section>`;
  }
  const perWorkload = WORKLOADS(doc).map((w) => {
    const focus = input.focusMemoryMb !== undefined && doc.aggregates.some((a) => a.workload === w && a.memory_mb === input.focusMemoryMb) ? input.focusMemoryMb : undefined;
    return `<h3>Workload ${escapeHtml(w)}</h3>
${durationVsMemory(doc, w, source, `${id}-${w}-duration`)}
${costVsMemory(doc, w, source, `${id}-${w}-cost`)}
${speedupChart(doc, w, source, `${id}-${w}-speedup`)}
${distributionChart(doc, w, source, `${id}-${w}-distribution`, focus)}`;
  });
  return `<section id="${escapeHtml(id)}"><h2>${escapeHtml(input.heading)}</h2>
<p class="meta">${escapeHtml(source)} ${escapeHtml(runText)}. ${escapeHtml(sampleCount(doc.aggregates))}</p>
<p class="meta">${escapeHtml(methods)}</p>
${perWorkload.join("\n")}
<h3>Across workloads</h3>
${costRatioChart(doc, source, `${id}-cost-ratio`)}
${coldInitChart(doc, source, `${id}-init`)}
${consistencyChart(doc, source, `${id}-consistency`)}
${lostSamplesChart(doc, source, `${id}-lost`)}
<details><summary>All ${doc.aggregates.length} aggregates (sortable)</summary><div class="table-wrap">${table(`${id}-aggregates`, AGGREGATE_COLUMNS, doc.aggregates)}</div></details>
<details><summary>All ${doc.comparisons.length} ARM vs x86 comparisons (sortable)</summary><div class="table-wrap">${table(`${id}-comparisons`, COMPARISON_COLUMNS, doc.comparisons)}</div></details>
</section>`;
}
