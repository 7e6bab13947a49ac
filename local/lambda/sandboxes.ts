// LambdaSandboxes: a local Lambda service. Registered functions run as real processes (one per
// warm instance) under Lambda's limits; `invoke` answers like the Invoke API, REPORT line included.
import { randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parsePayload } from "../../harness/contracts";
import { cgroupV1Writable, sweepStaleCgroups } from "./cgroups";
import { isExecutable, sweepStaleTmpDirs } from "./host-files";
import { Instance, type Outcome } from "./instance";
import { settle } from "./outcome";
import { findFunction, payloadText } from "./requests";
import { logTail, platformErrorPayload, reportLine } from "./report";
import {
  LocalFunction,
  RESERVED_ENV_KEYS,
  SANDBOX_RUNTIMES,
  type FunctionConfiguration,
  type InstanceInfo,
  type InvokeOptions,
  type InvokeResult,
  type SandboxesOptions,
  type UpdateFunctionConfigurationInput,
} from "./types";
import { ResourceConflictException } from "./types";

/** Lambda gives INIT 10 s; a slower init is retried inside the invoke, under the function timeout. */
const INIT_LIMIT_MS = 10_000;

// Every instance of every LambdaSandboxes in this process, so none outlives it whatever the path.
const live = new Set<Instance>();
let ownerCounter = 0;
let swept = false;
process.once("exit", () => {
  for (const instance of live) instance.killSync();
});

export class LambdaSandboxes {
  private readonly functions = new Map<string, LocalFunction>();
  private readonly pools = new Map<string, Set<Instance>>();
  private readonly logFiles = new Map<string, WriteStream>();
  /** Instances taken out of service by a configuration update while an invocation held them. */
  private readonly retired = new Set<Instance>();
  /** Functions whose last update is still being applied (LastUpdateStatus InProgress). */
  private readonly updating = new Map<string, Promise<void>>();
  private readonly useCgroups: boolean;
  private readonly ownerTag = String(++ownerCounter);
  private readonly warn: (message: string) => void;
  private closed = false;

  constructor(private readonly options: SandboxesOptions = {}) {
    this.warn = options.onWarning ?? ((message) => console.warn(`[lambda sandboxes] ${message}`));
    const isolation = options.isolation ?? "auto";
    const cgroups = isolation !== "watchdog" && cgroupV1Writable();
    if (isolation === "cgroup" && !cgroups) {
      throw new Error("isolation 'cgroup' needs root and writable cgroup v1 /sys/fs/cgroup/memory and /sys/fs/cgroup/cpu");
    }
    if (isolation === "auto" && !cgroups) {
      this.warn("cgroup v1 memory/cpu not writable here: memory cap enforced by an RSS watchdog (polling), and NO CPU share");
    }
    this.useCgroups = cgroups;
    if (!swept) {
      swept = true;
      sweepStaleCgroups();
      sweepStaleTmpDirs();
    }
    if (options.logDir) mkdirSync(options.logDir, { recursive: true });
  }

  register(input: LocalFunction): void {
    const runtime = (input as { runtime?: unknown }).runtime;
    if (typeof runtime === "string" && !(SANDBOX_RUNTIMES as readonly string[]).includes(runtime)) {
      throw new Error(`function ${input.name}: runtime ${runtime} is not supported by local sandboxes (supported: ${SANDBOX_RUNTIMES.join(", ")})`);
    }
    const fn = parsePayload(LocalFunction, input, "LocalFunction");
    const reserved = RESERVED_ENV_KEYS.filter((key) => key in fn.environment);
    if (reserved.length) throw new Error(`function ${fn.name}: environment sets reserved keys ${reserved.join(", ")}`);
    if (fn.arn.split(":")[6] !== fn.name) throw new Error(`function ${fn.name}: ARN ${fn.arn} names another function`);
    const existing = this.functions.get(fn.name);
    if (existing && JSON.stringify(existing) !== JSON.stringify(fn)) {
      throw new Error(`function ${fn.name} is already registered with another configuration`);
    }
    this.functions.set(fn.name, fn);
    if (!this.pools.has(fn.name)) this.pools.set(fn.name, new Set());
  }

  private resolve(nameOrArn: string): LocalFunction {
    return findFunction(this.functions, nameOrArn);
  }

  async getFunctionConfiguration(nameOrArn: string): Promise<FunctionConfiguration> {
    const fn = this.resolve(nameOrArn);
    return {
      FunctionName: fn.name,
      FunctionArn: fn.arn,
      Runtime: fn.runtime,
      Handler: fn.handler,
      MemorySize: fn.memoryMb,
      Timeout: fn.timeoutS,
      Architectures: [fn.architecture],
      EphemeralStorage: { Size: fn.ephemeralStorageMb },
      Environment: { Variables: { ...fn.environment } },
      Version: "$LATEST",
      PackageType: "Zip",
      State: "Active",
      LastUpdateStatus: this.updating.has(fn.name) ? "InProgress" : "Successful",
    };
  }

  /**
   * UpdateFunctionConfiguration: MemorySize, Timeout and Environment. As on AWS the call returns at
   * once with LastUpdateStatus "InProgress"; every existing execution environment is retired (idle
   * ones now, busy ones when their invocation ends), so the next invoke is a real cold start in a
   * process sized for the new memory (cgroup memory cap and CPU share), and it reports Init
   * Duration. A second update before the first is applied fails with ResourceConflictException,
   * like Lambda's "The operation cannot be performed at this time. An update is in progress".
   */
  async updateFunctionConfiguration(nameOrArn: string, input: UpdateFunctionConfigurationInput): Promise<FunctionConfiguration> {
    if (this.closed) throw new Error("LambdaSandboxes is closed");
    const fn = this.resolve(nameOrArn);
    if (this.updating.has(fn.name)) {
      throw new ResourceConflictException(
        `The operation cannot be performed at this time. An update is in progress for resource: ${fn.arn}`,
      );
    }
    const environment = input.Environment?.Variables ?? fn.environment;
    const reserved = RESERVED_ENV_KEYS.filter((key) => key in environment);
    if (reserved.length) throw new Error(`function ${fn.name}: environment sets reserved keys ${reserved.join(", ")}`);
    const updated = parsePayload(
      LocalFunction,
      { ...fn, memoryMb: input.MemorySize ?? fn.memoryMb, timeoutS: input.Timeout ?? fn.timeoutS, environment: { ...environment } },
      "UpdateFunctionConfiguration input",
    );
    this.functions.set(fn.name, updated);
    const pool = this.pools.get(fn.name)!;
    const old = [...pool];
    pool.clear();
    const idle = old.filter((instance) => !instance.reserved);
    for (const busy of old.filter((instance) => instance.reserved)) this.retired.add(busy);
    const applied = Promise.all(idle.map((instance) => this.discard(instance))).then(
      () => undefined,
      (error: unknown) => this.warn(`retiring instances of ${fn.name}: ${String(error)}`),
    );
    this.updating.set(fn.name, applied);
    void applied.finally(() => this.updating.delete(fn.name));
    return this.getFunctionConfiguration(fn.name);
  }

  /** Running instances (all functions, or one), for tests and progress displays. */
  instances(nameOrArn?: string): InstanceInfo[] {
    const names = nameOrArn ? [this.resolve(nameOrArn).name] : [...this.pools.keys()];
    return names.flatMap((name) => [...(this.pools.get(name) ?? [])].map((instance) => instance.info()));
  }

  private writeLog(fn: LocalFunction, line: string): void {
    this.options.onLog?.(fn.name, line);
    // After close() the streams are ended: late lines of dying processes only reach onLog.
    if (!this.options.logDir || this.closed) return;
    let file = this.logFiles.get(fn.name);
    if (!file) {
      file = createWriteStream(join(this.options.logDir, `${fn.name}.log`), { flags: "a" });
      this.logFiles.set(fn.name, file);
    }
    file.write(`${line}\n`);
  }

  /** A warm instance if one is idle (or about to be), else a new one: concurrent calls never share. */
  private async acquire(fn: LocalFunction): Promise<Instance> {
    const pool = this.pools.get(fn.name)!;
    const free = [...pool].filter((instance) => !instance.reserved);
    const idle = free.find((instance) => instance.state === "idle");
    if (idle) {
      idle.reserved = true;
      return idle;
    }
    // Just answered, not yet back on GET /next: that takes microseconds, so wait instead of a cold start.
    const finishing = free.find((instance) => instance.state === "finishing");
    if (finishing) {
      finishing.reserved = true;
      if ((await finishing.waitIdle()) && pool.has(finishing)) return finishing;
      await this.discard(finishing);
    }
    const instance = await Instance.start({
      fn,
      ownerTag: this.ownerTag,
      useCgroups: this.useCgroups,
      onLine: (line) => this.writeLog(fn, line),
      attach: this.options.attach,
      // Died while warm and idle (a timer in the handler crashed it...): the next invoke cold-starts.
      onDeath: (dead) => {
        if (!dead.reserved) this.discard(dead).catch((error: unknown) => this.warn(`cleanup of ${fn.name}: ${String(error)}`));
      },
    });
    instance.reserved = true;
    live.add(instance);
    if (this.closed) {
      await this.discard(instance);
      throw new Error("LambdaSandboxes is closed");
    }
    pool.add(instance);
    return instance;
  }

  private async discard(instance: Instance): Promise<void> {
    this.pools.get(instance.fn.name)?.delete(instance);
    this.retired.delete(instance);
    await instance.kill();
    live.delete(instance);
  }

  async invoke(nameOrArn: string, payload?: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    if (this.closed) throw new Error("LambdaSandboxes is closed");
    const fn = this.resolve(nameOrArn);
    const body = payloadText(payload);
    const requestId = randomUUID();
    const log: string[] = [];
    const platform = (line: string) => {
      log.push(line);
      this.writeLog(fn, line);
    };
    const startLine = `START RequestId: ${requestId} Version: $LATEST`;
    const started = performance.now();

    const bootstrap = join(fn.codeDir, "bootstrap");
    if (fn.runtime.startsWith("provided") && !isExecutable(bootstrap)) {
      platform(startLine);
      const error = {
        errorType: "Runtime.InvalidEntrypoint",
        errorMessage: `RequestId: ${requestId} Error: Couldn't find valid bootstrap(s): [${bootstrap} /opt/bootstrap]`,
      };
      return this.finish(fn, undefined, requestId, log, platform, options, {
        payload: platformErrorPayload(error),
        functionError: true,
        logLines: [error.errorMessage, error.errorType],
        status: { kind: "error", errorType: error.errorType },
        keepInstance: false,
      }, performance.now() - started, undefined);
    }

    const instance = await this.acquire(fn);
    const initFailure = await instance.waitForInit(INIT_LIMIT_MS + fn.timeoutS * 1000);
    let outcome: Outcome;
    let durationMs: number;
    let initDurationMs: number | undefined;
    instance.beginLog(log, [startLine]);
    this.writeLog(fn, startLine);
    if (initFailure) {
      outcome = initFailure;
      durationMs = initFailure.kind === "timeout" ? fn.timeoutS * 1000 : performance.now() - started;
    } else {
      if (!instance.initReported) {
        instance.initReported = true;
        initDurationMs = instance.initDurationMs;
      }
      const dispatched = performance.now();
      outcome = await instance.invoke(requestId, body, fn.timeoutS * 1000);
      // Lambda reports a timed-out invocation as lasting exactly the timeout.
      durationMs = outcome.kind === "timeout" ? fn.timeoutS * 1000 : performance.now() - dispatched;
    }
    await instance.endLog();
    return this.finish(fn, instance, requestId, log, platform, options, settle(outcome, requestId, fn.timeoutS), durationMs, initDurationMs);
  }

  private async finish(
    fn: LocalFunction,
    instance: Instance | undefined,
    requestId: string,
    log: string[],
    platform: (line: string) => void,
    options: InvokeOptions,
    settled: ReturnType<typeof settle>,
    durationMs: number,
    initDurationMs: number | undefined,
  ): Promise<InvokeResult> {
    for (const line of settled.logLines) platform(line);
    platform(`END RequestId: ${requestId}`);
    const maxMemoryUsedMb = instance?.maxMemoryUsedMb() ?? 0;
    platform(reportLine({ requestId, durationMs, memorySizeMb: fn.memoryMb, maxMemoryUsedMb, initDurationMs, status: settled.status }));
    if (instance) {
      const tmpMb = instance.tmpUsageMb();
      if (tmpMb > fn.ephemeralStorageMb) {
        this.warn(`${fn.name}: /tmp holds ${tmpMb.toFixed(0)} MB, over its ephemeral storage of ${fn.ephemeralStorageMb} MB (Lambda would have failed the writes)`);
      }
      const inService = this.pools.get(fn.name)?.has(instance) ?? false;
      if (settled.keepInstance && instance.reusable && inService && !this.closed) instance.reserved = false;
      else await this.discard(instance);
    }
    if (this.closed) throw new Error(`LambdaSandboxes closed during invocation ${requestId} of ${fn.name}`);
    const result: InvokeResult = { StatusCode: 200, ExecutedVersion: "$LATEST", Payload: settled.payload };
    if (settled.functionError) result.FunctionError = "Unhandled";
    if (options.logType === "Tail") result.LogResult = logTail(log);
    return result;
  }

  /** Kills every instance this object started (by PID and cgroup) and removes their cgroups. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.pools.values()].flatMap((pool) => [...pool]).concat([...this.retired]);
    for (const pool of this.pools.values()) pool.clear();
    this.retired.clear();
    await Promise.all(
      all.map(async (instance) => {
        await instance.kill();
        live.delete(instance);
      }),
    );
    await Promise.all([...this.logFiles.values()].map((file) => new Promise((resolve) => file.end(resolve))));
    this.logFiles.clear();
  }
}
