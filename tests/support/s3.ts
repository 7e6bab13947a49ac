// Test fixture: one real moto server per test file, always stopped (also when a test fails).
import { afterAll, beforeAll } from "vitest";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { startEmbeddedS3, type EmbeddedS3 } from "../../local/s3";

export interface S3Fixture {
  readonly s3: EmbeddedS3;
  readonly client: S3Client;
  /** Creates a fresh bucket with a unique name. */
  bucket(prefix?: string): Promise<string>;
}

let bucketCounter = 0;

export function useEmbeddedS3(): S3Fixture {
  let s3: EmbeddedS3 | undefined;
  let client: S3Client | undefined;
  beforeAll(async () => {
    s3 = await startEmbeddedS3();
    client = new S3Client(s3.clientConfig);
  });
  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });
  return {
    get s3() {
      if (!s3) throw new Error("embedded S3 not started (use the fixture inside a test)");
      return s3;
    },
    get client() {
      if (!client) throw new Error("embedded S3 not started (use the fixture inside a test)");
      return client;
    },
    async bucket(prefix = "bench") {
      const name = `${prefix}-${process.pid}-${++bucketCounter}`;
      await this.client.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
  };
}
