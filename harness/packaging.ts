// Turns a contender folder or a harness function into a Lambda task root under .build/: the one
// implementation both engines use (the local sandboxes run `dir`, Pulumi zips it as FileArchive).
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { runBuildCommand, withDirLock } from "./build-command";
import { buildRoot, listFiles, publish, stagingDir } from "./build-output";
import { bundleNode } from "./bundle-node";
import type { Architecture } from "./contracts";
import type { ContenderSpec } from "./manifest";
import { repoRoot } from "./repo-root";

export { zipDirectory } from "./zip";

export interface PackagedCode {
  /** Absolute folder = the Lambda task root, ready to zip. Named by its content hash. */
  dir: string;
  handler: string;
  runtime: string;
  /** sha256 of the folder's content (paths, exec bits, bytes): equal input gives equal hash. */
  sha256: string;
}

export const HARNESS_FUNCTIONS = ["fill-bucket", "validate", "score"] as const;
export type HarnessFunctionName = (typeof HARNESS_FUNCTIONS)[number];
export const HARNESS_RUNTIME = "nodejs22.x";

/** Bundles `functions/<name>/index.ts` -> `index.mjs`, handler `index.handler`, nodejs22.x. */
export async function packageHarnessFunction(name: HarnessFunctionName | (string & {})): Promise<PackagedCode> {
  const root = repoRoot();
  const entry = path.join(root, "functions", name, "index.ts");
  if (!existsSync(entry)) throw new Error(`harness function "${name}" not found: ${entry}`);
  const out = buildRoot("functions", name);
  const staged = stagingDir(out);
  try {
    await bundleNode({ entry, outDir: staged, fileName: "index", workingDir: root });
  } catch (error) {
    rmSync(staged, { recursive: true, force: true });
    throw error;
  }
  return { ...publish(staged, out), handler: "index.handler", runtime: HARNESS_RUNTIME };
}

/**
 * Packages one contender. `arch` only matters to provided.al2023 builds (the build command gets
 * BENCH_ARCH=arm64|x86_64 and the output is kept per architecture); Node and Python code is the
 * same for both architectures.
 */
export async function packageContender(spec: ContenderSpec, arch?: Architecture): Promise<PackagedCode> {
  const m = spec.manifest;
  switch (m.runtime) {
    case "nodejs22.x":
    case "nodejs20.x":
      return packageNodeContender(spec);
    case "python3.12":
    case "python3.13":
      return packagePythonContender(spec);
    case "provided.al2023":
      return packageProvidedContender(spec, arch);
    case "image":
      throw new Error(
        `${spec.id}: "image" contenders are built from their Dockerfile (awsx.ecr.Image), not packaged as a folder`,
      );
  }
}

async function packageNodeContender(spec: ContenderSpec): Promise<PackagedCode> {
  const { handler, entry, runtime } = spec.manifest;
  if (!handler || !entry) throw new Error(`${spec.manifestPath}: handler and entry are required for ${runtime}`);
  return packageNodeEntry(path.resolve(spec.dir, entry), handler, runtime, buildRoot("contenders", spec.id));
}

/**
 * Bundles one Node source file (absolute `entry`) into `<out>/<hash>/<file>.mjs`, where `file` is
 * the module part of `handler` (`index` for `index.handler`). Used for contenders and workloads.
 */
export async function packageNodeEntry(entry: string, handler: string, runtime: string, out: string): Promise<PackagedCode> {
  const staged = stagingDir(out);
  try {
    await bundleNode({ entry, outDir: staged, fileName: handler.slice(0, handler.lastIndexOf(".")), workingDir: repoRoot() });
  } catch (error) {
    rmSync(staged, { recursive: true, force: true });
    throw error;
  }
  return { ...publish(staged, out), handler, runtime };
}

// Local caches and editor litter never belong in a function package.
const PYTHON_EXCLUDED = /(^|\/)(__pycache__|\.pytest_cache|\.mypy_cache|\.venv|\.git)(\/|$)|\.pyc$|(^|\/)\.DS_Store$/;

async function packagePythonContender(spec: ContenderSpec): Promise<PackagedCode> {
  return packagePythonFolder(spec.dir, spec.manifest.handler!, spec.manifest.runtime, buildRoot("contenders", spec.id));
}

export interface PythonFolderOptions {
  /** Relative paths of `srcDir` to leave out (besides caches), e.g. a manifest. */
  exclude?: (rel: string) => boolean;
  /** Folders whose files are copied beside the handler too (shared modules), never overriding one. */
  sharedDirs?: string[];
}

/** Python ships its folder as is (minus caches and excluded names): the task root is the folder. */
export async function packagePythonFolder(
  srcDir: string,
  handler: string,
  runtime: string,
  out: string,
  options: PythonFolderOptions = {},
): Promise<PackagedCode> {
  const staged = stagingDir(out);
  const copy = (from: string, rel: string) => {
    if (PYTHON_EXCLUDED.test(rel)) return;
    const target = path.join(staged, rel);
    if (existsSync(target)) throw new Error(`${path.join(from, rel)} would overwrite ${rel} of ${srcDir}`);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(from, rel), target);
  };
  try {
    for (const rel of listFiles(srcDir)) if (!options.exclude?.(rel)) copy(srcDir, rel);
    for (const dir of options.sharedDirs ?? []) for (const rel of listFiles(dir)) copy(dir, rel);
  } catch (error) {
    rmSync(staged, { recursive: true, force: true });
    throw error;
  }
  return { ...publish(staged, out), handler, runtime };
}

async function packageProvidedContender(spec: ContenderSpec, arch?: Architecture): Promise<PackagedCode> {
  const m = spec.manifest;
  const name = arch ? `${spec.id}-${arch}` : spec.id;
  const out = buildRoot("contenders", name);
  const bootstrap = path.join(spec.dir, "bootstrap");
  // The build writes into the contender folder: hold the lock until our copy of bootstrap is made.
  return withDirLock(path.join(buildRoot("locks", spec.id)), async () => {
    if (m.build) await runBuildCommand(m.build, spec.dir, { BENCH_ARCH: arch ?? m.architectures[0]! });
    if (!existsSync(bootstrap)) {
      const how = m.build ? `its build command \`${m.build}\` did not produce one` : "no build command is set";
      throw new Error(`${spec.id}: no bootstrap in ${spec.dir} (${how})`);
    }
    const staged = stagingDir(out);
    copyFileSync(bootstrap, path.join(staged, "bootstrap"));
    // Lambda execs bootstrap directly: it must be executable whatever the build left behind.
    chmodSync(path.join(staged, "bootstrap"), 0o755);
    return { ...publish(staged, out), handler: m.handler ?? "bootstrap", runtime: m.runtime };
  });
}
