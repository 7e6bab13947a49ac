// The runtime matrix's result document `{ run, aggregates, comparisons }` (DESIGN.md, "Results"):
// one schema, owned by the matrix suite (harness/matrix/result-document.ts), re-exported under the
// names the report uses.
export {
  Aggregate,
  Comparison,
  Distribution,
  MatrixResultDocument,
  RunSummary,
  type Aggregate as MatrixAggregate,
  type Comparison as MatrixComparison,
  type RunSummary as MatrixRunSummary,
} from "../../harness/matrix/result-document";
