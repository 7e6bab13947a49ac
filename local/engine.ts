// The local engine: runs the very ASL object that AWS runs, in aws-local-stepfunctions, with every
// Task state served by the Lambda sandboxes or the embedded S3 (see task-handlers.ts).
import "./polyfills";
import { ExecutionError, StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import type { S3Client } from "@aws-sdk/client-s3";
import { localTaskHandlers, type LambdaService, type TaskObserver } from "./task-handlers";

export const LOCAL_ACCOUNT = "000000000000";

/** The interpreter's event log entries we surface (a structural subset of its EventLog). */
export interface ExecutionEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  parentState?: { name: string };
  index?: number;
  Error?: string;
  Cause?: unknown;
}

export interface RunStateMachineOptions {
  definition: object;
  input: unknown;
  executionName: string;
  stateMachineName: string;
  region: string;
  lambda: LambdaService;
  s3: S3Client;
  onEvent?: (event: ExecutionEvent) => void;
  onTask?: TaskObserver;
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
  const taskResourceLocalHandlers = localTaskHandlers(definition, { lambda: options.lambda, s3: options.s3 }, options.onTask);
  const executionArn = `arn:aws:states:${options.region}:${LOCAL_ACCOUNT}:execution:${options.stateMachineName}:${options.executionName}`;
  const execution = machine.run(options.input as never, {
    overrides: { taskResourceLocalHandlers: taskResourceLocalHandlers as never },
    context: {
      Execution: { Id: executionArn, Name: options.executionName },
      StateMachine: {
        Id: `arn:aws:states:${options.region}:${LOCAL_ACCOUNT}:stateMachine:${options.stateMachineName}`,
        Name: options.stateMachineName,
      },
    },
  });
  const draining = (async () => {
    for await (const event of execution.eventLogs) options.onEvent?.(event as ExecutionEvent);
  })();
  try {
    return await execution.result;
  } catch (error) {
    if (error instanceof ExecutionError) {
      const cause = (error as { cause?: { name?: string; message?: string } }).cause;
      throw new ExecutionFailedError(cause?.name ?? "States.Runtime", cause?.message ?? error.message);
    }
    throw error;
  } finally {
    await draining.catch(() => undefined);
  }
}
