import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Tests start real servers (moto) and real processes; give them room on a shared 2-core box.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Several files each start their own moto server; two at a time keeps the machine responsive.
    maxWorkers: 2,
    // The SDK's "Node < 22 unsupported from 2027" notice is noise for a pinned SDK on Node 20.
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      // bench local / aws keep every result document; a test run keeps them out of the repository.
      BENCH_RESULTS_DIR: join(tmpdir(), "s3-archive-bench-test-results"),
    },
  },
});
