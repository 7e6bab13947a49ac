// Issue 6's promise to contributors: `bench new typescript someone` then
// `bench local --contenders typescript-someone` ranks the new contender. Both run as a user would
// run them (child processes), the second on the real local engine (moto, sandboxes, state machine).
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ResultDocument, parsePayload } from "../harness/contracts";
import { displayPath } from "../harness/repo-root";
import { REPO_ROOT } from "./fixtures/sfn-moto";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "bench-new-local-"));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  // The packaged bundle of the scaffold (bench local packages into <repo>/.build/contenders/<id>).
  await rm(join(REPO_ROOT, ".build", "contenders", "typescript-someone"), { recursive: true, force: true });
});

function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "cli/bench.ts", ...args], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

it("bench new typescript someone, then bench local --contenders typescript-someone ranks it", async () => {
  const created = await bench(["new", "typescript", "someone", "--contenders-dir", root]);
  expect(created.stderr).toBe("");
  expect(created.code).toBe(0);

  // The follow-up command bench new printed, as printed: it names the folder it created under.
  const followUp = /^run it locally:\s+npm run bench -- (.+)$/m.exec(created.stdout)?.[1];
  expect(followUp).toBe(`--contenders typescript-someone --contenders-dir ${displayPath(root)}`);
  const out = join(root, "result.json");
  const local = await bench([
    "local",
    ...followUp!.split(" "),
    "--objects", "8",
    "--size-mb", "1",
    "--runs", "2",
    "--out", out,
    "--report",
  ]);
  expect(local.stderr).not.toMatch(/bench local:/); // no harness error
  expect(local.code).toBe(0);
  expect(local.stdout).toMatch(/^1\s+typescript-someone-arm64\s+arm64\s+1024\s+2\s/m);
  expect(local.stdout).not.toContain("Failures");
  const doc = parsePayload(ResultDocument, JSON.parse(await readFile(out, "utf8")), "result document");
  expect(doc.failure).toEqual([]);
  expect(doc.success.map((r) => [r.rank, r.contender, r.runs_count])).toEqual([[1, "typescript-someone-arm64", 2]]);
  // --report: the run's HTML report, next to the document kept for bench report --history.
  const report = /report written to (\S+\.html)\n/.exec(local.stderr)?.[1];
  expect(report?.startsWith(process.env.BENCH_RESULTS_DIR!)).toBe(true);
  const html = await readFile(report!, "utf8");
  expect(html).toContain("Measured locally on ");
  expect(html).toContain("typescript-someone-arm64");
  expect(JSON.parse(await readFile(report!.replace(/\.html$/, ".json"), "utf8"))).toEqual(doc);
});
