// Pure tests of the filler's plan (sizes, content) and of its CRUD decision: no S3 involved.
import { createCipheriv, createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  adjustToExactTotal,
  MIB,
  objectContent,
  planObjects,
  sha256Hex,
  SIZE_FLOOR_BYTES,
} from "../functions/fill-bucket/plan";
import { decide } from "../functions/fill-bucket/lifecycle";
import { InvalidPayloadError } from "../harness/contracts";
import { MAX_OBJECT_SIZE_MIB } from "../harness/dataset-limits";

function stats(sizes: readonly number[]) {
  const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
  const variance = sizes.reduce((a, s) => a + (s - mean) ** 2, 0) / sizes.length;
  return { mean, stddev: Math.sqrt(variance), min: Math.min(...sizes), max: Math.max(...sizes) };
}

describe("planObjects: size distribution", () => {
  it("N(5 MiB, 1 MiB) clamped to [2 MiB, 8 MiB], total exactly count x mean", () => {
    const plan = planObjects({ objectCount: 20_000, objectSizeMb: 5, seed: "dist" });
    const s = stats(plan.sizes);
    expect(plan.sizes).toHaveLength(20_000);
    expect(plan.sizes.reduce((a, b) => a + b, 0)).toBe(20_000 * 5 * MIB);
    expect(plan.totalBytes).toBe(20_000 * 5 * MIB);
    expect(s.mean).toBe(5 * MIB);
    expect(s.min).toBeGreaterThanOrEqual(2 * MIB);
    expect(s.max).toBeLessThanOrEqual(8 * MIB);
    // A normal clamped at +-3 sigma keeps ~99.5% of its stddev; 20k draws are within ~1% of it.
    expect(s.stddev / MIB).toBeGreaterThan(0.96);
    expect(s.stddev / MIB).toBeLessThan(1.03);
    // Roughly normal: ~68% within one stddev of the mean.
    const withinOne = plan.sizes.filter((x) => Math.abs(x - 5 * MIB) <= MIB).length / plan.sizes.length;
    expect(withinOne).toBeGreaterThan(0.66);
    expect(withinOne).toBeLessThan(0.71);
    expect(plan.sizes.every(Number.isInteger)).toBe(true);
  });

  it("applies the 512 KiB floor when the mean is small, and still hits the exact total", () => {
    const plan = planObjects({ objectCount: 5_000, objectSizeMb: 1, seed: "floor" });
    const s = stats(plan.sizes);
    expect(plan.minBytes).toBe(SIZE_FLOOR_BYTES);
    expect(plan.maxBytes).toBe(4 * MIB);
    expect(s.min).toBe(SIZE_FLOOR_BYTES); // ~31% of N(1, 1) MiB draws fall below 0.5 MiB
    expect(plan.sizes.filter((x) => x === SIZE_FLOOR_BYTES).length).toBeGreaterThan(1_000);
    expect(s.max).toBeLessThanOrEqual(4 * MIB);
    expect(plan.sizes.reduce((a, b) => a + b, 0)).toBe(5_000 * MIB);
  });

  it("a mean below the floor gives objects of exactly the mean (an exact total is otherwise impossible)", () => {
    const plan = planObjects({ objectCount: 10, objectSizeMb: 0.25, seed: 1 });
    expect(new Set(plan.sizes)).toEqual(new Set([256 * 1024]));
  });

  it("fractional MiB means are rounded to whole bytes and the total is count x that", () => {
    const plan = planObjects({ objectCount: 7, objectSizeMb: 1.3, seed: "frac" });
    expect(plan.meanBytes).toBe(Math.round(1.3 * MIB));
    expect(plan.sizes.reduce((a, b) => a + b, 0)).toBe(7 * Math.round(1.3 * MIB));
  });

  it("adjustToExactTotal spreads the difference within the clamps, in both directions", () => {
    const down = [10, 10, 10, 2];
    adjustToExactTotal(down, 16, 2, 10);
    expect(down.reduce((a, b) => a + b, 0)).toBe(16);
    expect(down.every((x) => x >= 2 && x <= 10)).toBe(true);
    const up = [2, 2, 9, 3];
    adjustToExactTotal(up, 37, 2, 10);
    expect(up).toEqual([10, 8, 10, 9]); // 21 bytes: +6,+5,+1(full),+5 then +2,+1,+1
    expect(() => adjustToExactTotal([1, 1], 30, 1, 10)).toThrow(/cannot reach total 30/);
  });
});

describe("planObjects / objectContent: determinism", () => {
  it("same params give the same sizes; another seed gives others; 1 and '1' are one seed", () => {
    const a = planObjects({ objectCount: 50, objectSizeMb: 5, seed: "s" });
    expect(planObjects({ objectCount: 50, objectSizeMb: 5, seed: "s" }).sizes).toEqual(a.sizes);
    expect(planObjects({ objectCount: 50, objectSizeMb: 5, seed: "t" }).sizes).not.toEqual(a.sizes);
    expect(planObjects({ objectCount: 5, objectSizeMb: 5, seed: 1 }).sizes).toEqual(
      planObjects({ objectCount: 5, objectSizeMb: 5, seed: "1" }).sizes,
    );
  });

  it("is pinned: these exact sizes and hashes on every machine and Node version (golden values)", () => {
    expect(planObjects({ objectCount: 8, objectSizeMb: 5, seed: "golden" }).sizes).toEqual([
      3655074, 4636486, 7578435, 5688983, 5180873, 4352267, 4941904, 5909018,
    ]);
    const plan = planObjects({ objectCount: 2, objectSizeMb: 1, seed: "golden" });
    expect(plan.sizes).toEqual([791899, 1305253]);
    expect([0, 1].map((i) => sha256Hex(objectContent(plan, i)))).toEqual([
      "f724acdfbd714c5c933d8dd00ce72ffae4e8e2a804fdce51ab540d447f259d1e",
      "bd63a4c8f04862728610f3e5608eeffe677dc13df143073ecf5ba2cbf3fc2593",
    ]);
  });

  it("content is the AES-128-CTR keystream keyed by sha256(seed, index), checked block by block with AES-ECB", () => {
    const plan = planObjects({ objectCount: 3, objectSizeMb: 1, seed: "ctr" });
    const body = objectContent(plan, 2);
    expect(body.length).toBe(plan.sizes[2]);
    const material = createHash("sha256").update("fill-bucket/content/v1\0ctr\u00002").digest();
    const ecb = createCipheriv("aes-128-ecb", material.subarray(0, 16), null).setAutoPadding(false);
    const counter = Buffer.from(material.subarray(16, 32));
    const lastBlock = Math.floor(body.length / 16) - 1;
    for (const block of [0, 1, 4_097, lastBlock]) {
      const c = Buffer.from(counter);
      // big-endian 128-bit add of `block` (fits in the low 64 bits here)
      let carry = BigInt(block);
      for (let i = 15; i >= 0 && carry > 0n; i--) {
        const sum = BigInt(c[i]!) + (carry & 0xffn);
        c[i] = Number(sum & 0xffn);
        carry = (carry >> 8n) + (sum >> 8n);
      }
      expect(body.subarray(block * 16, block * 16 + 16)).toEqual(ecb.update(c));
    }
    expect(objectContent(plan, 1).subarray(0, 64)).not.toEqual(body.subarray(0, 64));
    // The params form re-plans and gives the very same bytes.
    expect(objectContent({ objectCount: 3, objectSizeMb: 1, seed: "ctr" }, 2).equals(body)).toBe(true);
    expect(() => objectContent(plan, 3)).toThrow(/outside the plan/);
  });
});

describe("planObjects: limits", () => {
  it("rejects sizes that round to 0 bytes or cannot be generated in one buffer, naming objectSizeMb", () => {
    expect(() => planObjects({ objectCount: 1, objectSizeMb: 1e-9, seed: 1 })).toThrow(/objectSizeMb: .*rounds to 0 bytes/);
    expect(() => planObjects({ objectCount: 1, objectSizeMb: 600, seed: 1 })).toThrow(/objectSizeMb: 600 MiB is too large/);
  });

  it("accepts exactly the shared maximum (the stack config's bound) and nothing above it", () => {
    expect(MAX_OBJECT_SIZE_MIB).toBe(509);
    expect(planObjects({ objectCount: 2, objectSizeMb: MAX_OBJECT_SIZE_MIB, seed: 1 }).maxBytes).toBe(512 * MIB);
    expect(() => planObjects({ objectCount: 1, objectSizeMb: MAX_OBJECT_SIZE_MIB + 1 / 1024, seed: 1 })).toThrow(
      /objectSizeMb: 509.0009765625 MiB is too large: at most 509 MiB \(the largest object, mean \+ 3 MiB, must fit one 512 MiB buffer\)/,
    );
  });
});

describe("decide: the Invocation CRUD contract", () => {
  const base = { bucket: "b", prefix: "files", objectCount: 3, objectSizeMb: 1, seed: "x" };

  it("no tf or create = fill; delete = empty", () => {
    expect(decide(base)).toMatchObject({ kind: "fill", action: "filled", params: base });
    expect(decide({ ...base, tf: { action: "create", prev_input: null } })).toMatchObject({ kind: "fill", action: "filled" });
    expect(decide({ ...base, tf: { action: "delete", prev_input: null } })).toMatchObject({ kind: "empty", params: base });
  });

  it("update: unchanged when count/size/seed/prefix/bucket are the same (prev_input may carry its own tf)", () => {
    const prev = { ...base, seed: "x", tf: { action: "create", prev_input: null } };
    expect(decide({ ...base, tf: { action: "update", prev_input: prev } })).toEqual({ kind: "unchanged", params: base });
  });

  it("update: refill when any dataset field changed, or when prev_input is missing or unreadable", () => {
    for (const change of [{ objectCount: 4 }, { objectSizeMb: 2 }, { seed: "y" }, { prefix: "other" }, { bucket: "c" }]) {
      const decision = decide({ ...base, ...change, tf: { action: "update", prev_input: base } });
      expect(decision).toMatchObject({ kind: "fill", action: "refilled", previous: base });
    }
    expect(decide({ ...base, tf: { action: "update", prev_input: null } })).toMatchObject({ kind: "fill", action: "refilled", previous: undefined });
    expect(decide({ ...base, tf: { action: "update", prev_input: { bucket: 3 } } })).toMatchObject({ kind: "fill", action: "refilled", previous: undefined });
  });

  it("bad input: a clear error naming each bad field", () => {
    const bad: [unknown, RegExp][] = [
      [{ ...base, bucket: undefined }, /invalid fill-bucket input: bucket: /],
      [{ ...base, objectCount: 0 }, /objectCount: /],
      [{ ...base, objectCount: 2.5 }, /objectCount: /],
      [{ ...base, objectSizeMb: "5" }, /objectSizeMb: /],
      [{ ...base, prefix: "files/" }, /prefix: must not start or end with '\/'/],
      [{ ...base, seed: "" }, /seed: /],
      [{ ...base, tf: { action: "upsert" } }, /tf\.action: /],
      [{ ...base, extra: 1 }, /extra/],
      [null, /invalid fill-bucket input: \(root\)/],
      [{ ...base, objectSizeMb: 1000 }, /objectSizeMb: 1000 MiB is too large/],
    ];
    for (const [event, message] of bad) {
      expect(() => decide(event), JSON.stringify(event)).toThrow(message);
      expect(() => decide(event)).toThrow(InvalidPayloadError);
    }
  });
});
