// Header fields that are well-formed but make common readers (Info-ZIP unzip, libarchive, Python's
// zipfile) extract something other than what the validator checked: a contest archive must
// extract the same everywhere, so each is refused with the field and the reader effect named.
// Facts from PKWARE's APPNOTE.TXT (6.3.x): 4.4.3 version needed to extract, 4.4.4 general
// purpose flags, 4.4.15 external attributes, 4.6.9 Info-ZIP Unicode Path extra field.
import { crc32 } from "node:zlib";
import { invalid, quoteName } from "./errors";

/** 4.5 (written 45) is the newest feature a contest entry can need: ZIP64. Readers refuse newer
 *  ones (unzip skips the entry, Python raises NotImplementedError above its own maximum). */
export const MAX_VERSION_NEEDED = 45;
/** Flag bit 5: "compressed patched data" (a PKZIP patch, not the file itself). */
export const PATCHED_DATA_FLAG = 0x0020;
export const UNICODE_PATH_EXTRA_ID = 0x7075;

const S_IFMT = 0o170000;
const FILE_TYPES: Readonly<Record<number, string>> = {
  0o010000: "a FIFO", 0o020000: "a character device", 0o040000: "a directory", 0o060000: "a block device",
  0o120000: "a symbolic link", 0o140000: "a socket",
};
const S_IFREG = 0o100000;

/** The low byte of "version needed to extract" is the spec version x 10; the high byte is not a version. */
export function checkVersionNeeded(field: number, name: string, where: string): void {
  const version = field & 0xff;
  if (version > MAX_VERSION_NEEDED) {
    invalid(
      `entry ${quoteName(name)} needs version ${Math.floor(version / 10)}.${version % 10} to extract (${where}: version needed ${version}); ` +
        `at most ${MAX_VERSION_NEEDED} (4.5, ZIP64) is accepted, as common readers skip or refuse newer entries`,
    );
  }
}

export function checkFlags(flags: number, name: string, where: string): void {
  if (flags & PATCHED_DATA_FLAG) {
    invalid(`entry ${quoteName(name)} is marked as compressed patched data (${where}: general purpose flag bit 5, flags 0x${flags.toString(16).padStart(4, "0")})`);
  }
}

/**
 * An Info-ZIP Unicode Path field (version 1, CRC-32 of the header name, UTF-8 name) makes unzip
 * and libarchive extract under ITS name when the CRC matches. A contest entry has one name, so the
 * field may only repeat the header name byte for byte.
 */
export function checkUnicodePath(field: Buffer | undefined, nameBytes: Buffer, name: string, where: string): void {
  if (!field) return;
  if (field.length < 5) invalid(`Info-ZIP Unicode Path extra field (0x7075) of ${quoteName(name)} in ${where} is ${field.length} bytes: shorter than its 5-byte header`);
  const unicodeName = field.subarray(5);
  if (unicodeName.equals(nameBytes)) return;
  const crcMatches = field.readUInt32LE(1) === crc32(nameBytes);
  invalid(
    `entry ${quoteName(name)} carries an Info-ZIP Unicode Path extra field (0x7075) in ${where} naming ${quoteName(unicodeName.toString("utf8"))}` +
      (crcMatches ? " with a CRC that matches the header name, so readers that honour it extract under that other name" : ": a second name for one entry"),
  );
}

/** The high 16 bits of the external attributes are a Unix mode (st_mode) for Unix-made entries;
 *  unzip and libarchive create what the file type bits say (a symlink whose target is the data). */
export function checkExternalAttributes(attributes: number, name: string): void {
  const mode = attributes >>> 16;
  const type = mode & S_IFMT;
  if (type === 0 || type === S_IFREG) return;
  const what = FILE_TYPES[type] ?? `file type 0o${type.toString(8)}`;
  invalid(`entry ${quoteName(name)} is ${what}, not a regular file (Unix mode 0o${mode.toString(8).padStart(6, "0")} in its external attributes)`);
}
