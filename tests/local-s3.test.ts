import { describe, expect, it } from "vitest";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { startEmbeddedS3 } from "../local/s3";
import { useEmbeddedS3 } from "./support/s3";

describe("embedded S3 (moto)", () => {
  const fixture = useEmbeddedS3();

  it("serves real S3 on a loopback IP endpoint and round-trips an object", async () => {
    expect(fixture.s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const bucket = await fixture.bucket();
    await fixture.client.send(new PutObjectCommand({ Bucket: bucket, Key: "a/b", Body: "hello" }));
    const got = await fixture.client.send(new GetObjectCommand({ Bucket: bucket, Key: "a/b" }));
    expect(await got.Body!.transformToString()).toBe("hello");
    expect(fixture.s3.lambdaEnv).toMatchObject({ AWS_ENDPOINT_URL_S3: fixture.s3.endpoint, AWS_REGION: "us-east-1" });
  });

  it("stops the server by PID: the port no longer answers", async () => {
    const other = await startEmbeddedS3();
    expect(other.port).not.toBe(fixture.s3.port);
    await other.stop();
    expect(() => process.kill(other.pid, 0)).toThrow();
    await expect(fetch(`${other.endpoint}/moto-api/`)).rejects.toThrow();
  });
});
