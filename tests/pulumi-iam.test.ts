// Every IAM policy the program deploys, parsed from the registered RolePolicy inputs and compared
// statement by statement with literal expectations; plus what the contender role may NOT do,
// checked with harness/policy-evaluator.ts, the evaluator the local S3 front enforces them with.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TWO_CONTENDERS, baseConfig, writeContendersRoot } from "./support/contender-fixtures";
import { ACCOUNT, REGION, byName, loadProgram, ofType, type RecordedResource } from "./support/pulumi-program";
import { contenderArnPatterns, contenderPolicy, policyJson } from "../harness/policies";
import { parentStateMachinePolicy, stateMachinePolicy } from "../harness/workflow-policies";
import { policyEvaluator } from "../harness/policy-evaluator";

const P = "s3-archive-bench-test";
const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const streams = (group: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${group}:*`;

let all: RecordedResource[];
let bucketArn: string;
const fixture = writeContendersRoot(TWO_CONTENDERS);
beforeAll(async () => {
  all = (await loadProgram(baseConfig(fixture.root))).resources;
  bucketArn = byName(all, "aws:s3/bucket:Bucket", "bench").state.arn;
});
afterAll(() => fixture.cleanup());

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string[]>>;
}
const policyOf = (name: string): Statement[] => {
  const doc = JSON.parse(byName(all, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy);
  expect(doc.Version).toBe("2012-10-17");
  return doc.Statement;
};
const listSources = (contender: string) => ({
  Sid: "ListSourcesAndOwnScratch",
  Effect: "Allow",
  Action: ["s3:ListBucket"],
  Resource: [bucketArn],
  Condition: { StringLike: { "s3:prefix": ["files", "files/*", `scratch/${contender}`, `scratch/${contender}/*`] } },
});
const logs = (...groups: string[]) => ({
  Sid: "WriteOwnLogs",
  Effect: "Allow",
  Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
  Resource: groups.map(streams),
});
const MULTIPART = ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];
const CONTENDER_KEYS = ["python-bob-arm64", "typescript-alice-arm64", "typescript-alice-x86_64"];
const CONTENDER_FNS = CONTENDER_KEYS.map((k) => `${P}-${k}`);
const ALICE = "typescript-alice-arm64";
const roleOf = (key: string) => `contender-${key}-role`;

describe("IAM policies, statement by statement", () => {
  it("lets only Lambda assume the function roles and only Step Functions the workflow roles", () => {
    const principal = (name: string) => JSON.parse(byName(all, "aws:iam/role:Role", name).inputs.assumeRolePolicy).Statement;
    for (const name of ["fill-fn", "validate", "score", ...CONTENDER_KEYS.map(roleOf)])
      expect(principal(name)).toEqual([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    for (const name of ["benchmark", "benchmark-contender"])
      expect(principal(name)).toEqual([{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    // 3 harness functions, one role per contender function, 2 state machines.
    expect(ofType(all, "aws:iam/role:Role")).toHaveLength(3 + CONTENDER_KEYS.length + 2);
    expect(ofType(all, "aws:iam/rolePolicy:RolePolicy")).toHaveLength(3 + CONTENDER_KEYS.length + 2);
    expect(ofType(all, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toHaveLength(0);
  });

  it("contender roles, one each: read+list sources, write own archives, use own scratch, own logs", () => {
    for (const key of CONTENDER_KEYS) {
      expect(policyOf(roleOf(key)), key).toEqual([
        listSources(key),
        { Sid: "ReadSources", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucketArn}/files/*`] },
        { Sid: "WriteOwnArchives", Effect: "Allow", Action: ["s3:PutObject", ...MULTIPART], Resource: [`${bucketArn}/archives/${key}/*`] },
        {
          Sid: "UseOwnScratch",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", ...MULTIPART],
          Resource: [`${bucketArn}/scratch/${key}/*`],
        },
        logs(`/aws/lambda/${P}-${key}`),
      ]);
    }
  });

  it("filler: owns the dataset (any prefix of this bucket, so a prefix change can empty the old one)", () => {
    expect(policyOf("fill-fn")).toEqual([
      { Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn] },
      { Sid: "WriteAndDeleteObjects", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject", ...MULTIPART], Resource: [`${bucketArn}/*`] },
      logs(`/aws/lambda/${P}-fill-bucket`),
    ]);
  });

  it("validator: lists the bucket (404 for a missing archive), reads archives and the sources' stored checksums; scorer: logs only", () => {
    expect(policyOf("validate")).toEqual([
      { Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn] },
      { Sid: "ReadArchives", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucketArn}/archives/*`] },
      { Sid: "ReadSourceChecksums", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucketArn}/files/*`] },
      logs(`/aws/lambda/${P}-validate`),
    ]);
    expect(policyOf("score")).toEqual([logs(`/aws/lambda/${P}-score`)]);
  });

  it("parent state machine: starts and follows contender executions (.sync's managed rule), invokes the scorer", () => {
    expect(policyOf("benchmark")).toEqual([
      {
        Sid: "StartContenderExecutions",
        Effect: "Allow",
        Action: ["states:StartExecution"],
        Resource: [`arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${P}-contender`],
      },
      {
        Sid: "FollowContenderExecutions",
        Effect: "Allow",
        Action: ["states:DescribeExecution", "states:StopExecution"],
        Resource: [`arn:aws:states:${REGION}:${ACCOUNT}:execution:${P}-contender:*`],
      },
      {
        Sid: "ManagedSyncRule",
        Effect: "Allow",
        Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
        Resource: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`],
      },
      { Sid: "InvokeScorer", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [fnArn(`${P}-score`)] },
      // What a failed contender execution left under archives/: listed, deleted, aborted.
      {
        Sid: "FindLeftArchives",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [bucketArn],
        Condition: { StringLike: { "s3:prefix": ["archives", "archives/*"] } },
      },
      { Sid: "FindLeftUploads", Effect: "Allow", Action: ["s3:ListBucketMultipartUploads"], Resource: [bucketArn] },
      { Sid: "RemoveLeftArchives", Effect: "Allow", Action: ["s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: [`${bucketArn}/archives/*`] },
      expect.objectContaining({ Sid: "DeliverLogs", Resource: ["*"] }),
    ]);
    // It can touch nothing of the dataset and run no contender.
    const p = policyOf("benchmark");
    for (const action of ["s3:GetObject", "s3:DeleteObject", "s3:PutObject"]) expect(allows(p, action, `${bucketArn}/files/abc`), action).toBe(false);
    expect(allows(p, "s3:ListBucket", bucketArn, { "s3:prefix": "files/" })).toBe(false);
    expect(allows(p, "lambda:InvokeFunction", fnArn(`${P}-typescript-alice-arm64`))).toBe(false);
  });

  it("contender state machine: invokes only this stack's functions, reads contender config, deletes archives, delivers logs", () => {
    const contenders = [fnArn(`${P}-*-arm64`), fnArn(`${P}-*-x86_64`)];
    expect(policyOf("benchmark-contender")).toEqual([
      {
        Sid: "InvokeStackFunctions",
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        Resource: [fnArn(`${P}-validate`), fnArn(`${P}-score`), ...contenders],
      },
      { Sid: "ReadContenderConfiguration", Effect: "Allow", Action: ["lambda:GetFunctionConfiguration"], Resource: contenders },
      { Sid: "CleanUpArchives", Effect: "Allow", Action: ["s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: [`${bucketArn}/archives/*`] },
      { Sid: "FindLeftoverUploads", Effect: "Allow", Action: ["s3:ListBucketMultipartUploads"], Resource: [bucketArn] },
      {
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
      },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// The same evaluator the local S3 front enforces these documents with (harness/policy-evaluator.ts).
function allows(statements: Statement[], action: string, resource: string, context: Record<string, string> = {}): boolean {
  return policyEvaluator({ Version: "2012-10-17", Statement: statements })({ action, resource, context }).allowed;
}

describe("contender name patterns", () => {
  it("let the contender state machine invoke and read every deployed contender, and no harness or foreign function", () => {
    const p = policyOf("benchmark-contender");
    for (const name of CONTENDER_FNS) {
      expect(allows(p, "lambda:InvokeFunction", fnArn(name)), name).toBe(true);
      expect(allows(p, "lambda:GetFunctionConfiguration", fnArn(name)), name).toBe(true);
    }
    for (const name of [`${P}-validate`, `${P}-score`]) {
      expect(allows(p, "lambda:InvokeFunction", fnArn(name)), name).toBe(true);
      expect(allows(p, "lambda:GetFunctionConfiguration", fnArn(name)), name).toBe(false);
    }
    for (const name of [`${P}-fill-bucket`, "other-project-test-typescript-alice-arm64"])
      expect(allows(p, "lambda:InvokeFunction", fnArn(name)), name).toBe(false);
    expect(allows(p, "lambda:InvokeFunction", `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${CONTENDER_FNS[0]}`)).toBe(false);
  });

  it("let each contender write its own log group and no other's", () => {
    const stream = (fn: string) => `${streams(`/aws/lambda/${fn}`).slice(0, -1)}log-stream:x`;
    for (const key of CONTENDER_KEYS) {
      const p = policyOf(roleOf(key));
      expect(allows(p, "logs:PutLogEvents", stream(`${P}-${key}`)), key).toBe(true);
      for (const other of [...CONTENDER_FNS.filter((f) => f !== `${P}-${key}`), ...["validate", "score", "fill-bucket"].map((n) => `${P}-${n}`)])
        expect(allows(p, "logs:PutLogEvents", stream(other)), `${key} -> ${other}`).toBe(false);
    }
  });

  it("keep every policy under IAM's 10,240 characters at 100 contenders with 64-character names", () => {
    const names = Array.from({ length: 100 }, (_, i) => `${P}-${"x".repeat(64 - P.length - 10)}${String(i).padStart(2, "0")}-x86_64`);
    expect(names.every((n) => n.length === 64)).toBe(true);
    const bucket = "arn:aws:s3:::bench-a1b2c3";
    const docs = [
      stateMachinePolicy({ bucketArn: bucket, harnessFunctionArns: [fnArn(`${P}-validate`), fnArn(`${P}-score`)], contenderFunctionArns: names.map(fnArn), namePrefix: P }),
      parentStateMachinePolicy({ contenderStateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${"s".repeat(80)}`, scorerArn: fnArn(`${P}-score`), bucketArn: bucket }),
      // One role per contender: its policy does not grow with the field, only with its own names.
      contenderPolicy({ bucketArn: bucket, filesPrefix: "f".repeat(200), contender: names[0]!.slice(P.length + 1), logGroupArn: streams(`/aws/lambda/${names[0]}`).slice(0, -2) }),
    ];
    for (const doc of docs) expect(policyJson(doc, "test").length).toBeLessThan(2_000);
    expect(() => policyJson({ Version: "2012-10-17", Statement: [{ Sid: "Big", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["x".repeat(10_240)] }] }, "some role")).toThrow(
      /some role: IAM policy of \d+ characters exceeds the 10240/,
    );
  });

  it("refuse an ARN that does not follow the contender naming", () => {
    expect(() => contenderArnPatterns([fnArn(`${P}-validate`)], P)).toThrow(/expected a name of the form/);
    expect(() => contenderArnPatterns([fnArn("other-typescript-alice-arm64")], P)).toThrow(/expected a name of the form/);
  });
});

describe("what a contender role cannot do", () => {
  const BOB = "python-bob-arm64";
  const mine = (key: string) => `${bucketArn}/archives/${key}/exec/0b8e6f0e-6a4e-4f7e-9d55-1c2b3a4d5e6f.zip`;

  it("cannot delete or overwrite sources, nor delete its archives", () => {
    const p = policyOf(roleOf(ALICE));
    expect(allows(p, "s3:GetObject", `${bucketArn}/files/abc`)).toBe(true);
    expect(allows(p, "s3:PutObject", mine(ALICE))).toBe(true);
    for (const action of ["s3:DeleteObject", "s3:PutObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload"])
      expect(allows(p, action, `${bucketArn}/files/abc`), action).toBe(false);
    expect(allows(p, "s3:DeleteObject", mine(ALICE))).toBe(false);
    expect(allows(p, "s3:DeleteBucket", bucketArn)).toBe(false);
    expect(allows(p, "s3:PutBucketPolicy", bucketArn)).toBe(false);
  });

  it("cannot touch another contender's archives or scratch objects, nor read its own archives back", () => {
    const p = policyOf(roleOf(ALICE));
    for (const action of ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]) {
      expect(allows(p, action, mine(BOB)), `${action} archives/${BOB}`).toBe(false);
      expect(allows(p, action, `${bucketArn}/scratch/${BOB}/lock`), `${action} scratch/${BOB}`).toBe(false);
      // The same arm64 contender on x86_64 is another contender: its own role, its own prefixes.
      expect(allows(p, action, `${bucketArn}/scratch/typescript-alice-x86_64/lock`), `${action} x86_64 twin`).toBe(false);
    }
    // A key that merely starts with this contender's name belongs to someone else.
    expect(allows(p, "s3:PutObject", `${bucketArn}/archives/${ALICE}-evil/exec/x.zip`)).toBe(false);
    expect(allows(p, "s3:GetObject", mine(ALICE))).toBe(false);
    expect(allows(p, "s3:ListBucket", bucketArn, { "s3:prefix": `scratch/${BOB}/` })).toBe(false);
  });

  it("can use its own scratch prefix fully, and assemble an archive from scratch parts (UploadPartCopy: GetObject on the source, PutObject on the target)", () => {
    const p = policyOf(roleOf(ALICE));
    for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"])
      expect(allows(p, action, `${bucketArn}/scratch/${ALICE}/part-1`), action).toBe(true);
    expect(allows(p, "s3:ListBucket", bucketArn, { "s3:prefix": `scratch/${ALICE}/` })).toBe(true);
    for (const source of [`${bucketArn}/scratch/${ALICE}/part-1`, `${bucketArn}/files/abc`]) expect(allows(p, "s3:GetObject", source), source).toBe(true);
    expect(allows(p, "s3:PutObject", mine(ALICE))).toBe(true);
  });

  it("cannot read archives or list outside the source prefix and its scratch prefix", () => {
    const p = policyOf(roleOf(ALICE));
    expect(allows(p, "s3:ListBucket", bucketArn, { "s3:prefix": "files/" })).toBe(true);
    expect(allows(p, "s3:ListBucket", bucketArn, { "s3:prefix": "archives/" })).toBe(false);
    expect(allows(p, "s3:ListBucket", bucketArn, { "s3:prefix": "scratch/" })).toBe(false);
    expect(allows(p, "s3:ListBucket", bucketArn)).toBe(false);
    expect(allows(p, "s3:GetObject", mine(BOB))).toBe(false);
  });

  it("touches no other bucket and no other log group", () => {
    const p = policyOf(roleOf(ALICE));
    for (const other of ["arn:aws:s3:::another-bucket", "arn:aws:s3:::another-bucket/files/abc", "arn:aws:s3:::another-bucket/archives/x"]) {
      for (const action of ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject"])
        expect(allows(p, action, other, { "s3:prefix": "files/" }), `${action} ${other}`).toBe(false);
    }
    const everyResource = p.flatMap((s) => s.Resource);
    expect(everyResource.every((r) => r.startsWith(bucketArn) || r === streams(`/aws/lambda/${P}-${ALICE}`))).toBe(true);
    expect(allows(p, "logs:PutLogEvents", streams(`/aws/lambda/${P}-validate`))).toBe(false);
  });
});
