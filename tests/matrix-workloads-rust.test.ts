// The Rust workloads' own unit tests (cargo test, release profile so the workload builds' compiled
// crates are reused): the SigV4 signer against AWS's published test-suite signatures, the UTC
// date formatting, splitmix64's first output, the event parsing of the shared Runtime API crate.
import { execSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cargoCommand, cargoTargetDir } from "../harness/matrix/rust-build";
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
});
