// The embedded S3: a real moto server on a free loopback port, owned (and stopped) by this process.
// Contenders reach it only through the standard AWS env vars returned by `lambdaEnv`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import type { S3ClientConfig } from "@aws-sdk/client-s3";

export const LOCAL_REGION = "us-east-1";

/** Dummy credentials: moto accepts anything, and real AWS must never see these. */
const DUMMY_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" } as const;

export interface EmbeddedS3 {
  /** `http://127.0.0.1:<port>`: an IP, so every SDK picks path-style addressing by itself. */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Config for an `S3Client` (or any other client moto serves, e.g. DynamoDB). */
  readonly clientConfig: S3ClientConfig & { endpoint: string; region: string };
  /** Env vars a sandboxed Lambda needs to reach this server and nothing else. */
  readonly lambdaEnv: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export class MotoNotInstalledError extends Error {
  constructor() {
    super("moto_server not found: install it with: pip install 'moto[server]>=5'");
    this.name = "MotoNotInstalledError";
  }
}

function onPath(executable: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, executable), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Finds how to launch moto: the `moto_server` script, else `python3 -m moto.server`. */
export function motoCommand(): [string, ...string[]] {
  // A PATH lookup, not `moto_server --help`: importing moto takes seconds.
  if (onPath("moto_server")) return ["moto_server"];
  if (spawnSync("python3", ["-c", "import moto.server"], { stdio: "ignore" }).status === 0) {
    return ["python3", "-m", "moto.server"];
  }
  throw new MotoNotInstalledError();
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
// Last line of defence: never leave a moto behind when this process exits, whatever the path.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

async function waitUntilReady(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`moto_server exited during start-up (code ${child.exitCode}): ${log().trim()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not become ready on ${endpoint} within 30 s: ${log().trim()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
  await exited;
  clearTimeout(timer);
}

/** Starts moto on a free 127.0.0.1 port and waits until it answers. Retries if the port was taken. */
export async function startEmbeddedS3(): Promise<EmbeddedS3> {
  const [command, ...baseArgs] = motoCommand();
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeLoopbackPort();
    const endpoint = `http://127.0.0.1:${port}`;
    const child = spawn(command, [...baseArgs, "-H", "127.0.0.1", "-p", String(port)], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, PYTHONUNBUFFERED: "1" },
    });
    running.add(child);
    child.once("exit", () => running.delete(child));
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      // moto logs every request on stderr; keep only the tail for start-up diagnostics.
      stderr = (stderr + chunk.toString()).slice(-4_000);
    });
    try {
      await waitUntilReady(endpoint, child, () => stderr);
    } catch (error) {
      lastError = error;
      await stopChild(child);
      continue;
    }
    const region = LOCAL_REGION;
    return {
      endpoint,
      port,
      pid: child.pid!,
      clientConfig: { endpoint, region, forcePathStyle: true, credentials: { ...DUMMY_CREDENTIALS } },
      lambdaEnv: {
        AWS_ENDPOINT_URL_S3: endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: endpoint,
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
      },
      stop: () => stopChild(child),
    };
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
