// What Ctrl-C does in `bench aws` (cli/aws-interrupt.ts), driven against real moto executions:
// the terminal path (ask y/N) cannot be reached from a child process without a pseudo-terminal,
// so the policy is exercised here directly with a scripted answer.
import { DescribeExecutionCommand, StartExecutionCommand, StopExecutionCommand, type SFNClient } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedS3, type EmbeddedS3 } from "../local/s3";
import { stopExecution } from "../cli/aws-execution";
import { handleInterrupts, type InterruptDecision, type InterruptOptions } from "../cli/aws-interrupt";
import { createStateMachine, enableExecution, sfnClient } from "./fixtures/sfn-moto";

let moto: EmbeddedS3;
beforeAll(async () => {
  moto = await startEmbeddedS3();
  await enableExecution(moto);
});
afterAll(async () => {
  await moto?.stop();
});

const HOLD = { StartAt: "Hold", States: { Hold: { Type: "Wait", Seconds: 120, End: true } } };
// One execution per region and server (moto 5.2.1, see fixtures/sfn-moto.ts).
const regions = ["eu-south-1", "me-south-1", "af-south-1", "ap-east-1"];

async function running(): Promise<{ client: SFNClient; executionArn: string }> {
  const client = sfnClient(moto, regions.shift()!);
  const stateMachineArn = await createStateMachine(client, "hold", HOLD);
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name: "held", input: "{}" }));
  return { client, executionArn: executionArn! };
}

const status = async (client: SFNClient, executionArn: string) =>
  (await client.send(new DescribeExecutionCommand({ executionArn }))).status;

function harness(overrides: Partial<InterruptOptions> & Pick<InterruptOptions, "executionArn" | "stop">) {
  const printed: string[] = [];
  const decisions: InterruptDecision[] = [];
  const handle = handleInterrupts(
    {
      interactive: true,
      ask: async () => false,
      print: (text) => printed.push(text),
      onDecision: (d) => decisions.push(d),
      ...overrides,
    },
    false,
  );
  return { handle, printed, decisions };
}

describe("Ctrl-C policy of bench aws", () => {
  it("on a terminal, 'y' stops the execution (it ends ABORTED)", async () => {
    const { client, executionArn } = await running();
    const questions: string[] = [];
    const { handle, decisions, printed } = harness({
      executionArn,
      ask: async (q) => (questions.push(q), true),
      stop: () => stopExecution(client, executionArn, "stopped with Ctrl-C in bench aws"),
    });
    expect(await handle.interrupt()).toBe("stop");
    expect(questions).toEqual(["Stop execution held? [y/N] "]);
    expect(handle.stopRequested).toBe(true);
    expect(decisions).toEqual(["stop"]);
    expect(printed.join("\n")).toContain("Stop requested");
    expect(await status(client, executionArn)).toBe("ABORTED");
  });

  it("on a terminal, 'N' keeps watching and leaves the execution running", async () => {
    const { client, executionArn } = await running();
    let stops = 0;
    const { handle, decisions } = harness({ executionArn, ask: async () => false, stop: async () => void stops++ });
    expect(await handle.interrupt()).toBe("continue");
    expect(decisions).toEqual(["continue"]);
    expect(stops).toBe(0);
    expect(await status(client, executionArn)).toBe("RUNNING");
    await client.send(new StopExecutionCommand({ executionArn }));
  });

  it("a second Ctrl-C while the question is open leaves without stopping", async () => {
    const { client, executionArn } = await running();
    let stops = 0;
    let aborted = false;
    const { handle, decisions, printed } = harness({
      executionArn,
      // Never answered: only the abort signal ends the question.
      ask: (_q, signal) =>
        new Promise<boolean>((_resolve, reject) =>
          signal.addEventListener("abort", () => ((aborted = true), reject(new Error("aborted")))),
        ),
      stop: async () => void stops++,
    });
    const first = handle.interrupt();
    expect(await handle.interrupt()).toBe("leave");
    expect(await first).toBe("leave");
    expect(aborted).toBe(true);
    expect(stops).toBe(0);
    expect(decisions).toEqual(["leave"]);
    expect(printed.filter((p) => p.includes("aws stepfunctions stop-execution"))).toHaveLength(1);
    expect(await status(client, executionArn)).toBe("RUNNING");
    await client.send(new StopExecutionCommand({ executionArn }));
  });

  it("without a terminal it never asks: prints the stop command and leaves", async () => {
    const executionArn = "arn:aws:states:eu-west-1:123456789012:execution:sm:x";
    let asked = false;
    const { handle, printed } = harness({
      executionArn,
      interactive: false,
      ask: async () => ((asked = true), true),
      stop: async () => {
        throw new Error("must not stop");
      },
    });
    expect(await handle.interrupt()).toBe("leave");
    expect(asked).toBe(false);
    expect(printed[0]).toContain(`aws stepfunctions stop-execution --region eu-west-1 --execution-arn '${executionArn}'`);
    handle.dispose();
  });

  it("a failed StopExecution is reported and leaves (the command to retry is printed)", async () => {
    const { client, executionArn } = await running();
    const bogus = executionArn.replace(":held", ":does-not-exist");
    const { handle, printed } = harness({
      executionArn: bogus,
      ask: async () => true,
      stop: () => stopExecution(client, bogus, "test"),
    });
    expect(await handle.interrupt()).toBe("leave");
    expect(printed[0]).toMatch(/^Could not stop the execution: .*does-not-exist/);
    expect(printed[1]).toContain("aws stepfunctions stop-execution");
    await client.send(new StopExecutionCommand({ executionArn }));
  });
});
