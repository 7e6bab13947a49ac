// Every IAM policy the program deploys, parsed from the registered RolePolicy inputs and compared
// statement by statement with literal expectations; plus what the contender role may NOT do,
// checked with a small evaluator of Allow statements (tests/support/iam-evaluator.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TWO_CONTENDERS, baseConfig, writeContendersRoot } from "./support/contender-fixtures";
import { ACCOUNT, REGION, byName, loadProgram, ofType, type RecordedResource } from "./support/pulumi-program";
import { contenderArnPatterns, contenderPolicy, policyJson, stateMachinePolicy } from "../harness/policies";
import { allows, type Statement } from "./support/iam-evaluator";

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

const policyOf = (name: string): Statement[] => {
  const doc = JSON.parse(byName(all, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy);
  expect(doc.Version).toBe("2012-10-17");
  return doc.Statement;
};
const listSources = () => ({
  Sid: "ListSources",
  Effect: "Allow",
  Action: ["s3:ListBucket"],
  Resource: [bucketArn],
  Condition: { StringLike: { "s3:prefix": ["files", "files/*"] } },
});
const logs = (...groups: string[]) => ({
  Sid: "WriteOwnLogs",
  Effect: "Allow",
  Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
  Resource: groups.map(streams),
});
const MULTIPART = ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];
const CONTENDER_FNS = ["python-bob-arm64", "typescript-alice-arm64", "typescript-alice-x86_64"].map((k) => `${P}-${k}`);

describe("IAM policies, statement by statement", () => {
  it("lets only Lambda assume the function roles and only Step Functions the workflow role", () => {
    const principal = (name: string) => JSON.parse(byName(all, "aws:iam/role:Role", name).inputs.assumeRolePolicy).Statement;
    for (const name of ["fill-fn", "validate", "score", "contender-role"])
      expect(principal(name)).toEqual([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    expect(principal("benchmark")).toEqual([{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    expect(ofType(all, "aws:iam/role:Role")).toHaveLength(5);
    expect(ofType(all, "aws:iam/rolePolicy:RolePolicy")).toHaveLength(5);
    expect(ofType(all, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toHaveLength(0);
  });

  it("contender role: read+list sources, write+multipart in archives/ and scratch/, read scratch/, own logs", () => {
    expect(policyOf("contender-role")).toEqual([
      listSources(),
      { Sid: "ReadSources", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucketArn}/files/*`] },
      { Sid: "ReadScratch", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucketArn}/scratch/*`] },
      {
        Sid: "WriteArchivesAndScratch",
        Effect: "Allow",
        Action: ["s3:PutObject", ...MULTIPART],
        Resource: [`${bucketArn}/archives/*`, `${bucketArn}/scratch/*`],
      },
      // One pattern per architecture, not one ARN per contender (IAM's 10,240-character cap).
      logs(`/aws/lambda/${P}-*-arm64`, `/aws/lambda/${P}-*-x86_64`),
    ]);
  });

  it("filler: owns the dataset (any prefix of this bucket, so a prefix change can empty the old one)", () => {
    expect(policyOf("fill-fn")).toEqual([
      { Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn] },
      { Sid: "WriteAndDeleteObjects", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject", ...MULTIPART], Resource: [`${bucketArn}/*`] },
      logs(`/aws/lambda/${P}-fill-bucket`),
    ]);
  });

  it("validator: lists the bucket (404 for a missing archive), reads archives; scorer: logs only", () => {
    expect(policyOf("validate")).toEqual([
      { Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn] },
      { Sid: "ReadArchives", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucketArn}/archives/*`] },
      logs(`/aws/lambda/${P}-validate`),
    ]);
    expect(policyOf("score")).toEqual([logs(`/aws/lambda/${P}-score`)]);
  });

  it("state machine: invokes only this stack's functions, reads contender config, deletes archives, delivers logs", () => {
    const contenders = [fnArn(`${P}-*-arm64`), fnArn(`${P}-*-x86_64`)];
    expect(policyOf("benchmark")).toEqual([
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

describe("contender name patterns", () => {
  it("let the state machine invoke and read every deployed contender, and no harness or foreign function", () => {
    const p = policyOf("benchmark");
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

  it("let contenders write their own log groups and no harness function's", () => {
    const p = policyOf("contender-role");
    for (const name of CONTENDER_FNS) expect(allows(p, "logs:PutLogEvents", `${streams(`/aws/lambda/${name}`).slice(0, -1)}log-stream:x`)).toBe(true);
    for (const name of ["validate", "score", "fill-bucket"])
      expect(allows(p, "logs:PutLogEvents", `${streams(`/aws/lambda/${P}-${name}`).slice(0, -1)}log-stream:x`), name).toBe(false);
  });

  it("keep every policy under IAM's 10,240 characters at 100 contenders with 64-character names", () => {
    const names = Array.from({ length: 100 }, (_, i) => `${P}-${"x".repeat(64 - P.length - 10)}${String(i).padStart(2, "0")}-x86_64`);
    expect(names.every((n) => n.length === 64)).toBe(true);
    const bucket = "arn:aws:s3:::bench-a1b2c3";
    const docs = [
      stateMachinePolicy({ bucketArn: bucket, harnessFunctionArns: [fnArn(`${P}-validate`), fnArn(`${P}-score`)], contenderFunctionArns: names.map(fnArn), namePrefix: P }),
      contenderPolicy({ bucketArn: bucket, filesPrefix: "files", namePrefix: P, logGroupArns: names.map((n) => streams(`/aws/lambda/${n}`).slice(0, -2)) }),
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

describe("what the contender role cannot do", () => {
  it("cannot delete or overwrite sources, nor delete archives", () => {
    const p = policyOf("contender-role");
    expect(allows(p, "s3:GetObject", `${bucketArn}/files/abc`)).toBe(true);
    expect(allows(p, "s3:PutObject", `${bucketArn}/archives/c/e/run-0.zip`)).toBe(true);
    for (const action of ["s3:DeleteObject", "s3:PutObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload"])
      expect(allows(p, action, `${bucketArn}/files/abc`), action).toBe(false);
    expect(allows(p, "s3:DeleteObject", `${bucketArn}/archives/c/e/run-0.zip`)).toBe(false);
    expect(allows(p, "s3:DeleteBucket", bucketArn)).toBe(false);
    expect(allows(p, "s3:PutBucketPolicy", bucketArn)).toBe(false);
  });

  it("can assemble an archive from scratch parts: UploadPartCopy needs GetObject on the source, PutObject on the target", () => {
    const p = policyOf("contender-role");
    for (const source of [`${bucketArn}/scratch/c/e/part-1`, `${bucketArn}/files/abc`])
      expect(allows(p, "s3:GetObject", source), source).toBe(true);
    expect(allows(p, "s3:PutObject", `${bucketArn}/archives/c/e/run-0.zip`)).toBe(true);
    expect(allows(p, "s3:PutObject", `${bucketArn}/scratch/c/e/part-1`)).toBe(true);
  });

  it("cannot read archives or list outside the source prefix", () => {
    const p = policyOf("contender-role");
    expect(allows(p, "s3:ListBucket", bucketArn, { "s3:prefix": "files/" })).toBe(true);
    expect(allows(p, "s3:ListBucket", bucketArn, { "s3:prefix": "archives/" })).toBe(false);
    expect(allows(p, "s3:ListBucket", bucketArn)).toBe(false);
    expect(allows(p, "s3:GetObject", `${bucketArn}/archives/other/e/run-0.zip`)).toBe(false);
  });

  it("touches no other bucket and no other log group", () => {
    const p = policyOf("contender-role");
    for (const other of ["arn:aws:s3:::another-bucket", "arn:aws:s3:::another-bucket/files/abc", "arn:aws:s3:::another-bucket/archives/x"]) {
      for (const action of ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject"])
        expect(allows(p, action, other, { "s3:prefix": "files/" }), `${action} ${other}`).toBe(false);
    }
    const everyResource = p.flatMap((s) => s.Resource);
    expect(everyResource.every((r) => r.startsWith(bucketArn) || r.startsWith(`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${P}-`))).toBe(true);
    expect(allows(p, "logs:PutLogEvents", streams(`/aws/lambda/${P}-validate`))).toBe(false);
  });
});
