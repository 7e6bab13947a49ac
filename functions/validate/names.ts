// The contest's naming rules: flat names, one entry per source object, name == key basename ==
// sha256 hex of the content (the hash itself is checked while streaming), sizes as listed.
import { invalid, quoteName } from "./errors";
import type { CentralEntry } from "./central-directory";

/** One source object: the basename of its key (the expected entry name) and its size. */
export interface ExpectedObject {
  name: string;
  size: number;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SAMPLE_SIZE = 5;

export function checkFlatName(name: string, index: number): void {
  if (name.length === 0) invalid(`entry #${index} has an empty name`);
  if (name.endsWith("/")) invalid(`archive contains directory entry ${quoteName(name)}`);
  if (name.includes("/")) invalid(`archive contains nested path ${quoteName(name)}`);
  if (name.includes("\\")) invalid(`archive contains a backslash in name ${quoteName(name)}`);
  if (name.includes("..")) invalid(`archive contains a parent-directory reference '..' in name ${quoteName(name)}`);
}

/**
 * Checks every central directory name against the rules and, when `expected` is given (the real
 * listing of the source prefix), that entries and objects match one to one with equal sizes.
 * `source` names the prefix in messages, e.g. `s3://bucket/files/`.
 */
export function checkEntriesAgainstSource(entries: readonly CentralEntry[], expected: readonly ExpectedObject[] | null, source: string): void {
  const bySize = expected ? new Map(expected.map((o) => [o.name, o.size])) : undefined;
  const seen = new Set<string>();
  for (const entry of entries) {
    checkFlatName(entry.name, entry.index);
    if (seen.has(entry.name)) invalid(`unknown or duplicate object in archive: ${quoteName(entry.name)} (it appears more than once)`);
    seen.add(entry.name);
    if (!bySize) {
      if (!SHA256_HEX.test(entry.name)) invalid(`entry name ${quoteName(entry.name)} is not a lowercase sha256 hex digest`);
      continue;
    }
    const sourceSize = bySize.get(entry.name);
    if (sourceSize === undefined) invalid(`unknown or duplicate object in archive: ${quoteName(entry.name)} (no such object under ${source})`);
    if (entry.size !== sourceSize) {
      invalid(`size mismatch for ${quoteName(entry.name)}: the archive declares ${entry.size} bytes, the source object has ${sourceSize}`);
    }
  }
  if (!expected) return;
  const missing = expected.filter((o) => !seen.has(o.name)).map((o) => o.name).sort();
  if (missing.length > 0) {
    const sample = missing.slice(0, SAMPLE_SIZE).map(quoteName).join(", ");
    const empty = entries.length === 0 ? ": the archive has no entries" : "";
    invalid(`archive missing ${missing.length} expected object(s) (sample: [${sample}])${empty}`);
  }
}
