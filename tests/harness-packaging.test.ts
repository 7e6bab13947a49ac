// Packaging: bundles that run, byte-for-byte reproducible output, bootstrap kept executable
// (also inside the zip), clear build failures, and two processes packaging at once.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverContenders, type ContenderManifest, type ContenderSpec } from "../harness/manifest";
import { packageContender, packageHarnessFunction, zipDirectory } from "../harness/packaging";

const FIXTURES = path.join(import.meta.dirname, "fixtures", "contenders");
const fixture = (id: string) => {
  const spec = discoverContenders(FIXTURES).find((s) => s.id === id);
  if (!spec) throw new Error(`fixture ${id} missing`);
  return spec;
};

let buildDir: string;
let scratch: string;
beforeAll(() => {
  // A private .build root: the test neither depends on nor disturbs the repository's.
  buildDir = mkdtempSync(path.join(tmpdir(), "bench-build-"));
  scratch = mkdtempSync(path.join(tmpdir(), "bench-contenders-"));
  process.env.BENCH_BUILD_DIR = buildDir;
});
afterAll(() => {
  delete process.env.BENCH_BUILD_DIR;
  rmSync(buildDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
  rmSync(path.join(FIXTURES, "shell", "script", "bootstrap"), { force: true });
});

/** A contender folder made on the fly (for failure cases that must not live in fixtures/). */
function tempContender(id: string, manifest: Partial<ContenderManifest>, files: Record<string, string>): ContenderSpec {
  const dir = path.join(scratch, id);
  mkdirSync(dir, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  const full = { architectures: ["x86_64"], memoryMb: 128, timeoutS: 10, ephemeralStorageMb: 512, description: "t", ...manifest };
  return { id, lang: "t", devId: id, dir, manifestPath: path.join(dir, "contender.json"), manifest: full as ContenderManifest };
}

/** Unix modes of a zip's entries, read from its central directory (external attributes >> 16). */
function zipModes(file: string): Record<string, number> {
  const zip = readFileSync(file);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const modes: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(offset)).toBe(0x02014b50);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString();
    modes[name] = (zip.readUInt32LE(offset + 38) >>> 16) & 0o7777;
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return modes;
}

describe("Node contenders", () => {
  it("bundles the entry into <file>.mjs whose handler runs (AWS SDK and CommonJS require included)", async () => {
    const code = await packageContender(fixture("typescript-tiny"));
    expect(code).toMatchObject({ handler: "index.handler", runtime: "nodejs22.x" });
    expect(code.dir.startsWith(path.join(buildDir, "contenders", "typescript-tiny") + path.sep)).toBe(true);
    expect(readdirSync(code.dir)).toEqual(["index.mjs"]);
    const bundle = readFileSync(path.join(code.dir, "index.mjs"), "utf8");
    expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//); // the SDK is inside, not imported
    const mod = (await import(pathToFileURL(path.join(code.dir, "index.mjs")).href)) as {
      handler: (e: unknown) => Promise<unknown>;
    };
    await expect(mod.handler({ archive_key: "archives/x/run-0.zip" })).resolves.toEqual({
      echoed: "archives/x/run-0.zip",
      sdk: "function",
      platform: process.platform,
    });
  });

  it("is deterministic: the same input gives the same bytes and sha256", async () => {
    const first = await packageContender(fixture("typescript-tiny"));
    const bytes = readFileSync(path.join(first.dir, "index.mjs"));
    rmSync(path.join(buildDir, "contenders", "typescript-tiny"), { recursive: true });
    const second = await packageContender(fixture("typescript-tiny"));
    expect(second.sha256).toBe(first.sha256);
    expect(second.dir).toBe(first.dir);
    expect(readFileSync(path.join(second.dir, "index.mjs")).equals(bytes)).toBe(true);
    expect(second.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("fails clearly when the entry does not compile", async () => {
    const spec = tempContender("broken-node", { runtime: "nodejs22.x", handler: "index.handler", entry: "index.ts" }, {
      "index.ts": "export const handler = (;\n",
    });
    await expect(packageContender(spec)).rejects.toThrow(/index\.ts/);
    // Nothing half-written is left behind.
    const out = path.join(buildDir, "contenders", "broken-node");
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});

describe("provided.al2023 contenders", () => {
  it("runs the build command and ships bootstrap with mode 0755, also in the zip", async () => {
    const code = await packageContender(fixture("shell-script"), "x86_64");
    expect(code).toMatchObject({ handler: "bootstrap", runtime: "provided.al2023" });
    expect(readdirSync(code.dir)).toEqual(["bootstrap"]);
    // The fixture's build writes a non-executable file: packaging must fix the mode.
    expect(statSync(path.join(FIXTURES, "shell/script/bootstrap")).mode & 0o111).toBe(0);
    expect(statSync(path.join(code.dir, "bootstrap")).mode & 0o777).toBe(0o755);
    expect(readFileSync(path.join(code.dir, "bootstrap"), "utf8")).toBe("#!/bin/sh\necho built-for-x86_64\n");

    const zip = path.join(scratch, "bootstrap.zip");
    await zipDirectory(code.dir, zip);
    expect(zipModes(zip)).toEqual({ bootstrap: 0o755 });
  });

  it("reports a failing build command with its exit code and stderr tail", async () => {
    const spec = tempContender("failing-build", { runtime: "provided.al2023", build: "echo compiling; echo 'error: no linker' >&2; exit 3" }, {});
    const failure = packageContender(spec);
    await expect(failure).rejects.toThrow(/build command `echo compiling.*` failed in .*failing-build \(exit code 3\)/);
    await expect(failure).rejects.toThrow(/error: no linker/);
  });

  it("fails clearly when the build produces no bootstrap", async () => {
    const spec = tempContender("no-bootstrap", { runtime: "provided.al2023", build: "true" }, {});
    await expect(packageContender(spec)).rejects.toThrow(/no-bootstrap: no bootstrap in .* \(its build command `true` did not produce one\)/);
  });
});

describe("Python contenders", () => {
  it("ships the folder without caches", async () => {
    const spec = tempContender("py", { runtime: "python3.12", handler: "main.handler" }, {
      "main.py": "def handler(event, context):\n    return event\n",
      "lib/zipper.py": "X = 1\n",
      "__pycache__/main.cpython-312.pyc": "junk",
      "lib/__pycache__/zipper.cpython-312.pyc": "junk",
      "stale.pyc": "junk",
    });
    const code = await packageContender(spec);
    expect(code).toMatchObject({ handler: "main.handler", runtime: "python3.12" });
    expect(readdirSync(code.dir, { recursive: true }).map(String).sort()).toEqual(["lib", "lib/zipper.py", "main.py"]);
  });
});

describe("zipDirectory", () => {
  it("is byte-for-byte reproducible", async () => {
    const code = await packageContender(fixture("typescript-tiny"));
    const [a, b] = [path.join(scratch, "a.zip"), path.join(scratch, "b.zip")];
    await zipDirectory(code.dir, a);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a different second: mtimes must not leak in
    await zipDirectory(code.dir, b);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(zipModes(a)).toEqual({ "index.mjs": 0o644 });
  });
});

describe(".build housekeeping", () => {
  it("drops builds of the same contender untouched for a day, keeps younger ones", async () => {
    const root = path.join(buildDir, "contenders", "typescript-tiny");
    const old = path.join(root, "0000000000000000");
    const young = path.join(root, "1111111111111111");
    for (const dir of [old, young]) mkdirSync(dir, { recursive: true });
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    const code = await packageContender(fixture("typescript-tiny"));
    expect(existsSync(old)).toBe(false);
    expect(existsSync(young)).toBe(true);
    expect(existsSync(code.dir)).toBe(true);
  });
});

describe("harness functions", () => {
  it("names the missing function clearly", async () => {
    await expect(packageHarnessFunction("no-such-function")).rejects.toThrow(/harness function "no-such-function" not found: .*functions\/no-such-function\/index\.ts/);
  });
});

describe("two processes packaging at once", () => {
  it("neither collides nor sees half-written output", async () => {
    rmSync(path.join(buildDir, "contenders"), { recursive: true, force: true });
    const run = promisify(execFile);
    const script = path.join(import.meta.dirname, "fixtures", "package-fixture.ts");
    const once = (id: string) =>
      run(process.execPath, ["--import", "tsx", script, FIXTURES, id], { env: { ...process.env, BENCH_BUILD_DIR: buildDir } });
    const results = await Promise.all([once("typescript-tiny"), once("typescript-tiny"), once("shell-script"), once("shell-script")]);
    const codes = results.map((r) => JSON.parse(r.stdout) as { dir: string; sha256: string });
    expect(codes[1]).toEqual(codes[0]);
    expect(codes[3]).toEqual(codes[2]);
    for (const code of codes) expect(readdirSync(code.dir).length).toBe(1);
    // Only the published folders remain: no staging leftovers.
    for (const kind of ["typescript-tiny", "shell-script"])
      expect(readdirSync(path.join(buildDir, "contenders", kind)).filter((n) => n.startsWith("."))).toEqual([]);
  });
});
