// One listening port of the S3 front: serves one Lambda instance (so one invocation at a time),
// streams every body through to moto, counts what crossed, enforces the instance's IAM policy and
// plays the faults it is told to. Bodies are never buffered (DeleteObjects' small XML aside).
import { createServer, request, type Agent, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AuthorizationRequest, Decision } from "../../harness/policy-evaluator";
import { accessDenied, sendS3Error, SLOW_DOWN } from "./errors";
import type { FaultDice } from "./faults";
import { classify, type ClassifiedRequest } from "./operations";
import { countRequest, type InvocationUsage } from "./usage";
import { cutRequest, deleteKeys, drain, forwardHeaders, hasBody, readSmallBody, resetSocket } from "./wire";

/** S3 closes a keep-alive connection after ~20 s idle; SDKs must cope (a frequent "socket hang up"). */
export const IDLE_KEEP_ALIVE_MS = 20_000;

export interface PortContext {
  principal: string;
  authorize: (request: AuthorizationRequest) => Decision;
  dice?: FaultDice;
  latencyMs: number;
  idleKeepAliveMs: number;
  upstream: { hostname: string; port: number; agent: Agent };
  /** The usage record a request arriving now counts in. */
  current: () => InvocationUsage;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FrontPort {
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async open(context: PortContext): Promise<FrontPort> {
    const server = createServer((req, res) => {
      // In flight from arrival to the answer's end (or the cut): the forecast's request concurrency.
      const usage = context.current();
      const arrived = performance.now();
      res.on("close", () => (usage.requestSeconds += (performance.now() - arrived) / 1000));
      handle(context, req, res).catch((error: unknown) => {
        // A bug here must not hang the caller: answer 500 like S3's InternalError, or cut.
        if (!res.headersSent) sendS3Error(res, req.method ?? "GET", { status: 500, code: "InternalError", message: String(error) });
        else res.destroy();
      });
    });
    server.keepAliveTimeout = context.idleKeepAliveMs;
    server.requestTimeout = 0; // multi-GB uploads may take minutes; Lambda's timeout bounds them
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    return new FrontPort(server, `http://127.0.0.1:${port}`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function handle(ctx: PortContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const usage = ctx.current();
  const method = req.method ?? "GET";
  let classified: ClassifiedRequest;
  try {
    classified = classify(method, req.url ?? "/", req.headers);
  } catch (error) {
    await drain(req, usage);
    countRequest(usage, "Malformed", true);
    usage.bytesIn += sendS3Error(res, method, { status: 400, code: "InvalidArgument", message: (error as Error).message });
    return;
  }
  const operation = classified.operation;
  if (ctx.latencyMs > 0) await sleep(ctx.latencyMs);

  const fault = ctx.dice?.roll() ?? "none";
  if (fault === "slowdown") {
    await drain(req, usage);
    usage.throttled++;
    countRequest(usage, operation, false);
    usage.bytesIn += sendS3Error(res, method, SLOW_DOWN);
    return;
  }
  const cutResponse = fault === "reset" && method === "GET" && !hasBody(req);
  if (fault === "reset" && !cutResponse) {
    // Cut before anything reaches moto, so a retry never meets a half-applied change.
    await cutRequest(req, usage);
    usage.resets++;
    countRequest(usage, operation, false);
    return;
  }

  for (const authorization of classified.authorizations) {
    const decision = ctx.authorize(authorization);
    if (!decision.allowed) return deny(ctx, req, res, usage, operation, authorization, decision.reason === "explicit deny");
  }
  let body: Buffer | undefined;
  if (operation === "DeleteObjects") {
    body = await readSmallBody(req, usage);
    // S3 answers per key inside DeleteResult; the front refuses the whole request when any key
    // is denied (simpler, and this project's roles never delete more than they may).
    for (const key of deleteKeys(body)) {
      const authorization = { action: "s3:DeleteObject", resource: `arn:aws:s3:::${classified.bucket}/${key}` };
      if (!ctx.authorize(authorization).allowed) return deny(ctx, req, res, usage, operation, authorization, false, true);
    }
  }
  // A whole-object copy moves the source's size inside S3: asked before, so the count is complete
  // by the time the caller sees the answer.
  const source = classified.copySource;
  const copied = source ? (source.range ? source.range.end - source.range.start + 1 : await objectSize(ctx, source.bucket, source.key)) : 0;
  await forward(ctx, req, res, usage, classified, body, cutResponse, copied);
}

function deny(
  ctx: PortContext,
  req: IncomingMessage,
  res: ServerResponse,
  usage: InvocationUsage,
  operation: string,
  authorization: AuthorizationRequest,
  explicit: boolean,
  bodyRead = false,
): Promise<void> {
  const answer = () => {
    usage.denied++;
    countRequest(usage, operation, true);
    usage.bytesIn += sendS3Error(res, req.method ?? "GET", accessDenied(ctx.principal, authorization.action, authorization.resource, explicit));
  };
  if (bodyRead) {
    answer();
    return Promise.resolve();
  }
  return drain(req, usage).then(answer);
}

function forward(
  ctx: PortContext,
  req: IncomingMessage,
  res: ServerResponse,
  usage: InvocationUsage,
  classified: ClassifiedRequest,
  body: Buffer | undefined,
  cutResponse: boolean,
  copiedBytes: number,
): Promise<void> {
  const { hostname, port, agent } = ctx.upstream;
  const method = req.method ?? "GET";
  const operation = classified.operation;
  return new Promise<void>((resolve) => {
    const upstream = request({ hostname, port, agent, method, path: classified.upstreamPath, headers: forwardHeaders(req.rawHeaders, `${hostname}:${port}`) });
    let settled = false;
    const settle = (billed: boolean, status?: number) => {
      if (settled) return;
      settled = true;
      countRequest(usage, operation, billed);
      if (status !== undefined && status < 300) recordReads(usage, classified, method, copiedBytes);
      resolve();
    };
    upstream.on("error", () => {
      if (!res.headersSent) {
        usage.bytesIn += sendS3Error(res, method, { status: 500, code: "InternalError", message: "the S3 front lost its connection to the embedded S3" });
        settle(false, 500);
      } else {
        res.destroy();
        settle(false);
      }
    });
    // The caller went away (its own timeout, a killed instance): stop the upstream work too.
    res.on("close", () => {
      if (!res.writableFinished) {
        upstream.destroy();
        settle(false);
      }
    });
    upstream.on("response", (answer) => onResponse(ctx, req, res, usage, classified, answer, cutResponse, settle));
    if (body) upstream.end(body);
    else {
      req.on("data", (chunk: Buffer) => (usage.bytesOut += chunk.length));
      req.pipe(upstream);
    }
  });
}

function onResponse(
  ctx: PortContext,
  req: IncomingMessage,
  res: ServerResponse,
  usage: InvocationUsage,
  classified: ClassifiedRequest,
  answer: IncomingMessage,
  cutResponse: boolean,
  settle: (billed: boolean, status?: number) => void,
): void {
  const status = answer.statusCode ?? 500;
  const method = req.method ?? "GET";
  const { operation, bucket } = classified;
  // S3 answers a read of a missing key with 403, not 404, unless the caller may list the bucket
  // (Amazon S3 API Reference, GetObject / HeadObject, "Permissions").
  if (status === 404 && (operation === "GetObject" || operation === "HeadObject")) {
    const list = { action: "s3:ListBucket", resource: `arn:aws:s3:::${bucket}` };
    if (!ctx.authorize(list).allowed) {
      answer.resume();
      usage.denied++;
      usage.bytesIn += sendS3Error(res, method, accessDenied(ctx.principal, "s3:ListBucket", list.resource, false));
      settle(true, 403);
      return;
    }
  }
  const length = Number(answer.headers["content-length"] ?? -1);
  if (cutResponse && !(length > 1)) {
    answer.resume();
    resetSocket(req.socket);
    usage.resets++;
    settle(false);
    return;
  }
  res.sendDate = false; // moto's Date header is forwarded
  res.writeHead(status, forwardHeaders(answer.rawHeaders));
  let sent = 0;
  answer.on("data", (chunk: Buffer) => {
    sent += chunk.length;
    usage.bytesIn += chunk.length;
    if (cutResponse && sent >= length / 2) {
      answer.unpipe(res);
      answer.destroy();
      resetSocket(req.socket);
      usage.resets++;
      settle(false);
    }
  });
  answer.pipe(res);
  res.on("finish", () => settle(status < 500, status));
}

/** After a success: which source objects were read, and how many bytes a copy moved inside S3. */
function recordReads(usage: InvocationUsage, classified: ClassifiedRequest, method: string, copiedBytes: number): void {
  if (classified.operation === "GetObject" && method === "GET") usage.objectsRead.add(`${classified.bucket}/${classified.key}`);
  const source = classified.copySource;
  if (!source) return;
  usage.objectsRead.add(`${source.bucket}/${source.key}`);
  usage.bytesCopied += copiedBytes;
}

/** The size of a copied object, asked of moto directly (not counted: the caller never sent it). */
function objectSize(ctx: PortContext, bucket: string, key: string): Promise<number> {
  const { hostname, port, agent } = ctx.upstream;
  const path = `/${encodeURIComponent(bucket)}/${key.split("/").map(encodeURIComponent).join("/")}`;
  return new Promise((resolve) => {
    // The caller's own Authorization header is not reusable here; moto checks presence, not signatures.
    const headers = { authorization: "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0" };
    const head = request({ hostname, port, agent, method: "HEAD", path, headers }, (answer) => {
      answer.resume();
      resolve(answer.statusCode === 200 ? Number(answer.headers["content-length"] ?? 0) : 0);
    });
    head.on("error", () => resolve(0));
    head.end();
  });
}
