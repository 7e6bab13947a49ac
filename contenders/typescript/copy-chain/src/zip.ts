// The ZIP records this contender writes itself (PKWARE APPNOTE 6.3.x, sections 4.3.7 local file
// header, 4.3.12 central directory header, 4.3.14-4.3.16 ZIP64 end records, 4.5.3 ZIP64 extra).
// Every entry is STORED, its CRC-32 and sizes known before its header is written (S3's stored
// CRC32 of the source object), so there is no data descriptor: each body is a byte range S3 can
// copy as it is.

const LOCAL_SIGNATURE = 0x04034b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;

const LOCAL_HEADER_FIXED = 30;
const CENTRAL_HEADER_FIXED = 46;
/** ZIP64 extra field carrying only the local header offset: id, length, 8-byte offset. */
const ZIP64_OFFSET_EXTRA = 4 + 8;
export const EOCD_BYTES = 22;
export const ZIP64_END_BYTES = 56 + 20;

export const U16_MAX = 0xffff;
export const U32_MAX = 0xffffffff;
/** 2.0: stored files; 4.5: ZIP64 extensions (APPNOTE 4.4.3.2). */
const VERSION_STORED = 20;
const VERSION_ZIP64 = 45;
/** "Version made by": upper byte 3 = UNIX, so the external attributes hold a Unix mode. */
const MADE_BY_UNIX = (3 << 8) | VERSION_ZIP64;
/** A regular file, rw-r--r--, in the high 16 bits of the external attributes. */
const REGULAR_FILE_ATTRIBUTES = (0o100644 << 16) >>> 0;
/** 1980-01-01 00:00, the earliest MS-DOS date: entries carry no meaningful time (objects are content-addressed). */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;

export interface ZipEntry {
  nameBytes: Buffer;
  size: number;
  crc32: number;
  /** Offset of the entry's local header in the archive. */
  offset: number;
}

export function localHeaderLength(nameBytes: number): number {
  return LOCAL_HEADER_FIXED + nameBytes;
}

export function centralHeaderLength(nameBytes: number, offset: number): number {
  return CENTRAL_HEADER_FIXED + nameBytes + (offset >= U32_MAX ? ZIP64_OFFSET_EXTRA : 0);
}

/** Sizes stay below 4 GiB (the local header has no ZIP64 field): checked by the planner. */
export function localHeader(e: ZipEntry): Buffer {
  const b = Buffer.alloc(localHeaderLength(e.nameBytes.length));
  b.writeUInt32LE(LOCAL_SIGNATURE, 0);
  b.writeUInt16LE(VERSION_STORED, 4);
  b.writeUInt16LE(0, 6); // flags: no descriptor, no encryption (names are ASCII: no UTF-8 flag needed)
  b.writeUInt16LE(0, 8); // method: stored
  b.writeUInt16LE(DOS_TIME, 10);
  b.writeUInt16LE(DOS_DATE, 12);
  b.writeUInt32LE(e.crc32 >>> 0, 14);
  b.writeUInt32LE(e.size, 18);
  b.writeUInt32LE(e.size, 22);
  b.writeUInt16LE(e.nameBytes.length, 26);
  b.writeUInt16LE(0, 28);
  e.nameBytes.copy(b, LOCAL_HEADER_FIXED);
  return b;
}

function centralHeader(e: ZipEntry): Buffer {
  const wide = e.offset >= U32_MAX;
  const b = Buffer.alloc(centralHeaderLength(e.nameBytes.length, e.offset));
  b.writeUInt32LE(CENTRAL_SIGNATURE, 0);
  b.writeUInt16LE(MADE_BY_UNIX, 4);
  b.writeUInt16LE(wide ? VERSION_ZIP64 : VERSION_STORED, 6);
  b.writeUInt16LE(0, 8);
  b.writeUInt16LE(0, 10);
  b.writeUInt16LE(DOS_TIME, 12);
  b.writeUInt16LE(DOS_DATE, 14);
  b.writeUInt32LE(e.crc32 >>> 0, 16);
  b.writeUInt32LE(e.size, 20);
  b.writeUInt32LE(e.size, 24);
  b.writeUInt16LE(e.nameBytes.length, 28);
  b.writeUInt16LE(wide ? ZIP64_OFFSET_EXTRA : 0, 30);
  b.writeUInt16LE(0, 32); // comment
  b.writeUInt16LE(0, 34); // disk
  b.writeUInt16LE(0, 36); // internal attributes
  b.writeUInt32LE(REGULAR_FILE_ATTRIBUTES, 38);
  b.writeUInt32LE(wide ? U32_MAX : e.offset, 42);
  e.nameBytes.copy(b, CENTRAL_HEADER_FIXED);
  if (wide) {
    const at = CENTRAL_HEADER_FIXED + e.nameBytes.length;
    b.writeUInt16LE(0x0001, at);
    b.writeUInt16LE(8, at + 2);
    b.writeBigUInt64LE(BigInt(e.offset), at + 4);
  }
  return b;
}

/** Does the archive need ZIP64 end records? (APPNOTE 4.4.1.4: any end-record field overflowing.) */
export function needsZip64End(entries: number, cdOffset: number, cdSize: number): boolean {
  return entries >= U16_MAX || cdOffset >= U32_MAX || cdSize >= U32_MAX;
}

/** The central directory followed by the end records: the archive's tail, starting at `cdOffset`. */
export function archiveTail(entries: readonly ZipEntry[], cdOffset: number): Buffer {
  const headers = entries.map(centralHeader);
  const cdSize = headers.reduce((n, h) => n + h.length, 0);
  const zip64 = needsZip64End(entries.length, cdOffset, cdSize);
  const end: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(ZIP64_EOCD_SIGNATURE, 0);
    record.writeBigUInt64LE(44n, 4); // size of the record after this field
    record.writeUInt16LE(MADE_BY_UNIX, 12);
    record.writeUInt16LE(VERSION_ZIP64, 14);
    record.writeUInt32LE(0, 16);
    record.writeUInt32LE(0, 20);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(cdSize), 40);
    record.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(ZIP64_LOCATOR_SIGNATURE, 0);
    locator.writeUInt32LE(0, 4);
    locator.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
    locator.writeUInt32LE(1, 16);
    end.push(record, locator);
  }
  const eocd = Buffer.alloc(EOCD_BYTES);
  eocd.writeUInt32LE(EOCD_SIGNATURE, 0);
  const count = zip64 ? U16_MAX : entries.length;
  eocd.writeUInt16LE(count, 8);
  eocd.writeUInt16LE(count, 10);
  eocd.writeUInt32LE(zip64 ? U32_MAX : cdSize, 12);
  eocd.writeUInt32LE(zip64 ? U32_MAX : cdOffset, 16);
  end.push(eocd);
  return Buffer.concat([...headers, ...end]);
}

/** Length of `archiveTail` and whether it has ZIP64 end records, without building it (the planner
 *  needs both before the CRCs are known). */
export function tailLayout(entries: ReadonlyArray<{ nameLength: number; offset: number }>, cdOffset: number): { length: number; zip64: boolean } {
  const cdSize = entries.reduce((n, e) => n + centralHeaderLength(e.nameLength, e.offset), 0);
  const zip64 = needsZip64End(entries.length, cdOffset, cdSize);
  return { length: cdSize + (zip64 ? ZIP64_END_BYTES : 0) + EOCD_BYTES, zip64 };
}
