// `bench matrix aws`: the runtime matrix deployed by `pulumi up` (matrix.enabled). From the stack
// outputs it prints the same forecast as the local run and asks before starting (unless --yes),
// starts the root state machine (or attaches with --execution), follows the configurations from
// the execution's history, then reads the result document from the results table and prints the
// same summary as the local run. --from-table rebuilds the document of a past run from the table.
//
// It reuses `bench aws`'s mechanisms: the outputs loader, StartExecution/watch/stop, the failure
// messages and the Ctrl-C policy (cli/aws-*.ts); only the tracker and the document differ.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { z } from "zod";
import { MatrixExecutionInput, parsePayload } from "../harness/matrix/contracts";
import { estimateRun } from "../harness/matrix/estimate";
import { readResultDocument } from "../harness/matrix/results-table";
import type { MatrixResultDocument } from "../harness/matrix/result-document";
import { EXIT, UsageError, parseCommandArgs, positiveNumber } from "./args";
import { ensureSucceeded, executionName, startExecution, stopExecution, watchExecution } from "./aws-execution";
import { askOnTerminal, handleInterrupts, type InterruptDecision } from "./aws-interrupt";
import { StateMachineArn, checkExecutionArn, jsonOrValue, loadOutputs, regionOfArn } from "./aws-outputs";
import { MatrixHistoryTracker } from "./matrix-aws-history";
import { formatEstimate, renderSummary } from "./matrix-output";
import { ProgressReporter } from "./progress";
import { keepRunResult } from "./results-store";
import { parseJsonText } from "./task-error";

const COMMAND = "bench matrix aws";

export const usage = `usage: pulumi stack output --json | bench matrix aws [options]
       bench matrix aws --execution <execution-arn> [options]
       pulumi stack output --json | bench matrix aws --from-table <run-id> [--out <file>]

Runs the deployed runtime matrix (pulumi config set --path matrix.enabled true; pulumi up):
prints the forecast of the stack's execution input (matrix.mode), asks before starting, starts
the root state machine, follows its configurations, prints the summary on stdout and writes the
result document with --out. Every run gets its own run id (= its execution name).

options:
  --outputs <file>        stack outputs (\`pulumi stack output --json\`) instead of stdin; needs
                          matrixStateMachineArn, matrixExecutionInput and resultsTableName
  --execution <arn>       attach to an execution that is already running (or finished)
  --from-table <run-id>   no execution: rebuild the result document of a past run from the table
  --name <name>           execution name = run id (default matrix-<UTC time>-<random>)
  --yes                   start without asking (required without a terminal)
  --out <file>            write the result document (JSON) there (a run's is also kept under
                          results/ for bench report --history)
  --poll-seconds <s>      how often to poll the execution (default 10)
  -h, --help              this help

The region is the one in the state machine ARN; credentials and endpoint come from the usual AWS
environment (AWS_PROFILE, AWS_ENDPOINT_URL_SFN, AWS_ENDPOINT_URL_DYNAMODB, ...).
Ctrl-C: as in bench aws (on a terminal, asks whether to stop; otherwise leaves the run going,
prints how to stop it or attach again, exits 130).

exit codes: 0 the run completed (failed samples are results), 1 it failed, timed out or was
aborted, 2 usage error or not confirmed, 130 interrupted.`;

export const MatrixStackOutputs = z.object({
  matrixStateMachineArn: StateMachineArn,
  matrixExecutionInput: jsonOrValue(MatrixExecutionInput),
  resultsTableName: z.string().min(1),
});

/** Functions sampled at once: the root definition's Map concurrency (the stack's matrix.parallel). */
async function parallelOf(client: SFNClient, stateMachineArn: string): Promise<number> {
  const described = await client.send(new DescribeStateMachineCommand({ stateMachineArn }));
  const definition = parseJsonText(described.definition) as { States?: { Functions?: { MaxConcurrency?: unknown } } } | undefined;
  const parallel = definition?.States?.Functions?.MaxConcurrency;
  if (typeof parallel !== "number" || parallel < 1) throw new Error(`${stateMachineArn} is not the matrix's root state machine (no Functions map with a MaxConcurrency)`);
  return parallel;
}

async function writeDocument(document: MatrixResultDocument, out: string | undefined): Promise<void> {
  process.stdout.write(`${renderSummary(document)}\n`);
  if (out === undefined) return;
  await mkdir(dirname(resolve(out)), { recursive: true });
  await writeFile(out, `${JSON.stringify(document, null, 2)}\n`);
  process.stderr.write(`result document written to ${out}\n`);
}

/**
 * Entered from `bench matrix aws` (cli/matrix.ts). A usage error is printed here with THIS
 * command's usage (the entry would print the local run's), then exits 2.
 */
export async function run(argv: string[]): Promise<number> {
  try {
    return await runAws(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${COMMAND}: ${error.message}\n${error.showUsage ? `\n${usage}\n` : ""}`);
    return EXIT.usage;
  }
}

async function runAws(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      outputs: { type: "string" },
      execution: { type: "string" },
      "from-table": { type: "string" },
      name: { type: "string" },
      yes: { type: "boolean" },
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
  const pollMs = (positiveNumber(flags["poll-seconds"], "poll-seconds") ?? 10) * 1000;
  if (flags.execution !== undefined) {
    for (const flag of ["outputs", "name", "from-table"] as const)
      if (flags[flag] !== undefined) throw new UsageError(`--${flag} cannot go with --execution (it attaches to a run that exists)`);
    checkExecutionArn(flags.execution);
  }
  if (flags["from-table"] !== undefined && flags.name !== undefined) throw new UsageError("--name starts a new execution: it cannot go with --from-table");

  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (flags["from-table"] !== undefined) {
    const outputs = await loadOutputs(MatrixStackOutputs, COMMAND, flags.outputs);
    const dynamo = new DynamoDBClient({ region: regionOfArn(outputs.matrixStateMachineArn) });
    try {
      await writeDocument(await readResultDocument(dynamo, outputs.resultsTableName, flags["from-table"]), flags.out);
    } finally {
      dynamo.destroy();
    }
    return EXIT.ok;
  }

  const progress = new ProgressReporter();
  let client: SFNClient | undefined;
  let dynamo: DynamoDBClient | undefined;
  try {
    let executionArn: string;
    let hello: string;
    if (flags.execution !== undefined) {
      executionArn = flags.execution;
      client = new SFNClient({ region: regionOfArn(executionArn) });
      hello = `attached to ${executionArn}`;
    } else {
      const outputs = await loadOutputs(MatrixStackOutputs, COMMAND, flags.outputs);
      const name = flags.name ?? executionName().replace(/^bench-/, "matrix-");
      // The exported input carries a placeholder run id: each execution is its own run.
      const input = parsePayload(MatrixExecutionInput, { ...outputs.matrixExecutionInput, run: { ...outputs.matrixExecutionInput.run, run_id: name } }, "execution input");
      client = new SFNClient({ region: regionOfArn(outputs.matrixStateMachineArn) });
      const parallel = await parallelOf(client, outputs.matrixStateMachineArn);
      log(formatEstimate(input, estimateRun(input, parallel), parallel));
      if (!flags.yes) {
        if (!process.stderr.isTTY) {
          log(`${COMMAND}: not started: no terminal to confirm on; pass --yes to start without asking`);
          return EXIT.usage;
        }
        if (!(await askOnTerminal("start the run on AWS? [y/N] ", new AbortController().signal))) {
          log("not started");
          return EXIT.usage;
        }
      }
      executionArn = await startExecution(client, outputs.matrixStateMachineArn, input, name);
      hello = `started ${executionArn} (run ${name}, results in ${outputs.resultsTableName})`;
    }

    const sfn = client;
    const interrupted = new AbortController();
    const interrupts = handleInterrupts({
      interactive: Boolean(process.stderr.isTTY),
      ask: async (question, signal) => {
        progress.suspend();
        try {
          return await askOnTerminal(question, signal);
        } finally {
          progress.resume();
        }
      },
      stop: () => stopExecution(sfn, executionArn, `stopped with Ctrl-C in ${COMMAND}`),
      print: (text) => progress.note(text),
      executionArn,
      attachCommand: COMMAND,
      onDecision: (decision: InterruptDecision) => {
        if (decision === "leave") interrupted.abort(decision);
      },
    });
    // Said once Ctrl-C is handled: from here on an interrupt never loses the execution's ARN.
    progress.note(hello);
    let described;
    try {
      described = await watchExecution(client, executionArn, progress, { pollMs, signal: interrupted.signal, tracker: MatrixHistoryTracker.factory });
    } catch (error) {
      if (interrupted.signal.aborted) return EXIT.interrupted;
      throw error;
    } finally {
      interrupts.dispose();
    }
    if (interrupts.stopRequested && described.status !== "SUCCEEDED") {
      progress.note(`stopped: ${executionArn} ended ${described.status}`);
      return EXIT.interrupted;
    }
    await ensureSucceeded(client, described);
    // The document is read from the table: a production document is far over Step Functions' 256 KiB.
    const { run: settings } = parsePayload(MatrixExecutionInput, parseJsonText(described.input), "input of the execution");
    dynamo = new DynamoDBClient({ region: regionOfArn(executionArn) });
    const document = await readResultDocument(dynamo, settings.table, settings.run_id);
    progress.close();
    await writeDocument(document, flags.out);
    // Kept like every run's document, for bench report --history (a failure to keep only warns).
    await keepRunResult("matrix", document);
    return EXIT.ok;
  } finally {
    progress.close();
    client?.destroy();
    dynamo?.destroy();
  }
}
