// Turns a matrix function into a Lambda task root under .build/, with the packaging both engines
// use for contenders: Node bundled by esbuild (one bundle for nodejs22.x and nodejs24.x), Python
// shipped as its folder, Rust built by cargo into `bootstrap` (mode 0755).
import { copyFileSync, chmodSync, readFileSync } from "node:fs";
import path from "node:path";
import { buildRoot, publish, stagingDir } from "../build-output";
import type { Architecture } from "../contracts";
import { packageNodeEntry, packagePythonFolder, type PackagedCode } from "../packaging";
import { cargoBuild, hostArchitecture } from "./rust-build";
import { manifestOf, type MatrixFunction } from "./workloads";

export interface PackageMatrixOptions {
  /**
   * Rust only. "function" (default): a binary for the function's own architecture; a target this
   * machine cannot build is an error. "host": a binary for this machine's CPU, for local runs,
   * where both architectures run on the host CPU (the handler then reports the host's architecture).
   */
  binaryFor?: "function" | "host";
}

export async function packageMatrixFunction(fn: MatrixFunction, options: PackageMatrixOptions = {}): Promise<PackagedCode> {
  // sourceDir is <workloads root>/<workload>/<language>: shared code sits beside the workloads.
  const workloadsRoot = path.dirname(path.dirname(fn.sourceDir));
  const manifest = manifestOf(fn, workloadsRoot);
  switch (fn.language) {
    case "node":
      return packageNodeEntry(path.resolve(fn.sourceDir, manifest.entry!), fn.handler, fn.runtime, buildRoot("workloads", `${fn.workload}-node`));
    case "python":
      return packagePythonFolder(fn.sourceDir, fn.handler, fn.runtime, buildRoot("workloads", `${fn.workload}-python`), {
        exclude: (rel) => rel === "workload.json",
        sharedDirs: [path.join(workloadsRoot, "_python")],
      });
    case "rust": {
      const architecture: Architecture = options.binaryFor === "host" ? hostArchitecture() : fn.architecture;
      return packageRust(fn, architecture);
    }
  }
}

async function packageRust(fn: MatrixFunction, architecture: Architecture): Promise<PackagedCode> {
  const packageName = cargoPackageName(path.join(fn.sourceDir, "Cargo.toml"));
  const binary = await cargoBuild(fn.sourceDir, packageName, architecture);
  const out = buildRoot("workloads", `${fn.workload}-rust-${architecture}`);
  const staged = stagingDir(out);
  copyFileSync(binary, path.join(staged, "bootstrap"));
  // Lambda execs bootstrap directly.
  chmodSync(path.join(staged, "bootstrap"), 0o755);
  return { ...publish(staged, out), handler: fn.handler, runtime: fn.runtime };
}

/** `[package] name = "..."` of a Cargo.toml (the binary cargo writes is named after it). */
function cargoPackageName(cargoToml: string): string {
  const text = readFileSync(cargoToml, "utf8");
  const section = /^\[package\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text)?.[1] ?? "";
  const name = /^name\s*=\s*"([^"]+)"/m.exec(section)?.[1];
  if (!name) throw new Error(`${cargoToml}: no [package] name`);
  return name;
}
