// The matrix's state machines: valid ASL, inside Step Functions' quotas for the largest default
// matrix in production mode (history events, payload sizes, inline Map concurrency), and the
// forecast printed before a run.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { MAX_HISTORY_EVENTS } from "../harness/definition";
import { MAX_ATTEMPTS_PER_SLOT } from "../harness/matrix/contracts";
import { configurationDefinition, rootDefinition } from "../harness/matrix/definition";
import { estimateRun, forecastSampleMs } from "../harness/matrix/estimate";
import { configurationHistoryEvents, HISTORY_BUDGET, rootHistoryEvents } from "../harness/matrix/history";
import { MATRIX_MODES } from "../harness/matrix/modes";
import { AWS_TIME_BUDGET_MS, planRun, SAMPLE_TTL_S, type PlannedFunction } from "../harness/matrix/plan";
import { DEFAULT_MATRIX_RUNTIMES, MATRIX_ARCHITECTURES, WORKLOADS } from "../harness/matrix/workloads";

type AslValidator = (definition: unknown, options?: { checkPaths: boolean; checkArn: boolean }) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)("asl-validator") as AslValidator;

const ARN = (kind: string, name: string) => `arn:aws:${kind === "function" ? "lambda" : "states"}:us-east-1:123456789012:${kind}:${name}`;
const PARAMS = {
  samplerArn: ARN("function", "matrix-sampler"),
  aggregatorArn: ARN("function", "matrix-aggregate"),
  configurationMachineArn: ARN("stateMachine", "matrix-configuration"),
  maxParallel: 40,
};

/** The 42 functions of the default matrix: 7 runtimes x 2 architectures x 3 workloads. */
const DEFAULT_MATRIX: PlannedFunction[] = WORKLOADS.flatMap((workload) =>
  DEFAULT_MATRIX_RUNTIMES.flatMap((runtime) =>
    MATRIX_ARCHITECTURES.map((architecture) => ({
      function_arn: ARN("function", `matrix-${workload}-${runtime.replace(/\W/g, "")}-${architecture}`),
      runtime,
      architecture,
      workload,
      minMemoryMb: 128,
    })),
  ),
);
const RUN = {
  run_id: "run-1",
  table: "matrix-results",
  region: "us-east-1",
  engine: { kind: "aws" as const },
  time_budget_ms: AWS_TIME_BUDGET_MS,
  sample_ttl_s: SAMPLE_TTL_S,
  skipped: [],
};

describe("matrix definitions", () => {
  it("pass asl-validator", () => {
    for (const definition of [rootDefinition(PARAMS), configurationDefinition(PARAMS)]) {
      const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
      expect(result.errorsText("\n")).toBe("");
      expect(result.isValid).toBe(true);
    }
  });

  it("sets TimeoutSeconds on every Task (the local interpreter would cut the others at 60 s)", () => {
    const tasks: [string, Record<string, unknown>][] = [];
    const walk = (states: Record<string, Record<string, unknown>>) => {
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === "Task") tasks.push([name, state]);
        const processor = state.ItemProcessor as { States: Record<string, Record<string, unknown>> } | undefined;
        if (processor) walk(processor.States);
      }
    };
    for (const definition of [rootDefinition(PARAMS), configurationDefinition(PARAMS)]) walk(definition.States as Record<string, Record<string, unknown>>);
    expect(tasks.map(([name]) => name).sort()).toEqual(["Aggregate", "FinishRun", "Sample", "SampleConfiguration", "StartRun"]);
    for (const [name, state] of tasks) expect(state.TimeoutSeconds, name).toBeGreaterThan(60);
  });

  it("refuses more parallel functions than an inline Map runs at once", () => {
    expect(() => rootDefinition({ ...PARAMS, maxParallel: 41 })).toThrow(/at most 40/);
  });

  it("the largest default matrix in production mode stays under 25,000 history events per execution, with 10% headroom", () => {
    const input = planRun(RUN, DEFAULT_MATRIX, { mode: "production" });
    expect(input.functions).toHaveLength(42);
    const sizes = input.functions.map((fn) => fn.memory_sizes.length);
    expect(sizes.filter((n) => n === 9)).toHaveLength(14); // the memory workload adds 4096, 8192, 10240
    const root = rootHistoryEvents(sizes);
    const child = configurationHistoryEvents(MATRIX_MODES.production.cold, MATRIX_MODES.production.warm, MAX_ATTEMPTS_PER_SLOT);
    // Hand count: root 2 + 6 + 4 + 42 x (2 + 4) + 294 configurations x (2 + 6 + 2) + 6 = 3210;
    // child: 330 samples x 3 attempts = 990 calls x 10 + 2 + 2 + 6 + 2 + 2 = 9914.
    expect(root).toBe(3210);
    expect(child).toBe(9914);
    expect(Math.max(root, child)).toBeLessThan(HISTORY_BUDGET);
    expect(HISTORY_BUDGET).toBe(MAX_HISTORY_EVENTS * 0.9);
    // The execution input is the largest payload the root carries (Map states drop their results).
    expect(Buffer.byteLength(JSON.stringify(input))).toBeLessThan(64 * 1024);
  });

  it("refuses sample counts whose worst case would pass the history quota, naming it", () => {
    expect(() => planRun(RUN, DEFAULT_MATRIX, { mode: "production", warm: 800 })).toThrow(/history events.*over 22500/);
  });

  it("leaves out memory sizes below a workload's minimum and says so", () => {
    const input = planRun(RUN, [{ ...DEFAULT_MATRIX[0]!, workload: "memory", minMemoryMb: 512 }], { mode: "balanced" });
    expect(input.functions[0]!.memory_sizes).toEqual([512, 1024, 1769, 2048]);
    expect(input.run.skipped).toEqual([{ runtime: "nodejs22.x", reason: "memory at 128, 256 MB: below the workload's measured minimum of 512 MB" }]);
    expect(input.run.mode).toBe("balanced");
  });
});

describe("forecast", () => {
  it("scales the cpu reference by 1769/memory up to one vCPU, flat above", () => {
    expect(forecastSampleMs("cpu", 1769)).toBe(1472);
    expect(forecastSampleMs("cpu", 512)).toBeCloseTo((1472 * 1769) / 512, 9);
    expect(forecastSampleMs("cpu", 4096)).toBe(1472);
    expect(forecastSampleMs("light", 128)).toBe(40);
  });

  it("one cpu function at 1769 MB, 1 cold + 1 warm: hand-computed invocations, GB-s, transitions and dollars", () => {
    const e = estimateRun(planRun(RUN, [DEFAULT_MATRIX[0]!], { mode: "test", memoryOverride: [1769], cold: 1, warm: 1 }), 1);
    expect(e.invocations).toBe(2);
    // workload billed: (1472 + 300) + 1472 = 3244 ms at 1769/1024 GB = 5.604 GB-s; the sampler's
    // wall time (3244 + 2000 = 5244 ms) at 1 GB = 5.244 GB-s.
    expect(e.lambdaGbSeconds).toBeCloseTo(3.244 * (1769 / 1024) + 5.244, 9);
    expect(e.durationMs).toBe(5244);
    // transitions: 6 + 2 (function) + 3 + 1 call x 3 + 3 = 17
    expect(e.stateTransitions).toBe(17);
    expect(e.stepFunctionsUsd).toBeCloseTo(17 * 0.000025, 12);
    const lambda = 3.244 * (1769 / 1024) * 0.0000133334 + 2 * 0.0000002 + 5.244 * 0.0000166667 + 2 * 0.0000002;
    expect(e.lambdaUsd).toBeCloseTo(lambda, 12);
    // DynamoDB: 2 + 12 WRU, 1 RRU
    expect(e.dynamodbUsd).toBeCloseTo(14 * 0.625e-6 + 0.125e-6, 15);
  });
});
