// The production run of the default matrix (42 functions) against Step Functions' quotas, counted
// on the REAL definitions run by the local engine (aws-local-stepfunctions) with in-process
// stand-ins for the tasks: 25,000 history events per execution (root and each configuration's
// child, worst case), 256 KiB per state input/output and task result, at most 40 concurrent
// inline Map iterations; memory sizes of one function in order, functions in parallel up to the bound.
//
// History events per state, as AWS records them: a Task 6 at most (Entered, Scheduled, Started,
// Submitted for .sync, Succeeded/Failed, Exited), a Pass/Choice/Fail 2, a Map 4 plus 2 per
// iteration, the execution 2 (the counting of harness/matrix/history.ts, checked here against
// the states the interpreter really went through).
import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS_PER_SLOT, type MatrixExecutionInput } from "../harness/matrix/contracts";
import { configurationDefinition, MAX_INLINE_MAP_CONCURRENCY, MatrixDefinitionParams, rootDefinition } from "../harness/matrix/definition";
import { configurationHistoryEvents, HISTORY_BUDGET, maxSamplerCalls, rootHistoryEvents } from "../harness/matrix/history";
import { AWS_TIME_BUDGET_MS, planRun, SAMPLE_TTL_S } from "../harness/matrix/plan";
import { manifestOf, matrixFunctions } from "../harness/matrix/workloads";
import { DEFAULT_MATRIX_PARALLEL } from "../components/matrix/matrix-config";
import { MAX_HISTORY_EVENTS } from "../harness/definition";
import { runStateMachine, type ExecutionEvent } from "../local/engine";

const LIMIT_BYTES = 256 * 1024;
const REGION = "ap-southeast-2";
const ACCOUNT = "123456789012";
// Function names at Lambda's 64-character maximum: the largest ARNs a stack can have.
const arnOf = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${`${"p".repeat(64)}-${name}`.slice(-64)}`;
const PARAMS = MatrixDefinitionParams.parse({
  samplerArn: arnOf("matrix-sampler"),
  aggregatorArn: arnOf("matrix-aggregate"),
  configurationMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${"p".repeat(60)}-matrix-configuration`,
  maxParallel: DEFAULT_MATRIX_PARALLEL,
});
const EVENTS_OF: Record<string, number> = { Task: 6, Pass: 2, Choice: 2, Fail: 2, Succeed: 2, Wait: 2, Map: 4 };

function productionInput(): MatrixExecutionInput {
  const functions = matrixFunctions();
  return planRun(
    { run_id: "matrix-20261202T100000Z-a1b2c3", table: `${"p".repeat(200)}-matrix-results`, region: REGION, engine: { kind: "aws" }, time_budget_ms: AWS_TIME_BUDGET_MS, sample_ttl_s: SAMPLE_TTL_S, skipped: [] },
    functions.map((fn) => ({ function_arn: arnOf(fn.name), runtime: fn.runtime, architecture: fn.architecture, workload: fn.workload, minMemoryMb: manifestOf(fn).minMemoryMb })),
    { mode: "production" },
  );
}

/** AWS history events of one execution from the interpreter's events, and its largest payload. */
function measure(events: readonly ExecutionEvent[], extraPayloads: { bytes: number; where: string }[]) {
  let history = 2;
  let largest = { bytes: 0, where: "" };
  const consider = (value: unknown, where: string) => {
    const bytes = value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
    if (bytes > largest.bytes) largest = { bytes, where };
  };
  for (const e of events) {
    if (e.type === "StateEntered" && e.state) {
      const cost = EVENTS_OF[e.state.type];
      if (cost === undefined) throw new Error(`no event count for a ${e.state.type} state`);
      history += cost;
    }
    if (e.type === "MapIterationStarted") history += 2;
    if (e.state) {
      consider(e.state.input, `${e.state.name} input`);
      consider(e.state.output, `${e.state.name} output`);
    }
  }
  for (const p of extraPayloads) if (p.bytes > largest.bytes) largest = p;
  return { history, largest };
}

describe("a production run of the default 42 functions stays under Step Functions' quotas", () => {
  const input = productionInput();
  const sizes = input.functions.map((f) => f.memory_sizes.length);

  const configurations = sizes.reduce((a, b) => a + b, 0);

  it("plans 42 functions and every production size at or above each workload's measured minimum", () => {
    expect(input.functions).toHaveLength(42);
    // production: 128-2048 MB (6 sizes) for cpu and light, + 4096, 8192, 10240 for memory.
    const production = [128, 256, 512, 1024, 1769, 2048];
    const expected = matrixFunctions().reduce((sum, fn) => {
      const all = fn.workload === "memory" ? [...production, 4096, 8192, 10240] : production;
      return sum + all.filter((mb) => mb >= manifestOf(fn).minMemoryMb).length;
    }, 0);
    expect(configurations).toBe(expected);
    expect(configurations).toBeGreaterThan(250);
    console.info(`production plan: ${configurations} configurations, ${configurations * 330} invocations`);
    expect(input.run).toMatchObject({ mode: "production", cold: 30, warm: 300 });
    expect(Buffer.byteLength(JSON.stringify(input))).toBeLessThan(LIMIT_BYTES);
  });

  it("root execution: every configuration as a failed child (the longest path) stays under 25,000 events", async () => {
    const events: ExecutionEvent[] = [];
    const payloads: { bytes: number; where: string }[] = [];
    const running = new Map<string, number>();
    let concurrent = 0;
    let mostConcurrent = 0;
    const order = new Map<string, number[]>();
    await runStateMachine({
      definition: rootDefinition(PARAMS),
      input,
      executionName: input.run.run_id,
      stateMachineName: "matrix",
      region: REGION,
      onEvent: (e) => events.push(e),
      taskHandlers: {
        StartRun: async () => ({ Payload: { run_id: input.run.run_id } }),
        SampleConfiguration: async (params) => {
          const config = (params as { Input: { config: { configuration: { function_arn: string; memory_mb: number } } } }).Input.config;
          const fn = config.configuration.function_arn;
          // Memory sizes of one function one at a time, in order.
          expect(running.get(fn) ?? 0).toBe(0);
          running.set(fn, 1);
          order.set(fn, [...(order.get(fn) ?? []), config.configuration.memory_mb]);
          mostConcurrent = Math.max(mostConcurrent, ++concurrent);
          payloads.push({ bytes: Buffer.byteLength(JSON.stringify(params)), where: "SampleConfiguration parameters" });
          await new Promise((r) => setTimeout(r, 2));
          concurrent--;
          running.set(fn, 0);
          // What startExecution.sync:2 reports for a failed child: the DescribeExecution response as the Cause.
          const cause = JSON.stringify({ Input: JSON.stringify(params), Status: "FAILED", Error: "Matrix.SamplerFailed", Cause: "the sampler failed for good" });
          payloads.push({ bytes: Buffer.byteLength(cause), where: "SampleConfiguration error" });
          throw Object.assign(new Error(cause), { name: "States.TaskFailed" });
        },
        FinishRun: async () => ({ Payload: { run_id: input.run.run_id, comparisons: 147 } }),
      },
    });
    const { history, largest } = measure(events, payloads);
    expect(history).toBe(rootHistoryEvents(sizes));
    expect(history).toBeLessThan(HISTORY_BUDGET);
    expect(largest.bytes, largest.where).toBeLessThan(LIMIT_BYTES);
    expect(events.filter((e) => e.type === "StateEntered" && e.state?.name === "ConfigurationFailed")).toHaveLength(configurations);
    // Functions in parallel, up to the bound (never more than an inline Map's 40).
    expect(mostConcurrent).toBe(DEFAULT_MATRIX_PARALLEL);
    expect(PARAMS.maxParallel).toBeLessThanOrEqual(MAX_INLINE_MAP_CONCURRENCY);
    for (const [fn, sequence] of order) expect(sequence, fn).toEqual(input.functions.find((f) => f.function_arn === fn)!.memory_sizes);
    console.info(`root execution: ${history} history events (formula ${rootHistoryEvents(sizes)}, quota ${MAX_HISTORY_EVENTS}); largest payload ${largest.bytes} B (${largest.where})`);
  });

  it("configuration execution: 30 cold + 300 warm with every slot retried to its last attempt stays under 25,000 events", async () => {
    const calls = maxSamplerCalls(30, 300, MAX_ATTEMPTS_PER_SLOT);
    expect(calls).toBe(990);
    const fn = input.functions.find((f) => f.workload === "memory" && f.memory_sizes.includes(10240))!;
    const config = { ...input.run, configuration: { function_arn: fn.function_arn, runtime: fn.runtime, architecture: fn.architecture, workload: fn.workload, memory_mb: 10240 }, payload: fn.payload, expected_checksum: fn.expected_checksum };
    const events: ExecutionEvent[] = [];
    let made = 0;
    const output = await runStateMachine({
      definition: configurationDefinition(PARAMS),
      input: { config },
      executionName: "worst-case",
      stateMachineName: "matrix-configuration",
      region: REGION,
      onEvent: (e) => events.push(e),
      taskHandlers: {
        // Worst case: one attempt per call (every call hands back a continuation at once).
        Sample: async () => {
          made++;
          const continuation = { cold_done: Math.min(30, Math.floor(made / 3)), warm_done: Math.max(0, Math.floor(made / 3) - 30), slot_attempts: made % 3, next_seq: made };
          return { Payload: { done: made === calls, continuation, taken: { ok: 0, failed: 0, misclassified: 1 } } };
        },
        Aggregate: async () => ({ Payload: { n: { cold: 30, warm: 300 } } }),
      },
    });
    expect(made).toBe(calls);
    expect(output).toEqual({ n: { cold: 30, warm: 300 } });
    const { history, largest } = measure(events, []);
    // history.ts bounds it: the last call, done, goes to Aggregate without its Continue Pass (2 events).
    expect(history).toBe(configurationHistoryEvents(30, 300, MAX_ATTEMPTS_PER_SLOT) - 2);
    expect(history).toBeLessThan(HISTORY_BUDGET);
    expect(largest.bytes, largest.where).toBeLessThan(LIMIT_BYTES);
    console.info(`configuration execution: ${history} history events for ${calls} sampler calls (quota ${MAX_HISTORY_EVENTS}); largest payload ${largest.bytes} B (${largest.where})`);
  });
});
