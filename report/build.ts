// buildReport: result documents of either suite -> one self-contained HTML page. One section per
// document; a trend section per suite when several documents of it are given (or --history).
import { contestSection } from "./contest/section";
import type { ContestDocument } from "./contest/schema";
import type { SuiteDocument } from "./documents";
import { contestTrend, matrixTrend, type Labelled } from "./history";
import { page } from "./html";
import type { MatrixResultDocument } from "./matrix/schema";
import { matrixSection } from "./matrix/section";
import { contestSource, matrixSource } from "./provenance";

export interface ReportInput {
  /** How the document is named in headings and trend axes (file name or kept time). */
  label: string;
  document: SuiteDocument;
  /** The host the document was measured on, when the caller knows it (bench local --report). */
  host?: string;
}

export interface ReportOptions {
  title?: string;
  /** Only the trend sections and the latest document of each suite (bench report --history). */
  history?: boolean;
  /** Memory size of the matrix distribution figures (default: nearest 1769 MB per workload). */
  focusMemoryMb?: number;
  /** Written into the page header (default: now). */
  generatedAt?: Date;
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "doc";

export function buildReport(inputs: readonly ReportInput[], options: ReportOptions = {}): string {
  if (inputs.length === 0) throw new Error("buildReport needs at least one result document");
  const toc: [string, string][] = [];
  const body: string[] = [];
  const sourceOf = (input: ReportInput) =>
    input.document.suite === "contest" ? contestSource(input.document.doc, input.host) : matrixSource(input.document.doc);

  const contests = inputs.filter((i) => i.document.suite === "contest");
  const matrices = inputs.filter((i) => i.document.suite === "matrix");
  const trends: [ReportInput[], "contest" | "matrix"][] = [[contests, "contest"], [matrices, "matrix"]];
  for (const [group, suite] of trends) {
    if (group.length < 2) continue;
    const sources = [...new Set(group.map(sourceOf))].join(" / ");
    const id = `trend-${suite}`;
    toc.push([id, `${suite === "contest" ? "Contest" : "Runtime matrix"}: trend across ${group.length} documents`]);
    body.push(
      suite === "contest"
        ? contestTrend(group.map((i) => ({ label: i.label, doc: i.document.doc as ContestDocument })), id, sources)
        : matrixTrend(group.map((i) => ({ label: i.label, doc: i.document.doc as MatrixResultDocument })) as Labelled<MatrixResultDocument>[], id, sources),
    );
  }

  const detailed = options.history ? [contests.at(-1), matrices.at(-1)].filter((i) => i !== undefined) : inputs;
  const used = new Set<string>();
  for (const input of detailed) {
    let id = `${input.document.suite}-${slug(input.label)}`;
    while (used.has(id)) id += "-x";
    used.add(id);
    const heading = `${input.document.suite === "contest" ? "Archive contest" : "Runtime matrix"}: ${input.label}`;
    toc.push([id, heading]);
    const source = sourceOf(input);
    body.push(
      input.document.suite === "contest"
        ? contestSection(input.document.doc, { id, heading, source })
        : matrixSection(input.document.doc, { id, heading, source, focusMemoryMb: options.focusMemoryMb }),
    );
  }
  const generated = (options.generatedAt ?? new Date()).toISOString().replace(/\.\d+Z$/, "Z");
  return page({
    title: options.title ?? "s3-archive-bench report",
    meta: `Generated ${generated} from ${inputs.length} result document(s)${options.history ? " (history)" : ""}. Charts are static SVG; click a table header to sort.`,
    toc,
    body: body.join("\n"),
  });
}
