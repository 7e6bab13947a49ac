// Runs a provided.al2023 contender's build command (e.g. `cargo lambda build ...` or a script
// that writes `bootstrap`). The command writes into the contender's own folder, so two processes
// packaging the same contender must take turns: a lock folder (mkdir is atomic) serializes them.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const STDERR_TAIL_CHARS = 2000;

export class BuildCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BuildCommandError";
  }
}

/** Runs `command` with `sh -c` in `cwd`; rejects with the exit status and the stderr tail. */
export async function runBuildCommand(command: string, cwd: string, env: Record<string, string>): Promise<void> {
  const child = spawn("sh", ["-c", command], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-STDERR_TAIL_CHARS)));
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS)));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c, s) => resolve([c, s]));
  });
  if (code === 0) return;
  const status = signal ? `killed by ${signal}` : `exit code ${code}`;
  const tail = (stderr.trim() || stdout.trim() || "(no output)").split("\n").slice(-20).join("\n");
  throw new BuildCommandError(`build command \`${command}\` failed in ${cwd} (${status}):\n${tail}`);
}

const STALE_LOCK_MS = 30 * 60_000;

/** Runs `fn` while holding `<lockDir>`; a lock whose holder process is gone is taken over. */
export async function withDirLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(path.dirname(lockDir), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (holderIsGone(lockDir) || Date.now() - started > STALE_LOCK_MS) rmSync(lockDir, { recursive: true, force: true });
      else await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function holderIsGone(lockDir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(lockDir, "pid"), "utf8"));
  } catch {
    return false; // the holder has made the folder but not yet written its pid
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
