// The copy-chain contender's request-rate governor, with a deterministic `random` (no backoff
// delay): the window halves once per SlowDown burst and grows back on successes, resets are
// retried without shrinking it, fatal errors are not retried, and giving up names the request.
import { describe, expect, it } from "vitest";
import { classify, S3Error } from "../contenders/typescript/copy-chain/src/s3/api";
import { TransportError } from "../contenders/typescript/copy-chain/src/s3/connection";
import { RateGovernor, RetriesExhausted, type GovernorOptions } from "../contenders/typescript/copy-chain/src/s3/governor";

const slowDown = () => new S3Error("UploadPartCopy", 503, "SlowDown", "Please reduce your request rate.");
const governor = (options: Partial<GovernorOptions> = {}) =>
  new RateGovernor({ maxInFlight: 16, initialInFlight: 16, maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 5000, random: () => 0, ...options });

/** An attempt that fails with `errors` in turn, then answers "ok"; counts its calls. */
function scripted(...errors: Error[]) {
  const attempt = async () => {
    attempt.calls++;
    const error = errors.shift();
    if (error) throw error;
    return "ok";
  };
  attempt.calls = 0;
  return attempt;
}

describe("copy-chain rate governor", () => {
  it("halves the window once for a burst of SlowDowns, then grows it back by one per window of successes", async () => {
    const g = governor();
    const attempts = Array.from({ length: 8 }, () => scripted(slowDown()));

    const results = await Promise.all(attempts.map((a, i) => g.run(`PUT part ${i}`, a, classify)));

    expect(results).toEqual(Array(8).fill("ok"));
    expect(attempts.map((a) => a.calls)).toEqual(Array(8).fill(2));
    expect(g.stats).toEqual({ requests: 16, throttled: 8, retried: 8, lowestWindow: 8 });
    // 16 -> 8 on the burst, then + 1/8 per success: 8 successes make one more slot.
    expect(g.currentWindow).toBe(9);
    for (let i = 0; i < 200; i++) await g.run("HEAD", scripted(), classify);
    expect(g.currentWindow).toBe(16); // back to the ceiling, never past it
  });

  it("lets no more requests in flight than the window", async () => {
    const g = governor({ maxInFlight: 4, initialInFlight: 4 });
    await g.run("PUT", scripted(slowDown()), classify);
    expect(g.currentWindow).toBe(2);
    let inFlight = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const held = async () => {
      inFlight++;
      await gate;
      inFlight--;
      return "ok";
    };
    const runs = Array.from({ length: 5 }, () => g.run("COPY", held, classify));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(inFlight).toBe(2); // three wait for a slot
    open();
    expect(await Promise.all(runs)).toEqual(Array(5).fill("ok"));
    expect(g.stats.requests).toBe(2 + 5);
  });

  it("retries resets and 5xx answers without shrinking the window", async () => {
    const g = governor({ initialInFlight: 4 });
    const attempt = scripted(new TransportError("PUT /b/k: socket hang up", "ECONNRESET"), new S3Error("CompleteMultipartUpload", 500, "InternalError", "We encountered an internal error."));

    expect(await g.run("POST complete", attempt, classify)).toBe("ok");

    expect(attempt.calls).toBe(3);
    expect(g.stats).toEqual({ requests: 3, throttled: 0, retried: 2, lowestWindow: 4 });
    expect(g.currentWindow).toBe(4);
  });

  it("does not retry a fatal error: it reaches the caller as it is", async () => {
    const g = governor();
    const denied = new S3Error("UploadPartCopy", 403, "AccessDenied", "not authorized to perform: s3:GetObject");
    const attempt = scripted(denied);

    await expect(g.run("UploadPartCopy a.zip part 1", attempt, classify)).rejects.toBe(denied);

    expect(attempt.calls).toBe(1);
    expect(g.stats).toMatchObject({ requests: 1, retried: 0, throttled: 0 });
  });

  it("gives up after maxAttempts with RetriesExhausted naming the request and the last error", async () => {
    const g = governor({ maxAttempts: 3 });
    const errors = [1, 2, 3].map((n) => new S3Error("UploadPartCopy", 500, "InternalError", `failure ${n}`));
    const attempt = scripted(...errors);

    const run = g.run("UploadPartCopy archives/x.zip part 7", attempt, classify);

    await expect(run).rejects.toThrow(RetriesExhausted);
    await expect(run).rejects.toThrow("UploadPartCopy archives/x.zip part 7: gave up after 3 attempts: UploadPartCopy: InternalError (HTTP 500): failure 3");
    await expect(run).rejects.toMatchObject({ cause: errors[2] });
    expect(attempt.calls).toBe(3);
    expect(g.stats.retried).toBe(2);
  });

  it("classifies S3's answers: SlowDown and 503 throttle, resets and 5xx retry, the rest is fatal", () => {
    expect(classify(slowDown())).toBe("throttled");
    expect(classify(new S3Error("PutObject", 503, "ServiceUnavailable", "busy"))).toBe("throttled");
    expect(classify(new S3Error("PutObject", 500, "InternalError", "oops"))).toBe("retry");
    expect(classify(new S3Error("UploadPartCopy", 200, "InternalError", "copy failed inside a 200"))).toBe("retry");
    expect(classify(new S3Error("PutObject", 400, "RequestTimeout", "idle"))).toBe("retry");
    expect(classify(new TransportError("GET /b/k: response aborted", "ECONNRESET"))).toBe("retry");
    expect(classify(new S3Error("HeadObject", 404, "NoSuchKey", "gone"))).toBe("fatal");
    expect(classify(new S3Error("PutObject", 403, "AccessDenied", "no"))).toBe("fatal");
    expect(classify(new Error("a bug"))).toBe("fatal");
  });
});
