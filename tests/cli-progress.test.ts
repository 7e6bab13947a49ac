// The progress reporter both engines feed.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { ProgressReporter, reportScores } from "../cli/progress";

function capture(live: boolean) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  let text = "";
  stream.on("data", (c: Buffer) => (text += c.toString()));
  let now = 1_000;
  const reporter = new ProgressReporter({ stream, live, now: () => now });
  return { reporter, text: () => text, advance: (ms: number) => (now += ms) };
}

describe("ProgressReporter", () => {
  it("prints one plain line per event when not live", () => {
    const { reporter, text, advance } = capture(false);
    reporter.note("filling the bucket");
    reporter.onEvent({ kind: "started", contender: "typescript-a-arm64" });
    reporter.onEvent({ kind: "runs-started", contender: "typescript-a-arm64", runs: 2 });
    advance(1_500);
    reporter.onEvent({ kind: "run-finished", contender: "typescript-a-arm64", run: 1, ok: true });
    reporter.onEvent({ kind: "run-finished", contender: "typescript-a-arm64", run: 0, ok: false, detail: "Error: boom" });
    reporter.onEvent({ kind: "validated", contender: "typescript-a-arm64", ok: false, detail: "InvalidArchive: no entries" });
    reportScores(reporter, { success: [], failure: [{ contender: "typescript-a-arm64", reason: "crash: run 0: Error: boom" }] });
    reporter.close();
    reporter.note("ignored after close");
    expect(text()).toBe(
      [
        "[   0.0s] filling the bucket",
        "[   0.0s] typescript-a-arm64: started",
        "[   0.0s] typescript-a-arm64: 2 runs started",
        "[   1.5s] typescript-a-arm64: run 1 ok, runs 1/2",
        "[   1.5s] typescript-a-arm64: run 0 failed: Error: boom, runs 2/2 (1 failed)",
        "[   1.5s] typescript-a-arm64: archive invalid: InvalidArchive: no entries",
        "[   1.5s] typescript-a-arm64: failed: crash: run 0: Error: boom",
        "",
      ].join("\n"),
    );
  });

  it("redraws one line per contender in place when live, with notes above them", () => {
    const { reporter, text } = capture(true);
    reporter.onEvent({ kind: "started", contender: "a" });
    reporter.onEvent({ kind: "started", contender: "b" });
    reporter.onEvent({ kind: "runs-started", contender: "a", runs: 3 });
    reporter.note("scoring");
    reportScores(reporter, {
      success: [{ contender: "a", rank: 1, run_price_usd: 0.000123456 }],
      failure: [{ contender: "b", reason: "oom: run 0" }],
    });
    reporter.close();
    const out = text();
    // Every redraw moves up over the previous block and clears it.
    expect(out).toContain("\x1b[2A\r\x1b[0J");
    expect(out).toContain("scoring\n");
    // The final screen state: both lines, the verdicts.
    const last = out.slice(out.lastIndexOf("\x1b[0J") + 4);
    expect(last).toBe("  done  a  runs 0/3  #1 at $0.000123/run\n  done  b  runs 0  failed: oom: run 0\n");
  });

  it("truncates live lines to the terminal width so the redraw arithmetic holds", () => {
    const stream = new PassThrough() as PassThrough & { columns?: number };
    stream.columns = 30;
    let text = "";
    stream.on("data", (c: Buffer) => (text += c.toString()));
    const reporter = new ProgressReporter({ stream, live: true, now: () => 0 });
    reporter.onEvent({ kind: "run-finished", contender: "a-very-long-contender-name-arm64", run: 0, ok: false, detail: "x".repeat(80) });
    reporter.close();
    const line = text.slice(text.lastIndexOf("\x1b[0J") + 4).split("\n")[0]!;
    expect(line.length).toBeLessThanOrEqual(29);
    expect(line.endsWith("…")).toBe(true);
  });

  it("draws nothing while suspended (a question is on screen), then redraws on resume", () => {
    const { reporter, text } = capture(true);
    reporter.onEvent({ kind: "started", contender: "a" });
    reporter.suspend();
    const atSuspend = text();
    reporter.onEvent({ kind: "runs-started", contender: "a", runs: 2 });
    reporter.note("Stop requested");
    expect(text().slice(atSuspend.length)).toBe("Stop requested\n");
    reporter.resume();
    expect(text().endsWith("a  runs 0/2\n")).toBe(true);
    reporter.close();
  });
});
