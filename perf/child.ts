// Measurements in a fresh process, so peak RSS and CPU time belong to what is measured alone:
// the parent re-runs the perf dispatcher (`run.ts <suite> --child ...`) with the same node and
// loader flags, and the child prints one JSON line as its last line of output.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

/** This process's peak resident set size (VmHWM), in MiB. */
export function vmHwmMiB(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Runs `perf/<suite>.ts` with `--child ...args` and resolves to the JSON its last line prints. */
export function runPerfChild<T>(suite: string, args: string[], what = `${suite} child`): Promise<T> {
  const argv = [...process.execArgv, process.argv[1]!, suite, "--child", ...args];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    proc.stdout.on("data", (c: Buffer) => (out += c.toString()));
    proc.stderr.on("data", (c: Buffer) => (err += c.toString()));
    proc.on("error", reject);
    proc.on("exit", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line) as T);
      else reject(new Error(`${what} failed (code ${code}): ${err.slice(-2000)}`));
    });
  });
}
