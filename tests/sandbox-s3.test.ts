// A sandboxed function reaches the embedded S3 (real moto) through local/s3.ts's lambdaEnv alone.
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { LambdaSandboxes } from "../local/lambda/index";
import { useEmbeddedS3 } from "./support/s3";

const CODE = fileURLToPath(new URL("./fixtures/functions/s3-put", import.meta.url));

describe("LambdaSandboxes with the embedded S3", () => {
  const s3 = useEmbeddedS3();
  const sandboxes = new LambdaSandboxes();
  afterAll(() => sandboxes.close());

  it("runs an SDK v3 function against moto with only the standard env vars", async () => {
    const bucket = await s3.bucket("sandbox");
    sandboxes.register({
      name: "s3-put",
      arn: "arn:aws:lambda:us-east-1:000000000000:function:s3-put",
      runtime: "nodejs22.x",
      handler: "index.handler",
      codeDir: CODE,
      memoryMb: 1024,
      timeoutS: 30,
      ephemeralStorageMb: 512,
      architecture: "arm64",
      environment: { ...s3.s3.lambdaEnv },
    });
    const result = await sandboxes.invoke("s3-put", { bucket, key: "hello.txt" });
    expect(result.FunctionError, result.Payload).toBeUndefined();
    const object = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: "hello.txt" }));
    expect(await object.Body!.transformToString()).toBe("written by s3-put");
    // A bucket that does not exist: the SDK error comes back as the function's error, not thrown.
    const failed = await sandboxes.invoke("s3-put", { bucket: `${bucket}-missing`, key: "x" });
    expect(failed.FunctionError).toBe("Unhandled");
    expect(JSON.parse(failed.Payload).errorType).toBe("NoSuchBucket");
  });
});
