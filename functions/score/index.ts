// The score Lambda: pure arithmetic over what the state machine collected (no AWS calls), so the
// very same function ranks runs on AWS and in the local engine.
//
// One function, three events, told apart by `action` (contracts.ts):
// - "score-contender" (ScoreContenderEvent) -> ContenderScore: one contender, called from inside
//   that contender's Map iteration so its runs (each carrying a ~5.5 KB log tail) never leave it;
// - "contender-execution-failed" (ContenderExecutionFailedEvent) -> ContenderScore: a failure row
//   for a contender whose child execution failed as a whole (e.g. States.DataLimitExceeded);
// - "rank" (RankEvent) -> ResultDocument: orders the small per-contender scores;
// - no `action` (the older ScoreInput) -> ResultDocument: every contender at once, then the
//   ranking. Kept because it costs a few lines and keeps older callers and recorded events
//   working; the state machine no longer sends it, since every contender's runs in one payload
//   exceed Step Functions' 256 KiB limit at a realistic scale.
// Errors: an invalid event throws InvalidPayloadError, an unpriced region UnknownRegionError
// (both mean the harness is wrong, and the state machine fails the execution on them).
import {
  ContenderScore,
  ResultDocument,
  ScoreInput,
  ScorerEvent,
  parsePayload,
  type ContenderExecutionFailedEvent,
  type RankEvent,
  type ScoreContenderEvent,
} from "../../harness/contracts";
import { executionFailed, rankScores, scoreAll, scoreOneContender } from "./score";

export { parseReportLine, decodeLogResult, ReportLineError, type ReportMetrics } from "../../harness/report-line";
export { classifyRunError, describeTaskError, executionFailureReason, invalidArchiveText } from "./failures";
export { LAMBDA_RATES, UnknownRegionError, isPricedRegion, lambdaRatesFor } from "../../harness/pricing";
export { priceRun } from "./price";
export { HarnessFaultError, executionFailed, rank, rankScores, scoreAll, scoreContender, scoreOneContender } from "./score";

export async function handler(event: ScoreContenderEvent | ContenderExecutionFailedEvent): Promise<ContenderScore>;
export async function handler(event: RankEvent | ScoreInput): Promise<ResultDocument>;
export async function handler(event: unknown): Promise<ContenderScore | ResultDocument>;
export async function handler(event: unknown): Promise<ContenderScore | ResultDocument> {
  // Checking our own output keeps a scorer bug from reaching the table as a plausible document.
  if (typeof event === "object" && event !== null && "action" in event) {
    const request = parsePayload(ScorerEvent, event, "scorer event");
    if (request.action === "score-contender") {
      return parsePayload(ContenderScore, scoreOneContender(request), "contender score");
    }
    if (request.action === "contender-execution-failed") {
      return parsePayload(ContenderScore, executionFailed(request), "contender score");
    }
    return parsePayload(ResultDocument, rankScores(request.scores), "score result document");
  }
  const input = parsePayload(ScoreInput, event, "score input");
  return parsePayload(ResultDocument, scoreAll(input), "score result document");
}
