// validateZipFile: the same judge on a local file (for `bench validate file.zip`), with or without
// an expected object list; and an archive past the 65,535-entry classic limit (zip64 end record).
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { validateZipFile } from "../functions/validate";
import { DIGEST_MODES } from "../functions/validate/validate";
import { named, smallDataset } from "./support/zip-sources";
import { withPython, withZipStream } from "./support/zip-writers";
import { craftZip, zipFacts } from "./support/zip-craft";

const dir = mkdtempSync(join(tmpdir(), "validate-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const objects = smallDataset();

function file(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe("validateZipFile", () => {
  it("accepts a consistent archive without an expected list (name == sha256 of content)", async () => {
    const path = file("python.zip", withPython(objects, { deflate: true, forceZip64: false, unseekable: false }));
    await expect(validateZipFile(path, null)).resolves.toMatchObject({ entry_count: 4, deflated_entries: 4, zip64: false });
  });

  it("checks the archive against an expected list when given one", async () => {
    const path = file("zs.zip", await withZipStream(objects, { store: true, asStreams: false }));
    const expected = objects.map((o) => ({ name: o.name, size: o.data.length }));
    await expect(validateZipFile(path, expected)).resolves.toMatchObject({ entry_count: 4, stored_entries: 4 });
    const more = [...expected, { name: "a".repeat(64), size: 1 }];
    await expect(validateZipFile(path, more)).rejects.toMatchObject({ name: "InvalidArchive", message: `archive missing 1 expected object(s) (sample: ['${"a".repeat(64)}'])` });
  });

  it("without a list, a name that is not a sha256 hex digest is rejected", async () => {
    const path = file("badname.zip", craftZip([{ name: "README.txt", data: Buffer.from("hi") }]));
    await expect(validateZipFile(path, null)).rejects.toMatchObject({ name: "InvalidArchive", message: "entry name 'README.txt' is not a lowercase sha256 hex digest" });
  });

  it("without a list, content that does not hash to its name is rejected", async () => {
    const o = named(Buffer.from("content"));
    const path = file("badhash.zip", craftZip([{ name: o.name, data: Buffer.from("CONTENT") }]));
    await expect(validateZipFile(path, null)).rejects.toThrow(/^content hash mismatch for '[0-9a-f]{64}': computed [0-9a-f]{64}$/);
  });

  it.each(DIGEST_MODES)("entries larger than a read chunk or a worker batch, stored and deflated, digest %s", async (digest) => {
    const big = [named(randomBytes(3 << 20)), named(Buffer.alloc(2 << 20, "abc"))];
    const zip = craftZip([{ ...big[0]!, method: 0 }, { ...big[1]!, method: 8 }, { ...big[1]!, name: named(Buffer.concat([big[1]!.data, Buffer.from("x")])).name, data: Buffer.concat([big[1]!.data, Buffer.from("x")]), method: 8, descriptor: "sig32" }]);
    await expect(validateZipFile(file(`big-${digest}.zip`, zip), null, { digest })).resolves.toMatchObject({ entry_count: 3, stored_entries: 1, deflated_entries: 2 });
    const corrupt = Buffer.from(zip);
    corrupt[(3 << 20) - 5] = corrupt[(3 << 20) - 5]! ^ 0x40; // deep inside the 3 MiB stored entry
    await expect(validateZipFile(file(`big-bad-${digest}.zip`, corrupt), null, { digest })).rejects.toThrow(/^content hash mismatch for '[0-9a-f]{64}': computed [0-9a-f]{64}$/);
  });

  it.each(DIGEST_MODES)("reads an archive with more than 65,535 entries (zip64 end record written by Python zipfile), digest %s", async (digest) => {
    const count = 65_536 + 10;
    const script = String.raw`
import hashlib, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", compression=zipfile.ZIP_STORED) as zf:
    for i in range(int(sys.argv[2])):
        data = i.to_bytes(8, "little")
        zf.writestr(zipfile.ZipInfo(hashlib.sha256(data).hexdigest(), (2020, 1, 1, 0, 0, 0)), data)
`;
    const path = join(dir, `many-${digest}.zip`);
    const run = spawnSync("python3", ["-c", script, path, String(count)]);
    expect(run.status, run.stderr?.toString()).toBe(0);
    const result = await validateZipFile(path, null, { digest });
    expect(result).toMatchObject({ entry_count: count, stored_entries: count, zip64: true, uncompressed_bytes: count * 8 });
  });

  it("a zip64 archive is really recognised as such by the test helper (guards the case above)", async () => {
    const zip = craftZip([{ name: objects[0]!.name, data: objects[0]!.data, zip64: true }], { zip64End: true });
    expect(zipFacts(zip)).toMatchObject({ zip64End: true, entries: [{ zip64Extra: true }] });
    await expect(validateZipFile(file("z64.zip", zip), null)).resolves.toMatchObject({ zip64: true, entry_count: 1 });
  });
});
