// The seeded slice of `npm run fuzz` that runs in npm test: every campaign of tests/differential/fuzz/campaigns.ts
// with its sliceRuns cases and a fixed seed. The contract each campaign checks (issue 17): bad
// input refused with the field named (exit 2 + one stderr line / {"error"} line / InputError), good
// input equal to the node:crypto reference (host/reference), no key bytes in any error.
import { describe, expect, it } from 'vitest';
import { campaigns } from './fuzz/campaigns.js';

const SEED = 17;

describe('fuzz slice (seed 17): no defects', () => {
  for (const c of campaigns) {
    it(`${c.name}: ${c.what} (${c.sliceRuns} cases)`, async () => {
      const r = await c.run({ seed: SEED, runs: c.sliceRuns });
      expect(r.details).toEqual([]);
      expect(r.defects).toBe(0);
      expect(r.cases).toBeGreaterThanOrEqual(c.sliceRuns);
    }, 120_000);
  }
});
