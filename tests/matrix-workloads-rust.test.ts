// The Rust workloads' own unit tests (cargo test, release profile so the workload builds' compiled
// crates are reused): the SigV4 signer against AWS's published test-suite signatures, the UTC
// date formatting, splitmix64's first output, the event parsing of the shared Runtime API crate.
import { execSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cargoCommand, cargoTargetDir, hostArchitecture } from "../harness/matrix/rust-build";
import { matrixFunctions, packageMatrixFunction } from "../harness/matrix/workloads";
import { repoRoot } from "../harness/repo-root";

const CRATES = ["_rust/lambda-loop", "cpu/rust", "memory/rust", "light/rust"];

describe("Rust workload crates", () => {
  it.each(CRATES)("%s: cargo test passes", (crate) => {
    const dir = path.join(repoRoot(), "workloads", crate);
    const output = execSync(`${cargoCommand("test", dir)} 2>&1`, {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CARGO_TARGET_DIR: cargoTargetDir() },
    });
    expect(output).toMatch(/test result: ok\. [1-9]\d* passed; 0 failed/);
  }, 600_000);

  it("light's signer reproduces the AWS SigV4 test suite (get-vanilla, post-vanilla)", () => {
    const dir = path.join(repoRoot(), "workloads", "light", "rust");
    const output = execSync(`${cargoCommand("test", dir)} -- vanilla 2>&1`, {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CARGO_TARGET_DIR: cargoTargetDir() },
    });
    expect(output).toMatch(/test result: ok\. 2 passed; 0 failed/);
  }, 600_000);

  it("packages bootstraps that need no glibc newer than Amazon Linux 2023's 2.34", async () => {
    // Built on Debian 12 (glibc 2.36): a symbol versioned past 2.34 would fail Lambda's init with
    // "version `GLIBC_2.35' not found". objdump lists the versions the binary needs.
    for (const fn of matrixFunctions({ runtimes: ["provided.al2023"], architectures: [hostArchitecture()] })) {
      const code = await packageMatrixFunction(fn);
      const needed = execSync(`objdump -T ${path.join(code.dir, "bootstrap")}`, { encoding: "utf8" }).match(/GLIBC_2\.\d+/g) ?? [];
      const newest = Math.max(...needed.map((version) => Number(version.split(".")[1])));
      expect(needed.length, fn.name).toBeGreaterThan(0);
      expect(newest, `${fn.name} needs GLIBC_2.${newest}`).toBeLessThanOrEqual(34);
    }
  }, 600_000);
});
