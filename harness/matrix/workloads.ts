// The runtime matrix's functions under test: workload.json manifests under
// workloads/<workload>/<language>/, their discovery, and the (workload, runtime, architecture)
// functions a matrix run deploys or starts locally. Both engines call this, so a malformed
// manifest fails the same way everywhere: one ManifestError naming the file and the field.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { Architecture } from "../contracts";
import { ManifestError, parseJsonManifest, subfolders } from "../manifest";
import { repoRoot } from "../repo-root";

export { packageMatrixFunction, type PackageMatrixOptions } from "./package-workload";
export { hostArchitecture, RustTargetUnavailableError } from "./rust-build";

export const WORKLOADS = ["cpu", "memory", "light"] as const;
export type Workload = (typeof WORKLOADS)[number];

export const LANGUAGES = ["node", "python", "rust"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Every runtime the matrix knows, in the order results are shown. */
export const DEFAULT_MATRIX_RUNTIMES = [
  "nodejs22.x",
  "nodejs24.x",
  "python3.11",
  "python3.12",
  "python3.13",
  "python3.14",
  "provided.al2023",
] as const;
export type MatrixRuntime = (typeof DEFAULT_MATRIX_RUNTIMES)[number];

/**
 * The light workload's DynamoDB table as every language's handler uses it; the engines create it
 * (string partition key, TTL enabled on the attribute) and pass its name in the variable.
 */
export const LIGHT_TABLE = { envVar: "LIGHT_TABLE_NAME", partitionKey: "pk", ttlAttribute: "expires_at" } as const;

export const MATRIX_ARCHITECTURES = ["arm64", "x86_64"] as const satisfies readonly Architecture[];

/** Which language folder may declare which runtimes. */
const RUNTIMES_OF: Record<Language, readonly MatrixRuntime[]> = {
  node: ["nodejs22.x", "nodejs24.x"],
  python: ["python3.11", "python3.12", "python3.13", "python3.14"],
  rust: ["provided.al2023"],
};

const NODE_HANDLER = /^[A-Za-z0-9_-]+\.[A-Za-z_$][A-Za-z0-9_$]*$/;
const PYTHON_HANDLER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

export const WorkloadManifestFile = z.strictObject({
  description: z.string().min(1, "must not be empty").max(256, "must be at most 256 characters"),
  runtimes: z
    .array(z.enum(DEFAULT_MATRIX_RUNTIMES, { error: `must be one of ${DEFAULT_MATRIX_RUNTIMES.join(", ")}` }), {
      error: "must be an array of runtimes",
    })
    .min(1, "must list at least one runtime")
    .refine((list) => new Set(list).size === list.length, "must not repeat a runtime"),
  /** Node: `file.export`; Python: `module.function`; Rust: `bootstrap` (Lambda ignores it). */
  handler: z.string().min(1, "must not be empty"),
  /** Node only: the TypeScript source esbuild bundles, relative to the folder. */
  entry: z.string().min(1, "must not be empty").optional(),
  timeoutS: z.number({ error: "must be a number" }).int("must be an integer").min(1, "must be >= 1").max(900, "must be <= 900"),
  /** The smallest memory size (MB) the workload completes in, measured: smaller sizes fail as OOM. */
  minMemoryMb: z.number({ error: "must be a number" }).int("must be an integer").min(128, "must be >= 128").max(10240, "must be <= 10240"),
  /** Environment variables the function needs set (e.g. LIGHT_TABLE_NAME). */
  environment: z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name")).default([]),
});
export type WorkloadManifestFile = z.infer<typeof WorkloadManifestFile>;

export interface WorkloadManifest extends WorkloadManifestFile {
  workload: Workload;
  language: Language;
  /** Absolute folder `workloads/<workload>/<language>`. */
  dir: string;
  manifestPath: string;
}

export interface MatrixFunction {
  /** e.g. `matrix-cpu-nodejs22-arm64`: at most 64 characters, letters, digits and `-`. */
  name: string;
  workload: Workload;
  language: Language;
  runtime: string;
  architecture: Architecture;
  handler: string;
  /** Absolute folder of the workload's source (`workloads/<workload>/<language>`). */
  sourceDir: string;
}

export function workloadsRoot(): string {
  return path.join(repoRoot(), "workloads");
}

/** Reads and validates one workload.json of the folder `<workload>/<language>`. */
export function parseWorkloadManifest(manifestPath: string, workload: Workload, language: Language): WorkloadManifest {
  const file = parseJsonManifest(manifestPath, WorkloadManifestFile, "DESIGN.md, The runtime matrix, and harness/matrix/workloads.ts");
  const dir = path.dirname(manifestPath);
  file.runtimes.forEach((runtime, index) => {
    if (!RUNTIMES_OF[language].includes(runtime))
      throw new ManifestError(manifestPath, `runtimes.${index}`, `${runtime} is not a ${language} runtime (allowed: ${RUNTIMES_OF[language].join(", ")})`);
  });
  if (language === "node") {
    if (!file.entry) throw new ManifestError(manifestPath, "entry", "is required for node (the source file to bundle)");
    const entry = path.resolve(dir, file.entry);
    if (!entry.startsWith(dir + path.sep)) throw new ManifestError(manifestPath, "entry", "must stay inside the workload folder");
    if (!existsSync(entry) || !statSync(entry).isFile()) throw new ManifestError(manifestPath, "entry", `file not found: ${file.entry}`);
    if (!NODE_HANDLER.test(file.handler)) throw new ManifestError(manifestPath, "handler", "must be file.export, e.g. index.handler");
  } else if (file.entry !== undefined) {
    throw new ManifestError(manifestPath, "entry", `is only used by node workloads (not ${language})`);
  }
  if (language === "python") {
    if (!PYTHON_HANDLER.test(file.handler)) throw new ManifestError(manifestPath, "handler", "must be module.function, e.g. handler.handler");
    const module = file.handler.slice(0, file.handler.lastIndexOf(".")).replaceAll(".", "/");
    if (!existsSync(path.join(dir, `${module}.py`))) throw new ManifestError(manifestPath, "handler", `module file not found: ${module}.py`);
  }
  if (language === "rust") {
    if (file.handler !== "bootstrap") throw new ManifestError(manifestPath, "handler", 'must be "bootstrap" for provided.al2023');
    if (!existsSync(path.join(dir, "Cargo.toml"))) throw new ManifestError(manifestPath, "(root)", "a rust workload needs a Cargo.toml beside workload.json");
  }
  return { ...file, workload, language, dir, manifestPath };
}

/**
 * Every `<root>/<workload>/<language>/workload.json`, sorted by workload then language. Folders
 * starting with `_` or `.` are shared code (e.g. `_rust/lambda-loop`), not workloads.
 */
export function discoverWorkloads(root = workloadsRoot()): WorkloadManifest[] {
  if (!existsSync(root)) return [];
  const found: WorkloadManifest[] = [];
  for (const workload of subfolders(root).filter((name) => !name.startsWith("_"))) {
    for (const language of subfolders(path.join(root, workload)).filter((name) => !name.startsWith("_"))) {
      const manifestPath = path.join(root, workload, language, "workload.json");
      if (!existsSync(manifestPath)) continue;
      if (!(WORKLOADS as readonly string[]).includes(workload))
        throw new ManifestError(manifestPath, "", `folder "${workload}" is not a workload (expected one of ${WORKLOADS.join(", ")})`);
      if (!(LANGUAGES as readonly string[]).includes(language))
        throw new ManifestError(manifestPath, "", `folder "${language}" is not a language (expected one of ${LANGUAGES.join(", ")})`);
      found.push(parseWorkloadManifest(manifestPath, workload as Workload, language as Language));
    }
  }
  const order = (m: WorkloadManifest) => WORKLOADS.indexOf(m.workload) * LANGUAGES.length + LANGUAGES.indexOf(m.language);
  return found.sort((a, b) => order(a) - order(b));
}

/** `nodejs22.x` -> `nodejs22`, `python3.11` -> `python311`, `provided.al2023` -> the language (`rust`). */
export function runtimeLabel(runtime: string, language: Language): string {
  if (runtime.startsWith("provided")) return language;
  return runtime.replace(/\.x$/, "").replaceAll(".", "");
}

const MAX_FUNCTION_NAME = 64;

export function matrixFunctionName(workload: Workload, runtime: string, language: Language, architecture: Architecture): string {
  const name = `matrix-${workload}-${runtimeLabel(runtime, language)}-${architecture}`;
  if (name.length > MAX_FUNCTION_NAME || !/^[A-Za-z0-9_-]+$/.test(name))
    throw new Error(`matrix function name "${name}" is not a valid Lambda name (letters, digits, - and _, at most 64)`);
  return name;
}

export interface MatrixSelection {
  runtimes?: string[];
  architectures?: Architecture[];
  workloads?: Workload[];
}

/**
 * The functions of a matrix run: every discovered (workload, runtime) in the selection, times the
 * selected architectures. Defaults: DEFAULT_MATRIX_RUNTIMES, both architectures, every workload.
 * A selected runtime, architecture or workload that nothing provides is an error naming it.
 */
export function matrixFunctions(selection: MatrixSelection = {}, root?: string): MatrixFunction[] {
  const runtimes = selection.runtimes ?? [...DEFAULT_MATRIX_RUNTIMES];
  const architectures = selection.architectures ?? [...MATRIX_ARCHITECTURES];
  const workloads = selection.workloads ?? [...WORKLOADS];
  unknown("runtime", runtimes, DEFAULT_MATRIX_RUNTIMES);
  unknown("architecture", architectures, MATRIX_ARCHITECTURES);
  unknown("workload", workloads, WORKLOADS);
  const manifests = discoverWorkloads(root).filter((m) => workloads.includes(m.workload));
  const functions: MatrixFunction[] = [];
  for (const m of manifests) {
    const ordered = DEFAULT_MATRIX_RUNTIMES.filter((runtime) => runtimes.includes(runtime) && m.runtimes.includes(runtime));
    for (const runtime of ordered) {
      for (const architecture of MATRIX_ARCHITECTURES.filter((arch) => architectures.includes(arch))) {
        functions.push({
          name: matrixFunctionName(m.workload, runtime, m.language, architecture),
          workload: m.workload,
          language: m.language,
          runtime,
          architecture,
          handler: m.handler,
          sourceDir: m.dir,
        });
      }
    }
  }
  const runtimeOrder = (fn: MatrixFunction) => DEFAULT_MATRIX_RUNTIMES.indexOf(fn.runtime as MatrixRuntime);
  functions.sort(
    (a, b) =>
      WORKLOADS.indexOf(a.workload) - WORKLOADS.indexOf(b.workload) ||
      runtimeOrder(a) - runtimeOrder(b) ||
      MATRIX_ARCHITECTURES.indexOf(a.architecture) - MATRIX_ARCHITECTURES.indexOf(b.architecture),
  );
  // Only an explicit choice is checked: the default list may name runtimes a checkout lacks.
  for (const runtime of selection.runtimes ?? []) {
    if (!functions.some((fn) => fn.runtime === runtime))
      throw new Error(`no workload in the selection runs on ${runtime} (selected workloads: ${workloads.join(", ")})`);
  }
  return functions;
}

function unknown(what: string, selected: readonly string[], known: readonly string[]): void {
  const bad = selected.filter((value) => !known.includes(value));
  if (bad.length) throw new Error(`unknown ${what}${bad.length > 1 ? "s" : ""} ${bad.join(", ")} (known: ${known.join(", ")})`);
  if (!selected.length) throw new Error(`no ${what} selected (known: ${known.join(", ")})`);
}

/** The manifest a matrix function was made from. */
export function manifestOf(fn: MatrixFunction, root?: string): WorkloadManifest {
  const found = discoverWorkloads(root).find((m) => m.dir === fn.sourceDir);
  if (!found) throw new Error(`no workload.json in ${fn.sourceDir} (function ${fn.name})`);
  return found;
}
