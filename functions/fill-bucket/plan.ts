// The deterministic dataset plan: object sizes and object content, both derived from the seed
// alone, so the same FillParams produce the same keys and bytes on every machine and Node version.
//
// Units: MB here means MiB (1024 * 1024 bytes), everywhere in the filler.
//
// Sizes: N(mean, 1 MiB) clamped to [max(mean - 3 MiB, 512 KiB), mean + 3 MiB], then adjusted so
// the total is exactly objectCount * mean (see `adjustToExactTotal`). The normal draws use sfc32
// (a small, well-known 128-bit-state PRNG written with 32-bit integer ops only) feeding
// Box-Muller. Integer ops are exact everywhere; Math.sqrt is correctly rounded by IEEE 754, and
// V8 implements Math.log/Math.cos/Math.sin with its own fdlibm port (not the platform libm), so the
// doubles are the same on every platform; sizes are then rounded to whole bytes. A golden test
// pins the first sizes and content hashes, so any drift would fail loudly rather than silently.
//
// Content: the AES-128-CTR keystream (i.e. AES-CTR encryption of zeros) under a key and IV taken
// from sha256(seed, index). Why: it is a standard, fully specified function (the same bytes from
// any OpenSSL, any Node), it runs at several GB/s with AES-NI / ARMv8 crypto extensions (far faster
// than a JS PRNG or hashing in counter mode), and its output is incompressible, so a contender
// cannot win by exploiting structure in the data. Object i depends only on (seed, i), so any
// object can be regenerated on its own, in any order, in parallel.
import { createCipheriv, createHash } from "node:crypto";
import { InvalidPayloadError, type FillParams } from "../../harness/contracts";
import { MAX_OBJECT_BYTES, MAX_OBJECT_SIZE_MIB, MIB, SIZE_CLAMP_BYTES } from "../../harness/dataset-limits";

export { MAX_OBJECT_BYTES, MIB, SIZE_CLAMP_BYTES };
export const SIZE_STDDEV_BYTES = MIB;
export const SIZE_FLOOR_BYTES = 512 * 1024;

export interface ObjectPlan {
  /** The seed as it keys the generators: numbers and strings with the same text are one seed. */
  readonly seedText: string;
  readonly meanBytes: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  /** Exactly objectCount * meanBytes. */
  readonly totalBytes: number;
  /** sizes[i] = byte length of object i. */
  readonly sizes: readonly number[];
}

export function seedText(seed: FillParams["seed"]): string {
  return String(seed);
}

export type PlanParams = Pick<FillParams, "objectCount" | "objectSizeMb" | "seed">;

/** The deterministic plan (sizes only; content comes from `objectContent`, keys from its hash).
 *  Limits the schema cannot express throw InvalidPayloadError naming objectSizeMb/objectCount. */
export function planObjects(params: PlanParams): ObjectPlan {
  const meanBytes = Math.round(params.objectSizeMb * MIB);
  if (!Number.isInteger(params.objectCount) || params.objectCount < 1) {
    throw new InvalidPayloadError(`invalid fill-bucket input: objectCount: must be a positive integer, got ${params.objectCount}`);
  }
  if (!(meanBytes >= 1)) {
    throw new InvalidPayloadError(`invalid fill-bucket input: objectSizeMb: ${params.objectSizeMb} MiB rounds to 0 bytes`);
  }
  const maxBytes = meanBytes + SIZE_CLAMP_BYTES;
  if (maxBytes > MAX_OBJECT_BYTES) {
    throw new InvalidPayloadError(
      `invalid fill-bucket input: objectSizeMb: ${params.objectSizeMb} MiB is too large: at most ${MAX_OBJECT_SIZE_MIB} MiB ` +
        `(the largest object, mean + 3 MiB, must fit one ${MAX_OBJECT_BYTES / MIB} MiB buffer)`,
    );
  }
  // The 512 KiB floor cannot exceed the mean, or an exact total would be impossible: for tiny means
  // (test datasets) the floor becomes the mean and every object is exactly `meanBytes` long.
  const minBytes = Math.min(meanBytes, Math.max(meanBytes - SIZE_CLAMP_BYTES, SIZE_FLOOR_BYTES));
  const text = seedText(params.seed);
  const normal = normalSource(sha256(`fill-bucket/sizes/v1\0${text}`));
  const sizes: number[] = [];
  for (let i = 0; i < params.objectCount; i++) {
    const drawn = Math.round(meanBytes + SIZE_STDDEV_BYTES * normal());
    sizes.push(Math.min(maxBytes, Math.max(minBytes, drawn)));
  }
  const totalBytes = params.objectCount * meanBytes;
  adjustToExactTotal(sizes, totalBytes, minBytes, maxBytes);
  return { seedText: text, meanBytes, minBytes, maxBytes, totalBytes, sizes };
}

/**
 * Makes sum(sizes) == total while keeping every size in [min, max]: the remaining difference is
 * spread evenly over the objects that still have room in that direction (each taking at most its
 * room), and what is left after an even split (fewer bytes than objects) goes one byte each to the
 * first objects in index order. Repeats until the difference is zero; each pass either finishes or
 * saturates at least one object, and a solution exists because min <= mean <= max. The per-object
 * shift is about stddev / sqrt(count), so the shape of the distribution is kept.
 */
export function adjustToExactTotal(sizes: number[], total: number, min: number, max: number): void {
  let diff = total - sizes.reduce((a, b) => a + b, 0);
  while (diff !== 0) {
    const growing = diff > 0;
    const open = sizes.flatMap((size, i) => ((growing ? size < max : size > min) ? [i] : []));
    if (open.length === 0) throw new Error(`cannot reach total ${total} within [${min}, ${max}]`);
    const share = Math.trunc(Math.abs(diff) / open.length);
    let leftover = Math.abs(diff) - share * open.length;
    for (const i of open) {
      const room = growing ? max - sizes[i]! : sizes[i]! - min;
      let step = Math.min(room, share);
      if (step < room && leftover > 0) {
        step++;
        leftover--;
      }
      sizes[i]! += growing ? step : -step;
      diff += growing ? -step : step;
    }
  }
}

/** The bytes of object `index` (length = sizes[index]). Pure: same inputs, same bytes.
 *  Pass the plan when generating many objects: given params, it re-plans the sizes each call. */
export function objectContent(planOrParams: ObjectPlan | PlanParams, index: number): Buffer {
  const plan = "sizes" in planOrParams ? planOrParams : planObjects(planOrParams);
  const size = plan.sizes[index];
  if (size === undefined) throw new RangeError(`object index ${index} outside the plan (${plan.sizes.length} objects)`);
  const material = sha256(`fill-bucket/content/v1\0${plan.seedText}\0${index}`);
  const cipher = createCipheriv("aes-128-ctr", material.subarray(0, 16), material.subarray(16, 32));
  const out = Buffer.allocUnsafe(size);
  // Encrypt a shared zero chunk repeatedly instead of a zero buffer of the whole size: the only
  // per-object allocation is `out` (plus one transient chunk), which keeps memory = concurrency x size.
  for (let offset = 0; offset < size; offset += ZERO_CHUNK.length) {
    const n = Math.min(ZERO_CHUNK.length, size - offset);
    cipher.update(ZERO_CHUNK.subarray(0, n)).copy(out, offset);
  }
  return out;
}

const ZERO_CHUNK = Buffer.alloc(MIB);

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), 32-bit integer ops only. */
function sfc32(state: Buffer): () => number {
  let a = state.readUInt32LE(0);
  let b = state.readUInt32LE(4);
  let c = state.readUInt32LE(8);
  let d = state.readUInt32LE(12);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next(); // mix the seed words before use
  return next;
}

/** Standard normal draws via Box-Muller, both outputs of each pair used in turn. */
function normalSource(seed: Buffer): () => number {
  const next = sfc32(seed);
  // (n + 0.5) / 2^32 lies strictly inside (0, 1): log never sees 0, and the division is exact.
  const uniform = () => (next() + 0.5) / 4294967296;
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}
