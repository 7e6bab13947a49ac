// Step Functions fails an execution (States.DataLimitExceeded, which no Catch can handle) when a
// state's input or output, or a Task's parameters or result, exceeds 256 KiB. Each successful run
// carries a ~5.5 KB log tail, so these tests run the definition with Lambda's maximal 4 KB tail on
// every run and measure every payload the interpreter reports: StateEntered / StateExited input
// and output (Map iterations included, nested ones too) and what each Task receives and returns.
import { describe, expect, it } from "vitest";
import { ResultDocument } from "../harness/contracts";
import { ExecutionInput, MAX_RUNS_PER_CONTENDER } from "../harness/definition";
import { FakeAws, jsonBytes, nameOf, runLocally, type ExecutionEvent, type FakeFunction } from "./support/harness-fake-aws";
import { arn, PARAMS } from "./support/harness-params";

const LIMIT_BYTES = 256 * 1024;
/** The base64 of a full 4 KB log tail. */
const MAXIMAL_LOG_CHARS = Math.ceil(4096 / 3) * 4;

interface Measured {
  bytes: number;
  where: string;
}

function largestPayload(events: readonly ExecutionEvent[], aws: FakeAws): { largest: Measured; statesSeen: Set<string> } {
  let largest: Measured = { bytes: 0, where: "" };
  const consider = (value: unknown, where: string) => {
    if (value === undefined) return;
    const bytes = jsonBytes(value);
    if (bytes > largest.bytes) largest = { bytes, where };
  };
  const statesSeen = new Set<string>();
  for (const event of events) {
    if (event.state) {
      statesSeen.add(event.state.name);
      consider(event.state.input, `${event.type} ${event.state.name} input`);
      consider(event.state.output, `${event.type} ${event.state.name} output`);
    }
    consider(event.input, `${event.type} input`);
    consider(event.output, `${event.type} output`);
  }
  for (const task of aws.taskPayloads) {
    if (task.inputBytes > largest.bytes) largest = { bytes: task.inputBytes, where: `${task.state} task parameters` };
    if (task.resultBytes > largest.bytes) largest = { bytes: task.resultBytes, where: `${task.state} task result` };
  }
  return { largest, statesSeen };
}

async function measure(names: string[], runsPerContender: number, executionName: string) {
  const functions: Record<string, FakeFunction> = Object.fromEntries(names.map((n) => [arn(n), { config: "zip" }]));
  const aws = new FakeAws(functions, { logTail: "maximal" });
  const input = ExecutionInput.parse({ contenders: Object.keys(functions).map((a) => ({ name: nameOf(a), function_arn: a })) });
  const { output, events } = await runLocally({ ...PARAMS, runsPerContender, maxConcurrency: 0 }, input, aws, executionName);
  const document = ResultDocument.parse(output);
  // Every contender really went through with its full logs (else the sizes would mean nothing).
  expect(document.success.map((r) => r.contender).sort()).toEqual([...names].sort());
  expect(document.success.every((r) => r.runs_count === runsPerContender)).toBe(true);
  // What the parent execution carries per contender: the RunContender state's output (the child's
  // ContenderScore beside the contender's name), and the Contenders Map's whole output.
  const exitOf = (state: string) => events.filter((e) => e.type === "StateExited" && e.state?.name === state).map((e) => jsonBytes(e.state!.output));
  const parent = { perContender: Math.max(...exitOf("RunContender")), contendersMap: Math.max(...exitOf("Contenders")) };
  return { ...largestPayload(events, aws), parent };
}

describe("payload sizes stay under Step Functions' 256 KiB", () => {
  it("8 contenders x 10 runs, every run with a maximal 4 KB log tail", async () => {
    const names = Array.from({ length: 8 }, (_, i) => `typescript-developer${i}-${i % 2 ? "x86_64" : "arm64"}`);
    const { largest, statesSeen, parent } = await measure(names, 10, "bench-2026-11-24T03-00-00Z-a1b2c3d4");
    // The measurement looked inside the child executions and their Map iterations, where the logs are.
    for (const state of ["InvokeContender", "RunOutcome", "Runs", "Validations", "ScoreContender", "RunContender", "Contenders", "Rank"]) {
      expect(statesSeen, state).toContain(state);
    }
    // The parent only ever holds small scores: ~1.5 KB per contender, whatever the runs carry.
    expect(parent.perContender).toBeLessThan(2_048);
    expect(parent.contendersMap).toBeLessThan(8 * 1_600);
    console.info(`parent execution: ${parent.perContender} bytes per contender (RunContender output), ${parent.contendersMap} bytes for 8 (Contenders output)`);
    // The largest payload is one contender's 10 logs (the old single Score task saw all 80).
    expect(largest.bytes).toBeGreaterThan(10 * MAXIMAL_LOG_CHARS);
    expect(largest.bytes).toBeLessThan(2 * 10 * MAXIMAL_LOG_CHARS);
    expect(largest.bytes, largest.where).toBeLessThan(LIMIT_BYTES);
    console.info(`8 x 10 maximal logs: largest payload ${largest.bytes} bytes (${largest.where}); limit ${LIMIT_BYTES}`);
  });

  it(`the worst case allowed: ${MAX_RUNS_PER_CONTENDER} runs per contender, 64-character names, an 80-character execution name`, async () => {
    const names = ["a", "b"].map((c) => `${c}${"x".repeat(63 - "-x86_64".length)}-x86_64`);
    expect(names.every((n) => n.length === 64)).toBe(true); // ExecutionContender's maximum
    const { largest } = await measure(names, MAX_RUNS_PER_CONTENDER, "e".repeat(80));
    expect(largest.bytes).toBeGreaterThan(MAX_RUNS_PER_CONTENDER * MAXIMAL_LOG_CHARS);
    // Headroom kept for failed runs' error causes (see harness/definition.ts).
    expect(largest.bytes, largest.where).toBeLessThan(LIMIT_BYTES - 40 * 1024);
    console.info(`${MAX_RUNS_PER_CONTENDER} runs, long names: largest payload ${largest.bytes} bytes (${largest.where}); limit ${LIMIT_BYTES}`);
  });
});
