// The report's HTML: escaping, figures with their captions, sortable tables, and the page shell
// (inline CSS and a few lines of inline JS; nothing is fetched, so the file opens from disk).

/** Escapes text for element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface FigureSpec {
  /** Unique within the page; the browser test and the structural tests find figures by it. */
  id: string;
  title: string;
  /** Where the numbers come from: "measured locally on host X", "AWS eu-west-1", "forecast ...". */
  source: string;
  /** How the plotted values were computed. */
  method: string;
  /** Over how many samples / runs / configurations. */
  samples: string;
  /** The chart's markup (from renderPlot). */
  chart: string;
}

export function figure(spec: FigureSpec): string {
  return `<figure class="chart" id="${escapeHtml(spec.id)}">
<figcaption><h3>${escapeHtml(spec.title)}</h3>
<p><span class="src">${escapeHtml(spec.source)}</span> ${escapeHtml(spec.method)} <span class="n">${escapeHtml(spec.samples)}</span></p></figcaption>
${spec.chart}
</figure>`;
}

/** A figure that could not be drawn from this document, with the reason (never silently absent). */
export function missingFigure(id: string, title: string, reason: string): string {
  return `<figure class="chart missing" id="${escapeHtml(id)}"><figcaption><h3>${escapeHtml(title)}</h3><p>${escapeHtml(reason)}</p></figcaption></figure>`;
}

export interface Column<Row> {
  header: string;
  /** Text shown. */
  cell: (row: Row) => string;
  /** Sort key when it differs from the text (numbers sort numerically). */
  sort?: (row: Row) => number | string;
  numeric?: boolean;
}

/** A table whose headers sort it on click (see SORT_SCRIPT). */
export function table<Row>(id: string, columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const head = columns.map((c) => `<th${c.numeric ? ' class="num"' : ""}>${escapeHtml(c.header)}</th>`).join("");
  const body = rows
    .map((row) => {
      const cells = columns.map((c) => {
        const key = c.sort?.(row);
        const attr = key === undefined ? "" : ` data-k="${escapeHtml(String(key))}"`;
        return `<td${c.numeric ? ' class="num"' : ""}${attr}>${escapeHtml(c.cell(row))}</td>`;
      });
      return `<tr>${cells.join("")}</tr>`;
    })
    .join("\n");
  return `<table class="sortable" id="${escapeHtml(id)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

// Click a header: sort by its data-k (numeric when every key is a number) or text; again: reverse.
const SORT_SCRIPT = `document.querySelectorAll("table.sortable th").forEach(function (th, _, all) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0], col = th.cellIndex;
    var dir = th.dataset.dir === "asc" ? -1 : 1;
    table.querySelectorAll("th").forEach(function (h) { delete h.dataset.dir; });
    th.dataset.dir = dir === 1 ? "asc" : "desc";
    var key = function (tr) { var td = tr.cells[col]; return td.dataset.k !== undefined ? td.dataset.k : td.textContent; };
    var rows = Array.from(body.rows);
    var numeric = rows.every(function (tr) { var k = key(tr); return k !== "" && !isNaN(Number(k)); });
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      return dir * (numeric ? Number(x) - Number(y) : String(x).localeCompare(String(y)));
    });
    rows.forEach(function (tr) { body.appendChild(tr); });
  });
});`;

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1180px; padding: 1rem 1.5rem 4rem; color: #1d1d1f; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.meta, figcaption p { color: #555; font-size: .9rem; margin: .2rem 0 .6rem; }
nav ul { columns: 2; padding-left: 1.2rem; } nav a { color: #0b57d0; }
figure.chart { margin: 1.5rem 0; padding: .8rem 1rem 1rem; border: 1px solid #e4e4e7; border-radius: 6px; overflow-x: auto; }
figure.chart h3 { margin: 0 0 .2rem; font-size: 1.05rem; } figure.missing { background: #fafafa; }
.src { font-weight: 600; color: #1d1d1f; } .n { font-style: italic; }
table { border-collapse: collapse; font-size: .82rem; margin: .8rem 0; } th, td { padding: .2rem .5rem; border-bottom: 1px solid #eee; text-align: left; }
th { cursor: pointer; user-select: none; background: #f6f6f7; position: sticky; top: 0; } th[data-dir=asc]::after { content: " \\25B2"; } th[data-dir=desc]::after { content: " \\25BC"; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
details { margin: .8rem 0; } summary { cursor: pointer; font-weight: 600; } .table-wrap { max-height: 32rem; overflow: auto; }
.fail { color: #b3261e; }
`;

// Belt and braces for "no network request": even markup that slipped in could not fetch anything.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

export interface PageSpec {
  title: string;
  meta: string;
  /** [id, heading] of each section, for the table of contents. */
  toc: readonly [string, string][];
  body: string;
}

export function page(spec: PageSpec): string {
  const toc = spec.toc.map(([id, text]) => `<li><a href="#${escapeHtml(id)}">${escapeHtml(text)}</a></li>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>${escapeHtml(spec.title)}</title><style>${STYLE}</style></head>
<body><header><h1>${escapeHtml(spec.title)}</h1><p class="meta">${escapeHtml(spec.meta)}</p><nav><ul>${toc}</ul></nav></header>
${spec.body}
<script>${SORT_SCRIPT}</script>
</body></html>
`;
}
