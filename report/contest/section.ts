// One contest document as a report section: its charts, then the ranked table and the failures.
import { escapeHtml, table, type Column } from "../html";
import { count, gib, ms, num3, seconds, usd } from "../format";
import { bytesChart, durationChart, priceChart, requestMixChart, sweepCharts } from "./charts";
import type { ContestDocument, ContestSuccessRow } from "./schema";

const COLUMNS: Column<ContestSuccessRow>[] = [
  { header: "#", cell: (r) => String(r.rank), sort: (r) => r.rank, numeric: true },
  { header: "contender", cell: (r) => r.contender },
  { header: "runtime", cell: (r) => r.runtime },
  { header: "arch", cell: (r) => r.architecture },
  { header: "memory MB", cell: (r) => String(r.memory_mb), sort: (r) => r.memory_mb, numeric: true },
  { header: "runs", cell: (r) => String(r.runs_count), sort: (r) => r.runs_count, numeric: true },
  { header: "mean ± stddev", cell: (r) => `${seconds(r.duration_ms.mean)} ± ${seconds(r.duration_ms.stddev)}`, sort: (r) => r.duration_ms.mean, numeric: true },
  { header: "min / max", cell: (r) => `${seconds(r.duration_ms.min)} / ${seconds(r.duration_ms.max)}`, sort: (r) => r.duration_ms.min, numeric: true },
  { header: "max mem MB", cell: (r) => count(r.max_memory_used_mb), sort: (r) => r.max_memory_used_mb, numeric: true },
  { header: "init", cell: (r) => (r.init_duration_ms === null ? "-" : ms(r.init_duration_ms)), sort: (r) => r.init_duration_ms ?? -1, numeric: true },
  { header: "GB-s", cell: (r) => num3(r.gb_second_compute + r.gb_second_storage), sort: (r) => r.gb_second_compute + r.gb_second_storage, numeric: true },
  { header: "Lambda $/run", cell: (r) => usd(r.run_price_usd), sort: (r) => r.run_price_usd, numeric: true },
];

const EXTRA_COLUMNS: Column<ContestSuccessRow>[] = [
  { header: "S3 requests", cell: (r) => (r.s3_requests ? count(Object.values(r.s3_requests).reduce((a, b) => a + b, 0)) : "-"), sort: (r) => Object.values(r.s3_requests ?? {}).reduce((a, b) => a + b, 0), numeric: true },
  { header: "in / out", cell: (r) => (r.bytes_in !== undefined && r.bytes_out !== undefined ? `${gib(r.bytes_in)} / ${gib(r.bytes_out)}` : "-"), sort: (r) => r.bytes_in ?? -1, numeric: true },
  { header: "CPU s", cell: (r) => (r.cpu_seconds === undefined || r.cpu_seconds === null ? "-" : num3(r.cpu_seconds)), sort: (r) => r.cpu_seconds ?? -1, numeric: true },
  { header: "S3 $/run", cell: (r) => (r.s3_request_price_usd === undefined ? "-" : usd(r.s3_request_price_usd)), sort: (r) => r.s3_request_price_usd ?? -1, numeric: true },
  { header: "full $/run", cell: (r) => (r.total_price_usd === undefined ? "-" : usd(r.total_price_usd)), sort: (r) => r.total_price_usd ?? -1, numeric: true },
  // The forecast of a full-contest run on AWS at the row's memory (a model's output, not a measurement).
  { header: "AWS forecast", cell: (r) => (r.forecast ? `${r.forecast.duration_s.toFixed(0)} s (${r.forecast.bound}${r.forecast.passes ? "" : ", over budget"})` : "-"), sort: (r) => r.forecast?.duration_s ?? -1, numeric: true },
  { header: "forecast $/run", cell: (r) => (r.forecast ? usd(r.forecast.lambda_price_usd) : "-"), sort: (r) => r.forecast?.lambda_price_usd ?? -1, numeric: true },
];

export interface SectionInput {
  id: string;
  heading: string;
  source: string;
}

export function contestSection(doc: ContestDocument, input: SectionInput): string {
  const { id, source } = input;
  const rows = [...doc.success].sort((a, b) => a.rank - b.rank);
  const extended = rows.some((r) => r.s3_requests !== undefined || r.total_price_usd !== undefined || r.forecast !== undefined);
  const failures = [...doc.failure].sort((a, b) => a.contender.localeCompare(b.contender));
  const failureTable = failures.length
    ? table(`${id}-failures`, [
        { header: "contender", cell: (f: (typeof failures)[number]) => f.contender },
        { header: "kind", cell: (f) => f.reason.slice(0, f.reason.indexOf(":")) },
        { header: "reason", cell: (f) => f.reason },
      ], failures)
    : "<p>No contender failed.</p>";
  return `<section id="${escapeHtml(id)}"><h2>${escapeHtml(input.heading)}</h2>
<p class="meta">${escapeHtml(source)} ${rows.length} contender(s) ranked, ${failures.length} failed.</p>
${priceChart(doc, source, `${id}-price`)}
${durationChart(doc, source, `${id}-duration`)}
${requestMixChart(doc, source, `${id}-requests`)}
${bytesChart(doc, source, `${id}-bytes`)}
${sweepCharts(doc, `${id}-sweep`)}
<h3>Ranking</h3>
${rows.length ? table(`${id}-ranking`, extended ? [...COLUMNS, ...EXTRA_COLUMNS] : COLUMNS, rows) : "<p>No contender succeeded.</p>"}
<h3 class="${failures.length ? "fail" : ""}">Failures (${failures.length})</h3>
${failureTable}
</section>`;
}
