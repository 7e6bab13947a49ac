// The copy-chain contender's small HTTP/1.1 client: response framing (Content-Length, chunked as
// S3 sends long copies, read-to-close, bodiless answers) and keep-alive against a real node:http
// server on loopback, including a server that closes idle connections.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Http1Pool, parseResponse, TransportError } from "../contenders/typescript/copy-chain/src/s3/http1";

const bytes = (text: string) => Buffer.from(text, "latin1");

describe("copy-chain HTTP/1.1 framing (parseResponse)", () => {
  it("frames by Content-Length and keeps the bytes of the next answer", () => {
    const parsed = parseResponse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"a\"\r\n\r\nhelloHTTP/1.1"), "GET", false)!;
    expect(parsed.response).toMatchObject({ status: 200, headers: { "content-length": "5", etag: '"a"' } });
    expect(parsed.response.body.toString()).toBe("hello");
    expect(parsed.keepAlive).toBe(true);
    expect(parsed.rest.toString()).toBe("HTTP/1.1");
    expect(parseResponse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel"), "GET", false)).toBeUndefined();
  });

  it("decodes chunked bodies, S3's leading whitespace included, only once the last chunk arrived", () => {
    const wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n  \r\nb;ext=1\r\n<R>etag</R>\r\n0\r\n\r\n";
    expect(parseResponse(bytes(wire.slice(0, -5)), "PUT", false)).toBeUndefined();
    const parsed = parseResponse(bytes(wire), "PUT", false)!;
    expect(parsed.response.body.toString()).toBe("  <R>etag</R>");
    expect(parsed.rest.length).toBe(0);
    expect(() => parseResponse(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), "PUT", false)).toThrow(TransportError);
  });

  it("has no body for HEAD and 204, reads to the close without a length, and honours Connection: close", () => {
    expect(parseResponse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"), "HEAD", false)!.response.body.length).toBe(0);
    expect(parseResponse(bytes("HTTP/1.1 204 No Content\r\n\r\n"), "DELETE", false)!.response.status).toBe(204);
    expect(parseResponse(bytes("HTTP/1.1 200 OK\r\n\r\nall of it"), "GET", false)).toBeUndefined();
    const closed = parseResponse(bytes("HTTP/1.1 200 OK\r\n\r\nall of it"), "GET", true)!;
    expect([closed.response.body.toString(), closed.keepAlive]).toEqual(["all of it", false]);
    expect(parseResponse(bytes("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), "GET", false)!.keepAlive).toBe(false);
    expect(parseResponse(bytes("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"), "GET", false)!.keepAlive).toBe(false);
    expect(() => parseResponse(bytes("SSH-2.0\r\n\r\n"), "GET", false)).toThrow(/malformed status line/);
  });
});

describe("copy-chain HTTP/1.1 pool against a real server", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ port: number; sockets: () => number }> {
    let sockets = 0;
    server = createServer(handler!);
    server.on("connection", () => sockets++);
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return { port: (server.address() as AddressInfo).port, sockets: () => sockets };
  }

  it("reuses keep-alive sockets, chunked answers included, and sends request bodies", async () => {
    const { port, sockets } = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        res.write(`${req.method} ${req.url} `); // no Content-Length: node:http answers chunked
        res.end(Buffer.concat(chunks));
      });
    });
    const pool = new Http1Pool({ secure: false, hostname: "127.0.0.1", port, maxSockets: 2, timeoutMs: 5000 });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => pool.request(`PUT /k${i} HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\n\r\n`, Buffer.from(`b${i}`.padEnd(3, "_")), "PUT")),
    );
    expect(answers.map((a) => a.body.toString())).toEqual(Array.from({ length: 12 }, (_, i) => `PUT /k${i} ${`b${i}`.padEnd(3, "_")}`));
    expect(sockets()).toBe(2);
    pool.close();
  });

  it("dials again after the server closes an idle connection, and fails a cut answer with a TransportError", async () => {
    let calls = 0;
    const { port, sockets } = await serve((req, res) => {
      calls++;
      if (req.url === "/cut") {
        res.writeHead(200, { "content-length": "100" });
        res.write("partial");
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.setHeader("connection", "close");
      res.end("ok");
    });
    const pool = new Http1Pool({ secure: false, hostname: "127.0.0.1", port, maxSockets: 1, timeoutMs: 5000 });
    for (let i = 0; i < 3; i++) expect((await pool.request("GET / HTTP/1.1\r\nhost: x\r\n\r\n", undefined, "GET")).body.toString()).toBe("ok");
    expect(sockets()).toBe(3);
    await expect(pool.request("GET /cut HTTP/1.1\r\nhost: x\r\n\r\n", undefined, "GET")).rejects.toMatchObject({ name: "TransportError", code: "ECONNRESET" });
    expect(calls).toBe(4);
    pool.close();
  });
});
