// The matrix's ONE DynamoDB table: partition key `pk` = run id, sort key `sk`:
//   "run"                                          the run item (settings, status, comparisons)
//   "sample#<configuration key>#<seq, 6 digits>"   one per sample, with the TTL attribute
//   "aggregate#<configuration key>#cold|warm"      one per (configuration, kind)
// configuration key = <runtime>#<architecture>#<workload>#<memory, 5 digits>, so one Query with
// begins_with reads one configuration's samples, or every aggregate of a run.
import { CreateTableCommand, PutItemCommand, QueryCommand, UpdateTimeToLiveCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { z } from "zod";
import { Configuration, SampleKind } from "./contracts";
import { Aggregate, Comparison, MatrixResultDocument, RunSummary } from "./result-document";

/** The TTL attribute (epoch seconds) of sample items; the table's TimeToLiveSpecification names it. */
export const TTL_ATTRIBUTE = "expires_at";
export const PARTITION_KEY = "pk";
export const SORT_KEY = "sk";

export function configurationKey(c: Pick<Configuration, "runtime" | "architecture" | "workload" | "memory_mb">): string {
  return `${c.runtime}#${c.architecture}#${c.workload}#${String(c.memory_mb).padStart(5, "0")}`;
}
export const sampleSortKey = (c: Configuration, seq: number) => `sample#${configurationKey(c)}#${String(seq).padStart(6, "0")}`;
export const aggregateSortKey = (c: Configuration, kind: SampleKind) => `aggregate#${configurationKey(c)}#${kind}`;

export const SampleStatus = z.enum(["ok", "failed", "misclassified"]);
export type SampleStatus = z.infer<typeof SampleStatus>;

export const SampleItem = z.strictObject({
  pk: z.string(),
  sk: z.string(),
  ...Configuration.shape,
  kind: SampleKind,
  seq: z.number().int(),
  status: SampleStatus,
  /** Why a sample failed or was misclassified (null when ok). */
  reason: z.string().nullable(),
  request_id: z.string().nullable(),
  duration_ms: z.number().nullable(),
  billed_duration_ms: z.number().nullable(),
  init_duration_ms: z.number().nullable(),
  max_memory_used_mb: z.number().nullable(),
  memory_size_mb: z.number().nullable(),
  /** Wall clock around the Invoke call, epoch ms (the harness's overhead between samples). */
  invoke_started_ms: z.number(),
  invoke_ended_ms: z.number(),
  [TTL_ATTRIBUTE]: z.number().int(),
});
export type SampleItem = z.infer<typeof SampleItem>;

export const AggregateItem = z.strictObject({
  pk: z.string(),
  sk: z.string(),
  aggregate: Aggregate,
  /** Durations and billed durations of the samples averaged in, for the comparisons' bootstrap. */
  durations_ms: z.array(z.number()),
  billed_durations_ms: z.array(z.number()),
});
export type AggregateItem = z.infer<typeof AggregateItem>;

export const RunItem = z.strictObject({
  pk: z.string(),
  sk: z.literal("run"),
  run: RunSummary,
  comparisons: z.array(Comparison),
});
export type RunItem = z.infer<typeof RunItem>;

export async function putItem(client: DynamoDBClient, table: string, item: SampleItem | AggregateItem | RunItem): Promise<void> {
  await client.send(new PutItemCommand({ TableName: table, Item: marshall(item, { removeUndefinedValues: true }) }));
}

/** Every item of `runId` whose sort key starts with `prefix`, all pages. */
export async function queryPrefix(client: DynamoDBClient, table: string, runId: string, prefix: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :prefix)",
        ExpressionAttributeNames: { "#pk": PARTITION_KEY, "#sk": SORT_KEY },
        ExpressionAttributeValues: marshall({ ":pk": runId, ":prefix": prefix }),
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) items.push(unmarshall(item));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return items;
}

export async function readSamples(client: DynamoDBClient, table: string, runId: string, c: Configuration): Promise<SampleItem[]> {
  const items = await queryPrefix(client, table, runId, `sample#${configurationKey(c)}#`);
  return items.map((item) => SampleItem.parse(item));
}

export async function readRunItem(client: DynamoDBClient, table: string, runId: string): Promise<RunItem> {
  const [item] = await queryPrefix(client, table, runId, "run");
  if (!item) throw new Error(`no run item for run ${runId} in table ${table}`);
  return RunItem.parse(item);
}

export async function readAggregateItems(client: DynamoDBClient, table: string, runId: string): Promise<AggregateItem[]> {
  return (await queryPrefix(client, table, runId, "aggregate#")).map((item) => AggregateItem.parse(item));
}

/**
 * The result document of a run, assembled from the table (the source of truth): the execution
 * output stays small because a production document (~600 aggregates) exceeds Step Functions'
 * 256 KiB payload quota.
 */
export async function readResultDocument(client: DynamoDBClient, table: string, runId: string): Promise<MatrixResultDocument> {
  const run = await readRunItem(client, table, runId);
  const aggregates = (await readAggregateItems(client, table, runId)).map((item) => item.aggregate);
  return MatrixResultDocument.parse({ run: run.run, aggregates, comparisons: run.comparisons });
}

/** Creates the table (pk/sk strings, on-demand) with TTL on `expires_at`: what the stack deploys. */
export async function createResultsTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: PARTITION_KEY, AttributeType: "S" },
        { AttributeName: SORT_KEY, AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: PARTITION_KEY, KeyType: "HASH" },
        { AttributeName: SORT_KEY, KeyType: "RANGE" },
      ],
    }),
  );
  await client.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }));
}
