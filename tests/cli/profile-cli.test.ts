// `ue-keys profile` per build (issue 12): --variant fast|small --json keeps the one-build report shape
// scripts rely on; --json without --variant is an object keyed by variant; --compare puts each
// operation's instructions and each module's bytes side by side with the ratio small ÷ fast.
// Byte figures are checked against the files on disk; ratios are recomputed here.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../host/inspect/operations.js';
import { repoRoot, runCli as run } from '../helpers.js';

/** The keys of the one-build report, as `profile --json` has always printed them. */
const REPORT_KEYS = ['deepestOperation', 'method', 'modules', 'operations'];
const MODULE_KEYS = ['bytes', 'file', 'functions', 'instrumented', 'memory', 'sections', 'stack'];
const OPERATION_KEYS = ['exports', 'functions', 'instructions', 'module', 'stack', 'title'];
const FILES = { small: { ue: 'ue', usim: 'usim' }, fast: { ue: 'ue-fast', usim: 'usim-fast' } } as const;
const bytesOf = (f: string) => statSync(join(repoRoot, 'build', `${f}.wasm`)).size;

function json(args: string[]): any {
  const r = run(['profile', ...args]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out);
}

function expectReportShape(r: any, variant: 'small' | 'fast'): void {
  expect(Object.keys(r).sort()).toEqual(REPORT_KEYS);
  expect(Object.keys(r.modules).sort()).toEqual(['ue', 'usim']);
  for (const m of ['ue', 'usim'] as const) {
    const x = r.modules[m];
    // the size budget is the small build's (20 KiB / 8 KiB); the fast build has none beyond the page
    expect(Object.keys(x).sort()).toEqual(variant === 'small' ? [...MODULE_KEYS, 'goal'].sort() : MODULE_KEYS);
    expect(x.file).toBe(`build/${FILES[variant][m]}.wasm`);
    expect(x.bytes).toBe(bytesOf(FILES[variant][m]));
  }
  expect(Object.keys(r.operations)).toEqual(OPERATIONS.map((o) => o.id).sort());
  for (const o of Object.values<any>(r.operations)) {
    for (const k of OPERATION_KEYS) expect(o).toHaveProperty(k);
    expect(Number.isInteger(o.instructions) && o.instructions > 0).toBe(true);
  }
}

describe('ue-keys profile --json per build and both', () => {
  let both: any, fast: any, cmp: any;
  beforeAll(() => {
    both = json(['--json']);
    fast = json(['--variant', 'fast', '--json']);
    cmp = json(['--compare', '--json']);
  }, 300_000);

  it('--variant fast --json: one report in the one-build shape, figures of build/ue-fast.wasm and build/usim-fast.wasm', () => {
    expectReportShape(fast, 'fast');
  });

  it('--json without --variant: {"fast": report, "small": report}, each in the one-build shape; its fast entry is what --variant fast prints', () => {
    expect(Object.keys(both).sort()).toEqual(['fast', 'small']);
    expectReportShape(both.small, 'small');
    expectReportShape(both.fast, 'fast');
    expect(both.fast).toEqual(fast);
    // the small build's budgets are the README's: 20 KiB for the ME, 8 KiB for the USIM
    expect(both.small.modules.ue.goal).toEqual({ limit: 20_480, met: bytesOf('ue') <= 20_480 });
    expect(both.small.modules.usim.goal).toEqual({ limit: 8_192, met: bytesOf('usim') <= 8_192 });
  });

  it('--compare --json: every operation and module with both figures and the ratio small ÷ fast', () => {
    expect(Object.keys(cmp).sort()).toEqual(['modules', 'operations', 'ratio']);
    for (const m of ['ue', 'usim'] as const) {
      const x = cmp.modules[m];
      expect([x.small, x.fast]).toEqual([bytesOf(FILES.small[m]), bytesOf(FILES.fast[m])]);
      expect(x.ratio).toBeCloseTo(x.small / x.fast, 2);
    }
    expect(Object.keys(cmp.operations)).toEqual(OPERATIONS.map((o) => o.id).sort());
    for (const [id, x] of Object.entries<any>(cmp.operations)) {
      expect([x.small, x.fast], id).toEqual([both.small.operations[id].instructions, both.fast.operations[id].instructions]);
      expect(x.ratio, id).toBeCloseTo(x.small / x.fast, 2);
    }
  });
});

describe('ue-keys profile: bad flags are usage errors naming the flag (exit 2)', () => {
  it('--variant medium', () => {
    const r = run(['profile', '--variant', 'medium']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--variant/);
    expect(r.out).toBe('');
  });
  it('--compare with --variant (a comparison needs both builds)', () => {
    const r = run(['profile', '--compare', '--variant', 'fast']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--compare/);
    expect(r.out).toBe('');
  });
});
