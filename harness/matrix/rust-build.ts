// Builds a Rust workload's `bootstrap` with cargo, per target architecture. Where Debian's crate
// registry is installed (apt-get install librust-*-dev) the build is offline against it, through
// workloads/_rust/cargo-debian.toml (a directory-source replacement of crates.io passed with
// `--config`); elsewhere the same Cargo.toml builds from crates.io. Only targets whose Rust
// standard library is installed can be built: another architecture is a clear error, never a
// host binary shipped under the wrong name.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { runBuildCommand, withDirLock } from "../build-command";
import { buildRoot } from "../build-output";
import type { Architecture } from "../contracts";
import { repoRoot } from "../repo-root";

export const DEBIAN_CARGO_REGISTRY = "/usr/share/cargo/registry";

const TRIPLES: Record<Architecture, string> = {
  x86_64: "x86_64-unknown-linux-gnu",
  arm64: "aarch64-unknown-linux-gnu",
};

/** The architecture of the CPU this process runs on, in Lambda's spelling. */
export function hostArchitecture(): Architecture {
  if (process.arch === "x64") return "x86_64";
  if (process.arch === "arm64") return "arm64";
  throw new Error(`unsupported host CPU ${process.arch}: Lambda runs x86_64 or arm64`);
}

export class RustTargetUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RustTargetUnavailableError";
  }
}

/** Which crate source cargo uses here: Debian's registry when installed, unless told crates.io. */
export function cargoSource(): "debian" | "crates-io" {
  const forced = process.env.BENCH_CARGO_SOURCE;
  if (forced === "debian" || forced === "crates-io") return forced;
  if (forced) throw new Error(`BENCH_CARGO_SOURCE must be "debian" or "crates-io", not "${forced}"`);
  return existsSync(DEBIAN_CARGO_REGISTRY) ? "debian" : "crates-io";
}

function targetInstalled(triple: string): boolean {
  const probe = spawnSync("rustc", ["--print", "sysroot"], { encoding: "utf8" });
  if (probe.status !== 0) throw new RustTargetUnavailableError(`rustc not found (needed to build Rust workloads): ${probe.error?.message ?? probe.stderr}`);
  return existsSync(path.join(probe.stdout.trim(), "lib", "rustlib", triple, "lib"));
}

const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * `cargo <build|test> --release` of the crate in `crateDir` for `triple`, offline against Debian's
 * crates when they are the source. Tests use the release profile too, so they reuse what the
 * build compiled in the shared target folder.
 */
export function cargoCommand(subcommand: "build" | "test", crateDir: string, triple = TRIPLES[hostArchitecture()]): string {
  const args = ["cargo", subcommand, "--release", "--quiet", "--manifest-path", quote(path.join(crateDir, "Cargo.toml")), "--target", triple];
  if (cargoSource() === "debian") args.push("--offline", "--config", quote(path.join(repoRoot(), "workloads", "_rust", "cargo-debian.toml")));
  return args.join(" ");
}

/** The target folder every workload build shares (set as CARGO_TARGET_DIR). */
export function cargoTargetDir(): string {
  return buildRoot("cargo-target", "workloads");
}

/**
 * `cargo build --release` of the crate in `crateDir` for `architecture`; returns the path of the
 * built binary (named after the package, e.g. `matrix-cpu`), to be shipped as `bootstrap`.
 * The target folder (.build/cargo-target) is shared by every workload, so the shared crates and
 * dependencies compile once per architecture and later builds only relink what changed.
 */
export async function cargoBuild(crateDir: string, packageName: string, architecture: Architecture): Promise<string> {
  const triple = TRIPLES[architecture];
  const host = hostArchitecture();
  if (architecture !== host && !targetInstalled(triple)) {
    throw new RustTargetUnavailableError(
      `cannot build ${packageName} for ${architecture} on this ${host} host: the Rust standard library for ${triple} is not installed ` +
        `(rustup target add ${triple} needs the network, and linking needs a ${architecture} linker, e.g. cargo-zigbuild). ` +
        `Build it on an ${architecture} machine, or run the ${architecture} function locally from the host binary (both architectures run on the host CPU).`,
    );
  }
  const targetDir = cargoTargetDir();
  // Two processes building the same crate would race on its output file: take turns per crate and target.
  return withDirLock(buildRoot("locks", `cargo-${packageName}-${triple}`), async () => {
    await runBuildCommand(cargoCommand("build", crateDir, triple), crateDir, { CARGO_TARGET_DIR: targetDir });
    const binary = path.join(targetDir, triple, "release", packageName);
    if (!existsSync(binary)) throw new Error(`cargo built ${crateDir} but ${binary} is missing (is the package named ${packageName}?)`);
    return binary;
  });
}
