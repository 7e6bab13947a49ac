// Pure (no Pulumi): components/ deploys these documents and the local S3 front enforces the same ones.
// Every IAM policy of the stack (the state machines' in workflow-policies.ts), as pure functions
// of ARNs, so that the statements can be read in one place and asserted exactly by the tests.
// Components turn them into JSON inside an apply.

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
function writeLogs(logGroupArns: string[]): Statement {
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
export function listPrefix(sid: string, bucketArn: string, prefixes: string[]): Statement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["s3:ListBucket"],
    Resource: [bucketArn],
    Condition: { StringLike: { "s3:prefix": prefixes.flatMap((p) => [p, `${p}/*`]) } },
  };
}

const MULTIPART = ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/** `scratch/<contender>`: the scratch prefix a contender is handed in its event and may use. */
export const scratchPrefixOf = (contender: string) => `${SCRATCH_PREFIX}/${contender}`;
/** `archives/<contender>`: where every archive key of that contender starts. */
export const archivesPrefixOf = (contender: string) => `${ARCHIVES_PREFIX}/${contender}`;

/**
 * The role of ONE contender function (every contender has its own, so none can touch another's
 * objects): list and read the sources; write its own archives (single or multipart) but never
 * read them back (an archive is the run's output, not a cache: reading one could let a later run
 * copy an earlier one); read, write, list and delete its own scratch prefix; nothing outside this
 * bucket; logs only into its own group. (Listing is limited to the sources and its scratch
 * prefix, so S3 answers a read of a missing key elsewhere with 403, not 404.)
 */
export function contenderPolicy(p: {
  bucketArn: string;
  filesPrefix: string;
  /** The contender key `<lang>-<dev_id>-<arch>` (ExecutionContender.name). */
  contender: string;
  logGroupArn: string;
}): PolicyDocument {
  const scratch = scratchPrefixOf(p.contender);
  return doc(
    listPrefix("ListSourcesAndOwnScratch", p.bucketArn, [p.filesPrefix, scratch]),
    { Sid: "ReadSources", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${p.bucketArn}/${p.filesPrefix}/*`] },
    {
      Sid: "WriteOwnArchives",
      Effect: "Allow",
      Action: ["s3:PutObject", ...MULTIPART],
      Resource: [`${p.bucketArn}/${archivesPrefixOf(p.contender)}/*`],
    },
    // Scratch objects are only useful read back: GET, or as the source of UploadPartCopy /
    // CopyObject into the archive, which S3 authorizes with s3:GetObject on the source object and
    // s3:PutObject on the destination (S3 API Reference, UploadPartCopy, "Authentication and
    // authorization": https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html).
    {
      Sid: "UseOwnScratch",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", ...MULTIPART],
      Resource: [`${p.bucketArn}/${scratch}/*`],
    },
    writeLogs([p.logGroupArn]),
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
export function validatorPolicy(p: { bucketArn: string; filesPrefix: string; logGroupArn: string }): PolicyDocument {
  return doc(
    { Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [p.bucketArn] },
    { Sid: "ReadArchives", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${p.bucketArn}/${ARCHIVES_PREFIX}/*`] },
    // HeadObject of each source object for its stored CRC32 (functions/validate/stored-checksums.ts);
    // S3 authorizes HEAD with s3:GetObject.
    { Sid: "ReadSourceChecksums", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${p.bucketArn}/${p.filesPrefix}/*`] },
    writeLogs([p.logGroupArn]),
  );
}

/** The scorer is a pure function of its input: logs only. */
export function scorerPolicy(p: { logGroupArn: string }): PolicyDocument {
  return doc(writeLogs([p.logGroupArn]));
}

