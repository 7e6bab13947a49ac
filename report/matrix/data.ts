// Small selections over the matrix document that several figures share.
import type { Distribution, MatrixAggregate, MatrixResultDocument } from "./schema";

/** An aggregate with at least one good sample: its distributions and cost exist (n > 0). */
export type MeasuredAggregate = MatrixAggregate & {
  duration_ms: Distribution;
  billed_duration_ms: Distribution;
  cost_per_million_usd: number;
};

/** The aggregates that have numbers to draw (those with n = 0 appear in the lost-samples figure). */
export function measured(aggs: readonly MatrixAggregate[]): MeasuredAggregate[] {
  return aggs.filter((a): a is MeasuredAggregate => a.duration_ms !== null && a.billed_duration_ms !== null && a.cost_per_million_usd !== null);
}

export const RUNTIME_ORDER = (doc: MatrixResultDocument): string[] => [...new Set(doc.aggregates.map((a) => a.runtime))].sort();
export const WORKLOADS = (doc: MatrixResultDocument): string[] => [...new Set(doc.aggregates.map((a) => a.workload))];
export const MEMORIES = (aggs: readonly MatrixAggregate[]): number[] => [...new Set(aggs.map((a) => a.memory_mb))].sort((a, b) => a - b);

/** Samples behind a set of aggregates: "n samples (k failed, m misclassified) in c configurations". */
export function sampleCount(aggs: readonly MatrixAggregate[]): string {
  const n = aggs.reduce((s, a) => s + a.n, 0);
  const failed = aggs.reduce((s, a) => s + a.failed, 0);
  const mis = aggs.reduce((s, a) => s + a.misclassified, 0);
  return `${n.toLocaleString("en-US")} samples (${failed} failed, ${mis} misclassified and retried, not counted) over ${aggs.length} configuration aggregates.`;
}

/** The memory size of `workload` closest to 1769 MB (one full vCPU): the default focus. */
export function focusMemory(aggs: readonly MatrixAggregate[], workload: string, wanted = 1769): number | undefined {
  const sizes = MEMORIES(aggs.filter((a) => a.workload === workload));
  return sizes.sort((a, b) => Math.abs(a - wanted) - Math.abs(b - wanted) || a - b)[0];
}

export const configLabel = (a: Pick<MatrixAggregate, "runtime" | "architecture" | "workload" | "memory_mb" | "kind">): string =>
  `${a.workload} ${a.runtime} ${a.architecture} ${a.memory_mb} MB ${a.kind}`;
