// What Ctrl-C does while `bench aws` watches an execution.
//
// Decision: stopping an execution throws away the whole run, while leaving it running only costs
// the remaining invocations (bounded by the state machine's own timeouts) and it can be attached
// to again. So we stop only on an explicit "y" typed on a terminal. Without a terminal (CI job
// cancelled, output piped) nobody can answer: we leave the execution running, print the
// `aws stepfunctions stop-execution` command and `bench aws --execution <arn>`, and exit 130.
// A second Ctrl-C while the question is open (or while a stop is in flight) exits the same way.
import { openSync } from "node:fs";
import { createInterface } from "node:readline";
import { ReadStream } from "node:tty";
import { stopCommand } from "./aws-execution";

/** leave: exit 130 now; stop: StopExecution was sent, keep watching until ABORTED; continue: keep watching. */
export type InterruptDecision = "leave" | "stop" | "continue";

export interface InterruptOptions {
  /** A human can answer (stderr is a terminal). */
  interactive: boolean;
  /** Asks a yes/no question; resolves true for yes. Aborted when Ctrl-C is pressed again. */
  ask: (question: string, signal: AbortSignal) => Promise<boolean>;
  stop: () => Promise<void>;
  print: (text: string) => void;
  executionArn: string;
  onDecision: (decision: InterruptDecision) => void;
  /** The command that attaches again (default `bench aws`; the matrix's is `bench matrix aws`). */
  attachCommand?: string;
}

export interface InterruptHandle {
  /** Handles one Ctrl-C (what the SIGINT listener calls; exported for tests). */
  interrupt(): Promise<InterruptDecision>;
  readonly stopRequested: boolean;
  /** Removes the SIGINT listener. */
  dispose(): void;
}

export function leaveMessage(executionArn: string, attachCommand = "bench aws"): string {
  return [
    "Interrupted: the execution keeps running. To stop it:",
    `  ${stopCommand(executionArn)}`,
    "To watch it again:",
    `  ${attachCommand} --execution '${executionArn}'`,
  ].join("\n");
}

/** Installs a SIGINT listener implementing the policy above (`listen: false` for tests). */
export function handleInterrupts(options: InterruptOptions, listen = true): InterruptHandle {
  let question: AbortController | undefined;
  let stopRequested = false;
  let left = false;

  const decide = (decision: InterruptDecision): InterruptDecision => {
    if (decision === "leave") {
      if (left) return decision;
      left = true;
      options.print(leaveMessage(options.executionArn, options.attachCommand));
    }
    options.onDecision(decision);
    return decision;
  };

  const interrupt = async (): Promise<InterruptDecision> => {
    if (left) return "leave";
    if (question || stopRequested || !options.interactive) {
      question?.abort();
      return decide("leave");
    }
    question = new AbortController();
    let yes = false;
    try {
      yes = await options.ask(`Stop execution ${options.executionArn.split(":").pop()}? [y/N] `, question.signal);
    } catch {
      yes = false; // aborted by a second Ctrl-C (already decided) or no terminal to read from
    }
    const aborted = question.signal.aborted;
    question = undefined;
    if (aborted || left) return "leave";
    if (!yes) {
      options.print("Not stopped; still watching (Ctrl-C again to be asked again).");
      return decide("continue");
    }
    try {
      await options.stop();
    } catch (error) {
      options.print(`Could not stop the execution: ${(error as Error).message}`);
      return decide("leave");
    }
    stopRequested = true;
    options.print("Stop requested; waiting for the execution to end.");
    return decide("stop");
  };

  const listener = () => void interrupt();
  if (listen) process.on("SIGINT", listener);
  return {
    interrupt,
    get stopRequested() {
      return stopRequested;
    },
    dispose: () => {
      question?.abort();
      process.off("SIGINT", listener);
    },
  };
}

/**
 * Asks on the controlling terminal (/dev/tty), not stdin: stdin is usually the pipe the stack
 * outputs came from. No terminal to read from counts as "no".
 */
export async function askOnTerminal(question: string, signal: AbortSignal): Promise<boolean> {
  let input: ReadStream;
  try {
    input = new ReadStream(openSync("/dev/tty", "r"));
  } catch {
    return false;
  }
  const rl = createInterface({ input, output: process.stderr, terminal: false });
  try {
    process.stderr.write(question);
    const answer = await new Promise<string>((resolve, reject) => {
      signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
      rl.once("line", resolve);
      rl.once("close", () => resolve(""));
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
    input.destroy();
  }
}
