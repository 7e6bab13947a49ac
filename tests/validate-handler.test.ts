// The Lambda handler: reaches S3 only through the standard env vars (as in a sandbox), returns a
// ValidateResult, and throws InvalidArchive for a bad archive.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { handler } from "../functions/validate";
import { ValidateResult } from "../harness/contracts";
import { useEmbeddedS3 } from "./support/s3";
import { putArchive, smallDataset, uploadSources } from "./support/zip-sources";
import { withYazl } from "./support/zip-writers";

describe("validate handler", () => {
  const fixture = useEmbeddedS3();
  const objects = smallDataset();
  let bucket = "";
  const saved = { ...process.env };

  beforeAll(async () => {
    bucket = await fixture.bucket("handler");
    await uploadSources(fixture.client, bucket, "files", objects);
    Object.assign(process.env, fixture.s3.lambdaEnv);
  });
  afterEach(() => {
    for (const key of Object.keys(fixture.s3.lambdaEnv)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    Object.assign(process.env, fixture.s3.lambdaEnv);
  });

  it("validates through env-configured S3 and returns a schema-valid result", async () => {
    const key = await putArchive(fixture.client, bucket, "archives/ok.zip", await withYazl(objects, { compress: true, asStreams: false }));
    const result = await handler({ bucket, archive_key: key, files_prefix: "files", expected_object_count: 4 });
    expect(ValidateResult.parse(result)).toMatchObject({ archive_key: key, entry_count: 4 });
  });

  it("throws InvalidArchive for a bad archive", async () => {
    const key = await putArchive(fixture.client, bucket, "archives/bad.zip", Buffer.from("definitely not a zip file, just text"));
    await expect(handler({ bucket, archive_key: key, files_prefix: "files", expected_object_count: 4 })).rejects.toMatchObject({
      name: "InvalidArchive",
      message: expect.stringMatching(/^not a zip archive/),
    });
  });
});
