// Files on the host that belong to instances: per-instance temp dirs (the function's /tmp), their
// sweeping after a crash of the owner, and the checks before a process may start.
import { accessSync, constants, existsSync, lstatSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const TMP_ROOT = join(tmpdir(), "s3-archive-bench-lambda");
export const UNSHARE = ["/usr/bin/unshare", "/bin/unshare"].find((path) => existsSync(path));
export const MOUNT = ["/usr/bin/mount", "/bin/mount"].find((path) => existsSync(path));

/**
 * /tmp can be private to an instance (a bind mount in its own mount namespace, like Lambda's own
 * /tmp) only as root, and only when nothing the process needs lives under /tmp (the mount hides it).
 */
export function canPrivatizeTmp(pathsNeeded: string[]): boolean {
  if (process.getuid?.() !== 0 || !UNSHARE || !MOUNT) return false;
  return pathsNeeded.every((path) => !`${path}/`.startsWith("/tmp/"));
}

export function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(path) : lstatSync(path).size;
  }
  return total;
}

/** Temp dirs of dead owners (named `<owner pid>-…`; the folder is shared by every process). */
export function sweepStaleTmpDirs(): void {
  let names: string[] = [];
  try {
    names = readdirSync(TMP_ROOT);
  } catch {
    return;
  }
  for (const name of names) {
    const owner = Number(name.split("-")[0]);
    if (!Number.isInteger(owner) || owner <= 0) continue;
    try {
      process.kill(owner, 0);
      continue;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EPERM") continue;
    }
    rmSync(join(TMP_ROOT, name), { recursive: true, force: true });
  }
}

/** True when `path` is an executable file (a provided runtime's bootstrap). */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
