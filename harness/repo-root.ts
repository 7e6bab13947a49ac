// Where the repository lives, found from this file's own location so it is right whatever the
// current directory is (tsx from anywhere, vitest, Pulumi running index.ts from the project dir).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_NAME = "s3-archive-bench";
let cached: string | undefined;

/** Absolute path of the repository root (the folder holding this project's package.json). */
export function repoRoot(): string {
  if (cached) return cached;
  const starts = [path.dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    const found = findUp(start);
    if (found) return (cached = found);
  }
  throw new Error(`cannot find the ${PACKAGE_NAME} repository root above ${starts.join(" or ")}`);
}

function findUp(start: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (existsSync(pkg) && readPackageName(pkg) === PACKAGE_NAME) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function readPackageName(file: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    return typeof parsed === "object" && parsed !== null && "name" in parsed ? String(parsed.name) : undefined;
  } catch {
    return undefined;
  }
}

/** `file` relative to the repository root when inside it (for messages), else absolute. */
export function displayPath(file: string): string {
  const rel = path.relative(repoRoot(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel.split(path.sep).join("/") : file;
}
