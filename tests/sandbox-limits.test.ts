// Local Lambda sandboxes under Lambda's limits: timeout, memory cap (cgroup and watchdog), crash,
// CPU quota, and a close() that leaves no process and no cgroup behind.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { LambdaSandboxes, cgroupV1Writable, cpuQuotaUs, type InvokeResult, type LocalFunction } from "../local/lambda/index";
import { fixtureFunction, logOf } from "./support/sandbox-functions";

const cgroups = cgroupV1Writable();

const fn = fixtureFunction;

function reportOf(result: InvokeResult): string {
  const report = logOf(result).split("\n").find((line) => line.startsWith("REPORT "));
  if (!report) throw new Error(`no REPORT line in:\n${logOf(result)}`);
  return report;
}

function requestIdOf(result: InvokeResult): string {
  return /^START RequestId: ([0-9a-f-]{36}) /m.exec(logOf(result))![1]!;
}

function maxMemoryUsed(result: InvokeResult): number {
  return Number(/\tMax Memory Used: (\d+) MB\t/.exec(reportOf(result))![1]);
}

/** Running (a zombie waiting for its new parent to reap it counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("LambdaSandboxes limits", () => {
  const sandboxes = new LambdaSandboxes();
  const watchdogged = new LambdaSandboxes({ isolation: "watchdog" });
  sandboxes.register(fn("slow", "sleep", { timeoutS: 1 }));
  sandboxes.register(fn("hog", "alloc", { memoryMb: 128 }));
  sandboxes.register(fn("crash", "exit"));
  sandboxes.register(fn("quota", "sleep", { memoryMb: 256 }));
  watchdogged.register(fn("hog", "alloc", { memoryMb: 128 }));

  afterAll(async () => {
    await Promise.all([sandboxes.close(), watchdogged.close()]);
  });

  it("times out like Lambda (Sandbox.Timedout, duration = timeout) and replaces the instance", async () => {
    const first = await sandboxes.invoke("slow", { ms: 0 });
    const pid = JSON.parse(first.Payload).pid as number;
    const timedOut = await sandboxes.invoke("slow", { ms: 5_000 }, { logType: "Tail" });
    expect(timedOut.FunctionError).toBe("Unhandled");
    expect(JSON.parse(timedOut.Payload)).toEqual({
      errorType: "Sandbox.Timedout",
      errorMessage: `RequestId: ${requestIdOf(timedOut)} Error: Task timed out after 1.00 seconds`,
    });
    expect(reportOf(timedOut)).toMatch(/\tDuration: 1000\.00 ms\tBilled Duration: 1000 ms\t.*\tStatus: timeout$/);
    expect(logOf(timedOut)).toContain(`${requestIdOf(timedOut)} Task timed out after 1.00 seconds`);
    expect(alive(pid)).toBe(false);
    const next = await sandboxes.invoke("slow", { ms: 0 }, { logType: "Tail" });
    expect(next.FunctionError).toBeUndefined();
    expect(JSON.parse(next.Payload).pid).not.toBe(pid);
    expect(reportOf(next)).toContain("\tInit Duration: ");
  });

  it.skipIf(!cgroups)("kills a function that allocates past its memory (cgroup) and reports Runtime.OutOfMemory", async () => {
    const small = await sandboxes.invoke("hog", { mb: 16 }, { logType: "Tail" });
    expect(small.FunctionError).toBeUndefined();
    expect(maxMemoryUsed(small)).toBeLessThan(128);
    const result = await sandboxes.invoke("hog", { mb: 400 }, { logType: "Tail" });
    expect(result.FunctionError).toBe("Unhandled");
    expect(JSON.parse(result.Payload)).toEqual({
      errorType: "Runtime.OutOfMemory",
      errorMessage: `RequestId: ${requestIdOf(result)} Error: Runtime exited with error: signal: killed`,
    });
    expect(reportOf(result)).toMatch(/\tMemory Size: 128 MB\t.*\tStatus: error\tError Type: Runtime.OutOfMemory$/);
    expect(maxMemoryUsed(result)).toBeGreaterThanOrEqual(124);
    expect(maxMemoryUsed(result)).toBeLessThanOrEqual(130);
    expect(sandboxes.instances("hog")).toEqual([]);
  });

  it("kills a function that allocates past its memory (RSS watchdog fallback) and reports Runtime.OutOfMemory", async () => {
    const result = await watchdogged.invoke("hog", { mb: 400, slow: true }, { logType: "Tail" });
    expect(result.FunctionError).toBe("Unhandled");
    expect(JSON.parse(result.Payload).errorType).toBe("Runtime.OutOfMemory");
    expect(maxMemoryUsed(result)).toBeGreaterThanOrEqual(120);
    expect(maxMemoryUsed(result)).toBeLessThan(400);
  });

  it("reports a crash mid-invocation as Runtime.ExitError with the exit status", async () => {
    const result = await sandboxes.invoke("crash", { code: 3 }, { logType: "Tail" });
    expect(result.FunctionError).toBe("Unhandled");
    expect(JSON.parse(result.Payload)).toEqual({
      errorType: "Runtime.ExitError",
      errorMessage: `RequestId: ${requestIdOf(result)} Error: Runtime exited with error: exit status 3`,
    });
    expect(logOf(result)).toMatch(/\tINFO\tabout to exit\n/);
    expect(reportOf(result)).toMatch(/\tStatus: error\tError Type: Runtime.ExitError$/);
    expect(sandboxes.instances("crash")).toEqual([]);
  });

  it("drops a warm instance that dies between invocations; the next invoke cold-starts", async () => {
    const answered = await sandboxes.invoke("crash", { later: true, code: 5 });
    expect(answered.FunctionError).toBeUndefined();
    const pid = JSON.parse(answered.Payload).pid as number;
    await expect.poll(() => sandboxes.instances("crash"), { timeout: 5_000 }).toEqual([]);
    expect(alive(pid)).toBe(false);
    const next = await sandboxes.invoke("crash", { later: true }, { logType: "Tail" });
    expect(JSON.parse(next.Payload).pid).not.toBe(pid);
    expect(reportOf(next)).toContain("\tInit Duration: ");
  });

  it("sizes the CPU quota as memory/1769 of a vCPU", () => {
    expect(cpuQuotaUs(1769)).toBe(100_000);
    expect(cpuQuotaUs(128)).toBe(7_236);
    expect(cpuQuotaUs(10_240)).toBe(Math.round((100_000 * 10_240) / 1769));
  });

  it.skipIf(!cgroups)("puts the instance process in its memory and cpu cgroups with Lambda's cap and quota", async () => {
    await sandboxes.invoke("quota", { ms: 0 });
    const [instance] = sandboxes.instances("quota");
    expect(instance).toBeDefined();
    expect(Number(readFileSync(`${instance!.cpuCgroup}/cpu.cfs_period_us`, "utf8"))).toBe(100_000);
    expect(Number(readFileSync(`${instance!.cpuCgroup}/cpu.cfs_quota_us`, "utf8"))).toBe(Math.round((100_000 * 256) / 1769));
    expect(Number(readFileSync(`${instance!.memoryCgroup}/memory.limit_in_bytes`, "utf8"))).toBe(256 * 1024 * 1024);
    const membership = readFileSync(`/proc/${instance!.pid}/cgroup`, "utf8");
    const name = instance!.memoryCgroup!.split("/").at(-1);
    expect(membership).toMatch(new RegExp(`^\\d+:memory:/s3-archive-bench/${name}$`, "m"));
    expect(membership).toMatch(new RegExp(`^\\d+:cpu:/s3-archive-bench/${name}$`, "m"));
  });

  it("close() kills every instance it started and removes their cgroups and temp dirs", async () => {
    const own = new LambdaSandboxes();
    try {
      own.register(fn("a", "sleep", { memoryMb: 512 }));
      own.register(fn("b", "sleep", { memoryMb: 512 }));
      await Promise.all([own.invoke("a", { ms: 200 }), own.invoke("a", { ms: 200 }), own.invoke("b", { ms: 0 })]);
      const instances = own.instances();
      expect(instances).toHaveLength(3);
      for (const instance of instances) expect(alive(instance.pid)).toBe(true);
      await own.close();
      for (const instance of instances) {
        expect(alive(instance.pid)).toBe(false);
        expect(existsSync(instance.tmpDir)).toBe(false);
        if (cgroups) {
          expect(existsSync(instance.memoryCgroup!)).toBe(false);
          expect(existsSync(instance.cpuCgroup!)).toBe(false);
        }
      }
      expect(own.instances()).toEqual([]);
      await expect(own.invoke("a", {})).rejects.toThrow(/closed/);
    } finally {
      await own.close();
    }
  });

  it("leaves no process and no cgroup behind when the host exits without close()", async () => {
    const host = fileURLToPath(new URL("./fixtures/functions/_hosts/exit-without-close.mts", import.meta.url));
    const run = spawnSync(process.execPath, ["--import", "tsx", host], { encoding: "utf8", timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const instances = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { pid: number; memoryCgroup?: string; tmpDir: string }[];
    expect(instances).toHaveLength(2);
    await expect.poll(() => instances.filter((instance) => alive(instance.pid)), { timeout: 5_000 }).toEqual([]);
    for (const instance of instances) {
      expect(existsSync(instance.tmpDir)).toBe(false);
      if (instance.memoryCgroup) expect(existsSync(instance.memoryCgroup)).toBe(false);
    }
  });
});
