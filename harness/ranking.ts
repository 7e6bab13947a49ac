// The one ranking rule, shared by the scorer (which ranks by run price, the seed contest's rule)
// and the CLI's `--rank-by total` (the full price: Lambda + S3 requests, when measured).
import type { SuccessRow, UnrankedSuccessRow } from "./contracts";

export type RankBy = "run" | "total";

const keyOf = (row: UnrankedSuccessRow, by: RankBy): number => (by === "total" ? (row.total_price_usd ?? Number.POSITIVE_INFINITY) : row.run_price_usd);

/** Cheapest first by `by`; ties by mean duration, then by name, so the order never depends on input order. */
export function rankRows(rows: readonly UnrankedSuccessRow[], by: RankBy = "run"): SuccessRow[] {
  return [...rows]
    .sort(
      (a, b) =>
        keyOf(a, by) - keyOf(b, by) ||
        a.run_price_usd - b.run_price_usd ||
        a.duration_ms.mean - b.duration_ms.mean ||
        (a.contender < b.contender ? -1 : a.contender > b.contender ? 1 : 0),
    )
    .map((row, i) => ({ ...row, rank: i + 1 }));
}

/** Re-ranks an existing document's successes (failures untouched). */
export function reRank<T extends { success: SuccessRow[] }>(doc: T, by: RankBy): T {
  if (by === "total" && doc.success.some((row) => row.total_price_usd === undefined)) {
    throw new Error("--rank-by total needs the full price of every run, which only bench local measures (through the S3 front)");
  }
  return { ...doc, success: rankRows(doc.success.map(({ rank: _rank, ...row }) => row), by) };
}
