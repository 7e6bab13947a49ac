// The Lambda Runtime API (version 2018-06-01) for ONE instance, on its own 127.0.0.1 port:
// AWS_LAMBDA_RUNTIME_API is a bare host:port, so a port per instance keeps every runtime client
// (ours, curl loops, Rust/Go runtime crates) working unmodified.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const PREFIX = "/2018-06-01/runtime";

/** One event handed to the runtime on GET /next. */
export interface RuntimeEvent {
  requestId: string;
  payload: string;
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId: string;
}

/** What the runtime told us, in the order it happened. */
export interface RuntimeApiHandlers {
  /** The runtime is waiting for an event (first call = end of init). */
  onNext(): void;
  onResponse(requestId: string, body: string): boolean;
  onError(requestId: string, body: string, errorType: string | undefined): boolean;
  onInitError(body: string, errorType: string | undefined): void;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function reply(response: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  response.end(text);
}

export class RuntimeApiServer {
  private readonly server: Server;
  private parked: ServerResponse | undefined;
  private closed = false;

  private constructor(private readonly handlers: RuntimeApiHandlers) {
    this.server = createServer((request, response) => {
      this.route(request, response).catch((error: unknown) => {
        if (!response.headersSent) reply(response, 500, { errorMessage: String(error), errorType: "ServiceException" });
      });
    });
    // A parked /next can wait for minutes between invocations: no socket timeouts.
    this.server.requestTimeout = 0;
    this.server.keepAliveTimeout = 0;
  }

  static async start(handlers: RuntimeApiHandlers): Promise<RuntimeApiServer> {
    const api = new RuntimeApiServer(handlers);
    await new Promise<void>((resolve, reject) => {
      api.server.once("error", reject);
      api.server.listen(0, "127.0.0.1", () => resolve());
    });
    return api;
  }

  /** The value of AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    const { port } = this.server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** True while the runtime has a GET /next waiting for an event. */
  get waiting(): boolean {
    return this.parked !== undefined && !this.parked.destroyed;
  }

  /** Answers the parked GET /next with an event. The caller checks `waiting` first. */
  deliver(event: RuntimeEvent): void {
    const response = this.parked;
    if (!response) throw new Error("runtime is not waiting for an event");
    this.parked = undefined;
    response.writeHead(200, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(event.payload),
      "Lambda-Runtime-Aws-Request-Id": event.requestId,
      "Lambda-Runtime-Deadline-Ms": String(event.deadlineMs),
      "Lambda-Runtime-Invoked-Function-Arn": event.invokedFunctionArn,
      "Lambda-Runtime-Trace-Id": event.traceId,
    });
    response.end(event.payload);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.parked?.destroy();
    this.parked = undefined;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? "";
    const errorType = request.headers["lambda-runtime-function-error-type"];
    const typeHeader = typeof errorType === "string" ? errorType : undefined;
    if (request.method === "GET" && url === `${PREFIX}/invocation/next`) {
      this.parked?.destroy();
      this.parked = response;
      this.handlers.onNext();
      return;
    }
    if (request.method === "POST" && url === `${PREFIX}/init/error`) {
      const body = await readBody(request);
      reply(response, 202, { status: "OK" });
      this.handlers.onInitError(body, typeHeader);
      return;
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (request.method === "POST" && match) {
      const requestId = decodeURIComponent(match[1]!);
      const body = await readBody(request);
      const accepted =
        match[2] === "response"
          ? this.handlers.onResponse(requestId, body)
          : this.handlers.onError(requestId, body, typeHeader);
      if (accepted) reply(response, 202, { status: "OK" });
      else reply(response, 400, { errorMessage: `Invalid request ID: ${requestId}`, errorType: "InvalidRequestID" });
      return;
    }
    reply(response, 404, { errorMessage: `Unknown Runtime API route ${request.method} ${url}`, errorType: "InvalidRequest" });
  }
}
