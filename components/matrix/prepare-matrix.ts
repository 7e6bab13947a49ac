// Program-time packaging of the runtime matrix (before any resource is registered, so a bad
// manifest or a build that cannot be done stops `pulumi up` with nothing changed): the functions
// under test of the selection, each built for its own architecture, and the sampler and aggregate.
//
// Rust: `provided.al2023` functions are built by cargo here, per architecture, as `provided`
// contenders are. A target this machine cannot build (on an x86_64 host: arm64, unless its Rust
// standard library and a linker are installed) is refused by harness/matrix/rust-build.ts rather
// than shipping a host binary under the wrong architecture; every such function is named in one
// error, with the ways out (see ARM64_HOW_TO).
import type { PackagedCode } from "../../harness/packaging";
import { packageHarnessFunction } from "../../harness/packaging";
import { RustTargetUnavailableError } from "../../harness/matrix/rust-build";
import {
  manifestOf,
  matrixFunctions,
  packageMatrixFunction,
  type MatrixFunction,
  type MatrixSelection,
  type WorkloadManifest,
} from "../../harness/matrix/workloads";

export interface PreparedMatrixFunction {
  fn: MatrixFunction;
  manifest: WorkloadManifest;
  code: PackagedCode;
  /** The deployed name: `<project>-<stack>-<fn.name>`. */
  functionName: string;
}

export interface PreparedMatrix {
  functions: PreparedMatrixFunction[];
  sampler: PackagedCode;
  aggregate: PackagedCode;
}

export const ARM64_HOW_TO =
  "To deploy the arm64 Rust functions, run `pulumi up` where an aarch64 binary can be built: on an arm64 machine or CI runner " +
  "(e.g. a Graviton instance or GitHub's ubuntu-24.04-arm), or on x86_64 with `rustup target add aarch64-unknown-linux-gnu` and a linker " +
  "(`apt-get install gcc-aarch64-linux-gnu`, CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc); either way the bootstrap " +
  "must need glibc <= 2.34, AL2023's (workloads/README.md). " +
  "Or leave them out: `pulumi config set --path 'matrix.architectures[0]' x86_64`, or drop provided.al2023 from matrix.runtimes.";

export async function prepareMatrix(p: { namePrefix: string; selection: MatrixSelection; workloadsRoot?: string }): Promise<PreparedMatrix> {
  const selected = matrixFunctions(p.selection, p.workloadsRoot);
  if (!selected.length) throw new Error("matrix: no workload provides the selected runtimes, architectures and workloads");
  const functions: PreparedMatrixFunction[] = [];
  const refused: string[] = [];
  const failed: string[] = [];
  // One at a time: functions of one workload and language share a build folder, and cargo
  // serializes its builds anyway.
  for (const fn of selected) {
    const what = `matrix function ${fn.name} (${fn.runtime}, ${fn.architecture})`;
    try {
      const code = await packageMatrixFunction(fn);
      functions.push({ fn, manifest: manifestOf(fn, p.workloadsRoot), code, functionName: `${p.namePrefix}-${fn.name}` });
    } catch (error) {
      if (error instanceof RustTargetUnavailableError) refused.push(`${what}: ${error.message}`);
      else failed.push(`${what}: ${(error as Error).message}`);
    }
  }
  if (refused.length || failed.length) {
    const lines = [...failed, ...refused];
    const advice = refused.length ? `\n${ARM64_HOW_TO}` : "";
    throw new Error(`cannot build ${lines.length} matrix function${lines.length > 1 ? "s" : ""}:\n  ${lines.join("\n  ")}${advice}`);
  }
  const [sampler, aggregate] = await Promise.all([packageHarnessFunction("matrix-sampler"), packageHarnessFunction("matrix-aggregate")]);
  return { functions, sampler, aggregate };
}
