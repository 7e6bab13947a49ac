// The report in a real browser (Debian's headless Chromium, driven by playwright-core; .ci/run
// installs it): opened from a file:// URL it shows every chart, sorts its tables, and makes no
// network request at all (every request is counted, and every CSP violation would be too).
// Screenshots are kept under test-artifacts/ (git-ignored) for a person to look at.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../harness/repo-root";
import { buildReport } from "../report/build";
import { contestDocument, productionMatrixDocument } from "./fixtures/report-documents";

const CHROMIUM = process.env.BENCH_CHROMIUM ?? "/usr/bin/chromium";
const artifacts = join(repoRoot(), "test-artifacts", "report");
/** The shapes of every data mark the report draws (axes and grids excluded). */
const MARKS = ["dot", "bar", "line", "cell", "rule", "tick", "link"].map((m) => `g[aria-label="${m}"] *`).join(", ");
let browser: Browser;
let url: string;

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  const html = buildReport([
    { label: "contest A", document: { suite: "contest", doc: contestDocument({ seed: 3 }) } },
    { label: "contest B", document: { suite: "contest", doc: contestDocument({ seed: 4, extended: true }) } },
    { label: "matrix", document: { suite: "matrix", doc: productionMatrixDocument() } },
  ]);
  const file = join(artifacts, "report.html");
  await writeFile(file, html);
  url = pathToFileURL(file).href;
  // Never a downloaded browser: the system's Chromium, with the flags this machine needs as root.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
});

afterAll(async () => {
  await browser?.close();
});

describe("the report in headless Chromium", () => {
  it("opens from file://, draws every chart, and requests nothing but itself", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    try {
      const requests: string[] = [];
      const errors: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      // Scripts run in the page are plain JavaScript text (this project type-checks without the DOM lib).
      await page.addInitScript({
        content: `window.violations = [];
          document.addEventListener("securitypolicyviolation", (e) => window.violations.push(e.violatedDirective + " " + e.blockedURI));`,
      });
      await page.goto(url, { waitUntil: "load" });

      const charts = (await page.evaluate(`Array.from(document.querySelectorAll("figure.chart:not(.missing)")).map((f) => {
        const svg = Array.from(f.querySelectorAll("svg")).filter((s) => s.parentElement.tagName !== "SPAN" && !(s.getAttribute("class") || "").endsWith("-ramp"))[0];
        const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
        const marks = svg ? svg.querySelectorAll(${JSON.stringify(MARKS)}).length : 0;
        return { id: f.id, width: box.width, height: box.height, marks };
      })`)) as { id: string; width: number; height: number; marks: number }[];
      // contest A: price, duration; contest B: + requests, bytes, sweep x2; trend x2; matrix 3 x 4 + 4.
      expect(charts).toHaveLength(2 + 6 + 2 + 16);
      for (const c of charts) {
        expect(c.width, c.id).toBeGreaterThan(300);
        expect(c.height, c.id).toBeGreaterThan(100);
        expect(c.marks, c.id).toBeGreaterThan(0);
      }
      for (const id of ["contest-contest-b-price", "matrix-matrix-cpu-duration", "matrix-matrix-cost-ratio"]) {
        await expect(page.locator(`#${id} svg`).last().isVisible()).resolves.toBe(true);
      }
      await page.screenshot({ path: join(artifacts, "top.png") });
      await page.locator("#matrix-matrix-cpu-duration").screenshot({ path: join(artifacts, "matrix-cpu-duration.png") });
      await page.locator("#contest-contest-b-price").screenshot({ path: join(artifacts, "contest-price.png") });

      expect(requests).toEqual([url]);
      expect(await page.evaluate("window.violations")).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("sorts a table by the clicked column, and back", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(url);
      const table = page.locator("table#contest-contest-b-ranking");
      const column = async (i: number) => table.locator(`tbody tr td:nth-child(${i})`).allTextContents();
      const memory = page.locator("table#contest-contest-b-ranking th", { hasText: "memory MB" });
      await memory.click();
      const ascending = (await column(5)).map(Number);
      expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
      await memory.click();
      const descending = (await column(5)).map(Number);
      expect(descending).toEqual([...ascending].reverse());
      expect(await memory.getAttribute("data-dir")).toBe("desc");
    } finally {
      await page.close();
    }
  });
});
