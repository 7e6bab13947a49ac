// Local Lambda sandboxes, the everyday paths: real runtime processes answering like the Invoke API.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LambdaSandboxes,
  billedDurationMs,
  reportLine,
  type InvokeResult,
  type LocalFunction,
} from "../local/lambda/index";
import { canPrivatizeTmp } from "../local/lambda/host-files";
import { FUNCTION_FIXTURES, fixtureArn, fixtureFunction, logOf } from "./support/sandbox-functions";


// Dummy credentials and a closed endpoint: a function that tried to reach AWS would fail loudly.
const fn = (name: string, dir: string, overrides: Partial<LocalFunction> = {}) =>
  fixtureFunction(name, dir, { environment: { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_ENDPOINT_URL_S3: "http://127.0.0.1:1" }, ...overrides });

function reportOf(log: string): string {
  const report = log.split("\n").find((line) => line.startsWith("REPORT "));
  if (!report) throw new Error(`no REPORT line in:\n${log}`);
  return report;
}

function requestIdOf(log: string): string {
  const match = /^START RequestId: ([0-9a-f-]{36}) Version: \$LATEST$/m.exec(log);
  if (!match) throw new Error(`no START line in:\n${log}`);
  return match[1]!;
}

const hasCurl = spawnSync("curl", ["--version"], { stdio: "ignore" }).status === 0;
const hasPython = spawnSync("python3", ["--version"], { stdio: "ignore" }).status === 0;

describe("REPORT line", () => {
  it("bills duration plus init, rounded up to the millisecond, in Lambda's tab-separated format", () => {
    // Pairs seen in real CloudWatch REPORT lines since INIT is billed (2025-08).
    expect(billedDurationMs(84.77, 549.71)).toBe(635);
    expect(billedDurationMs(3000, 402.04)).toBe(3403);
    expect(billedDurationMs(12.0)).toBe(12);
    expect(billedDurationMs(12.01)).toBe(13);
    expect(
      reportLine({ requestId: "r", durationMs: 12.3456, memorySizeMb: 512, maxMemoryUsedMb: 80, initDurationMs: 123.456 }),
    ).toBe("REPORT RequestId: r\tDuration: 12.35 ms\tBilled Duration: 136 ms\tMemory Size: 512 MB\tMax Memory Used: 80 MB\tInit Duration: 123.46 ms\t");
    expect(reportLine({ requestId: "r", durationMs: 1000, memorySizeMb: 128, maxMemoryUsedMb: 128, status: { kind: "error", errorType: "Runtime.OutOfMemory" } })).toBe(
      "REPORT RequestId: r\tDuration: 1000.00 ms\tBilled Duration: 1000 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime.OutOfMemory",
    );
  });
});

describe("LambdaSandboxes", () => {
  const sandboxes = new LambdaSandboxes();
  const saved = { parentOnly: process.env.S3AB_PARENT_ONLY, token: process.env.AWS_SESSION_TOKEN };

  beforeAll(() => {
    // A variable only the test runner has: it must not reach the function.
    process.env.S3AB_PARENT_ONLY = "leak";
    process.env.AWS_SESSION_TOKEN = "the-runner's-real-token";
    sandboxes.register(fn("echo", "echo", { memoryMb: 512 }));
    sandboxes.register(fn("sleep", "sleep"));
    sandboxes.register(fn("throw", "throw"));
    sandboxes.register(fn("no-handler", "echo", { handler: "index.nope" }));
    sandboxes.register(fn("no-module", "echo", { handler: "missing.handler" }));
    sandboxes.register(fn("bash", "bootstrap-echo", { runtime: "provided.al2023", handler: "unused" }));
    sandboxes.register(fn("no-bootstrap", "echo", { runtime: "provided.al2023" }));
    sandboxes.register(fn("py", "py-echo", { runtime: "python3.12", handler: "lambda_function.handler", memoryMb: 256 }));
  });

  afterAll(async () => {
    await sandboxes.close();
    for (const [key, value] of [["S3AB_PARENT_ONLY", saved.parentOnly], ["AWS_SESSION_TOKEN", saved.token]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it("round-trips the event with Lambda's environment and context, and nothing from the parent", async () => {
    const result = await sandboxes.invoke("echo", { hello: "world" }, { logType: "Tail" });
    expect(result.FunctionError).toBeUndefined();
    expect(result.StatusCode).toBe(200);
    expect(result.ExecutedVersion).toBe("$LATEST");
    const body = JSON.parse(result.Payload);
    const log = logOf(result);
    const requestId = requestIdOf(log);
    expect(body.event).toEqual({ hello: "world" });
    expect(body.env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: "echo",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512",
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/echo",
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
      LAMBDA_TASK_ROOT: `${FUNCTION_FIXTURES}echo`,
      _HANDLER: "index.handler",
      TZ: ":UTC",
      AWS_ACCESS_KEY_ID: "testing",
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:1",
      S3AB_PARENT_ONLY: null,
      AWS_SESSION_TOKEN: null,
    });
    expect(body.env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(body.env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(body.context).toMatchObject({ awsRequestId: requestId, functionName: "echo", memoryLimitInMB: "512", invokedFunctionArn: fixtureArn("echo") });
    expect(body.context.remainingMs).toBeGreaterThan(5_000);
    expect(body.context.remainingMs).toBeLessThanOrEqual(10_000);
    // As root, /tmp is private to the instance, unless the code itself lives under /tmp (a clone
    // there): the mount would hide it, so the sandbox falls back to a per-instance TMPDIR.
    if (canPrivatizeTmp([FUNCTION_FIXTURES, dirname(process.execPath)])) expect(body.tmp).toEqual([`${body.pid}.marker`]);
    // Console output carries Lambda's text prefix, between START and END.
    const lines = log.replace(/\n$/, "").split("\n");
    expect(lines).toContain(`START RequestId: ${requestId} Version: $LATEST`);
    expect(log).toMatch(new RegExp(`\\t${requestId}\\tINFO\\techo got \\{"hello":"world"\\}\\n`));
    expect(lines.at(-2)).toBe(`END RequestId: ${requestId}`);
    expect(lines.at(-1)).toMatch(
      /^REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d{2} ms\tBilled Duration: \d+ ms\tMemory Size: 512 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d{2} ms\t$/,
    );
  });

  it("reports Init Duration on a cold invocation only, and reuses the warm process", async () => {
    const cold = await sandboxes.invoke("sleep", { ms: 0 }, { logType: "Tail" });
    const warm = await sandboxes.invoke("sleep", { ms: 0 }, { logType: "Tail" });
    const coldReport = reportOf(logOf(cold));
    const warmReport = reportOf(logOf(warm));
    expect(coldReport).toMatch(/\tInit Duration: \d+\.\d{2} ms\t$/);
    expect(warmReport).not.toContain("Init Duration");
    expect(JSON.parse(warm.Payload).pid).toBe(JSON.parse(cold.Payload).pid);
    // Billed = duration + init, rounded up (INIT is billed).
    const [, duration, billed, init] = /Duration: ([\d.]+) ms\tBilled Duration: (\d+) ms.*Init Duration: ([\d.]+) ms/.exec(coldReport)!;
    expect(Number(billed)).toBe(Math.ceil(Number(duration) + Number(init) - 1e-9));
    expect(Number(/Max Memory Used: (\d+) MB/.exec(warmReport)![1])).toBeGreaterThan(10);
  });

  it("gives concurrent invocations their own instances", async () => {
    const [a, b] = await Promise.all([sandboxes.invoke("sleep", { ms: 400 }), sandboxes.invoke("sleep", { ms: 400 })]);
    expect(JSON.parse(a!.Payload).pid).not.toBe(JSON.parse(b!.Payload).pid);
    expect(sandboxes.instances("sleep").length).toBeGreaterThanOrEqual(2);
  });

  it("returns a thrown error as FunctionError + payload, and keeps the instance warm", async () => {
    const failed = await sandboxes.invoke("throw", { reason: "bad zip" }, { logType: "Tail" });
    expect(failed.FunctionError).toBe("Unhandled");
    const error = JSON.parse(failed.Payload);
    expect(error).toMatchObject({ errorType: "ArchiveError", errorMessage: "boom: bad zip" });
    expect(error.trace[0]).toBe("ArchiveError: boom: bad zip");
    const log = logOf(failed);
    expect(log).toMatch(/\tERROR\tInvoke Error \t\{"errorType":"ArchiveError"/);
    expect(reportOf(log)).not.toContain("Status:");
    const ok = await sandboxes.invoke("throw", { ok: true }, { logType: "Tail" });
    expect(ok.FunctionError).toBeUndefined();
    expect(reportOf(logOf(ok))).not.toContain("Init Duration");
  });

  it("reports init errors of the Node runtime (missing export, missing module) and discards the instance", async () => {
    const noHandler = await sandboxes.invoke("no-handler", {}, { logType: "Tail" });
    expect(noHandler.FunctionError).toBe("Unhandled");
    expect(JSON.parse(noHandler.Payload)).toMatchObject({ errorType: "Runtime.HandlerNotFound", errorMessage: "index.nope is undefined or not exported" });
    expect(reportOf(logOf(noHandler))).toMatch(/\tStatus: error\tError Type: Runtime.HandlerNotFound$/);
    expect(sandboxes.instances("no-handler")).toEqual([]);
    const noModule = await sandboxes.invoke("no-module", {});
    expect(JSON.parse(noModule.Payload)).toMatchObject({ errorType: "Runtime.ImportModuleError" });
    expect(JSON.parse(noModule.Payload).errorMessage).toContain("Cannot find module 'missing'");
  });

  it.skipIf(!hasCurl)("runs a provided.al2023 bootstrap as is (bash + curl speaking the Runtime API)", async () => {
    const result = await sandboxes.invoke(fixtureArn("bash"), { b: 1 }, { logType: "Tail" });
    expect(result.FunctionError).toBeUndefined();
    expect(JSON.parse(result.Payload)).toEqual({ from: "bash", memory: "1024", event: { b: 1 } });
    const log = logOf(result);
    expect(log).toContain(`handling ${requestIdOf(log)}`);
    expect(log).toContain("bootstrap init for bash (unused)");
    const again = await sandboxes.invoke("bash", { b: 2 });
    expect(JSON.parse(again.Payload).event).toEqual({ b: 2 });
  });

  it.skipIf(!hasPython)("runs a Python handler through the same Runtime API (result, logs, errors)", async () => {
    const result = await sandboxes.invoke("py", { n: 1 }, { logType: "Tail" });
    expect(result.FunctionError).toBeUndefined();
    const body = JSON.parse(result.Payload);
    const log = logOf(result);
    expect(body).toMatchObject({
      event: { n: 1 },
      env: { AWS_LAMBDA_FUNCTION_NAME: "py", AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256", AWS_EXECUTION_ENV: "AWS_Lambda_python3.12", S3AB_PARENT_ONLY: null },
      context: { aws_request_id: requestIdOf(log), memory_limit_in_mb: "256" },
    });
    expect(log).toContain("loaded py-echo");
    expect(log).toMatch(new RegExp(`^\\[WARNING\\]\\t\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${requestIdOf(log)}\\tpy-echo got \\{'n': 1\\}$`, "m"));
    const failed = await sandboxes.invoke("py", { fail: "bad zip" });
    expect(failed.FunctionError).toBe("Unhandled");
    expect(JSON.parse(failed.Payload)).toMatchObject({ errorType: "ArchiveError", errorMessage: "boom: bad zip" });
    expect(JSON.parse(failed.Payload).stackTrace.join("")).toContain("lambda_function.py");
    // Still warm after a handled error.
    expect(JSON.parse((await sandboxes.invoke("py", {})).Payload).pid).toBe(body.pid);
  });

  it("reports a missing bootstrap as Runtime.InvalidEntrypoint", async () => {
    const result = await sandboxes.invoke("no-bootstrap", {});
    expect(result.FunctionError).toBe("Unhandled");
    expect(JSON.parse(result.Payload).errorType).toBe("Runtime.InvalidEntrypoint");
  });

  it("answers GetFunctionConfiguration by name or ARN, and throws ResourceNotFoundException for unknown functions", async () => {
    const byName = await sandboxes.getFunctionConfiguration("echo");
    expect(await sandboxes.getFunctionConfiguration(fixtureArn("echo"))).toEqual(byName);
    expect(byName).toMatchObject({
      FunctionName: "echo",
      FunctionArn: fixtureArn("echo"),
      Runtime: "nodejs22.x",
      Handler: "index.handler",
      MemorySize: 512,
      Timeout: 10,
      Architectures: ["x86_64"],
      EphemeralStorage: { Size: 512 },
    });
    await expect(sandboxes.invoke("nope", {})).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    await expect(sandboxes.getFunctionConfiguration(fixtureArn("nope"))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    await expect(sandboxes.invoke("echo", "{not json")).rejects.toMatchObject({ name: "InvalidRequestContentException" });
  });

  it("keeps every line of every invocation in onLog and in <logDir>/<function>.log", async () => {
    const logDir = mkdtempSync(join(tmpdir(), "sandbox-logs-"));
    const seen: string[] = [];
    const logged = new LambdaSandboxes({ logDir, onLog: (name, line) => seen.push(`${name}|${line}`) });
    try {
      logged.register(fn("logged", "echo"));
      const result = await logged.invoke("logged", { n: 1 }, { logType: "None" });
      expect(result.LogResult).toBeUndefined();
      await logged.invoke("logged", { n: 2 });
      await logged.close();
      const file = readFileSync(join(logDir, "logged.log"), "utf8");
      expect(file.match(/^START RequestId: /gm)).toHaveLength(2);
      expect(file.match(/^REPORT RequestId: /gm)).toHaveLength(2);
      expect(file).toContain("loaded echo");
      expect(seen.filter((line) => line.startsWith("logged|END RequestId: "))).toHaveLength(2);
    } finally {
      await logged.close();
      rmSync(logDir, { recursive: true, force: true });
    }
  });

  it("refuses definitions it cannot honour", () => {
    expect(() => sandboxes.register(fn("java", "echo", { runtime: "java21" as never }))).toThrow(/not supported/);
    expect(() => sandboxes.register(fn("bad-env", "echo", { environment: { _HANDLER: "x" } }))).toThrow(/reserved keys _HANDLER/);
    expect(() => sandboxes.register(fn("tiny", "echo", { memoryMb: 64 }))).toThrow(/memoryMb/);
  });
});
