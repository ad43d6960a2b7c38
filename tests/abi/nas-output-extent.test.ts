// How far the ciphering exports write (README "ABI"; assembly/me/abi/nas_alg.ts and primitives.ts):
// nas_cipher and uea2_f8 put "ceil(bitLen/8) bytes at IO_OUT[0..)" with the bits past LENGTH zero
// (TS 33.401 B.1.1: the ciphertext block has LENGTH bits; TS 33.501 D.2 keeps 128-NEA as 128-EEA).
// A caller that keeps a later field in IO_OUT (a host building a message around the ciphertext)
// relies on the octet after the output staying as it was. Found by the firmware mutation runner
// (issue 16): `rem != 0` → `rem != 1` in lib/util.ts clearTailBits (the tail clearing of UEA2 f8
// and 128-EEA3) zeroes the octet after a whole-octet output and survived every suite, since the
// tests compared only the output octets. Expected values come from the reference models written
// with node:crypto and the ETSI/SAGE specifications (host/reference/), never from the firmware.
import { describe, expect, it } from 'vitest';
import { instantiateSync } from '../../host/firmware/loader.js';
import { nea2Ref } from '../../host/reference/nas.js';
import { nea1Ref } from '../../host/reference/snow3g.js';
import { nea3Ref } from '../../host/reference/zuc.js';
import { toHex, UE_VECTORS_FILE } from '../helpers.js';

const fw = instantiateSync('ue');
/** The conformance build: ue.wasm plus the primitive-level exports (uea2_f8 …). */
const fwv = instantiateSync(UE_VECTORS_FILE);
const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0x5c ^ (i * 13));
const MSG = Uint8Array.from({ length: 48 }, (_, i) => (i * 41 + 7) & 0xff);
const COUNT = 0x72a4f20f, BEARER = 0x0c, DIRECTION = 1;
const SENTINEL = 0xa5;
const REFS: Record<number, (k: Uint8Array, c: number, b: number, d: number, m: Uint8Array, bits: number) => Uint8Array> = {
  0: (_k, _c, _b, _d, m) => m.slice(),
  1: nea1Ref, 2: nea2Ref, 3: nea3Ref,
};
/** The first `bits` bits of the reference output, the bits past LENGTH cleared. */
function expected(alg: number, bits: number): string {
  const n = Math.ceil(bits / 8);
  const want = Uint8Array.from(REFS[alg](KEY, COUNT, BEARER, DIRECTION, MSG.subarray(0, n), bits)).subarray(0, n);
  if (bits % 8) want[n - 1] &= 0xff << (8 - (bits % 8));
  return toHex(want);
}
// whole octets (where a clearing that runs anyway would reach the next octet) and 1 bit past them
const LENGTHS = [8, 9, 128, 129, 200, 257, 376, 377];

describe('nas_cipher writes exactly ceil(LENGTH/8) octets: the octet after the output is left as it was', () => {
  for (const alg of [0, 1, 2, 3]) {
    for (const bits of LENGTHS) {
      it(`128-NEA${alg}, LENGTH ${bits}: IO_OUT[0..${Math.ceil(bits / 8)}) is the ciphertext, the 8 octets after it keep their value`, () => {
        const n = Math.ceil(bits / 8), k = 64;
        fw.begin(); fw.putAt(0, MSG); fw.putAt(k, KEY);
        const mem = new Uint8Array(fw.raw.memory.buffer);
        mem.fill(SENTINEL, fw.outPtr, fw.outPtr + n + 8);
        expect(fw.tryCall('nas_cipher', alg, k, COUNT, BEARER, DIRECTION, 0, bits)).toBe(0);
        expect(toHex(fw.take(0, n))).toBe(expected(alg, bits));
        expect([...mem.subarray(fw.outPtr + n, fw.outPtr + n + 8)]).toEqual(new Array(8).fill(SENTINEL));
      });
    }
  }
});

describe('uea2_f8 (ETSI/SAGE UEA2&UIA2 Doc 1, 3.4) writes exactly ceil(LENGTH/8) octets: the octet after the output is left as it was', () => {
  for (const bits of LENGTHS) {
    it(`LENGTH ${bits}: IO_OUT[0..${Math.ceil(bits / 8)}) is OBS (= 128-NEA1 with COUNT-C = COUNT), the 8 octets after it keep their value`, () => {
      const n = Math.ceil(bits / 8), k = 64;
      fwv.begin(); fwv.putAt(0, MSG); fwv.putAt(k, KEY);
      const mem = new Uint8Array(fwv.raw.memory.buffer);
      mem.fill(SENTINEL, fwv.outPtr, fwv.outPtr + n + 8);
      expect(fwv.tryCall('uea2_f8', k, COUNT, BEARER, DIRECTION, 0, bits)).toBe(0);
      expect(toHex(fwv.take(0, n))).toBe(expected(1, bits));
      expect([...mem.subarray(fwv.outPtr + n, fwv.outPtr + n + 8)]).toEqual(new Array(8).fill(SENTINEL));
    });
  }
});
