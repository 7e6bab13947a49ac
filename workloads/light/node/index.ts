// light workload: one DynamoDB BatchWriteItem of 5 items (each with a TTL attribute), then one
// strongly consistent BatchGetItem of the same keys; UnprocessedItems / UnprocessedKeys are
// retried with exponential backoff. Keys include the request id, so parallel samples never
// collide. The table (env LIGHT_TABLE_NAME) has the string partition key `pk` and TTL on
// `expires_at`. Returns the number of items read back intact, as the checksum ("5").
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  type AttributeValue,
  type KeysAndAttributes,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { workloadResult } from "../../_node/workload-result";

const ITEMS = 5;
const TTL_SECONDS = 3_600;
const MAX_ATTEMPTS = 8;
const BASE_DELAY_MS = 25;
const MAX_DELAY_MS = 1_000;

// Created at init, as a real function would: its cost is part of the cold start.
const client = new DynamoDBClient({});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `call` until nothing is left unprocessed; backs off 25, 50, 100... ms (capped at 1 s). */
async function untilProcessed<T>(what: string, initial: T, call: (pending: T) => Promise<T | undefined>): Promise<void> {
  let pending: T | undefined = initial;
  for (let attempt = 0; pending; attempt++) {
    if (attempt === MAX_ATTEMPTS) throw new Error(`${what}: still unprocessed after ${MAX_ATTEMPTS} attempts`);
    if (attempt > 0) await sleep(Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1)));
    pending = await call(pending);
  }
}

const nonEmpty = <T extends object>(map: T | undefined) => (map && Object.keys(map).length ? map : undefined);

export const handler = async (_event: unknown, context: { awsRequestId: string }) => {
  const table = process.env.LIGHT_TABLE_NAME;
  if (!table) throw new Error("LIGHT_TABLE_NAME is not set");
  const expiresAt = String(Math.floor(Date.now() / 1000) + TTL_SECONDS);
  const items = Array.from({ length: ITEMS }, (_, i) => ({
    pk: { S: `${context.awsRequestId}#${i}` },
    payload: { S: `light item ${i} of ${ITEMS}` },
    expires_at: { N: expiresAt },
  }));

  await untilProcessed<Record<string, WriteRequest[]>>("BatchWriteItem", { [table]: items.map((Item) => ({ PutRequest: { Item } })) }, async (RequestItems) =>
    nonEmpty((await client.send(new BatchWriteItemCommand({ RequestItems }))).UnprocessedItems),
  );

  const read: Record<string, AttributeValue>[] = [];
  const keys = { [table]: { Keys: items.map(({ pk }) => ({ pk })), ConsistentRead: true } };
  await untilProcessed<Record<string, KeysAndAttributes>>("BatchGetItem", keys, async (RequestItems) => {
    const answer = await client.send(new BatchGetItemCommand({ RequestItems }));
    read.push(...(answer.Responses?.[table] ?? []));
    return nonEmpty(answer.UnprocessedKeys);
  });

  const intact = items.filter((item) =>
    read.some((got) => got.pk?.S === item.pk.S && got.payload?.S === item.payload.S && got.expires_at?.N === item.expires_at.N),
  ).length;
  if (intact !== ITEMS) throw new Error(`read back ${intact} of ${ITEMS} items intact (${read.length} returned)`);
  return workloadResult("light", String(intact));
};
