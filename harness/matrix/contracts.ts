// The runtime matrix's payloads: the execution input, the sampler's event and continuation, the
// aggregate function's events. Parsed with zod at every boundary (parsePayload names bad fields).
import { z } from "zod";
import { Architecture } from "../contracts";

export { parsePayload, InvalidPayloadError } from "../contracts";

const nonEmpty = z.string().min(1);
/** Lambda's memory range; the sampler sets it with UpdateFunctionConfiguration. */
export const MemoryMb = z.number().int().min(128).max(10240);
export const SampleKind = z.enum(["cold", "warm"]);
export type SampleKind = z.infer<typeof SampleKind>;

/** Where a run ran: locally (both architectures on the host CPU, labelled) or on AWS. */
export const RunEngine = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("local"),
    host: z.strictObject({ cpu_model: z.string(), machine: z.string(), cpus: z.number().int().positive() }),
  }),
  z.strictObject({ kind: z.literal("aws") }),
]);
export type RunEngine = z.infer<typeof RunEngine>;

/** Settings shared by every configuration of one run. */
export const RunSettings = z.strictObject({
  run_id: z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/, "must be 1-80 letters, digits, '.', '_' or '-'"),
  table: nonEmpty,
  region: nonEmpty,
  mode: z.enum(["test", "balanced", "production", "custom"]),
  engine: RunEngine,
  cold: z.number().int().min(0).max(1000),
  warm: z.number().int().min(0).max(10000),
  /** How long one sampler call may keep starting samples (it hands back a continuation after). */
  time_budget_ms: z.number().int().positive(),
  /** Lifetime of sample items (DynamoDB TTL); run and aggregate items are kept. */
  sample_ttl_s: z.number().int().positive(),
  /** Runtimes asked for but not run, and why (e.g. not installed on this machine). */
  skipped: z.array(z.strictObject({ runtime: z.string(), reason: z.string() })),
});
export type RunSettings = z.infer<typeof RunSettings>;

/** One function under test and what to send it. */
export const MatrixFunctionInput = z.strictObject({
  function_arn: nonEmpty,
  runtime: nonEmpty,
  architecture: Architecture,
  workload: nonEmpty,
  memory_sizes: z.array(MemoryMb).min(1),
  /** The event every sample sends (e.g. `{ "iterations": 500000 }` for cpu). */
  payload: z.record(z.string(), z.unknown()),
  /** The checksum every correct answer carries; anything else is a failed sample. */
  expected_checksum: nonEmpty,
});
export type MatrixFunctionInput = z.infer<typeof MatrixFunctionInput>;

export const MatrixExecutionInput = z.strictObject({
  run: RunSettings,
  functions: z.array(MatrixFunctionInput).min(1),
});
export type MatrixExecutionInput = z.infer<typeof MatrixExecutionInput>;

/** One (function, memory) configuration. */
export const Configuration = z.strictObject({
  function_arn: nonEmpty,
  runtime: nonEmpty,
  architecture: Architecture,
  workload: nonEmpty,
  memory_mb: MemoryMb,
});
export type Configuration = z.infer<typeof Configuration>;

/** The sampler retries a misclassified sample until this many attempts per slot, then gives the slot up. */
export const MAX_ATTEMPTS_PER_SLOT = 3;

/** Where a sampler call stopped: small, so Step Functions can carry it between calls. */
export const SamplerContinuation = z.strictObject({
  cold_done: z.number().int().min(0),
  warm_done: z.number().int().min(0),
  /** Attempts already spent on the current slot (misclassified samples are retried). */
  slot_attempts: z.number().int().min(0),
  /** Sequence number of the next sample item of this configuration. */
  next_seq: z.number().int().min(0),
});
export type SamplerContinuation = z.infer<typeof SamplerContinuation>;

export const SamplerEvent = z.strictObject({
  run_id: RunSettings.shape.run_id,
  table: nonEmpty,
  configuration: Configuration,
  payload: z.record(z.string(), z.unknown()),
  expected_checksum: nonEmpty,
  cold: RunSettings.shape.cold,
  warm: RunSettings.shape.warm,
  time_budget_ms: RunSettings.shape.time_budget_ms,
  sample_ttl_s: RunSettings.shape.sample_ttl_s,
  continuation: SamplerContinuation.nullable(),
});
export type SamplerEvent = z.infer<typeof SamplerEvent>;

export const SamplerResult = z.strictObject({
  done: z.boolean(),
  continuation: SamplerContinuation,
  /** What this call took, by status (the table holds every sample). */
  taken: z.strictObject({ ok: z.number().int(), failed: z.number().int(), misclassified: z.number().int() }),
});
export type SamplerResult = z.infer<typeof SamplerResult>;

export const StartRunEvent = z.strictObject({ action: z.literal("start-run"), run: RunSettings, functions: z.array(MatrixFunctionInput).min(1) });
export const AggregateEvent = z.strictObject({
  action: z.literal("aggregate"),
  run_id: RunSettings.shape.run_id,
  table: nonEmpty,
  region: nonEmpty,
  configuration: Configuration,
});
export const FinishRunEvent = z.strictObject({ action: z.literal("finish-run"), run_id: RunSettings.shape.run_id, table: nonEmpty, region: nonEmpty });
export const AggregatorEvent = z.discriminatedUnion("action", [StartRunEvent, AggregateEvent, FinishRunEvent]);
export type StartRunEvent = z.infer<typeof StartRunEvent>;
export type AggregateEvent = z.infer<typeof AggregateEvent>;
export type FinishRunEvent = z.infer<typeof FinishRunEvent>;
export type AggregatorEvent = z.infer<typeof AggregatorEvent>;
