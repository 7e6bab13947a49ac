// What the runs' measured S3 usage adds to a score (bench local only, see RunUsage): the proof of
// work (a run must itself read every source object) and the full price of a run.
import type { RunOutcome, RunUsage } from "../../harness/contracts";
import type { S3RequestRates } from "../../harness/pricing";
import { s3RequestPrice } from "../../harness/s3-requests";
import { USD_DECIMALS, roundTo } from "./numbers";

export type S3Rates = S3RequestRates;

/**
 * `invalid: run N read k of n source objects` for the first run that read (GET) or copied fewer
 * source objects than exist: an archive assembled from another run's output is not this run's
 * work, even when it validates. Runs without measured usage are not judged.
 */
export function proofOfWorkFailure(runs: readonly RunOutcome[]): string | undefined {
  for (const run of runs) {
    const usage = run.usage;
    if (usage && usage.source_objects_read < usage.source_objects) {
      return `invalid: run ${run.index + 1} read ${usage.source_objects_read} of ${usage.source_objects} source objects`;
    }
  }
  return undefined;
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const round3 = (value: number) => roundTo(value, 3);

function billed(usage: RunUsage): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [operation, n] of Object.entries(usage.s3_requests)) out[operation] = n - (usage.s3_unbilled_requests[operation] ?? 0);
  return out;
}

/** Means per run of the usage, the S3 request charge and the full price; {} unless every run was measured. */
export function fullPrice(runs: readonly RunOutcome[], runPriceUsd: number, rates: S3Rates) {
  const usages = runs.flatMap((run) => (run.usage ? [run.usage] : []));
  if (usages.length === 0 || usages.length !== runs.length) return {};
  const operations = [...new Set(usages.flatMap((u) => Object.keys(u.s3_requests)))].sort();
  const s3Requests = Object.fromEntries(operations.map((op) => [op, round3(mean(usages.map((u) => u.s3_requests[op] ?? 0)))]));
  const s3Price = mean(usages.map((u) => s3RequestPrice(billed(u), rates)));
  const cpu = usages.map((u) => u.cpu_seconds);
  return {
    s3_requests: s3Requests,
    bytes_in: round3(mean(usages.map((u) => u.bytes_in))),
    bytes_out: round3(mean(usages.map((u) => u.bytes_out))),
    bytes_copied: round3(mean(usages.map((u) => u.bytes_copied))),
    cpu_seconds: cpu.every((c) => c !== null) ? round3(mean(cpu as number[])) : null,
    ...(usages.every((u) => u.request_seconds !== undefined) ? { request_seconds: round3(mean(usages.map((u) => u.request_seconds!))) } : {}),
    s3_request_price_usd: roundTo(s3Price, USD_DECIMALS),
    total_price_usd: roundTo(runPriceUsd + s3Price, USD_DECIMALS),
  };
}
