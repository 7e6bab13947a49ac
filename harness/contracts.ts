// Every payload that crosses a boundary (Lambda event, Step Functions state, result document) has
// its schema here, shared by the functions, both engines and the CLI. Parse at the boundary with
// `parsePayload`; inside, trust the inferred types.
import { z } from "zod";

/** Parses `value` or throws one readable error naming each bad field. */
export function parsePayload<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join(".") : "(root)";
    return `${path}: ${issue.message}`;
  });
  throw new InvalidPayloadError(`invalid ${what}: ${problems.join("; ")}`);
}

export class InvalidPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidPayloadError";
  }
}

const nonEmpty = z.string().min(1);
/** An S3 key prefix without leading or trailing slash, e.g. `files`. */
const keyPrefix = z
  .string()
  .min(1)
  .regex(/^[^/].*[^/]$|^[^/]$/, "must not start or end with '/'");

// ---------------------------------------------------------------------------------------------
// The contender event: the whole contract between the harness and a contender.
// `archive_key` is `archives/<contender>/<execution>/<unguessable id>.zip`: it tells a contender
// nothing about which run it is, so every run has to do the work. `scratch_prefix` (optional, so
// older callers stay valid) is `scratch/<contender>`: the one prefix besides its own archives
// that the contender's role may write, read back and delete.
export const ContenderEvent = z.strictObject({
  bucket_name: nonEmpty,
  files_prefix: keyPrefix,
  archive_key: nonEmpty,
  scratch_prefix: keyPrefix.optional(),
});
export type ContenderEvent = z.infer<typeof ContenderEvent>;

// ---------------------------------------------------------------------------------------------
// fill-bucket: the `aws.lambda.Invocation` CRUD contract (lifecycleScope "CRUD" adds `tf`).
export const FillParams = z.strictObject({
  bucket: nonEmpty,
  prefix: keyPrefix,
  objectCount: z.number().int().positive(),
  objectSizeMb: z.number().positive(),
  seed: z.union([z.string().min(1), z.number().int()]),
});
export type FillParams = z.infer<typeof FillParams>;

export const FillInput = FillParams.extend({
  tf: z
    .strictObject({
      action: z.enum(["create", "update", "delete"]),
      prev_input: z.unknown().optional(),
    })
    .optional(),
});
export type FillInput = z.infer<typeof FillInput>;

export const FillResult = z.strictObject({
  action: z.enum(["filled", "refilled", "unchanged", "emptied"]),
  bucket: z.string(),
  prefix: z.string(),
  objectCount: z.number().int(),
  totalBytes: z.number().int(),
  deletedCount: z.number().int(),
  durationMs: z.number(),
});
export type FillResult = z.infer<typeof FillResult>;

// ---------------------------------------------------------------------------------------------
// validate: throws an `InvalidArchive` error whose message is the precise reason.
export const ValidateInput = z.strictObject({
  bucket: nonEmpty,
  archive_key: nonEmpty,
  files_prefix: keyPrefix,
  expected_object_count: z.number().int().nonnegative(),
});
export type ValidateInput = z.infer<typeof ValidateInput>;

export const ValidateResult = z.strictObject({
  archive_key: z.string(),
  archive_bytes: z.number().int(),
  entry_count: z.number().int(),
  stored_entries: z.number().int(),
  deflated_entries: z.number().int(),
  uncompressed_bytes: z.number().int(),
  zip64: z.boolean(),
});
export type ValidateResult = z.infer<typeof ValidateResult>;

// ---------------------------------------------------------------------------------------------
// score: what the state machine hands the scorer, and the result document it returns.

/** A caught Step Functions error: `Error` is the error name, `Cause` usually a JSON string. */
export const TaskError = z.object({ Error: z.string(), Cause: z.string().optional() });
export type TaskError = z.infer<typeof TaskError>;

export const Architecture = z.enum(["arm64", "x86_64"]);
export type Architecture = z.infer<typeof Architecture>;

/** The subset of Lambda GetFunctionConfiguration the scorer prices from. */
export const FunctionConfig = z.object({
  FunctionArn: z.string(),
  Runtime: z.string().optional(), // container-image functions have none
  MemorySize: z.number().int().positive(),
  Architectures: z.array(Architecture).min(1),
  EphemeralStorage: z.object({ Size: z.number().int().positive() }),
  Timeout: z.number().int().positive(),
});
export type FunctionConfig = z.infer<typeof FunctionConfig>;

const count = z.number().int().nonnegative();
/**
 * What one run did to S3 and how much CPU it used, as the local S3 front measured it (locally
 * only: on AWS the workflow has no such data, see README "The full price of a run"). Directions
 * are the function's: bytes_in = downloaded (response bodies), bytes_out = uploaded (request bodies).
 */
export const RunUsage = z.strictObject({
  /** Every request by S3 operation (answered, denied, throttled or cut). */
  s3_requests: z.record(z.string(), count),
  /** Of those, what S3 does not bill: 5xx answers and connections reset before an answer. */
  s3_unbilled_requests: z.record(z.string(), count),
  bytes_in: count,
  bytes_out: count,
  /** Copied inside S3 by CopyObject / UploadPartCopy (the range, or the whole source object). */
  bytes_copied: count,
  /** CPU time of the instance during the run (cgroup cpuacct); null when not measured. */
  cpu_seconds: z.number().nonnegative().nullable(),
  /** The run's S3 requests' summed time, from arrival at the front to the answer's end: divided by
   *  the run's duration, the mean number of requests in flight. Optional: fronts before it lacked it. */
  request_seconds: z.number().nonnegative().optional(),
  /** Proof of work: distinct source objects the run itself read (GET) or used as a copy source. */
  source_objects_read: count,
  source_objects: count,
});
export type RunUsage = z.infer<typeof RunUsage>;

export const RunOutcome = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    index: z.number().int().nonnegative(),
    archive_key: z.string(),
    /** base64 tail of the invocation log (LogType: Tail); ends with the REPORT line. */
    log_result: z.string(),
    usage: RunUsage.optional(),
  }),
  z.object({
    ok: z.literal(false),
    index: z.number().int().nonnegative(),
    archive_key: z.string(),
    error: TaskError,
    usage: RunUsage.optional(),
  }),
]);
export type RunOutcome = z.infer<typeof RunOutcome>;

/**
 * The validation of one run's archive (`index` = the run's). `error` is the validator's
 * `InvalidArchive` verdict (the contender's fault); `harness_error` is anything else the validator
 * Task ended with (the validator crashed, was throttled past its retries, or found the dataset
 * not matching the stack): the harness's fault, never reported as the contender's `invalid:`.
 */
export const ValidationOutcome = z.union([
  z.strictObject({ index: z.number().int().nonnegative(), ok: z.literal(true), result: ValidateResult }),
  z.strictObject({ index: z.number().int().nonnegative(), ok: z.literal(false), error: TaskError }),
  z.strictObject({ index: z.number().int().nonnegative(), harness_error: TaskError }),
]);
export type ValidationOutcome = z.infer<typeof ValidationOutcome>;

export const ContenderOutcome = z.object({
  contender: nonEmpty,
  function_arn: nonEmpty,
  /** Absent when the configuration could not be read (then `config_error` says why). */
  config: FunctionConfig.optional(),
  config_error: TaskError.optional(),
  runs: z.array(RunOutcome).default([]),
  /** One per run, in run order; empty when validation was skipped because a run failed. */
  validations: z.array(ValidationOutcome).default([]),
});
export type ContenderOutcome = z.infer<typeof ContenderOutcome>;

/**
 * The scorer's older, action-less event: every contender at once. The state machine no longer
 * sends it (see ScoreContenderEvent / RankEvent below); the scorer still accepts it.
 */
export const ScoreInput = z.strictObject({
  region: nonEmpty,
  max_run_time_ms: z.number().positive(),
  runs_per_contender: z.number().int().positive(),
  contenders: z.array(ContenderOutcome),
});
export type ScoreInput = z.infer<typeof ScoreInput>;

const Stats = z.strictObject({ mean: z.number(), stddev: z.number(), min: z.number(), max: z.number() });

/**
 * A FORECAST of one run of the full contest on AWS (harness/forecast.ts), made by `bench local`
 * from the contender's measured local runs: never a measurement. `bound` names the term that set
 * the duration; `passes` = duration_s <= budget_s.
 */
export const ForecastDoc = z.strictObject({
  kind: z.literal("forecast"),
  model_version: z.string(),
  memory_mb: z.number(),
  architecture: Architecture,
  dataset: z.strictObject({ objects: z.number(), bytes: z.number() }),
  /** The local run's dataset the forecast was scaled from. */
  scaled_from: z.strictObject({ objects: z.number(), bytes: z.number() }),
  duration_s: z.number(),
  bound: z.enum(["cpu", "network", "requests", "s3_rate"]),
  /** s3_rate and concurrent_runs came with model version 2; documents of version 1 have neither. */
  terms_s: z.strictObject({ cpu: z.number(), network: z.number(), requests: z.number(), s3_rate: z.number().optional() }),
  concurrent_runs: z.number().optional(),
  vcpus: z.number(),
  lambda_cpu_seconds: z.number(),
  s3_requests: z.record(z.string(), z.number()),
  lambda_price_usd: z.number(),
  s3_request_price_usd: z.number(),
  total_price_usd: z.number(),
  budget_s: z.number(),
  passes: z.boolean(),
});
export type ForecastDoc = z.infer<typeof ForecastDoc>;

/** One memory size of `bench local --memory/--sweep`: what ran locally there, and its forecast. */
export const SweepPointDoc = z.strictObject({
  memory_mb: z.number(),
  forecast: ForecastDoc.nullable(),
  measured: z.discriminatedUnion("ok", [
    z.strictObject({
      ok: z.literal(true),
      duration_ms_mean: z.number(),
      run_price_usd: z.number(),
      max_memory_used_mb: z.number(),
      cpu_seconds: z.number().nullable(),
    }),
    z.strictObject({ ok: z.literal(false), reason: z.string() }),
  ]),
});
export type SweepPointDoc = z.infer<typeof SweepPointDoc>;

export const SuccessRow = z.strictObject({
  rank: z.number().int().positive(),
  contender: z.string(),
  arn: z.string(),
  runtime: z.string(),
  architecture: Architecture,
  memory_mb: z.number(),
  ephemeral_storage_mb: z.number(),
  // bench local only: the forecast of the full contest at this row's memory and architecture,
  // the memory sweep (--memory/--sweep) and its cheapest size whose forecast fits the budget.
  forecast: ForecastDoc.optional(),
  sweep: z.array(SweepPointDoc).optional(),
  sweep_cheapest_passing_memory_mb: z.number().nullable().optional(),
  runs_count: z.number().int(),
  duration_ms: Stats,
  /**
   * Every run's REPORT Duration, in run order: the distribution behind duration_ms. The scorer
   * always writes it; optional so that documents of scorers deployed before it still read.
   */
  run_durations_ms: z.array(z.number()).optional(),
  billed_duration_ms: Stats,
  max_memory_used_mb: z.number(),
  /** Mean Init Duration over the runs that were cold starts; null when every run was warm. */
  init_duration_ms: z.number().nullable(),
  gb_second_compute: z.number(),
  gb_second_storage: z.number(),
  compute_rate_usd: z.number(),
  storage_rate_usd: z.number(),
  request_rate_usd: z.number(),
  compute_price_usd: z.number(),
  storage_price_usd: z.number(),
  request_price_usd: z.number(),
  run_price_usd: z.number(),
  // The full price of a run, when the runs' S3 usage was measured (bench local, through the S3
  // front); means per run. Absent on AWS.
  s3_requests: z.record(z.string(), z.number()).optional(),
  bytes_in: z.number().optional(),
  bytes_out: z.number().optional(),
  bytes_copied: z.number().optional(),
  cpu_seconds: z.number().nullable().optional(),
  request_seconds: z.number().optional(),
  /** S3 Standard request charge of the billed requests (S3 bills neither 5xx answers nor DELETEs). */
  s3_request_price_usd: z.number().optional(),
  /** run_price_usd (Lambda compute + storage + request charge) + s3_request_price_usd. */
  total_price_usd: z.number().optional(),
});
export type SuccessRow = z.infer<typeof SuccessRow>;

export const FailureReasonPrefix = z.enum(["crash", "timeout", "oom", "invalid", "too slow"]);
export const FailureRow = z.strictObject({
  contender: z.string(),
  reason: z.string().regex(/^(crash|timeout|oom|invalid|too slow): /, "must start with a known prefix"),
});
export type FailureRow = z.infer<typeof FailureRow>;

export const ResultDocument = z.strictObject({
  success: z.array(SuccessRow),
  failure: z.array(FailureRow),
});
export type ResultDocument = z.infer<typeof ResultDocument>;

// ---------------------------------------------------------------------------------------------
// The scorer's two actions, so that no state carries every contender's runs at once (Step
// Functions fails an execution whose state input or output exceeds 256 KiB): each contender is
// scored inside its own Map iteration ("score-contender", which sees that contender's runs
// only), and one last "rank" orders the small per-contender scores. An event without `action`
// is the older whole-ScoreInput event (score every contender, then rank), kept for callers that
// still send it.

/** A success row before ranking: the rank is only known once every contender is scored. */
export const UnrankedSuccessRow = SuccessRow.omit({ rank: true });
export type UnrankedSuccessRow = z.infer<typeof UnrankedSuccessRow>;

/**
 * What scoring one contender yields: its row, or why it failed. Also what the state machine
 * itself produces when the scorer crashed on a contender:
 * `{ failure: { contender, reason: "crash: scorer failed for <name>: <Error>" } }`.
 */
export const RankableScore = z.union([
  z.strictObject({ success: UnrankedSuccessRow }),
  z.strictObject({ failure: FailureRow }),
]);
export type RankableScore = z.infer<typeof RankableScore>;

/**
 * A fault of the harness met while scoring one contender (validator unavailable, dataset count
 * mismatch, unpriced region). The workflow fails the whole execution with `error`/`cause` when a
 * contender's execution hands this back: no ranking is published on a broken harness.
 */
export const HarnessFault = z.strictObject({ contender: z.string(), error: z.string().min(1), cause: z.string() });
export type HarnessFault = z.infer<typeof HarnessFault>;

export const ContenderScore = z.union([...RankableScore.options, z.strictObject({ harness_error: HarnessFault })]);
export type ContenderScore = z.infer<typeof ContenderScore>;

export const ScoreContenderEvent = z.strictObject({
  action: z.literal("score-contender"),
  region: nonEmpty,
  max_run_time_ms: z.number().positive(),
  runs_per_contender: z.number().int().positive(),
  contender: ContenderOutcome,
});
export type ScoreContenderEvent = z.infer<typeof ScoreContenderEvent>;

/**
 * A contender's child execution failed as a whole (States.DataLimitExceeded, a timeout, a
 * history or service limit): the parent workflow hands the caught error to the scorer, which turns
 * it into that contender's failure row.
 */
export const ContenderExecutionFailedEvent = z.strictObject({
  action: z.literal("contender-execution-failed"),
  contender: nonEmpty,
  error: TaskError,
});
export type ContenderExecutionFailedEvent = z.infer<typeof ContenderExecutionFailedEvent>;

const contenderOf = (score: RankableScore) => ("success" in score ? score.success.contender : score.failure.contender);

export const RankEvent = z.strictObject({
  action: z.literal("rank"),
  scores: z.array(RankableScore).superRefine((scores, ctx) => {
    // Two scores for one contender would put it in the table twice: a harness bug, not a result.
    const seen = new Set<string>();
    scores.forEach((score, i) => {
      const name = contenderOf(score);
      if (seen.has(name)) ctx.addIssue({ code: "custom", path: [i], message: `contender "${name}" is scored twice` });
      seen.add(name);
    });
  }),
});
export type RankEvent = z.infer<typeof RankEvent>;

/** The scorer Lambda's event when it names an action (see functions/score/index.ts). */
export const ScorerEvent = z.discriminatedUnion("action", [ScoreContenderEvent, ContenderExecutionFailedEvent, RankEvent]);
export type ScorerEvent = z.infer<typeof ScorerEvent>;
