// Vitest configuration: unit tests live beside pure modules (src/**/*.test.ts), tests that
// cross a process or network boundary live under test/.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
