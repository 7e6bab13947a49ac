// One GET for the whole archive instead of a tail read, then a body read. WHY: the entry walk needs
// the central directory (at the end) before the entries, so it used to read the archive's tail
// with a ranged GET first. On AWS that costs one request; on moto, the local S3, every ranged GET
// copies the whole object once more in Python (measured: ~0.6 CPU-s and ~0.6-1 s per GiB here),
// which made the validator half as fast as a plain GET.
//
// So the validator first walks the entries as the bytes stream in, trusting nothing: it delimits
// each entry from its local header (and, for a STORE entry whose sizes follow in a data
// descriptor, from the listed size of the source object it names), digests the data and keeps
// the header and descriptor bytes verbatim; the archive's last bytes are kept as they pass. This
// scan decides nothing. Then the unchanged checks run in the unchanged order on the kept tail and
// central directory, and the unchanged entry walk replays the scan (replay-reader.ts): it gets
// the kept bytes and the digests of exactly the byte ranges it asks for. Whatever the scan did not
// cover the walk reads live from where the scan stopped, and if it asks for anything the scan
// delimited differently, the whole validation reruns the classic way. Same bytes, same checks,
// same order: the same verdicts and messages by construction.
import { quoteName } from "./errors";
import { findExtra, ZIP64_EXTRA_ID, DATA_DESCRIPTOR_FLAG, ENCRYPTION_FLAGS } from "./central-directory";
import type { ByteReader } from "./byte-reader";
import type { DigestEngine, EntryJob } from "./digester";
import { Recording } from "./recording";

const LOCAL_SIGNATURE = 0x04034b50;
const DESCRIPTOR_SIGNATURE = 0x08074b50;
const LOCAL_HEADER_SIZE = 30;

/** Keeps references to the most recent chunks (no copies) covering at least `keep` bytes. */
export class TailWindow {
  private readonly chunks: Buffer[] = [];
  private total = 0;
  constructor(private readonly keep: number) {}

  push = (chunk: Buffer): void => {
    this.chunks.push(chunk);
    this.total += chunk.length;
    while (this.chunks.length > 1 && this.total - this.chunks[0]!.length >= this.keep) this.total -= this.chunks.shift()!.length;
  };

  /** The last min(keep, seen) bytes. */
  last(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.total);
    return Buffer.from(all.subarray(Math.max(0, all.length - this.keep)));
  }
}

export interface ScanOptions {
  size: number;
  /** The listed size of each source object by name: bounds every digest and delimits STORE entries with descriptors. */
  listedSizes: ReadonlyMap<string, number>;
  /** Sum the CRC-32 of this entry (false where a stored CRC-32 stands in: same lookup as the walk's). */
  sumCrc: (name: string) => boolean;
  /** Beyond the entries the scan reads on to the end only if this little is left (central directory + end records). */
  maxTrailer: number;
}

/**
 * Walks `reader` (from offset 0) as far as local headers delimit entries. Stops without judging
 * at anything it cannot delimit or that cannot be valid; never throws InvalidArchive.
 */
export async function scanEntries(reader: ByteReader, window: TailWindow, digester: DigestEngine, o: ScanOptions): Promise<Recording> {
  const rec = new Recording();
  const keep = async (n: number): Promise<Buffer | undefined> => {
    if (reader.position + n > o.size) return undefined;
    const start = reader.position;
    const bytes = await reader.readExact(n, "the archive");
    // Copied into the recording's arena: a view would pin its whole socket chunk.
    rec.keep(start, bytes);
    return bytes;
  };
  // A stream cut beyond what the reader resumes throws, a harness problem as on the classic path.
  for (;;) {
    const header = await keep(LOCAL_HEADER_SIZE);
    if (!header) break;
    if (header.readUInt32LE(0) !== LOCAL_SIGNATURE) {
      // The central directory, presumably: read on to the end only if that is all that is left.
      const left = o.size - reader.position;
      if (left > o.maxTrailer) break;
      await reader.forward(left, () => undefined, "the archive's end");
      rec.tail = window.last();
      break;
    }
    // A digest the walk never asks for cannot surface as an unhandled rejection: the worker
    // engine marks its digests handled and the inline one's cannot reject.
    if (!(await scanOne(reader, header, keep, digester, rec, o))) break;
  }
  rec.liveFrom = reader.position;
  return rec;
}

/** Scans one entry whose local header is `header`; false where the scan must stop. */
async function scanOne(reader: ByteReader, header: Buffer, keep: (n: number) => Promise<Buffer | undefined>, digester: DigestEngine, rec: Recording, o: ScanOptions): Promise<boolean> {
  const flags = header.readUInt16LE(6);
  const method = header.readUInt16LE(8);
  const nameLength = header.readUInt16LE(26);
  const nameAndExtra = await keep(nameLength + header.readUInt16LE(28));
  if (!nameAndExtra || (method !== 0 && method !== 8) || (flags & ENCRYPTION_FLAGS) !== 0) return false;
  const name = nameAndExtra.subarray(0, nameLength).toString("utf8");
  const listed = o.listedSizes.get(name);
  if (listed === undefined) return false;
  let compressedSize = header.readUInt32LE(18);
  let size = header.readUInt32LE(22);
  let z64: Buffer | undefined;
  try {
    z64 = findExtra(nameAndExtra.subarray(nameLength), ZIP64_EXTRA_ID, `the local header of ${quoteName(name)}`);
  } catch {
    return false;
  }
  if (size === 0xffffffff || compressedSize === 0xffffffff) {
    if (!z64 || z64.length < 16) return false;
    size = Number(z64.readBigUInt64LE(0));
    compressedSize = Number(z64.readBigUInt64LE(8));
  }
  const deferred = (flags & DATA_DESCRIPTOR_FLAG) !== 0;
  // With a data descriptor the local sizes are usually zero: a stored entry is then as long as
  // the object it names (if it is not, the walk finds out and the archive is judged classically).
  if (deferred && size === 0) size = listed;
  if (deferred && compressedSize === 0) {
    if (method !== 0) return false;
    compressedSize = listed;
  }
  // A deflate stream is never inflated past the listed size: a bomb costs the scan no more than
  // an honest entry.
  const start = reader.position;
  if (size !== listed || start + compressedSize > o.size) return false;
  const job: EntryJob = { method, size, crc: o.sumCrc(name) };
  const { digest } = await reader.digestData(compressedSize, job, digester, `the data of ${quoteName(name)}`);
  rec.addData(start, compressedSize, job, digest);
  if (deferred) {
    // Its layout as the walk will find it: signed or not, 64-bit sizes with a zip64 extra. If the
    // archive ends first, the walk reads on from here live.
    const first = await keep(4);
    const wide = z64 !== undefined;
    if (first) await keep(first.readUInt32LE(0) === DESCRIPTOR_SIGNATURE ? (wide ? 20 : 12) : wide ? 16 : 8);
  }
  return true;
}
