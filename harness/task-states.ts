// The Task states of the benchmark definition, by name, and what each one receives and must
// return. On AWS the integration in `Resource` does the work; the local engine replaces each one
// with an aws-local-stepfunctions `taskResourceLocalHandlers[name]` that must behave the same.
//
// What a local handler receives: the state's input AFTER `Parameters` is resolved (the shapes
// below). What it must return: the RAW integration result, as AWS returns it; the interpreter
// then applies ResultSelector / ResultPath / OutputPath exactly as Step Functions would.
//
// Errors (read from aws-local-stepfunctions 3.0.0, build/main.node.esm.js, StateExecutor):
//  - A handler that throws / rejects fails the Task. Retry and Catch match `error.name` against
//    ErrorEquals ("States.ALL" matches everything; "States.TaskFailed" everything but
//    States.Timeout), and a Catch hands on `{ Error: error.name, Cause: error.message }`.
//    So to mimic a Lambda function error, throw
//      Object.assign(new Error(JSON.stringify(payload)), { name: payload.errorType })
//    where `payload` is `{ errorType, errorMessage, trace }` from the function: on AWS the
//    lambda:invoke Task fails with Error = errorType and Cause = that payload as a JSON string.
//    (The library's own Lambda client would instead put "<type>: <message>" in Cause: don't use it.)
//    Error types AWS reports: "Sandbox.Timedout" (timeout), "Runtime.OutOfMemory", "Runtime.ExitError"
//    (crash), the thrown error's name for handled errors; a payload without errorType surfaces as
//    Error "Lambda.Unknown", Cause "The cause could not be determined because Lambda did not return
//    an error type. Returned payload: <payload>".
//  - For AWS-service failures use the integration's error names: "Lambda.TooManyRequestsException",
//    "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
//    "Lambda.ResourceNotFoundException";
//    for the aws-sdk S3 call e.g. "S3.NoSuchBucketException" (any name: its Catch is States.ALL).
//  - Errors whose `isCatchable === false` (the library's States.Runtime, e.g. a path pointing at
//    nothing) fail the whole execution, as on AWS.
//
// Context: the library sets $$.Execution.Input and StartTime only. The engine MUST pass
// `run(input, { context: { Execution: { Id, Name } } })`: the parent hands $$.Execution.Name to
// each contender's child execution, whose archive keys contain it. Task TimeoutSeconds defaults to 60 s in the library (AWS: none), which is
// why every Task in the definition sets TimeoutSeconds explicitly. Map MaxConcurrency 0 means 40
// there (unlimited on AWS). Node 20 needs a `Promise.withResolvers` polyfill before any Task runs.

export const TASK_STATES = {
  /**
   * Resource arn:aws:states:::aws-sdk:lambda:getFunctionConfiguration.
   * Receives `{ FunctionName }` (an ARN). Returns the GetFunctionConfiguration response, PascalCase:
   * `{ FunctionName, FunctionArn, Runtime?, Handler?, MemorySize, Timeout, Architectures: [arch],
   * EphemeralStorage: { Size }, PackageType, ... }` (no `Runtime` for container images).
   * Throw e.g. "Lambda.ResourceNotFoundException" when the function does not exist.
   */
  getFunctionConfiguration: "GetFunctionConfiguration",
  /**
   * Resource arn:aws:states:::lambda:invoke (a contender), once per run.
   * Receives `{ FunctionName, LogType: "Tail", Payload: ContenderEvent }`. Returns
   * `{ ExecutedVersion: "$LATEST", StatusCode: 200, Payload: <function result, parsed JSON>,
   * LogResult: <base64 of the last 4 KB of the log, ending with the REPORT line>,
   * SdkHttpMetadata: {...}, SdkResponseMetadata: {...} }`. A function error (crash, timeout, OOM)
   * is thrown as described above, not returned. LogResult must always be present: ResultSelector
   * reads it, and a path that points at nothing fails the whole execution (States.Runtime).
   */
  invokeContender: "InvokeContender",
  /**
   * Resource arn:aws:states:::aws-sdk:s3:listMultipartUploads, once per run, after its invoke.
   * Receives `{ Bucket, Prefix: <the run's archive key>, MaxUploads: 100 }`. Returns the
   * ListMultipartUploads response, PascalCase: `{ Bucket, Prefix, MaxUploads, IsTruncated,
   * Uploads?: [{ Key, UploadId, Initiated, StorageClass, Owner, Initiator, ... }], ... }`, with
   * `Uploads` OMITTED when there are none (as S3 and the SDK do; `[]` works too). Best effort:
   * any error is caught and ignored.
   */
  listMultipartUploads: "ListMultipartUploads",
  /**
   * Resource arn:aws:states:::aws-sdk:s3:abortMultipartUpload, once per listed upload.
   * Receives `{ Bucket, Key, UploadId }`. Returns the AbortMultipartUpload response (`{}` is
   * fine). Best effort: any error (e.g. "S3.NoSuchUploadException") is caught and ignored.
   */
  abortMultipartUpload: "AbortMultipartUpload",
  /**
   * Resource arn:aws:states:::lambda:invoke (the validator), once per run when every run succeeded.
   * Receives `{ FunctionName, Payload: ValidateInput }`. Returns `{ StatusCode: 200, Payload:
   * ValidateResult, ... }`; an invalid archive is the function error `InvalidArchive`; any other
   * error is the harness's (validation-states.ts).
   */
  validateArchive: "ValidateArchive",
  /**
   * Resource arn:aws:states:::aws-sdk:s3:deleteObject, once per validated run.
   * Receives `{ Bucket, Key }`. Returns the DeleteObject response (`{}` is fine). Best effort:
   * any error is caught and ignored.
   */
  deleteArchive: "DeleteArchive",
  /** As deleteArchive, once per run when some run failed and no archive is judged. */
  deleteUnjudgedArchive: "DeleteUnjudgedArchive",
  /**
   * Resource arn:aws:states:::lambda:invoke (the scorer), once per contender, last in its child
   * execution. Receives `{ FunctionName, Payload: ScoreContenderEvent }` (action
   * "score-contender", one ContenderOutcome). Returns `{ StatusCode: 200, Payload:
   * ContenderScore, ... }`; that Payload is the child execution's whole output. Errors: the
   * function errors `InvalidPayloadError` / `UnknownRegionError` become a `harness_error` score
   * (the parent then fails the execution); any other error becomes that contender's failure row
   * "crash: scorer failed for <name>: <Error>".
   */
  scoreContender: "ScoreContender",
  /**
   * Resource arn:aws:states:::states:startExecution.sync:2, in the PARENT definition, once per
   * contender: runs the contender definition (contender-states.ts) as a child execution.
   * Receives `{ StateMachineArn, Input: { contender, function_arn, execution,
   * AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID } }`. Returns the DescribeExecution response with
   * `Output` as parsed JSON (that is what ":2" means): `{ ExecutionArn, StateMachineArn, Name,
   * Status: "SUCCEEDED", StartDate, StopDate, Input, Output: ContenderScore, ... }`. A child that
   * fails, times out or is aborted fails the Task with Error "States.TaskFailed" and Cause = the
   * DescribeExecution response as a JSON string (with the child's `Error` and `Cause`).
   */
  runContender: "RunContender",
  /**
   * In the PARENT definition, when a contender's child execution failed (leftover-states.ts), all
   * best effort: aws-sdk:s3:listObjectsV2 `{ Bucket, Prefix: archives/<contender>/<execution>/,
   * MaxKeys: 100 }` (returns `{ Contents?: [{ Key, ... }] }`, Contents OMITTED when empty),
   * aws-sdk:s3:deleteObject `{ Bucket, Key }` per object, aws-sdk:s3:listMultipartUploads
   * `{ Bucket, Prefix, MaxUploads: 100 }` (as listMultipartUploads above) and
   * aws-sdk:s3:abortMultipartUpload `{ Bucket, Key, UploadId }` per upload.
   */
  listLeftArchives: "ListLeftArchives",
  deleteLeftArchive: "DeleteLeftArchive",
  listLeftUploads: "ListLeftUploads",
  abortLeftUpload: "AbortLeftUpload",
  /**
   * Resource arn:aws:states:::lambda:invoke (the scorer), in the PARENT definition, when a
   * contender's child execution failed. Receives `{ FunctionName, Payload:
   * ContenderExecutionFailedEvent }`; returns `{ Payload: ContenderScore (a failure row), ... }`.
   */
  scoreFailedExecution: "ScoreFailedExecution",
  /**
   * Resource arn:aws:states:::lambda:invoke (the scorer), once, last.
   * Receives `{ FunctionName, Payload: RankEvent }` (action "rank", every ContenderScore in
   * contender order). Returns `{ StatusCode: 200, Payload: ResultDocument, ... }`; the execution
   * output is that Payload. Not caught: a failure here fails the execution.
   */
  rank: "Rank",
} as const;
export type TaskStateName = (typeof TASK_STATES)[keyof typeof TASK_STATES];

/** What the lambda:invoke Tasks receive (after Parameters). */
export interface InvokeTaskInput {
  FunctionName: string;
  LogType?: "Tail" | "None";
  Payload: unknown;
}
/** What the lambda:invoke integration returns (the engine's handlers must return this shape). */
export interface InvokeTaskResult {
  ExecutedVersion: string;
  StatusCode: number;
  Payload: unknown;
  LogResult?: string;
  [sdkMetadata: string]: unknown;
}
export interface GetFunctionConfigurationTaskInput {
  FunctionName: string;
}
export interface DeleteObjectTaskInput {
  Bucket: string;
  Key: string;
}
export interface ListMultipartUploadsTaskInput {
  Bucket: string;
  Prefix: string;
  MaxUploads: number;
}
/** The part of the ListMultipartUploads response the definition reads. */
export interface ListMultipartUploadsTaskResult {
  Uploads?: { Key: string; UploadId: string; [other: string]: unknown }[];
  [other: string]: unknown;
}
export interface AbortMultipartUploadTaskInput {
  Bucket: string;
  Key: string;
  UploadId: string;
}
