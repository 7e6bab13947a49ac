// A small Node.js runtime for local Lambda sandboxes: it plays the part of Lambda's own Node
// runtime client. It loads `${LAMBDA_TASK_ROOT}/<file>` named by _HANDLER (`file.export`), then
// loops on the Runtime API: GET next -> call the async handler -> POST response or error.
// Plain .mjs with no dependencies so it runs on every Node version Lambda offers.
import { existsSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";

const [apiHost, apiPort] = (process.env.AWS_LAMBDA_RUNTIME_API ?? "").split(":");
const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const handlerName = process.env._HANDLER ?? "";
let currentRequestId;

// Lambda's text log format: timestamp, request id, level, message — one line per console call.
const LEVELS = { log: "INFO", info: "INFO", warn: "WARN", error: "ERROR", debug: "DEBUG", trace: "TRACE" };
for (const [method, level] of Object.entries(LEVELS)) {
  console[method] = (...args) => {
    const message = method === "trace" ? `${format(...args)}\n${new Error().stack}` : format(...args);
    process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${message}\n`);
  };
}

/** One HTTP call to the Runtime API with node:http (fetch would give up on a long-parked /next). */
function call(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: apiHost, port: Number(apiPort), method, path: `/2018-06-01/runtime${path}`, headers },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function errorPayload(error) {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: String(error.stack ?? "").split("\n") };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

async function postError(path, payload) {
  await call("POST", path, JSON.stringify(payload), {
    "Content-Type": "application/json",
    "Lambda-Runtime-Function-Error-Type": payload.errorType,
  });
}

class RuntimeError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

/** Resolves _HANDLER like Lambda: "dir/file.a.b" -> module dir/file(.js|.mjs|.cjs), export a.b. */
async function loadHandler() {
  const slash = handlerName.lastIndexOf("/");
  const dir = handlerName.slice(0, slash + 1);
  const match = /^([^.]+)\.(.+)$/.exec(handlerName.slice(slash + 1));
  if (!match) throw new RuntimeError("Runtime.MalformedHandlerName", "Bad handler");
  const moduleName = dir + match[1];
  const file = [".js", ".mjs", ".cjs"].map((ext) => join(taskRoot, moduleName + ext)).find((f) => existsSync(f));
  if (!file) {
    throw new RuntimeError(
      "Runtime.ImportModuleError",
      `Error: Cannot find module '${moduleName}'\nRequire stack:\n- ${join(process.env.LAMBDA_RUNTIME_DIR ?? "", "node-runtime.mjs")}`,
    );
  }
  let module;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    if (error instanceof SyntaxError) throw new RuntimeError("Runtime.UserCodeSyntaxError", `${error.name}: ${error.message}`);
    throw error;
  }
  let handler = module;
  for (const key of match[2].split(".")) handler = handler?.[key];
  // A CommonJS module imported as ESM exposes module.exports as `default`.
  if (handler === undefined && module.default) {
    handler = module.default;
    for (const key of match[2].split(".")) handler = handler?.[key];
  }
  if (handler === undefined) throw new RuntimeError("Runtime.HandlerNotFound", `${handlerName} is undefined or not exported`);
  if (typeof handler !== "function") throw new RuntimeError("Runtime.HandlerNotFound", `${handlerName} is not a function`);
  return handler;
}

function makeContext(headers) {
  const deadline = Number(headers["lambda-runtime-deadline-ms"]);
  return {
    awsRequestId: headers["lambda-runtime-aws-request-id"],
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/** Async handlers return a promise; legacy 3-argument handlers answer through the callback. */
function callHandler(handler, event, context) {
  if (handler.length >= 3) {
    return new Promise((resolve, reject) => {
      const result = handler(event, context, (error, value) => (error ? reject(error) : resolve(value)));
      if (result && typeof result.then === "function") result.then(resolve, reject);
    });
  }
  return Promise.resolve().then(() => handler(event, context));
}

// Lambda's runtime reports these, then exits: the sandbox sees a crash of the runtime process.
process.on("uncaughtException", (error) => fatal(error, 129));
process.on("unhandledRejection", (reason) => {
  const error = new RuntimeError("Runtime.UnhandledPromiseRejection", reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
  fatal(error, 128);
});

async function fatal(error, code) {
  const payload = errorPayload(error);
  console.error(payload.errorType === "Runtime.UnhandledPromiseRejection" ? "Unhandled Promise Rejection" : "Uncaught Exception", `\t${JSON.stringify(payload)}`);
  try {
    if (currentRequestId) await postError(`/invocation/${currentRequestId}/error`, payload);
  } finally {
    process.exit(code);
  }
}

async function main() {
  let handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    const payload = errorPayload(error);
    console.error("Init Error", `\t${JSON.stringify(payload)}`);
    await postError("/init/error", payload);
    process.exit(1);
  }
  for (;;) {
    // If the sandbox host is gone, this throws and the process exits: no orphan runtimes.
    const next = await call("GET", "/invocation/next");
    if (next.status !== 200) throw new Error(`Runtime API /next answered ${next.status}: ${next.body}`);
    const requestId = next.headers["lambda-runtime-aws-request-id"];
    currentRequestId = requestId;
    const traceId = next.headers["lambda-runtime-trace-id"];
    if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
    else delete process.env._X_AMZN_TRACE_ID;
    try {
      const event = JSON.parse(next.body);
      const result = await callHandler(handler, event, makeContext(next.headers));
      const body = JSON.stringify(result === undefined ? null : result);
      await call("POST", `/invocation/${requestId}/response`, body, { "Content-Type": "application/json" });
    } catch (error) {
      const payload = errorPayload(error);
      console.error("Invoke Error", `\t${JSON.stringify(payload)}`);
      await postError(`/invocation/${requestId}/error`, payload);
    }
  }
}

main().catch((error) => {
  process.stderr.write(`node-runtime: ${error?.stack ?? error}\n`);
  process.exit(1);
});
