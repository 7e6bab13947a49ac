// The matrix's stack configuration and its program-time refusals: every bad value names its key,
// a region without prices and a Rust binary that cannot be built stop `pulumi up` before any
// resource exists, and a Rust function that can be built deploys as provided.al2023 + bootstrap.
import { statSync } from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readStackConfig } from "../components/stack-config";
import { hostArchitecture } from "../harness/matrix/rust-build";
import { TWO_CONTENDERS, baseConfig, writeContendersRoot } from "./support/contender-fixtures";

function configFrom(values: Record<string, unknown>): pulumi.Config {
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) all[k] = typeof v === "string" ? v : JSON.stringify(v);
  pulumi.runtime.setAllConfig(all);
  return new pulumi.Config("s3-archive-bench");
}
const withMatrix = (matrix: unknown, extra: Record<string, unknown> = {}) =>
  readStackConfig(configFrom({ ...baseConfig("contenders"), "s3-archive-bench:matrix": matrix, ...extra }));

describe("matrix stack configuration", () => {
  it("is off by default, with the test mode, 10 functions at once and 30-day samples", () => {
    const config = readStackConfig(configFrom(baseConfig("contenders")));
    expect(config.matrix).toEqual({ enabled: false, mode: "test", parallel: 10 });
    expect(config.resultsTtlDays).toBe(30);
    expect(withMatrix({ enabled: true, runtimes: ["python3.12"], architectures: ["arm64"], workloads: ["cpu"], mode: "production", parallel: 40 }).matrix).toEqual({
      enabled: true,
      runtimes: ["python3.12"],
      architectures: ["arm64"],
      workloads: ["cpu"],
      mode: "production",
      parallel: 40,
    });
  });

  it.each([
    [{ enabled: "yes" }, /s3-archive-bench:matrix\.enabled: /],
    [{ runtimes: ["nodejs18.x"] }, /s3-archive-bench:matrix\.runtimes\.0: must be one of nodejs22\.x, nodejs24\.x, /],
    [{ runtimes: [] }, /s3-archive-bench:matrix\.runtimes: must list at least one/],
    [{ architectures: ["arm64", "arm64"] }, /s3-archive-bench:matrix\.architectures: must not repeat a value/],
    [{ workloads: ["gpu"] }, /s3-archive-bench:matrix\.workloads\.0: must be one of cpu, memory, light/],
    [{ mode: "quick" }, /s3-archive-bench:matrix\.mode: must be one of test, balanced, production/],
    [{ parallel: 41 }, /s3-archive-bench:matrix\.parallel: must be at most 40 \(an inline Map's concurrency\)/],
    [{ enabled: true, runtime: ["python3.12"] }, /s3-archive-bench:matrix: Unrecognized key: "runtime"/],
  ])("names the key of a bad matrix value: %j", (matrix, expected) => {
    expect(() => withMatrix(matrix)).toThrow(expected);
  });

  it("names resultsTtlDays when it is not a whole number of days from 1", () => {
    expect(() => withMatrix({}, { "s3-archive-bench:resultsTtlDays": 0 })).toThrow(/s3-archive-bench:resultsTtlDays: /);
    expect(() => withMatrix({}, { "s3-archive-bench:resultsTtlDays": 1.5 })).toThrow(/s3-archive-bench:resultsTtlDays: /);
  });
});

describe("the program with the matrix on", () => {
  let cleanup: (() => void) | undefined;
  beforeEach(() => vi.resetModules());
  afterEach(() => cleanup?.());

  async function load(extra: Record<string, unknown>) {
    const fixture = writeContendersRoot(TWO_CONTENDERS);
    cleanup = fixture.cleanup;
    // A fresh module graph per case: the program is imported once per load.
    const { loadProgram } = await import("./support/pulumi-program");
    return loadProgram({ ...baseConfig(fixture.root), ...extra });
  }

  it("refuses a region the price table does not know, before building anything", async () => {
    // The one region check of the stack (components/stack-config.ts readAwsRegion) covers the matrix too.
    await expect(load({ "aws:region": "mars-north-1", "s3-archive-bench:matrix": { enabled: true } })).rejects.toThrow(
      /aws:region: 'mars-north-1' has no Lambda prices/,
    );
  });

  it("refuses Rust functions it cannot build for their architecture, naming each one and how to build them", async () => {
    const other = hostArchitecture() === "x86_64" ? "arm64" : "x86_64";
    const error = await load({ "s3-archive-bench:matrix": { enabled: true, runtimes: ["provided.al2023"], architectures: [other] } }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/cannot build 3 matrix functions:/);
    for (const workload of ["cpu", "memory", "light"])
      expect(error?.message).toContain(`matrix function matrix-${workload}-rust-${other} (provided.al2023, ${other}): cannot build`);
    expect(error?.message).toMatch(/To deploy the arm64 Rust functions, run `pulumi up` where an aarch64 binary can be built/);
  });

  it("builds a Rust function for the host's architecture with cargo and deploys it as provided.al2023 with an executable bootstrap", async () => {
    const arch = hostArchitecture();
    const program = await load({ "s3-archive-bench:matrix": { enabled: true, runtimes: ["provided.al2023"], architectures: [arch], workloads: ["cpu"] } });
    const fns = program.resources.filter((r) => r.type === "aws:lambda/function:Function" && r.inputs.name.includes("-matrix-cpu-"));
    expect(fns).toHaveLength(1);
    expect(fns[0]!.inputs).toMatchObject({ name: `s3-archive-bench-test-matrix-cpu-rust-${arch}`, runtime: "provided.al2023", handler: "bootstrap", architectures: [arch] });
    const codeDir = await (fns[0]!.inputs.code as { path: Promise<string> }).path;
    expect(statSync(path.join(codeDir, "bootstrap")).mode & 0o777).toBe(0o755);
  });
});
