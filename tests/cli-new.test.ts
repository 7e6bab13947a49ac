// `bench new`: the scaffold is discovered like any contender, bundles with the harness's packaging,
// and its handler writes an archive the validator accepts (real moto S3).
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContenderManifest } from "../harness/manifest";
import { discoverContenders, parseManifestFile } from "../harness/manifest";
import { packageContender } from "../harness/packaging";
import { displayPath, repoRoot } from "../harness/repo-root";
import { validateArchive } from "../functions/validate";
import { useEmbeddedS3 } from "./support/s3";
import { runMain } from "./fixtures/capture-output";
import { makeObjects, uploadObjects } from "./fixtures/zip-dataset";

const s3 = useEmbeddedS3();
let root: string;
// Unique per process: packaging writes to <repo>/.build/contenders/<id>.
const devId = `cli-test-${process.pid}`;
const savedEnv = { ...process.env };

beforeAll(async () => {
  // Inside the repository (under the ignored .build/): esbuild resolves the scaffold's imports
  // from node_modules above the contender folder, as it does for contenders/.
  await mkdir(join(repoRoot(), ".build"), { recursive: true });
  root = await mkdtemp(join(repoRoot(), ".build", "cli-new-test-"));
});

afterAll(async () => {
  for (const key of Object.keys(s3.s3?.lambdaEnv ?? {})) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  if (root) await rm(root, { recursive: true, force: true });
  await rm(join(repoRoot(), ".build", "contenders", `typescript-${devId}`), { recursive: true, force: true });
});

describe("bench new", () => {
  it("scaffolds a contender that discovery accepts, that bundles, and whose archive is valid", async () => {
    const r = await runMain(["new", "typescript", devId, "--contenders-dir", root]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // Outside contenders/, bench local must be told where to look: the follow-up says so.
    expect(r.stdout).toContain(`npm run bench -- --contenders typescript-${devId} --contenders-dir ${displayPath(root)}\n`);

    const dir = join(root, "typescript", devId);
    const manifest = parseManifestFile(join(dir, "contender.json"));
    expect(ContenderManifest.safeParse(manifest).success).toBe(true);
    expect(manifest).toMatchObject({ runtime: "nodejs22.x", handler: "index.handler", entry: "src/index.ts" });
    const spec = discoverContenders(root).find((s) => s.id === `typescript-${devId}`);
    expect(spec).toBeDefined();

    const packaged = await packageContender(spec!);
    const bundle = join(packaged.dir, "index.mjs");
    expect(existsSync(bundle)).toBe(true);
    // Self-contained: nothing left to resolve from node_modules at run time.
    expect(await readFile(bundle, "utf8")).not.toMatch(/from\s*"(yazl|@aws-sdk\/[^"]+)"/);

    // Run the bundle like the sandbox would, against moto, on a dataset big enough for two parts.
    const bucket = await s3.bucket("scaffold");
    const objects = makeObjects([6 * 1024 * 1024, 300_000, 1, 40_000]);
    await uploadObjects(s3.client, bucket, "files", objects);
    Object.assign(process.env, s3.s3.lambdaEnv);
    const { handler } = (await import(pathToFileURL(bundle).href)) as {
      handler: (event: unknown) => Promise<{ archive_key: string; entries: number }>;
    };
    const archiveKey = `archives/typescript-${devId}-arm64/test/run-0.zip`;
    const result = await handler({ bucket_name: bucket, files_prefix: "files", archive_key: archiveKey });
    expect(result).toEqual({ archive_key: archiveKey, entries: 4 });
    const validation = await validateArchive(s3.client, {
      bucket,
      archive_key: archiveKey,
      files_prefix: "files",
      expected_object_count: 4,
    });
    expect(validation).toMatchObject({ entry_count: 4, stored_entries: 4, zip64: false });

    // A failing run (missing bucket) rejects and leaves no multipart upload behind.
    await expect(handler({ bucket_name: `${bucket}-missing`, files_prefix: "files", archive_key: "a.zip" })).rejects.toThrow();
    await expect(handler({ bucket_name: bucket, files_prefix: "files" })).rejects.toThrow(/event\.archive_key/);
    const uploads = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  it("refuses to overwrite an existing contender folder (exit 2, folder untouched)", async () => {
    const dir = join(root, "typescript", devId);
    const before = await readFile(join(dir, "contender.json"), "utf8");
    const r = await runMain(["new", "typescript", devId, "--contenders-dir", root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists: refusing to overwrite it\n$/);
    expect(await readFile(join(dir, "contender.json"), "utf8")).toBe(before);
  });

  it.each([
    [["new", "TypeScript", "bob"], /lang "TypeScript" must be lowercase letters/],
    [["new", "typescript", "bob_smith"], /dev_id "bob_smith" must be lowercase letters/],
    [["new", "typescript", "-bob"], /Unknown option '-b'|dev_id "-bob"/],
    [["new", "rust", "bob"], /scaffolds Node contenders in TypeScript: use lang "typescript" \(for rust, see "Other runtimes"/],
    [["new", "typescript", "a-very-long-developer-id-x"], /contender key "typescript-a-very-long-developer-id-x-arm64" is 43 characters; <lang>-<dev_id>-<arch> must fit in 40/],
    [["new", "typescript"], /missing argument/],
  ])("bench %j is a usage error, exit 2, nothing written", async (args, expected) => {
    const r = await runMain([...args, "--contenders-dir", root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(expected);
    expect(existsSync(join(root, "rust"))).toBe(false);
    expect(existsSync(join(root, "typescript", "bob"))).toBe(false);
  });
});
