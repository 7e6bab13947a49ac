// Helpers for the reference contender's tests: an independent archive check (Python's zipfile,
// until functions/validate lands), env vars applied for one call, leftovers in the bucket.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type S3Client,
} from "@aws-sdk/client-s3";

const run = promisify(execFile);

/** Runs `fn` with `env` applied to process.env, restoring the previous values afterwards. */
export async function withEnv<T>(env: Readonly<Record<string, string>>, fn: () => Promise<T>): Promise<T> {
  const saved = new Map(Object.keys(env).map((k) => [k, process.env[k]] as const));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export interface ZipCheck {
  entries: number;
  zip64: boolean;
  problems: string[];
}

// An independent reader: CPython's zipfile checks CRC-32 and sizes while reading each entry.
const CHECK_ZIP_PY = `
import hashlib, json, sys, zipfile
path, expected_path = sys.argv[1], sys.argv[2]
expected = set(json.load(open(expected_path)))
problems = []
with open(path, "rb") as f:
    data = f.read()
tail = data[-(22 + 20 + 56 + 65536):]
zip64 = b"PK\\x06\\x06" in tail and b"PK\\x06\\x07" in tail
with zipfile.ZipFile(path) as z:
    infos = z.infolist()
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        problems.append("duplicate entry names")
    for info in infos:
        if "/" in info.filename or "\\\\" in info.filename:
            problems.append("nested name " + info.filename)
        if info.compress_type != zipfile.ZIP_STORED:
            problems.append("not STORE: " + info.filename)
        content = z.read(info)  # raises BadZipFile on a CRC mismatch
        if hashlib.sha256(content).hexdigest() != info.filename:
            problems.append("content hash mismatch for " + info.filename)
missing = expected - set(names)
extra = set(names) - expected
if missing:
    problems.append("missing %d entries" % len(missing))
if extra:
    problems.append("unexpected entries: %s" % sorted(extra)[:3])
print(json.dumps({"entries": len(names), "zip64": zip64, "problems": problems}))
`;

/** Downloads the archive and checks it against the source keys with Python's zipfile. */
export async function checkArchive(client: S3Client, bucket: string, archiveKey: string, sourceKeys: string[]): Promise<ZipCheck> {
  const dir = await mkdtemp(join(tmpdir(), "contender-ref-"));
  try {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: archiveKey }));
    const zipPath = join(dir, "archive.zip");
    await writeFile(zipPath, await got.Body!.transformToByteArray());
    const expectedPath = join(dir, "expected.json");
    await writeFile(expectedPath, JSON.stringify(sourceKeys.map((k) => k.slice(k.lastIndexOf("/") + 1))));
    const scriptPath = join(dir, "check_zip.py");
    await writeFile(scriptPath, CHECK_ZIP_PY);
    const { stdout } = await run("python3", [scriptPath, zipPath, expectedPath], { maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout) as ZipCheck;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function openMultipartUploads(client: S3Client, bucket: string): Promise<string[]> {
  const out = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (out.Uploads ?? []).map((u) => `${u.Key} ${u.UploadId}`);
}

export async function objectExists(client: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === "NotFound") return false;
    throw error;
  }
}
