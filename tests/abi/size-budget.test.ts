// The size budgets of the release firmware modules (README "Size budgets"): build/ue.wasm at most
// 20 KiB, build/usim.wasm at most 8 KiB. A change that breaks a budget fails here with the
// overshoot in bytes; `npm run profile` shows where the bytes are.
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wasmPath } from '../../host/firmware/loader.js';
import { repoRoot } from '../helpers.js';

const BUDGETS = [
  { module: 'ue', file: 'build/ue.wasm', budget: 20_480 },
  { module: 'usim', file: 'build/usim.wasm', budget: 8_192 },
] as const;

describe('release module size budgets', () => {
  for (const { module, file, budget } of BUDGETS) {
    it(`${file} is at most ${budget.toLocaleString('en')} bytes`, () => {
      const bytes = statSync(wasmPath(module)).size;
      expect(bytes, `${file} is ${bytes} B, ${bytes - budget} B over its budget of ${budget} B`).toBeLessThanOrEqual(budget);
    });
  }

  it('the README states both budgets', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Size budgets'));
    expect(readme).toContain('## Size budgets');
    for (const { file, budget } of BUDGETS) expect(section, file).toMatch(new RegExp(`\`${file}\`[^\\n]*${budget.toLocaleString('en')} B`));
  });
});
