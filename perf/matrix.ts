// `npm run perf -- matrix [--runtimes a,b] [--workloads a,b]`: the matrix harness's own cost.
//
// 1. Wall time of `bench matrix --mode test` for every runtime this machine has (packaging
//    included, as a user sees it), against the 8-minute target.
// 2. The harness's overhead per sample: the time between the end of one invocation and the start
//    of the next, from the sample items' invoke_started_ms / invoke_ended_ms, split by the kind of
//    the NEXT sample (a cold one includes UpdateFunctionConfiguration and waiting for
//    Successful). A gap that crosses a continuation (the sampler returned at its time budget and
//    the state machine called it again) is included: that round trip is harness overhead too.
// Machine load changes every number here: the load average is printed beside them.
import { loadavg } from "node:os";
import { hostArchitecture } from "../harness/matrix/rust-build";
import { SampleItem } from "../harness/matrix/results-table";
import { describe } from "../functions/matrix-aggregate/statistics";
import { LOCAL_TIME_BUDGET_MS, runLocalMatrix } from "../local/matrix";
import { prepareLocalTargets } from "../local/matrix-targets";
import type { Workload } from "../harness/matrix/workloads";

const TARGET_MS = 8 * 60_000;

function flag(argv: string[], name: string): string[] | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]!.split(",") : undefined;
}

const load = () => loadavg().map((v) => v.toFixed(2)).join(", ");

export async function main(argv: string[]): Promise<void> {
  // The SDK's "Node < 22" notice is noise for a pinned SDK (cli/bench.ts does the same).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  console.log(`load average before: ${load()}`);
  const started = Date.now();
  const { targets, skipped } = await prepareLocalTargets(
    { runtimes: flag(argv, "runtimes"), architectures: [hostArchitecture()], workloads: flag(argv, "workloads") as Workload[] | undefined },
    (runtime, reason) => console.log(`skipped ${runtime}: ${reason}`),
  );
  const packagedMs = Date.now() - started;
  const parallel = Number(flag(argv, "parallel")?.[0] ?? 2);
  const report = await runLocalMatrix({ mode: "test", targets, skipped, parallel, timeBudgetMs: LOCAL_TIME_BUDGET_MS, collectItems: true });
  const wallMs = Date.now() - started;

  const samples = report.items!.filter((i) => String(i.sk).startsWith("sample#")).map((i) => SampleItem.parse(i));
  const byConfig = new Map<string, SampleItem[]>();
  for (const s of samples) {
    const key = `${s.function_arn}/${s.memory_mb}`;
    byConfig.set(key, [...(byConfig.get(key) ?? []), s]);
  }
  const gaps: Record<string, number[]> = { cold: [], warm: [] };
  for (const list of byConfig.values()) {
    list.sort((a, b) => a.seq - b.seq);
    for (let i = 1; i < list.length; i++) gaps[list[i]!.kind]!.push(list[i]!.invoke_started_ms - list[i - 1]!.invoke_ended_ms);
  }
  const invokeMs = samples.reduce((sum, s) => sum + (s.invoke_ended_ms - s.invoke_started_ms), 0);

  console.log(`functions: ${targets.length} (${[...new Set(targets.map((t) => t.runtime))].join(", ")}), samples: ${samples.length}, parallel ${parallel}`);
  console.log(`--mode test wall time: ${(wallMs / 1000).toFixed(1)} s (packaging ${(packagedMs / 1000).toFixed(1)} s, workflow ${(report.workflowMs / 1000).toFixed(1)} s)`);
  console.log(`  target <= ${TARGET_MS / 60_000} min: ${wallMs <= TARGET_MS ? "met" : "NOT met"} (ratio ${(wallMs / TARGET_MS).toFixed(2)} of the target)`);
  console.log(`  time inside Invoke calls, summed: ${(invokeMs / 1000).toFixed(1)} s`);
  for (const kind of ["cold", "warm"] as const) {
    const values = gaps[kind]!;
    if (!values.length) continue;
    const d = describe(values);
    console.log(
      `harness overhead before a ${kind} sample (end of previous invoke -> start of this one, ${values.length} gaps, ms): ` +
        `median ${d.median.toFixed(0)}, p90 ${d.p90.toFixed(0)}, max ${d.max.toFixed(0)}, mean ${d.mean.toFixed(0)}`,
    );
  }
  console.log(`(a gap can include a continuation: the sampler returning at its ${LOCAL_TIME_BUDGET_MS / 1000} s budget and being called again)`);
  console.log(`load average after: ${load()}`);
}
