// Reading a built report back as a DOM (linkedom), to check its charts structurally: which marks
// a figure's SVG holds, their titles and geometry, and the axes' tick labels.
import { parseHTML } from "linkedom";

/** The little of the DOM these checks use (linkedom's own typings are loose). */
export interface El {
  tagName: string;
  textContent: string | null;
  parentElement: El | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): Iterable<El> & ArrayLike<El>;
}
export type Doc = Pick<El, "querySelector" | "querySelectorAll">;

export function parseReport(html: string): Doc {
  return parseHTML(html).document as unknown as Doc;
}

/** The figure `id` and its one chart SVG (legends are SVGs too: swatches in spans, ramps by class). */
export function chart(doc: Doc, id: string): { figure: El; svg: El } {
  const figure = doc.querySelector(`figure#${id}`);
  if (!figure) throw new Error(`no figure #${id}`);
  const svgs = Array.from(figure.querySelectorAll("svg")).filter(
    (s) => s.parentElement?.tagName !== "SPAN" && !(s.getAttribute("class") ?? "").endsWith("-ramp"),
  );
  if (svgs.length !== 1) throw new Error(`figure #${id} has ${svgs.length} chart SVGs`);
  return { figure, svg: svgs[0]! };
}

/** The shapes of every `aria-label` group (a mark or an axis part), across facets. */
export function marks(svg: El, label: string, shape = "circle, rect, path, line, text"): El[] {
  return Array.from(svg.querySelectorAll(`g[aria-label="${label}"]`)).flatMap((g) => Array.from(g.querySelectorAll(shape)));
}

export function tickLabels(svg: El, axis: "x" | "y" | "fx" | "fy"): string[] {
  return marks(svg, `${axis}-axis tick label`, "text").map((t) => t.textContent ?? "");
}

export function titleOf(el: El): string {
  return el.querySelector("title")?.textContent ?? "";
}

export const num = (el: El, attr: string): number => Number(el.getAttribute(attr));

/** Shapes of a mark grouped by facet (the facet's <g> is the shape's parent). */
export function byFacet(shapes: El[]): El[][] {
  const groups = new Map<unknown, El[]>();
  for (const s of shapes) {
    const key = s.parentElement;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()];
}

export function tableRows(doc: Doc, id: string): string[][] {
  const table = doc.querySelector(`table#${id}`);
  if (!table) throw new Error(`no table #${id}`);
  return Array.from(table.querySelectorAll("tbody tr")).map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.textContent ?? ""));
}
