// When to ask zip-stream for ZIP64 end records up front.
//
// zip-stream (compress-commons) switches to ZIP64 on its own at finish when the entry count is
// above 65,535 or the central directory's offset or length is above 0xFFFFFFFF, and gives a
// central header its ZIP64 extra when the entry's local header offset is above 0xFFFFFFFF. Its
// tests are strict `>`: exactly 65,535 entries or a directory starting exactly at 0xFFFFFFFF
// would be written as plain values that readers read as "look in ZIP64". We know every size
// before writing, so we force ZIP64 whenever the archive could reach those limits.

const ZIP32_MAX = 0xffffffff;
const ZIP16_MAX = 0xffff;
/** zip-stream's streamed entries get no ZIP64 extra in their local header: keep entries below 4 GiB. */
export const ZIP_ENTRY_MAX_BYTES = ZIP32_MAX - 1;

// Per entry: local header 30 + name, data descriptor up to 24, central header 46 + name + ZIP64 extra 28.
const PER_ENTRY_OVERHEAD = 30 + 24 + 46 + 28;
// EOCD 22 + ZIP64 EOCD 56 + ZIP64 locator 20.
const END_RECORDS = 22 + 56 + 20;

export function archiveSizeBound(objects: ReadonlyArray<{ name: string; size: number }>): number {
  let bound = END_RECORDS;
  for (const o of objects) bound += o.size + PER_ENTRY_OVERHEAD + 2 * Buffer.byteLength(o.name);
  return bound;
}

export function needsZip64(objects: ReadonlyArray<{ name: string; size: number }>): boolean {
  return objects.length >= ZIP16_MAX || archiveSizeBound(objects) >= ZIP32_MAX;
}
