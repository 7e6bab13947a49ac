// The reference contender's unhappy paths on a real moto: every failure is a clear error, and no
// multipart upload or partial archive is left behind.
import { afterEach, describe, expect, it } from "vitest";
import { DeleteObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { handler } from "../contenders/typescript/reference/src/index";
import { archivePrefix } from "../contenders/typescript/reference/src/archive";
import { useEmbeddedS3 } from "./support/s3";
import { fillBucket } from "../functions/fill-bucket";
import { objectExists, openMultipartUploads, withEnv } from "./contender-reference-support";

const KiB = 1024;
const MiB = 1024 * KiB;
// Small budgets so a 40 MB source makes several 5 MiB parts and the pipeline is mid-way when it fails.
const SMALL = { partSize: 5 * MiB, queueSize: 1, prefetchBytes: 1 * MiB, downloadConcurrency: 2, bodyBufferedChunks: 1 };

/** A client of the same moto that records the commands it sends, with optional hooks. */
function instrumentedClient(config: S3ClientConfig) {
  const client = new S3Client(config);
  const sent: string[] = [];
  const hooks: {
    afterList?: () => Promise<void>;
    breakPart?: number;
  } = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? "?");
      const output = await next(args);
      if (context.commandName === "ListObjectsV2Command" && hooks.afterList) await hooks.afterList();
      return output;
    },
    { step: "initialize", name: "recordCommands" },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { PartNumber?: number };
      if (context.commandName === "UploadPartCommand" && input.PartNumber === hooks.breakPart) {
        // A real server-side failure: the part goes to a bucket that does not exist.
        const request = args.request as { path: string };
        request.path = request.path.replace(/^\/[^/]+\//, "/no-such-bucket-for-parts/");
      }
      return next(args);
    },
    { step: "build", name: "breakOnePart" },
  );
  return { client, sent, hooks };
}

describe("reference contender failures", () => {
  const fixture = useEmbeddedS3();
  const clients: S3Client[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });

  it("rejects a bad event with an error naming each bad field", async () => {
    await expect(handler({ bucket_name: "", files_prefix: "files/" })).rejects.toThrow(
      /invalid event: bucket_name: .*; files_prefix: must not start or end with '\/'; archive_key: /,
    );
    await expect(handler(null)).rejects.toThrow(/invalid event/);
  });

  it("reports a missing bucket by name", async () => {
    const event = { bucket_name: "no-such-bucket-ref", files_prefix: "files", archive_key: "a.zip" };
    await expect(withEnv(fixture.s3.lambdaEnv, () => handler(event))).rejects.toThrow(
      "failed to list 's3://no-such-bucket-ref/files/': NoSuchBucket",
    );
  });

  it("names an object deleted between list and get, and aborts the multipart upload", async () => {
    const bucket = await fixture.bucket("ref-gone");
    const { keys } = await fillBucket(fixture.client, { bucket, prefix: "files", objectCount: 40, objectSizeMb: 400 / 1024, seed: "gone" });
    const victim = [...keys].sort().at(-1)!; // the last one in listing order: parts are already up
    const { client, sent, hooks } = instrumentedClient(fixture.s3.clientConfig);
    clients.push(client);
    hooks.afterList = async () => {
      await fixture.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: victim }));
    };
    const event = { bucket_name: bucket, files_prefix: "files", archive_key: "gone.zip" };

    await expect(archivePrefix(client, event, SMALL)).rejects.toThrow(
      `failed to read '${victim}' from bucket '${bucket}': NoSuchKey`,
    );

    expect(sent).toContain("UploadPartCommand");
    expect(sent).toContain("AbortMultipartUploadCommand");
    expect(await openMultipartUploads(fixture.client, bucket)).toEqual([]);
    expect(await objectExists(fixture.client, bucket, event.archive_key)).toBe(false);
  });

  it("refuses an object S3 stores no CRC-32 for, by name, and leaves nothing behind", async () => {
    const bucket = await fixture.bucket("ref-nocrc");
    await fillBucket(fixture.client, { bucket, prefix: "files", objectCount: 40, objectSizeMb: 400 / 1024, seed: "nocrc" });
    // Last in listing order (so parts are already up when it is read), uploaded with no checksum:
    // WHEN_REQUIRED keeps the SDK from adding its default CRC32.
    const bare = new S3Client({ ...fixture.s3.clientConfig, requestChecksumCalculation: "WHEN_REQUIRED" });
    clients.push(bare);
    const victim = `files/${"f".repeat(64)}`;
    await bare.send(new PutObjectCommand({ Bucket: bucket, Key: victim, Body: Buffer.alloc(300 * KiB, 7) }));
    const { client, sent } = instrumentedClient(fixture.s3.clientConfig);
    clients.push(client);
    const event = { bucket_name: bucket, files_prefix: "files", archive_key: "nocrc.zip" };

    await expect(archivePrefix(client, event, SMALL)).rejects.toThrow(
      `failed to read '${victim}' from bucket '${bucket}': S3 returned no stored CRC-32 for it`,
    );

    expect(sent).toContain("UploadPartCommand");
    expect(sent).toContain("AbortMultipartUploadCommand");
    expect(await openMultipartUploads(fixture.client, bucket)).toEqual([]);
    expect(await objectExists(fixture.client, bucket, event.archive_key)).toBe(false);
  });

  it("stops soon after a part upload fails, names the part, and leaves nothing behind", async () => {
    const bucket = await fixture.bucket("ref-part");
    const { keys } = await fillBucket(fixture.client, { bucket, prefix: "files", objectCount: 100, objectSizeMb: 400 / 1024, seed: "part" });
    const { client, sent, hooks } = instrumentedClient(fixture.s3.clientConfig);
    clients.push(client);
    hooks.breakPart = 2;
    const event = { bucket_name: bucket, files_prefix: "files", archive_key: "part.zip" };

    await expect(archivePrefix(client, event, SMALL)).rejects.toThrow(
      `failed to upload part 2 of s3://${bucket}/part.zip: NoSuchBucket`,
    );

    // Budgets bound what was read before the failure stopped the producer: ~3 parts of 5 MiB plus
    // the small buffers, far from the 40 MB of the whole prefix.
    const gets = sent.filter((c) => c === "GetObjectCommand").length;
    expect(gets).toBeGreaterThan(0);
    expect(gets).toBeLessThan(keys.length * 0.6);
    expect(sent).not.toContain("CompleteMultipartUploadCommand");
    expect(sent).toContain("AbortMultipartUploadCommand");
    expect(await openMultipartUploads(fixture.client, bucket)).toEqual([]);
    expect(await objectExists(fixture.client, bucket, event.archive_key)).toBe(false);
  });
});
