// The score Lambda: pure arithmetic over what the state machine collected (no AWS calls), so the
// very same function ranks runs on AWS and in the local engine.
import { ResultDocument, ScoreInput, parsePayload } from "../../harness/contracts";
import { scoreAll } from "./score";

export { parseReportLine, formatReportLine, decodeLogResult, ReportLineError, type ReportMetrics } from "./report-line";
export { classifyRunError, describeTaskError, validationFailureReason } from "./failures";
export { LAMBDA_RATES, UnknownRegionError, isPricedRegion, lambdaRatesFor } from "./pricing";
export { priceRun } from "./price";
export { rank, scoreAll, scoreContender } from "./score";

export async function handler(event: ScoreInput): Promise<ResultDocument> {
  const input = parsePayload(ScoreInput, event, "score input");
  // Checking our own output keeps a scorer bug from reaching the table as a plausible document.
  return parsePayload(ResultDocument, scoreAll(input), "score result document");
}
