// The functions a local matrix run can sample: the selection's workload functions whose runtime
// this machine has (local/lambda/runtime-versions.ts), packaged for the host CPU. A runtime the
// machine lacks, or whose packaging fails, is skipped with one reason.
import type { Architecture } from "../harness/contracts";
import { packageMatrixFunction } from "../harness/matrix/package-workload";
import { manifestOf, matrixFunctions, type Workload } from "../harness/matrix/workloads";
import { localRuntimeAvailability } from "./lambda/runtime-versions";
import type { LocalMatrixTarget } from "./matrix";

export interface LocalTargets {
  targets: LocalMatrixTarget[];
  skipped: { runtime: string; reason: string }[];
}

export async function prepareLocalTargets(
  selection: { runtimes?: string[]; architectures: Architecture[]; workloads?: Workload[] },
  onSkip: (runtime: string, reason: string) => void = () => undefined,
): Promise<LocalTargets> {
  const functions = matrixFunctions(selection);
  const skipped: LocalTargets["skipped"] = [];
  const skip = (runtime: string, reason: string) => {
    if (skipped.some((s) => s.runtime === runtime)) return;
    skipped.push({ runtime, reason });
    onSkip(runtime, reason);
  };
  for (const runtime of [...new Set(functions.map((fn) => fn.runtime))]) {
    const availability = localRuntimeAvailability(runtime);
    if (!availability.available) skip(runtime, availability.reason);
  }
  const targets: LocalMatrixTarget[] = [];
  for (const fn of functions) {
    if (skipped.some((s) => s.runtime === fn.runtime)) continue;
    try {
      const manifest = manifestOf(fn);
      const code = await packageMatrixFunction(fn, { binaryFor: "host" });
      targets.push({ name: fn.name, runtime: fn.runtime, architecture: fn.architecture, workload: fn.workload, code, timeoutS: manifest.timeoutS, minMemoryMb: manifest.minMemoryMb });
    } catch (error) {
      skip(fn.runtime, `packaging failed: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  return { targets: targets.filter((t) => !skipped.some((s) => s.runtime === t.runtime)), skipped };
}
