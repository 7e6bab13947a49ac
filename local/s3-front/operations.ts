// Names the S3 operation an HTTP request is, from its method, path, query and headers, and says
// which IAM actions on which resources S3 checks for it. Hand-written: no npm package maps raw
// S3 REST requests to operation names (the SDKs go the other way), and the table is small. Sources:
// the Amazon S3 API Reference page of each operation (request syntax) and the Service
// Authorization Reference, "Actions, resources, and condition keys for Amazon S3".
import type { IncomingHttpHeaders } from "node:http";
import type { AuthorizationRequest } from "../../harness/policy-evaluator";

export interface ObjectRef {
  bucket: string;
  key: string;
}

export interface ClassifiedRequest {
  operation: string;
  bucket?: string;
  key?: string;
  /** Path-style path to forward to moto (`/bucket/key?query`), whatever style the client used. */
  upstreamPath: string;
  /** Every one of these must be allowed (UploadPartCopy needs two). */
  authorizations: AuthorizationRequest[];
  /** CopyObject / UploadPartCopy: the source object and the byte range copied, if one was given. */
  copySource?: ObjectRef & { range?: { start: number; end: number } };
}

const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;

/** Hosts that mean "path-style" (the bucket is the first path segment). */
function isPlainHost(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname === "localhost" || hostname.startsWith("[") || /^s3([.-][a-z0-9-]+)?\.amazonaws\.com$/.test(hostname);
}

/** Virtual-hosted style: `<bucket>.localhost`, `<bucket>.127.0.0.1`, `<bucket>.s3[.region].amazonaws.com`. */
export function virtualHostBucket(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const hostname = host.replace(/:\d+$/, "").toLowerCase();
  if (isPlainHost(hostname)) return undefined;
  for (const suffix of [".localhost", ".127.0.0.1"]) if (hostname.endsWith(suffix)) return hostname.slice(0, -suffix.length);
  const aws = /^(.+)\.s3([.-][a-z0-9-]+)?\.amazonaws\.com$/.exec(hostname);
  return aws?.[1];
}

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=...]`, URL-encoded. */
export function parseCopySource(header: string): ObjectRef {
  const withoutVersion = header.split("?")[0]!;
  const decoded = decodeURIComponent(withoutVersion.startsWith("/") ? withoutVersion.slice(1) : withoutVersion);
  const slash = decoded.indexOf("/");
  if (slash <= 0 || slash === decoded.length - 1) throw new Error(`malformed x-amz-copy-source: ${header}`);
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

/** `bytes=first-last` (both inclusive, as UploadPartCopy requires). */
export function parseCopyRange(header: string | undefined): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  return match ? { start: Number(match[1]), end: Number(match[2]) } : undefined;
}

// Bucket subresources: query marker -> [operation suffix, IAM action suffix] for GET / PUT / DELETE.
const BUCKET_SUBRESOURCES: Record<string, [string, string]> = {
  policy: ["BucketPolicy", "BucketPolicy"],
  acl: ["BucketAcl", "BucketAcl"],
  versioning: ["BucketVersioning", "BucketVersioning"],
  tagging: ["BucketTagging", "BucketTagging"],
  cors: ["BucketCors", "BucketCORS"],
  lifecycle: ["BucketLifecycleConfiguration", "LifecycleConfiguration"],
  encryption: ["BucketEncryption", "EncryptionConfiguration"],
  notification: ["BucketNotificationConfiguration", "BucketNotification"],
  ownershipControls: ["BucketOwnershipControls", "BucketOwnershipControls"],
  publicAccessBlock: ["PublicAccessBlock", "BucketPublicAccessBlock"],
};
const VERB: Record<string, string> = { GET: "Get", PUT: "Put", DELETE: "Delete" };

/**
 * Classifies one request. Unknown combinations come back as operation `Unsupported <METHOD>
 * ?<markers>` with the IAM action `s3:Unsupported`, which no policy of this project grants: the
 * front denies what it cannot name rather than letting it through unchecked.
 */
export function classify(method: string, url: string, headers: IncomingHttpHeaders): ClassifiedRequest {
  const queryAt = url.indexOf("?");
  const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? "" : url.slice(queryAt + 1);
  const query = new URLSearchParams(rawQuery);
  // The JS SDK v3 tags requests with `x-id=<Operation>`; S3 ignores it, so does the naming.
  query.delete("x-id");
  const has = (name: string) => query.has(name);

  let bucket: string | undefined = virtualHostBucket(headers.host);
  let key: string | undefined;
  let upstreamPath: string;
  if (bucket) {
    const objectPath = rawPath.replace(/^\//, "");
    key = objectPath ? decodeURIComponent(objectPath) : undefined;
    upstreamPath = `/${bucket}${rawPath === "/" ? "" : rawPath}${queryAt < 0 ? "" : `?${rawQuery}`}`;
  } else {
    const trimmed = rawPath.replace(/^\//, "");
    const slash = trimmed.indexOf("/");
    bucket = decodeURIComponent(slash < 0 ? trimmed : trimmed.slice(0, slash)) || undefined;
    const rest = slash < 0 ? "" : trimmed.slice(slash + 1);
    key = rest ? decodeURIComponent(rest) : undefined;
    upstreamPath = url;
  }

  const result = (operation: string, authorizations: AuthorizationRequest[], extra: Partial<ClassifiedRequest> = {}): ClassifiedRequest => ({
    operation,
    bucket,
    key,
    upstreamPath,
    authorizations,
    ...extra,
  });
  const onObject = (action: string) => ({ action, resource: objectArn(bucket!, key!) });
  const onBucket = (action: string, context?: Record<string, string>) => ({ action, resource: bucketArn(bucket!), ...(context ? { context } : {}) });
  const unsupported = () => {
    const markers = [...query.keys()].sort().join("&");
    return result(`Unsupported ${method}${key ? " object" : bucket ? " bucket" : ""}${markers ? ` ?${markers}` : ""}`, [{ action: "s3:Unsupported", resource: "*" }]);
  };

  if (!bucket) return method === "GET" ? result("ListBuckets", [{ action: "s3:ListAllMyBuckets", resource: "*" }]) : unsupported();

  if (key === undefined) {
    const listContext = () => {
      const context: Record<string, string> = {};
      for (const [param, conditionKey] of [["prefix", "s3:prefix"], ["delimiter", "s3:delimiter"], ["max-keys", "s3:max-keys"]] as const) {
        const value = query.get(param);
        if (value !== null) context[conditionKey] = value;
      }
      return context;
    };
    if (method === "GET") {
      if (query.get("list-type") === "2") return result("ListObjectsV2", [onBucket("s3:ListBucket", listContext())]);
      if (has("uploads")) return result("ListMultipartUploads", [onBucket("s3:ListBucketMultipartUploads", listContext())]);
      if (has("versions")) return result("ListObjectVersions", [onBucket("s3:ListBucketVersions", listContext())]);
      if (has("location")) return result("GetBucketLocation", [onBucket("s3:GetBucketLocation")]);
    }
    if (method === "POST" && has("delete")) return result("DeleteObjects", []); // per key: see front
    const sub = Object.keys(BUCKET_SUBRESOURCES).find(has);
    const verb = VERB[method];
    if (sub && verb) {
      const [operation, action] = BUCKET_SUBRESOURCES[sub]!;
      return result(`${verb}${operation}`, [onBucket(`s3:${verb}${action}`)]);
    }
    if (query.size > 0 && !(method === "GET" && !sub && [...query.keys()].every((k) => ["prefix", "delimiter", "max-keys", "marker", "encoding-type"].includes(k)))) {
      return unsupported();
    }
    if (method === "GET") return result("ListObjects", [onBucket("s3:ListBucket", listContext())]);
    if (method === "HEAD") return result("HeadBucket", [onBucket("s3:ListBucket")]);
    if (method === "PUT") return result("CreateBucket", [onBucket("s3:CreateBucket")]);
    if (method === "DELETE") return result("DeleteBucket", [onBucket("s3:DeleteBucket")]);
    return unsupported();
  }

  const copyHeader = headers["x-amz-copy-source"];
  const copySource = typeof copyHeader === "string" ? parseCopySource(copyHeader) : undefined;
  const copyAuth = copySource ? [{ action: "s3:GetObject", resource: objectArn(copySource.bucket, copySource.key) }] : [];
  switch (method) {
    case "GET":
      if (has("uploadId")) return result("ListParts", [onObject("s3:ListMultipartUploadParts")]);
      if (has("tagging")) return result("GetObjectTagging", [onObject("s3:GetObjectTagging")]);
      if (has("acl")) return result("GetObjectAcl", [onObject("s3:GetObjectAcl")]);
      if (has("attributes")) return result("GetObjectAttributes", [onObject("s3:GetObject"), onObject("s3:GetObjectAttributes")]);
      return result("GetObject", [onObject("s3:GetObject")]);
    case "HEAD":
      return result("HeadObject", [onObject("s3:GetObject")]);
    case "PUT":
      if (has("partNumber") && has("uploadId")) {
        if (copySource) {
          const range = parseCopyRange(headers["x-amz-copy-source-range"] as string | undefined);
          return result("UploadPartCopy", [onObject("s3:PutObject"), ...copyAuth], { copySource: { ...copySource, range } });
        }
        return result("UploadPart", [onObject("s3:PutObject")]);
      }
      if (has("tagging")) return result("PutObjectTagging", [onObject("s3:PutObjectTagging")]);
      if (has("acl")) return result("PutObjectAcl", [onObject("s3:PutObjectAcl")]);
      if (query.size > 0) return unsupported();
      if (copySource) return result("CopyObject", [onObject("s3:PutObject"), ...copyAuth], { copySource });
      return result("PutObject", [onObject("s3:PutObject")]);
    case "POST":
      if (has("uploads")) return result("CreateMultipartUpload", [onObject("s3:PutObject")]);
      if (has("uploadId")) return result("CompleteMultipartUpload", [onObject("s3:PutObject")]);
      return unsupported();
    case "DELETE":
      if (has("uploadId")) return result("AbortMultipartUpload", [onObject("s3:AbortMultipartUpload")]);
      if (has("tagging")) return result("DeleteObjectTagging", [onObject("s3:DeleteObjectTagging")]);
      if (query.size > 0 && !has("versionId")) return unsupported();
      return result("DeleteObject", [onObject(has("versionId") ? "s3:DeleteObjectVersion" : "s3:DeleteObject")]);
    default:
      return unsupported();
  }
}
