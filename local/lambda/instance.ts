// One execution environment: a runtime process under the function's memory cap and CPU share,
// with its own Runtime API port and its own /tmp, kept warm between invocations until it dies.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { InstanceCgroups } from "./cgroups";
import { RUNTIME_DIR, lambdaEnvironment, runtimeCommand } from "./environment";
import { MOUNT, TMP_ROOT, UNSHARE, canPrivatizeTmp, directoryBytes } from "./host-files";
import { OutputLines } from "./output-lines";
import { RuntimeApiServer } from "./runtime-api";
import { RssWatchdog, processCpuSeconds, residentKb } from "./watchdog";
import type { InstanceAttachment, InstanceInfo, LocalFunction } from "./types";

/** How a dispatched invocation (or the init phase) ended, as seen by the platform. */
export type Outcome =
  | { kind: "response"; body: string }
  | { kind: "error"; body: string; errorType: string | undefined }
  | { kind: "init-error"; body: string; errorType: string | undefined }
  | { kind: "exit"; code: number | null; signal: NodeJS.Signals | null; oom: boolean }
  | { kind: "timeout" };

export type InstanceState = "init" | "idle" | "busy" | "finishing" | "dead";

/** Pipes and the HTTP socket race: give the last log lines this long to arrive after an outcome. */
const LOG_SETTLE_MS = 15;

let instanceCounter = 0;

export interface InstanceOptions {
  fn: LocalFunction;
  /** Unique per LambdaSandboxes object; names cgroups and temp dirs `<our pid>-<owner>-…`. */
  ownerTag: string;
  useCgroups: boolean;
  onLine: (line: string) => void;
  /** The process died (whatever the reason); the owner drops it unless an invocation holds it. */
  onDeath: (instance: Instance) => void;
  /** Opens the instance's companion (the S3 front's port) before the process starts. */
  attach?: (fn: LocalFunction) => Promise<InstanceAttachment>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class Instance {
  readonly id: string;
  readonly fn: LocalFunction;
  readonly tmpDir: string;
  readonly privateTmp: boolean;
  state: InstanceState = "init";
  /** Set on the first GET /next; reported once, by the first invocation. */
  initDurationMs: number | undefined;
  initReported = false;
  /** A finishing instance promised to a waiting invocation. */
  reserved = false;

  private child!: ChildProcess;
  private api!: RuntimeApiServer;
  private cgroups: InstanceCgroups | undefined;
  private readonly spawnedAt = performance.now();
  private current: { requestId: string; settle: (outcome: Outcome) => void } | undefined;
  private initWaiter: ((outcome: Outcome | undefined) => void) | undefined;
  private idleWaiters: ((ready: boolean) => void)[] = [];
  private pendingInitError: Outcome | undefined;
  private exitOutcome: Outcome | undefined;
  private killedByUs = false;
  private watchdog: RssWatchdog | undefined;
  private readonly output: OutputLines;
  private exited: Promise<void> | undefined;
  private attachment: InstanceAttachment | undefined;

  private constructor(private readonly options: InstanceOptions) {
    this.fn = options.fn;
    this.id = `${process.pid}-${options.ownerTag}-${++instanceCounter}-${randomBytes(3).toString("hex")}`;
    this.tmpDir = join(TMP_ROOT, this.id);
    this.output = new OutputLines(options.onLine);
    this.privateTmp = canPrivatizeTmp([options.fn.codeDir, RUNTIME_DIR, dirname(runtimeCommand(options.fn)[0])]);
  }

  /** Spawns the runtime; resolves as soon as the process runs (init continues in the background). */
  static async start(options: InstanceOptions): Promise<Instance> {
    const instance = new Instance(options);
    try {
      await instance.spawn();
    } catch (error) {
      // Half-built (cgroup or port failed): undo what exists, the caller sees the cause.
      await instance.api?.close();
      await instance.attachment?.close();
      await instance.cgroups?.remove();
      rmSync(instance.tmpDir, { recursive: true, force: true });
      throw error;
    }
    return instance;
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  info(): InstanceInfo {
    return {
      functionName: this.fn.name,
      pid: this.pid,
      state: this.state === "finishing" ? "busy" : this.state,
      memoryCgroup: this.cgroups?.memoryDir,
      cpuCgroup: this.cgroups?.cpuDir,
      tmpDir: this.tmpDir,
    };
  }

  private async spawn(): Promise<void> {
    mkdirSync(this.tmpDir, { recursive: true, mode: 0o777 });
    if (this.options.useCgroups) this.cgroups = InstanceCgroups.create(this.id, this.fn.memoryMb);
    this.api = await RuntimeApiServer.start({
      onNext: () => this.onNext(),
      onResponse: (requestId, body) => this.settleCurrent(requestId, { kind: "response", body }),
      onError: (requestId, body, errorType) => this.settleCurrent(requestId, { kind: "error", body, errorType }),
      onInitError: (body, errorType) => {
        this.pendingInitError = { kind: "init-error", body, errorType };
        this.initWaiter?.(this.pendingInitError);
      },
    });
    this.attachment = await this.options.attach?.(this.fn);
    const env = {
      ...lambdaEnvironment({ fn: this.fn, runtimeApi: this.api.address, tmpDir: this.privateTmp ? undefined : this.tmpDir }),
      ...this.attachment?.env,
    };
    // A tiny shell joins the cgroups with its own pid, then execs the runtime: the runtime's very
    // first allocation is already capped. In a private mount namespace it first mounts /tmp.
    const steps = (this.cgroups?.procsFiles ?? []).map((file) => `echo $$ > '${file}'`);
    if (this.privateTmp) steps.push(`${MOUNT} --bind '${this.tmpDir}' /tmp`);
    steps.push('exec "$@"');
    const shell = ["/bin/sh", "-c", steps.join(" && "), "sh", ...runtimeCommand(this.fn)];
    const argv = this.privateTmp ? [UNSHARE!, "--mount", "--propagation", "private", ...shell] : shell;
    this.child = spawn(argv[0]!, argv.slice(1), { cwd: this.fn.codeDir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    this.child.stdout!.on("data", (chunk: Buffer) => this.output.write("stdout", chunk));
    this.child.stderr!.on("data", (chunk: Buffer) => this.output.write("stderr", chunk));
    const closed = new Promise<void>((resolve) => this.child.once("close", () => resolve()));
    this.exited = new Promise<void>((resolve) => {
      let finished = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (finished) return;
        finished = true;
        // Let the last output drain (a grandchild could hold the pipes open: don't wait forever).
        void Promise.race([closed, sleep(100)]).then(() => {
          this.onExit(code, signal);
          resolve();
        });
      };
      this.child.once("exit", finish);
      this.child.once("error", () => finish(127, null));
    });
    if (!this.cgroups) this.watchdog = new RssWatchdog(this.pid, this.fn.memoryMb, () => this.signalGroup("SIGKILL"));
  }

  /** Routes output to an invocation's log; lines printed meanwhile (init, leftovers) come first. */
  beginLog(log: string[], headerLines: string[]): void {
    this.output.attach(log, headerLines);
  }

  /** Waits for trailing output, then detaches the invocation's log. */
  async endLog(): Promise<void> {
    await sleep(LOG_SETTLE_MS);
    this.output.detach();
  }

  private onNext(): void {
    if (this.state === "init") {
      this.initDurationMs = performance.now() - this.spawnedAt;
      this.state = "idle";
      this.initWaiter?.(undefined);
    } else if (this.state === "finishing") {
      this.state = "idle";
      for (const waiter of this.idleWaiters.splice(0)) waiter(true);
    }
  }

  private settleCurrent(requestId: string, outcome: Outcome): boolean {
    if (!this.current || this.current.requestId !== requestId) return false;
    const { settle } = this.current;
    this.current = undefined;
    this.state = "finishing";
    settle(outcome);
    return true;
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.watchdog?.stop();
    this.state = "dead";
    const oom = !this.killedByUs && (this.watchdog?.killed || (this.cgroups?.oomKills() ?? 0) > 0);
    this.exitOutcome = { kind: "exit", code, signal, oom };
    this.initWaiter?.(this.pendingInitError ?? this.exitOutcome);
    const current = this.current;
    this.current = undefined;
    current?.settle(this.exitOutcome);
    for (const waiter of this.idleWaiters.splice(0)) waiter(false);
    this.options.onDeath(this);
  }

  /** Resolves when init ends: undefined = ready for events, else how it failed. */
  waitForInit(limitMs: number): Promise<Outcome | undefined> {
    if (this.state === "dead") return Promise.resolve(this.pendingInitError ?? this.exitOutcome);
    if (this.pendingInitError) return Promise.resolve(this.pendingInitError);
    if (this.state !== "init") return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.initWaiter = undefined;
        resolve({ kind: "timeout" });
      }, limitMs);
      this.initWaiter = (outcome) => {
        clearTimeout(timer);
        this.initWaiter = undefined;
        resolve(outcome);
      };
    });
  }

  /** For a finishing instance: true once it asks for the next event, false if it dies first. */
  waitIdle(): Promise<boolean> {
    if (this.state === "idle") return Promise.resolve(true);
    if (this.state !== "finishing") return Promise.resolve(false);
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Hands one event to the waiting runtime and resolves with how the invocation ended. */
  invoke(requestId: string, payload: string, timeoutMs: number): Promise<Outcome> {
    if (this.state !== "idle" || !this.api.waiting) {
      return Promise.resolve(this.exitOutcome ?? { kind: "exit", code: null, signal: null, oom: false });
    }
    this.state = "busy";
    const cpuAtStart = this.cpuSeconds();
    this.attachment?.invocationStarted(requestId, payload);
    const ended = (outcome: Outcome) => {
      const cpuAtEnd = this.cpuSeconds();
      const cpu = cpuAtStart !== null && cpuAtEnd !== null ? cpuAtEnd - cpuAtStart : null;
      this.attachment?.invocationEnded(requestId, cpu);
      return outcome;
    };
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => {
        if (this.current?.requestId === requestId) this.current = undefined;
        resolve(ended({ kind: "timeout" }));
      }, timeoutMs);
      this.current = {
        requestId,
        settle: (outcome) => {
          clearTimeout(timer);
          resolve(ended(outcome));
        },
      };
      this.api.deliver({
        requestId,
        payload,
        deadlineMs: Date.now() + timeoutMs,
        invokedFunctionArn: this.fn.arn,
        traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString("hex")};Parent=${randomBytes(8).toString("hex")};Sampled=0`,
      });
    });
  }

  /** Max Memory Used so far, in MB (the whole instance, like Lambda's sandbox-wide figure). */
  maxMemoryUsedMb(): number {
    // The cgroup misses file pages other processes faulted in first (the node binary is already in
    // the host's page cache); in a fresh Lambda microVM those are charged to the function. The
    // process's own resident peak (VmHWM) covers them while it lives.
    const hwmKb = this.state === "dead" ? 0 : residentKb(this.pid).hwm;
    const bytes = Math.max(this.cgroups ? this.cgroups.peakBytes() : (this.watchdog?.peakKb ?? 0) * 1024, hwmKb * 1024);
    return Math.round(bytes / (1024 * 1024));
  }

  /** CPU time of the whole instance so far (cgroup cpuacct, else /proc of the runtime process). */
  cpuSeconds(): number | null {
    return this.cgroups?.cpuacctDir ? this.cgroups.cpuSeconds() : processCpuSeconds(this.pid);
  }

  /** Best effort: Lambda caps /tmp with a file system; locally we can only measure afterwards. */
  tmpUsageMb(): number {
    try {
      return directoryBytes(this.tmpDir) / (1024 * 1024);
    } catch {
      return 0;
    }
  }

  private signalGroup(signal: NodeJS.Signals): void {
    // Never without a real pid (kill(-(-1)) would signal every process we may signal), and never
    // after the exit was seen: the group id could by now belong to somebody else.
    if (!(this.pid > 1) || this.state === "dead") return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // group already gone
    }
  }

  /** Kills the process tree, removes the cgroups, the port and the temp dir. Idempotent. */
  async kill(): Promise<void> {
    if (this.state !== "dead") this.killedByUs = true;
    this.signalGroup("SIGKILL");
    this.cgroups?.killAll();
    await this.exited;
    await this.api.close();
    await this.attachment?.close();
    await this.cgroups?.remove();
    rmSync(this.tmpDir, { recursive: true, force: true });
  }

  /** For the process 'exit' hook: everything synchronous, nothing awaited. */
  killSync(): void {
    this.killedByUs = true;
    this.signalGroup("SIGKILL");
    this.cgroups?.removeSync();
    try {
      rmSync(this.tmpDir, { recursive: true, force: true });
    } catch {
      // leave it to the OS temp cleaner
    }
  }

  /** Whether the owner may run more events on it (alive, not poisoned by an init error). */
  get reusable(): boolean {
    return this.state !== "dead" && this.pendingInitError === undefined;
  }
}
