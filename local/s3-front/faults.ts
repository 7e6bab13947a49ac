// Fault injection for the S3 front: `slowdown=0.02,reset=0.005,latency=20ms,seed=7`. Rates are
// per request; decisions come from a seeded PRNG per front port (seed, function name and the
// port's ordinal within that function), so a given sequence of requests meets the same faults
// on every run with the same seed.
import { z } from "zod";

export interface FaultSpec {
  /** Probability that a request is answered 503 SlowDown instead of being served. */
  slowdown: number;
  /** Probability that the connection is reset in the middle of the request or response body. */
  reset: number;
  /** Added before every request is served, in ms. */
  latencyMs: number;
  seed: number;
}

export const NO_FAULTS: FaultSpec = { slowdown: 0, reset: 0, latencyMs: 0, seed: 1 };

const rate = (name: string) =>
  z.coerce.number({ message: `${name} must be a number` }).min(0, `${name} must be between 0 and 1`).max(1, `${name} must be between 0 and 1`);

/** Parses the `--s3-faults` text; throws naming the bad part. */
export function parseFaultSpec(text: string): FaultSpec {
  const spec = { ...NO_FAULTS };
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [name, value, ...rest] = part.split("=");
    if (value === undefined || rest.length) throw new Error(`--s3-faults: '${part}' is not name=value`);
    const check = <T>(schema: z.ZodType<T>, raw: string): T => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw new Error(`--s3-faults: ${parsed.error.issues[0]!.message}, got '${raw}'`);
      return parsed.data;
    };
    switch (name) {
      case "slowdown":
        spec.slowdown = check(rate("slowdown"), value);
        break;
      case "reset":
        spec.reset = check(rate("reset"), value);
        break;
      case "latency": {
        const match = /^(\d+(?:\.\d+)?)ms$/.exec(value);
        if (!match) throw new Error(`--s3-faults: latency must be like 20ms, got '${value}'`);
        spec.latencyMs = Number(match[1]);
        break;
      }
      case "seed":
        spec.seed = check(z.coerce.number().int("seed must be an integer"), value);
        break;
      default:
        throw new Error(`--s3-faults: unknown fault '${name}' (known: slowdown, reset, latency, seed)`);
    }
  }
  return spec;
}

export function describeFaults(spec: FaultSpec): string {
  return `slowdown ${spec.slowdown}, reset ${spec.reset}, latency ${spec.latencyMs} ms, seed ${spec.seed}`;
}

/** FNV-1a, 32 bits: turns the seed and the port's identity into a PRNG seed. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export type FaultDecision = "none" | "slowdown" | "reset";

/** mulberry32 (a small, well-known 32-bit PRNG): enough for fault dice, deterministic everywhere. */
export class FaultDice {
  private state: number;
  constructor(
    private readonly spec: FaultSpec,
    identity: string,
  ) {
    this.state = hash32(`${spec.seed}/${identity}`);
  }

  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** One decision per request; always draws twice so later decisions never depend on earlier outcomes. */
  roll(): FaultDecision {
    const a = this.next();
    const b = this.next();
    if (a < this.spec.slowdown) return "slowdown";
    if (b < this.spec.reset) return "reset";
    return "none";
  }
}
