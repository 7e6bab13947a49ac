// `bench validate`: the harness validator on a local file and on an s3:// archive (real moto).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useEmbeddedS3 } from "./support/s3";
import { runMain } from "./fixtures/capture-output";
import { makeObjects, uploadObjects, writeZip } from "./fixtures/zip-dataset";

const s3 = useEmbeddedS3();
const objects = makeObjects([1024, 2048, 10]);
let dir: string;
let good: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bench-validate-"));
  good = join(dir, "good.zip");
  await writeZip(good, objects);
  // `bench validate s3://…` builds a default S3Client: it must find moto through the standard env.
  Object.assign(process.env, s3.s3.lambdaEnv);
});

afterAll(async () => {
  for (const key of Object.keys(s3.s3?.lambdaEnv ?? {})) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("bench validate <file.zip>", () => {
  it("accepts a valid archive and prints its summary, exit 0", async () => {
    const r = await runMain(["validate", good]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^valid: .*good\.zip\n/);
    const summary = JSON.parse(r.stdout.slice(r.stdout.indexOf("\n") + 1));
    expect(summary).toMatchObject({ entry_count: 3, stored_entries: 3, deflated_entries: 0, zip64: false });
  });

  it("rejects a corrupted archive with the validator's reason, exit 1", async () => {
    const bytes = await readFile(good);
    // Flip a byte inside the first entry's data (after its 30-byte header and 64-byte name).
    bytes[30 + 64 + 10]! ^= 0xff;
    const bad = join(dir, "bad.zip");
    await writeFile(bad, bytes);
    const r = await runMain(["validate", bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^invalid: .*bad\.zip: .*(CRC|sha256|content hash mismatch)/);
  });

  it("checks a file against a bucket listing with --files", async () => {
    const bucket = await s3.bucket("validate");
    await uploadObjects(s3.client, bucket, "files", objects.slice(0, 2));
    const r = await runMain(["validate", good, "--files", `s3://${bucket}/files`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^invalid: .*good\.zip: /);
    expect(r.stdout).toContain(objects[2]!.name.slice(0, 12)); // names the extra entry
  });

  it("a missing file is an error (exit 1), a bad s3 URL a usage error (exit 2)", async () => {
    expect((await runMain(["validate", join(dir, "missing.zip")])).code).toBe(1);
    const r = await runMain(["validate", "s3://bucket-only"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the archive must look like s3://bucket/key, got "s3://bucket-only"');
    expect((await runMain(["validate", good, "--prefix", "files"])).code).toBe(2);
    expect((await runMain(["validate"])).code).toBe(2);
  });
});

describe("bench validate s3://bucket/key", () => {
  it("validates an archive in S3 against its source prefix", async () => {
    const bucket = await s3.bucket("validate");
    await uploadObjects(s3.client, bucket, "data", objects);
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: "archives/a.zip", Body: await readFile(good) }));
    const r = await runMain(["validate", `s3://${bucket}/archives/a.zip`, "--prefix", "data"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.slice(r.stdout.indexOf("\n") + 1))).toMatchObject({ archive_key: "archives/a.zip", entry_count: 3 });

    const missing = await runMain(["validate", `s3://${bucket}/archives/none.zip`, "--prefix", "data"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("does not exist (NoSuchKey)");
  });

  it("checks the source count given with --objects, and lists the prefix once", async () => {
    const bucket = await s3.bucket("validate-count");
    await uploadObjects(s3.client, bucket, "data", objects);
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: "archives/a.zip", Body: await readFile(good) }));
    const ok = await runMain(["validate", `s3://${bucket}/archives/a.zip`, "--prefix", "data", "--objects", "3"]);
    expect(ok.code, ok.stderr).toBe(0);
    // The stack says 4 objects, the prefix holds 3: the dataset is wrong, whatever the archive.
    const off = await runMain(["validate", `s3://${bucket}/archives/a.zip`, "--prefix", "data", "--objects", "4"]);
    expect(off.code).toBe(1);
    expect(off.stderr).toContain(`harness problem: expected_object_count is 4 but s3://${bucket}/data/ lists 3 object(s)`);
    for (const bad of ["-1", "2.5", "many"]) {
      const r = await runMain(["validate", `s3://${bucket}/archives/a.zip`, `--objects=${bad}`]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain(`--objects must be a whole number of objects, got "${bad}"`);
    }
    expect((await runMain(["validate", good, "--objects", "3"])).code).toBe(2);
  });
});
