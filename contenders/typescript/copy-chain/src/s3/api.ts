// The S3 operations this contender uses, each one request through the governor, with S3's own
// error shapes turned into errors that name the operation, the key and S3's code.
import { createHash } from "node:crypto";
import { XMLParser } from "fast-xml-parser";
import { encodeKey, TransportError, type S3Connection, type S3Request, type S3Response } from "./connection";
import type { RateGovernor, Verdict } from "./governor";

/** Keys are hex digests: parse every value as text ("1e5..." must not become a number). */
const xml = new XMLParser({ parseTagValue: false, ignoreAttributes: true, isArray: (name) => name === "Contents" || name === "Deleted" || name === "Error" });

export class S3Error extends Error {
  override name = "S3Error";
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${operation}: ${code} (HTTP ${status}): ${message}`);
  }
}

export class MissingChecksumError extends Error {
  override name = "MissingChecksumError";
}

type Xml = Record<string, unknown>;

function parseXml(body: Buffer): Xml {
  return body.length ? (xml.parse(body.toString("utf8")) as Xml) : {};
}

function errorOf(operation: string, res: S3Response): S3Error {
  const error = (parseXml(res.body).Error as Xml[] | undefined)?.[0] ?? {};
  const code = String(error.Code ?? (res.status === 503 ? "SlowDown" : `Http${res.status}`));
  return new S3Error(operation, res.status, code, String(error.Message ?? "no message"));
}

/** S3 answers some copies and completions 200 with an <Error> body (API Reference, UploadPartCopy, CompleteMultipartUpload). */
function embeddedError(operation: string, res: S3Response): S3Error | undefined {
  if (!res.body.includes("<Error>")) return undefined;
  const error = (parseXml(res.body).Error as Xml[] | undefined)?.[0];
  return error ? new S3Error(operation, 200, String(error.Code ?? "InternalError"), String(error.Message ?? "no message")) : undefined;
}

const RETRYABLE_CODES = new Set(["InternalError", "RequestTimeout", "ServiceUnavailable"]);

export function classify(error: unknown): Verdict {
  if (error instanceof TransportError) return "retry";
  if (error instanceof S3Error) {
    if (error.code === "SlowDown" || error.status === 503) return "throttled";
    if (error.status >= 500 || RETRYABLE_CODES.has(error.code)) return "retry";
  }
  return "fatal";
}

export interface SourceListing {
  key: string;
  size: number;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

export class S3Api {
  constructor(
    private readonly connection: S3Connection,
    readonly governor: RateGovernor,
  ) {}

  private async call(operation: string, what: string, req: S3Request, ok: (res: S3Response) => boolean = (r) => r.status === 200): Promise<S3Response> {
    return this.governor.run(
      `${operation} ${what}`,
      async () => {
        const res = await this.connection.send(req);
        if (!ok(res)) throw errorOf(operation, res);
        const embedded = res.status === 200 && req.method !== "GET" ? embeddedError(operation, res) : undefined;
        if (embedded) throw embedded;
        return res;
      },
      classify,
    );
  }

  async list(bucket: string, prefix: string): Promise<SourceListing[]> {
    const out: SourceListing[] = [];
    let token: string | undefined;
    do {
      const query: Record<string, string> = { "list-type": "2", prefix, ...(token ? { "continuation-token": token } : {}) };
      const res = await this.call("ListObjectsV2", `s3://${bucket}/${prefix}`, { method: "GET", bucket, query });
      const page = (parseXml(res.body).ListBucketResult ?? {}) as Xml;
      for (const item of (page.Contents as Xml[] | undefined) ?? []) out.push({ key: String(item.Key), size: Number(item.Size) });
      token = page.IsTruncated === "true" ? String(page.NextContinuationToken) : undefined;
    } while (token);
    return out;
  }

  /** S3's stored CRC-32 of a whole object (uploaded with a CRC32 checksum), as an unsigned integer. */
  async storedCrc32(bucket: string, key: string): Promise<number> {
    const res = await this.call("HeadObject", key, { method: "HEAD", bucket, key, headers: { "x-amz-checksum-mode": "ENABLED" } });
    const value = res.headers["x-amz-checksum-crc32"];
    const type = res.headers["x-amz-checksum-type"];
    if (typeof value !== "string" || !/^[A-Za-z0-9+/]{6}==$/.test(value)) {
      throw new MissingChecksumError(`source object '${key}' has no stored CRC32 checksum (HeadObject with checksum mode returned ${value === undefined ? "none" : `'${String(value)}'`}): this contender writes each ZIP header from S3's stored CRC32 without reading the object, so every source must be uploaded with a CRC32 checksum`);
    }
    if (type === "COMPOSITE") throw new MissingChecksumError(`source object '${key}' has a composite (per-part) CRC32, not the whole object's: re-upload it with a full-object CRC32 checksum`);
    return Buffer.from(value, "base64").readUInt32BE(0);
  }

  async getObject(bucket: string, key: string): Promise<Buffer> {
    return (await this.call("GetObject", key, { method: "GET", bucket, key })).body;
  }

  async putObject(bucket: string, key: string, body: Buffer, contentType: string): Promise<void> {
    await this.call("PutObject", key, { method: "PUT", bucket, key, body, headers: { "content-type": contentType } });
  }

  async createUpload(bucket: string, key: string, contentType: string): Promise<string> {
    const res = await this.call("CreateMultipartUpload", key, { method: "POST", bucket, key, query: { uploads: "" }, headers: { "content-type": contentType } });
    const id = (parseXml(res.body).InitiateMultipartUploadResult as Xml | undefined)?.UploadId;
    if (typeof id !== "string" || !id) throw new S3Error("CreateMultipartUpload", res.status, "MalformedResponse", `no UploadId for '${key}'`);
    return id;
  }

  async uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: Buffer): Promise<CompletedPart> {
    const res = await this.call("UploadPart", `${key} part ${partNumber}`, { method: "PUT", bucket, key, body, query: { partNumber: String(partNumber), uploadId } });
    return { partNumber, etag: String(res.headers.etag) };
  }

  /** Copies `source` (whole, or the inclusive byte range) into part `partNumber`. */
  async uploadPartCopy(bucket: string, key: string, uploadId: string, partNumber: number, source: string, range?: { first: number; last: number }): Promise<CompletedPart> {
    const headers: Record<string, string> = { "x-amz-copy-source": `/${bucket}/${encodeKey(source)}` };
    if (range) headers["x-amz-copy-source-range"] = `bytes=${range.first}-${range.last}`;
    const res = await this.call("UploadPartCopy", `${key} part ${partNumber} from ${source}`, { method: "PUT", bucket, key, headers, query: { partNumber: String(partNumber), uploadId } });
    const etag = (parseXml(res.body).CopyPartResult as Xml | undefined)?.ETag;
    if (typeof etag !== "string") throw new S3Error("UploadPartCopy", res.status, "MalformedResponse", `no ETag for '${key}' part ${partNumber}`);
    return { partNumber, etag };
  }

  /**
   * Completes an upload. A retried completion whose first try did complete (its answer lost to a
   * reset) gets NoSuchUpload: then the object is there with the expected size, or it is an error.
   */
  async complete(bucket: string, key: string, uploadId: string, parts: readonly CompletedPart[], expectedSize: number): Promise<void> {
    const body = Buffer.from(
      `<CompleteMultipartUpload>${parts.map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${escapeXml(p.etag)}</ETag></Part>`).join("")}</CompleteMultipartUpload>`,
    );
    let attempts = 0;
    try {
      await this.call("CompleteMultipartUpload", key, { method: "POST", bucket, key, body, query: { uploadId }, headers: { "content-type": "application/xml" } }, (r) => {
        attempts++;
        return r.status === 200;
      });
    } catch (error) {
      if (!(attempts > 1 && error instanceof S3Error && error.code === "NoSuchUpload")) throw error;
      const size = await this.size(bucket, key);
      if (size !== expectedSize) throw error;
    }
  }

  async abort(bucket: string, key: string, uploadId: string): Promise<void> {
    await this.call("AbortMultipartUpload", key, { method: "DELETE", bucket, key, query: { uploadId } }, (r) => r.status === 204 || r.status === 404);
  }

  async size(bucket: string, key: string): Promise<number | undefined> {
    const res = await this.call("HeadObject", key, { method: "HEAD", bucket, key }, (r) => r.status === 200 || r.status === 404);
    return res.status === 404 ? undefined : Number(res.headers["content-length"]);
  }

  /** Deletes up to 1,000 keys in one request; throws naming the keys S3 did not delete. */
  async deleteObjects(bucket: string, keys: readonly string[]): Promise<void> {
    const body = Buffer.from(`<Delete><Quiet>true</Quiet>${keys.map((k) => `<Object><Key>${escapeXml(k)}</Key></Object>`).join("")}</Delete>`);
    const md5 = createHash("md5").update(body).digest("base64");
    const res = await this.call("DeleteObjects", `${keys.length} scratch objects`, { method: "POST", bucket, body, query: { delete: "" }, headers: { "content-md5": md5, "content-type": "application/xml" } }, (r) => r.status === 200);
    const failed = ((parseXml(res.body).DeleteResult as Xml | undefined)?.Error as Xml[] | undefined) ?? [];
    if (failed.length) throw new S3Error("DeleteObjects", 200, String(failed[0]!.Code), `could not delete ${failed.length} scratch object(s), e.g. '${String(failed[0]!.Key)}': ${String(failed[0]!.Message)}`);
  }
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
