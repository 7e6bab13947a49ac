// The report's boundary: a parsed JSON value becomes a contest or a matrix document (told apart
// by their top-level fields), validated with zod, or an error naming the file and each bad field.
import { InvalidPayloadError, parsePayload } from "../harness/contracts";
import { ContestDocument } from "./contest/schema";
import { MatrixResultDocument } from "./matrix/schema";

export type SuiteDocument =
  | { suite: "contest"; doc: ContestDocument }
  | { suite: "matrix"; doc: MatrixResultDocument };

export type Suite = SuiteDocument["suite"];

export function parseSuiteDocument(value: unknown, what: string): SuiteDocument {
  const keys = value !== null && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : [];
  if (keys.includes("aggregates") || keys.includes("comparisons")) {
    return { suite: "matrix", doc: parsePayload(MatrixResultDocument, value, `runtime matrix result document ${what}`) };
  }
  if (keys.includes("success") || keys.includes("failure")) {
    return { suite: "contest", doc: parsePayload(ContestDocument, value, `contest result document ${what}`) };
  }
  throw new InvalidPayloadError(
    `${what} is not a result document: expected a contest document ({ success, failure }) or a runtime matrix document ({ run, aggregates, comparisons })`,
  );
}
