// The generic KDF export (assembly/me/abi/kdf.ts `kdf`, TS 33.220 B.2) against its doc comment:
// the parameter table ("paramCount entries of two little-endian u32: offset, length", at most
// IO_IN_LEN / 8 of them), S = FC ‖ P0 ‖ L0 ‖ … within KDF_S (4,608 octets, assembly/me/memory.ts),
// the caller-owned key context (fc 0x200 makes it with no parameters; fc 0x100 | FC derives with
// it, keyLen 64; no other mode), "the module keeps none of it after the call", and wipe_scratch
// zeroing IO_IN … TMP and nothing else. The host API sends none of these edge cases, so the
// firmware mutation runner (issue 16) found them unread (`KDF_WITH_CONTEXT 0x100 → 0x101`,
// `KDF_MAKE_CONTEXT 0x200 → 0x201` survived). Expected values: node:crypto HMAC-SHA-256.
import { beforeEach, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { instantiateSync } from '../../host/firmware/loader.js';
import { toHex } from '../helpers.js';

type Fw = ReturnType<typeof instantiateSync>;
let fw: Fw;
beforeEach(() => { fw = instantiateSync('ue'); });
const status = (name: string) => fw.constant(`STATUS_${name}`);
function refused(want: string, ...args: number[]): void {
  const before = fw.snapshot();
  expect(fw.tryCall('kdf', ...args), `kdf(${args})`).toBe(status(want));
  expect(Buffer.compare(Buffer.from(fw.snapshot()), Buffer.from(before)), `kdf(${args}) changed memory`).toBe(0);
}
const KEY = Uint8Array.from({ length: 32 }, (_, i) => 0x6b ^ (i * 11));
/** TS 33.220 B.2.0: HMAC-SHA-256(Key, FC ‖ P0 ‖ L0 ‖ …), Li = two octets big-endian. */
const kdfRef = (key: Uint8Array, fc: number, params: Uint8Array[]) => {
  const h = createHmac('sha256', key).update(Uint8Array.of(fc));
  for (const p of params) h.update(p).update(Uint8Array.of(p.length >> 8, p.length & 0xff));
  return toHex(h.digest());
};
/** A parameter table of (offset, length) entries, little-endian u32 pairs. */
const table = (entries: Array<[number, number]>) => {
  const t = new Uint8Array(entries.length * 8), v = new DataView(t.buffer);
  entries.forEach(([o, l], i) => { v.setUint32(i * 8, o, true); v.setUint32(i * 8 + 4, l, true); });
  return t;
};
const scratch = (name: string) => fw.snapshot().subarray(fw.constant(`${name}_PTR`), fw.constant(`${name}_PTR`) + fw.constant(`${name}_LEN`));

describe('the caller-owned key context: fc 0x200 makes it, fc 0x100 | FC derives with it (any FC octet, 0x00 included)', () => {
  for (const fc of [0x00, 0x6b, 0xff]) {
    it(`context of KEY, then FC 0x${fc.toString(16).padStart(2, '0')} with it = HMAC-SHA-256(KEY, S); KDF_S is zero afterwards`, () => {
      const p0 = Uint8Array.from({ length: 45 }, (_, i) => i * 3);
      fw.putAt(0, KEY);
      expect(fw.tryCall('kdf', 0, 32, 0x200, 0, 0)).toBe(0);
      const ctx = fw.take(0, 64);
      fw.putAt(100, ctx); fw.putAt(200, p0); fw.putAt(300, table([[200, p0.length]]));
      expect(fw.tryCall('kdf', 100, 64, 0x100 | fc, 300, 1)).toBe(0);
      expect(toHex(fw.take(0, 32))).toBe(kdfRef(KEY, fc, [p0]));
      expect(scratch('KDF_S').every((b) => b === 0), 'S left in KDF_S').toBe(true);
    });
  }
  it('a context derivation changes nothing outside IO_OUT[0..32) and the HMAC work area', () => {
    fw.putAt(0, KEY);
    expect(fw.tryCall('kdf', 0, 32, 0x200, 0, 0)).toBe(0);
    fw.putAt(100, fw.take(0, 64)); fw.putAt(200, KEY); fw.putAt(300, table([[200, 32]]));
    const before = fw.snapshot();
    expect(fw.tryCall('kdf', 100, 64, 0x16b, 300, 1)).toBe(0);
    const after = fw.snapshot(), out = fw.constant('IO_OUT_PTR'), w = fw.constant('HMAC_WORK_PTR'), wl = fw.constant('HMAC_WORK_LEN');
    const diff = [...after.keys()].filter((i) => after[i] !== before[i] && !(i >= out && i < out + 32) && !(i >= w && i < w + wl));
    expect(diff.map((i) => i.toString(16))).toEqual([]);
  });
  it('a context must be 64 octets (keyLen 63 or 32 with fc 0x100 | FC → STATUS_ERR_LENGTH); a plain KDF takes a 64-octet key as a key', () => {
    fw.putAt(0, Uint8Array.from({ length: 64 }, (_, i) => i)); fw.putAt(100, table([[0, 3]]));
    refused('ERR_LENGTH', 0, 63, 0x16b, 100, 1);
    refused('ERR_LENGTH', 0, 32, 0x16b, 100, 1);
    expect(fw.tryCall('kdf', 0, 64, 0x6b, 100, 1)).toBe(0);
    expect(toHex(fw.take(0, 32))).toBe(kdfRef(Uint8Array.from({ length: 64 }, (_, i) => i), 0x6b, [Uint8Array.of(0, 1, 2)]));
  });
  it('no other mode: fc 0x200 with a parameter, 0x201, 0x2ff, 0x300 → STATUS_ERR_VALUE, nothing changed', () => {
    fw.putAt(0, KEY); fw.putAt(100, table([[0, 3]]));
    refused('ERR_VALUE', 0, 32, 0x200, 100, 1);
    for (const fc of [0x201, 0x2ff, 0x300, 0x400]) refused('ERR_VALUE', 0, 32, fc, 100, 0);
  });
});

describe('the parameter table and S = FC ‖ P0 ‖ L0 ‖ … ‖ Pn-1 ‖ Ln-1 within KDF_S (4,608 octets)', () => {
  it('512 empty parameters (the table is all of IO_IN, IO_IN_LEN / 8 entries): S of 1 + 512·2 octets; 513 → STATUS_ERR_RANGE', () => {
    // the key is the table's first 32 octets: all zero (entries (0, 0))
    expect(fw.tryCall('kdf', 0, 32, 0x6b, 0, 512)).toBe(0);
    expect(toHex(fw.take(0, 32))).toBe(kdfRef(new Uint8Array(32), 0x6b, Array.from({ length: 512 }, () => new Uint8Array(0))));
    refused('ERR_RANGE', 0, 32, 0x6b, 0, 513);
  });
  it('S of exactly 4,608 octets (two parameters of 4,096 and 507 octets, overlapping) accepted; one octet more → STATUS_ERR_LENGTH', () => {
    const io = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + 1) & 0xff);
    fw.putAt(0, io);
    const t = table([[0, 4096], [0, 507]]);
    fw.putAt(4000, t); // the table overwrites IO_IN[4000..4016) of the first parameter
    const p = fw.snapshot().slice(fw.inPtr, fw.inPtr + 4096);
    expect(fw.tryCall('kdf', 0, 32, 0x6b, 4000, 2)).toBe(0);
    expect(toHex(fw.take(0, 32))).toBe(kdfRef(p.subarray(0, 32), 0x6b, [p, p.subarray(0, 507)]));
    fw.putAt(4000, table([[0, 4096], [0, 508]]));
    refused('ERR_LENGTH', 0, 32, 0x6b, 4000, 2);
  });
  it('one parameter of 4,000 octets: KDF(KEY, FC ‖ P0 ‖ 0x0fa0)', () => {
    const p0 = Uint8Array.from({ length: 4000 }, (_, i) => (i * 13) & 0xff);
    fw.putAt(0, KEY); fw.putAt(48, p0); fw.putAt(32, table([[48, 4000]]));
    expect(fw.tryCall('kdf', 0, 32, 0x6b, 32, 1)).toBe(0);
    expect(toHex(fw.take(0, 32))).toBe(kdfRef(KEY, 0x6b, [p0]));
  });
  it('only the paramCount entries are read: a bad entry right after the table does not refuse the call', () => {
    fw.putAt(0, KEY); fw.putAt(32, Uint8Array.of(1, 2, 3));
    fw.putAt(64, Uint8Array.from([...table([[32, 3]]), ...table([[0xffffffff, 0xffffffff]])]));
    expect(fw.tryCall('kdf', 0, 32, 0x6b, 64, 1)).toBe(0);
    expect(toHex(fw.take(0, 32))).toBe(kdfRef(KEY, 0x6b, [Uint8Array.of(1, 2, 3)]));
  });
  it('a parameter that leaves the mailbox → STATUS_ERR_RANGE, nothing changed (the entry before the table and after it are zero)', () => {
    fw.putAt(0, KEY);
    fw.putAt(104, table([[4000, 200]]));
    refused('ERR_RANGE', 0, 32, 0x6b, 104, 1);
    fw.putAt(104, table([[0, 3], [4000, 97]]));
    refused('ERR_RANGE', 0, 32, 0x6b, 104, 2);
  });
});

describe('wipe_scratch: "IO_IN first and TMP last … one wipe covers them all", and nothing after TMP', () => {
  it('every octet from IO_IN to the end of TMP is zero afterwards; the context slots and UE_STATE are unchanged', () => {
    fw.putAt(0, KEY);
    expect(fw.tryCall('ctx_install', 1, 0, 3, 0, 1)).toBe(0); // a partial native context in slot NEW
    const mem = new Uint8Array(fw.raw.memory.buffer);
    const from = fw.constant('IO_IN_PTR'), to = fw.constant('TMP_PTR') + fw.constant('TMP_LEN');
    mem.fill(0xa5, from, to);
    const before = fw.snapshot();
    expect(fw.tryCall('wipe_scratch')).toBe(0);
    const after = fw.snapshot();
    expect(after.subarray(from, to).every((b) => b === 0), 'IO_IN … TMP').toBe(true);
    const diff = [...after.keys()].filter((i) => (i < from || i >= to) && after[i] !== before[i]);
    expect(diff.map((i) => i.toString(16))).toEqual([]);
  });
});
