// The two state machines' policies (parent and contender workflow), pure like the rest of
// policies.ts: components/benchmark-state-machine.ts deploys them.
import { ARCHIVES_PREFIX, contenderArnPatterns, doc, listPrefix, type PolicyDocument, type Statement } from "./policies";

/**
 * Log delivery for a state machine with logging on. These actions do not support resource-level
 * permissions, hence `*` for them only.
 */
export const DELIVER_LOGS: Statement = {
  Sid: "DeliverLogs",
  Effect: "Allow",
  Action: [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
  ],
  Resource: ["*"],
};

/**
 * The contender state machine (one execution per contender) invokes this stack's validator and
 * scorer and the functions named as this stack's contenders (and no other), reads the contenders'
 * configuration for pricing, deletes archives once validated, aborts the multipart uploads that a
 * killed run (timeout, OOM) could not abort itself, and delivers its own logs.
 */
export function stateMachinePolicy(p: {
  bucketArn: string;
  harnessFunctionArns: string[];
  contenderFunctionArns: string[];
  /** `<project>-<stack>`: contender functions are matched by name pattern (see contenderArnPatterns). */
  namePrefix: string;
}): PolicyDocument {
  const contenders = contenderArnPatterns(p.contenderFunctionArns, p.namePrefix);
  return doc(
    {
      Sid: "InvokeStackFunctions",
      Effect: "Allow",
      Action: ["lambda:InvokeFunction"],
      Resource: [...p.harnessFunctionArns, ...contenders],
    },
    {
      Sid: "ReadContenderConfiguration",
      Effect: "Allow",
      Action: ["lambda:GetFunctionConfiguration"],
      Resource: contenders,
    },
    {
      Sid: "CleanUpArchives",
      Effect: "Allow",
      Action: ["s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: [`${p.bucketArn}/${ARCHIVES_PREFIX}/*`],
    },
    // Listing uploads is a bucket-level action; it reveals keys and upload ids, never data.
    { Sid: "FindLeftoverUploads", Effect: "Allow", Action: ["s3:ListBucketMultipartUploads"], Resource: [p.bucketArn] },
    DELIVER_LOGS,
  );
}

/**
 * The parent state machine starts one execution of the contender state machine per contender and
 * waits for it (`states:startExecution.sync:2`), removes what a failed one left under archives/,
 * and invokes the scorer (failed executions, rank).
 * The `.sync` integration learns that a child ended through an EventBridge rule that Step
 * Functions manages in the account, which the role must be allowed to create and describe, and it
 * describes (and, when the parent stops, stops) the child executions. Statements as AWS documents
 * them for a synchronous nested execution: "IAM policies for AWS Step Functions"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html).
 */
export function parentStateMachinePolicy(p: {
  /** arn:aws:states:<region>:<account>:stateMachine:<name> of the contender state machine. */
  contenderStateMachineArn: string;
  scorerArn: string;
  bucketArn: string;
}): PolicyDocument {
  return doc(
    ...nestedExecutionStatements(p.contenderStateMachineArn, "Contender"),
    { Sid: "InvokeScorer", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [p.scorerArn] },
    // After a contender's execution failed, what its runs left under archives/ (leftover-states.ts).
    listPrefix("FindLeftArchives", p.bucketArn, [ARCHIVES_PREFIX]),
    { Sid: "FindLeftUploads", Effect: "Allow", Action: ["s3:ListBucketMultipartUploads"], Resource: [p.bucketArn] },
    {
      Sid: "RemoveLeftArchives",
      Effect: "Allow",
      Action: ["s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: [`${p.bucketArn}/${ARCHIVES_PREFIX}/*`],
    },
    DELIVER_LOGS,
  );
}

/**
 * What `states:startExecution.sync:2` needs to start executions of `childStateMachineArn` and wait
 * for them: StartExecution on that machine, DescribeExecution/StopExecution on its executions, and
 * the EventBridge rule Step Functions manages for .sync ("IAM policies for AWS Step Functions",
 * https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html). Used by the
 * contest's parent machine and the runtime matrix's root.
 */
export function nestedExecutionStatements(childStateMachineArn: string, what: string): Statement[] {
  const [, partition, , region, account, kind, name] = childStateMachineArn.split(":");
  if (!partition || !region || !account || kind !== "stateMachine" || !name) throw new Error(`not a state machine ARN: ${childStateMachineArn}`);
  return [
    { Sid: `Start${what}Executions`, Effect: "Allow", Action: ["states:StartExecution"], Resource: [childStateMachineArn] },
    {
      Sid: `Follow${what}Executions`,
      Effect: "Allow",
      Action: ["states:DescribeExecution", "states:StopExecution"],
      Resource: [`arn:${partition}:states:${region}:${account}:execution:${name}:*`],
    },
    {
      Sid: "ManagedSyncRule",
      Effect: "Allow",
      Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
      Resource: [`arn:${partition}:events:${region}:${account}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`],
    },
  ];
}
