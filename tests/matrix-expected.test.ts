// The harness's expected answers agree with DESIGN.md's definitions and with the workloads' code.
import { describe, expect, it } from "vitest";
import { cpuChecksum, expectedChecksum, memoryChecksum, MEMORY_DEFAULT_CHECKSUM } from "../harness/matrix/expected";
import { handler as cpuHandler } from "../workloads/cpu/node/index";
import { handler as memoryHandler } from "../workloads/memory/node/index";

describe("expected checksums", () => {
  it("cpu: the chain of DESIGN.md (h0 = sha256 of the seed text), as the Node workload computes it", async () => {
    // hashlib.sha256(b"s3-archive-bench cpu").hexdigest(), computed with Python
    expect(cpuChecksum(0)).toBe("12672790d256bc1dd11170534bccd99902a68a1e7cd3b217abca43de32b60785");
    expect(cpuChecksum(1000)).toBe("30e0bebe0515a0339fc66c4dab008de395adde3b23e4f1f1023896a974219bdf");
    expect((await cpuHandler({ iterations: 1000 })).checksum).toBe(cpuChecksum(1000));
  });

  it("memory: the 1,000 smallest by a bounded heap equal the workload's full sort (small count), and the default constant", async () => {
    expect((await memoryHandler({ count: 50_000 })).checksum).toBe(memoryChecksum(50_000));
    expect(memoryChecksum()).toBe(MEMORY_DEFAULT_CHECKSUM);
  });

  it("light answers 5; an unknown workload is an error naming it", () => {
    expect(expectedChecksum("light", {})).toBe("5");
    expect(() => expectedChecksum("gpu", {})).toThrow(/workload "gpu"/);
  });
});
