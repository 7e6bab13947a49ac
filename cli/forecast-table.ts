// The forecast lines `bench local` prints after the ranked table: per contender the forecast of
// the full contest on AWS at its memory and architecture, then (with --memory/--sweep) the memory
// sweep and its cheapest size that fits the budget. Every figure here is labelled a forecast.
import type { ForecastDoc, ResultDocument, SuccessRow } from "../harness/contracts";
import { significant } from "./table";

type Cell = string;

/** Right-aligned columns except the first `leftColumns`, two spaces apart. */
function aligned(header: Cell[], rows: Cell[][], leftColumns = 1): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: Cell[]) =>
    cells
      .map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const gb = (bytes: number) => (bytes / 1e9).toFixed(2);
const secs = (s: number) => s.toFixed(1);
const fits = (f: ForecastDoc) => (f.passes ? "yes" : "NO");

export function forecastTitle(f: ForecastDoc): string {
  return (
    `FORECAST (model v${f.model_version}, not a measurement) of one run of the full contest on AWS: ` +
    `${f.dataset.objects} objects, ${gb(f.dataset.bytes)} GB, budget ${f.budget_s} s` +
    (f.concurrent_runs ? `, ${f.concurrent_runs} runs at once sharing the bucket's request rate` : "")
  );
}

/** The forecast block, or "" when no row carries a forecast. */
export function renderForecasts(doc: ResultDocument): string {
  const rows = [...doc.success].sort((a, b) => a.rank - b.rank);
  const first = rows.find((r) => r.forecast)?.forecast;
  const out: string[] = [];
  if (first) {
    out.push(forecastTitle(first));
    out.push(
      ...aligned(
        ["contender", "arch", "memory MB", "duration s", "bound", "vCPU", "Lambda $/run", "S3 $/run", "total $/run", "fits"],
        rows.map((r) => {
          const f = r.forecast;
          if (!f) return [r.contender, r.architecture, String(r.memory_mb), "-", "no usage measured", "", "", "", "", ""];
          return [r.contender, f.architecture, String(f.memory_mb), secs(f.duration_s), f.bound, f.vcpus.toFixed(2), significant(f.lambda_price_usd, 3), significant(f.s3_request_price_usd, 3), significant(f.total_price_usd, 3), fits(f)];
        }),
        2,
      ),
    );
  }
  const scale = first ? first.dataset.bytes / first.scaled_from.bytes : 1;
  // Under 5% of the contest (e.g. the default 80 MiB run, 188x), fixed costs weigh visibly.
  if (scale > 20) {
    out.push(
      `(scaled ${scale.toFixed(0)}x from the local run's ${first!.scaled_from.objects} objects, ${gb(first!.scaled_from.bytes)} GB: ` +
        "its fixed costs, such as the first call's warm-up, are scaled too, so the forecast is pessimistic; " +
        "run closer to the contest's size, e.g. --objects 200 --size-mb 5, for a tighter one)",
    );
  }
  for (const r of rows) if (r.sweep) out.push("", ...renderSweep(r));
  return out.length ? `${out.join("\n")}\n` : "";
}

function renderSweep(row: SuccessRow): string[] {
  const points = row.sweep ?? [];
  const out = [`memory sweep of ${row.contender}: a local run at each size, and its FORECAST for the full contest`];
  out.push(
    ...aligned(
      ["memory MB", "local mean s", "max mem MB", "forecast s", "bound", "Lambda $/run", "total $/run", "fits"],
      points.map((p) => {
        if (!p.measured.ok) return [String(p.memory_mb), "failed", "", "", p.measured.reason.slice(0, 60), "", "", ""];
        const m = p.measured;
        const f = p.forecast;
        return [
          String(p.memory_mb),
          secs(m.duration_ms_mean / 1000),
          String(Math.round(m.max_memory_used_mb)),
          f ? secs(f.duration_s) : "-",
          f ? f.bound : "no usage measured",
          f ? significant(f.lambda_price_usd, 3) : "",
          f ? significant(f.total_price_usd, 3) : "",
          f ? fits(f) : "",
        ];
      }),
      0,
    ),
  );
  const best = points.find((p) => p.memory_mb === row.sweep_cheapest_passing_memory_mb);
  out.push(
    best?.forecast
      ? `cheapest size that fits the budget (forecast): ${best.memory_mb} MB, $${significant(best.forecast.lambda_price_usd, 3)} Lambda, $${significant(best.forecast.total_price_usd, 3)} with S3 requests, per run`
      : "no size fits the budget in the forecast",
  );
  return out;
}
