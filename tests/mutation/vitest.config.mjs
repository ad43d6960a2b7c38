// Vitest settings for Stryker's runs only (npm test uses the defaults): the same tests, with a
// longer per-test timeout, because Stryker's coverage instrumentation and a shared machine make
// the property-based procedure tests slower than vitest's 5 s default.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: { include: ['tests/**/*.test.ts'], testTimeout: 60_000 },
});
