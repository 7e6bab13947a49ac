// The fallback memory cap where cgroups are not writable: poll the process's resident set and
// SIGKILL its group past the limit. Coarser than the kernel (a fast allocation can overshoot
// between polls) and blind to CPU, which is why the sandboxes warn when they fall back to it.
import { readFileSync } from "node:fs";

const INTERVAL_MS = 25;

/** VmRSS and VmHWM (peak) of a live process, in kB; zeros once it is gone. */
export function residentKb(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return {
      rss: Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0),
      hwm: Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0),
    };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

export class RssWatchdog {
  peakKb = 0;
  killed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(pid: number, limitMb: number, kill: () => void) {
    const limitKb = limitMb * 1024;
    this.timer = setInterval(() => {
      const { rss, hwm } = residentKb(pid);
      this.peakKb = Math.max(this.peakKb, rss, hwm);
      if (rss > limitKb && !this.killed) {
        this.killed = true;
        kill();
      }
    }, INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * CPU seconds of a live process and its reaped children from /proc/<pid>/stat (utime, stime,
 * cutime, cstime in clock ticks of 1/100 s, Linux's USER_HZ): the fallback when no cpuacct group
 * holds the instance. Null once the process is gone.
 */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
    return ticks / 100;
  } catch {
    return null;
  }
}
