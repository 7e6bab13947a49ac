// The ranked table shared by `bench local` and `bench aws`.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ResultDocument, parsePayload } from "../harness/contracts";
import { renderResultTable, significant } from "../cli/table";

const doc = parsePayload(
  ResultDocument,
  JSON.parse(readFileSync(new URL("./fixtures/result-document.json", import.meta.url), "utf8")),
  "fixture",
);

describe("renderResultTable", () => {
  it("prints an aligned, ranked table and the failures with their reasons", () => {
    const text = renderResultTable(doc);
    expect(text).toBe(
      [
        "#  contender                    arch    memory MB  runs  mean ± stddev s    min/max s  max mem MB  init ms   GB-s     $/run",
        "1  typescript-reference-arm64   arm64        1024     2     12.35 ± 0.21  12.14/12.56         301      183  12.06  0.000161",
        "2  typescript-reference-x86_64  x86_64       1024     2     14.02 ± 0.10  13.92/14.12         297        -  13.69  0.000228",
        "",
        "Failures (1):",
        "  typescript-broken-arm64  crash: run 0: Runtime.ExitError: RequestId: 1 Error: Runtime exited with error: exit status 1",
        "",
      ].join("\n"),
    );
  });

  it("ranks by the rank field whatever the order in the document", () => {
    const shuffled = { ...doc, success: [...doc.success].reverse() };
    const lines = renderResultTable(shuffled).split("\n");
    expect(lines[1]).toMatch(/^1 /);
    expect(lines[2]).toMatch(/^2 /);
  });

  it("says so when nothing succeeded, and keeps multi-line reasons on one line", () => {
    const text = renderResultTable({
      success: [],
      failure: [
        { contender: "b-x-arm64", reason: "timeout: run 1: Task timed out\n  after 600.00 seconds" },
        { contender: "a-y-arm64", reason: "oom: run 0: Runtime.OutOfMemory" },
      ],
    });
    expect(text).toBe(
      [
        "No contender succeeded.",
        "",
        "Failures (2):",
        "  a-y-arm64  oom: run 0: Runtime.OutOfMemory",
        "  b-x-arm64  timeout: run 1: Task timed out after 600.00 seconds",
        "",
      ].join("\n"),
    );
  });

  it("colours only when asked: rank 1 green, failures red", () => {
    expect(renderResultTable(doc)).not.toContain("\x1b[");
    const coloured = renderResultTable(doc, { color: true });
    expect(coloured).toContain("\x1b[32m1  typescript-reference-arm64");
    expect(coloured).toContain("\x1b[31mtypescript-broken-arm64\x1b[0m");
  });

  it("formats prices with significant digits, never in exponent notation", () => {
    expect(significant(0.000160956)).toBe("0.000161");
    expect(significant(3.09e-8)).toBe("0.0000000309");
    expect(significant(12.056640625, 4)).toBe("12.06");
    expect(significant(0)).toBe("0");
    expect(significant(1234.5)).toBe("1235");
  });
});
