// The S3 front counts, per invocation, exactly what a scripted client did: requests by operation,
// bytes each way, bytes copied inside S3 and the objects read; path-style and virtual-host style.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3Front } from "../local/s3-front";
import type { InstanceAttachment, LocalFunction } from "../local/lambda";
import { rawCall, type RawAnswer } from "./support/raw-s3";
import { useEmbeddedS3 } from "./support/s3";

const fn = (name: string) => ({ name }) as LocalFunction;
const allowAll = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] };
const MiB = 1024 * 1024;

describe("S3 front: per-invocation counts", () => {
  const s3 = useEmbeddedS3();
  let front: S3Front;
  let port: InstanceAttachment;
  let endpoint: string;
  beforeAll(async () => {
    front = new S3Front({ upstream: s3.s3.endpoint, policyFor: () => allowAll, account: "000000000000" });
    port = await front.attach(fn("scripted"));
    endpoint = port.env.AWS_ENDPOINT_URL_S3!;
  });
  afterAll(async () => {
    await port?.close();
    await front?.close();
  });

  it("equal what the client sent and received, operation by operation", async () => {
    const bucket = await s3.bucket("counts");
    let sent = 0;
    let received = 0;
    const call = async (method: string, path: string, options: Parameters<typeof rawCall>[3] = {}): Promise<RawAnswer> => {
      const answer = await rawCall(endpoint, method, path, options);
      sent += options.body === undefined ? 0 : Buffer.byteLength(options.body);
      received += answer.body.length;
      expect(answer.status, `${method} ${path}: ${answer.body.toString()}`).toBeLessThan(300);
      return answer;
    };
    // Before any invocation: counted apart (requestId null), never in the invocation's record.
    await call("PUT", `/${bucket}/files/a`, { body: Buffer.alloc(1000, 1) });
    sent = 0;
    received = 0;

    port.invocationStarted("req-1", JSON.stringify({ archive_key: "archives/x/e/run-0.zip" }));
    await call("PUT", `/${bucket}/files/b`, { body: Buffer.alloc(3000, 2) });
    await call("GET", `/${bucket}/files/a`);
    await call("GET", `/${bucket}/files/b`, { headers: { range: "bytes=0-99" } });
    await call("HEAD", `/${bucket}/files/b`);
    await call("GET", `/${bucket}?list-type=2&prefix=files%2F`);
    const created = await call("POST", `/${bucket}/archives/x.zip?uploads`);
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.body.toString())![1]!;
    const part1 = await call("PUT", `/${bucket}/archives/x.zip?partNumber=1&uploadId=${uploadId}`, { body: Buffer.alloc(5 * MiB, 3) });
    const part2 = await call("PUT", `/${bucket}/archives/x.zip?partNumber=2&uploadId=${uploadId}`, {
      headers: { "x-amz-copy-source": `/${bucket}/files/b`, "x-amz-copy-source-range": "bytes=10-1009" },
    });
    const etag2 = /<ETag>([^<]+)<\/ETag>/.exec(part2.body.toString())![1]!;
    const complete =
      `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part1.headers.etag}</ETag></Part>` +
      `<Part><PartNumber>2</PartNumber><ETag>${etag2}</ETag></Part></CompleteMultipartUpload>`;
    await call("POST", `/${bucket}/archives/x.zip?uploadId=${uploadId}`, { body: complete });
    await call("PUT", `/${bucket}/scratch/copy`, { headers: { "x-amz-copy-source": `${bucket}/files/a` } });
    // Virtual-host style: the bucket in the Host header.
    await call("GET", `/files/b`, { headers: { host: `${bucket}.localhost` } });
    await call("DELETE", `/${bucket}/scratch/copy`);
    port.invocationEnded("req-1", 0.25);

    const [usage] = front.usageWhere((u) => u.requestId === "req-1");
    expect(usage!.requests).toEqual({
      PutObject: 1,
      GetObject: 3,
      HeadObject: 1,
      ListObjectsV2: 1,
      CreateMultipartUpload: 1,
      UploadPart: 1,
      UploadPartCopy: 1,
      CompleteMultipartUpload: 1,
      CopyObject: 1,
      DeleteObject: 1,
    });
    expect(usage!.unbilled).toEqual({});
    expect(usage!.bytesOut).toBe(sent);
    expect(usage!.bytesIn).toBe(received);
    expect(usage!.bytesCopied).toBe(1000 + 1000); // the range, then files/a's whole size
    expect([...usage!.objectsRead].sort()).toEqual([`${bucket}/files/a`, `${bucket}/files/b`]);
    expect(usage!.cpuSeconds).toBe(0.25);
    expect(usage!.event).toEqual({ archive_key: "archives/x/e/run-0.zip" });
    const between = front.usageWhere((u) => u.requestId === null && u.functionName === "scripted");
    expect(between).toHaveLength(1);
    expect(between[0]!.requests).toEqual({ PutObject: 1 });
    expect(between[0]!.bytesOut).toBe(1000);
  });

  it("attributes each port to its own function and invocation", async () => {
    const bucket = await s3.bucket("ports");
    const other = await front.attach(fn("other"));
    try {
      other.invocationStarted("req-2", "{}");
      port.invocationStarted("req-3", "{}");
      await rawCall(other.env.AWS_ENDPOINT_URL_S3!, "PUT", `/${bucket}/k`, { body: "12345" });
      await rawCall(endpoint, "GET", `/${bucket}/k`);
      other.invocationEnded("req-2", null);
      port.invocationEnded("req-3", null);
      expect(front.usageWhere((u) => u.requestId === "req-2").map((u) => [u.functionName, u.requests])).toEqual([["other", { PutObject: 1 }]]);
      expect(front.usageWhere((u) => u.requestId === "req-3").map((u) => [u.functionName, u.requests])).toEqual([["scripted", { GetObject: 1 }]]);
    } finally {
      await other.close();
    }
  });
});
