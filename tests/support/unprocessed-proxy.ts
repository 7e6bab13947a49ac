// A DynamoDB front for tests of the light workload: it forwards to moto, except that it leaves
// part (mode "partial": the first call of each batch operation per invocation) or all (mode
// "always") of a batch unprocessed, as DynamoDB does under load. moto never does, so without this
// front the workloads' retry paths would go untested.
import { createServer, type IncomingMessage, type Server } from "node:http";

// Loosely typed on purpose: the proxy only reshuffles what the workloads send.
type Json = Record<string, any>;

export interface ProxyCall {
  operation: string;
  /** The invocation's request id: the part of the first item's key before `#`. */
  requestId: string;
  /** How many items (writes or keys) the call carried. */
  items: number;
  at: number;
}

export interface UnprocessedProxy {
  endpoint: string;
  calls: ProxyCall[];
  close(): Promise<void>;
}

/** Items leave the batch from index KEPT on: the first KEPT are processed, the rest come back. */
const KEPT = 2;

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startUnprocessedProxy(target: string, mode: "partial" | "always"): Promise<UnprocessedProxy> {
  const calls: ProxyCall[] = [];
  const forward = async (operation: string, headers: IncomingMessage["headers"], payload: Json): Promise<Json> => {
    const response = await fetch(`${target}/`, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": String(headers["x-amz-target"]), authorization: String(headers.authorization ?? "") },
      body: JSON.stringify(payload),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`moto answered ${operation} with ${response.status}: ${text}`);
    return JSON.parse(text) as Json;
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      const operation = String(request.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
      const payload = JSON.parse(await body(request)) as Json;
      let answer: Json;
      if (operation === "BatchWriteItem" || operation === "BatchGetItem") {
        const [table, batch] = Object.entries(payload.RequestItems as Json)[0]!;
        const items: Json[] = operation === "BatchWriteItem" ? batch : batch.Keys;
        const firstKey: string = operation === "BatchWriteItem" ? items[0]!.PutRequest.Item.pk.S : items[0]!.pk.S;
        const requestId = firstKey.split("#")[0]!;
        const earlier = calls.filter((call) => call.operation === operation && call.requestId === requestId).length;
        calls.push({ operation, requestId, items: items.length, at: Date.now() });
        const keep = mode === "always" ? 0 : earlier === 0 ? KEPT : items.length;
        const processed = items.slice(0, keep);
        const rest = items.slice(keep);
        const subset = (list: Json[]) => ({ [table]: operation === "BatchWriteItem" ? list : { ...batch, Keys: list } });
        const done = processed.length ? await forward(operation, request.headers, { ...payload, RequestItems: subset(processed) }) : {};
        answer =
          operation === "BatchWriteItem"
            ? { UnprocessedItems: rest.length ? subset(rest) : {} }
            : { Responses: done.Responses ?? { [table]: [] }, UnprocessedKeys: rest.length ? subset(rest) : {} };
      } else {
        answer = await forward(operation, request.headers, payload);
      }
      response.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify(answer));
    })().catch((error: unknown) => {
      response.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
