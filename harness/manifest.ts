// contender.json: the schema of a contender's manifest, its discovery under contenders/<lang>/<dev_id>/,
// and the names derived from it (Lambda function name, contender key). Both engines call this, so a
// malformed manifest fails the same way at `pulumi up` and in `bench local`: one ManifestError
// naming the file and the field.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { Architecture } from "./contracts";
import { displayPath, repoRoot } from "./repo-root";

export const RUNTIMES = ["nodejs22.x", "nodejs20.x", "provided.al2023", "python3.12", "python3.13", "image"] as const;
export const Runtime = z.enum(RUNTIMES, { error: `must be one of ${RUNTIMES.join(", ")}` });
export type Runtime = z.infer<typeof Runtime>;

const int = (min: number, max: number) =>
  z
    .number({ error: "must be a number" })
    .int("must be an integer")
    .min(min, `must be >= ${min}`)
    .max(max, `must be <= ${max}`);

// Node: `file.export` (the bundle is written as <file>.mjs); Python: `module.function`.
const NODE_HANDLER = /^[A-Za-z0-9_-]+\.[A-Za-z_$][A-Za-z0-9_$]*$/;
const PYTHON_HANDLER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

export const ContenderManifest = z
  .strictObject({
    runtime: Runtime,
    handler: z.string().min(1, "must not be empty").optional(),
    /** Node only: the source file esbuild bundles, relative to the contender folder. */
    entry: z.string().min(1, "must not be empty").optional(),
    architectures: z
      .array(Architecture, { error: "must be an array of arm64 / x86_64" })
      .min(1, "must list at least one architecture")
      .refine((archs) => new Set(archs).size === archs.length, "must not repeat an architecture"),
    memoryMb: int(128, 10240),
    timeoutS: int(1, 900),
    ephemeralStorageMb: int(512, 10240),
    description: z.string().min(1, "must not be empty").max(256, "must be at most 256 characters"),
    /** provided.al2023: shell command run in the contender folder that produces `bootstrap`. */
    build: z.string().min(1, "must not be empty").optional(),
  })
  .superRefine((m, ctx) => {
    const need = (field: "handler" | "entry", why: string) =>
      ctx.addIssue({ code: "custom", path: [field], message: `is required for runtime ${m.runtime} (${why})` });
    if (m.runtime.startsWith("nodejs")) {
      if (!m.entry) need("entry", "the source file to bundle");
      if (!m.handler) need("handler", "file.export, e.g. index.handler");
      else if (!NODE_HANDLER.test(m.handler))
        ctx.addIssue({ code: "custom", path: ["handler"], message: "must be file.export, e.g. index.handler" });
    } else if (m.runtime.startsWith("python")) {
      if (!m.handler) need("handler", "module.function, e.g. main.handler");
      else if (!PYTHON_HANDLER.test(m.handler))
        ctx.addIssue({ code: "custom", path: ["handler"], message: "must be module.function, e.g. main.handler" });
    }
    if (m.build !== undefined && m.runtime !== "provided.al2023")
      ctx.addIssue({ code: "custom", path: ["build"], message: "is only supported for runtime provided.al2023" });
  });
export type ContenderManifest = z.infer<typeof ContenderManifest>;

export interface ContenderSpec {
  /** `<lang>-<dev_id>` */
  id: string;
  lang: string;
  devId: string;
  /** Absolute path of the contender folder. */
  dir: string;
  /** Absolute path of its contender.json. */
  manifestPath: string;
  manifest: ContenderManifest;
}

export class ManifestError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${displayPath(file)}: ${field ? `${field}: ` : ""}${problem}`);
    this.name = "ManifestError";
  }
}

/** Folder names become part of Lambda function names and S3 keys. */
const FOLDER_NAME = /^[a-z0-9][a-z0-9-]*$/;
const MAX_FUNCTION_NAME = 64;
/**
 * Longest `<lang>-<dev_id>-<arch>` discovery accepts: leaves 24 characters for `<project>-<stack>-`
 * (e.g. `s3-archive-bench-dev-`), so a name that fits here fits every stack of this project.
 */
export const MAX_CONTENDER_KEY_LENGTH = 40;

/** Reads and validates one contender.json; every problem is a ManifestError naming file and field. */
export function parseManifestFile(file: string): ContenderManifest {
  return parseJsonManifest(file, ContenderManifest, "DESIGN.md contender.json");
}

/**
 * Reads a JSON manifest and validates it with `schema` (contender.json, workload.json...). Every
 * problem is one ManifestError naming the file and the field; `allowedFieldsDoc` says where the
 * allowed fields are documented, for the unknown-field message.
 */
export function parseJsonManifest<T extends z.ZodType>(file: string, schema: T, allowedFieldsDoc: string): z.infer<T> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ManifestError(file, "", `cannot read: ${error instanceof Error ? error.message : String(error)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(file, "", `invalid JSON: ${withLineAndColumn(String((error as Error).message), text)}`);
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    throw new ManifestError(file, issue.keys.join(", "), `unknown field (allowed: see ${allowedFieldsDoc})`);
  }
  const field = issue.path.length ? issue.path.join(".") : "(root)";
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem(s))` : "";
  throw new ManifestError(file, field, issue.message + more);
}

/** Node 20 says "at position N"; add the line and column a human looks for. */
function withLineAndColumn(message: string, text: string): string {
  const match = /at position (\d+)/.exec(message);
  if (!match) return message;
  const before = text.slice(0, Number(match[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `${message} (line ${line}, column ${column})`;
}

/** Scans `<root>/*\/*\/contender.json`; returns the contenders sorted by id. */
export function discoverContenders(root = path.join(repoRoot(), "contenders")): ContenderSpec[] {
  if (!existsSync(root)) return [];
  const specs: ContenderSpec[] = [];
  for (const lang of subfolders(root)) {
    for (const devId of subfolders(path.join(root, lang))) {
      const dir = path.join(root, lang, devId);
      const manifestPath = path.join(dir, "contender.json");
      if (!existsSync(manifestPath)) continue;
      for (const [what, name] of [["lang", lang], ["dev_id", devId]] as const) {
        if (!FOLDER_NAME.test(name))
          throw new ManifestError(manifestPath, "", `folder name ${what} "${name}" must match [a-z0-9][a-z0-9-]*`);
      }
      const manifest = parseManifestFile(manifestPath);
      checkFiles(manifestPath, dir, manifest);
      const spec: ContenderSpec = { id: `${lang}-${devId}`, lang, devId, dir, manifestPath, manifest };
      for (const arch of manifest.architectures) {
        const key = contenderKey(spec, arch);
        if (key.length > MAX_CONTENDER_KEY_LENGTH)
          throw new ManifestError(
            manifestPath,
            "",
            `contender key "${key}" is ${key.length} characters; keep <lang>-<dev_id>-<arch> within ` +
              `${MAX_CONTENDER_KEY_LENGTH} so the Lambda function name fits ${MAX_FUNCTION_NAME}`,
          );
      }
      specs.push(spec);
    }
  }
  return specs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .sort();
}

/** Files the manifest points at must exist, or `pulumi up` would fail much later and less clearly. */
function checkFiles(manifestPath: string, dir: string, m: ContenderManifest): void {
  if (m.entry) {
    const entry = path.resolve(dir, m.entry);
    if (!entry.startsWith(dir + path.sep)) throw new ManifestError(manifestPath, "entry", "must stay inside the contender folder");
    if (!existsSync(entry) || !statSync(entry).isFile())
      throw new ManifestError(manifestPath, "entry", `file not found: ${m.entry}`);
  }
  if (m.runtime === "provided.al2023" && !m.build && !existsSync(path.join(dir, "bootstrap")))
    throw new ManifestError(manifestPath, "build", "is required for provided.al2023 unless a prebuilt bootstrap is in the folder");
  if (m.runtime === "image" && !existsSync(path.join(dir, "Dockerfile")))
    throw new ManifestError(manifestPath, "runtime", `"image" needs a Dockerfile in ${displayPath(dir)}`);
}

/** `<lang>-<dev_id>-<arch>`: the contender's name in results and archive keys. */
export function contenderKey(spec: Pick<ContenderSpec, "id">, arch: Architecture): string {
  return `${spec.id}-${arch}`;
}

/** `<project>-<stack>-<lang>-<dev_id>-<arch>`; throws when Lambda's 64-character limit is exceeded. */
export function contenderFunctionName(
  project: string,
  stack: string,
  spec: Pick<ContenderSpec, "id" | "manifestPath">,
  arch: Architecture,
): string {
  const name = `${project}-${stack}-${contenderKey(spec, arch)}`;
  if (name.length > MAX_FUNCTION_NAME)
    throw new ManifestError(
      spec.manifestPath,
      "",
      `Lambda function name "${name}" is ${name.length} characters (max ${MAX_FUNCTION_NAME}); shorten the stack, lang or dev_id`,
    );
  if (!/^[A-Za-z0-9_-]+$/.test(name))
    throw new ManifestError(spec.manifestPath, "", `Lambda function name "${name}" may only contain letters, digits, - and _`);
  return name;
}
