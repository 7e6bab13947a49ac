// A loopback Lambda API endpoint in front of LambdaSandboxes: the REST-JSON operations the AWS SDK
// sends for Invoke, GetFunctionConfiguration and UpdateFunctionConfiguration, so a sandboxed
// function that calls the Lambda API (the matrix's sampler) works unchanged with
// AWS_ENDPOINT_URL_LAMBDA pointing here. Wire format: Lambda API reference, "Invoke",
// "GetFunctionConfiguration", "UpdateFunctionConfiguration" (paths under /2015-03-31/functions/,
// X-Amz-Log-Type / X-Amz-Log-Result / X-Amz-Function-Error headers, errors as an HTTP status plus
// `x-amzn-ErrorType` and a JSON body, which is what the SDK's restJson1 parser reads).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LambdaSandboxes, UpdateFunctionConfigurationInput } from "../lambda";

const ROUTE = /^\/2015-03-31\/functions\/([^/]+)\/(invocations|configuration)$/;

/** HTTP status of each error the sandboxes throw (Lambda API reference, "Errors" of each action). */
const STATUS: Record<string, number> = {
  ResourceNotFoundException: 404,
  ResourceConflictException: 409,
  InvalidRequestContentException: 400,
  InvalidParameterValueException: 400,
};

export interface LocalLambdaApi {
  /** `http://127.0.0.1:<port>`: the value of AWS_ENDPOINT_URL_LAMBDA. */
  readonly endpoint: string;
  /** Requests served, by operation (for tests and the perf script). */
  readonly calls: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

function sendError(response: ServerResponse, error: unknown): void {
  const name = error instanceof Error ? error.name : "ServiceException";
  const message = error instanceof Error ? error.message : String(error);
  const status = STATUS[name];
  // Anything the sandboxes did not throw as an API error is the service failing (500).
  const type = status ? name : "ServiceException";
  sendJson(response, status ?? 500, { Type: status ? "User" : "Service", message }, { "x-amzn-ErrorType": type });
}

class InvalidParameterValueException extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidParameterValueException";
  }
}

async function serve(sandboxes: LambdaSandboxes, request: IncomingMessage, response: ServerResponse, calls: Record<string, number>): Promise<void> {
  const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
  const match = ROUTE.exec(path);
  if (!match) {
    sendJson(response, 404, { message: `no such Lambda API route: ${request.method} ${path}` }, { "x-amzn-ErrorType": "UnknownOperationException" });
    return;
  }
  const name = decodeURIComponent(match[1]!);
  const body = await readBody(request);
  const operation = `${request.method} ${match[2]}`;
  calls[operation] = (calls[operation] ?? 0) + 1;
  try {
    if (operation === "POST invocations") {
      const invocationType = request.headers["x-amz-invocation-type"] ?? "RequestResponse";
      if (invocationType !== "RequestResponse") {
        throw new InvalidParameterValueException(`the local Lambda API serves InvocationType RequestResponse only, not ${String(invocationType)}`);
      }
      const logType = request.headers["x-amz-log-type"] === "Tail" ? "Tail" : "None";
      const result = await sandboxes.invoke(name, body.length ? body : undefined, { logType });
      const headers: Record<string, string> = { "X-Amz-Executed-Version": result.ExecutedVersion, "Content-Type": "application/json" };
      if (result.FunctionError) headers["X-Amz-Function-Error"] = result.FunctionError;
      if (result.LogResult !== undefined) headers["X-Amz-Log-Result"] = result.LogResult;
      response.writeHead(result.StatusCode, { ...headers, "Content-Length": Buffer.byteLength(result.Payload) });
      response.end(result.Payload);
    } else if (operation === "GET configuration") {
      sendJson(response, 200, await sandboxes.getFunctionConfiguration(name));
    } else if (operation === "PUT configuration") {
      let input: UpdateFunctionConfigurationInput;
      try {
        input = JSON.parse(body.toString("utf8") || "{}") as UpdateFunctionConfigurationInput;
      } catch (error) {
        throw new InvalidParameterValueException(`UpdateFunctionConfiguration body is not JSON: ${(error as Error).message}`);
      }
      sendJson(response, 200, await sandboxes.updateFunctionConfiguration(name, input));
    } else {
      sendJson(response, 405, { message: `${operation} is not served` }, { "x-amzn-ErrorType": "UnknownOperationException" });
    }
  } catch (error) {
    sendError(response, error);
  }
}

/** Starts the endpoint on a free 127.0.0.1 port. */
export async function startLocalLambdaApi(sandboxes: LambdaSandboxes): Promise<LocalLambdaApi> {
  const calls: Record<string, number> = {};
  const server: Server = createServer((request, response) => {
    serve(sandboxes, request, response, calls).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, error);
      else response.destroy();
    });
  });
  // Invocations can run for minutes: Node's default 5-minute request timeout must not cut them.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
