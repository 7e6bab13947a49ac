// A throw-away contenders root for the Pulumi program tests: real folders with real manifests,
// so discovery, validation and packaging run exactly as at `pulumi up`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export type FixtureFiles = Record<string, string>;

/** `files` maps `<lang>/<dev_id>/<file>` to content; returns the root and a cleanup. */
export function writeContendersRoot(files: FixtureFiles): { root: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), "bench-pulumi-contenders-"));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const manifest = (m: Record<string, unknown>) => JSON.stringify(m, null, 2);

/** Two contenders: a Node one on both architectures, a Python one on arm64 only. */
export const TWO_CONTENDERS: FixtureFiles = {
  "typescript/alice/contender.json": manifest({
    runtime: "nodejs22.x",
    handler: "index.handler",
    entry: "src/index.ts",
    architectures: ["arm64", "x86_64"],
    memoryMb: 1024,
    timeoutS: 600,
    ephemeralStorageMb: 512,
    description: "fixture: a Node contender on both architectures",
  }),
  "typescript/alice/src/index.ts": [
    "// Imports nothing: the bundle must build from a folder outside the repository.",
    "export async function handler(event: { archive_key: string }): Promise<string> {",
    "  return event.archive_key;",
    "}",
    "",
  ].join("\n"),
  "python/bob/contender.json": manifest({
    runtime: "python3.12",
    handler: "main.handler",
    architectures: ["arm64"],
    memoryMb: 2048,
    timeoutS: 300,
    ephemeralStorageMb: 1024,
    description: "fixture: a Python contender on arm64",
  }),
  "python/bob/main.py": "def handler(event, context):\n    return event['archive_key']\n",
};

/** A container-image contender, built and pushed with awsx at deploy time. */
export const IMAGE_CONTENDER: FixtureFiles = {
  "rust/carol/contender.json": manifest({
    runtime: "image",
    architectures: ["x86_64"],
    memoryMb: 3008,
    timeoutS: 900,
    ephemeralStorageMb: 512,
    description: "fixture: a container image contender",
  }),
  "rust/carol/Dockerfile": "FROM public.ecr.aws/lambda/provided:al2023\nCOPY bootstrap ${LAMBDA_RUNTIME_DIR}\n",
};

/** A provided.al2023 contender with a prebuilt `bootstrap` (no build command). */
export const PROVIDED_CONTENDER: FixtureFiles = {
  "shell/dave/contender.json": manifest({
    runtime: "provided.al2023",
    architectures: ["arm64"],
    memoryMb: 128,
    timeoutS: 60,
    ephemeralStorageMb: 512,
    description: "fixture: a custom-runtime contender",
  }),
  // Written without the executable bit: packaging must add it.
  "shell/dave/bootstrap": "#!/bin/sh\nexit 0\n",
};

/** The stack config every program test starts from (values of Pulumi.pr.yaml's kind). */
export function baseConfig(contendersDir: string): Record<string, unknown> {
  return {
    "aws:region": "eu-west-1",
    "s3-archive-bench:objectCount": 300,
    "s3-archive-bench:objectSizeMb": 5,
    "s3-archive-bench:seed": "review",
    "s3-archive-bench:runsPerContender": 2,
    "s3-archive-bench:maxConcurrency": 4,
    "s3-archive-bench:maxRunTimeMs": 120000,
    "s3-archive-bench:filesPrefix": "files",
    "s3-archive-bench:contendersDir": contendersDir,
  };
}
