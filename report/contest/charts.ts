// The contest's charts: price per run, duration distribution, S3 request mix and bytes, and the
// memory sweep's forecast curves. Each returns a figure (or says why it cannot be drawn).
import { figure, missingFigure } from "../html";
import { Plot, renderPlot, scaleTypeFor, spacedTicks } from "../plot";
import type { ContestDocument, ContestSuccessRow } from "./schema";

const WIDTH = 860;
/** Plain decimals with two significant digits ($0.000005, $0.0012): prices span many magnitudes. */
const dollars = (v: number) => (v === 0 ? "$0" : `$${Number(v.toPrecision(2))}`);
const byRank = (doc: ContestDocument) => [...doc.success].sort((a, b) => a.rank - b.rank);
const rowHeight = (rows: number, per = 26) => Math.max(160, 70 + rows * per);
const runsOf = (rows: readonly ContestSuccessRow[]) => rows.reduce((sum, r) => sum + r.runs_count, 0);

export function priceChart(doc: ContestDocument, source: string, id: string): string {
  const rows = byRank(doc);
  if (rows.length === 0) return missingFigure(id, "Price per run", "No contender succeeded: nothing to price.");
  const withFull = rows.every((r) => r.total_price_usd !== undefined);
  const data = rows.flatMap((r) => [
    { contender: r.contender, price: "Lambda", usd: r.run_price_usd },
    ...(withFull ? [{ contender: r.contender, price: "full (Lambda + S3 requests)", usd: r.total_price_usd! }] : []),
  ]);
  const chart = renderPlot({
    width: WIDTH,
    height: rowHeight(data.length, 18),
    marginLeft: 230,
    marginRight: 90,
    x: { label: "USD per run", grid: true, ticks: 5, tickFormat: dollars },
    y: { axis: null, domain: ["Lambda", "full (Lambda + S3 requests)"] },
    fy: { label: null, domain: rows.map((r) => r.contender), axis: "left" },
    color: { legend: withFull, domain: ["Lambda", "full (Lambda + S3 requests)"], range: ["#4269d0", "#ff725c"] },
    marks: [
      Plot.barX(data, { x: "usd", y: "price", fy: "contender", fill: "price", title: (d: (typeof data)[number]) => `${d.contender} ${d.price}: $${d.usd}` }),
      Plot.text(data, { x: "usd", y: "price", fy: "contender", text: (d: { usd: number }) => `$${d.usd.toPrecision(3)}`, textAnchor: "start", dx: 4 }),
      Plot.ruleX([0]),
    ],
  });
  return figure({
    id,
    title: "Price per run by contender (ranked by Lambda price)",
    source,
    method: withFull
      ? "Lambda price = billed duration × memory × the architecture's rate + request charge (+ ephemeral storage); full price adds S3 request charges, at S3 Standard prices."
      : "Lambda price = billed duration × memory × the architecture's rate + request charge (+ ephemeral storage). The document has no S3 request counts, so no full price.",
    samples: `Mean over ${runsOf(rows)} runs of ${rows.length} contenders; ${doc.failure.length ? `${doc.failure.length} failed contender(s), not priced, are in the failures table` : "no contender failed"}.`,
    chart,
  });
}

export function durationChart(doc: ContestDocument, source: string, id: string): string {
  const rows = byRank(doc);
  if (rows.length === 0) return missingFigure(id, "Run duration", "No contender succeeded: no durations.");
  const everyRun = rows.every((r) => r.run_durations_ms !== undefined);
  const runs = everyRun ? rows.flatMap((r) => r.run_durations_ms!.map((d) => ({ contender: r.contender, s: d / 1000 }))) : [];
  const stats = rows.map((r) => ({
    contender: r.contender,
    mean: r.duration_ms.mean / 1000,
    lo: (r.duration_ms.mean - r.duration_ms.stddev) / 1000,
    hi: (r.duration_ms.mean + r.duration_ms.stddev) / 1000,
    min: r.duration_ms.min / 1000,
    max: r.duration_ms.max / 1000,
  }));
  const chart = renderPlot({
    width: WIDTH,
    height: rowHeight(rows.length, 34),
    marginLeft: 230,
    x: { label: "duration per run (s)", grid: true },
    y: { label: null, domain: rows.map((r) => r.contender) },
    marks: [
      Plot.ruleY(stats, { y: "contender", x1: "min", x2: "max", stroke: "#aaa" }),
      Plot.ruleY(stats, { y: "contender", x1: "lo", x2: "hi", stroke: "#4269d0", strokeWidth: 6, strokeOpacity: 0.5 }),
      Plot.tickX(stats, { y: "contender", x: "mean", stroke: "#1d1d1f", strokeWidth: 2 }),
      ...(everyRun ? [Plot.dot(runs, { y: "contender", x: "s", r: 3, fill: "#ff725c", fillOpacity: 0.8, title: (d: (typeof runs)[number]) => `${d.contender}: ${d.s} s` })] : []),
    ],
  });
  return figure({
    id,
    title: "Duration distribution per contender",
    source,
    method: everyRun
      ? "REPORT-line Duration of every run (red dots); black tick = mean, blue band = mean ± stddev (population), grey line = min to max."
      : "The document has no per-run durations: black tick = mean, blue band = mean ± stddev (population), grey line = min to max.",
    samples: `${runsOf(rows)} runs of ${rows.length} contenders.`,
    chart,
  });
}

export function requestMixChart(doc: ContestDocument, source: string, id: string): string {
  const rows = byRank(doc).filter((r) => r.s3_requests !== undefined);
  const title = "S3 requests per run, by operation";
  if (rows.length === 0) return missingFigure(id, title, "The document has no S3 request counts (they come from the local S3 front).");
  const data = rows.flatMap((r) => Object.entries(r.s3_requests!).map(([operation, n]) => ({ contender: r.contender, operation, n })));
  const chart = renderPlot({
    width: WIDTH,
    height: rowHeight(rows.length, 34),
    marginLeft: 230,
    x: { label: "requests per run (mean)", grid: true },
    y: { label: null, domain: rows.map((r) => r.contender) },
    color: { legend: true, scheme: "tableau10" },
    marks: [Plot.barX(data, { x: "n", y: "contender", fill: "operation", title: (d: { operation: string; n: number }) => `${d.operation}: ${d.n}` }), Plot.ruleX([0])],
  });
  return figure({
    id,
    title,
    source,
    method: "S3 requests per invocation by operation, as the document records them (counted by the local S3 front on local runs), averaged over the contender's runs; stacked.",
    samples: `${runsOf(rows)} runs of ${rows.length} contenders.`,
    chart,
  });
}

export function bytesChart(doc: ContestDocument, source: string, id: string): string {
  const rows = byRank(doc).filter((r) => r.bytes_in !== undefined && r.bytes_out !== undefined);
  const title = "Bytes through the Lambda per run";
  if (rows.length === 0) return missingFigure(id, title, "The document has no byte counts (they come from the local S3 front).");
  const kinds = ["in (from S3)", "out (to S3)", "copied by S3 (server-side)"];
  const data = rows.flatMap((r) => [
    { contender: r.contender, direction: kinds[0]!, gib: r.bytes_in! / 2 ** 30 },
    { contender: r.contender, direction: kinds[1]!, gib: r.bytes_out! / 2 ** 30 },
    { contender: r.contender, direction: kinds[2]!, gib: (r.bytes_copied ?? 0) / 2 ** 30 },
  ]);
  const chart = renderPlot({
    width: WIDTH,
    height: rowHeight(data.length, 14),
    marginLeft: 230,
    x: { label: "GiB per run (mean)", grid: true },
    y: { axis: null, domain: kinds },
    fy: { label: null, domain: rows.map((r) => r.contender), axis: "left" },
    color: { legend: true, domain: kinds, range: ["#4269d0", "#efb118", "#3ca951"] },
    marks: [Plot.barX(data, { x: "gib", y: "direction", fy: "contender", fill: "direction" }), Plot.ruleX([0])],
  });
  return figure({
    id,
    title,
    source,
    method: "Bytes received from and sent to S3 by the function, and bytes S3 copied server-side (UploadPartCopy/CopyObject), averaged over runs.",
    samples: `${runsOf(rows)} runs of ${rows.length} contenders.`,
    chart,
  });
}

/** Power Tuning style: forecast duration and price per memory size, one line per contender. */
export function sweepCharts(doc: ContestDocument, idPrefix: string): string {
  const rows = byRank(doc).filter((r) => r.sweep?.length);
  const title = "Memory sweep: forecast duration and price per memory size";
  if (rows.length === 0) return missingFigure(`${idPrefix}-duration`, title, "The document has no memory sweep (bench local --memory a,b,c adds one).");
  const data = rows.flatMap((r) =>
    r.sweep!.flatMap((p) =>
      p.forecast
        ? [{ contender: r.contender, memory_mb: p.memory_mb, s: p.forecast.duration_s, lambda: p.forecast.lambda_price_usd, total: p.forecast.total_price_usd, bound: p.forecast.bound, budget: p.forecast.budget_s, fit: p.forecast.passes ? "within budget" : "over budget" }]
        : [],
    ),
  );
  const failed = rows.flatMap((r) => r.sweep!.flatMap((p) => (p.measured.ok ? [] : [`${r.contender} at ${p.memory_mb} MB: ${p.measured.reason}`])));
  const memories = [...new Set(data.map((p) => p.memory_mb))];
  const contenders = rows.map((r) => r.contender);
  const budgets = [...new Set(data.map((p) => p.budget))];
  const common = {
    width: WIDTH,
    height: 320,
    // Every size is a tick; on a log axis, one too close to its neighbour is dropped (1769 vs 2048).
    x: { label: "memory (MB)", type: scaleTypeFor(memories), ticks: scaleTypeFor(memories) === "log" ? spacedTicks(memories) : memories } as const,
    color: { legend: true, domain: contenders, scheme: "tableau10" } as const,
    symbol: { legend: true, domain: ["within budget", "over budget"], range: ["circle", "times"] } as const,
  };
  const curve = (y: string, dashed = false) => [
    Plot.line(data, { x: "memory_mb", y, stroke: "contender", strokeDasharray: dashed ? "5 3" : undefined, sort: "memory_mb" }),
    Plot.dot(data, { x: "memory_mb", y, stroke: "contender", symbol: "fit", r: 4, title: (d: (typeof data)[number]) => `${d.contender} ${d.memory_mb} MB: ${d.s} s, $${d.lambda} Lambda, $${d.total} total (${d.bound}-bound, ${d.fit})` }),
  ];
  const duration = renderPlot({
    ...common,
    y: { label: "forecast duration (s)", grid: true, type: scaleTypeFor(data.map((d) => d.s)) },
    marks: [...curve("s"), Plot.ruleY(budgets, { stroke: "#b3261e", strokeDasharray: "4 3" }), Plot.text(budgets, { y: (b: number) => b, text: (b: number) => `budget ${b} s`, frameAnchor: "right", dy: -6, fill: "#b3261e" })],
  });
  const price = renderPlot({ ...common, y: { label: "forecast price per run (USD)", grid: true, tickFormat: dollars }, marks: [...curve("lambda"), ...curve("total", true)] });
  const cheapest = rows.map((r) => {
    const chosen = r.sweep_cheapest_passing_memory_mb ?? data.filter((p) => p.contender === r.contender && p.fit === "within budget").sort((a, b) => a.lambda - b.lambda)[0]?.memory_mb ?? null;
    return `${r.contender}: ${chosen === null ? "no size within budget" : `${chosen} MB`}`;
  });
  const source = "Forecast for AWS from the local runs at each memory size (a model, not an AWS measurement).";
  const samples = `${data.length} forecasts for ${contenders.length} contender(s)${failed.length ? `; no forecast where the local run failed: ${failed.join("; ")}` : ""}. Cheapest size within budget: ${cheapest.join("; ")}.`;
  return (
    figure({ id: `${idPrefix}-duration`, title: "Memory sweep: forecast duration per memory size", source, method: "The forecast model's duration of one full-contest run at each memory size (× = over the time budget, dashed red line).", samples, chart: duration }) +
    figure({ id: `${idPrefix}-price`, title: "Memory sweep: forecast price per run per memory size", source, method: "Solid: forecast Lambda price (duration × memory × the architecture's rate + request charge); dashed: plus the S3 requests.", samples, chart: price })
  );
}
