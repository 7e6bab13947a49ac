// Low-level pieces of the front's proxying: reading or cutting request bodies, resetting a
// socket, and which headers may cross a proxy (hop-by-hop headers stay on their own connection).
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { InvocationUsage } from "./usage";

/** DeleteObjects bodies list at most 1,000 keys: a few hundred KB at most. */
const MAX_DELETE_BODY = 2 * 1024 * 1024;
const HOP_BY_HOP = new Set(["host", "connection", "keep-alive", "proxy-connection", "te", "upgrade", "expect", "trailer"]);

export function resetSocket(socket: Socket | null): void {
  if (!socket) return;
  // An RST, not a FIN: the client sees ECONNRESET, as when S3 drops a connection.
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
}

export function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
}

/** Reads and discards the request body, counting it; resolves when it ended. */
export function drain(req: IncomingMessage, usage: InvocationUsage): Promise<void> {
  return new Promise((resolve) => {
    req.on("data", (chunk: Buffer) => (usage.bytesOut += chunk.length));
    req.on("end", resolve);
    req.on("error", () => resolve());
    req.on("close", resolve);
  });
}

export function forwardHeaders(raw: string[], host?: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  if (host) out.push("Host", host);
  return out;
}

export function cutRequest(req: IncomingMessage, usage: InvocationUsage): Promise<void> {
  const half = Math.floor(Number(req.headers["content-length"] ?? 0) / 2);
  return new Promise((resolve) => {
    let seen = 0;
    const cut = () => {
      resetSocket(req.socket);
      resolve();
    };
    req.on("data", (chunk: Buffer) => {
      seen += chunk.length;
      usage.bytesOut += chunk.length;
      if (seen >= half) cut();
    });
    req.on("end", cut);
    req.on("error", () => resolve());
    if (!hasBody(req)) cut();
  });
}

export async function readSmallBody(req: IncomingMessage, usage: InvocationUsage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    usage.bytesOut += chunk.length;
    if (size > MAX_DELETE_BODY) throw new Error(`DeleteObjects body over ${MAX_DELETE_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
/** The `<Key>` values of a DeleteObjects request (XML-unescaped). */
export function deleteKeys(body: Buffer): string[] {
  return [...body.toString("utf8").matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) =>
    m[1]!.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
      e.startsWith("#x") ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : XML_ENTITIES[e]!,
    ),
  );
}

