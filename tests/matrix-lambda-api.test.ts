// The local Lambda control plane the matrix needs: UpdateFunctionConfiguration on the sandboxes
// (memory re-limits the CPU share, an environment change forces a real cold start) and the
// loopback Lambda API in front of them, driven by the real AWS SDK.
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReportLine } from "../harness/report-line";
import { cgroupV1Writable, LambdaSandboxes, ResourceConflictException } from "../local/lambda/index";
import { startLocalLambdaApi, type LocalLambdaApi } from "../local/lambda-api/server";
import { fixtureFunction, logOf } from "./support/sandbox-functions";
import { ENV_TOKEN, FunctionControl } from "../functions/matrix-sampler/function-control";

const sandboxes = new LambdaSandboxes({ onWarning: () => undefined });
let api: LocalLambdaApi;
let client: LambdaClient;

beforeAll(async () => {
  sandboxes.register(fixtureFunction("matrix-cpu", "matrix-cpu", { memoryMb: 1769, timeoutS: 60, environment: { KEEP_ME: "yes" } }));
  sandboxes.register(fixtureFunction("matrix-cpu-api", "matrix-cpu", { memoryMb: 1024, timeoutS: 20, environment: { KEEP_ME: "too" } }));
  api = await startLocalLambdaApi(sandboxes);
  client = new LambdaClient({ endpoint: api.endpoint, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
});
afterAll(async () => {
  client?.destroy();
  await api?.close();
  await sandboxes.close();
});

async function waitSuccessful(name: string): Promise<void> {
  while ((await sandboxes.getFunctionConfiguration(name)).LastUpdateStatus !== "Successful") await new Promise((r) => setTimeout(r, 10));
}

async function timedInvoke(name: string, payload: unknown) {
  const result = await sandboxes.invoke(name, payload, { logType: "Tail" });
  expect(result.FunctionError).toBeUndefined();
  return parseReportLine(logOf(result));
}

describe("LambdaSandboxes.updateFunctionConfiguration", () => {
  it("an environment change retires the warm instance: the next invoke is cold (Init Duration), then warm again", async () => {
    const first = await timedInvoke("matrix-cpu", { iterations: 10 });
    const warm = await timedInvoke("matrix-cpu", { iterations: 10 });
    expect(warm.initDurationMs).toBeNull();
    const pidBefore = sandboxes.instances("matrix-cpu")[0]!.pid;

    const updated = await sandboxes.updateFunctionConfiguration("matrix-cpu", { Environment: { Variables: { KEEP_ME: "yes", TOKEN: "1" } } });
    expect(updated.LastUpdateStatus).toBe("InProgress");
    // Lambda refuses a second change while the first is applied.
    await expect(sandboxes.updateFunctionConfiguration("matrix-cpu", { MemorySize: 512 })).rejects.toBeInstanceOf(ResourceConflictException);
    await waitSuccessful("matrix-cpu");

    const cold = await timedInvoke("matrix-cpu", { iterations: 10 });
    expect(first.initDurationMs).not.toBeNull();
    expect(cold.initDurationMs).not.toBeNull();
    expect(sandboxes.instances("matrix-cpu").map((i) => i.pid)).not.toContain(pidBefore);
    expect((await timedInvoke("matrix-cpu", { iterations: 10 })).initDurationMs).toBeNull();
    expect((await sandboxes.getFunctionConfiguration("matrix-cpu")).Environment.Variables).toEqual({ KEEP_ME: "yes", TOKEN: "1" });
  });

  it("refuses reserved environment keys and impossible memory sizes, changing nothing", async () => {
    await expect(sandboxes.updateFunctionConfiguration("matrix-cpu", { Environment: { Variables: { AWS_LAMBDA_FUNCTION_NAME: "x" } } })).rejects.toThrow(/reserved keys AWS_LAMBDA_FUNCTION_NAME/);
    await expect(sandboxes.updateFunctionConfiguration("matrix-cpu", { MemorySize: 64 })).rejects.toThrow(/memoryMb/);
    expect((await sandboxes.getFunctionConfiguration("matrix-cpu")).MemorySize).toBe(1769);
  });

  // The CPU share is memory/1769 of one core (cgroup CFS quota). The cpu sample is single-threaded,
  // so at 512 MB it is capped at 0.289 of a core whatever the load, and at 1769 MB it gets up to
  // one core: on an idle host the 512 MB sample takes 1769/512 = 3.46x as long. This 2-core host
  // is shared with other jobs, and contention can only slow the 1769 MB sample (share s < 1, read
  // from the process's CPU time over wall time), which lowers the expected ratio to s x 1769/512.
  // So: ratio >= 0.75 x min(1769/512, s x 1769/512) (25% for CFS period granularity at 100 ms
  // periods, 10 ms CPU-time ticks and load swings between samples), ratio <= 1.1 x 1769/512, and
  // the 512 MB sample never used more than its 0.289 share (+10%). Without the quota the ratio
  // would be about 1 and the first bound fails as soon as s > 0.39. The upper bound is scaled by
  // the CPU time each sample used: a throttled Node process spends more CPU on the same work (V8's
  // background GC and compiler threads share its quota; seen here: 260 ms vs 160 ms), which
  // lengthens its wall time beyond 1769/512 without its share being any smaller; and by the 1769 MB
  // sample's share when above 1 (its quota is one core per 100 ms period, and those same threads
  // can use it within a period on the second core: seen here 1.12).
  it.runIf(cgroupV1Writable())("memory re-limits the CPU share: 512 MB takes about 1769/512 times as long as 1769 MB", async () => {
    const event = { iterations: 300_000 };
    const cpuMs = (pid: number) => {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, USER_HZ = 100
    };
    const measure = async () => {
      await timedInvoke("matrix-cpu", event); // cold start and JIT warm-up, not measured
      const pid = sandboxes.instances("matrix-cpu")[0]!.pid;
      const samples = [];
      for (let i = 0; i < 3; i++) {
        const before = cpuMs(pid);
        const duration = (await timedInvoke("matrix-cpu", event)).durationMs;
        const cpu = cpuMs(pid) - before;
        samples.push({ duration, cpu, share: cpu / duration });
      }
      return samples.sort((a, b) => a.duration - b.duration)[1]!;
    };
    await waitSuccessful("matrix-cpu");
    await sandboxes.updateFunctionConfiguration("matrix-cpu", { MemorySize: 1769 });
    await waitSuccessful("matrix-cpu");
    const full = await measure();
    await sandboxes.updateFunctionConfiguration("matrix-cpu", { MemorySize: 512 });
    await waitSuccessful("matrix-cpu");
    const capped = await measure();
    const ideal = 1769 / 512;
    const ratio = capped.duration / full.duration;
    const extraWork = Math.max(1, capped.cpu / full.cpu) * Math.max(1, full.share);
    const shown = `512 MB ${capped.duration} ms, ${capped.cpu} ms CPU (share ${capped.share.toFixed(3)}); 1769 MB ${full.duration} ms, ${full.cpu} ms CPU (share ${full.share.toFixed(3)})`;
    expect(capped.share, shown).toBeLessThan((512 / 1769) * 1.1);
    expect(ratio, shown).toBeGreaterThan(0.75 * Math.min(ideal, full.share * ideal));
    expect(ratio, shown).toBeLessThan(1.1 * ideal * extraWork);
  });
});

describe("local Lambda API (AWS SDK over loopback)", () => {
  it("Invoke with LogType Tail, GetFunctionConfiguration and UpdateFunctionConfiguration as the SDK expects", async () => {
    const ok = await client.send(new InvokeCommand({ FunctionName: "matrix-cpu-api", Payload: JSON.stringify({ iterations: 1000 }), LogType: "Tail" }));
    expect(ok.StatusCode).toBe(200);
    expect(ok.FunctionError).toBeUndefined();
    expect(JSON.parse(new TextDecoder().decode(ok.Payload)).checksum).toBe("30e0bebe0515a0339fc66c4dab008de395adde3b23e4f1f1023896a974219bdf");
    expect(parseReportLine(Buffer.from(ok.LogResult!, "base64").toString()).memorySizeMb).toBe(1024);

    const failed = await client.send(new InvokeCommand({ FunctionName: "matrix-cpu-api", Payload: JSON.stringify({ fail_every: 1 }), LogType: "Tail" }));
    expect(failed.FunctionError).toBe("Unhandled");
    expect(JSON.parse(new TextDecoder().decode(failed.Payload)).errorMessage).toMatch(/planted failure/);

    const arn = "arn:aws:lambda:us-east-1:000000000000:function:matrix-cpu-api";
    const updated = await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: arn, MemorySize: 256 }));
    expect(updated.MemorySize).toBe(256);
    expect(updated.Environment?.Variables).toEqual({ KEEP_ME: "too" });
    let config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: arn }));
    while (config.LastUpdateStatus !== "Successful") config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: arn }));
    expect(config.MemorySize).toBe(256);
    const cold = await client.send(new InvokeCommand({ FunctionName: arn, Payload: "{}", LogType: "Tail" }));
    const report = parseReportLine(Buffer.from(cold.LogResult!, "base64").toString());
    expect(report.memorySizeMb).toBe(256);
    expect(report.initDurationMs).not.toBeNull();
  });

  it("answers errors with the names the SDK throws", async () => {
    await expect(client.send(new GetFunctionConfigurationCommand({ FunctionName: "no-such-function" }))).rejects.toMatchObject({
      name: "ResourceNotFoundException",
      $metadata: { httpStatusCode: 404 },
    });
    await expect(client.send(new InvokeCommand({ FunctionName: "matrix-cpu-api", Payload: "not json" }))).rejects.toMatchObject({
      name: "InvalidRequestContentException",
    });
    await expect(client.send(new InvokeCommand({ FunctionName: "matrix-cpu-api", InvocationType: "Event" }))).rejects.toMatchObject({
      name: "InvalidParameterValueException",
    });
    // An update is "in progress" while the function's warm instances are being retired: make sure
    // there is one (an earlier test's may have been reaped), or the first update applies at once.
    await client.send(new InvokeCommand({ FunctionName: "matrix-cpu-api", Payload: JSON.stringify({ iterations: 1000 }) }));
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: "matrix-cpu-api", Environment: { Variables: { A: "1" } } }));
    await expect(client.send(new UpdateFunctionConfigurationCommand({ FunctionName: "matrix-cpu-api", MemorySize: 512 }))).rejects.toMatchObject({
      name: "ResourceConflictException",
      $metadata: { httpStatusCode: 409 },
    });
  });

  it("the sampler's FunctionControl retries ResourceConflictException with backoff and keeps the other variables", async () => {
    const name = "matrix-cpu-api";
    const control = new FunctionControl(client, name);
    await control.waitUntilUpdated();
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { A: "1" } } }));
    await control.waitUntilUpdated();
    await client.send(new InvokeCommand({ FunctionName: name, Payload: "{}" })); // an instance to retire: the update takes a while
    const before = api.calls["PUT configuration"] ?? 0;
    // Two forced cold starts at once: both see Successful, both update; the second conflicts and retries.
    await Promise.all([control.forceColdStart(), new FunctionControl(client, name).forceColdStart()]);
    expect((api.calls["PUT configuration"] ?? 0) - before).toBeGreaterThanOrEqual(3);
    const variables = (await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).Environment?.Variables ?? {};
    expect(variables.A).toBe("1");
    expect(variables[ENV_TOKEN]).toMatch(/^[0-9a-f-]{36}$/);
  });
});
