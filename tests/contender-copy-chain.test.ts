// The copy-chain contender against a real moto, directly and through the S3 front (its deployed
// IAM policy, seeded SlowDowns and resets): valid archives, nothing left in scratch, no open
// multipart upload, clear errors. Datasets stay small (<= 40 MiB): moto holds everything in memory.
import { createHash } from "node:crypto";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { handler, GOVERNOR } from "../contenders/typescript/copy-chain/src/index";
import { archivePrefix } from "../contenders/typescript/copy-chain/src/assemble";
import { MissingChecksumError, S3Api } from "../contenders/typescript/copy-chain/src/s3/api";
import { S3Connection } from "../contenders/typescript/copy-chain/src/s3/connection";
import { RateGovernor } from "../contenders/typescript/copy-chain/src/s3/governor";
import { InvalidEventError } from "../contenders/typescript/copy-chain/src/event";
import { fillBucket, planObjects } from "../functions/fill-bucket";
import { validateArchive } from "../functions/validate";
import { contenderPolicy } from "../harness/policies";
import { billedRequests, parseFaultSpec, S3Front, type FaultSpec } from "../local/s3-front";
import type { InstanceAttachment, LocalFunction } from "../local/lambda";
import { objectExists, openMultipartUploads, withEnv } from "./contender-reference-support";
import { rawCall } from "./support/raw-s3";
import { useEmbeddedS3 } from "./support/s3";

const MiB = 1024 * 1024;
const CONTENDER = "typescript-copy-chain-arm64";
const SCRATCH = `scratch/${CONTENDER}`;
const contenderFn = { name: `s3-archive-bench-local-${CONTENDER}` } as LocalFunction;
/** 10 objects of N(4 MiB, 1 MiB): with this seed 3 are >= 5 MiB and 7 below (asserted below). */
const MIXED = { prefix: "files", objectCount: 10, objectSizeMb: 4, seed: "cc-1" } as const;

const eventFor = (bucket: string, run: string) => ({ bucket_name: bucket, files_prefix: "files", archive_key: `archives/${CONTENDER}/e/${run}.zip`, scratch_prefix: SCRATCH });
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe("copy-chain contender against moto", () => {
  const fixture = useEmbeddedS3();
  const connections: S3Connection[] = [];
  const fronts: S3Front[] = [];
  afterAll(async () => {
    for (const c of connections) c.close();
    for (const f of fronts) await f.close();
  });

  /** The contender's own S3 layer, addressed through `endpointEnv` (moto's, or a front port's). */
  const apiOn = (endpointEnv: Record<string, string> = {}) => {
    const connection = new S3Connection({ maxSockets: GOVERNOR.maxInFlight, timeoutMs: 30_000, env: { ...fixture.s3.lambdaEnv, ...endpointEnv } });
    connections.push(connection);
    return new S3Api(connection, new RateGovernor(GOVERNOR));
  };
  const validate = (bucket: string, archiveKey: string, count: number) =>
    validateArchive(fixture.client, { bucket, archive_key: archiveKey, files_prefix: "files", expected_object_count: count });
  /** Scratch objects and open multipart uploads anywhere in the bucket. */
  const leftovers = async (bucket: string) => {
    const listed = await fixture.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "scratch/" }));
    return { scratch: (listed.Contents ?? []).map((o) => o.Key), uploads: await openMultipartUploads(fixture.client, bucket) };
  };
  /** An object keyed by its sha256 (the contest's naming), stored with a CRC32 unless `checksum` is false. */
  const putObject = async (bucket: string, body: Buffer, checksum = true) => {
    const key = `files/${createHash("sha256").update(body).digest("hex")}`;
    if (checksum) await fixture.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ChecksumAlgorithm: "CRC32" }));
    // A raw PUT: the SDK would add a CRC32 by itself (requestChecksumCalculation WHEN_SUPPORTED).
    else expect((await rawCall(fixture.s3.endpoint, "PUT", `/${bucket}/${key}`, { body })).status).toBe(200);
    return key;
  };
  /** A front port for one invocation of the contender under `policy` and `faults`. */
  const frontPort = async (policy: unknown, faults?: FaultSpec): Promise<{ front: S3Front; port: InstanceAttachment }> => {
    const front = new S3Front({ upstream: fixture.s3.endpoint, policyFor: () => policy, account: "000000000000", ...(faults ? { faults } : {}) });
    fronts.push(front);
    return { front, port: await front.attach(contenderFn) };
  };
  const deployedPolicy = (bucket: string) =>
    contenderPolicy({ bucketArn: `arn:aws:s3:::${bucket}`, filesPrefix: "files", contender: CONTENDER, logGroupArn: `arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/${contenderFn.name}` });

  it("archives objects under and over 5 MiB (and an empty one) through the handler: valid, S3 copies every body, nothing left", async () => {
    const sizes = planObjects(MIXED).sizes;
    expect([sizes.filter((s) => s >= 5 * MiB).length, sizes.filter((s) => s < 5 * MiB).length]).toEqual([3, 7]);
    const bucket = await fixture.bucket("cc-mixed");
    await fillBucket(fixture.client, { bucket, ...MIXED });
    await putObject(bucket, Buffer.alloc(0)); // an empty object: its header sits right after the previous one
    const event = eventFor(bucket, "mixed");

    const summary = await withEnv(fixture.s3.lambdaEnv, () => handler(event));

    expect(summary).toMatchObject({ archive_key: event.archive_key, entries: 11, source_bytes: 40 * MiB, zip64: false, throttled: 0, retried: 0 });
    expect(summary.segments).toBeGreaterThanOrEqual(3);
    const check = await validate(bucket, event.archive_key, 11);
    expect(check).toMatchObject({ entry_count: 11, stored_entries: 11, archive_bytes: summary.archive_bytes, uncompressed_bytes: 40 * MiB });
    expect(await leftovers(bucket)).toEqual({ scratch: [], uploads: [] });
    // The function sent the headers and the central directory, each once, and no body byte.
    expect(summary.bytes_sent).toBe(summary.archive_bytes - summary.source_bytes);
    expect(summary.bytes_sent / summary.archive_bytes).toBeLessThan(0.02);
    // One scratch object per scratch upload (the base is a source object), all deleted.
    const planned = summary.planned_requests;
    expect(summary.scratch).toMatchObject({ objects: planned.CreateMultipartUpload! - 1, leftObjects: 0 });
    expect(planned.PutObject).toBeUndefined();
    // No retries: what it did = the plan + one listing + one batch delete of the scratch objects.
    expect(summary.requests).toBe(sum(planned) + 2);
  });

  it("writes a valid empty archive for an empty prefix, and a small one whole", async () => {
    const bucket = await fixture.bucket("cc-empty");
    const empty = eventFor(bucket, "empty");
    const summary = await archivePrefix(apiOn(), empty);
    expect(summary).toMatchObject({ entries: 0, source_bytes: 0, archive_bytes: 22, segments: 0, requests: 2, planned_requests: { HeadObject: 0, GetObject: 0, PutObject: 1 } });
    expect(await validate(bucket, empty.archive_key, 0)).toMatchObject({ entry_count: 0, archive_bytes: 22, zip64: false });

    await fillBucket(fixture.client, { bucket, prefix: "files", objectCount: 3, objectSizeMb: 0.01, seed: "cc-tiny" });
    const small = eventFor(bucket, "small");
    const tiny = await archivePrefix(apiOn(), small);
    expect(tiny).toMatchObject({ entries: 3, segments: 0, planned_requests: { HeadObject: 3, GetObject: 3, PutObject: 1 } });
    expect(await validate(bucket, small.archive_key, 3)).toMatchObject({ entry_count: 3, archive_bytes: tiny.archive_bytes });
    expect(await leftovers(bucket)).toEqual({ scratch: [], uploads: [] });
  });

  it("rejects a source without a stored CRC32 naming the key, and leaves no archive, scratch or upload", async () => {
    const bucket = await fixture.bucket("cc-nocrc");
    await fillBucket(fixture.client, { bucket, prefix: "files", objectCount: 3, objectSizeMb: 2, seed: "cc-nocrc" });
    const bare = await putObject(bucket, Buffer.alloc(64 * 1024, 9), false);
    const event = eventFor(bucket, "nocrc");

    const run = archivePrefix(apiOn(), event);

    await expect(run).rejects.toThrow(MissingChecksumError);
    await expect(run).rejects.toThrow(`source object '${bare}' has no stored CRC32 checksum`);
    expect(await objectExists(fixture.client, bucket, event.archive_key)).toBe(false);
    expect(await leftovers(bucket)).toEqual({ scratch: [], uploads: [] });
  });

  it("rejects an event without scratch_prefix, naming it", async () => {
    const event = { bucket_name: "b", files_prefix: "files", archive_key: "a.zip" };
    await expect(handler(event)).rejects.toThrow(InvalidEventError);
    await expect(handler(event)).rejects.toThrow(/scratch_prefix: is required/);
    await expect(handler({ ...event, scratch_prefix: "/scratch/x/" })).rejects.toThrow("scratch_prefix: must not start or end with '/'");
  });

  it("stays inside its deployed IAM policy: 0 denied, and S3 billed exactly the planned requests", async () => {
    const bucket = await fixture.bucket("cc-iam");
    // No object of 5 MiB: the run also writes (and deletes) a zero-filled base in its scratch prefix.
    await fillBucket(fixture.client, { bucket, prefix: "files", objectCount: 24, objectSizeMb: 0.25, seed: "cc-iam" });
    const { front, port } = await frontPort(deployedPolicy(bucket));
    port.invocationStarted("iam", "{}");
    const event = eventFor(bucket, "iam");

    const summary = await archivePrefix(apiOn(port.env), event);

    const [usage] = front.usageWhere((u) => u.requestId === "iam");
    expect(usage!.denied).toBe(0);
    expect(summary.planned_requests.PutObject).toBe(1);
    expect(billedRequests(usage!)).toEqual({ ...summary.planned_requests, ListObjectsV2: 1, DeleteObjects: 1 });
    expect(summary.requests).toBe(sum(usage!.requests));
    expect(await validate(bucket, event.archive_key, 24)).toMatchObject({ entry_count: 24, archive_bytes: summary.archive_bytes });
    expect(await leftovers(bucket)).toEqual({ scratch: [], uploads: [] });
  });

  it("survives SlowDowns and resets (slowdown=0.05, reset=0.02): valid archive, backs off, retries, leaves nothing", async () => {
    const bucket = await fixture.bucket("cc-faults");
    await fillBucket(fixture.client, { bucket, ...MIXED });
    const { front, port } = await frontPort(deployedPolicy(bucket), parseFaultSpec("slowdown=0.05,reset=0.02,seed=3"));
    port.invocationStarted("faults", "{}");
    const event = eventFor(bucket, "faults");

    const summary = await archivePrefix(apiOn(port.env), event);

    const [usage] = front.usageWhere((u) => u.requestId === "faults");
    expect(usage!.throttled).toBeGreaterThan(0);
    expect(usage!.resets).toBeGreaterThan(0);
    expect(usage!.denied).toBe(0);
    // Every SlowDown the front sent was seen and backed off from; every fault was retried.
    expect(summary.throttled).toBe(usage!.throttled);
    expect(summary.retried).toBe(usage!.throttled + usage!.resets);
    expect(summary.requests).toBe(sum(usage!.requests));
    expect(await validate(bucket, event.archive_key, 10)).toMatchObject({ entry_count: 10, archive_bytes: summary.archive_bytes });
    expect(await leftovers(bucket)).toEqual({ scratch: [], uploads: [] });
    // Bytes through the function, both ways, from the front's counts: under 2% of the archive.
    expect(usage!.bytesOut / summary.archive_bytes).toBeLessThan(0.02);
    expect(usage!.bytesIn / summary.archive_bytes).toBeLessThan(0.02);
    expect(usage!.bytesCopied).toBeGreaterThan(summary.source_bytes);
  });

  it("cleans up after a request fails mid-run: the error names the key, and no scratch object or upload outlives the run", async () => {
    const bucket = await fixture.bucket("cc-fail");
    await fillBucket(fixture.client, { bucket, ...MIXED });
    // Segment 1's first scratch upload is refused (scratch keys are <prefix>/<run id>/<segment>/<step>)
    // while segment 0's longer chain and the others are still running: a failure mid-run.
    const policy = deployedPolicy(bucket);
    const refused = `${SCRATCH}/*/1/0`;
    // (harness/policies.ts types only the Allow statements the project deploys; the front takes any document.)
    const refuse = { Sid: "RefuseOneUpload", Effect: "Deny", Action: ["s3:PutObject"], Resource: [`arn:aws:s3:::${bucket}/${refused}`] };
    const withDeny = { ...policy, Statement: [...policy.Statement, refuse] };
    const { front, port } = await frontPort(withDeny);
    port.invocationStarted("fail", "{}");
    const event = eventFor(bucket, "fail");

    await expect(archivePrefix(apiOn(port.env), event)).rejects.toThrow(/^CreateMultipartUpload: AccessDenied \(HTTP 403\): .*scratch\/typescript-copy-chain-arm64\/[0-9a-f-]{36}\/1\/0/);

    const requestsNow = () => ({ ...front.usageWhere((u) => u.requestId === "fail")[0]!.requests });
    const atReturn = requestsNow();
    // Wait until the front goes quiet: whatever the run left in flight when it returned lands by then.
    let seen = "";
    for (let quiet = 0; quiet < 3; ) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      const now = JSON.stringify(requestsNow());
      quiet = now === seen ? quiet + 1 : 0;
      seen = now;
    }
    // A handler that returned made its last request (in Lambda the sandbox freezes, or the next run pays).
    expect(requestsNow()).toEqual(atReturn);
    expect(await objectExists(fixture.client, bucket, event.archive_key)).toBe(false);
    expect(await leftovers(bucket)).toEqual({ scratch: [], uploads: [] });
  });
});
