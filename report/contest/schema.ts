// The contest's result document as the report reads it: harness/contracts.ts's ResultDocument,
// plus the fields the local S3 front (issue 10) and the AWS forecast (issue 13) add on their
// branches, by their names there, all optional so that a document from before them still renders
// (those figures then say what is missing).
//
// Looser than the contract on purpose: a report should open a document written by a newer
// version of the harness, so unknown fields are kept, not refused; the known ones are checked.
import { z } from "zod";
import { FailureRow, SuccessRow } from "../../harness/contracts";

/**
 * The forecast of one run of the full contest on AWS at one memory size (issue 13's ForecastDoc,
 * branch i13): the fields the report draws, the rest kept as they are.
 */
export const Forecast = z.looseObject({
  kind: z.literal("forecast"),
  memory_mb: z.number(),
  duration_s: z.number().nonnegative(),
  bound: z.string(),
  lambda_price_usd: z.number().nonnegative(),
  total_price_usd: z.number().nonnegative(),
  budget_s: z.number().positive(),
  passes: z.boolean(),
});
export type Forecast = z.infer<typeof Forecast>;

/** One memory size of a contender's sweep (issue 13's SweepPointDoc): the local run, and its forecast. */
export const SweepPoint = z.looseObject({
  memory_mb: z.number().int().positive(),
  /** null when the local run at this size failed (then `measured.reason` says why). */
  forecast: Forecast.nullable(),
  measured: z.union([
    z.looseObject({ ok: z.literal(true), duration_ms_mean: z.number(), run_price_usd: z.number() }),
    z.looseObject({ ok: z.literal(false), reason: z.string() }),
  ]),
});
export type SweepPoint = z.infer<typeof SweepPoint>;

export const ContestSuccessRow = z.looseObject({
  ...SuccessRow.shape,
  /** Every run's duration (REPORT Duration), in run order. Proposed by the report; no producer yet. */
  run_durations_ms: z.array(z.number()).optional(),
  // The full price of a run (issue 10, branch i10/i13 names): means per run, measured by the
  // local S3 front; absent on AWS.
  s3_requests: z.record(z.string(), z.number().nonnegative()).optional(),
  bytes_in: z.number().nonnegative().optional(),
  bytes_out: z.number().nonnegative().optional(),
  bytes_copied: z.number().nonnegative().optional(),
  cpu_seconds: z.number().nonnegative().nullable().optional(),
  s3_request_price_usd: z.number().nonnegative().optional(),
  /** run_price_usd + s3_request_price_usd. */
  total_price_usd: z.number().nonnegative().optional(),
  // The AWS forecast (issue 13): at the row's own memory, and per size of a memory sweep.
  forecast: Forecast.optional(),
  sweep: z.array(SweepPoint).optional(),
  sweep_cheapest_passing_memory_mb: z.number().nullable().optional(),
});
export type ContestSuccessRow = z.infer<typeof ContestSuccessRow>;

export const ContestDocument = z.looseObject({
  success: z.array(ContestSuccessRow),
  failure: z.array(FailureRow),
});
export type ContestDocument = z.infer<typeof ContestDocument>;
