// Downloads cut mid-body by the S3 front (seeded resets) are resumed, not failed or accepted short:
// the reference contender's GetObject reader and the validator's archive reader, byte-exact.
import { createHash } from "node:crypto";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadChunks, downloadStream } from "../contenders/typescript/reference/src/download";
import { s3Source } from "../functions/validate/sources";
import { parseFaultSpec, S3Front } from "../local/s3-front";
import type { InstanceAttachment, LocalFunction } from "../local/lambda";
import { useEmbeddedS3 } from "./support/s3";

const allowAll = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] };
const SIZE = 3 * 1024 * 1024 + 17;
const content = (i: number) => Buffer.alloc(SIZE, i + 1).fill(i * 7, 1000, 2000);
const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");

describe("reading through resets", () => {
  const s3 = useEmbeddedS3();
  let front: S3Front;
  let port: InstanceAttachment;
  let client: S3Client;
  let bucket: string;
  beforeAll(async () => {
    bucket = await s3.bucket("resume");
    // With a stored CRC32, as the filler uploads them (the reference contender takes its entry CRCs from S3).
    for (let i = 0; i < 8; i++) await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: `files/${i}`, Body: content(i), ChecksumAlgorithm: "CRC32" }));
    // One GET in four is cut half-way through its body (seeded: the same requests meet the same cuts).
    front = new S3Front({ upstream: s3.s3.endpoint, policyFor: () => allowAll, account: "000000000000", faults: parseFaultSpec("reset=0.25,seed=5") });
    port = await front.attach({ name: "reader" } as LocalFunction);
    client = new S3Client({ ...s3.s3.clientConfig, endpoint: port.env.AWS_ENDPOINT_URL_S3! });
    port.invocationStarted("read", "{}");
  });
  afterAll(async () => {
    client?.destroy();
    await port?.close();
    await front?.close();
  });

  it("the reference contender gets every object byte-exact, chunked or streamed", async () => {
    const signal = new AbortController().signal;
    for (let i = 0; i < 8; i++) {
      const object = { key: `files/${i}`, name: String(i), size: SIZE, lastModified: new Date() };
      let data: Buffer;
      if (i % 2) {
        const got = await downloadChunks(client, bucket, object, signal);
        data = Buffer.concat(got.chunks);
        expect(got.crc32, `${object.key} stored CRC-32`).toBe(crc32(content(i)));
      } else {
        const chunks: Buffer[] = [];
        for await (const chunk of await downloadStream(client, bucket, object, signal)) chunks.push(chunk as Buffer);
        data = Buffer.concat(chunks);
      }
      expect(sha(data), object.key).toBe(sha(content(i)));
    }
    const [usage] = front.usageWhere((u) => u.requestId === "read");
    expect(usage!.resets).toBeGreaterThan(0);
  });

  it("the validator reads ranges and the sequential body byte-exact", async () => {
    const before = front.usageWhere((u) => u.requestId === "read")[0]!.resets;
    for (let i = 0; i < 4; i++) {
      const source = await s3Source(client, bucket, `files/${i}`);
      expect(sha(await source.read(100, SIZE - 5))).toBe(sha(content(i).subarray(100, SIZE - 5)));
      const chunks: Buffer[] = [];
      for await (const chunk of source.openBody().take(SIZE - 1)) chunks.push(chunk);
      expect(sha(Buffer.concat(chunks))).toBe(sha(content(i).subarray(0, SIZE - 1)));
    }
    expect(front.usageWhere((u) => u.requestId === "read")[0]!.resets).toBeGreaterThan(before);
  });
});
