// What one invocation did to S3, as the front saw it on the wire. Directions are the function's:
// bytes_in = response bodies it received (downloads), bytes_out = request bodies it sent (uploads).
export interface InvocationUsage {
  functionName: string;
  /** The invocation's request id; null for requests made while no invocation was running. */
  requestId: string | null;
  /** The invocation's event (parsed JSON), so callers can find a run by its archive key. */
  event: unknown;
  /** Every request answered or cut, by S3 operation. */
  requests: Record<string, number>;
  /** Of those, what S3 would not bill: 5xx answers and connections reset before an answer. */
  unbilled: Record<string, number>;
  denied: number;
  throttled: number;
  resets: number;
  bytesIn: number;
  bytesOut: number;
  /** Bytes copied inside S3 (CopyObject / UploadPartCopy), never crossing the function's network. */
  bytesCopied: number;
  /** `bucket/key` of every object read with a successful GET or used as a successful copy source. */
  objectsRead: Set<string>;
  /** Summed time of its requests, arrival to the answer's end (mean in flight = this / duration). */
  requestSeconds: number;
  /** CPU time of the instance during the invocation (cgroup cpuacct), null when not measured. */
  cpuSeconds: number | null;
}

export function emptyUsage(functionName: string, requestId: string | null, event: unknown): InvocationUsage {
  return {
    functionName,
    requestId,
    event,
    requests: {},
    unbilled: {},
    denied: 0,
    throttled: 0,
    resets: 0,
    bytesIn: 0,
    bytesOut: 0,
    bytesCopied: 0,
    requestSeconds: 0,
    objectsRead: new Set(),
    cpuSeconds: null,
  };
}

export function countRequest(usage: InvocationUsage, operation: string, billed: boolean): void {
  usage.requests[operation] = (usage.requests[operation] ?? 0) + 1;
  if (!billed) usage.unbilled[operation] = (usage.unbilled[operation] ?? 0) + 1;
}

/** Requests S3 would bill, by operation (requests minus unbilled). */
export function billedRequests(usage: Pick<InvocationUsage, "requests" | "unbilled">): Record<string, number> {
  const billed: Record<string, number> = {};
  for (const [operation, count] of Object.entries(usage.requests)) {
    const n = count - (usage.unbilled[operation] ?? 0);
    if (n > 0) billed[operation] = n;
  }
  return billed;
}
