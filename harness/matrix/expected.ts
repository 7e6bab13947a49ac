// The answer every correct sample carries, computed here the way DESIGN.md defines each workload,
// so the sampler can fail a wrong answer whatever its speed. The workloads compute the same
// values (their tests assert it across languages); this is the harness's independent copy.
import { createHash } from "node:crypto";

const CPU_SEED = "s3-archive-bench cpu";
export const DEFAULT_CPU_ITERATIONS = 500_000;
const MEMORY_COUNT = 13_107_200;
const MEMORY_HASHED = 1_000;
/** memoryChecksum() for the default count (it takes ~7 s to compute; tests/matrix-expected checks it). */
export const MEMORY_DEFAULT_CHECKSUM = "add9961ad0ae11afcc2906d9c67636ef9c875fecb46cbd64508bd052755e4b53";
/** The light workload answers with the number of items it read back intact. */
const LIGHT_ITEMS = "5";

export function cpuChecksum(iterations: number): string {
  let digest = createHash("sha256").update(CPU_SEED, "ascii").digest();
  for (let i = 0; i < iterations; i++) digest = createHash("sha256").update(digest).digest();
  return digest.toString("hex");
}

/**
 * sha256 of the 1,000 smallest of 13,107,200 splitmix64(42) values, little-endian. Only the
 * smallest 1,000 matter, so a bounded max-heap replaces the full 100 MiB sort (same answer).
 */
export function memoryChecksum(count = MEMORY_COUNT): string {
  const MASK = (1n << 64n) - 1n;
  const keep = Math.min(MEMORY_HASHED, count);
  const heap: bigint[] = []; // max-heap of the smallest `keep` values so far
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && heap[l]! > heap[top]!) top = l;
      if (r < heap.length && heap[r]! > heap[top]!) top = r;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top]!, heap[i]!];
      i = top;
    }
  };
  let state = 42n;
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b97f4a7c15n) & MASK;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
    const value = z ^ (z >> 31n);
    if (heap.length < keep) {
      heap.push(value);
      for (let c = heap.length - 1; c > 0 && heap[(c - 1) >> 1]! < heap[c]!; c = (c - 1) >> 1) {
        [heap[c], heap[(c - 1) >> 1]] = [heap[(c - 1) >> 1]!, heap[c]!];
      }
    } else if (value < heap[0]!) {
      heap[0] = value;
      siftDown(0);
    }
  }
  const smallest = heap.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const bytes = new DataView(new ArrayBuffer(smallest.length * 8));
  smallest.forEach((value, i) => bytes.setBigUint64(i * 8, value, true));
  return createHash("sha256").update(new Uint8Array(bytes.buffer)).digest("hex");
}

const cache = new Map<string, string>();

/** The expected checksum of `workload` for the event `payload` (cached: memory takes seconds). */
export function expectedChecksum(workload: string, payload: Record<string, unknown>): string {
  const key = `${workload}:${JSON.stringify(payload)}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let value: string;
  if (workload === "cpu") value = cpuChecksum(typeof payload.iterations === "number" ? payload.iterations : DEFAULT_CPU_ITERATIONS);
  else if (workload === "memory") value = typeof payload.count === "number" ? memoryChecksum(payload.count) : MEMORY_DEFAULT_CHECKSUM;
  else if (workload === "light") value = LIGHT_ITEMS;
  else throw new Error(`no expected checksum for workload "${workload}"`);
  cache.set(key, value);
  return value;
}
