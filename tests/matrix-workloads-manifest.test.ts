// The matrix's workload manifests: discovery of the repository's nine workloads, the functions of
// a selection (names Lambda accepts), and manifest errors that name the file and the field.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ManifestError } from "../harness/manifest";
import {
  DEFAULT_MATRIX_RUNTIMES,
  WORKLOADS,
  discoverWorkloads,
  matrixFunctions,
  packageMatrixFunction,
  type MatrixFunction,
} from "../harness/matrix/workloads";
import { hostArchitecture } from "../harness/matrix/rust-build";

const scratch = mkdtempSync(path.join(tmpdir(), "bench-workloads-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const VALID = { description: "t", runtimes: ["nodejs22.x"], handler: "index.handler", entry: "index.ts", timeoutS: 10, minMemoryMb: 128 };

/** A workloads root holding one `<workload>/<language>` folder with `manifest` and `files`. */
function tempRoot(folder: string, manifest: unknown, files: Record<string, string> = { "index.ts": "export const handler = 1;" }): string {
  const root = mkdtempSync(path.join(scratch, "root-"));
  const dir = path.join(root, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "workload.json"), typeof manifest === "string" ? manifest : JSON.stringify(manifest));
  for (const [rel, content] of Object.entries(files)) writeFileSync(path.join(dir, rel), content);
  return root;
}

function manifestError(root: string): ManifestError {
  try {
    discoverWorkloads(root);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error("discovery accepted a bad manifest");
}

describe("the repository's workloads", () => {
  it("has cpu, memory and light in node, python and rust, covering every default runtime", () => {
    const found = discoverWorkloads().map((m) => `${m.workload}/${m.language}`);
    expect(found).toEqual(WORKLOADS.flatMap((w) => ["node", "python", "rust"].map((l) => `${w}/${l}`)));
  });

  it("makes the 42 functions of the default matrix, with distinct Lambda-valid names", () => {
    const functions = matrixFunctions();
    expect(functions).toHaveLength(DEFAULT_MATRIX_RUNTIMES.length * 2 * WORKLOADS.length);
    expect(new Set(functions.map((fn) => fn.name)).size).toBe(functions.length);
    for (const fn of functions) expect(fn.name).toMatch(/^matrix-(cpu|memory|light)-(nodejs2[24]|python31[1-4]|rust)-(arm64|x86_64)$/);
    expect(functions[0]).toEqual({
      name: "matrix-cpu-nodejs22-arm64",
      workload: "cpu",
      language: "node",
      runtime: "nodejs22.x",
      architecture: "arm64",
      handler: "index.handler",
      sourceDir: path.join(path.dirname(import.meta.dirname), "workloads", "cpu", "node"),
    } satisfies MatrixFunction);
    expect(functions.find((fn) => fn.runtime === "provided.al2023")).toMatchObject({ name: "matrix-cpu-rust-arm64", handler: "bootstrap" });
  });

  it("selects runtimes, architectures and workloads, and names what nothing provides", () => {
    const picked = matrixFunctions({ runtimes: ["python3.13", "nodejs24.x"], architectures: ["x86_64"], workloads: ["light"] });
    expect(picked.map((fn) => fn.name)).toEqual(["matrix-light-nodejs24-x86_64", "matrix-light-python313-x86_64"]);
    expect(() => matrixFunctions({ runtimes: ["nodejs18.x", "java21"] })).toThrow(
      `unknown runtimes nodejs18.x, java21 (known: ${DEFAULT_MATRIX_RUNTIMES.join(", ")})`,
    );
    expect(() => matrixFunctions({ architectures: ["sparc" as "arm64"] })).toThrow("unknown architecture sparc (known: arm64, x86_64)");
    expect(() => matrixFunctions({ workloads: [] })).toThrow("no workload selected");
  });

  it("refuses to build a Rust binary for another architecture than this machine can (no silent host binary)", async () => {
    const other = hostArchitecture() === "x86_64" ? "arm64" : "x86_64";
    const [rust] = matrixFunctions({ runtimes: ["provided.al2023"], architectures: [other], workloads: ["cpu"] });
    await expect(packageMatrixFunction(rust!)).rejects.toThrow(
      new RegExp(`cannot build matrix-cpu for ${other} on this ${hostArchitecture()} host: the Rust standard library for \\S+ is not installed`),
    );
  });
});

describe("workload.json errors name the file and the field", () => {
  it.each([
    ["an unknown field", { ...VALID, memoryMb: 128 }, "memoryMb", "unknown field"],
    ["a runtime of another language", { ...VALID, runtimes: ["python3.12"] }, "runtimes.0", "python3.12 is not a node runtime (allowed: nodejs22.x, nodejs24.x)"],
    ["an unknown runtime", { ...VALID, runtimes: ["nodejs18.x"] }, "runtimes.0", "must be one of nodejs22.x"],
    ["a repeated runtime", { ...VALID, runtimes: ["nodejs22.x", "nodejs22.x"] }, "runtimes", "must not repeat a runtime"],
    ["a missing entry", { ...VALID, entry: undefined }, "entry", "is required for node"],
    ["an entry outside the folder", { ...VALID, entry: "../x.ts" }, "entry", "must stay inside the workload folder"],
    ["an entry that does not exist", { ...VALID, entry: "main.ts" }, "entry", "file not found: main.ts"],
    ["a malformed handler", { ...VALID, handler: "index" }, "handler", "must be file.export"],
    ["a timeout past 900 s", { ...VALID, timeoutS: 901 }, "timeoutS", "must be <= 900"],
    ["a memory below Lambda's", { ...VALID, minMemoryMb: 64 }, "minMemoryMb", "must be >= 128"],
    ["a bad variable name", { ...VALID, environment: ["light-table"] }, "environment.0", "must be an environment variable name"],
  ])("%s", (_what, manifest, field, problem) => {
    const error = manifestError(tempRoot("cpu/node", manifest));
    expect(error.field).toBe(field);
    expect(error.problem).toContain(problem);
    expect(error.message).toMatch(/cpu\/node\/workload\.json: /);
  });

  it("invalid JSON", () => {
    const error = manifestError(tempRoot("cpu/node", '{\n  "runtimes": [,]\n}'));
    expect([error.field, error.problem]).toEqual(["", expect.stringMatching(/^invalid JSON: /)]);
  });

  it("a folder that is not a workload or a language", () => {
    expect(manifestError(tempRoot("gpu/node", VALID)).problem).toBe('folder "gpu" is not a workload (expected one of cpu, memory, light)');
    expect(manifestError(tempRoot("cpu/go", VALID)).problem).toBe('folder "go" is not a language (expected one of node, python, rust)');
  });

  it("python and rust specifics", () => {
    const python = { ...VALID, runtimes: ["python3.12"], handler: "main.handler", entry: undefined };
    expect(manifestError(tempRoot("cpu/python", python, {})).problem).toBe("module file not found: main.py");
    expect(manifestError(tempRoot("cpu/python", { ...python, entry: "main.py" }, { "main.py": "" })).field).toBe("entry");
    const rust = { ...VALID, runtimes: ["provided.al2023"], handler: "bootstrap", entry: undefined };
    expect(manifestError(tempRoot("cpu/rust", rust, {})).problem).toBe("a rust workload needs a Cargo.toml beside workload.json");
    expect(manifestError(tempRoot("cpu/rust", { ...rust, handler: "main" }, { "Cargo.toml": "" })).field).toBe("handler");
  });

  it("skips shared folders (names starting with _) and folders without a manifest", () => {
    const root = tempRoot("cpu/node", VALID);
    mkdirSync(path.join(root, "_rust", "lambda-loop"), { recursive: true });
    mkdirSync(path.join(root, "memory", "node"), { recursive: true });
    expect(discoverWorkloads(root).map((m) => `${m.workload}/${m.language}`)).toEqual(["cpu/node"]);
  });
});
