// `bench local`'s forecasts: each successful contender's measured local run (the S3 front's
// usage: CPU-seconds, bytes, S3 requests) through the model (harness/forecast.ts) to the full
// contest on AWS, priced with the scorer's own Lambda price function and the S3 request prices.
// Also the memory sweep's choice: the cheapest size whose forecast fits the budget.
import { priceRun } from "../functions/score/price";
import type { Architecture, ForecastDoc, ResultDocument, SuccessRow, SweepPointDoc } from "../harness/contracts";
import { forecastRun, SEED_DATASET_BYTES, SEED_DATASET_OBJECTS, type Dataset, type Pricing } from "../harness/forecast";
import { lambdaRatesFor, s3RequestRatesFor } from "../harness/pricing";
import { s3RequestPrice } from "../harness/s3-requests";

/** The full contest the forecast is for: the dev stack's dataset and budget (Pulumi.dev.yaml). */
export const FORECAST_DEFAULTS = {
  objects: SEED_DATASET_OBJECTS,
  bytes: SEED_DATASET_BYTES,
  budgetS: 300,
  /** The dev stack runs a contender's 10 runs at once (maxConcurrency 10). */
  concurrentRuns: 10,
} as const;

export function pricingFor(region: string): Pricing {
  const rates = lambdaRatesFor(region);
  const s3Rates = s3RequestRatesFor(region);
  return {
    lambdaRunPrice: ({ billedDurationMs, ...rest }) => priceRun({ ...rest, billedDurationsMs: [billedDurationMs] }, rates).run_price_usd,
    s3RequestPrice: (requests) => s3RequestPrice(requests, s3Rates),
  };
}

/**
 * The forecast of `row`'s contender at `memoryMb` (default: the memory it ran with), or why there
 * is none (the run's CPU or S3 usage was not measured).
 */
export function forecastRow(
  row: SuccessRow,
  local: Dataset,
  target: { dataset: Dataset; budgetS: number; region: string; memoryMb?: number },
): ForecastDoc | { unavailable: string } {
  // The usage fields the S3 front adds to a success row are absent when it did not measure.
  if (row.cpu_seconds === undefined || row.cpu_seconds === null || row.bytes_in === undefined || row.s3_requests === undefined) {
    return { unavailable: "no measured CPU-seconds and S3 usage for this contender's runs (they come from the local S3 front and the sandbox's cgroup)" };
  }
  const f = forecastRun(
    {
      cpu_seconds: row.cpu_seconds,
      bytes_in: row.bytes_in,
      bytes_out: row.bytes_out ?? 0,
      bytes_copied: row.bytes_copied ?? 0,
      s3_requests: row.s3_requests,
      dataset: local,
      // Mean requests in flight over the run, as the S3 front timed them.
      ...(row.request_seconds !== undefined && row.duration_ms.mean > 0 ? { request_concurrency: row.request_seconds / (row.duration_ms.mean / 1000) } : {}),
    },
    {
      memoryMb: target.memoryMb ?? row.memory_mb,
      architecture: row.architecture as Architecture,
      ephemeralStorageMb: row.ephemeral_storage_mb,
      dataset: target.dataset,
      concurrentRuns: FORECAST_DEFAULTS.concurrentRuns,
    },
    pricingFor(target.region),
  );
  return { ...f, budget_s: target.budgetS, passes: f.duration_s <= target.budgetS };
}

/** Memory sizes for `--sweep` (Lambda Power Tuning's usual powers, up to 3,008 MB). */
export const DEFAULT_SWEEP_MB = [512, 1024, 1536, 1769, 3008] as const;

/** The cheapest size (by forecast Lambda price, the contest's rank key) whose forecast fits the budget. */
export function cheapestPassing(points: readonly SweepPointDoc[]): SweepPointDoc | undefined {
  return points
    .filter((p) => p.measured.ok && p.forecast?.passes)
    .reduce<SweepPointDoc | undefined>((best, p) => (!best || p.forecast!.lambda_price_usd < best.forecast!.lambda_price_usd ? p : best), undefined);
}

export interface ForecastSettings {
  dataset: Dataset;
  budgetS: number;
  region: string;
}

/** `result` with each success row's forecast at its own memory and architecture. A row without
 *  measured usage gets none (the table says why). */
export function withForecasts(result: ResultDocument, local: Dataset, settings: ForecastSettings): ResultDocument {
  return {
    ...result,
    success: result.success.map((row) => {
      const f = forecastRow(row, local, settings);
      return "unavailable" in f ? row : { ...row, forecast: f };
    }),
  };
}

/** One memory size's local run, for the sweep. */
export interface SweepRun {
  memoryMb: number;
  result: ResultDocument;
  local: Dataset;
}

/** `result` with each success row's memory sweep (every size, in order) and its cheapest passing size. */
export function withSweep(result: ResultDocument, runs: readonly SweepRun[], settings: ForecastSettings): ResultDocument {
  return {
    ...result,
    success: result.success.map((row) => {
      const sweep: SweepPointDoc[] = runs.map(({ memoryMb, result: at, local }) => {
        const ran = at.success.find((r) => r.contender === row.contender);
        if (!ran) {
          const failure = at.failure.find((f) => f.contender === row.contender);
          return { memory_mb: memoryMb, forecast: null, measured: { ok: false, reason: failure?.reason ?? "crash: no result at this memory size" } };
        }
        const f = forecastRow(ran, local, settings);
        return {
          memory_mb: memoryMb,
          forecast: "unavailable" in f ? null : f,
          measured: {
            ok: true,
            duration_ms_mean: ran.duration_ms.mean,
            run_price_usd: ran.run_price_usd,
            max_memory_used_mb: ran.max_memory_used_mb,
            cpu_seconds: ran.cpu_seconds ?? null,
          },
        };
      });
      return { ...row, sweep, sweep_cheapest_passing_memory_mb: cheapestPassing(sweep)?.memory_mb ?? null };
    }),
  };
}
