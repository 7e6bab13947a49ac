// Pieces every part of the benchmark definition shares: Task timeouts, the retry policy and the
// catch-everything clause. Kept apart so contender-states.ts and run-states.ts agree on them.

/** Lambda invocations: Lambda's own 900 s maximum plus slack, so Lambda (not the ASL) times runs out. */
export const INVOKE_TIMEOUT_S = 960;
/**
 * aws-sdk calls (GetFunctionConfiguration, S3). Set explicitly on every Task: aws-local-stepfunctions
 * cuts a Task without TimeoutSeconds at 60 s, while AWS would let it run (almost) forever.
 */
export const SDK_CALL_TIMEOUT_S = 60;

/** Transient Lambda-service failures only: a function error is a result and is never retried. */
export const LAMBDA_SERVICE_RETRY = [
  {
    ErrorEquals: ["Lambda.ServiceException", "Lambda.TooManyRequestsException", "Lambda.SdkClientException"],
    IntervalSeconds: 2,
    MaxAttempts: 3,
    BackoffRate: 2,
    JitterStrategy: "FULL",
  },
];

/**
 * Catches every catchable error into `resultPath` and goes on at `next`. (States.DataLimitExceeded
 * and States.Runtime are terminal on AWS and in the interpreter alike: no Catch can save an
 * execution from those, which is why payload sizes are bounded by design, see definition.ts.)
 */
export const catchAll = (resultPath: string, next: string) => [{ ErrorEquals: ["States.ALL"], ResultPath: resultPath, Next: next }];
