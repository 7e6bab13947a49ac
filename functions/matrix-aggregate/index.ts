// The matrix's aggregate Lambda, three actions (AggregatorEvent):
// - "start-run": writes the run item (status running);
// - "aggregate": reads one configuration's samples, writes its cold and warm aggregate items;
// - "finish-run": reads every aggregate, computes the ARM-vs-x86 comparisons, completes the run item.
// A function of its own, not a sampler action: it needs DynamoDB only, so its role cannot
// reconfigure the functions under test, and it is pure arithmetic over the table, testable alone.
// Each action returns a few hundred bytes: the result document is read from the table
// (harness/matrix/results-table.ts readResultDocument), never carried through Step Functions.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { AggregatorEvent, parsePayload, type AggregateEvent, type FinishRunEvent, type StartRunEvent } from "../../harness/matrix/contracts";
import { RunSummary } from "../../harness/matrix/result-document";
import { aggregateSortKey, configurationKey, putItem, readAggregateItems, readRunItem, readSamples } from "../../harness/matrix/results-table";
import { lambdaRatesFor } from "../../harness/pricing";
import { aggregateSamples, CI_METHOD, compareArchitectures } from "./aggregate";

const dynamo = new DynamoDBClient({});

export async function handler(event: unknown): Promise<Record<string, unknown>> {
  const request = parsePayload(AggregatorEvent, event, "aggregate event");
  switch (request.action) {
    case "start-run":
      return startRun(request, dynamo);
    case "aggregate":
      return aggregate(request, dynamo);
    case "finish-run":
      return finishRun(request, dynamo);
  }
}

export async function startRun(event: StartRunEvent, client: DynamoDBClient): Promise<Record<string, unknown>> {
  const { run } = event;
  lambdaRatesFor(run.region); // an unpriced region fails the run before any sample is taken
  const summary = RunSummary.parse({
    run_id: run.run_id,
    mode: run.mode,
    status: "running",
    started_at: new Date().toISOString(),
    finished_at: null,
    region: run.region,
    engine: run.engine,
    cold: run.cold,
    warm: run.warm,
    configurations: event.functions.reduce((sum, fn) => sum + fn.memory_sizes.length, 0),
    skipped: run.skipped,
    methods: {
      stddev: "sample (n - 1)",
      percentiles: "Hyndman-Fan type 7 (linear interpolation)",
      trimmed_mean: "10% trimmed at each end",
      ci95: CI_METHOD,
    },
  });
  await putItem(client, run.table, { pk: run.run_id, sk: "run", run: summary, comparisons: [] });
  return { run_id: run.run_id };
}

export async function aggregate(event: AggregateEvent, client: DynamoDBClient): Promise<Record<string, unknown>> {
  const samples = await readSamples(client, event.table, event.run_id, event.configuration);
  const counts: Record<string, number> = {};
  for (const kind of ["cold", "warm"] as const) {
    const result = aggregateSamples(event.configuration, kind, samples, event.region);
    await putItem(client, event.table, { pk: event.run_id, sk: aggregateSortKey(event.configuration, kind), ...result });
    counts[kind] = result.aggregate.n;
  }
  return { configuration: configurationKey(event.configuration), n: counts };
}

export async function finishRun(event: FinishRunEvent, client: DynamoDBClient): Promise<Record<string, unknown>> {
  const run = await readRunItem(client, event.table, event.run_id);
  const items = await readAggregateItems(client, event.table, event.run_id);
  const comparisons = compareArchitectures(items, event.region);
  await putItem(client, event.table, {
    ...run,
    run: { ...run.run, status: "complete", finished_at: new Date().toISOString() },
    comparisons,
  });
  return { run_id: event.run_id, table: event.table, aggregates: items.length, comparisons: comparisons.length };
}
