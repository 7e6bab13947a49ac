// After a contender's runs: validate EVERY run's archive, each with its own verdict, and delete it.
//
//   Validations (Map over $.runs, at most MAX_PARALLEL_VALIDATIONS at once), per run:
//     ValidateArchive --ok--> RecordValidArchive
//                     --catch InvalidArchive--> RecordInvalidArchive   (the contender's fault)
//                     --catch anything else--> RecordValidatorFailure  (the harness's fault)
//     DeleteArchive (best effort) -> ValidationOutcome (the verdict recorded above, nothing else)
//   DeleteArchives (Map over $.runs: DeleteArchive only), when a run failed and nothing is judged
//
// Why after all runs rather than inside each run's iteration: a validation reads the whole archive
// and competes for CPU and bandwidth, so running it beside the other runs would disturb their
// timings (on one machine it visibly does). Why bounded: each validation is a Lambda reading a
// whole archive; at 32 runs x 100 contenders an unbounded Map would ask for 3,200 at once.
import { ContenderDefinitionParams } from "./definition";
import { INVOKE_TIMEOUT_S, LAMBDA_SERVICE_RETRY, SDK_CALL_TIMEOUT_S, catchAll } from "./asl-common";
import { TASK_STATES } from "./task-states";

/** Validations of one contender's archives running at once. */
export const MAX_PARALLEL_VALIDATIONS = 5;
/** The validator's error for an archive it rejects (functions/validate/errors.ts). */
const INVALID_ARCHIVE = "InvalidArchive";

/** Deletes `$.archive_key`; errors are ignored (the bucket's lifecycle rule is the backstop). */
function deleteArchive(p: ContenderDefinitionParams, next: string | null): Record<string, unknown> {
  return {
    Type: "Task",
    Resource: "arn:aws:states:::aws-sdk:s3:deleteObject",
    Parameters: { Bucket: p.bucket, "Key.$": "$.archive_key" },
    ResultPath: null,
    TimeoutSeconds: SDK_CALL_TIMEOUT_S,
    Catch: catchAll("$.delete_error", next ?? "ArchiveNotDeleted"),
    ...(next ? { Next: next } : { End: true }),
  };
}

/** The two Maps above, entered at `Validations` or `DeleteArchives`; both continue at `next`. */
export function validationStates(p: ContenderDefinitionParams, next: string): Record<string, unknown> {
  const verdict = (fields: Record<string, unknown>) => ({
    Type: "Pass",
    Parameters: { "archive_key.$": "$.archive_key", verdict: { "index.$": "$.index", ...fields } },
    Next: TASK_STATES.deleteArchive,
  });
  const eachRun = { "index.$": "$$.Map.Item.Value.index", "archive_key.$": "$$.Map.Item.Value.archive_key" };
  return {
    Validations: {
      Type: "Map",
      ItemsPath: "$.runs",
      MaxConcurrency: MAX_PARALLEL_VALIDATIONS,
      ItemSelector: eachRun,
      ItemProcessor: {
        ProcessorConfig: { Mode: "INLINE" },
        StartAt: TASK_STATES.validateArchive,
        States: {
          [TASK_STATES.validateArchive]: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            Parameters: {
              FunctionName: p.validatorArn,
              Payload: {
                bucket: p.bucket,
                "archive_key.$": "$.archive_key",
                files_prefix: p.filesPrefix,
                expected_object_count: p.expectedObjectCount,
              },
            },
            ResultSelector: { "result.$": "$.Payload" },
            ResultPath: "$.validated",
            TimeoutSeconds: INVOKE_TIMEOUT_S,
            Retry: LAMBDA_SERVICE_RETRY,
            Catch: [
              { ErrorEquals: [INVALID_ARCHIVE], ResultPath: "$.invalid", Next: "RecordInvalidArchive" },
              { ErrorEquals: ["States.ALL"], ResultPath: "$.validator_error", Next: "RecordValidatorFailure" },
            ],
            Next: "RecordValidArchive",
          },
          RecordValidArchive: verdict({ ok: true, "result.$": "$.validated.result" }),
          RecordInvalidArchive: verdict({ ok: false, "error.$": "$.invalid" }),
          RecordValidatorFailure: verdict({ "harness_error.$": "$.validator_error" }),
          [TASK_STATES.deleteArchive]: deleteArchive(p, "ValidationOutcome"),
          ValidationOutcome: { Type: "Pass", InputPath: "$.verdict", End: true },
        },
      },
      ResultPath: "$.validations",
      Next: next,
    },
    DeleteArchives: {
      Type: "Map",
      ItemsPath: "$.runs",
      MaxConcurrency: MAX_PARALLEL_VALIDATIONS,
      ItemSelector: eachRun,
      ItemProcessor: {
        ProcessorConfig: { Mode: "INLINE" },
        // State names are unique across a whole state machine, nested ones included.
        StartAt: TASK_STATES.deleteUnjudgedArchive,
        States: {
          [TASK_STATES.deleteUnjudgedArchive]: deleteArchive(p, null),
          ArchiveNotDeleted: { Type: "Pass", End: true },
        },
      },
      ResultPath: null,
      Next: next,
    },
  };
}
