// `bench report`: result documents (contest or runtime matrix) -> one self-contained HTML file.
// Also what `bench local --report` (and `bench matrix --report`) call at the end of a run.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { InvalidPayloadError } from "../harness/contracts";
import { EXIT, UsageError, parseCommandArgs, positiveInt } from "./args";
import { listKept, resultsDir, type KeptSuite } from "./results-store";
import type { ReportInput, ReportOptions } from "../report/build";

export const usage = `usage: bench report <result.json>... [options]
       bench report --history [options]

Writes one self-contained HTML report (charts as inline SVG, sortable tables, no network
request) from result documents of the archive contest and/or the runtime matrix. Several
documents of one suite are also compared in a trend section.

options:
  --out <file>             where to write the report (default report.html)
  --history                every document kept under the results folder (bench local / aws /
                           matrix keep one per run), oldest first: their trend, and the latest
                           document of each suite in full; files given too are added after them
  --results-dir <dir>      the results folder (default $BENCH_RESULTS_DIR or <repository>/results)
  --focus-memory <mb>      memory size of the matrix's distribution figures (default: the size
                           nearest 1769 MB of each workload)
  --title <text>           the page title
  -h, --help               this help

exit codes: 0 written, 1 could not write it, 2 usage error or a file that is not a result document.`;

/** A file's JSON, parsed and validated, or a UsageError naming the file and what is wrong. */
export async function loadResultFile(path: string, label = basename(path)): Promise<ReportInput> {
  const { parseSuiteDocument } = await import("../report/documents");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`, false);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`, false);
  }
  try {
    return { label, document: parseSuiteDocument(value, path) };
  } catch (error) {
    if (error instanceof InvalidPayloadError) throw new UsageError(error.message, false);
    throw error;
  }
}

/** Builds the report and writes it whole (temporary file, then rename); resolves to its path. */
export async function writeReport(inputs: readonly ReportInput[], out: string, options: ReportOptions = {}): Promise<string> {
  const { buildReport } = await import("../report/build");
  const html = buildReport(inputs, options);
  const path = resolve(out);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, html);
  await rename(temporary, path);
  return path;
}

/**
 * `--report` of a run command: the report of the run's own document, written next to the kept
 * document (same name, .html). `measuredHere` labels the figures with this machine.
 */
export async function reportAfterRun(suite: KeptSuite, document: unknown, keptPath: string, measuredHere: boolean): Promise<string> {
  const { parseSuiteDocument } = await import("../report/documents");
  const { describeThisHost } = await import("../report/provenance");
  const parsed = parseSuiteDocument(document, `of this ${suite} run`);
  if (parsed.suite !== suite) throw new Error(`expected a ${suite} document, got a ${parsed.suite} one`);
  const label = keptTimeLabel(basename(keptPath)) ?? basename(keptPath);
  return writeReport([{ label, document: parsed, host: measuredHere ? describeThisHost() : undefined }], keptPath.replace(/\.json$/, "") + ".html");
}

/** "2026-12-02T09-41-07.123Z-contest.json" -> "2026-12-02 09:41:07 UTC". */
function keptTimeLabel(name: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})/.exec(name);
  return m ? `${m[1]} ${m[2]}:${m[3]}:${m[4]} UTC` : undefined;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      out: { type: "string" },
      history: { type: "boolean" },
      "results-dir": { type: "string" },
      "focus-memory": { type: "string" },
      title: { type: "string" },
    },
    { min: 0, max: Number.MAX_SAFE_INTEGER },
  );
  if (parsed === "help") {
    process.stdout.write(`${usage}\n`);
    return EXIT.ok;
  }
  const flags = parsed.values;
  const files = parsed.positionals;
  if (!flags.history && files.length === 0) throw new UsageError("give at least one result document (or --history)");
  if (flags["results-dir"] !== undefined && !flags.history) throw new UsageError("--results-dir goes with --history");
  const focusMemoryMb = positiveInt(flags["focus-memory"], "focus-memory");

  const inputs: ReportInput[] = [];
  if (flags.history) {
    const dir = flags["results-dir"] ?? resultsDir();
    const kept = await listKept(dir);
    if (kept.length === 0 && files.length === 0) throw new UsageError(`no kept result documents under ${dir}`, false);
    for (const k of kept) inputs.push(await loadResultFile(k.path, keptTimeLabel(basename(k.path)) ?? k.keptAt));
  }
  for (const file of files) inputs.push(await loadResultFile(file));
  const path = await writeReport(inputs, flags.out ?? "report.html", { history: flags.history, focusMemoryMb, title: flags.title });
  process.stderr.write(`report of ${inputs.length} document(s) written to ${path}\n`);
  process.stdout.write(`${path}\n`);
  return EXIT.ok;
}
