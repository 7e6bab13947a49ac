// fill-bucket against real S3 (moto): fillBucket, emptyPrefix and the CRUD handler.
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { FillInput } from "../harness/contracts";
import { deleteKeys, emptyPrefix, fillBucket, handler, objectContent, planObjects } from "../functions/fill-bucket/index";
import { sha256Hex } from "../functions/fill-bucket/plan";
import { useEmbeddedS3 } from "./support/s3";

const fixture = useEmbeddedS3();

async function listAll(client: S3Client, bucket: string, prefix = "") {
  const out: { key: string; size: number; etag: string; lastModified: number }[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      out.push({ key: o.Key!, size: o.Size!, etag: o.ETag!, lastModified: o.LastModified!.getTime() });
    }
    token = page.NextContinuationToken;
  } while (token);
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

async function getBytes(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

/** The keys a fill must produce, computed independently of fillBucket. */
function expectedKeys(params: { prefix: string; objectCount: number; objectSizeMb: number; seed: string | number }) {
  const plan = planObjects(params);
  return plan.sizes.map((_, i) => `${params.prefix}/${sha256Hex(objectContent(plan, i))}`).sort();
}

describe("fillBucket", () => {
  it("is deterministic: one seed into two buckets gives identical keys and bytes; another seed differs", async () => {
    const params = { prefix: "files", objectCount: 4, objectSizeMb: 1, seed: "same" };
    const [b1, b2, b3] = [await fixture.bucket(), await fixture.bucket(), await fixture.bucket()];
    await fillBucket(fixture.client, { ...params, bucket: b1 });
    await fillBucket(fixture.client, { ...params, bucket: b2 });
    await fillBucket(fixture.client, { ...params, bucket: b3, seed: "other" });
    const [l1, l2, l3] = [await listAll(fixture.client, b1), await listAll(fixture.client, b2), await listAll(fixture.client, b3)];
    expect(l1.map((o) => o.key)).toEqual(expectedKeys(params));
    expect(l2.map((o) => o.key)).toEqual(l1.map((o) => o.key));
    for (const { key } of l1) {
      expect((await getBytes(fixture.client, b2, key)).equals(await getBytes(fixture.client, b1, key))).toBe(true);
    }
    expect(l3).toHaveLength(4);
    expect(l3.filter((o) => l1.some((p) => p.key === o.key))).toEqual([]);
  });

  it("keys are the sha256 of the content, sizes sum to count x mean, and HeadObject returns the CRC32", async () => {
    const bucket = await fixture.bucket();
    const summary = await fillBucket(fixture.client, { bucket, prefix: "data/set", objectCount: 3, objectSizeMb: 1, seed: 7 });
    expect(summary).toMatchObject({ objectCount: 3, totalBytes: 3 * 1024 * 1024, uploadedCount: 3, deletedCount: 0 });
    const listed = await listAll(fixture.client, bucket);
    expect(listed.reduce((a, o) => a + o.size, 0)).toBe(3 * 1024 * 1024);
    for (const { key } of listed) {
      expect(key).toMatch(/^data\/set\/[0-9a-f]{64}$/);
      const bytes = await getBytes(fixture.client, bucket, key);
      expect(`data/set/${sha256Hex(bytes)}`).toBe(key);
      const head = await fixture.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
      const expected = Buffer.alloc(4);
      expected.writeUInt32BE(crc32(bytes));
      expect(head.ChecksumCRC32).toBe(expected.toString("base64"));
    }
  });

  it("leaves exactly the planned set: foreign and surplus objects under the prefix are deleted, siblings kept", async () => {
    const bucket = await fixture.bucket();
    const put = (Key: string) => fixture.client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "x" }));
    await Promise.all(["files/junk", "files/nested/deep", "files-sibling/keep", "other/keep", "files"].map(put));
    const big = { bucket, prefix: "files", objectCount: 5, objectSizeMb: 1, seed: "s" };
    expect((await fillBucket(fixture.client, big)).deletedCount).toBe(2);
    const small = { ...big, objectCount: 2 };
    const summary = await fillBucket(fixture.client, small);
    // A new count re-plans the sizes; objects of equal index and size are the same bytes (content
    // depends on seed and index only) and stay, every other earlier object is deleted.
    const kept = expectedKeys(small).filter((k) => expectedKeys(big).includes(k)).length;
    expect(summary.deletedCount).toBe(5 - kept);
    expect(summary.uploadedCount).toBe(2 - kept);
    expect((await listAll(fixture.client, bucket, "files/")).map((o) => o.key)).toEqual(expectedKeys(small));
    expect((await listAll(fixture.client, bucket)).map((o) => o.key).filter((k) => !k.startsWith("files/"))).toEqual([
      "files",
      "files-sibling/keep",
      "other/keep",
    ]);
  });

  it("is idempotent: a second identical fill uploads nothing and keeps every object as it was", async () => {
    const bucket = await fixture.bucket();
    const params = { bucket, prefix: "files", objectCount: 3, objectSizeMb: 1, seed: "again" };
    await fillBucket(fixture.client, params);
    const before = await listAll(fixture.client, bucket);
    const second = await fillBucket(fixture.client, params);
    expect(second).toMatchObject({ uploadedCount: 0, skippedCount: 3, deletedCount: 0 });
    expect(await listAll(fixture.client, bucket)).toEqual(before);
  });

  it("bounded concurrency is validated, and progress is reported per object", async () => {
    const bucket = await fixture.bucket();
    const params = { bucket, prefix: "files", objectCount: 3, objectSizeMb: 0.5, seed: "p" };
    await expect(fillBucket(fixture.client, params, { concurrency: 0 })).rejects.toThrow(/concurrency must be a positive integer/);
    const seen: number[] = [];
    await fillBucket(fixture.client, params, { concurrency: 1, onProgress: (p) => seen.push(p.done) });
    expect(seen).toEqual([1, 2, 3]);
  });

  it("surfaces S3 errors (missing bucket) instead of reporting success", async () => {
    await expect(
      fillBucket(fixture.client, { bucket: "no-such-bucket-here", prefix: "files", objectCount: 1, objectSizeMb: 0.5, seed: 1 }),
    ).rejects.toThrow(/bucket/i);
  });
});

describe("emptyPrefix", () => {
  it("pages through the prefix (list page = DeleteObjects batch) and leaves other prefixes alone", async () => {
    const bucket = await fixture.bucket();
    const keys = Array.from({ length: 23 }, (_, i) => `files/${String(i).padStart(4, "0")}`);
    await Promise.all(keys.map((Key) => fixture.client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "e" }))));
    await fixture.client.send(new PutObjectCommand({ Bucket: bucket, Key: "filesX/keep", Body: "k" }));
    // 23 keys in pages of 5: four full pages, one partial; StartAfter stays valid while deleting.
    expect(await emptyPrefix(fixture.client, bucket, "files", 5)).toBe(23);
    expect((await listAll(fixture.client, bucket)).map((o) => o.key)).toEqual(["filesX/keep"]);
    expect(await emptyPrefix(fixture.client, bucket, "files")).toBe(0);
  });

  it("retries keys DeleteObjects reports as failed, then names them with their code", async () => {
    // moto never fails a single key, so a middleware on a second client turns real (successful)
    // responses into partial failures: S3 answers 200 with per-key Errors when that happens.
    const bucket = await fixture.bucket();
    const keys = ["files/a", "files/b", "files/c"];
    await Promise.all(keys.map((Key) => fixture.client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "e" }))));
    const flaky = new S3Client(fixture.s3.clientConfig);
    let failuresLeft = 1;
    flaky.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const output = result.output as { Errors?: { Key?: string; Code?: string; Message?: string }[] };
        if ((args.input as { Delete?: unknown }).Delete && failuresLeft-- > 0) {
          output.Errors = [{ Key: "files/b", Code: "SlowDown", Message: "Please reduce your request rate." }];
        }
        return result;
      },
      { step: "initialize" },
    );
    try {
      expect(await deleteKeys(flaky, bucket, keys)).toBe(3); // 2 on the first call, b on the retry
      await Promise.all(keys.map((Key) => fixture.client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "e" }))));
      failuresLeft = Infinity;
      await expect(deleteKeys(flaky, bucket, keys)).rejects.toThrow(
        /^DeleteObjects failed for 1 key\(s\) in bucket '.+' after 3 attempts: 'files\/b' \(SlowDown: Please reduce your request rate\.\)$/,
      );
    } finally {
      flaky.destroy();
    }
  });
});

describe("handler (the aws.lambda.Invocation CRUD contract)", () => {
  const saved: Record<string, string | undefined> = {};
  const setEnv = (env: Record<string, string>) => {
    for (const [k, v] of Object.entries(env)) {
      if (!(k in saved)) saved[k] = process.env[k];
      process.env[k] = v;
    }
  };
  // The handler builds its client from the standard env vars only, as it does in a sandbox.
  beforeAll(() => setEnv({ ...fixture.s3.lambdaEnv }));
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("create fills, update with unchanged input makes no S3 call at all, update with a new seed/count refills exactly", async () => {
    const bucket = await fixture.bucket();
    const input = { bucket, prefix: "files", objectCount: 3, objectSizeMb: 1, seed: "one" };
    const created = await handler({ ...input, tf: { action: "create", prev_input: null } });
    expect(created).toMatchObject({ action: "filled", bucket, prefix: "files", objectCount: 3, totalBytes: 3 * 1024 * 1024, deletedCount: 0 });
    const afterCreate = await listAll(fixture.client, bucket);
    expect(afterCreate.map((o) => o.key)).toEqual(expectedKeys(input));

    // Unchanged: point the SDK at a closed port, so any S3 request would fail the call.
    setEnv({ AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9" });
    try {
      const unchanged = await handler({ ...input, tf: { action: "update", prev_input: { ...input } } });
      expect(unchanged).toMatchObject({ action: "unchanged", objectCount: 3, totalBytes: 3 * 1024 * 1024, deletedCount: 0 });
      await expect(handler({ ...input, seed: "two", tf: { action: "update", prev_input: input } })).rejects.toThrow();
    } finally {
      setEnv({ AWS_ENDPOINT_URL_S3: fixture.s3.endpoint });
    }
    expect(await listAll(fixture.client, bucket)).toEqual(afterCreate);

    const reseeded = { ...input, seed: "two", objectCount: 2 };
    const refilled = await handler({ ...reseeded, tf: { action: "update", prev_input: input } });
    expect(refilled).toMatchObject({ action: "refilled", objectCount: 2, totalBytes: 2 * 1024 * 1024, deletedCount: 3 });
    expect((await listAll(fixture.client, bucket)).map((o) => o.key)).toEqual(expectedKeys(reseeded));
  });

  it("update with a new prefix empties the old prefix and fills the new one", async () => {
    const bucket = await fixture.bucket();
    const input = { bucket, prefix: "old", objectCount: 2, objectSizeMb: 0.5, seed: 3 };
    await handler(input); // no tf: a plain invoke means create
    const moved = { ...input, prefix: "new/files" };
    const result = await handler({ ...moved, tf: { action: "update", prev_input: input } });
    expect(result).toMatchObject({ action: "refilled", prefix: "new/files", objectCount: 2, deletedCount: 2 });
    expect((await listAll(fixture.client, bucket)).map((o) => o.key)).toEqual(expectedKeys(moved));
  });

  it("update after the bucket was replaced fills the new one, though the role can no longer reach the old one", async () => {
    const bucket = await fixture.bucket();
    const input = { bucket, prefix: "files", objectCount: 2, objectSizeMb: 0.5, seed: "r" };
    const previous = { ...input, bucket: "replaced-bucket-out-of-reach" };
    // On AWS the filler's policy names only the current bucket: S3 answers the old one with 403.
    const send = S3Client.prototype.send;
    const spy = vi.spyOn(S3Client.prototype, "send").mockImplementation(function (this: S3Client, ...args: unknown[]) {
      const command = args[0] as { input?: { Bucket?: string } };
      if (command.input?.Bucket === previous.bucket) {
        return Promise.reject(Object.assign(new Error("Access Denied"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }));
      }
      return (send as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    } as typeof send);
    try {
      const result = await handler({ ...input, tf: { action: "update", prev_input: previous } });
      expect(result).toMatchObject({ action: "refilled", bucket, objectCount: 2, deletedCount: 0 });
      expect((await listAll(fixture.client, bucket)).map((o) => o.key)).toEqual(expectedKeys(input));
      // A prefix change in the same bucket is still an error when S3 refuses: that role does reach it.
      const moved = { ...previous, prefix: "elsewhere" };
      await expect(handler({ ...moved, tf: { action: "update", prev_input: previous } })).rejects.toMatchObject({ name: "AccessDenied" });
    } finally {
      spy.mockRestore();
    }
  });

  it("delete empties the prefix, keeps other prefixes, and tolerates a bucket already gone", async () => {
    const bucket = await fixture.bucket();
    const input = { bucket, prefix: "files", objectCount: 3, objectSizeMb: 0.5, seed: "d" };
    await handler({ ...input, tf: { action: "create", prev_input: null } });
    await fixture.client.send(new PutObjectCommand({ Bucket: bucket, Key: "archives/a.zip", Body: "z" }));
    const deleted = await handler({ ...input, tf: { action: "delete", prev_input: null } });
    expect(deleted).toMatchObject({ action: "emptied", objectCount: 0, totalBytes: 0, deletedCount: 3 });
    expect((await listAll(fixture.client, bucket)).map((o) => o.key)).toEqual(["archives/a.zip"]);
    const gone = await handler({ ...input, bucket: "bucket-that-was-destroyed", tf: { action: "delete", prev_input: null } });
    expect(gone).toMatchObject({ action: "emptied", deletedCount: 0 });
  });

  it("bad input fails before any S3 call with an error naming the field", async () => {
    const bad = { bucket: "b", prefix: "/files", objectCount: -1, objectSizeMb: 1, seed: "x" } as FillInput;
    const error = await handler(bad).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "InvalidPayloadError" });
    expect((error as Error).message).toMatch(/^invalid fill-bucket input: .*prefix: must not start or end with '\/'.*objectCount: /);
  });
});
