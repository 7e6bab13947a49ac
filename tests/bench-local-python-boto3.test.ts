// A Python contender written for Lambda imports the boto3 its runtime provides. `bench local` must
// give it one too (Debian's python3-boto3, local/lambda/python-sdk.ts) on every local Python
// version, and its default client must reach the embedded S3 from the standard environment.
import { spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ResultDocument, parsePayload } from "../harness/contracts";
import { REPO_ROOT } from "./fixtures/sfn-moto";

const VERSIONS = ["3.12", "3.13"] as const;
const id = (v: string) => `boto3-py${v.replace(".", "")}`;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "bench-python-boto3-"));
  for (const version of VERSIONS) {
    const dir = join(root, "python", id(version));
    await mkdir(dir, { recursive: true });
    await copyFile(join(REPO_ROOT, "tests", "fixtures", "python-boto3", "main.py"), join(dir, "main.py"));
    await writeFile(
      join(dir, "contender.json"),
      JSON.stringify({
        runtime: `python${version}`,
        handler: "main.handler",
        architectures: ["arm64"],
        memoryMb: 512,
        timeoutS: 120,
        ephemeralStorageMb: 512,
        description: "test fixture: boto3 list + get + put of a zipfile archive",
      }),
    );
  }
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  for (const version of VERSIONS) await rm(join(REPO_ROOT, ".build", "contenders", `python-${id(version)}`), { recursive: true, force: true });
});

function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "cli/bench.ts", ...args], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

it("ranks a Python contender that imports boto3 and uses it for S3, on python3.12 and python3.13", async () => {
  const out = join(root, "result.json");
  const local = await bench(["local", "--contenders-dir", root, "--objects", "6", "--size-mb", "1", "--runs", "2", "--out", out]);
  expect(local.stderr).not.toMatch(/bench local:/); // no harness error
  expect(local.stderr).not.toMatch(/not found: running|no AWS SDK for Python/); // each version ran on its own interpreter, with the SDK
  expect(local.code).toBe(0);
  const doc = parsePayload(ResultDocument, JSON.parse(await readFile(out, "utf8")), "result document");
  expect(doc.failure).toEqual([]);
  // bench local always runs the reference beside the selected contenders.
  const python = doc.success.filter((r) => r.contender.startsWith("python-"));
  expect(python.map((r) => r.contender).sort()).toEqual(VERSIONS.map((v) => `python-${id(v)}-arm64`));
  for (const row of python) expect(row.runs_count).toBe(2);
});
