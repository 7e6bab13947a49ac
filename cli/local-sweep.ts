// `bench local --memory 512,1024,1769` / `--sweep`: the memory sweep (Lambda Power Tuning style)
// and the forecast settings, parsed from the flags; then one full local run per memory size,
// one size after another (sizes run at once would share the 2 cores and distort each other's
// CPU-seconds).
import type { ResultDocument } from "../harness/contracts";
import type { LocalBenchOptions } from "../local/bench";
import { DEFAULT_SWEEP_MB, FORECAST_DEFAULTS, type ForecastSettings, type SweepRun } from "../local/forecast";
import { UsageError, positiveInt, positiveNumber } from "./args";

export const SWEEP_USAGE = `  --memory <mb,mb,...>     memory sweep: also run every contender at each of these sizes (one local run
                           per size) and print per size the forecast duration and price for the full
                           contest, and the cheapest size that fits the budget
  --sweep                  the same at ${DEFAULT_SWEEP_MB.join(", ")} MB
  --forecast-objects <n>   objects of the contest forecast for (default ${FORECAST_DEFAULTS.objects}, the dev stack's)
  --forecast-size-mb <mb>  their mean size in MiB (default ${FORECAST_DEFAULTS.bytes / FORECAST_DEFAULTS.objects / 2 ** 20})
  --forecast-budget-s <s>  the budget a forecast must fit (default ${FORECAST_DEFAULTS.budgetS}, the dev stack's)`;

export const SWEEP_FLAGS = {
  memory: { type: "string" },
  sweep: { type: "boolean" },
  "forecast-objects": { type: "string" },
  "forecast-size-mb": { type: "string" },
  "forecast-budget-s": { type: "string" },
} as const;

type SweepFlagValues = { memory?: string; sweep?: boolean; "forecast-objects"?: string; "forecast-size-mb"?: string; "forecast-budget-s"?: string };

/** Memory sizes to sweep (empty: no sweep). Lambda accepts 128 to 10,240 MB. */
export function sweepSizes(flags: SweepFlagValues): number[] {
  if (flags.memory !== undefined && flags.sweep) throw new UsageError("give --memory <sizes> or --sweep, not both");
  if (flags.sweep) return [...DEFAULT_SWEEP_MB];
  if (flags.memory === undefined) return [];
  const sizes = flags.memory.split(",").map((s) => s.trim());
  return sizes.map((s) => {
    const mb = Number(s);
    if (!/^\d+$/.test(s) || mb < 128 || mb > 10240) throw new UsageError(`--memory: '${s}' is not a Lambda memory size (whole MB, 128 to 10240)`);
    return mb;
  });
}

export function forecastSettings(flags: SweepFlagValues, region: string): ForecastSettings {
  const objects = positiveInt(flags["forecast-objects"], "forecast-objects") ?? FORECAST_DEFAULTS.objects;
  const meanMiB = positiveNumber(flags["forecast-size-mb"], "forecast-size-mb");
  const bytes = meanMiB === undefined && objects === FORECAST_DEFAULTS.objects ? FORECAST_DEFAULTS.bytes : Math.round(objects * (meanMiB ?? 5) * 2 ** 20);
  return { dataset: { objects, bytes }, budgetS: positiveNumber(flags["forecast-budget-s"], "forecast-budget-s") ?? FORECAST_DEFAULTS.budgetS, region };
}

/** One local run per size, in order; `note` reports progress on stderr. */
export async function runSweep(
  runLocalBench: (options: LocalBenchOptions) => Promise<{ result: ResultDocument; fill: { objectCount: number; totalBytes: number } }>,
  options: LocalBenchOptions,
  sizes: readonly number[],
  note: (line: string) => void,
): Promise<SweepRun[]> {
  const runs: SweepRun[] = [];
  for (const memoryMb of sizes) {
    const started = Date.now();
    note(`memory sweep: running every contender at ${memoryMb} MB`);
    const { result, fill } = await runLocalBench({ ...options, contenderMemoryMb: memoryMb, onPhase: undefined, onTask: undefined, onEvent: undefined });
    note(`memory sweep: ${memoryMb} MB done in ${((Date.now() - started) / 1000).toFixed(1)} s (${result.success.length} succeeded, ${result.failure.length} failed)`);
    runs.push({ memoryMb, result, local: { objects: fill.objectCount, bytes: fill.totalBytes } });
  }
  return runs;
}
