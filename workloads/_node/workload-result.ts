// What every Node workload returns, and how it reads its event. Shared by the three Node
// workloads (bundled into each by esbuild); imports nothing from the rest of the project.

export type Architecture = "arm64" | "x86_64";

export interface WorkloadResult {
  ok: true;
  workload: "cpu" | "memory" | "light";
  /** Lambda's runtime id, from AWS_EXECUTION_ENV (`AWS_Lambda_nodejs22.x` -> `nodejs22.x`). */
  runtime: string;
  /** The CPU this process actually runs on, whatever the function was configured with. */
  architecture: Architecture;
  checksum: string;
}

function architecture(): Architecture {
  if (process.arch === "arm64") return "arm64";
  if (process.arch === "x64") return "x86_64";
  throw new Error(`unexpected CPU architecture ${process.arch}`);
}

export function workloadResult(workload: WorkloadResult["workload"], checksum: string): WorkloadResult {
  const runtime = (process.env.AWS_EXECUTION_ENV ?? "").replace(/^AWS_Lambda_/, "") || "unknown";
  return { ok: true, workload, runtime, architecture: architecture(), checksum };
}

/** `event[field]` as an integer in [min, max], or `fallback` when absent; anything else throws. */
export function intField(event: unknown, field: string, fallback: number, min: number, max: number): number {
  if (event !== null && event !== undefined && (typeof event !== "object" || Array.isArray(event)))
    throw new TypeError(`the event must be a JSON object, got ${JSON.stringify(event)}`);
  const value = (event as Record<string, unknown> | null | undefined)?.[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`event.${field} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return value;
}
