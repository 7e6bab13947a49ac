// Pieces every part of the benchmark definition shares: Task timeouts, the retry policy and the
// catch-everything clause. Kept apart so contender-states.ts and run-states.ts agree on them.

/** Lambda invocations: Lambda's own 900 s maximum plus slack, so Lambda (not the ASL) times runs out. */
export const INVOKE_TIMEOUT_S = 960;
/**
 * aws-sdk calls (GetFunctionConfiguration, S3). Set explicitly on every Task: aws-local-stepfunctions
 * cuts a Task without TimeoutSeconds at 60 s, while AWS would let it run (almost) forever.
 */
export const SDK_CALL_TIMEOUT_S = 60;

/**
 * Transient Lambda-service failures only: a function error is a result and is never retried.
 * The names are the ones AWS lists for transient Lambda service errors (500s), including
 * Lambda.AWSLambdaException, which Step Functions reports for some of them; without it such a
 * blip became a contender's "crash:" failure. Source: Step Functions developer guide, "Handle
 * Lambda service exceptions" (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 * Lambda.ClientExecutionTimeoutException, also listed there, is left out on purpose: the run may
 * still be going, and a retry would start a second run writing the same archive key.
 */
export const LAMBDA_SERVICE_RETRY = [
  {
    ErrorEquals: ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.TooManyRequestsException", "Lambda.SdkClientException"],
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
