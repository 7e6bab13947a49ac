// Public shapes of the local Lambda sandboxes: the function definition a caller registers, the
// Invoke API result, and the options. Mirrors the AWS API field names so callers can swap engines.
import { z } from "zod";

/** Runtimes a local sandbox can run as a process speaking the Runtime API. */
export const SANDBOX_RUNTIMES = [
  "nodejs20.x",
  "nodejs22.x",
  "nodejs24.x",
  "provided.al2023",
  "provided.al2",
  "python3.11",
  "python3.12",
  "python3.13",
  "python3.14",
] as const;
export type SandboxRuntime = (typeof SANDBOX_RUNTIMES)[number];

/**
 * Environment keys the sandbox owns: Lambda sets them itself (CreateFunction rejects them), and
 * they drive the local mechanics, so a function's `environment` may not override them.
 * Region and credentials are NOT in this list: locally they come from the caller (local/s3.ts).
 */
export const RESERVED_ENV_KEYS = [
  "_HANDLER",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
  "TZ",
] as const;

export const LocalFunction = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, '-' or '_'"),
  arn: z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}$/, "must be a function ARN"),
  runtime: z.enum(SANDBOX_RUNTIMES),
  handler: z.string().min(1),
  /** Absolute folder = LAMBDA_TASK_ROOT (an unzipped deployment package). */
  codeDir: z.string().startsWith("/", "must be an absolute path"),
  memoryMb: z.number().int().min(128).max(10240),
  timeoutS: z.number().int().min(1).max(900),
  ephemeralStorageMb: z.number().int().min(512).max(10240),
  architecture: z.enum(["arm64", "x86_64"]),
  environment: z.record(z.string(), z.string()),
});
export type LocalFunction = z.infer<typeof LocalFunction>;

/** What GetFunctionConfiguration returns (the subset that means something locally). */
export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Runtime: SandboxRuntime;
  Handler: string;
  MemorySize: number;
  Timeout: number;
  Architectures: ["arm64" | "x86_64"];
  EphemeralStorage: { Size: number };
  Environment: { Variables: Record<string, string> };
  Version: "$LATEST";
  PackageType: "Zip";
  State: "Active";
  LastUpdateStatus: "Successful" | "InProgress";
}

/** The UpdateFunctionConfiguration fields that mean something locally (AWS field names). */
export interface UpdateFunctionConfigurationInput {
  MemorySize?: number;
  Timeout?: number;
  Environment?: { Variables?: Record<string, string> };
}

/** The Invoke API result: function errors are data (FunctionError + Payload), never thrown. */
export interface InvokeResult {
  StatusCode: 200;
  ExecutedVersion: "$LATEST";
  Payload: string;
  FunctionError?: "Unhandled";
  /** Base64 of the last 4 KB of this invocation's log, only with `logType: "Tail"`. */
  LogResult?: string;
}

export interface InvokeOptions {
  logType?: "Tail" | "None";
}

/**
 * How an instance is held to its memory and CPU:
 * - "cgroup": cgroup v1 memory cap + CPU quota (needs root and writable /sys/fs/cgroup/{memory,cpu});
 * - "watchdog": an RSS poller kills past the cap; no CPU share (prints a warning);
 * - "auto" (default): cgroup when possible, else watchdog.
 */
export type Isolation = "auto" | "cgroup" | "watchdog";

export interface SandboxesOptions {
  isolation?: Isolation;
  /** Every log line of every instance (START/END/REPORT included), for debugging. */
  onLog?: (functionName: string, line: string) => void;
  /** Also append every line to `<logDir>/<function name>.log`. */
  logDir?: string;
  /** Receives operational warnings (fallbacks, /tmp over quota); default: console.warn. */
  onWarning?: (message: string) => void;
}

/** A read-only view of a running instance, for tests and progress displays. */
export interface InstanceInfo {
  functionName: string;
  pid: number;
  state: "init" | "idle" | "busy" | "dead";
  memoryCgroup?: string;
  cpuCgroup?: string;
  tmpDir: string;
}

/** Thrown (not returned) for an unknown function, like the SDK's ResourceNotFoundException. */
export class ResourceNotFoundException extends Error {
  readonly $fault = "client";
  constructor(message: string) {
    super(message);
    this.name = "ResourceNotFoundException";
  }
}

/** Thrown when an update is still being applied, like the SDK's ResourceConflictException. */
export class ResourceConflictException extends Error {
  readonly $fault = "client";
  constructor(message: string) {
    super(message);
    this.name = "ResourceConflictException";
  }
}

/** Thrown when the payload is not JSON, like the SDK's InvalidRequestContentException. */
export class InvalidRequestContentException extends Error {
  readonly $fault = "client";
  constructor(message: string) {
    super(message);
    this.name = "InvalidRequestContentException";
  }
}
