// `bench aws`: runs the deployed benchmark. Starts an execution of the stack's state machine (or
// attaches to one), shows progress from its history, prints the ranked table, writes --out.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { SFNClient } from "@aws-sdk/client-sfn";
import { lambdaRatesFor } from "../harness/pricing";
import { EXIT, UsageError, parseCommandArgs, positiveNumber } from "./args";
import { executionResult, startExecution, stopExecution, watchExecution } from "./aws-execution";
import { askOnTerminal, handleInterrupts, type InterruptDecision } from "./aws-interrupt";
import { checkExecutionArn, loadStackOutputs, regionOfArn, selectContenders } from "./aws-outputs";
import { ProgressReporter, reportScores } from "./progress";
import { keepRunResult } from "./results-store";
import { renderResultTable, useColor } from "./table";

export const usage = `usage: pulumi stack output --json | bench aws [options]
       bench aws --outputs <outputs.json> [options]
       bench aws --execution <execution-arn> [options]

Starts one execution of the deployed benchmark state machine, shows progress until it ends,
prints the ranked table on stdout and writes the result document with --out.

options:
  --outputs <file>        stack outputs (\`pulumi stack output --json\`) instead of stdin; needs
                          stateMachineArn, bucketName and executionInput
  --execution <arn>       attach to an execution that is already running (or finished)
  --contenders <a,b>      run only these contenders (<lang>-<dev_id> selects every architecture)
  --name <name>           execution name (default bench-<UTC time>-<random>)
  --out <file>            write the result document (JSON) there (it is also kept under
                          results/ for bench report --history)
  --poll-seconds <s>      how often to poll the execution (default 2)
  -h, --help              this help

The region is the one in the state machine ARN; credentials and endpoint come from the usual AWS
environment (AWS_PROFILE, AWS_ENDPOINT_URL_SFN, ...).

Ctrl-C: on a terminal, asks whether to stop the execution (y: stop it, N: keep watching).
Without a terminal (CI, pipes) it leaves the execution running, prints the
\`aws stepfunctions stop-execution\` command and how to attach again, and exits 130.

exit codes: 0 the execution succeeded (contender failures are results), 1 it failed, timed out,
was aborted or returned no valid result document, 2 usage error, 130 interrupted.`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      outputs: { type: "string" },
      execution: { type: "string" },
      contenders: { type: "string" },
      name: { type: "string" },
      out: { type: "string" },
      "poll-seconds": { type: "string" },
    },
    { min: 0, max: 0 },
  );
  if (parsed === "help") {
    process.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const flags = parsed.values;
  const pollMs = (positiveNumber(flags["poll-seconds"], "poll-seconds") ?? 2) * 1000;
  if (flags.execution !== undefined) {
    for (const flag of ["outputs", "contenders", "name"] as const) {
      if (flags[flag] !== undefined) throw new UsageError(`--${flag} starts a new execution: it cannot go with --execution`);
    }
    checkExecutionArn(flags.execution);
  }

  const progress = new ProgressReporter();
  let client: SFNClient | undefined;
  try {
    let executionArn: string;
    if (flags.execution !== undefined) {
      executionArn = flags.execution;
      client = new SFNClient({ region: regionOfArn(executionArn) });
      progress.note(`attached to ${executionArn}`);
    } else {
      const outputs = await loadStackOutputs(flags.outputs);
      const filter = flags.contenders?.split(",").map((s) => s.trim()).filter(Boolean);
      const input = selectContenders(outputs.executionInput, filter);
      const region = regionOfArn(outputs.stateMachineArn);
      // The scorer refuses an unpriced region only in the execution's last state, after the runs
      // were paid for: refuse it before starting anything.
      lambdaRatesFor(region);
      client = new SFNClient({ region });
      executionArn = await startExecution(client, outputs.stateMachineArn, input, flags.name);
      progress.note(`started ${executionArn} (${input.contenders.length} contenders, bucket ${outputs.bucketName})`);
    }

    const sfn = client;
    const interrupted = new AbortController();
    const stopInterrupts = handleInterrupts({
      interactive: Boolean(process.stderr.isTTY),
      ask: async (question, signal) => {
        progress.suspend();
        try {
          return await askOnTerminal(question, signal);
        } finally {
          progress.resume();
        }
      },
      stop: () => stopExecution(sfn, executionArn, "stopped with Ctrl-C in bench aws"),
      print: (text) => progress.note(text),
      executionArn,
      onDecision: (decision: InterruptDecision) => {
        if (decision === "leave") interrupted.abort(decision);
      },
    });
    let described;
    try {
      described = await watchExecution(client, executionArn, progress, { pollMs, signal: interrupted.signal });
    } catch (error) {
      if (interrupted.signal.aborted) return EXIT.interrupted;
      throw error;
    } finally {
      stopInterrupts.dispose();
    }
    if (stopInterrupts.stopRequested && described.status !== "SUCCEEDED") {
      progress.note(`stopped: ${executionArn} ended ${described.status}`);
      return EXIT.interrupted;
    }

    const result = await executionResult(client, described);
    reportScores(progress, result);
    progress.close();
    process.stdout.write(renderResultTable(result, { color: useColor(process.stdout) }));
    if (flags.out !== undefined) {
      await mkdir(dirname(flags.out), { recursive: true });
      await writeFile(flags.out, `${JSON.stringify(result, null, 2)}\n`);
      process.stderr.write(`result document written to ${flags.out}\n`);
    }
    await keepRunResult("contest", result);
    return EXIT.ok;
  } finally {
    progress.close();
    client?.destroy();
  }
}

