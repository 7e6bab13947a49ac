// A scripted S3 client at the HTTP level (unsigned requests, which moto accepts): the test knows
// every byte it sent and received, so the front's counts can be compared exactly.
import { request } from "node:http";

export const AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00";

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function rawCall(endpoint: string, method: string, path: string, options: { body?: Buffer | string; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  const url = new URL(endpoint);
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: url.hostname,
        port: url.port,
        method,
        path,
        // moto treats requests without Authorization as anonymous (private objects: 403) and does
        // not verify signatures: a well-formed header with the dummy key is enough.
        headers: { authorization: AUTHORIZATION, ...(body ? { "content-length": String(body.length) } : {}), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
