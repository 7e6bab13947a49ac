import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Tests start real servers (moto) and real processes; give them room on a shared 2-core box.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Several files each start their own moto server; two at a time keeps the machine responsive.
    maxWorkers: 2,
  },
});
