// The reference contender against a real moto: it archives a filled prefix into a valid ZIP.
import { describe, expect, it } from "vitest";
import { handler } from "../contenders/typescript/reference/src/index";
import { archivePrefix } from "../contenders/typescript/reference/src/archive";
import { useEmbeddedS3 } from "./support/s3";
import { fillBucket } from "../functions/fill-bucket";
import { validateArchive } from "../functions/validate";
import { openMultipartUploads, withEnv } from "./contender-reference-support";

const MiB = 1024 * 1024;

describe("reference contender (zip-stream + lib-storage)", () => {
  const fixture = useEmbeddedS3();
  // The harness's validator (functions/validate): throws InvalidArchive with the reason otherwise.
  const validate = (bucket: string, archiveKey: string, count: number) =>
    validateArchive(fixture.client, { bucket, archive_key: archiveKey, files_prefix: "files", expected_object_count: count });

  it("archives 120 objects through the handler, reaching moto only through the standard env vars", async () => {
    const bucket = await fixture.bucket("ref");
    // 120 x 0.3 MiB = 36 MiB: a real multipart upload (16 MiB parts) with a short last part.
    const filled = await fillBucket(fixture.client, { bucket, prefix: "files", objectCount: 120, objectSizeMb: 0.3, seed: "ref-120" });
    const keys = [...filled.keys];
    const event = { bucket_name: bucket, files_prefix: "files", archive_key: "archives/ref/run-0.zip" };

    const summary = await withEnv(fixture.s3.lambdaEnv, () => handler(event));

    expect(summary).toMatchObject({ archive_key: event.archive_key, entries: 120, zip64: false });
    expect(summary.parts).toBeGreaterThanOrEqual(2);
    const check = await validate(bucket, event.archive_key, keys.length);
    expect(check).toMatchObject({ entry_count: 120, stored_entries: 120, zip64: false });
    expect(await openMultipartUploads(fixture.client, bucket)).toEqual([]);
  });

  it("follows pagination past 1,000 keys", async () => {
    const bucket = await fixture.bucket("ref-many");
    const filled = await fillBucket(fixture.client, { bucket, prefix: "files", objectCount: 1_234, objectSizeMb: 0.0001, seed: "ref-many" });
    const keys = [...filled.keys];
    const event = { bucket_name: bucket, files_prefix: "files", archive_key: "out/many.zip" };

    const summary = await withEnv(fixture.s3.lambdaEnv, () => handler(event));

    expect(summary.entries).toBe(1_234);
    const check = await validate(bucket, event.archive_key, keys.length);
    expect(check).toMatchObject({ entry_count: 1_234, stored_entries: 1_234, zip64: false });
  });

  it("streams objects above the buffering threshold and writes ZIP64 records when forced", async () => {
    const bucket = await fixture.bucket("ref-stream");
    // Sizes spread around 1 MiB: the objects above 1 MiB take zip-stream's streaming path (data
    // descriptor, its own CRC) while the others take the chunked native-CRC path.
    const filled = await fillBucket(fixture.client, { bucket, prefix: "files", objectCount: 12, objectSizeMb: 1, seed: "ref-stream" });
    const keys = [...filled.keys];
    const event = { bucket_name: bucket, files_prefix: "files", archive_key: "z64.zip" };

    const summary = await archivePrefix(fixture.client, event, {
      streamObjectsAboveBytes: 1 * MiB,
      forceZip64: true,
      partSize: 5 * MiB,
      queueSize: 1,
      prefetchBytes: 1 * MiB,
      downloadConcurrency: 2,
    });

    expect(summary).toMatchObject({ entries: 12, zip64: true });
    expect(summary.streamed_entries).toBeGreaterThan(0);
    expect(summary.streamed_entries).toBeLessThan(12);
    const check = await validate(bucket, event.archive_key, keys.length);
    expect(check).toMatchObject({ entry_count: 12, stored_entries: 12, zip64: true });
  });

  it("writes an empty but valid archive for an empty prefix", async () => {
    const bucket = await fixture.bucket("ref-empty");
    const event = { bucket_name: bucket, files_prefix: "files", archive_key: "empty.zip" };
    const summary = await archivePrefix(fixture.client, event);
    expect(summary).toMatchObject({ entries: 0, source_bytes: 0 });
    expect(await validate(bucket, event.archive_key, 0)).toMatchObject({ entry_count: 0, zip64: false });
  });
});
