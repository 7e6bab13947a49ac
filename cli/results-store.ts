// The history of runs: every `bench local` / `bench aws` (and `bench matrix`) result document is
// kept as results/<UTC time>-<suite>.json (git-ignored), which `bench report --history` reads.
// Written to a temporary name then renamed, so a kept file is always a whole document.
import { mkdir, readdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "../harness/repo-root";

export const SUITES = ["contest", "matrix"] as const;
export type KeptSuite = (typeof SUITES)[number];

/** The results folder: $BENCH_RESULTS_DIR, else <repository>/results. */
export function resultsDir(): string {
  return process.env.BENCH_RESULTS_DIR || join(repoRoot(), "results");
}

// 2026-12-02T09-41-07.123Z-contest.json: ISO time with ':' made file-name safe; sorts by time.
const NAME = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})Z(?:-(\d+))?-(contest|matrix)\.json$/;

export interface KeptResult {
  path: string;
  suite: KeptSuite;
  /** When the document was kept (ISO 8601, from its file name). */
  keptAt: string;
}

/** Keeps `doc` under `dir` and resolves to its path; never overwrites an earlier document. */
export async function keepResult(suite: KeptSuite, doc: unknown, dir = resultsDir(), now = new Date()): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stamp = now.toISOString().replace(/:/g, "-");
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  const taken = new Set(await readdir(dir));
  // Two runs kept in the same millisecond get -1, -2, ... rather than replacing one another.
  let name = `${stamp}-${suite}.json`;
  for (let i = 1; taken.has(name); i++) name = `${stamp}-${i}-${suite}.json`;
  const path = join(dir, name);
  const temporary = join(dir, `.${name}.${process.pid}.tmp`);
  await writeFile(temporary, text, { flag: "wx" });
  await rename(temporary, path);
  return path;
}

/** Every kept document under `dir`, oldest first (files not named by keepResult are ignored). */
export async function listKept(dir = resultsDir()): Promise<KeptResult[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return names
    .flatMap((name) => {
      const m = NAME.exec(name);
      if (!m) return [];
      const keptAt = `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`;
      return [{ path: join(dir, name), suite: m[7] as KeptSuite, keptAt, order: Number(m[6] ?? 0) }];
    })
    .sort((a, b) => a.keptAt.localeCompare(b.keptAt) || a.order - b.order)
    .map(({ path, suite, keptAt }) => ({ path, suite, keptAt }));
}

/**
 * What a run command calls once its document is final: keep it (a failure to keep is a warning,
 * never the run's failure) and, with `report`, write its HTML report and print the path.
 */
export async function keepRunResult(
  suite: KeptSuite,
  doc: unknown,
  options: { report?: boolean; measuredHere?: boolean; dir?: string; log?: (line: string) => void } = {},
): Promise<{ kept?: string; report?: string }> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let kept: string;
  try {
    kept = await keepResult(suite, doc, options.dir);
  } catch (error) {
    log(`warning: could not keep the result document for bench report --history: ${(error as Error).message}`);
    if (options.report) throw new Error(`no report: the result document could not be kept (${(error as Error).message})`);
    return {};
  }
  log(`kept as ${kept}`);
  if (!options.report) return { kept };
  const { reportAfterRun } = await import("./report");
  const report = await reportAfterRun(suite, doc, kept, options.measuredHere ?? false);
  log(`report written to ${report}`);
  return { kept, report };
}
