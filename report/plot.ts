// The one place the charting library is called: Observable Plot, rendered at build time in Node
// against linkedom's server-side DOM, serialised to inline SVG (HTML only for swatch legends).
// Chosen over Vega-Lite + Vega's headless toSVG and ECharts' SSR renderer by output quality,
// size and render time on the production-size matrix (numbers in report/README.md).
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

export { Plot };

// One DOM for every chart of a process: Plot only creates detached elements in it.
const { document } = parseHTML("<!doctype html><html><head></head><body></body></html>");

/** Renders one chart to markup; fonts are the system's (no web font, nothing fetched). */
export function renderPlot(options: Plot.PlotOptions): string {
  const node = Plot.plot({
    style: { fontSize: "11px", fontFamily: "system-ui, sans-serif", overflow: "visible" },
    ...options,
    document: document as unknown as Plot.PlotOptions["document"],
  });
  return (node as unknown as { outerHTML: string }).outerHTML;
}

/** "log" when the values span more than a decade (memory sizes, durations), else "linear". */
export function scaleTypeFor(values: readonly number[]): "log" | "linear" {
  const positive = values.filter((v) => v > 0);
  if (positive.length < values.length || positive.length === 0) return "linear";
  return Math.max(...positive) / Math.min(...positive) > 10 ? "log" : "linear";
}

/** Tick values for a log axis of memory sizes, dropping one too close to the last kept (1769 vs 2048). */
export function spacedTicks(values: readonly number[], minRatio = 1.2): number[] {
  const kept: number[] = [];
  for (const v of [...values].sort((a, b) => a - b)) {
    if (kept.length === 0 || v / kept.at(-1)! >= minRatio) kept.push(v);
  }
  return kept;
}
