// One sequential pass over everything before the central directory: each local header is
// cross-checked against its central directory entry, entry data goes to the digest worker,
// data descriptors are checked, and every byte must belong to exactly one entry (no gaps, no
// overlaps, nothing hidden between entries).
import { invalid, hex32, isInvalidArchive, quoteName } from "./errors";
import { readU64, type EndRecord } from "./eocd";
import { DATA_DESCRIPTOR_FLAG, ENCRYPTION_FLAGS, ZIP64_EXTRA_ID, findExtra, methodName, type CentralEntry } from "./central-directory";
import type { EntryReader } from "./byte-reader";
import { UNICODE_PATH_EXTRA_ID, checkFlags, checkUnicodePath, checkVersionNeeded } from "./reader-hazards";
import type { DigestEngine, EntryDigest } from "./digester";
import type { StoredCrc32 } from "./stored-checksums";

const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const DESCRIPTOR_SIGNATURE = 0x08074b50;
/** Flags whose meaning must not differ between the two headers (encryption, descriptor, UTF-8). */
const COMPARED_FLAGS = ENCRYPTION_FLAGS | DATA_DESCRIPTOR_FLAG | 0x0800;

export interface WalkSummary {
  /** Some local header carried a zip64 extra field. */
  zip64: boolean;
}

/**
 * Why a digest proves the entry wrong, or undefined when it matches the central directory.
 * The SHA-256 is checked before the CRC-32: once it equals the entry's name (the source key, the
 * SHA-256 of the source object), the data IS the source object, so when the digest summed no
 * CRC (d.crc32 null) the source's stored CRC-32 (`storedCrc32`) is the data's. The verdict and
 * its message are the same whichever CRC was used.
 */
export function digestProblem(entry: CentralEntry, d: EntryDigest, storedCrc32?: number): string | undefined {
  const name = quoteName(entry.name);
  if (d.error) return `entry ${name} ${d.error}`;
  if (d.consumed !== entry.compressedSize) {
    return `deflate stream of ${name} ends after ${d.consumed} of its ${entry.compressedSize} compressed bytes (data after the end of the stream)`;
  }
  if (d.size !== entry.size) return `size mismatch for ${name}: the central directory declares ${entry.size} bytes, the data decompresses to ${d.size}`;
  if (d.sha256 !== entry.name) return `content hash mismatch for ${name}: computed ${d.sha256}`;
  const crc = d.crc32 ?? storedCrc32;
  if (crc === undefined) throw new Error(`validator bug: no CRC-32 for ${name}, neither summed nor stored`);
  if (crc !== entry.crc32) return `CRC-32 mismatch for ${name}: the central directory says ${hex32(entry.crc32)}, the data has ${hex32(crc)}`;
  return undefined;
}

function disagree(entry: CentralEntry, what: string, central: string | number, local: string | number): never {
  invalid(`central directory and local header disagree for ${quoteName(entry.name)}: ${what} ${central} (central) vs ${local} (local)`);
}

export async function walkLocalEntries(
  reader: EntryReader,
  entries: readonly CentralEntry[],
  end: EndRecord,
  digester: DigestEngine,
  storedCrc32: StoredCrc32 = () => undefined,
): Promise<WalkSummary> {
  const ordered = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  const digests: Promise<void>[] = [];
  let contentFailure: string | undefined;
  const summary: WalkSummary = { zip64: false };
  try {
    for (let i = 0; i < ordered.length; i++) {
      if (contentFailure) break;
      const entry = ordered[i]!;
      const next = ordered[i + 1];
      expectPosition(reader.position, entry.localOffset, ordered[i - 1], entry);
      const limit = next ? next.localOffset : end.cdOffset;
      const beyond = next ? `the next entry ${quoteName(next.name)} at offset ${limit}` : `the central directory at offset ${limit}`;
      if (next && next.localOffset === entry.localOffset) {
        invalid(`entries ${quoteName(entry.name)} and ${quoteName(next.name)} overlap: both start at local header offset ${entry.localOffset}`);
      }
      // Decided when the entry starts: a stored CRC known now stands in for summing one.
      const stored = storedCrc32(entry.name);
      const { digest } = await walkOne(reader, entry, limit, beyond, digester, summary, stored === undefined);
      digests.push(
        digest.then((d) => {
          contentFailure ??= digestProblem(entry, d, stored);
        }),
      );
    }
    if (!contentFailure) expectPosition(reader.position, end.cdOffset, ordered.at(-1), undefined);
  } catch (error) {
    // Report the earliest problem in archive order: an earlier entry's bad content beats a
    // later structural problem.
    if (!isInvalidArchive(error)) throw error;
    digester.flush();
    await Promise.allSettled(digests);
    if (contentFailure) invalid(contentFailure);
    throw error;
  }
  digester.flush();
  await Promise.all(digests);
  if (contentFailure) invalid(contentFailure);
  return summary;
}

function expectPosition(position: number, expected: number, previous: CentralEntry | undefined, entry: CentralEntry | undefined): void {
  if (position === expected) return;
  const what = entry ? `entry ${quoteName(entry.name)} (starts at ${expected})` : `the central directory (starts at ${expected})`;
  if (position < expected) {
    const after = previous ? `entry ${quoteName(previous.name)} (ends at ${position})` : "the start of the archive";
    invalid(`${expected - position} unaccounted byte(s) between ${after} and ${what}`);
  }
  invalid(`entries overlap: ${previous ? `entry ${quoteName(previous.name)}` : "data"} ends at ${position}, past the start of ${what}`);
}

/** Reads one local entry; its digest settles later, on the worker's schedule (wrapped so it is not awaited here). */
async function walkOne(reader: EntryReader, entry: CentralEntry, limit: number, beyond: string, digester: DigestEngine, summary: WalkSummary, sumCrc: boolean): Promise<{ digest: Promise<EntryDigest> }> {
  const name = quoteName(entry.name);
  const offset = entry.localOffset;
  if (offset + LOCAL_HEADER_SIZE > limit) invalid(`local header of ${name} at offset ${offset} overlaps ${beyond}`);
  const header = await reader.readExact(LOCAL_HEADER_SIZE, `the local header of ${name}`);
  const signature = header.readUInt32LE(0);
  if (signature !== LOCAL_SIGNATURE) invalid(`no local file header for ${name} at offset ${offset} (found signature ${hex32(signature)})`);
  const flags = header.readUInt16LE(6);
  const method = header.readUInt16LE(8);
  let crc = header.readUInt32LE(14);
  let compressedSize = header.readUInt32LE(18);
  let size = header.readUInt32LE(22);
  const nameLength = header.readUInt16LE(26);
  const extraLength = header.readUInt16LE(28);
  const dataStart = offset + LOCAL_HEADER_SIZE + nameLength + extraLength;
  if (dataStart > limit) invalid(`local header of ${name} at offset ${offset} (${dataStart - offset} bytes) overlaps ${beyond}`);
  const nameAndExtra = await reader.readExact(nameLength + extraLength, `the local header of ${name}`);
  const localName = nameAndExtra.subarray(0, nameLength);
  if (!localName.equals(entry.nameBytes)) disagree(entry, "name", name, quoteName(localName.toString("utf8")));
  if ((flags & COMPARED_FLAGS) !== (entry.flags & COMPARED_FLAGS)) {
    disagree(entry, "general purpose flags", `0x${entry.flags.toString(16).padStart(4, "0")}`, `0x${flags.toString(16).padStart(4, "0")}`);
  }
  if (method !== entry.method) disagree(entry, "compression method", methodName(entry.method), methodName(method));
  // Readers that stream (no central directory) trust the local header alone.
  checkFlags(flags, entry.name, "local header");
  checkVersionNeeded(header.readUInt16LE(4), entry.name, "local header");
  checkUnicodePath(findExtra(nameAndExtra.subarray(nameLength), UNICODE_PATH_EXTRA_ID, `the local header of ${name}`, "Unicode Path (0x7075)"), localName, entry.name, "the local header");

  const z64 = findExtra(nameAndExtra.subarray(nameLength), ZIP64_EXTRA_ID, `the local header of ${name}`);
  if (z64) summary.zip64 = true;
  if (size === 0xffffffff || compressedSize === 0xffffffff) {
    if (!z64) invalid(`local header of ${name} holds zip64 placeholders (0xFFFFFFFF) but no zip64 extra field`);
    // The local zip64 field carries both sizes; tolerate writers that only put the placeholder ones.
    let q = 0;
    const take = (what: string): number => {
      if (q + 8 > z64.length) invalid(`zip64 extra field in the local header of ${name} is ${z64.length} bytes: too short for its ${what}`);
      const value = readU64(z64, q, `zip64 ${what} in the local header of ${name}`);
      q += 8;
      return value;
    };
    const both = z64.length >= 16;
    if (both || size === 0xffffffff) size = take("uncompressed size");
    if (both || compressedSize === 0xffffffff) compressedSize = take("compressed size");
  }
  const deferred = (flags & DATA_DESCRIPTOR_FLAG) !== 0;
  // With a data descriptor the local values may be zero (the usual case) or already final.
  const compare = (what: string, central: number, local: number, show: (v: number) => string | number) => {
    if (local !== central && !(deferred && local === 0)) disagree(entry, what, show(central), show(local));
  };
  compare("crc32", entry.crc32, crc >>> 0, hex32);
  compare("compressed size", entry.compressedSize, compressedSize, (v) => v);
  compare("uncompressed size", entry.size, size, (v) => v);

  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > limit) invalid(`data of ${name} (offset ${dataStart} to ${dataEnd}) overlaps ${beyond}`);
  const { digest } = await reader.digestData(entry.compressedSize, { method: entry.method, size: entry.size, crc: sumCrc }, digester, `the data of ${name}`);

  if (deferred) await checkDescriptor(reader, entry, limit - dataEnd, dataEnd, beyond);
  return { digest };
}

async function checkDescriptor(reader: EntryReader, entry: CentralEntry, room: number, at: number, beyond: string): Promise<void> {
  const name = quoteName(entry.name);
  // The next header's offset fixes the descriptor's length, hence its layout:
  // 12 = crc+32-bit sizes, 16 = signature+crc+32-bit, 20 = crc+64-bit, 24 = signature+crc+64-bit.
  if (room !== 12 && room !== 16 && room !== 20 && room !== 24) {
    invalid(`data descriptor of ${name} at offset ${at} has no valid layout: ${room} byte(s) lie before ${beyond} (a descriptor is 12, 16, 20 or 24 bytes)`);
  }
  const d = await reader.readExact(room, `the data descriptor of ${name}`);
  const signed = room === 16 || room === 24;
  if (signed && d.readUInt32LE(0) !== DESCRIPTOR_SIGNATURE) {
    invalid(`data descriptor of ${name} at offset ${at}: expected signature ${hex32(DESCRIPTOR_SIGNATURE)}, found ${hex32(d.readUInt32LE(0))}`);
  }
  const p = signed ? 4 : 0;
  const wide = room >= 20;
  const crc = d.readUInt32LE(p);
  const compressedSize = wide ? readU64(d, p + 4, "data descriptor size") : d.readUInt32LE(p + 4);
  const size = wide ? readU64(d, p + 12, "data descriptor size") : d.readUInt32LE(p + 8);
  const check = (what: string, central: number | string, found: number | string) => {
    if (central !== found) invalid(`data descriptor of ${name} disagrees with the central directory: ${what} ${found} vs ${central}`);
  };
  check("crc32", hex32(entry.crc32), hex32(crc));
  check("compressed size", entry.compressedSize, compressedSize);
  check("uncompressed size", entry.size, size);
}
