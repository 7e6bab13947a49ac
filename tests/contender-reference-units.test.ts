// Pure parts of the reference contender: the prefetcher's budgets and the ZIP64 / part-size rules.
import { describe, expect, it } from "vitest";
import { OrderedPrefetcher } from "../contenders/typescript/reference/src/prefetch";
import { archiveSizeBound, needsZip64 } from "../contenders/typescript/reference/src/zip64";
import { partSizeFor } from "../contenders/typescript/reference/src/archive";
import { parseEvent } from "../contenders/typescript/reference/src/event";

const MiB = 1024 * 1024;

/** Fetches that complete only when the test says so, recording what was in flight. */
function controlledFetches() {
  const pending = new Map<number, () => void>();
  let inFlight = 0;
  let maxInFlight = 0;
  const started: number[] = [];
  const fetch = (item: { id: number; size: number }) => {
    started.push(item.id);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<number>((resolve) =>
      pending.set(item.id, () => {
        inFlight--;
        resolve(item.id);
      }),
    );
  };
  const finish = async (id: number) => {
    pending.get(id)!();
    pending.delete(id);
    await new Promise((r) => setImmediate(r));
  };
  return { fetch, finish, started, max: () => maxInFlight };
}

describe("OrderedPrefetcher", () => {
  const items = Array.from({ length: 10 }, (_, id) => ({ id, size: 10 }));

  it("keeps listing order and never holds more than its byte budget", async () => {
    const f = controlledFetches();
    const p = new OrderedPrefetcher(items, f.fetch, (i) => i.size, () => false, { concurrency: 8, budgetBytes: 30 });
    const first = p.takeNext();
    expect(f.started).toEqual([0, 1, 2]); // 3 x 10 bytes = the budget, although 8 GETs are allowed
    await f.finish(2);
    await f.finish(1);
    expect(f.started).toEqual([0, 1, 2]); // done but not released: still held
    await f.finish(0);
    expect((await first).item.id).toBe(0);
    p.release(10);
    expect(f.started).toEqual([0, 1, 2, 3]);
    expect((await p.takeNext()).item.id).toBe(1);
  });

  it("never has more than `concurrency` fetches in flight", async () => {
    const f = controlledFetches();
    const p = new OrderedPrefetcher(items, f.fetch, (i) => i.size, () => false, { concurrency: 2, budgetBytes: 1_000 });
    const first = p.takeNext();
    expect(f.started).toEqual([0, 1]);
    await f.finish(0);
    expect(f.started).toEqual([0, 1, 2]);
    await first;
    expect(f.max()).toBe(2);
  });

  it("always starts the item being waited for, even past the budget (progress)", async () => {
    const f = controlledFetches();
    const big = [{ id: 0, size: 100 }, { id: 1, size: 100 }];
    const p = new OrderedPrefetcher(big, f.fetch, (i) => i.size, () => false, { concurrency: 4, budgetBytes: 10 });
    const first = p.takeNext();
    expect(f.started).toEqual([0]);
    await f.finish(0);
    await first;
    const second = p.takeNext(); // the first is not released yet: the budget is exceeded, still starts
    expect(f.started).toEqual([0, 1]);
    await f.finish(1);
    expect((await second).item.id).toBe(1);
  });

  it("starts a streamed item only when it is next, and counts it as holding nothing", async () => {
    const f = controlledFetches();
    const mixed = [{ id: 0, size: 10 }, { id: 1, size: 1_000 }, { id: 2, size: 10 }];
    const p = new OrderedPrefetcher(mixed, f.fetch, (i) => (i.size > 100 ? 0 : i.size), (i) => i.size > 100, {
      concurrency: 4,
      budgetBytes: 1_000,
    });
    const first = p.takeNext();
    expect(f.started).toEqual([0]);
    await f.finish(0);
    await first;
    p.release(10);
    const second = p.takeNext();
    expect(f.started).toEqual([0, 1, 2]); // the streamed one, then prefetching resumes behind it
    await f.finish(1);
    await second;
  });
});

describe("ZIP64 and part size rules", () => {
  const objects = (count: number, size: number) => Array.from({ length: count }, (_, i) => ({ name: `${i}`.padStart(64, "0"), size }));

  it("forces ZIP64 from 65,535 entries or when the archive could reach 4 GiB", () => {
    expect(needsZip64(objects(65_534, 1))).toBe(false);
    expect(needsZip64(objects(65_535, 1))).toBe(true);
    expect(needsZip64(objects(3_000, 5_000_000))).toBe(true); // 15 GB, the contest's default
    expect(needsZip64(objects(800, 5_000_000))).toBe(false); // 4 GB minus headers
    const justBelow = objects(1, 0xffffffff - archiveSizeBound(objects(1, 0)) - 1);
    expect(needsZip64(justBelow)).toBe(false);
    justBelow[0]!.size += 1;
    expect(needsZip64(justBelow)).toBe(true);
  });

  it("keeps the tuned part size until 10,000 parts would not suffice", () => {
    expect(partSizeFor(objects(3_000, 5_000_000), 8 * MiB)).toBe(8 * MiB); // 15 GB in 1,789 parts
    const huge = objects(30_000, 5_000_000); // 150 GB
    const grown = partSizeFor(huge, 8 * MiB);
    expect(grown % MiB).toBe(0);
    expect(Math.ceil(archiveSizeBound(huge) / grown)).toBeLessThanOrEqual(10_000);
  });
});

describe("event parsing", () => {
  it("accepts the three fields and names each bad one", () => {
    expect(parseEvent({ bucket_name: "b", files_prefix: "files", archive_key: "a/b.zip", extra: 1 })).toEqual({
      bucket_name: "b",
      files_prefix: "files",
      archive_key: "a/b.zip",
    });
    expect(() => parseEvent({ bucket_name: "b", files_prefix: "/files", archive_key: "x/" })).toThrow(
      "invalid event: files_prefix: must not start or end with '/'; archive_key: must not end with '/'",
    );
    expect(() => parseEvent({ files_prefix: "files", archive_key: "k" })).toThrow(/invalid event: bucket_name: /);
  });
});
