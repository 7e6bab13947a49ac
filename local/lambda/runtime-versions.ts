// Which interpreter runs which Lambda runtime locally (DESIGN decision 5: each runtime on its own
// version where the machine has it). Node: the binary of the runtime's major from the
// node-linux-<cpu> npm packages installed under local/node-runtimes (npm ci runs that install);
// Python: that exact version from PATH or pyenv; provided.*: a bootstrap cargo can build.
// The contest keeps working on a machine without them (the host's Node or python3, warned once);
// a matrix run asks `localRuntimeAvailability` and skips what the machine lacks.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const NODE_RUNTIMES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "node-runtimes");

export interface Interpreter {
  /** Absolute path of the executable. */
  path: string;
  /** True when it is the runtime's own version; false for the warned fallback. */
  exact: boolean;
  /** Why the exact version is not used (only when `exact` is false). */
  missing?: string;
}

const found = new Map<string, Interpreter>();
const warned = new Set<string>();

function majorOf(executable: string): number | undefined {
  const probe = spawnSync(executable, ["--version"], { encoding: "utf8" });
  const match = /^v(\d+)\./.exec(probe.stdout ?? "");
  return probe.status === 0 && match ? Number(match[1]) : undefined;
}

/** The Node binary for `nodejsNN.x`: the npm package of that major, else the host's Node if it is that major. */
export function findNode(runtime: string): Interpreter {
  const major = Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1]);
  if (!major) throw new Error(`${runtime} is not a Node.js runtime`);
  const cached = found.get(runtime);
  if (cached) return cached;
  const cpu = process.arch === "x64" ? "x64" : process.arch;
  const packaged = join(NODE_RUNTIMES_DIR, "node_modules", `node-linux-${cpu}-${major}`, "bin", "node");
  let result: Interpreter;
  if (existsSync(packaged) && majorOf(packaged) === major) result = { path: packaged, exact: true };
  else if (Number(process.versions.node.split(".")[0]) === major) result = { path: process.execPath, exact: true };
  else
    result = {
      path: process.execPath,
      exact: false,
      missing: `Node ${major} is not installed here (${existsSync(packaged) ? `${packaged} is not Node ${major}` : `no ${packaged}`}; \`npm ci\` installs it via local/node-runtimes on linux x64/arm64)`,
    };
  found.set(runtime, result);
  return result;
}

/** The interpreter for `python3.12`...: that exact version from PATH or pyenv, else python3. */
export function findPython(runtime: string): Interpreter {
  const version = /^python(3\.\d+)$/.exec(runtime)?.[1];
  if (!version) throw new Error(`${runtime} is not a Python runtime`);
  const cached = found.get(runtime);
  if (cached) return cached;
  // pyenv installs versions side by side without putting them all on PATH.
  const pyenvRoot = process.env.PYENV_ROOT ?? join(homedir(), ".pyenv");
  const pyenv = existsSync(join(pyenvRoot, "versions"))
    ? readdirSync(join(pyenvRoot, "versions"))
        .filter((name) => name === version || name.startsWith(`${version}.`))
        .map((name) => join(pyenvRoot, "versions", name, "bin", runtime))
    : [];
  let result: Interpreter | undefined;
  for (const candidate of [runtime, ...pyenv, "python3"]) {
    const probe = spawnSync(candidate, ["-c", "import sys; print(sys.executable); print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
    const [executable, actual] = (probe.stdout ?? "").trim().split("\n");
    if (probe.status !== 0 || !executable) continue;
    result =
      actual === version
        ? { path: executable, exact: true }
        : { path: executable, exact: false, missing: `Python ${version} is not installed here (neither on PATH nor under ${pyenvRoot}/versions)` };
    break;
  }
  if (!result) throw new Error(`no python3 interpreter found for runtime ${runtime}`);
  found.set(runtime, result);
  return result;
}

function warnOnce(runtime: string, interpreter: Interpreter): void {
  if (interpreter.exact || warned.has(runtime)) return;
  warned.add(runtime);
  console.warn(`[lambda sandboxes] ${interpreter.missing}: running ${runtime} functions with ${interpreter.path}`);
}

/** The Node executable a `nodejsNN.x` function runs on (a fallback is warned once). */
export function nodeFor(runtime: string): string {
  const node = findNode(runtime);
  warnOnce(runtime, node);
  return node.path;
}

/** The interpreter a `python3.X` function runs on (a fallback is warned once). */
export function pythonFor(runtime: string): string {
  const python = findPython(runtime);
  warnOnce(runtime, python);
  return python.path;
}

export type RuntimeAvailability = { available: true } | { available: false; reason: string };

/**
 * Whether this machine runs `runtime` on its own version (what a matrix measurement needs); the
 * reason is one line, e.g. for "python3.14 skipped: Python 3.14 is not installed here (...)".
 */
export function localRuntimeAvailability(runtime: string): RuntimeAvailability {
  try {
    if (runtime.startsWith("nodejs") || runtime.startsWith("python")) {
      const interpreter = runtime.startsWith("nodejs") ? findNode(runtime) : findPython(runtime);
      return interpreter.exact ? { available: true } : { available: false, reason: interpreter.missing! };
    }
    if (runtime.startsWith("provided")) {
      // The matrix builds its bootstraps from source: no cargo, no Rust function.
      const cargo = spawnSync("cargo", ["--version"], { encoding: "utf8" });
      return cargo.status === 0 ? { available: true } : { available: false, reason: "cargo is not installed here (needed to build the Rust bootstrap)" };
    }
  } catch (error) {
    return { available: false, reason: error instanceof Error ? error.message : String(error) };
  }
  return { available: false, reason: `${runtime} is not a runtime the local sandboxes know` };
}
