// What every figure says first: where its numbers were measured (this machine's local engine, or
// AWS in a region) — read from the document itself, plus the host when the caller knows it.
import { hostname, cpus } from "node:os";
import type { ContestDocument } from "./contest/schema";
import type { MatrixResultDocument } from "./matrix/schema";

/** The account the local engine writes into every ARN (local/engine.ts, LOCAL_ACCOUNT). */
const LOCAL_ACCOUNT = "000000000000";

/** This machine, as a figure names it: "host (CPU model, n cores)". */
export function describeThisHost(): string {
  const list = cpus();
  return `${hostname()} (${list[0]?.model.trim() ?? "unknown CPU"}, ${list.length} cores)`;
}

/** "arn:aws:lambda:<region>:<account>:function:<name>" -> region and account. */
function arnParts(arn: string): { region: string; account: string } | null {
  const m = /^arn:[^:]+:lambda:([^:]+):(\d+):/.exec(arn);
  return m ? { region: m[1]!, account: m[2]! } : null;
}

/**
 * A contest document has no run metadata; its ARNs tell local from AWS (the local engine uses the
 * account 000000000000) and the region. `host` is known only when the report is written by the
 * run itself (`bench local --report`).
 */
export function contestSource(doc: ContestDocument, host?: string): string {
  const parts = doc.success.map((r) => arnParts(r.arn)).filter((p) => p !== null);
  const first = parts[0];
  if (!first) return "Source unknown (no successful contender to read an ARN from).";
  if (first.account === LOCAL_ACCOUNT) {
    return `Measured locally${host ? ` on ${host}` : " (host not recorded in the document)"}: moto S3 + Lambda sandboxes, priced at ${first.region} rates.`;
  }
  const regions = [...new Set(parts.map((p) => p.region))].join(", ");
  return `Measured on AWS, ${regions}.`;
}

/** The matrix document records its engine, the host of a local run, and its region. */
export function matrixSource(doc: MatrixResultDocument): string {
  const { engine, region } = doc.run;
  if (engine.kind === "local") {
    const h = engine.host;
    return `Measured locally on ${h.machine} (${h.cpu_model}, ${h.cpus} cores; both architectures on this CPU), priced at ${region} rates.`;
  }
  return `Measured on AWS, ${region}.`;
}
