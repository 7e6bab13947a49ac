// The local engine: runs the very ASL object that AWS runs, in aws-local-stepfunctions, with every
// Task state served by the Lambda sandboxes or the embedded S3 (see task-handlers.ts), and a
// child execution (states:startExecution.sync:2) served by running the child's definition here.
import "./polyfills";
import { randomUUID } from "node:crypto";
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import type { S3Client } from "@aws-sdk/client-s3";
import { localTaskHandlers, MAX_TASK_RESULT_BYTES, TaskFailure, type LambdaService, type TaskHandler, type TaskObserver } from "./task-handlers";

export const LOCAL_ACCOUNT = "000000000000";

/** The interpreter's event log entries we surface (a structural subset of its EventLog). */
export interface ExecutionEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  parentState?: { name: string };
  index?: number;
  /** ExecutionStarted's input, ExecutionSucceeded's output. */
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
}

export interface RunStateMachineOptions {
  definition: object;
  input: unknown;
  executionName: string;
  stateMachineName: string;
  region: string;
  lambda?: LambdaService;
  s3?: S3Client;
  /**
   * Task handlers by state name that replace the Lambda/S3-backed ones (tests fake AWS with
   * these and still run the engine's child executions, payload checks and error shapes).
   */
  taskHandlers?: Record<string, TaskHandler>;
  /** Wait before every Retry attempt, instead of the definition's IntervalSeconds (tests: 0). */
  retryIntervalMs?: number;
  onEvent?: (event: ExecutionEvent) => void;
  onTask?: TaskObserver;
  /** State machines the definition may start as child executions, by ARN (the same engine runs them). */
  stateMachines?: Record<string, object>;
}

export class ExecutionFailedError extends Error {
  constructor(
    readonly error: string,
    readonly causeText: string,
  ) {
    super(`execution failed: ${error}: ${causeText}`);
    this.name = "ExecutionFailedError";
  }
}

/** Runs one execution to its end; resolves with the output, rejects with ExecutionFailedError. */
export async function runStateMachine(options: RunStateMachineOptions): Promise<unknown> {
  const definition = options.definition as StateMachineDefinition;
  const machine = new StateMachine(definition);
  const taskResourceLocalHandlers = localTaskHandlers(
    definition,
    { lambda: options.lambda, s3: options.s3, startExecution: (arn, input) => runChildExecution(options, arn, input) },
    options.onTask,
    options.taskHandlers,
  );
  const retryIntervalOverrides =
    options.retryIntervalMs === undefined
      ? undefined
      : Object.fromEntries(Object.keys(taskResourceLocalHandlers).map((name) => [name, options.retryIntervalMs!]));
  const executionArn = `arn:aws:states:${options.region}:${LOCAL_ACCOUNT}:execution:${options.stateMachineName}:${options.executionName}`;
  const execution = machine.run(options.input as never, {
    overrides: { taskResourceLocalHandlers: taskResourceLocalHandlers as never, ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}) },
    context: {
      Execution: { Id: executionArn, Name: options.executionName },
      StateMachine: {
        Id: stateMachineArn(options.region, options.stateMachineName),
        Name: options.stateMachineName,
      },
    },
  });
  // Step Functions fails an execution, uncatchably, whose state input or output exceeds 256 KiB.
  // The interpreter has no such limit; Task results are checked where they are produced
  // (task-handlers.ts), every other state output here, which ends the execution the same way.
  let oversized: { state: string; bytes: number } | undefined;
  const draining = (async () => {
    for await (const event of execution.eventLogs) {
      const e = event as ExecutionEvent;
      if (!oversized && e.type === "StateExited" && e.state) {
        const bytes = Buffer.byteLength(JSON.stringify(e.state.output) ?? "", "utf8");
        if (bytes > MAX_TASK_RESULT_BYTES) {
          oversized = { state: e.state.name, bytes };
          execution.abort();
        }
      }
      options.onEvent?.(e);
    }
  })();
  const dataLimitExceeded = () =>
    new ExecutionFailedError(
      "States.DataLimitExceeded",
      `The state '${oversized!.state}' produced an output of ${oversized!.bytes} bytes, over the ${MAX_TASK_RESULT_BYTES}-byte Step Functions payload quota`,
    );
  let output: unknown;
  try {
    output = await execution.result;
  } catch (error) {
    // A failed execution schedules nothing more, as on AWS; the interpreter would otherwise go on
    // starting the Map iterations still queued (e.g. the remaining runs of a sunk contender).
    execution.abort();
    if (oversized) throw dataLimitExceeded();
    if (error instanceof ExecutionTimeoutError) throw new ExecutionFailedError("States.Timeout", "The execution ran past its TimeoutSeconds");
    if (error instanceof ExecutionError) {
      const cause = (error as { cause?: { name?: string; message?: string } }).cause;
      throw new ExecutionFailedError(cause?.name ?? "States.Runtime", cause?.message ?? error.message);
    }
    if (error instanceof ExecutionAbortedError) throw new ExecutionFailedError("States.Aborted", "The execution was aborted");
    throw error;
  } finally {
    await draining.catch(() => undefined);
  }
  // The last state's output is only seen once the log is drained: the execution may have ended.
  if (oversized) throw dataLimitExceeded();
  return output;
}

const stateMachineArn = (region: string, name: string) => `arn:aws:states:${region}:${LOCAL_ACCOUNT}:stateMachine:${name}`;

/**
 * The `states:startExecution.sync:2` integration: runs the child to its end in this engine and
 * returns what AWS returns, the DescribeExecution response with `Output` as JSON; a child that
 * fails fails the Task with States.TaskFailed and that response, naming the child's Error and
 * Cause, as a JSON Cause.
 */
async function runChildExecution(parent: RunStateMachineOptions, arn: string, input: unknown): Promise<unknown> {
  const definition = parent.stateMachines?.[arn];
  if (!definition) throw new TaskFailure("StepFunctions.StateMachineDoesNotExistException", `State Machine Does Not Exist: '${arn}'`);
  const name = randomUUID();
  const stateMachineName = arn.slice(arn.lastIndexOf(":") + 1);
  const described = {
    ExecutionArn: `arn:aws:states:${parent.region}:${LOCAL_ACCOUNT}:execution:${stateMachineName}:${name}`,
    StateMachineArn: arn,
    Name: name,
    StartDate: Date.now(),
    Input: input,
    InputDetails: { Included: true },
  };
  try {
    const output = await runStateMachine({ ...parent, definition, input, executionName: name, stateMachineName });
    return { ...described, Status: "SUCCEEDED", StopDate: Date.now(), Output: output, OutputDetails: { Included: true } };
  } catch (error) {
    if (!(error instanceof ExecutionFailedError)) throw error;
    const status = error.error === "States.Timeout" ? "TIMED_OUT" : error.error === "States.Aborted" ? "ABORTED" : "FAILED";
    throw new TaskFailure(
      "States.TaskFailed",
      JSON.stringify({ ...described, Input: JSON.stringify(input), Status: status, StopDate: Date.now(), Error: error.error, Cause: error.causeText }),
    );
  }
}
