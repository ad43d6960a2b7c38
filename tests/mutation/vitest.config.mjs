// Vitest settings for Stryker's runs only (npm test uses the defaults): the same tests, with a
// longer per-test timeout, because Stryker's coverage instrumentation and a shared machine make
// the property-based procedure tests slower than vitest's 5 s default.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// UE_KEYS_MUTATION_TESTS (set by host/tools/mutate-host.mjs --tests): a comma-separated subset.
const subset = process.env.UE_KEYS_MUTATION_TESTS?.split(',').filter(Boolean);

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: { include: subset?.length ? subset : ['tests/**/*.test.ts'], testTimeout: 60_000 },
});
