// One iteration of the `Runs` Map: name the run's archive, invoke the contender once, record what
// happened, then abort any multipart upload the run left behind under its archive key.
//
//   NameArchive (Pass: archive_key = archives/<contender>/<execution>/<States.UUID()>.zip)
//   InvokeContender -> RecordRunSuccess | --catch--> RecordRunFailure
//   ListMultipartUploads (Prefix = the run's archive key) [--catch--> RunOutcome]
//   HasUploads? -> AbortUploads (Map: AbortMultipartUpload, errors ignored)
//   RunOutcome (the RunOutcome recorded above, and nothing else)
//
// Why here: a contender killed by its timeout or by the memory limit cannot abort its own
// multipart upload, and a crash may skip it too; its parts would be billed until the bucket's
// lifecycle rule expires them. Once the invoke has returned or failed, the run's process is
// gone, so whatever upload is still open under its key is orphaned. Doing it per run keeps the
// listing next to a ~6 KB state (never beside every run's log tail) and needs no prefix logic.
import { ContenderDefinitionParams } from "./definition";
import { INVOKE_TIMEOUT_S, LAMBDA_SERVICE_RETRY, SDK_CALL_TIMEOUT_S, catchAll } from "./asl-common";
import { TASK_STATES } from "./task-states";

/**
 * Uploads listed (and aborted) per run. One listing page, never a loop: a loop would need a
 * counter (arithmetic) to be sure to end. A page of this size stays ~60 KB on AWS (each entry
 * ~600 B with Initiator/Owner), far from 256 KiB, while a contender leaves one open upload per
 * killed run. The bucket's AbortIncompleteMultipartUpload lifecycle rule is the backstop.
 */
export const MAX_UPLOADS_LISTED_PER_RUN = 100;
const ABORT_CONCURRENCY = 10;

/**
 * Input `{ function_arn, contender, execution, index, run_id }` (run_id = States.UUID(), drawn by
 * the Runs Map's ItemSelector), output one RunOutcome.
 *
 * Why a random id and not the run number: a key naming the run let a contender do the work only
 * for the run that gets validated. Nothing in the event, the key or the environment says which
 * run this is; every run's archive is validated (validation-states.ts). (The id is drawn in the
 * ItemSelector and formatted here because intrinsic functions cannot be nested in
 * aws-local-stepfunctions 3.0.0: its argument parser takes quoted strings, paths and JSON only.)
 */
export function runStates(p: ContenderDefinitionParams): Record<string, unknown> {
  const run = { "index.$": "$.index", "archive_key.$": "$.archive_key" };
  // Each Record* state REPLACES the state with `{ archive_key, outcome }`: the cleanup below
  // needs the key, and RunOutcome hands on `outcome` alone.
  const record = (outcome: Record<string, unknown>) => ({
    Type: "Pass",
    Parameters: { "archive_key.$": "$.archive_key", outcome: { ...outcome, ...run } },
    Next: TASK_STATES.listMultipartUploads,
  });
  return {
    NameArchive: {
      Type: "Pass",
      Parameters: {
        "function_arn.$": "$.function_arn",
        "index.$": "$.index",
        "archive_key.$": "States.Format('archives/{}/{}/{}.zip', $.contender, $.execution, $.run_id)",
        "scratch_prefix.$": "States.Format('scratch/{}', $.contender)",
      },
      Next: TASK_STATES.invokeContender,
    },
    [TASK_STATES.invokeContender]: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: {
        "FunctionName.$": "$.function_arn",
        LogType: "Tail",
        Payload: { bucket_name: p.bucket, files_prefix: p.filesPrefix, "archive_key.$": "$.archive_key", "scratch_prefix.$": "$.scratch_prefix" },
      },
      ResultSelector: { "log_result.$": "$.LogResult" },
      ResultPath: "$.invocation",
      TimeoutSeconds: INVOKE_TIMEOUT_S,
      Retry: LAMBDA_SERVICE_RETRY,
      // A failed run is a result: record it, never fail the execution.
      Catch: catchAll("$.error", "RecordRunFailure"),
      Next: "RecordRunSuccess",
    },
    RecordRunSuccess: record({ ok: true, "log_result.$": "$.invocation.log_result" }),
    RecordRunFailure: record({ ok: false, "error.$": "$.error" }),
    [TASK_STATES.listMultipartUploads]: {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:s3:listMultipartUploads",
      Parameters: { Bucket: p.bucket, "Prefix.$": "$.archive_key", MaxUploads: MAX_UPLOADS_LISTED_PER_RUN },
      ResultPath: "$.multipart",
      TimeoutSeconds: SDK_CALL_TIMEOUT_S,
      // Best effort, like every cleanup step: a failure here must not cost the run its result.
      Catch: catchAll("$.multipart_error", "RunOutcome"),
      Next: "HasUploads",
    },
    // S3 omits `Uploads` when there are none, and a Map over a path that points at nothing fails
    // the whole execution (States.Runtime, uncatchable), hence the guard.
    HasUploads: {
      Type: "Choice",
      Choices: [{ Variable: "$.multipart.Uploads", IsPresent: true, Next: "AbortUploads" }],
      Default: "RunOutcome",
    },
    AbortUploads: {
      Type: "Map",
      ItemsPath: "$.multipart.Uploads",
      MaxConcurrency: ABORT_CONCURRENCY,
      ItemSelector: { "Key.$": "$$.Map.Item.Value.Key", "UploadId.$": "$$.Map.Item.Value.UploadId" },
      ItemProcessor: {
        ProcessorConfig: { Mode: "INLINE" },
        StartAt: TASK_STATES.abortMultipartUpload,
        States: {
          [TASK_STATES.abortMultipartUpload]: {
            Type: "Task",
            Resource: "arn:aws:states:::aws-sdk:s3:abortMultipartUpload",
            Parameters: { Bucket: p.bucket, "Key.$": "$.Key", "UploadId.$": "$.UploadId" },
            TimeoutSeconds: SDK_CALL_TIMEOUT_S,
            Catch: catchAll("$.abort_error", "UploadNotAborted"),
            End: true,
          },
          UploadNotAborted: { Type: "Pass", End: true },
        },
      },
      ResultPath: null,
      Next: "RunOutcome",
    },
    RunOutcome: { Type: "Pass", InputPath: "$.outcome", End: true },
  };
}
