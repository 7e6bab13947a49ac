// Parses the central directory (already read into memory, its size capped by the caller) into
// entries, resolving zip64 extra fields, and rejects what no valid contest archive may contain:
// encryption, compression methods other than store/deflate, multi-disk pointers, and fields that
// make readers extract something else (reader-hazards.ts).
import { invalid, quoteName } from "./errors";
import { readU64, type EndRecord } from "./eocd";
import { UNICODE_PATH_EXTRA_ID, checkExternalAttributes, checkFlags, checkUnicodePath, checkVersionNeeded } from "./reader-hazards";

const CENTRAL_SIGNATURE = 0x02014b50;
const CENTRAL_HEADER_SIZE = 46;
export const ZIP64_EXTRA_ID = 0x0001;
/** General purpose flags: 0 = encrypted, 6 = strong encryption, 13 = masked (encrypted) directory. */
export const ENCRYPTION_FLAGS = 0x0001 | 0x0040 | 0x2000;
export const DATA_DESCRIPTOR_FLAG = 0x0008;

export const METHOD_NAMES: Readonly<Record<number, string>> = {
  0: "stored", 1: "shrunk", 6: "imploded", 8: "deflated", 9: "deflate64", 12: "bzip2", 14: "lzma",
  93: "zstd", 95: "xz", 98: "ppmd", 99: "AES-encrypted",
};

export interface CentralEntry {
  /** Position in the central directory (0-based). */
  index: number;
  name: string;
  nameBytes: Buffer;
  flags: number;
  method: 0 | 8;
  crc32: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** The entry carried a zip64 extra field in the central directory. */
  zip64: boolean;
}

/** Walks the extra fields of a header and returns the payload of `id`, if present. */
export function findExtra(extra: Buffer, id: number, where: string, label = "zip64"): Buffer | undefined {
  let found: Buffer | undefined;
  let p = 0;
  while (p + 4 <= extra.length) {
    const fieldId = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (p + 4 + length > extra.length) invalid(`malformed extra field 0x${fieldId.toString(16).padStart(4, "0")} in ${where}: ${length} bytes declared, ${extra.length - p - 4} present`);
    if (fieldId === id) {
      if (found) invalid(`two ${label} extra fields in ${where}`);
      found = extra.subarray(p + 4, p + 4 + length);
    }
    p += 4 + length;
  }
  // Some writers pad the extra block with fewer than 4 zero bytes; anything else is garbage.
  if (p < extra.length && extra.subarray(p).some((b) => b !== 0)) invalid(`malformed extra field block in ${where}: ${extra.length - p} stray byte(s)`);
  return found;
}

export function methodName(method: number): string {
  return `${method} (${METHOD_NAMES[method] ?? "unknown"})`;
}

export function parseCentralDirectory(cd: Buffer, end: EndRecord): CentralEntry[] {
  const entries: CentralEntry[] = [];
  let p = 0;
  while (p < cd.length) {
    const at = end.cdOffset + p;
    const n = entries.length;
    if (p + CENTRAL_HEADER_SIZE > cd.length) invalid(`central directory entry #${n} at offset ${at} is cut short by the end of the central directory`);
    const signature = cd.readUInt32LE(p);
    if (signature !== CENTRAL_SIGNATURE) {
      invalid(`bad signature 0x${signature.toString(16).padStart(8, "0")} for central directory entry #${n} at offset ${at}: corrupt central directory`);
    }
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const next = p + CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
    if (next > cd.length) invalid(`central directory entry #${n} at offset ${at} runs past the end of the central directory`);
    const nameBytes = cd.subarray(p + CENTRAL_HEADER_SIZE, p + CENTRAL_HEADER_SIZE + nameLength);
    const name = nameBytes.toString("utf8");
    const extra = cd.subarray(p + CENTRAL_HEADER_SIZE + nameLength, p + CENTRAL_HEADER_SIZE + nameLength + extraLength);
    const where = `the central directory entry of ${quoteName(name)}`;

    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    if (flags & ENCRYPTION_FLAGS) invalid(`entry ${quoteName(name)} is encrypted (general purpose flags 0x${flags.toString(16).padStart(4, "0")})`);
    checkFlags(flags, name, "central directory");
    checkVersionNeeded(cd.readUInt16LE(p + 6), name, "central directory");
    checkExternalAttributes(cd.readUInt32LE(p + 38), name);
    checkUnicodePath(findExtra(extra, UNICODE_PATH_EXTRA_ID, where, "Unicode Path (0x7075)"), nameBytes, name, "the central directory");
    if (method !== 0 && method !== 8) {
      invalid(`entry ${quoteName(name)} uses unsupported compression method ${methodName(method)}: only 0 (stored) and 8 (deflated) are accepted`);
    }
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    let localOffset = cd.readUInt32LE(p + 42);
    let disk = cd.readUInt16LE(p + 34);
    const z64 = findExtra(extra, ZIP64_EXTRA_ID, where);
    const needsZip64 = size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff || disk === 0xffff;
    if (needsZip64) {
      if (!z64) invalid(`${where} holds zip64 placeholders (0xFFFFFFFF) but no zip64 extra field`);
      // Only the fields whose classic value is the placeholder appear, in this fixed order.
      let q = 0;
      const take = (what: string): number => {
        if (q + 8 > z64.length) invalid(`zip64 extra field of ${where} is ${z64.length} bytes: too short for its ${what}`);
        const value = readU64(z64, q, `zip64 ${what} of ${quoteName(name)}`);
        q += 8;
        return value;
      };
      if (size === 0xffffffff) size = take("uncompressed size");
      if (compressedSize === 0xffffffff) compressedSize = take("compressed size");
      if (localOffset === 0xffffffff) localOffset = take("local header offset");
      if (disk === 0xffff) {
        if (q + 4 > z64.length) invalid(`zip64 extra field of ${where} is ${z64.length} bytes: too short for its disk number`);
        disk = z64.readUInt32LE(q);
      }
    }
    if (disk !== 0) invalid(`${where} says its data is on disk ${disk}: multi-disk archives are not supported`);
    if (method === 0 && compressedSize !== size) {
      invalid(`stored entry ${quoteName(name)} has compressed size ${compressedSize} but uncompressed size ${size} in the central directory`);
    }
    if (localOffset >= end.cdOffset) {
      invalid(`local header offset ${localOffset} of ${quoteName(name)} lies at or past the start of the central directory (offset ${end.cdOffset})`);
    }
    entries.push({
      index: n, name, nameBytes, flags, method, crc32: cd.readUInt32LE(p + 16), compressedSize, size, localOffset, zip64: z64 !== undefined,
    });
    p = next;
  }
  if (entries.length !== end.entryCount) {
    invalid(`end of central directory record declares ${end.entryCount} entries but the central directory holds ${entries.length}`);
  }
  return entries;
}
