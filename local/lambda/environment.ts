// What a Lambda process sees at start: its environment variables and its command line. Built from
// scratch (never from process.env) so the host's real AWS credentials cannot leak into a function.
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pythonSdkPath } from "./python-sdk";
import { nodeFor, pythonFor } from "./runtime-versions";
import type { LocalFunction } from "./types";

export { pythonFor } from "./runtime-versions";

/** Folder of node-runtime.mjs: our stand-in for Lambda's /var/runtime. */
export const RUNTIME_DIR = dirname(fileURLToPath(import.meta.url));
export const NODE_RUNTIME = join(RUNTIME_DIR, "node-runtime.mjs");
export const PYTHON_RUNTIME = join(RUNTIME_DIR, "python-runtime.py");

export function regionOf(arn: string): string {
  return arn.split(":")[3] ?? "us-east-1";
}

function logStreamName(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll("-", "/");
  return `${day}/[$LATEST]${randomBytes(16).toString("hex")}`;
}

export interface InstanceEnvInput {
  fn: LocalFunction;
  runtimeApi: string;
  /** Set only when /tmp could not be made private to the instance (see instance.ts). */
  tmpDir?: string;
}

export function lambdaEnvironment({ fn, runtimeApi, tmpDir }: InstanceEnvInput): Record<string, string> {
  const region = regionOf(fn.arn);
  const isNode = fn.runtime.startsWith("nodejs");
  const isPython = fn.runtime.startsWith("python");
  const env: Record<string, string> = {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // The function's own variables (S3 endpoint, dummy credentials...) may set region/credentials;
    // register() already refused the keys below that the sandbox owns.
    ...fn.environment,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    LAMBDA_TASK_ROOT: fn.codeDir,
    LAMBDA_RUNTIME_DIR: RUNTIME_DIR,
    _HANDLER: fn.handler,
    TZ: ":UTC",
    LANG: fn.environment.LANG ?? "en_US.UTF-8",
    // Lambda: /var/lang/bin first (the runtime's node), then the usual system folders.
    PATH: fn.environment.PATH ?? `${dirname(isNode ? nodeFor(fn.runtime) : process.execPath)}:/usr/local/bin:/usr/bin:/bin:/opt/bin`,
    LD_LIBRARY_PATH: fn.environment.LD_LIBRARY_PATH ?? `/lib64:/usr/lib64:${fn.codeDir}:${fn.codeDir}/lib:/opt/lib`,
  };
  // OS-only runtimes (provided.*) have no AWS_EXECUTION_ENV on Lambda.
  if (isNode || isPython) env.AWS_EXECUTION_ENV = `AWS_Lambda_${fn.runtime}`;
  if (isNode) env.NODE_PATH = fn.environment.NODE_PATH ?? fn.codeDir;
  // Lambda's Python runtimes put their boto3/botocore (/var/runtime) on PYTHONPATH; the runtime
  // inserts the function's folder before it (python-runtime.py), so a vendored SDK still wins.
  if (isPython) {
    const path = fn.environment.PYTHONPATH ?? pythonSdkPath().path;
    if (path) env.PYTHONPATH = path;
  }
  if (tmpDir) env.TMPDIR = tmpDir;
  return env;
}

/**
 * The command that starts the runtime, on the runtime's own version (runtime-versions.ts). For Node it mirrors Lambda's bootstrap, which sizes V8 from
 * the memory setting on the command line (not NODE_OPTIONS): new space = 10% of memory, semi space =
 * half of that, old space = the rest. With these limits V8 gives up near the cap, as it does on AWS.
 */
export function runtimeCommand(fn: LocalFunction): [string, ...string[]] {
  if (fn.runtime.startsWith("provided")) return [join(fn.codeDir, "bootstrap")];
  if (fn.runtime.startsWith("python")) return [pythonFor(fn.runtime), "-u", PYTHON_RUNTIME];
  const newSpace = Math.floor(fn.memoryMb / 10);
  return [
    nodeFor(fn.runtime),
    "--expose-gc",
    "--max-http-header-size=81920",
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${fn.memoryMb - newSpace}`,
    NODE_RUNTIME,
  ];
}
