// `npm run perf -- cpu-calibration [--samples 5] [--iterations 500000]`
//
// The forecast's CPU speed factor (harness/forecast.ts): the runtime matrix's `cpu` workload
// (DESIGN.md: chained SHA-256, h0 = sha256("s3-archive-bench cpu"), h(i+1) = sha256(h(i)))
// run here in a local Lambda sandbox at 1769 MB (one full vCPU of CPU quota), warm, timed by the
// sandbox's own REPORT line, next to the published AWS durations for nodejs22.x at 1769 MB:
// 1472 ms arm64 / 1584 ms x86_64 (seed benchmark, Dec 2025, us-east-2, warm; DESIGN.md).
// factor(arch) = published AWS ms / local ms: > 1 means this host's core is faster than Lambda's.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LambdaSandboxes } from "../local/lambda";
import { decodeLogResult, parseReportLine } from "../harness/report-line";
import { PUBLISHED_CPU_WORKLOAD_MS } from "../harness/forecast";
import { packageNodeEntry } from "../harness/packaging";
import { repoRoot } from "../harness/repo-root";

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { samples: { type: "string", default: "5" }, iterations: { type: "string", default: "500000" } } });
  const samples = Number(values.samples);
  const iterations = Number(values.iterations);
  // The matrix's own Node cpu workload (workloads/cpu/node), packaged as the matrix packages it.
  const code = await packageNodeEntry(join(repoRoot(), "workloads", "cpu", "node", "index.ts"), "index.handler", "nodejs22.x", join(repoRoot(), ".build", "perf", "cpu-calibration"));
  const sandboxes = new LambdaSandboxes({ isolation: "cgroup" });
  try {
    const name = "cpu-calibration";
    const arn = `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
    sandboxes.register({ name, arn, runtime: "nodejs22.x", handler: code.handler, codeDir: code.dir, memoryMb: 1769, timeoutS: 120, ephemeralStorageMb: 512, architecture: "x86_64", environment: {} });
    const durations: number[] = [];
    let checksum = "";
    for (let i = 0; i <= samples; i++) {
      const response = await sandboxes.invoke(arn, { iterations }, { logType: "Tail" });
      if (response.FunctionError) throw new Error(`cpu workload failed: ${response.Payload}`);
      checksum = (JSON.parse(response.Payload) as { checksum: string }).checksum;
      const report = parseReportLine(decodeLogResult(response.LogResult ?? ""));
      if (i === 0) continue; // the cold sample: the published numbers are warm
      durations.push(report.durationMs);
      console.log(`warm sample ${i}: ${report.durationMs.toFixed(0)} ms`);
    }
    const local = median(durations);
    console.log(`\ncpu workload, ${iterations} iterations, nodejs22.x sandbox (${process.arch}) at 1769 MB: median ${local.toFixed(0)} ms over ${samples} warm samples (min ${Math.min(...durations).toFixed(0)}, max ${Math.max(...durations).toFixed(0)}); checksum ${checksum.slice(0, 16)}...`);
    for (const [arch, ms] of Object.entries(PUBLISHED_CPU_WORKLOAD_MS)) {
      console.log(`${arch.padEnd(7)} published ${ms} ms -> Lambda CPU-s per host CPU-s = ${(ms / local).toFixed(3)}`);
    }
  } finally {
    await sandboxes.close();
  }
}
