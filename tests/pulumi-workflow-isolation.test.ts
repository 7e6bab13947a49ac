// The DEPLOYED definitions isolate contenders: the two state machines the Pulumi program registers
// (under mocks) are run as registered, in the local engine with faked AWS integrations and the
// real scorer. A contender returning 300 KB sinks only its own child execution; the parent ranks
// the others. The same checks on the harness's builders are in harness-definition-isolation.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResultDocument } from "../harness/contracts";
import { ExecutionInput } from "../harness/definition";
import { runStateMachine } from "../local/engine";
import type { TaskHandler } from "../local/task-handlers";
import { TWO_CONTENDERS, baseConfig, writeContendersRoot } from "./support/contender-fixtures";
import { FakeAws, type FakeFunction } from "./support/harness-fake-aws";
import { byName, loadProgram, type LoadedProgram } from "./support/pulumi-program";

let program: LoadedProgram;
const fixture = writeContendersRoot(TWO_CONTENDERS);
beforeAll(async () => {
  program = await loadProgram(baseConfig(fixture.root));
});
afterAll(() => fixture.cleanup());

describe("the deployed state machines", () => {
  it("turn one contender's 300 KB result into its failure row and rank the others", async () => {
    const parent = byName(program.resources, "aws:sfn/stateMachine:StateMachine", "benchmark");
    const child = byName(program.resources, "aws:sfn/stateMachine:StateMachine", "benchmark-contender");
    const input = ExecutionInput.parse(program.outputs.executionInput);
    const [sinking, ...honest] = input.contenders;
    const functions: Record<string, FakeFunction> = Object.fromEntries(
      input.contenders.map((c) => [c.function_arn, c === sinking ? { config: "zip", returns: () => ({ blob: "x".repeat(300 * 1024) }) } : { config: "zip" }]),
    );
    const aws = new FakeAws(functions);
    const output = await runStateMachine({
      definition: JSON.parse(parent.inputs.definition),
      stateMachines: { [child.state.arn]: JSON.parse(child.inputs.definition) },
      input,
      executionName: "deployed-1",
      stateMachineName: parent.inputs.name,
      region: "eu-west-1",
      taskHandlers: aws.handlers() as unknown as Record<string, TaskHandler>,
      retryIntervalMs: 0,
    });
    const document = ResultDocument.parse(output);
    expect(document.success.map((r) => r.contender).sort()).toEqual(honest.map((c) => c.name).sort());
    expect(document.failure).toEqual([
      { contender: sinking!.name, reason: expect.stringMatching(/^crash: the contender's results exceeded Step Functions' 256 KiB payload limit .*States\.DataLimitExceeded/) },
    ]);
  });
});
