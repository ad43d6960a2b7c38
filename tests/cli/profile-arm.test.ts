// `ue-keys profile --target …` (issue 15). The argument handling, the JSON shape's bookkeeping and the
// missing-package message need no toolchain. The slice (Cortex-M4, mask, -O2, small build, two
// operations) needs Debian's gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm and wabt:
// without them it says so and skips; with CI set it fails instead (.ci/run installs them).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { assemble } from '../../host/inspect/arm-profile.js';
import { parseArmArgs } from '../../host/cli/profile-target.js';
import { fnv1a64, opsC, recordAll } from '../../host/inspect/arm-record.js';
import { buildAndRun, wabt } from '../../host/inspect/arm-toolchain.js';
import { OPERATIONS } from '../../host/inspect/operations.js';
import { repoRoot, runCli } from '../helpers.js';

const IN_CI = !!process.env.CI;
const ok = (cmd: string) => { try { return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0; } catch { return false; } };
// Debian's wabt (not the npm wasm2c that `npm test` puts on PATH): its runtime header is the one used
const TOOLS = ok('arm-none-eabi-gcc') && ok('qemu-system-arm') && wabt() !== null && ok('gcc');

describe('profile --target: arguments (issue 15: "--target cortex-m4|cortex-m33|cortex-a7|x86-64 [--checks stock|mask|none] [--opt Os|O2]")', () => {
  it('defaults: cortex-m4, mask, both -Os and -O2, both builds; a table, not one object', () => {
    const o = parseArmArgs(['--target', 'cortex-m4']);
    expect(o).toMatchObject({ targets: ['cortex-m4'], checks: ['mask'], opts: ['Os', 'O2'], variants: ['small', 'fast'], json: false, compare: false, single: false });
    expect(o.ops.map((x) => x.id)).toEqual(OPERATIONS.map((x) => x.id));
  });
  it('--checks, --opt and --variant all given with one target: exactly one combination', () => {
    const o = parseArmArgs(['--target=x86-64', '--checks', 'none', '--opt', 'Os', '--variant', 'fast', '--json']);
    expect(o).toMatchObject({ targets: ['x86-64'], checks: ['none'], opts: ['Os'], variants: ['fast'], json: true, single: true });
    expect(parseArmArgs(['--target', 'cortex-m4,cortex-a7', '--checks', 'mask', '--opt', 'O2', '--variant', 'small']).single).toBe(false);
    expect(parseArmArgs(['--target', 'all']).targets).toEqual(['cortex-m4', 'cortex-m33', 'cortex-a7', 'x86-64']);
  });
  it('--ops keeps the profile operations named, in the profile order', () => {
    expect(parseArmArgs(['--target', 'cortex-m4', '--ops', 'tuak.f2345,kdf.key_reused']).ops.map((x) => x.id)).toEqual(['kdf.key_reused', 'tuak.f2345']);
  });
  for (const [args, field] of [
    [['--target', 'cortex-m7'], '--target'], [['--target', 'cortex-m4,cortex-m4'], '--target'], [['--target', 'cortex-m4', '--checks', 'off'], '--checks'],
    [['--target', 'cortex-m4', '--opt', 'O3'], '--opt'], [['--target', 'cortex-m4', '--variant', 'tiny'], '--variant'], [['--target', 'cortex-m4', '--ops', 'kdf.nope'], '--ops'],
    [['--target', 'cortex-m4', '--json=yes'], '--json'], [['--target', 'cortex-m4', '--speed', '1'], '--speed'], [['--target'], '--target'],
  ] as Array<[string[], string]>) {
    it(`bad input ${args.join(' ')}: one line naming ${field}, exit 2`, () => {
      const r = runCli(['profile', ...args]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(field);
    });
  }
  it('--target (both spellings) reaches the target profile, not the wasm profile', () => {
    for (const args of [['--target', 'cortex-m7'], ['--target=cortex-m7']]) {
      const r = runCli(['profile', ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('--target must be cortex-m4|cortex-m33|cortex-a7|x86-64');
    }
  });
  it('a missing toolchain: one line naming the Debian packages to install, exit 2', () => {
    // PATH without the cross compilers, QEMU or gcc (node itself is run by its absolute path)
    const r = spawnSync(process.execPath, [join(repoRoot, 'build', 'cli.mjs'), 'profile', '--target', 'cortex-m4'], { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    for (const p of ['gcc-arm-none-eabi', 'qemu-system-arm', 'apt-get install']) expect(lines[0]).toContain(p);
  });
});

describe('profile --target: a count only for a verified operation', () => {
  const rec = (id: string, counted: number) => ({ id, module: 'ue' as const, hash: 0n, calls: [{ writes: [], fn: 'x', args: [], status: 0, counted: false }, ...Array.from({ length: counted }, () => ({ writes: [], fn: 'x', args: [], status: 0, counted: true }))] });
  const region = (insns: number) => ({ insns, cmin: insns + 1, cmax: insns + 2 });
  it('regions are assigned in order, several counted calls of one operation are summed, cycles only on request', () => {
    const ops = assemble([rec('a', 1), rec('b', 2)], [region(10), region(20), region(30)], [{ ok: true }, { ok: true }], true);
    expect(ops).toEqual({ a: { instructions: 10, cyclesMin: 11, cyclesMax: 12, verified: true }, b: { instructions: 50, cyclesMin: 52, cyclesMax: 54, verified: true } });
    expect(assemble([rec('a', 1)], [region(10)], [{ ok: true }], false).a).toEqual({ instructions: 10, cyclesMin: null, cyclesMax: null, verified: true });
  });
  it('an operation whose outputs differ from V8, or whose run stopped, has no count', () => {
    const ops = assemble([rec('a', 1), rec('b', 1), rec('c', 1)], [region(10), region(20)], [{ ok: false }, { ok: true }], true);
    const none = { instructions: null, cyclesMin: null, cyclesMax: null, verified: false };
    expect(ops).toEqual({ a: none, b: { instructions: 20, cyclesMin: 21, cyclesMax: 22, verified: true }, c: none });
  });
  it('the memory hash is FNV-1a 64 (checked against a BigInt implementation of the published algorithm)', () => {
    const ref = (b: Uint8Array) => { let h = 0xcbf29ce484222325n; for (const x of b) h = ((h ^ BigInt(x)) * 0x100000001b3n) & 0xffffffffffffffffn; return h; };
    const b = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) & 255);
    expect(fnv1a64(new Uint8Array(0))).toBe(0xcbf29ce484222325n);
    expect(fnv1a64(Uint8Array.of(0x61))).toBe(0xaf63dc4c8601ec8cn); // FNV-1a 64 of "a" (FNV reference test vector)
    expect(fnv1a64(b)).toBe(ref(b));
  });
});

describe.skipIf(!TOOLS && !IN_CI)('profile --target cortex-m4 slice (wasm2c + arm-none-eabi-gcc + QEMU mps2-an386)', () => {
  it('tools are installed (CI installs gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm wabt)', () => expect(TOOLS).toBe(true));
  it('--json with --checks, --opt and --variant: exactly one object in the issue shape, every count verified against V8', () => {
    const r = runCli(['profile', '--target', 'cortex-m4', '--checks', 'mask', '--opt', 'O2', '--variant', 'small', '--ops', 'kdf.key_reused,nia2.64B', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out);
    expect(Object.keys(o)).toEqual(['target', 'checks', 'opt', 'variant', 'tools', 'modules', 'operations']);
    expect(o).toMatchObject({ target: 'cortex-m4', checks: 'mask', opt: 'O2', variant: 'small' });
    for (const k of ['wasm2c', 'cc', 'qemu', 'cflags']) expect(typeof o.tools[k]).toBe('string');
    expect(o.tools.cflags).toContain('-mcpu=cortex-m4');
    for (const m of ['ue', 'usim']) {
      expect(Object.keys(o.modules[m])).toEqual(['text', 'rodata', 'ram']);
      expect(o.modules[m].text).toBeGreaterThan(1000);
      expect(o.modules[m].ram).toBeGreaterThanOrEqual(65536); // the module's one page
    }
    expect(Object.keys(o.operations)).toEqual(['kdf.key_reused', 'nia2.64B']);
    for (const x of Object.values<any>(o.operations)) {
      expect(Object.keys(x)).toEqual(['instructions', 'cyclesMin', 'cyclesMax', 'verified']);
      expect(x.verified).toBe(true);
      expect(x.instructions).toBeGreaterThan(1000);
      // every Cortex-M4 instruction takes at least one cycle (TRM DDI 0439 table 3-1)
      expect(x.cyclesMin).toBeGreaterThanOrEqual(x.instructions);
      expect(x.cyclesMax).toBeGreaterThanOrEqual(x.cyclesMin);
    }
  }, 300_000);
  it('the harness really compares: a wrong expected memory hash or status leaves the operation unverified', () => {
    const recs = recordAll('small', OPERATIONS.filter((o) => ['milenage.f2345', 'derive.kgnb'].includes(o.id)));
    recs[0].hash ^= 1n; // one bit of the expected final memory
    recs[1].calls[recs[1].calls.length - 1].status = 7;
    const b = buildAndRun('cortex-m4', 'mask', 'Os', 'small', opsC(recs));
    expect(b.done).toBe(true);
    expect(b.ops.map((x) => x.line.replace(/ hash [0-9a-f]+/, '').replace(/steps [0-9,]+ /, ''))).toEqual(['op 0 FAIL memory', 'op 1 FAIL status']);
    const ops = assemble(recs, b.regions, b.ops, true);
    expect(Object.values(ops).every((x) => !x.verified && x.instructions === null)).toBe(true);
  }, 300_000);
});

if (!TOOLS && !IN_CI) {
  describe('ARM toolchain missing', () => {
    it.skip('gcc-arm-none-eabi / qemu-system-arm / wabt not installed: the profile --target slice is SKIPPED (apt-get install --no-install-recommends gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm wabt; CI fails instead)', () => {});
  });
}
