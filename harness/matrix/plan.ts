// From a selection of matrix functions and a mode to the execution input of one run: the memory
// sizes of each function (below a workload's measured minimum they are left out and said so),
// its event and expected answer, and the checks that keep the run inside Step Functions' quotas.
import { MAX_ATTEMPTS_PER_SLOT, MatrixExecutionInput, parsePayload, type MatrixFunctionInput, type RunSettings } from "./contracts";
import { expectedChecksum } from "./expected";
import { checkHistoryBudget } from "./history";
import { MATRIX_MODES, memorySizesFor, type MatrixMode } from "./modes";

/** How long one sampler call may start samples on AWS: 900 s Lambda timeout - 300 s for the last sample and updates. */
export const AWS_TIME_BUDGET_MS = 600_000;
/** Sample items expire after 30 days; the run and its aggregates stay. */
export const SAMPLE_TTL_S = 30 * 24 * 3600;

export interface PlannedFunction {
  function_arn: string;
  runtime: string;
  architecture: "arm64" | "x86_64";
  workload: string;
  /** The workload's measured minimum memory (workload.json minMemoryMb). */
  minMemoryMb: number;
}

export interface PlanOptions {
  mode: MatrixMode;
  memoryOverride?: number[];
  cold?: number;
  warm?: number;
  /** Event of each workload (default: the workload's own defaults, `{}`). */
  payloads?: Partial<Record<string, Record<string, unknown>>>;
}

export function planRun(
  run: Omit<RunSettings, "cold" | "warm" | "mode" | "skipped"> & { skipped: RunSettings["skipped"] },
  functions: readonly PlannedFunction[],
  options: PlanOptions,
): MatrixExecutionInput {
  const skipped = [...run.skipped];
  const planned: MatrixFunctionInput[] = [];
  for (const fn of functions) {
    const all = memorySizesFor(options.mode, fn.workload, options.memoryOverride);
    const sizes = all.filter((mb) => mb >= fn.minMemoryMb);
    const dropped = all.filter((mb) => mb < fn.minMemoryMb);
    if (dropped.length && !skipped.some((s) => s.runtime === fn.runtime && s.reason.startsWith(`${fn.workload} at`))) {
      skipped.push({ runtime: fn.runtime, reason: `${fn.workload} at ${dropped.join(", ")} MB: below the workload's measured minimum of ${fn.minMemoryMb} MB` });
    }
    if (!sizes.length) continue;
    const payload = options.payloads?.[fn.workload] ?? {};
    planned.push({
      function_arn: fn.function_arn,
      runtime: fn.runtime,
      architecture: fn.architecture,
      workload: fn.workload,
      memory_sizes: sizes,
      payload,
      expected_checksum: expectedChecksum(fn.workload, payload),
    });
  }
  if (!planned.length) throw new Error("no configuration left to sample (every memory size is below its workload's minimum)");
  const isCustom = options.memoryOverride !== undefined || options.cold !== undefined || options.warm !== undefined;
  const cold = options.cold ?? MATRIX_MODES[options.mode].cold;
  const warm = options.warm ?? MATRIX_MODES[options.mode].warm;
  checkHistoryBudget(cold, warm, MAX_ATTEMPTS_PER_SLOT, planned.map((fn) => fn.memory_sizes.length));
  return parsePayload(
    MatrixExecutionInput,
    { run: { ...run, mode: isCustom ? "custom" : options.mode, cold, warm, skipped }, functions: planned },
    "matrix execution input",
  );
}
