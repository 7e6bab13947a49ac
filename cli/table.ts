// Renders a ResultDocument as the ranked table both `bench local` and `bench aws` print: plain,
// aligned text (colour only when asked for, i.e. on a TTY), then the failures with their reasons.
import type { ResultDocument, SuccessRow } from "../harness/contracts";

export interface TableOptions {
  /** ANSI colour (rank 1 green, failures red). Pass `useColor(stream)`. */
  color?: boolean;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: { isTTY?: boolean }): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

/** `value` with `digits` significant digits in plain decimal notation (never 1e-7). */
export function significant(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return value.toFixed(Math.min(decimals, 20));
}

const seconds = (ms: number, decimals = 2) => (ms / 1000).toFixed(decimals);

interface Column {
  header: string;
  align: "left" | "right";
  cell: (row: SuccessRow) => string;
}

const COLUMNS: Column[] = [
  { header: "#", align: "right", cell: (r) => String(r.rank) },
  { header: "contender", align: "left", cell: (r) => r.contender },
  { header: "arch", align: "left", cell: (r) => r.architecture },
  { header: "memory MB", align: "right", cell: (r) => String(r.memory_mb) },
  { header: "runs", align: "right", cell: (r) => String(r.runs_count) },
  {
    header: "mean ± stddev s",
    align: "right",
    cell: (r) => `${seconds(r.duration_ms.mean)} ± ${seconds(r.duration_ms.stddev)}`,
  },
  {
    header: "min/max s",
    align: "right",
    cell: (r) => `${seconds(r.duration_ms.min)}/${seconds(r.duration_ms.max)}`,
  },
  { header: "max mem MB", align: "right", cell: (r) => String(Math.round(r.max_memory_used_mb)) },
  {
    header: "init ms",
    align: "right",
    cell: (r) => (r.init_duration_ms === null ? "-" : String(Math.round(r.init_duration_ms))),
  },
  { header: "GB-s", align: "right", cell: (r) => significant(r.gb_second_compute + r.gb_second_storage, 4) },
  { header: "$/run", align: "right", cell: (r) => significant(r.run_price_usd, 3) },
];

/** Shown when the runs' S3 usage was measured (bench local, through the S3 front). */
const FULL_PRICE_COLUMNS: Column[] = [
  { header: "S3 req/run", align: "right", cell: (r) => String(Math.round(Object.values(r.s3_requests ?? {}).reduce((a, b) => a + b, 0))) },
  { header: "S3 $/run", align: "right", cell: (r) => (r.s3_request_price_usd === undefined ? "-" : significant(r.s3_request_price_usd, 3)) },
  { header: "full $/run", align: "right", cell: (r) => (r.total_price_usd === undefined ? "-" : significant(r.total_price_usd, 3)) },
];

const paint = (on: boolean, code: string, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

/** Table width is measured in characters; every cell is single-line, single-width text. */
function pad(text: string, width: number, align: "left" | "right"): string {
  return align === "left" ? text.padEnd(width) : text.padStart(width);
}

/** The ranked table followed by the failure list, ending with a newline. */
export function renderResultTable(doc: ResultDocument, options: TableOptions = {}): string {
  const color = options.color ?? false;
  const out: string[] = [];
  const rows = [...doc.success].sort((a, b) => a.rank - b.rank);
  if (rows.length === 0) {
    out.push("No contender succeeded.");
  } else {
    const columns = rows.some((row) => row.total_price_usd !== undefined) ? [...COLUMNS, ...FULL_PRICE_COLUMNS] : COLUMNS;
    const cells = rows.map((row) => columns.map((c) => oneLine(c.cell(row))));
    const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
    const line = (values: string[]) =>
      values
        .map((v, i) => pad(v, widths[i]!, columns[i]!.align))
        .join("  ")
        .trimEnd();
    out.push(paint(color, "1", line(columns.map((c) => c.header))));
    cells.forEach((values, i) => out.push(paint(color && rows[i]!.rank === 1, "32", line(values))));
  }
  if (doc.failure.length > 0) {
    out.push("", `Failures (${doc.failure.length}):`);
    const width = Math.max(...doc.failure.map((f) => f.contender.length));
    const sorted = [...doc.failure].sort((a, b) => a.contender.localeCompare(b.contender));
    for (const f of sorted) out.push(`  ${paint(color, "31", f.contender.padEnd(width))}  ${oneLine(f.reason)}`);
  }
  return `${out.join("\n")}\n`;
}

/** Reasons may carry stack traces or JSON with newlines: a table row stays on one line. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim();
}
