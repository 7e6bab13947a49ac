// The contest's result document as the report reads it: harness/contracts.ts's ResultDocument,
// field for field (one schema), made loose so that a document written by a newer harness still
// opens: unknown fields are kept, the known ones are checked. Fields added over time (the S3
// front's usage, the forecast, the sweep, every run's duration) are optional there, so a document
// from before them still renders and those figures say what is missing.
import { z } from "zod";
import { FailureRow, ForecastDoc, SuccessRow, SweepPointDoc } from "../../harness/contracts";

export const Forecast = z.looseObject(ForecastDoc.shape);
export type Forecast = z.infer<typeof Forecast>;

export const SweepPoint = z.looseObject({ ...SweepPointDoc.shape, forecast: Forecast.nullable() });
export type SweepPoint = z.infer<typeof SweepPoint>;

export const ContestSuccessRow = z.looseObject({
  ...SuccessRow.shape,
  forecast: Forecast.optional(),
  sweep: z.array(SweepPoint).optional(),
});
export type ContestSuccessRow = z.infer<typeof ContestSuccessRow>;

export const ContestDocument = z.looseObject({
  success: z.array(ContestSuccessRow),
  failure: z.array(FailureRow),
});
export type ContestDocument = z.infer<typeof ContestDocument>;
