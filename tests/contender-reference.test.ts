// The reference contender against a real moto: it archives a filled prefix into a valid ZIP.
import { describe, expect, it } from "vitest";
import { handler } from "../contenders/typescript/reference/src/index";
import { archivePrefix } from "../contenders/typescript/reference/src/archive";
import { useEmbeddedS3 } from "./support/s3";
import { checkArchive, openMultipartUploads, putRandomObjects, withEnv } from "./contender-reference-support";

const KiB = 1024;
const MiB = 1024 * KiB;

describe("reference contender (zip-stream + lib-storage)", () => {
  const fixture = useEmbeddedS3();

  it("archives 120 objects through the handler, reaching moto only through the standard env vars", async () => {
    const bucket = await fixture.bucket("ref");
    // ~13 MB in total: enough for a real multipart upload (8 MiB parts) with a short last part.
    const keys = await putRandomObjects(fixture.client, bucket, "files", 120, (i) => 64 * KiB + ((i * 7919) % 160) * KiB);
    const event = { bucket_name: bucket, files_prefix: "files", archive_key: "archives/ref/run-0.zip" };

    const summary = await withEnv(fixture.s3.lambdaEnv, () => handler(event));

    expect(summary).toMatchObject({ archive_key: event.archive_key, entries: 120, zip64: false });
    expect(summary.parts).toBeGreaterThanOrEqual(2);
    const check = await checkArchive(fixture.client, bucket, event.archive_key, keys);
    expect(check).toEqual({ entries: 120, zip64: false, problems: [] });
    expect(await openMultipartUploads(fixture.client, bucket)).toEqual([]);
  });

  it("follows pagination past 1,000 keys", async () => {
    const bucket = await fixture.bucket("ref-many");
    const keys = await putRandomObjects(fixture.client, bucket, "files", 1_234, (i) => 100 + (i % 50));
    const event = { bucket_name: bucket, files_prefix: "files", archive_key: "out/many.zip" };

    const summary = await withEnv(fixture.s3.lambdaEnv, () => handler(event));

    expect(summary.entries).toBe(1_234);
    const check = await checkArchive(fixture.client, bucket, event.archive_key, keys);
    expect(check).toEqual({ entries: 1_234, zip64: false, problems: [] });
  });

  it("streams objects above the buffering threshold and writes ZIP64 records when forced", async () => {
    const bucket = await fixture.bucket("ref-stream");
    // Every other object is "large" for this run: it takes zip-stream's streaming path (data
    // descriptor, its own CRC) while the others take the buffered native-CRC path.
    const keys = await putRandomObjects(fixture.client, bucket, "files", 12, (i) => (i % 2 ? 900 * KiB : 3 * KiB));
    const event = { bucket_name: bucket, files_prefix: "files", archive_key: "z64.zip" };

    const summary = await archivePrefix(fixture.client, event, {
      streamObjectsAboveBytes: 100 * KiB,
      forceZip64: true,
      partSize: 5 * MiB,
      queueSize: 1,
      prefetchBytes: 1 * MiB,
      downloadConcurrency: 2,
    });

    expect(summary).toMatchObject({ entries: 12, zip64: true });
    const check = await checkArchive(fixture.client, bucket, event.archive_key, keys);
    expect(check).toEqual({ entries: 12, zip64: true, problems: [] });
  });

  it("writes an empty but valid archive for an empty prefix", async () => {
    const bucket = await fixture.bucket("ref-empty");
    const event = { bucket_name: bucket, files_prefix: "files", archive_key: "empty.zip" };
    const summary = await archivePrefix(fixture.client, event);
    expect(summary).toMatchObject({ entries: 0, source_bytes: 0 });
    expect(await checkArchive(fixture.client, bucket, event.archive_key, [])).toEqual({ entries: 0, zip64: false, problems: [] });
  });
});
