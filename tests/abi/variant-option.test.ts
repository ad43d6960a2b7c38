// Issue 12, the library half: "load()/loadSync() take { variant: 'fast' | 'small' }, default fast",
// and every model that instantiates a module by default takes the build too. Which build an
// instance runs is checked against the module files themselves: a fresh instance's 64 KiB page
// (static data and the tables the start function computes) is the page of exactly one build, and
// the two builds' pages differ (the fast build's T-tables, assembly/crypto/variant.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { InputError, load, loadSync, UeFirmware, UsimModule, Usim, VARIANTS, DEFAULT_VARIANT, defaultVariant } from '../../host/index.js';
import { wasmBytes, type ModuleFile } from '../../host/firmware/loader.js';
import { MemoryMedium } from '../../host/storage/medium.js';
import { World, SUBSCRIBER } from '../../host/scenarios/setup.js';
import { runMobility } from '../../host/scenarios/mobility.js';
import { SystemSimulator } from '../../host/conformance/ss.js';

/** The memory page of a fresh instance of a build/ file, instantiated here with the bare
 *  WebAssembly API (not the loader under test). */
const freshPage = (file: ModuleFile) => new Uint8Array((new WebAssembly.Instance(new WebAssembly.Module(wasmBytes(file)), {}).exports.memory as WebAssembly.Memory).buffer).slice();
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;
const saved = process.env.UE_KEYS_VARIANT;
afterEach(() => { if (saved === undefined) delete process.env.UE_KEYS_VARIANT; else process.env.UE_KEYS_VARIANT = saved; });

/** The InputError `fn` throws, for its field and text. */
function inputError(fn: () => unknown): InputError {
  try { fn(); } catch (e) { if (e instanceof InputError) return e; throw e; }
  throw new Error('no InputError');
}

describe('load({ variant }) / loadSync({ variant }): which build the API runs (issue 12)', () => {
  it('the two builds are told apart by a fresh page (else the checks below could not fail)', () => {
    expect(same(freshPage('ue'), freshPage('ue-fast'))).toBe(false);
    expect(same(freshPage('usim'), freshPage('usim-fast'))).toBe(false);
  });

  it('"default fast": loadSync() and await load() with no options run build/ue-fast.wasm', async () => {
    delete process.env.UE_KEYS_VARIANT;
    expect(DEFAULT_VARIANT).toBe('fast');
    expect(defaultVariant()).toBe('fast');
    expect(same(loadSync().memoryImage(), freshPage('ue-fast'))).toBe(true);
    expect(same((await load()).memoryImage(), freshPage('ue-fast'))).toBe(true);
    expect(same(loadSync({}).memoryImage(), freshPage('ue-fast'))).toBe(true);
  });

  for (const [variant, file] of [['fast', 'ue-fast'], ['small', 'ue']] as const) {
    it(`{ variant: '${variant}' } runs build/${file}.wasm (sync and async), with the same results`, async () => {
      expect(same(loadSync({ variant }).memoryImage(), freshPage(file))).toBe(true);
      expect(same((await load({ variant })).memoryImage(), freshPage(file))).toBe(true);
    });
  }

  it('both builds give the same KDF output (TS 33.220 B.2; the value checked against node:crypto in the vector suites)', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    const p = [Uint8Array.of(1, 2, 3)];
    expect(Buffer.from(loadSync({ variant: 'small' }).kdf(key, 0x6d, p))).toEqual(Buffer.from(loadSync({ variant: 'fast' }).kdf(key, 0x6d, p)));
  });

  it('a bad variant or options value is an InputError naming the field (never instantiates)', async () => {
    for (const bad of ['medium', 'FAST', '', 1, null, ['fast']]) {
      const e = inputError(() => loadSync({ variant: bad as any }));
      expect(e.field).toBe('variant');
      expect(e.message).toMatch(/^variant must be one of fast\|small/);
      await expect(load({ variant: bad as any })).rejects.toThrow(InputError);
    }
    for (const bad of [null, 'fast', 7]) expect(inputError(() => loadSync(bad as any)).field).toBe('options');
    expect(VARIANTS).toEqual(['fast', 'small']);
  });

  it('UE_KEYS_VARIANT sets the process-wide default; an explicit variant wins; a bad value is an InputError naming the variable', () => {
    process.env.UE_KEYS_VARIANT = 'small';
    expect(same(loadSync().memoryImage(), freshPage('ue'))).toBe(true);
    expect(same(loadSync({ variant: 'fast' }).memoryImage(), freshPage('ue-fast'))).toBe(true);
    expect(new UeFirmware().module.file).toBe('ue');
    process.env.UE_KEYS_VARIANT = 'tiny';
    const e = inputError(() => loadSync());
    expect(e.field).toBe('UE_KEYS_VARIANT');
    expect(inputError(() => new UsimModule()).field).toBe('UE_KEYS_VARIANT');
  });
});

describe('every model that instantiates a module takes the build (issue 12)', () => {
  it('UeFirmware({ variant }) and UsimModule({ variant }): that build\'s page; no argument: fast', () => {
    delete process.env.UE_KEYS_VARIANT;
    expect(same(new UeFirmware({ variant: 'small' }).module.snapshot(), freshPage('ue'))).toBe(true);
    expect(same(new UeFirmware({ variant: 'fast' }).module.snapshot(), freshPage('ue-fast'))).toBe(true);
    expect(same(new UeFirmware().module.snapshot(), freshPage('ue-fast'))).toBe(true);
    expect(same(new UsimModule({ variant: 'small' }).fw.snapshot(), freshPage('usim'))).toBe(true);
    expect(same(new UsimModule().fw.snapshot(), freshPage('usim-fast'))).toBe(true);
    expect(inputError(() => new UeFirmware({ variant: 'big' as any })).field).toBe('variant');
  });

  it('Usim.create / Usim.open({ variant }): the card runs that build, and a card written by one build opens with the other (same NVM layout)', () => {
    const medium = new MemoryMedium(8192);
    const moduleOf = (u: Usim) => (u as any).module.fw.file;
    const made = Usim.create(medium, { supi: SUBSCRIBER.supi, k: SUBSCRIBER.k, opc: SUBSCRIBER.opc, variant: 'small' });
    expect(moduleOf(made)).toBe('usim');
    made.powerOff();
    const open = (variant?: 'fast' | 'small') => Usim.open(medium, variant ? { variant } : {});
    const fast = open('fast');
    expect(moduleOf(fast)).toBe('usim-fast');
    fast.powerOff();
    expect(moduleOf(open())).toBe('usim-fast');
    expect(inputError(() => Usim.open(medium, { variant: 'x' as any })).field).toBe('variant');
  });

  it('World / scenarios ({ build }) and the conformance SS ({ build }): the UE and its USIM run that build; the same seeded mobility run gives the same keys with either', () => {
    const w = new World(1, { build: 'small' });
    expect(w.ue.fw.module.file).toBe('ue');
    expect((w.ue.usim as any).module.fw.file).toBe('usim');
    expect(new World(1).ue.fw.module.file).toBe('ue-fast');
    const ss = new SystemSimulator({ build: 'small' });
    expect(ss.ue.fw.module.file).toBe('ue');
    expect(new SystemSimulator().ue.fw.module.file).toBe('ue-fast');
    const small = runMobility({ seed: 5, build: 'small' }).summary, fast = runMobility({ seed: 5, build: 'fast' }).summary;
    expect(JSON.stringify(small)).toBe(JSON.stringify(fast));
    expect(inputError(() => runMobility({ build: 'medium' as any })).field).toBe('build');
  });
});
