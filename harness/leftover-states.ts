// In the PARENT definition, after a contender's child execution failed as a whole: the child's
// own cleanup (abort each run's uploads, delete each run's archive) may never have run, so remove
// what the contender left under `archives/<contender>/<execution>/` before scoring its failure.
// Limit: runs still in flight when the child failed (Step Functions does not stop a Lambda
// invocation it no longer waits for) may write after this looked; the lifecycle rules catch those.
//
//   ListLeftArchives -> HasLeftArchives? -> DeleteLeftArchives (Map: DeleteLeftArchive)
//   ListLeftUploads  -> HasLeftUploads?  -> AbortLeftUploads (Map: AbortLeftUpload)
//   -> `next` (every step best effort: errors are caught and skipped)
//
// One listing page each, never a loop (a loop needs a counter to be sure to end). Pages are kept
// small, 40 objects (~250 B each) and 40 uploads (~600 B each): the iteration stays far below
// 256 KiB, the parent's history grows by at most ~680 events per sunk contender (history.ts), and
// a contender leaves at most one archive and one open upload per run (32 at most) unless it
// scatters temporary keys, for which the bucket's lifecycle rules remain the backstop (archives
// expire after 7 days, incomplete uploads after 1).
import { SDK_CALL_TIMEOUT_S, catchAll } from "./asl-common";
import { TASK_STATES } from "./task-states";

export const MAX_LEFTOVERS_LISTED = 40;
const DELETE_CONCURRENCY = 10;

/** Where the contender's archives of this execution are: the child names them the same way. */
const PREFIX = "States.Format('archives/{}/{}/', $.contender, $$.Execution.Name)";

export function leftoverStates(bucket: string, next: string): Record<string, unknown> {
  const eachItem = (itemsPath: string, task: string, resource: string, selector: Record<string, string>) => ({
    Type: "Map",
    ItemsPath: itemsPath,
    MaxConcurrency: DELETE_CONCURRENCY,
    ItemSelector: selector,
    ItemProcessor: {
      ProcessorConfig: { Mode: "INLINE" },
      StartAt: task,
      States: {
        [task]: {
          Type: "Task",
          Resource: resource,
          Parameters: { Bucket: bucket, "Key.$": "$.Key", ...(selector["UploadId.$"] ? { "UploadId.$": "$.UploadId" } : {}) },
          TimeoutSeconds: SDK_CALL_TIMEOUT_S,
          Catch: catchAll("$.cleanup_error", `${task}Skipped`),
          End: true,
        },
        [`${task}Skipped`]: { Type: "Pass", End: true },
      },
    },
    ResultPath: null,
  });
  return {
    [TASK_STATES.listLeftArchives]: {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:s3:listObjectsV2",
      Parameters: { Bucket: bucket, "Prefix.$": PREFIX, MaxKeys: MAX_LEFTOVERS_LISTED },
      ResultPath: "$.left_archives",
      TimeoutSeconds: SDK_CALL_TIMEOUT_S,
      Catch: catchAll("$.cleanup_error", TASK_STATES.listLeftUploads),
      Next: "HasLeftArchives",
    },
    // S3 omits `Contents` when nothing matched; a Map over a missing path would fail the execution.
    HasLeftArchives: {
      Type: "Choice",
      Choices: [{ Variable: "$.left_archives.Contents", IsPresent: true, Next: "DeleteLeftArchives" }],
      Default: TASK_STATES.listLeftUploads,
    },
    DeleteLeftArchives: {
      ...eachItem("$.left_archives.Contents", TASK_STATES.deleteLeftArchive, "arn:aws:states:::aws-sdk:s3:deleteObject", { "Key.$": "$$.Map.Item.Value.Key" }),
      Next: TASK_STATES.listLeftUploads,
    },
    [TASK_STATES.listLeftUploads]: {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:s3:listMultipartUploads",
      Parameters: { Bucket: bucket, "Prefix.$": PREFIX, MaxUploads: MAX_LEFTOVERS_LISTED },
      ResultPath: "$.left_uploads",
      TimeoutSeconds: SDK_CALL_TIMEOUT_S,
      Catch: catchAll("$.cleanup_error", next),
      Next: "HasLeftUploads",
    },
    HasLeftUploads: {
      Type: "Choice",
      Choices: [{ Variable: "$.left_uploads.Uploads", IsPresent: true, Next: "AbortLeftUploads" }],
      Default: next,
    },
    AbortLeftUploads: {
      ...eachItem("$.left_uploads.Uploads", TASK_STATES.abortLeftUpload, "arn:aws:states:::aws-sdk:s3:abortMultipartUpload", {
        "Key.$": "$$.Map.Item.Value.Key",
        "UploadId.$": "$$.Map.Item.Value.UploadId",
      }),
      Next: next,
    },
  };
}
