// The error answers the front gives itself, shaped as S3 gives them: REST error XML
// (`<Error><Code/><Message/><RequestId/><HostId/></Error>`, Amazon S3 API Reference, "Error
// responses"), `x-amz-request-id` / `x-amz-id-2` headers, and no body for HEAD requests.
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export interface S3ErrorAnswer {
  status: number;
  code: string;
  message: string;
  extraHeaders?: Record<string, string>;
}

/** Writes `answer` and ends the response; returns the body length written. */
export function sendS3Error(res: ServerResponse, method: string, answer: S3ErrorAnswer): number {
  const requestId = randomBytes(8).toString("hex").toUpperCase();
  const hostId = randomBytes(48).toString("base64");
  const body =
    method === "HEAD"
      ? ""
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(answer.code)}</Code><Message>${escapeXml(answer.message)}</Message>` +
        `<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
  res.writeHead(answer.status, {
    "x-amz-request-id": requestId,
    "x-amz-id-2": hostId,
    "content-type": "application/xml",
    "content-length": String(Buffer.byteLength(body)),
    ...answer.extraHeaders,
  });
  res.end(body);
  return Buffer.byteLength(body);
}

/**
 * AccessDenied for a same-account caller: S3 names the principal, action and resource and why
 * (IAM User Guide, "Access denied error messages": "... is not authorized to perform: <action> on
 * resource: \"<arn>\" because no identity-based policy allows the <action> action").
 */
export function accessDenied(principal: string, action: string, resource: string, explicit: boolean): S3ErrorAnswer {
  const why = explicit ? "with an explicit deny in an identity-based policy" : `because no identity-based policy allows the ${action} action`;
  return { status: 403, code: "AccessDenied", message: `User: ${principal} is not authorized to perform: ${action} on resource: "${resource}" ${why}` };
}

/** 503 SlowDown, as S3 throttles a prefix; Retry-After tells well-behaved clients to back off. */
export const SLOW_DOWN: S3ErrorAnswer = {
  status: 503,
  code: "SlowDown",
  message: "Please reduce your request rate.",
  extraHeaders: { "retry-after": "1" },
};
