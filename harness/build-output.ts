// Publishing packaged code under .build/ so that several processes (two `bench local` at once, a
// test run beside `pulumi up`) never see half-written output nor overwrite each other's:
// every build is staged in a private temp folder, hashed, then renamed to a folder named by its
// content hash. A rename is atomic, and a folder that exists already holds the same bytes.
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./repo-root";

/** `<repo>/.build/<kind>/<name>` (or under $BENCH_BUILD_DIR, for tests that want a private root). */
export function buildRoot(kind: string, name: string): string {
  const base = process.env.BENCH_BUILD_DIR ?? path.join(repoRoot(), ".build");
  return path.join(base, kind, name);
}

/** A fresh private staging folder next to where the output will be published (same filesystem). */
export function stagingDir(root: string): string {
  mkdirSync(root, { recursive: true });
  const dir = path.join(root, `.staging-${process.pid}-${randomBytes(6).toString("hex")}`);
  mkdirSync(dir);
  return dir;
}

/**
 * Moves a finished staging folder to `<root>/<sha256 prefix>` and returns that folder and the
 * hash. If another process published the same content first, ours is discarded.
 */
export function publish(staged: string, root: string): { dir: string; sha256: string } {
  normalizeModes(staged);
  const sha256 = hashDirectory(staged);
  const dir = path.join(root, sha256.slice(0, 16));
  try {
    renameSync(staged, dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    rmSync(staged, { recursive: true, force: true });
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
  }
  pruneStale(root, dir);
  return { dir, sha256 };
}

const STALE_MS = 24 * 60 * 60_000;

/**
 * Keeps .build bounded: drops other builds of the same name (and abandoned staging folders) not
 * touched for a day. Younger ones stay, since a concurrent process may still be using them.
 */
function pruneStale(root: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(root)) {
    const dir = path.join(root, name);
    if (dir === keep) continue;
    try {
      if (now - statSync(dir).mtimeMs > STALE_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another process pruned or published it meanwhile: nothing to do.
    }
  }
}

/** Relative paths of every regular file under `dir`, sorted (with `/` separators). */
export function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

export function isExecutable(file: string): boolean {
  return (statSync(file).mode & 0o111) !== 0;
}

/**
 * Hash of a folder's content: each file's path, executable bit and bytes, in sorted order. Mtimes,
 * owners and the folder's own location do not count, so the same input gives the same hash.
 */
export function hashDirectory(dir: string): string {
  const hash = createHash("sha256");
  for (const rel of listFiles(dir)) {
    const file = path.join(dir, rel);
    const content = readFileSync(file);
    hash.update(`${rel}\0${isExecutable(file) ? "755" : "644"}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest("hex");
}

/** Only 0644 / 0755 survive: what Lambda needs, and the same whatever the umask was. */
function normalizeModes(dir: string): void {
  for (const rel of listFiles(dir)) {
    const file = path.join(dir, rel);
    chmodSync(file, isExecutable(file) ? 0o755 : 0o644);
  }
}
