// Finds and cross-checks the end of central directory record (and its zip64 locator/record) in
// the tail of the archive. Every number here is checked against the archive size before anyone
// uses it to seek or allocate.
import { invalid } from "./errors";

export const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_RECORD_SIGNATURE = 0x06064b50;
const ZIP64_RECORD_MIN_SIZE = 56;

/** Bytes to read from the end: the largest classic end record plus a zip64 locator and record,
 *  with room for a little zip64 extensible data. */
export const TAIL_BYTES = EOCD_SIZE + MAX_COMMENT + ZIP64_LOCATOR_SIZE + ZIP64_RECORD_MIN_SIZE + 4096;

export interface EndRecord {
  entryCount: number;
  cdOffset: number;
  cdSize: number;
  /** Where the central directory must end: the zip64 end record if any, else the end record. */
  cdEnd: number;
  eocdOffset: number;
  zip64: boolean;
}

/** Reads a little-endian u64 that must fit a JS number (no real archive is 8 PiB). */
export function readU64(buf: Buffer, at: number, what: string): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) invalid(`${what} is absurdly large (${value})`);
  return Number(value);
}

/**
 * Locates the end record in `tail` (the archive bytes from `tailStart` to `size`). Returns
 * undefined when there is none, so the caller can tell "not a zip" from "truncated".
 */
export function locateEndRecord(tail: Buffer, tailStart: number, size: number): EndRecord | undefined {
  let trailing: { offset: number; extra: number } | undefined;
  const lowest = Math.max(0, tail.length - EOCD_SIZE - MAX_COMMENT);
  for (let i = tail.length - EOCD_SIZE; i >= lowest; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIGNATURE) continue;
    const end = tailStart + i + EOCD_SIZE + tail.readUInt16LE(i + 20);
    if (end === size) return parseEndRecord(tail, tailStart, i, size);
    // The signature nearest the end whose comment fits: garbage was appended after it.
    if (end < size && !trailing) trailing = { offset: tailStart + i, extra: size - end };
  }
  if (trailing) {
    invalid(`trailing garbage: ${trailing.extra} byte(s) after the end of central directory record at offset ${trailing.offset}`);
  }
  return undefined;
}

function parseEndRecord(tail: Buffer, tailStart: number, at: number, size: number): EndRecord {
  const eocdOffset = tailStart + at;
  const disk = tail.readUInt16LE(at + 4);
  const cdDisk = tail.readUInt16LE(at + 6);
  const entriesOnDisk = tail.readUInt16LE(at + 8);
  const entries = tail.readUInt16LE(at + 10);
  const cdSize = tail.readUInt32LE(at + 12);
  const cdOffset = tail.readUInt32LE(at + 16);

  const locatorAt = at - ZIP64_LOCATOR_SIZE;
  const hasLocator = locatorAt >= 0 && tail.readUInt32LE(locatorAt) === ZIP64_LOCATOR_SIGNATURE;
  if (!hasLocator) {
    if (disk !== 0 || cdDisk !== 0) invalid(`multi-disk archives are not supported (end record: disk ${disk}, central directory on disk ${cdDisk})`);
    if (cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      invalid("end of central directory record holds zip64 placeholders (0xFFFFFFFF) but there is no zip64 end of central directory locator before it");
    }
    if (entriesOnDisk !== entries) invalid(`end of central directory record disagrees with itself: ${entriesOnDisk} entries on this disk, ${entries} in total`);
    return checkPlacement({ entryCount: entries, cdOffset, cdSize, cdEnd: eocdOffset, eocdOffset, zip64: false }, size);
  }

  const locatorOffset = eocdOffset - ZIP64_LOCATOR_SIZE;
  const recordDisk = tail.readUInt32LE(locatorAt + 4);
  const recordOffset = readU64(tail, locatorAt + 8, "zip64 end record offset");
  const totalDisks = tail.readUInt32LE(locatorAt + 16);
  if (recordDisk !== 0 || totalDisks > 1) invalid(`multi-disk archives are not supported (zip64 locator: record on disk ${recordDisk}, ${totalDisks} disks)`);
  const recordAt = recordOffset - tailStart;
  if (recordOffset + ZIP64_RECORD_MIN_SIZE > locatorOffset || recordAt < 0) {
    invalid(`zip64 locator points to offset ${recordOffset}, which does not leave room for a zip64 end of central directory record before the locator at offset ${locatorOffset}`);
  }
  const signature = tail.readUInt32LE(recordAt);
  if (signature !== ZIP64_RECORD_SIGNATURE) {
    invalid(`no zip64 end of central directory record at offset ${recordOffset} where the zip64 locator points (found signature 0x${signature.toString(16).padStart(8, "0")})`);
  }
  const recordSize = readU64(tail, recordAt + 4, "zip64 end record size");
  if (recordOffset + 12 + recordSize !== locatorOffset) {
    invalid(`zip64 end of central directory record at offset ${recordOffset} declares ${recordSize + 12} bytes but the zip64 locator follows at offset ${locatorOffset}`);
  }
  const z64 = {
    disk: tail.readUInt32LE(recordAt + 16),
    cdDisk: tail.readUInt32LE(recordAt + 20),
    entriesOnDisk: readU64(tail, recordAt + 24, "zip64 entry count"),
    entries: readU64(tail, recordAt + 32, "zip64 entry count"),
    cdSize: readU64(tail, recordAt + 40, "zip64 central directory size"),
    cdOffset: readU64(tail, recordAt + 48, "zip64 central directory offset"),
  };
  if (z64.disk !== 0 || z64.cdDisk !== 0) invalid(`multi-disk archives are not supported (zip64 end record: disk ${z64.disk}, central directory on disk ${z64.cdDisk})`);
  // The classic record's disk numbers still count with zip64: readers that never look at the zip64
  // record (or check both) see a multi-disk archive. They may only hold 0 or the 0xFFFF placeholder.
  if ((disk !== 0 && disk !== 0xffff) || (cdDisk !== 0 && cdDisk !== 0xffff)) {
    invalid(`multi-disk archives are not supported (end of central directory record: disk ${disk}, central directory on disk ${cdDisk}, beside a zip64 end record)`);
  }
  if (z64.entriesOnDisk !== z64.entries) invalid(`zip64 end record disagrees with itself: ${z64.entriesOnDisk} entries on this disk, ${z64.entries} in total`);
  // A classic field either holds the placeholder (then zip64 rules) or must agree with zip64.
  const merge = (classic: number, placeholder: number, wide: number, what: string): number => {
    if (classic !== placeholder && classic !== wide) {
      invalid(`zip64 end record and end of central directory record disagree on the ${what}: ${wide} vs ${classic}`);
    }
    return wide;
  };
  merge(entriesOnDisk, 0xffff, z64.entriesOnDisk, "entry count on this disk");
  const entryCount = merge(entries, 0xffff, z64.entries, "entry count");
  return checkPlacement(
    {
      entryCount,
      cdSize: merge(cdSize, 0xffffffff, z64.cdSize, "central directory size"),
      cdOffset: merge(cdOffset, 0xffffffff, z64.cdOffset, "central directory offset"),
      cdEnd: recordOffset,
      eocdOffset,
      zip64: true,
    },
    size,
  );
}

function checkPlacement(record: EndRecord, size: number): EndRecord {
  const { cdOffset, cdSize, cdEnd } = record;
  if (cdOffset > cdEnd) {
    invalid(`central directory offset ${cdOffset} lies past the end records at offset ${cdEnd} (archive is ${size} bytes): truncated or corrupt`);
  }
  if (cdOffset + cdSize > cdEnd) {
    invalid(`central directory (offset ${cdOffset}, ${cdSize} bytes) runs past the end record at offset ${cdEnd}: truncated or corrupt`);
  }
  if (cdOffset + cdSize < cdEnd) {
    invalid(`${cdEnd - cdOffset - cdSize} unaccounted byte(s) between the central directory (ends at ${cdOffset + cdSize}) and the end record at offset ${cdEnd}`);
  }
  return record;
}
