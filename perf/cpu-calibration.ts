// `npm run perf -- cpu-calibration [--samples 7] [--iterations 500000] [--runtime nodejs22.x]`
//
// The forecast's CPU speed factor (harness/forecast.ts): the runtime matrix's own Node `cpu`
// workload (workloads/cpu/node: chained SHA-256, DESIGN.md), packaged as the matrix packages it
// and run on the Node the local sandboxes use for that runtime (local/node-runtimes), next to the
// published AWS durations for nodejs22.x at 1769 MB (one vCPU): 1472 ms arm64 / 1584 ms x86_64
// (seed benchmark, Dec 2025, us-east-2, warm; DESIGN.md).
// WHY CPU time and not the sandbox's REPORT duration: a contender's local cost is measured in
// CPU-seconds (the sandbox's cgroup), and on this shared machine a sandbox's wall time mostly
// measures the other sessions (a 1769 MB sandbox under load 6 took 1.5-3.0 s for a loop of 0.47
// CPU-s). On Lambda at 1769 MB the single-threaded loop's duration is its CPU time.
// factor(arch) = published AWS ms / local CPU ms = Lambda CPU-seconds per host CPU-second.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { PUBLISHED_CPU_WORKLOAD_MS } from "../harness/forecast";
import { packageNodeEntry } from "../harness/packaging";
import { repoRoot } from "../harness/repo-root";
import { nodeFor } from "../local/lambda/runtime-versions";

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { samples: { type: "string", default: "7" }, iterations: { type: "string", default: "500000" }, runtime: { type: "string", default: "nodejs22.x" } },
  });
  const samples = Number(values.samples);
  const iterations = Number(values.iterations);
  const code = await packageNodeEntry(join(repoRoot(), "workloads", "cpu", "node", "index.ts"), "index.handler", values.runtime, join(repoRoot(), ".build", "perf", "cpu-calibration"));
  const node = nodeFor(values.runtime);
  // One warm-up call, then `samples` calls, each timed by the process's own CPU clock.
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(join(code.dir, "index.mjs")).href)});
    await handler({ iterations: ${iterations} });
    const out = [];
    for (let i = 0; i < ${samples}; i++) {
      const c = process.cpuUsage(); const t = performance.now();
      const r = await handler({ iterations: ${iterations} });
      const u = process.cpuUsage(c);
      out.push({ cpuMs: (u.user + u.system) / 1000, wallMs: performance.now() - t, checksum: r.checksum });
    }
    console.log(JSON.stringify({ version: process.version, out }));`;
  const run = spawnSync(node, ["--input-type=module", "-e", script], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`cpu workload failed on ${node}: ${run.stderr}`);
  const { version, out } = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { version: string; out: { cpuMs: number; wallMs: number; checksum: string }[] };
  out.forEach((s, i) => console.log(`sample ${i + 1}: ${s.cpuMs.toFixed(0)} ms CPU (${s.wallMs.toFixed(0)} ms wall)`));
  const cpu = median(out.map((s) => s.cpuMs));
  console.log(
    `\ncpu workload, ${iterations} iterations, ${values.runtime} on node ${version} (${node}): median ${cpu.toFixed(0)} ms of CPU over ${samples} warm calls ` +
      `(${Math.min(...out.map((s) => s.cpuMs)).toFixed(0)}-${Math.max(...out.map((s) => s.cpuMs)).toFixed(0)}); checksum ${out[0]?.checksum.slice(0, 16)}...`,
  );
  for (const [arch, ms] of Object.entries(PUBLISHED_CPU_WORKLOAD_MS)) {
    console.log(`${arch.padEnd(7)} published ${ms} ms -> Lambda CPU-s per host CPU-s = ${(ms / cpu).toFixed(3)}`);
  }
}
