// The contest's result document as the report reads it: harness/contracts.ts's ResultDocument,
// plus the fields the local S3 front (issue 10) and the AWS forecast (issue 13) add, all optional
// so that a document from before them still renders (those charts are then left out and say so).
//
// Looser than the contract on purpose: a report should open a document written by a newer
// version of the harness, so unknown fields are kept, not refused; the known ones are checked.
import { z } from "zod";
import { FailureRow, SuccessRow } from "../../harness/contracts";

export const ContestSuccessRow = z.looseObject({
  ...SuccessRow.shape,
  /** Every run's duration (REPORT Duration), in run order. */
  run_durations_ms: z.array(z.number()).optional(),
  /** Mean S3 requests per run, by S3 operation (GetObject, UploadPart, ...). */
  s3_requests: z.record(z.string(), z.number().nonnegative()).optional(),
  /** Mean bytes per run the Lambda received from S3, sent to S3, and had S3 copy server-side. */
  bytes_in: z.number().nonnegative().optional(),
  bytes_out: z.number().nonnegative().optional(),
  bytes_copied: z.number().nonnegative().optional(),
  /** Mean CPU-seconds per run, from the sandbox's cgroup (local runs). */
  cpu_seconds: z.number().nonnegative().optional(),
  s3_request_price_usd: z.number().nonnegative().optional(),
  /** Lambda price + request charge + S3 requests, per run. */
  total_price_usd: z.number().nonnegative().optional(),
});
export type ContestSuccessRow = z.infer<typeof ContestSuccessRow>;

/** One point of a contender's memory sweep: the AWS forecast at that memory size. */
export const SweepPoint = z.looseObject({
  contender: z.string().min(1),
  memory_mb: z.number().int().positive(),
  forecast_duration_ms: z.number().nonnegative(),
  forecast_price_usd: z.number().nonnegative(),
  forecast_total_price_usd: z.number().nonnegative().optional(),
  /** Which term of the forecast model bound it: cpu, network or requests. */
  bound: z.string().optional(),
  within_budget: z.boolean().optional(),
});
export type SweepPoint = z.infer<typeof SweepPoint>;

export const ContestDocument = z.looseObject({
  success: z.array(ContestSuccessRow),
  failure: z.array(FailureRow),
  memory_sweep: z.array(SweepPoint).optional(),
});
export type ContestDocument = z.infer<typeof ContestDocument>;
