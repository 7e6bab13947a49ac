// Pure (no Pulumi): components/ deploys these documents and the local S3 front enforces the same ones.
// Every IAM policy of the stack, as pure functions of ARNs, so that the statements can be read in
// one place and asserted exactly by the tests. Components turn them into JSON inside an apply.

export interface Statement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string[]>>;
}
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

export const doc = (...statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

/** Archives and scratch objects belong to contenders; sources belong to the filler. */
export const ARCHIVES_PREFIX = "archives";
export const SCRATCH_PREFIX = "scratch";

/** Lets `service` (e.g. `lambda.amazonaws.com`) assume the role, nothing else. */
export function assumeRolePolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}

/** Writing to a log group needs the stream ARNs under it (`<group arn>:*`); the group exists. */
export function writeLogs(logGroupArns: string[]): Statement {
  return {
    Sid: "WriteOwnLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: logGroupArns.map(streamsOf),
  };
}

/** Log group ARNs from the API may or may not end with `:*`; streams are always under `:*`. */
export function streamsOf(logGroupArn: string): string {
  return logGroupArn.endsWith(":*") ? logGroupArn : `${logGroupArn}:*`;
}

/**
 * IAM caps the inline policies of one role at 10,240 characters (whitespace not counted), so a
 * policy must not grow with the number of contenders: listed one ARN at a time (~100 characters
 * each, twice in the state machine's policy), ~45 contender functions were enough to make
 * `pulumi up` fail with LimitExceeded. Source: IAM and AWS STS quotas
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 */
export const MAX_ROLE_POLICY_CHARS = 10_240;

/** The policy as JSON; throws at program time, naming the role, if IAM would refuse its size. */
export function policyJson(document: PolicyDocument, role: string): string {
  const json = JSON.stringify(document);
  if (json.length > MAX_ROLE_POLICY_CHARS) {
    throw new Error(`${role}: IAM policy of ${json.length} characters exceeds the ${MAX_ROLE_POLICY_CHARS} a role's inline policies may have`);
  }
  return json;
}

/**
 * Contender functions are named `<namePrefix>-<lang>-<dev_id>-<arch>` (harness/manifest.ts), their
 * log groups `/aws/lambda/<that name>`: one pattern per architecture covers them all, whatever
 * their number, and none of the harness's own functions (`<namePrefix>-validate`, `-score`,
 * `-fill-bucket` end in no architecture). Given the function or log group ARNs, returns
 * `<ARN up to the name><namePrefix>-*-<arch>` for each architecture in use.
 */
export function contenderArnPatterns(arns: string[], namePrefix: string): string[] {
  const patterns = arns.map((arn) => {
    const unsuffixed = arn.endsWith(":*") ? arn.slice(0, -2) : arn;
    const nameAt = Math.max(unsuffixed.lastIndexOf(":"), unsuffixed.lastIndexOf("/")) + 1;
    const name = unsuffixed.slice(nameAt);
    const arch = /-(arm64|x86_64)$/.exec(name)?.[1];
    if (!name.startsWith(`${namePrefix}-`) || !arch) {
      throw new Error(`contender ARN ${arn}: expected a name of the form ${namePrefix}-<lang>-<dev_id>-<arm64|x86_64>`);
    }
    return `${unsuffixed.slice(0, nameAt)}${namePrefix}-*-${arch}`;
  });
  return [...new Set(patterns)].sort();
}

/** ListBucket limited to keys under `prefix/` (and the bare prefix, which SDKs sometimes send). */
function listPrefix(sid: string, bucketArn: string, prefixes: string[]): Statement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["s3:ListBucket"],
    Resource: [bucketArn],
    Condition: { StringLike: { "s3:prefix": prefixes.flatMap((p) => [p, `${p}/*`]) } },
  };
}

const MULTIPART = ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/**
 * The one role every contender shares: read and list the sources, write (single or multipart)
 * under archives/ and scratch/, read scratch/ back. No delete anywhere, so a contender cannot damage the dataset or
 * another contender's archive; nothing outside this bucket; logs only into contender groups.
 * (Listing is limited to the source prefix, so S3 answers a read of a missing key with 403, not
 * 404: the price of not letting contenders list each other's archives.)
 */
export function contenderPolicy(p: {
  bucketArn: string;
  filesPrefix: string;
  logGroupArns: string[];
  /** `<project>-<stack>`: contender log groups are matched by name pattern (see contenderArnPatterns). */
  namePrefix: string;
}): PolicyDocument {
  return doc(
    listPrefix("ListSources", p.bucketArn, [p.filesPrefix]),
    { Sid: "ReadSources", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${p.bucketArn}/${p.filesPrefix}/*`] },
    // Scratch objects are only useful read back: GET, or as the source of UploadPartCopy /
    // CopyObject into the archive, which S3 authorizes with s3:GetObject on the source object and
    // s3:PutObject on the destination (S3 API Reference, UploadPartCopy, "Authentication and
    // authorization": https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html).
    // moto enforces no IAM, so a contender doing that passed locally and failed on AWS.
    { Sid: "ReadScratch", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${p.bucketArn}/${SCRATCH_PREFIX}/*`] },
    {
      Sid: "WriteArchivesAndScratch",
      Effect: "Allow",
      Action: ["s3:PutObject", ...MULTIPART],
      Resource: [`${p.bucketArn}/${ARCHIVES_PREFIX}/*`, `${p.bucketArn}/${SCRATCH_PREFIX}/*`],
    },
    writeLogs(contenderArnPatterns(p.logGroupArns, p.namePrefix)),
  );
}

/**
 * The filler owns the dataset. It may write and delete anywhere in the bucket, not only under the
 * current prefix: when `filesPrefix` changes, the update event empties the OLD prefix, and by then
 * this policy already names the new one. It is the harness's own code, not a contender's.
 */
export function fillerPolicy(p: { bucketArn: string; logGroupArn: string }): PolicyDocument {
  return doc(
    { Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [p.bucketArn] },
    {
      Sid: "WriteAndDeleteObjects",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:DeleteObject", ...MULTIPART],
      Resource: [`${p.bucketArn}/*`],
    },
    writeLogs([p.logGroupArn]),
  );
}

/**
 * The validator compares an archive with the real listing of the sources and reads archives only.
 * Its ListBucket has no prefix condition on purpose: without ListBucket covering the request, S3
 * answers HeadObject on a missing archive with 403 instead of 404, and the validator could not
 * tell "nothing was uploaded" from a permissions problem.
 */
export function validatorPolicy(p: { bucketArn: string; logGroupArn: string }): PolicyDocument {
  return doc(
    { Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [p.bucketArn] },
    { Sid: "ReadArchives", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${p.bucketArn}/${ARCHIVES_PREFIX}/*`] },
    writeLogs([p.logGroupArn]),
  );
}

/** The scorer is a pure function of its input: logs only. */
export function scorerPolicy(p: { logGroupArn: string }): PolicyDocument {
  return doc(writeLogs([p.logGroupArn]));
}

/**
 * The state machine invokes this stack's validator and scorer and the functions named as this
 * stack's contenders (and no other), reads the contenders' configuration for pricing, deletes archives once validated, aborts the multipart uploads that a
 * killed run (timeout, OOM) could not abort itself, and delivers its own logs. The log
 * delivery actions do not support resource-level permissions, hence `*` for them only.
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
    deliverLogs(),
  );
}

/**
 * What a state machine's role needs to deliver its execution logs to CloudWatch Logs. The log
 * delivery actions do not support resource-level permissions, hence `*` for them only.
 */
export function deliverLogs(): Statement {
  return {
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
}
