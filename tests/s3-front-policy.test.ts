// The S3 front enforces the very documents components/ deploys (harness/policies.ts): allowed
// requests pass, others get S3's 403 AccessDenied XML and never reach moto.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contenderPolicy } from "../harness/policies";
import { policyEvaluator } from "../harness/policy-evaluator";
import { S3Front } from "../local/s3-front";
import type { InstanceAttachment, LocalFunction } from "../local/lambda";
import { rawCall } from "./support/raw-s3";
import { useEmbeddedS3 } from "./support/s3";

const P = "s3-archive-bench-local";
const CONTENDER = "typescript-reference-x86_64";
const contenderFn = { name: `${P}-${CONTENDER}` } as LocalFunction;

describe("S3 front: IAM enforcement of the contender role", () => {
  const s3 = useEmbeddedS3();
  let front: S3Front;
  let port: InstanceAttachment;
  let endpoint: string;
  let bucket: string;
  const other = "another-bucket";
  beforeAll(async () => {
    bucket = await s3.bucket("policy");
    await rawCall(s3.s3.endpoint, "PUT", `/${other}`);
    for (const key of ["files/a", `archives/${CONTENDER}/e/run-0.zip`]) {
      expect((await rawCall(s3.s3.endpoint, "PUT", `/${bucket}/${key}`, { body: "source bytes" })).status).toBe(200);
    }
    const document = contenderPolicy({
      bucketArn: `arn:aws:s3:::${bucket}`,
      filesPrefix: "files",
      contender: CONTENDER,
      logGroupArn: `arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/${contenderFn.name}`,
    });
    front = new S3Front({ upstream: s3.s3.endpoint, policyFor: () => document, account: "000000000000" });
    port = await front.attach(contenderFn);
    endpoint = port.env.AWS_ENDPOINT_URL_S3!;
    port.invocationStarted("run", "{}");
  });
  afterAll(async () => {
    await port?.close();
    await front?.close();
  });

  const status = async (method: string, path: string, options?: Parameters<typeof rawCall>[3]) => (await rawCall(endpoint, method, path, options)).status;

  it("lets the contender read and list its sources, write its archive, use its own scratch prefix", async () => {
    expect(await status("GET", `/${bucket}/files/a`)).toBe(200);
    expect(await status("GET", `/${bucket}?list-type=2&prefix=files%2F`)).toBe(200);
    expect(await status("PUT", `/${bucket}/archives/${CONTENDER}/e/run-1.zip`, { body: "zip" })).toBe(200);
    expect(await status("PUT", `/${bucket}/scratch/${CONTENDER}/part`, { body: "part" })).toBe(200);
    expect(await status("GET", `/${bucket}/scratch/${CONTENDER}/part`)).toBe(200);
    expect(await status("GET", `/${bucket}?list-type=2&prefix=scratch%2F${CONTENDER}%2F`)).toBe(200);
    expect(await status("DELETE", `/${bucket}/scratch/${CONTENDER}/part`)).toBe(204);
  });

  it("denies another contender's archives and scratch prefix, and reading back its own archive", async () => {
    expect(await status("PUT", `/${bucket}/archives/python-other-arm64/e/run-0.zip`, { body: "zip" })).toBe(403);
    expect(await status("PUT", `/${bucket}/scratch/python-other-arm64/part`, { body: "part" })).toBe(403);
    expect(await status("GET", `/${bucket}?list-type=2&prefix=scratch%2Fpython-other-arm64%2F`)).toBe(403);
    expect(await status("GET", `/${bucket}/archives/${CONTENDER}/e/run-1.zip`)).toBe(403);
  });

  it("denies reading archives/ (even its own) with S3's AccessDenied XML naming action and resource", async () => {
    const answer = await rawCall(endpoint, "GET", `/${bucket}/archives/${CONTENDER}/e/run-0.zip`);
    expect(answer.status).toBe(403);
    expect(answer.headers["content-type"]).toBe("application/xml");
    expect(answer.headers["x-amz-request-id"]).toMatch(/^[0-9A-F]{16}$/);
    const xml = answer.body.toString();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>User: arn:aws:sts::000000000000:assumed-role\/[^<]+ is not authorized to perform: s3:GetObject on resource: &#34;arn:aws:s3:::[^<]+\/archives\/typescript-reference-x86_64\/e\/run-0.zip&#34; because no identity-based policy allows the s3:GetObject action<\/Message><RequestId>[0-9A-F]{16}<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/);
    // HEAD: the status alone, no body (as S3).
    const head = await rawCall(endpoint, "HEAD", `/${bucket}/archives/${CONTENDER}/e/run-0.zip`);
    expect([head.status, head.body.length]).toEqual([403, 0]);
  });

  it("denies deleting or overwriting a source, writing another bucket, listing outside files/", async () => {
    expect(await status("DELETE", `/${bucket}/files/a`)).toBe(403);
    expect(await status("PUT", `/${bucket}/files/a`, { body: "overwritten" })).toBe(403);
    expect(await status("PUT", `/${other}/archives/x.zip`, { body: "zip" })).toBe(403);
    expect(await status("GET", `/${bucket}?list-type=2&prefix=archives%2F`)).toBe(403);
    expect(await status("GET", `/${bucket}?list-type=2`)).toBe(403);
    const batch = "<Delete><Object><Key>files/a</Key></Object></Delete>";
    expect(await status("POST", `/${bucket}?delete`, { body: batch })).toBe(403);
    // Nothing reached moto: the source is intact.
    const source = await rawCall(s3.s3.endpoint, "GET", `/${bucket}/files/a`);
    expect(source.body.toString()).toBe("source bytes");
  });

  it("checks both sides of UploadPartCopy: a copy out of archives/ is denied", async () => {
    const created = await rawCall(endpoint, "POST", `/${bucket}/archives/${CONTENDER}/e/run-2.zip?uploads`);
    expect(created.status).toBe(200);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.body.toString())![1]!;
    const copyFrom = (source: string) =>
      status("PUT", `/${bucket}/archives/${CONTENDER}/e/run-2.zip?partNumber=1&uploadId=${uploadId}`, { headers: { "x-amz-copy-source": source } });
    expect(await copyFrom(`/${bucket}/archives/${CONTENDER}/e/run-0.zip`)).toBe(403);
    expect(await copyFrom(`/${bucket}/files/a`)).toBe(200);
    expect(await status("DELETE", `/${bucket}/archives/${CONTENDER}/e/run-2.zip?uploadId=${uploadId}`)).toBe(204);
  });

  it("answers a missing source with 403, not 404, since the role may not list the bucket unconditionally", async () => {
    expect(await status("GET", `/${bucket}/files/missing`)).toBe(403);
  });

  it("counts denied requests (S3 bills them) under their operation", () => {
    const [usage] = front.usageWhere((u) => u.requestId === "run");
    expect(usage!.denied).toBeGreaterThanOrEqual(10);
    expect(usage!.requests.GetObject).toBeGreaterThanOrEqual(3);
    expect(usage!.unbilled).toEqual({});
  });
});

describe("policy evaluator", () => {
  const allow = (Action: string | string[], Resource: string | string[], Condition?: object) => ({ Effect: "Allow", Action, Resource, Condition });
  it("applies explicit Deny over Allow, wildcards, NotAction, StringEquals / StringLike / IfExists", () => {
    const check = policyEvaluator({
      Version: "2012-10-17",
      Statement: [
        allow("s3:*", "arn:aws:s3:::b/*"),
        { Effect: "Deny", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/keep/*" },
        allow("s3:ListBucket", "arn:aws:s3:::b", { StringEquals: { "s3:prefix": ["", "home/"] } }),
        allow("s3:ListBucketVersions", "arn:aws:s3:::b", { StringLikeIfExists: { "s3:prefix": "v?/*" } }),
        { Effect: "Allow", NotAction: "s3:*", Resource: "*" },
      ],
    });
    expect(check({ action: "s3:GetObject", resource: "arn:aws:s3:::b/x" })).toMatchObject({ allowed: true });
    expect(check({ action: "S3:getobject", resource: "arn:aws:s3:::b/x" }).allowed).toBe(true); // actions ignore case
    expect(check({ action: "s3:GetObject", resource: "arn:aws:s3:::B/x" }).allowed).toBe(false); // resources do not
    expect(check({ action: "s3:DeleteObject", resource: "arn:aws:s3:::b/keep/1" })).toEqual({ allowed: false, reason: "explicit deny", by: "statement 2" });
    expect(check({ action: "s3:ListBucket", resource: "arn:aws:s3:::b", context: { "s3:prefix": "home/" } }).allowed).toBe(true);
    expect(check({ action: "s3:ListBucket", resource: "arn:aws:s3:::b", context: { "s3:prefix": "home/x" } }).allowed).toBe(false);
    expect(check({ action: "s3:ListBucket", resource: "arn:aws:s3:::b" })).toEqual({ allowed: false, reason: "implicit deny" });
    expect(check({ action: "s3:ListBucketVersions", resource: "arn:aws:s3:::b" }).allowed).toBe(true);
    expect(check({ action: "s3:ListBucketVersions", resource: "arn:aws:s3:::b", context: { "s3:prefix": "v1/a" } }).allowed).toBe(true);
    expect(check({ action: "s3:ListBucketVersions", resource: "arn:aws:s3:::b", context: { "s3:prefix": "w1/a" } }).allowed).toBe(false);
    expect(check({ action: "logs:PutLogEvents", resource: "arn:aws:logs:x" }).allowed).toBe(true);
  });

  it("refuses documents it cannot evaluate faithfully, naming what is wrong", () => {
    expect(() => policyEvaluator({ Statement: [allow("s3:GetObject", "*", { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } })] }, "doc X")).toThrow(
      "doc X uses condition operators this evaluator does not implement: IpAddress",
    );
    expect(() => policyEvaluator({ Statement: [{ Effect: "Maybe", Action: "s3:*", Resource: "*" }] }, "doc Y")).toThrow(/invalid doc Y: Statement/);
  });
});
