// The `bench` entry: dispatch, help, usage errors and exit codes.
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../cli/commands";
import { runMain } from "./fixtures/capture-output";

describe("bench entry", () => {
  it("lists every command of the table in --help, exit 0", async () => {
    const r = await runMain(["--help"]);
    expect(r.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\s+\\S`, "m"));
    expect(r.stdout).toContain("exit codes: 0 the run completed");
  });

  it("without a command prints the usage on stderr, exit 2", async () => {
    const r = await runMain([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("usage: bench <command>");
    expect(r.stdout).toBe("");
  });

  it("an unknown command is a clear error with the usage, exit 2", async () => {
    const r = await runMain(["deploy"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bench: unknown command "deploy"\n\nusage: bench <command>/);
  });

  it("does not treat Object.prototype names as commands", async () => {
    const r = await runMain(["constructor"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "constructor"');
  });

  it.each(Object.keys(COMMANDS))("bench %s --help prints that command's usage, exit 0", async (name) => {
    const r = await runMain([name, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`bench ${name}`));
    expect(r.stderr).toBe("");
  });

  it.each(Object.keys(COMMANDS))("bench %s with an unknown flag: error + its usage, exit 2", async (name) => {
    const r = await runMain([name, "--no-such-flag"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^bench ${name}: Unknown option '--no-such-flag'\\n\\nusage: `));
  });

  it.each([
    [["--s3-faults", "slowdown=2"], "--s3-faults: slowdown must be between 0 and 1, got '2'"],
    [["--s3-faults", "drop=0.1"], "--s3-faults: unknown fault 'drop' (known: slowdown, reset, latency, seed)"],
    [["--s3-faults", "slowdown=0.1", "--no-s3-front"], "--s3-faults needs the S3 front: drop --no-s3-front"],
    [["--rank-by", "cheapest"], '--rank-by must be run or total, got "cheapest"'],
    [["--rank-by", "total", "--no-s3-front"], "--rank-by total needs the S3 front (it measures the S3 requests): drop --no-s3-front"],
  ])("bench local %j is a usage error naming the problem, exit 2, before anything starts", async (args, message) => {
    const r = await runMain(["local", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`bench local: ${message}`);
  });
});
