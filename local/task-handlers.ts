// Maps every Task state of a definition to a local handler chosen by its `Resource`, and shapes
// each result (and each error) the way the Step Functions integration does on AWS, so one ASL
// definition behaves the same in both engines.
import * as S3 from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";

/** What the engine needs from the Lambda sandboxes (`local/lambda`), mirroring the Lambda API. */
export interface LambdaService {
  getFunctionConfiguration(nameOrArn: string): Promise<object>;
  invoke(
    nameOrArn: string,
    payload: unknown,
    options?: { logType?: "Tail" | "None" },
  ): Promise<{ StatusCode: number; ExecutedVersion: string; Payload: string; FunctionError?: string; LogResult?: string }>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type TaskHandler = (input: Json) => Promise<Json>;

interface AslState {
  Type: string;
  Resource?: string;
  ItemProcessor?: AslMachine;
  Iterator?: AslMachine;
  Branches?: AslMachine[];
}
interface AslMachine {
  States: Record<string, AslState>;
}

/** A Task failure as Step Functions reports it: `name` becomes `Error`, `message` becomes `Cause`. */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * Step Functions' payload quota: a Task result (what the integration returns, before
 * ResultSelector) over 256 KiB fails the Task with States.DataLimitExceeded, which no Catch, not
 * even States.ALL, can catch: the whole execution fails. A contender returning a big value from
 * its handler would do that on AWS; the local engine does the same, so `bench local` shows it.
 * Source: https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html (payload size)
 * and https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html.
 */
export const MAX_TASK_RESULT_BYTES = 256 * 1024;

/** A failure no Catch or Retry handles (aws-local-stepfunctions reads these two getters). */
export class TerminalTaskFailure extends TaskFailure {
  get isCatchable(): boolean {
    return false;
  }
  get isRetryable(): boolean {
    return false;
  }
}

function checkResultSize(stateName: string, result: Json): Json {
  const bytes = Buffer.byteLength(JSON.stringify(result) ?? "", "utf8");
  if (bytes > MAX_TASK_RESULT_BYTES) {
    throw new TerminalTaskFailure(
      "States.DataLimitExceeded",
      `The state/task '${stateName}' returned a result of ${bytes} bytes, over the ${MAX_TASK_RESULT_BYTES}-byte ` +
        "Step Functions payload quota (a Lambda's return value counts in full, before ResultSelector)",
    );
  }
  return result;
}

/** Every Task state in the machine and its nested Map/Parallel machines, by state name. */
export function taskStates(machine: AslMachine): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (m: AslMachine) => {
    for (const [name, state] of Object.entries(m.States)) {
      if (state.Type === "Task" && state.Resource) found.set(name, state.Resource);
      const nested = state.ItemProcessor ?? state.Iterator;
      if (nested) visit(nested);
      for (const branch of state.Branches ?? []) visit(branch);
    }
  };
  visit(machine);
  return found;
}

const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
const START_EXECUTION_SYNC = "arn:aws:states:::states:startExecution.sync:2";

/** What the engine needs besides Lambda and S3: running a child execution to its end (engine.ts). */
export type StartExecutionSync = (stateMachineArn: string, input: unknown) => Promise<unknown>;
export interface TaskServices {
  lambda?: LambdaService;
  s3?: S3Client;
  startExecution?: StartExecutionSync;
}
const SDK_PREFIX = "arn:aws:states:::aws-sdk:";

/** Sees every Task call with its (post-Parameters) input and its outcome: for progress lines. */
export type TaskObserver = (
  call: { stateName: string; input: Json } & ({ phase: "started" } | { phase: "ended"; output: Json } | { phase: "failed"; error: { Error: string; Cause: string } }),
) => void;

/** Builds `taskResourceLocalHandlers` for aws-local-stepfunctions; unknown resources fail early. */
export function localTaskHandlers(
  machine: AslMachine,
  services: TaskServices,
  observe?: TaskObserver,
  overrides: Record<string, TaskHandler> = {},
): Record<string, TaskHandler> {
  const handlers: Record<string, TaskHandler> = {};
  for (const [stateName, resource] of taskStates(machine)) {
    const serve = overrides[stateName] ?? handlerFor(stateName, resource, services);
    const handler: TaskHandler = async (input) => checkResultSize(stateName, await serve(input));
    handlers[stateName] = !observe
      ? handler
      : async (input) => {
          observe({ stateName, input, phase: "started" });
          try {
            const output = await handler(input);
            observe({ stateName, input, phase: "ended", output });
            return output;
          } catch (error) {
            const e = error instanceof Error ? error : new Error(String(error));
            observe({ stateName, input, phase: "failed", error: { Error: e.name, Cause: e.message } });
            throw error;
          }
        };
  }
  return handlers;
}

function handlerFor(stateName: string, resource: string, services: TaskServices): TaskHandler {
  const { lambda, s3 } = services;
  if (resource === LAMBDA_INVOKE && lambda) return (input) => invokeLambda(lambda, input);
  const startExecution = services.startExecution;
  if (resource === START_EXECUTION_SYNC && startExecution) {
    return async (input) => {
      const params = input && typeof input === "object" && !Array.isArray(input) ? input : {};
      if (typeof params.StateMachineArn !== "string") throw new TaskFailure("States.Runtime", "StateMachineArn must be a string");
      return JSON.parse(JSON.stringify(await startExecution(params.StateMachineArn, params.Input ?? {}))) as Json;
    };
  }
  if (resource.startsWith(SDK_PREFIX)) {
    const [service, action] = resource.slice(SDK_PREFIX.length).split(":");
    if (service === "lambda" && action === "getFunctionConfiguration" && lambda) {
      return async (input) => getFunctionConfiguration(lambda, input);
    }
    if (service === "s3" && action && s3) return s3Call(s3, action);
  }
  throw new Error(`the local engine has no handler for Task state '${stateName}' (resource ${resource})`);
}

function functionName(input: Json): string {
  const name = input && typeof input === "object" && !Array.isArray(input) ? input.FunctionName : undefined;
  if (typeof name !== "string") throw new TaskFailure("States.Runtime", "FunctionName must be a string");
  return name;
}

function serviceError(service: string, error: unknown): TaskFailure {
  const name = error instanceof Error ? error.name : "Exception";
  const message = error instanceof Error ? error.message : String(error);
  return new TaskFailure(`${service}.${name}`, message);
}

/**
 * The optimized Lambda integration: the result carries the parsed Payload; a function error fails
 * the Task with Error = the function's errorType and Cause = its error payload (a JSON string).
 */
async function invokeLambda(lambda: LambdaService, input: Json): Promise<Json> {
  const name = functionName(input);
  const params = input as { [key: string]: Json };
  const logType = params.LogType === "Tail" ? "Tail" : "None";
  let response;
  try {
    response = await lambda.invoke(name, params.Payload ?? {}, { logType });
  } catch (error) {
    throw serviceError("Lambda", error);
  }
  if (response.FunctionError) {
    let errorType: string | undefined;
    try {
      const parsed = JSON.parse(response.Payload) as { errorType?: unknown };
      if (typeof parsed.errorType === "string" && parsed.errorType) errorType = parsed.errorType;
    } catch {
      // not JSON: no error type
    }
    if (errorType) throw new TaskFailure(errorType, response.Payload);
    throw new TaskFailure(
      "Lambda.Unknown",
      `The cause could not be determined because Lambda did not return an error type. Returned payload: ${response.Payload}`,
    );
  }
  let payload: Json;
  try {
    payload = JSON.parse(response.Payload) as Json;
  } catch {
    payload = response.Payload;
  }
  const result: { [key: string]: Json } = {
    ExecutedVersion: response.ExecutedVersion,
    Payload: payload,
    SdkHttpMetadata: { HttpStatusCode: response.StatusCode },
    SdkResponseMetadata: { RequestId: "local" },
    StatusCode: response.StatusCode,
  };
  if (response.LogResult !== undefined) result.LogResult = response.LogResult;
  return result;
}

async function getFunctionConfiguration(lambda: LambdaService, input: Json): Promise<Json> {
  try {
    return JSON.parse(JSON.stringify(await lambda.getFunctionConfiguration(functionName(input)))) as Json;
  } catch (error) {
    throw error instanceof TaskFailure ? error : serviceError("Lambda", error);
  }
}

/** `aws-sdk:s3:<action>`: the same-named SDK v3 command against the embedded S3. */
function s3Call(client: S3Client, action: string): TaskHandler {
  const commandName = `${action[0]!.toUpperCase()}${action.slice(1)}Command`;
  const Command = (S3 as unknown as Record<string, new (input: unknown) => S3.DeleteObjectCommand>)[commandName];
  if (typeof Command !== "function") throw new Error(`no S3 command ${commandName} for resource aws-sdk:s3:${action}`);
  return async (input) => {
    try {
      const { $metadata: _metadata, ...output } = await client.send(new Command(input));
      return JSON.parse(JSON.stringify(output)) as Json;
    } catch (error) {
      throw serviceError("S3", error);
    }
  };
}
