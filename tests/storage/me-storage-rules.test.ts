// host/ue/me-storage.ts called directly (the ME NVM of TS 24.501 Annex C.1 / TS 33.501 6.2.2.2),
// rule by rule: the power-on outcomes, the SUPI binding, the erase of the previous generation
// for a transaction that replaces keys, and the refusals. tests/storage/me-storage.test.ts drives
// the same store through ContextStore; here each rule of the module's comments is pinned alone.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../host/errors.js';
import { AtomicStore, MemoryMedium } from '../../host/storage/atomic-store.js';
import { ME_IMAGE_TYPE, MeStorage, MeStorageStateError, type MeChange } from '../../host/ue/me-storage.js';
import type { AuthKeys, Loci } from '../../host/usim/files.js';

const SUPI_A = '001010000000001', SUPI_B = '001010000000002';
const fill = (n: number, v: number) => new Uint8Array(n).fill(v);
const K: AuthKeys = { kausf: fill(32, 0xc1), kseaf: fill(32, 0xd2) };
const K2: AuthKeys = { kausf: fill(32, 0xe3), kseaf: fill(32, 0xf4) };
const LOCI: Loci = { guti: fill(13, 0x21), tai: { plmn: Uint8Array.of(0x00, 0xf1, 0x10), tac: Uint8Array.of(0, 0, 1) }, updateStatus: 0 };
const has = (m: MemoryMedium, k: Uint8Array) => Buffer.from(m.bytes).includes(Buffer.from(k));

function me() {
  const medium = new MemoryMedium(4096);
  const store = AtomicStore.open(medium, { type: ME_IMAGE_TYPE });
  return { medium, store, me: MeStorage.open(store) };
}

describe('power-on (TS 33.501 6.2.2.2, TS 24.501 C.1): the parameters are kept only with the SUPI they were stored with', () => {
  it('a blank NVM: nothing deleted, reason "empty", with or without a USIM; the USIM\'s SUPI is bound', () => {
    const a = me();
    expect(a.me.boundSupi).toBeNull();
    expect(a.me.powerOn(SUPI_A)).toEqual({ deleted: false, reason: 'empty' });
    expect(a.me.boundSupi).toBe(SUPI_A);
    expect(me().me.powerOn(null)).toEqual({ deleted: false, reason: 'empty' });
  });
  it('the same SUPI keeps everything ("supi-match"); another SUPI, or no USIM, deletes everything', () => {
    const a = me();
    a.me.powerOn(SUPI_A);
    a.me.update([{ item: 'authKeys', keys: K }]);
    expect(a.me.powerOn(SUPI_A)).toEqual({ deleted: false, reason: 'supi-match' });
    expect(a.me.readAuthKeys()).toEqual({ valid: true, ...K });
    expect(a.me.powerOn(null)).toEqual({ deleted: true, reason: 'no-usim' });
    expect(a.store.names()).toEqual([]);
    const b = me();
    b.me.powerOn(SUPI_A);
    b.me.update([{ item: 'authKeys', keys: K }]);
    expect(b.me.powerOn(SUPI_B)).toEqual({ deleted: true, reason: 'supi-mismatch' });
    expect([b.store.names(), has(b.medium, K.kausf)]).toEqual([[], false]);
  });
  it('an NVM holding items but no SUPI (written by another tool) is deleted, with a USIM or without: an item never counts without the SUPI it was stored with', () => {
    const a = me();
    a.store.update([['5GAUTHKEYS', fill(68, 0x11)]]);
    expect(a.me.storedSupi).toBeNull();
    expect(a.me.powerOn(SUPI_A)).toEqual({ deleted: true, reason: 'supi-mismatch' });
    expect(a.store.names()).toEqual([]);
    const b = me();
    b.store.update([['LOCI/3gpp', fill(20, 0x22)]]);
    expect(b.me.powerOn(null)).toEqual({ deleted: true, reason: 'no-usim' });
    expect(b.store.names()).toEqual([]);
  });
  it('the SUPI must be an IMSI of 6..15 digits or null: anything else → InputError naming supi, nothing bound', () => {
    const a = me();
    for (const s of ['12345', '1234567890123456', 'x01010000000001', '00101000000001x', 123456]) {
      expect(() => a.me.powerOn(s as string)).toThrow(/^supi must be an IMSI of 6\.\.15 digits or null, got /);
    }
    expect(a.me.boundSupi).toBeNull();
    expect(a.me.powerOn('123456')).toEqual({ deleted: false, reason: 'empty' });
  });
});

describe('reads and writes need the bound SUPI to be the stored one', () => {
  it('before powerOn → MeStorageStateError saying no USIM is bound', () => {
    const a = me();
    expect(() => a.me.readAuthKeys()).toThrow(/^ME storage: no USIM bound \(call powerOn with the USIM SUPI\)$/);
    expect(() => a.me.update([{ item: 'loci', access: '3gpp', loci: LOCI }])).toThrow(MeStorageStateError);
  });
  it('a stored SUPI changed under the bound one (another writer) → MeStorageStateError, nothing read or written', () => {
    const a = me();
    a.me.powerOn(SUPI_A);
    a.me.update([{ item: 'authKeys', keys: K }]);
    a.store.update([['SUPI', Uint8Array.from(SUPI_B, (c) => c.charCodeAt(0))]]);
    expect(() => a.me.readAuthKeys()).toThrow(/^ME storage: stored SUPI differs from the USIM \(powerOn deletes it\)$/);
    expect(() => a.me.update([{ item: 'authKeys', keys: K2 }])).toThrow(MeStorageStateError);
    expect(a.me.storedSupi).toBe(SUPI_B);
  });
  it('an unknown change → InputError naming the change; nothing written', () => {
    const a = me();
    a.me.powerOn(SUPI_A);
    expect(() => a.me.update([{ item: 'kasme' } as unknown as MeChange])).toThrow(/^change unknown item$/);
    expect(a.store.names()).toEqual([]);
  });
  it('a context written without `marked` is stored marked valid and loads', () => {
    const a = me();
    a.me.powerOn(SUPI_A);
    const ctx = { ngKsi: 1, kamf: fill(32, 0xaa), ulNasCount: 5, dlNasCount: 3, nasAlgs: { ciphering: 1, integrity: 2 }, epsNasAlgs: null };
    a.me.update([{ item: 'nsc', access: '3gpp', context: ctx }]);
    expect(a.me.readNsc('3gpp')).toMatchObject({ valid: true, ngKsi: 1, ulNasCount: 5 });
  });
});

describe('retired keys are erased — the project rule of the A/B bank store (a modelling choice; host/ue/me-storage.ts: a LOCI-only update keeps the previous generation)', () => {
  it('a transaction that replaces KAUSF/KSEAF together with LOCI erases the previous generation: the old KAUSF is nowhere on the medium', () => {
    const a = me();
    a.me.powerOn(SUPI_A);
    a.me.update([{ item: 'authKeys', keys: K }]);
    a.me.update([{ item: 'loci', access: '3gpp', loci: LOCI }, { item: 'authKeys', keys: K2 }]);
    expect([has(a.medium, K.kausf), has(a.medium, K.kseaf), has(a.medium, K2.kausf)]).toEqual([false, false, true]);
  });
  it('a LOCI-only update keeps the previous generation (the old bank still holds the keys of the last generation)', () => {
    const a = me();
    a.me.powerOn(SUPI_A);
    a.me.update([{ item: 'authKeys', keys: K }]);
    a.me.update([{ item: 'loci', access: '3gpp', loci: LOCI }]);
    expect(AtomicStore.inspect(a.medium, { type: ME_IMAGE_TYPE }).banks.map((b) => b.state)).toEqual(['intact', 'intact']);
  });
  it('removing the USIM with nothing stored writes nothing (the medium is unchanged)', () => {
    const a = me();
    a.me.powerOn(SUPI_A);
    const before = Buffer.from(a.medium.bytes);
    a.me.usimRemoved();
    expect(a.me.boundSupi).toBeNull();
    expect(Buffer.from(a.medium.bytes).equals(before)).toBe(true);
  });
});
