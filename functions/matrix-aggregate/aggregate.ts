// From a configuration's sample items to its two aggregates (cold, warm), and from every
// aggregate of a run to the ARM-vs-x86 comparisons. Pure functions over plain data.
import type { Architecture } from "../../harness/contracts";
import type { Configuration, SampleKind } from "../../harness/matrix/contracts";
import type { Aggregate, Comparison } from "../../harness/matrix/result-document";
import type { AggregateItem, SampleItem } from "../../harness/matrix/results-table";
import { BOOTSTRAP_RESAMPLES, ratioOfMediansCi, seedFromText } from "./bootstrap";
import { costPerInvocationUsd, costPerMillionUsd } from "./cost";
import { describe, mean, median, roundDistribution } from "./statistics";

const round = (value: number, decimals: number) => Number(value.toFixed(decimals));

export interface AggregateResult {
  aggregate: Aggregate;
  durations_ms: number[];
  billed_durations_ms: number[];
}

/** One (configuration, kind): n counts ok samples only; failed and misclassified are counted apart. */
export function aggregateSamples(config: Configuration, kind: SampleKind, samples: readonly SampleItem[], region: string): AggregateResult {
  const mine = samples.filter((s) => s.kind === kind);
  const ok = mine.filter((s) => s.status === "ok");
  const durations = ok.map((s) => s.duration_ms!);
  const billed = ok.map((s) => s.billed_duration_ms!);
  const inits = ok.map((s) => s.init_duration_ms!);
  const any = ok.length > 0;
  return {
    aggregate: {
      runtime: config.runtime,
      architecture: config.architecture,
      workload: config.workload,
      memory_mb: config.memory_mb,
      kind,
      n: ok.length,
      failed: mine.filter((s) => s.status === "failed").length,
      misclassified: mine.filter((s) => s.status === "misclassified").length,
      duration_ms: any ? roundDistribution(describe(durations)) : null,
      billed_duration_ms: any ? roundDistribution(describe(billed)) : null,
      init_duration_ms: any && kind === "cold" ? roundDistribution(describe(inits)) : null,
      max_memory_used_mb: any ? Math.max(...ok.map((s) => s.max_memory_used_mb!)) : null,
      cost_per_million_usd: any ? round(costPerMillionUsd(mean(billed), config.memory_mb, config.architecture, region), 6) : null,
    },
    durations_ms: durations,
    billed_durations_ms: billed,
  };
}

export const CI_METHOD = `percentile bootstrap of the ratio of medians, ${BOOTSTRAP_RESAMPLES} resamples, seeded by FNV-1a of "runtime/workload/memory/kind"`;

/**
 * arm64 vs x86_64 for every (runtime, workload, memory, kind) measured on both architectures
 * with at least one ok sample each. Sorted by runtime, workload, memory, kind.
 */
export function compareArchitectures(items: readonly AggregateItem[], region: string): Comparison[] {
  const groups = new Map<string, Partial<Record<Architecture, AggregateItem>>>();
  for (const item of items) {
    const a = item.aggregate;
    if (a.n === 0) continue;
    const key = `${a.runtime}/${a.workload}/${a.memory_mb}/${a.kind}`;
    groups.set(key, { ...groups.get(key), [a.architecture]: item });
  }
  const comparisons: Comparison[] = [];
  for (const [key, pair] of groups) {
    const arm = pair.arm64;
    const x86 = pair.x86_64;
    if (!arm || !x86) continue;
    const a = arm.aggregate;
    const speedup = ratioOfMediansCi(x86.durations_ms, arm.durations_ms, seedFromText(key));
    const armCost = costPerInvocationUsd(median(arm.billed_durations_ms), a.memory_mb, "arm64", region);
    const x86Cost = costPerInvocationUsd(median(x86.billed_durations_ms), a.memory_mb, "x86_64", region);
    comparisons.push({
      runtime: a.runtime,
      workload: a.workload,
      memory_mb: a.memory_mb,
      kind: a.kind,
      arm_vs_x86_speedup: round(speedup.estimate, 4),
      ci95: [round(speedup.ci95[0], 4), round(speedup.ci95[1], 4)],
      cost_ratio: round(armCost / x86Cost, 4),
    });
  }
  const order = (c: Comparison) => [c.runtime, c.workload, String(c.memory_mb).padStart(5, "0"), c.kind].join("/");
  return comparisons.sort((x, y) => order(x).localeCompare(order(y)));
}
