// memory workload: fill `count` (default 13,107,200 = 100 MiB) unsigned 64-bit integers from
// splitmix64 seeded with 42, sort them in place ascending, return sha256 of the first 1,000
// values as little-endian bytes. splitmix64 is the standard one (Steele, Lea & Flood 2014, as in
// Vigna's splitmix64.c): state += 0x9E3779B97F4A7C15, then the output mix of that new state, so
// the first value is mix(42 + 0x9E3779B97F4A7C15).
import { createHash } from "node:crypto";
import { intField, workloadResult } from "../../_node/workload-result";

const DEFAULT_COUNT = 13_107_200;
const HASHED_VALUES = 1_000;
const MASK = (1n << 64n) - 1n;

export const handler = async (event: unknown) => {
  const count = intField(event, "count", DEFAULT_COUNT, HASHED_VALUES, 8 * DEFAULT_COUNT);
  const values = new BigUint64Array(count);
  let state = 42n;
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b97f4a7c15n) & MASK;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
    values[i] = z ^ (z >> 31n);
  }
  // A BigUint64Array sorts numerically (unsigned) in native code: no comparator needed.
  values.sort();
  const head = new DataView(new ArrayBuffer(HASHED_VALUES * 8));
  for (let i = 0; i < HASHED_VALUES; i++) head.setBigUint64(i * 8, values[i]!, true);
  return workloadResult("memory", createHash("sha256").update(new Uint8Array(head.buffer)).digest("hex"));
};
