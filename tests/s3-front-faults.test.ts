// Fault injection: seeded (the same requests meet the same faults), real SlowDown XML with
// Retry-After, resets that cut the body and never reach moto half-applied; spec parsing errors.
import { request } from "node:http";
import { connect } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { parseFaultSpec, S3Front, type FaultSpec } from "../local/s3-front";
import { IDLE_KEEP_ALIVE_MS } from "../local/s3-front/port";
import type { LocalFunction } from "../local/lambda";
import { AUTHORIZATION, rawCall } from "./support/raw-s3";
import { useEmbeddedS3 } from "./support/s3";

const allowAll = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] };
const fn = { name: "faulty" } as LocalFunction;

/** Outcome of each of `count` GETs through a fresh front: "ok", "slowdown" or "reset". */
async function outcomes(upstream: string, bucket: string, faults: FaultSpec, count: number): Promise<string[]> {
  const front = new S3Front({ upstream, policyFor: () => allowAll, account: "000000000000", faults });
  const port = await front.attach(fn);
  const seen: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      try {
        const answer = await rawCall(port.env.AWS_ENDPOINT_URL_S3!, "GET", `/${bucket}/object`);
        seen.push(answer.status === 200 && answer.body.length === 4096 ? "ok" : answer.status === 503 ? "slowdown" : `status ${answer.status}`);
      } catch (error) {
        seen.push((error as NodeJS.ErrnoException).code === "ECONNRESET" ? "reset" : String(error));
      }
    }
    return seen;
  } finally {
    await port.close();
    await front.close();
  }
}

describe("S3 front: faults", () => {
  const s3 = useEmbeddedS3();
  const fronts: S3Front[] = [];
  afterAll(async () => {
    for (const front of fronts) await front.close();
  });

  it("are deterministic from the seed, at about the rates asked", async () => {
    const bucket = await s3.bucket("faults");
    await rawCall(s3.s3.endpoint, "PUT", `/${bucket}/object`, { body: Buffer.alloc(4096, 7) });
    const spec = parseFaultSpec("slowdown=0.2,reset=0.2,seed=42");
    const first = await outcomes(s3.s3.endpoint, bucket, spec, 60);
    const again = await outcomes(s3.s3.endpoint, bucket, spec, 60);
    const otherSeed = await outcomes(s3.s3.endpoint, bucket, { ...spec, seed: 43 }, 60);
    expect(again).toEqual(first);
    expect(otherSeed).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set(["ok", "slowdown", "reset"]));
    const slowdowns = first.filter((o) => o === "slowdown").length;
    expect(slowdowns).toBeGreaterThan(3);
    expect(slowdowns).toBeLessThan(25);
  });

  it("answer SlowDown as S3 does: 503, the XML error, Retry-After; counted but not billed", async () => {
    const bucket = await s3.bucket("slow");
    const front = new S3Front({ upstream: s3.s3.endpoint, policyFor: () => allowAll, account: "000000000000", faults: parseFaultSpec("slowdown=1") });
    fronts.push(front);
    const port = await front.attach(fn);
    port.invocationStarted("slow", "{}");
    const answer = await rawCall(port.env.AWS_ENDPOINT_URL_S3!, "PUT", `/${bucket}/k`, { body: "payload" });
    expect(answer.status).toBe(503);
    expect(answer.headers["retry-after"]).toBe("1");
    expect(answer.body.toString()).toMatch(/<Error><Code>SlowDown<\/Code><Message>Please reduce your request rate.<\/Message><RequestId>/);
    expect((await rawCall(s3.s3.endpoint, "GET", `/${bucket}/k`)).status).toBe(404); // never reached moto
    const [usage] = front.usageWhere((u) => u.requestId === "slow");
    expect([usage!.requests, usage!.unbilled, usage!.throttled]).toEqual([{ PutObject: 1 }, { PutObject: 1 }, 1]);
  });

  it("reset an upload mid-body before moto sees it, and a download mid-body after some bytes", async () => {
    const bucket = await s3.bucket("reset");
    await rawCall(s3.s3.endpoint, "PUT", `/${bucket}/big`, { body: Buffer.alloc(1024 * 1024, 1) });
    const front = new S3Front({ upstream: s3.s3.endpoint, policyFor: () => allowAll, account: "000000000000", faults: parseFaultSpec("reset=1") });
    fronts.push(front);
    const port = await front.attach(fn);
    const url = new URL(port.env.AWS_ENDPOINT_URL_S3!);
    await expect(rawCall(url.origin, "PUT", `/${bucket}/k`, { body: Buffer.alloc(256 * 1024) })).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE/) });
    expect((await rawCall(s3.s3.endpoint, "GET", `/${bucket}/k`)).status).toBe(404);
    // The download: headers and part of the body arrive, then the connection dies.
    const received = await new Promise<{ status: number; bytes: number; error: string }>((resolve) => {
      let bytes = 0;
      let status = 0;
      const req = request({ hostname: url.hostname, port: url.port, path: `/${bucket}/big`, headers: { authorization: AUTHORIZATION } }, (res) => {
        status = res.statusCode ?? 0;
        res.on("data", (chunk: Buffer) => (bytes += chunk.length));
        res.on("error", (error: NodeJS.ErrnoException) => resolve({ status, bytes, error: error.code ?? error.message }));
        res.on("end", () => resolve({ status, bytes, error: "none" }));
      });
      req.on("error", (error: NodeJS.ErrnoException) => resolve({ status, bytes, error: error.code ?? error.message }));
      req.end();
    });
    expect(received.status).toBe(200);
    expect(received.bytes).toBeGreaterThan(0);
    expect(received.bytes).toBeLessThan(1024 * 1024);
    expect(received.error).toMatch(/ECONNRESET|aborted/);
  });

  it("close idle keep-alive connections (after 20 s by default, as S3 does)", async () => {
    expect(IDLE_KEEP_ALIVE_MS).toBe(20_000);
    const front = new S3Front({ upstream: s3.s3.endpoint, policyFor: () => allowAll, account: "000000000000", idleKeepAliveMs: 300 });
    fronts.push(front);
    const port = await front.attach(fn);
    const url = new URL(port.env.AWS_ENDPOINT_URL_S3!);
    // A raw socket: Node's own client agent would close first, on the server's Keep-Alive hint.
    const socket = connect(Number(url.port), url.hostname);
    const closedAfterMs = await new Promise<number>((resolve, reject) => {
      let idleSince = 0;
      socket.on("data", (chunk: Buffer) => {
        if (chunk.includes("</ListAllMyBucketsResult>")) idleSince = Date.now();
      });
      socket.on("close", () => resolve(idleSince ? Date.now() - idleSince : -1));
      socket.on("error", reject);
      socket.write(`GET / HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\nAuthorization: ${AUTHORIZATION}\r\n\r\n`);
    });
    expect(closedAfterMs).toBeGreaterThanOrEqual(250);
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  it("parse --s3-faults and name what is wrong", () => {
    expect(parseFaultSpec("slowdown=0.02,reset=0.005,latency=20ms,seed=7")).toEqual({ slowdown: 0.02, reset: 0.005, latencyMs: 20, seed: 7 });
    expect(parseFaultSpec("")).toEqual({ slowdown: 0, reset: 0, latencyMs: 0, seed: 1 });
    expect(() => parseFaultSpec("slowdown=2")).toThrow("--s3-faults: slowdown must be between 0 and 1, got '2'");
    expect(() => parseFaultSpec("latency=20")).toThrow("--s3-faults: latency must be like 20ms, got '20'");
    expect(() => parseFaultSpec("drop=0.1")).toThrow("--s3-faults: unknown fault 'drop' (known: slowdown, reset, latency, seed)");
    expect(() => parseFaultSpec("reset")).toThrow("--s3-faults: 'reset' is not name=value");
  });
});
