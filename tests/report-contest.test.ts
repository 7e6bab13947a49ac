// The contest's report: charts read back from the SVG (marks, axes, values), tables, captions,
// the figures left out when the document lacks their fields, and bad documents refused.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildReport } from "../report/build";
import { parseSuiteDocument } from "../report/documents";
import type { ContestDocument } from "../report/contest/schema";
import { contestDocument } from "./fixtures/report-documents";
import { byFacet, chart, marks, num, parseReport, tableRows, tickLabels, titleOf } from "./support/report-dom";

const render = (doc: ContestDocument, host?: string) =>
  parseReport(buildReport([{ label: "run A", document: { suite: "contest", doc }, host }], { generatedAt: new Date(0) }));
const id = (part: string) => `contest-run-a-${part}`;

describe("contest report with the S3 front's fields, a sweep and failures", () => {
  const doc = contestDocument({ extended: true });
  const page = render(doc);
  const ranked = [...doc.success].sort((a, b) => a.rank - b.rank);

  it("price per run: a Lambda and a full-price bar per contender, lengths proportional to the prices", () => {
    const { svg, figure } = chart(page, id("price"));
    const bars = marks(svg, "bar", "rect");
    expect(bars).toHaveLength(2 * ranked.length);
    expect(tickLabels(svg, "fy")).toEqual(ranked.map((r) => r.contender));
    const expected = ranked.flatMap((r) => [
      `${r.contender} Lambda: $${r.run_price_usd}`,
      `${r.contender} full (Lambda + S3 requests): $${r.total_price_usd}`,
    ]);
    expect(bars.map(titleOf).sort()).toEqual(expected.sort());
    // Width per dollar is the same for every bar (a linear x scale from 0).
    const perDollar = bars.map((b) => num(b, "width") / Number(/\$(\S+)$/.exec(titleOf(b))![1]));
    for (const k of perDollar) expect(k / perDollar[0]!).toBeCloseTo(1, 3);
    expect(figure.textContent).toContain("full (Lambda + S3 requests)");
  });

  it("duration: one dot per run at its duration, and each contender's mean ± stddev band", () => {
    const { svg } = chart(page, id("duration"));
    const dots = marks(svg, "dot", "circle");
    const runs = ranked.flatMap((r) => r.run_durations_ms!.map((d) => `${r.contender}: ${d / 1000} s`));
    expect(dots.map(titleOf).sort()).toEqual(runs.sort());
    expect(marks(svg, "tick", "line")).toHaveLength(ranked.length);
    expect(tickLabels(svg, "y")).toEqual(ranked.map((r) => r.contender));
    // Same contender, longer run -> further right.
    const first = dots.filter((d) => titleOf(d).startsWith(`${ranked[0]!.contender}:`));
    const sorted = [...first].sort((a, b) => num(a, "cx") - num(b, "cx"));
    const seconds = sorted.map((d) => Number(/: (\S+) s$/.exec(titleOf(d))![1]));
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
  });

  it("S3 request mix: one stacked segment per operation per contender; bytes: in, out, copied", () => {
    const requests = chart(page, id("requests"));
    const operations = Object.keys(ranked[0]!.s3_requests!);
    expect(marks(requests.svg, "bar", "rect")).toHaveLength(ranked.length * operations.length);
    for (const op of operations) expect(requests.figure.textContent).toContain(op);
    const bytes = chart(page, id("bytes"));
    expect(marks(bytes.svg, "bar", "rect")).toHaveLength(3 * ranked.length);
  });

  it("memory sweep: forecast duration and price curves per contender, the budget, sizes without a forecast named", () => {
    const forecasts = ranked.flatMap((r) => r.sweep!.flatMap((p) => (p.forecast ? [{ r, f: p.forecast }] : [])));
    const duration = chart(page, id("sweep-duration"));
    const titles = marks(duration.svg, "dot", "path").map(titleOf);
    expect(titles.sort()).toEqual(
      forecasts.map(({ r, f }) => `${r.contender} ${f.memory_mb} MB: ${f.duration_s} s, $${f.lambda_price_usd} Lambda, $${f.total_price_usd} total (${f.bound}-bound, ${f.passes ? "within budget" : "over budget"})`).sort(),
    );
    expect(titles.some((t) => t.endsWith("over budget)"))).toBe(true);
    expect(marks(duration.svg, "line", "path")).toHaveLength(ranked.length);
    expect(marks(duration.svg, "text", "text").map((t) => t.textContent)).toEqual(["budget 300 s"]);
    expect(tickLabels(duration.svg, "x")).toEqual(expect.arrayContaining(["512", "1,024", "1,769"]));
    expect(duration.figure.textContent).toContain("a model, not an AWS measurement");
    expect(duration.figure.textContent).toContain(`${ranked[0]!.contender} at 3008 MB: oom: run 1 of 2: out of memory`);
    expect(duration.figure.textContent).toContain(`${ranked[0]!.contender}: ${ranked[0]!.sweep_cheapest_passing_memory_mb} MB`);
    const price = chart(page, id("sweep-price"));
    expect(marks(price.svg, "dot", "path")).toHaveLength(2 * forecasts.length); // Lambda and total
    expect(marks(price.svg, "line", "path")).toHaveLength(2 * ranked.length);
  });

  it("every figure says where it was measured, how, and over how many runs", () => {
    for (const part of ["price", "duration", "requests", "bytes"]) {
      const text = chart(page, id(part)).figure.textContent!;
      expect(text).toContain("Measured on AWS, eu-west-1.");
      expect(text).toContain(`${ranked.length * 10} runs of ${ranked.length} contenders`);
    }
  });

  it("keeps the ranked table (with the full-price columns) and lists every failure with its kind", () => {
    const rows = tableRows(page, id("ranking"));
    expect(rows.map((r) => r[1])).toEqual(ranked.map((r) => r.contender));
    expect(page.querySelector(`table#${id("ranking")} thead`)!.textContent).toContain("full $/run");
    const f = ranked[0]!.forecast!;
    expect(rows[0]!.slice(-2)).toEqual([`${f.duration_s.toFixed(0)} s (${f.bound}${f.passes ? "" : ", over budget"})`, `$${Number(f.lambda_price_usd.toPrecision(3))}`]);
    const failures = tableRows(page, id("failures"));
    expect(failures.map((r) => r[1]).sort()).toEqual(["invalid", "oom", "too slow"]);
    expect(failures.map((r) => r[2])).toEqual([...doc.failure].sort((a, b) => a.contender.localeCompare(b.contender)).map((f) => f.reason));
  });
});

describe("contest report of a document without the optional fields", () => {
  const plain = JSON.parse(readFileSync(new URL("./fixtures/result-document.json", import.meta.url), "utf8")) as ContestDocument;
  const page = render(parseSuiteDocument(plain, "fixture").doc as ContestDocument);

  it("draws price and duration from the contract's fields and says why the others are absent", () => {
    expect(marks(chart(page, id("price")).svg, "bar", "rect")).toHaveLength(plain.success.length);
    expect(marks(chart(page, id("duration")).svg, "dot", "circle")).toHaveLength(0);
    expect(page.querySelector(`#${id("duration")}`)!.textContent).toContain("no per-run durations");
    for (const part of ["requests", "bytes", "sweep-duration"]) {
      const figure = page.querySelector(`figure#${id(part)}`)!;
      expect(figure.getAttribute("class")).toContain("missing");
      expect(figure.querySelector("svg")).toBeNull();
      expect(figure.textContent).toMatch(/The document has no/);
    }
  });

  it("a local run is labelled with the host that measured it", () => {
    const local = contestDocument();
    for (const row of local.success) row.arn = row.arn.replace(/eu-west-1:\d+/, "us-east-1:000000000000");
    const text = chart(render(local, "box (CPU X, 2 cores)"), id("price")).figure.textContent!;
    expect(text).toContain("Measured locally on box (CPU X, 2 cores): moto S3 + Lambda sandboxes, priced at us-east-1 rates.");
  });
});

describe("contest documents at the boundary", () => {
  it("escapes names and reasons: a contender cannot inject markup into the page", () => {
    const doc = contestDocument();
    doc.failure.push({ contender: "<script>alert(1)</script>", reason: 'crash: "<img src=x onerror=alert(1)>"' });
    const html = buildReport([{ label: "x", document: { suite: "contest", doc } }]);
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("<img");
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
  });

  it("refuses a document with a bad field, naming it", () => {
    const doc = contestDocument() as unknown as { success: Record<string, unknown>[] };
    doc.success[1]!.run_price_usd = "cheap";
    expect(() => parseSuiteDocument(doc, "a.json")).toThrow(/invalid contest result document a\.json: success\.1\.run_price_usd: /);
    expect(() => parseSuiteDocument({ failure: [{ contender: "a", reason: "bad" }], success: [] }, "b.json")).toThrow(/failure\.0\.reason: must start with a known prefix/);
    expect(() => parseSuiteDocument([1, 2], "c.json")).toThrow(/c\.json is not a result document/);
  });

  it("the page fetches nothing: no external URL, stylesheet, image, font or script source", () => {
    const html = buildReport([{ label: "x", document: { suite: "contest", doc: contestDocument({ extended: true }) } }]);
    const urls = html.match(/\b(?:https?:)?\/\/[^\s"')<]+/g) ?? [];
    expect(urls.every((u) => u.startsWith("http://www.w3.org/"))).toBe(true); // XML namespaces only
    expect(html).not.toMatch(/<link|<img|\ssrc=|url\(|@import|@font-face/i);
    expect(html).toContain(`http-equiv="Content-Security-Policy" content="default-src 'none'`);
  });
});
