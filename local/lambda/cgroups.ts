// Memory cap and CPU share per instance with cgroup v1 (memory + cpu controllers), the way Lambda
// sizes an execution environment: the memory setting is a hard cap enforced by the kernel's OOM
// killer, and CPU is proportional to memory (1,769 MB = one vCPU, capped at 6 vCPU).
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const MEMORY_ROOT = "/sys/fs/cgroup/memory";
const CPU_ROOT = "/sys/fs/cgroup/cpu";
/** Often co-mounted with cpu (then `cpuacct.usage` sits in the cpu group); separate here and there. */
const CPUACCT_ROOT = "/sys/fs/cgroup/cpuacct";
/** Shared by every process using the sandboxes; never removed (another process may be using it). */
const GROUP = "s3-archive-bench";
const CFS_PERIOD_US = 100_000;
const MB_PER_VCPU = 1769;
const MAX_VCPU = 6;

/** CFS quota for a memory size: memory/1769 of one vCPU, at most 6 vCPU, at least the kernel's 1 ms. */
export function cpuQuotaUs(memoryMb: number): number {
  const quota = Math.round((CFS_PERIOD_US * memoryMb) / MB_PER_VCPU);
  return Math.max(1_000, Math.min(quota, CFS_PERIOD_US * MAX_VCPU));
}

let availability: boolean | undefined;

/** True when cgroup v1 memory and cpu hierarchies exist and this process may create groups in them. */
export function cgroupV1Writable(): boolean {
  if (availability !== undefined) return availability;
  try {
    for (const root of [MEMORY_ROOT, CPU_ROOT]) {
      accessSync(join(root, "cgroup.procs"), constants.W_OK);
      mkdirSync(join(root, GROUP), { recursive: true });
      accessSync(join(root, GROUP), constants.W_OK);
    }
    accessSync(join(CPU_ROOT, "cpu.cfs_quota_us"), constants.R_OK);
    availability = true;
  } catch {
    availability = false;
  }
  return availability;
}

function readNumber(file: string): number {
  return Number(readFileSync(file, "utf8").trim());
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function killPids(procsFile: string): number {
  let pids: number[] = [];
  try {
    pids = readFileSync(procsFile, "utf8").split("\n").filter(Boolean).map(Number);
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return pids.length;
}

/** The pair of cgroups (memory, cpu) holding one instance. Names start with our pid (see sweep). */
export class InstanceCgroups {
  readonly memoryDir: string;
  readonly cpuDir: string;
  /** Where `cpuacct.usage` is read: the cpu group when co-mounted, else its own group; none if absent. */
  cpuacctDir: string | undefined;
  private ownCpuacct = false;

  private constructor(name: string) {
    this.memoryDir = join(MEMORY_ROOT, GROUP, name);
    this.cpuDir = join(CPU_ROOT, GROUP, name);
  }

  static create(name: string, memoryMb: number): InstanceCgroups {
    const groups = new InstanceCgroups(name);
    mkdirSync(groups.memoryDir);
    mkdirSync(groups.cpuDir);
    const bytes = String(memoryMb * 1024 * 1024);
    writeFileSync(join(groups.memoryDir, "memory.limit_in_bytes"), bytes);
    // With swap on, memory+swap must be capped too or the process would page out instead of dying.
    const memsw = join(groups.memoryDir, "memory.memsw.limit_in_bytes");
    if (existsSync(memsw)) writeFileSync(memsw, bytes);
    writeFileSync(join(groups.cpuDir, "cpu.cfs_period_us"), String(CFS_PERIOD_US));
    writeFileSync(join(groups.cpuDir, "cpu.cfs_quota_us"), String(cpuQuotaUs(memoryMb)));
    if (existsSync(join(groups.cpuDir, "cpuacct.usage"))) groups.cpuacctDir = groups.cpuDir;
    else if (existsSync(join(CPUACCT_ROOT, "cpuacct.usage"))) {
      try {
        mkdirSync(join(CPUACCT_ROOT, GROUP), { recursive: true });
        const dir = join(CPUACCT_ROOT, GROUP, name);
        mkdirSync(dir);
        groups.cpuacctDir = dir;
        groups.ownCpuacct = true;
      } catch {
        // CPU time is a measurement, not a limit: without it, usage reports null
      }
    }
    return groups;
  }

  /** Files the spawn wrapper writes its own pid into before exec, so no allocation escapes the cap. */
  get procsFiles(): string[] {
    const files = [join(this.memoryDir, "cgroup.procs"), join(this.cpuDir, "cgroup.procs")];
    if (this.ownCpuacct) files.push(join(this.cpuacctDir!, "cgroup.procs"));
    return files;
  }

  /** CPU time used by every process of the instance so far, in seconds (cpuacct.usage is in ns). */
  cpuSeconds(): number | null {
    if (!this.cpuacctDir) return null;
    try {
      return readNumber(join(this.cpuacctDir, "cpuacct.usage")) / 1e9;
    } catch {
      return null;
    }
  }

  /** Peak memory of the whole instance since it started (Lambda's Max Memory Used never goes down). */
  peakBytes(): number {
    try {
      return readNumber(join(this.memoryDir, "memory.max_usage_in_bytes"));
    } catch {
      return 0;
    }
  }

  /** How many times the kernel OOM killer fired inside this group. */
  oomKills(): number {
    try {
      const control = readFileSync(join(this.memoryDir, "memory.oom_control"), "utf8");
      const match = /^oom_kill (\d+)$/m.exec(control);
      if (match) return Number(match[1]);
      // Kernels before 4.13 lack the counter: a hit limit is the best evidence left.
      return readNumber(join(this.memoryDir, "memory.failcnt")) > 0 ? 1 : 0;
    } catch {
      return 0;
    }
  }

  killAll(): void {
    killPids(join(this.memoryDir, "cgroup.procs"));
    killPids(join(this.cpuDir, "cgroup.procs"));
    if (this.ownCpuacct) killPids(join(this.cpuacctDir!, "cgroup.procs"));
  }

  /** Kills what is left inside and removes both groups; retries while the kernel reaps. */
  async remove(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      this.killAll();
      if (this.tryRmdir()) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`could not remove cgroups ${this.memoryDir} / ${this.cpuDir} (still busy)`);
  }

  /** Synchronous variant for the process 'exit' hook (no event loop left there). */
  removeSync(): void {
    const deadline = Date.now() + 500;
    do {
      this.killAll();
      if (this.tryRmdir()) return;
    } while (Date.now() < deadline);
  }

  private tryRmdir(): boolean {
    let done = true;
    for (const dir of [this.memoryDir, this.cpuDir, ...(this.ownCpuacct ? [this.cpuacctDir!] : [])]) {
      try {
        rmdirSync(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") done = false;
      }
    }
    return done;
  }
}

/** Removes groups left by processes that died without cleaning up (SIGKILLed test runners...). */
export function sweepStaleCgroups(): void {
  if (!cgroupV1Writable()) return;
  for (const root of [MEMORY_ROOT, CPU_ROOT, CPUACCT_ROOT]) {
    let names: string[] = [];
    try {
      names = readdirSync(join(root, GROUP), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name);
    } catch {
      continue;
    }
    for (const name of names) {
      const owner = Number(name.split("-")[0]);
      if (!Number.isInteger(owner) || owner <= 0 || pidAlive(owner)) continue;
      const dir = join(root, GROUP, name);
      killPids(join(dir, "cgroup.procs"));
      try {
        rmdirSync(dir);
      } catch {
        // still draining; the next sweep gets it
      }
    }
  }
}
