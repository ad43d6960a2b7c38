// The raw ABI of the NAS algorithm exports (assembly/abi/nas_alg.ts, README "ABI"): nas_cipher
// returns "ceil(bitLen/8) bytes at IO_OUT[0..)" and nas_mac "4 bytes big-endian at IO_OUT[0..4)",
// with a 16-byte KEY that may end at the last byte of IO_IN. Found by the firmware mutation runner
// (issue 16): `NAS_KEY_LEN = 16 → 17`, `NAS_MAC_LEN = 4 → 5` and the byte count `+ 7 → + 8` of
// 128-NEA survived every suite. Expected values come from the clause text and node:crypto
// (host/reference/nas.ts), never from the firmware.
import { describe, expect, it } from 'vitest';
import { instantiateSync } from '../../host/firmware/loader.js';
import { nea2Ref, nia2Ref } from '../../host/reference/nas.js';
import { nea1Ref } from '../../host/reference/snow3g.js';
import { nea3Ref } from '../../host/reference/zuc.js';
import { toHex } from '../helpers.js';

const fw = instantiateSync('ue');
const ERR_RANGE = fw.constant('STATUS_ERR_RANGE');
const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0x2b ^ (i * 7));
const MSG = Uint8Array.from({ length: 37 }, (_, i) => (i * 29 + 3) & 0xff);
const COUNT = 0x398a59b4, BEARER = 0x15, DIRECTION = 1;
const mem = () => new Uint8Array(fw.raw.memory.buffer);

describe('TS 33.401 B.1.1 / B.2.1: KEY is 128 bits, NAS-MAC 32 bits (the exported lengths)', () => {
  it('NAS_ALG_KEY_LEN = 16 octets and NAS_ALG_MAC_LEN = 4 octets', () => {
    expect(fw.constant('NAS_ALG_KEY_LEN')).toBe(16);
    expect(fw.constant('NAS_ALG_MAC_LEN')).toBe(4);
  });
});

describe('mailbox boundary: the 16-octet KEY may end exactly at the last byte of IO_IN', () => {
  const last = fw.inLen - 16;
  it(`nas_cipher (128-NEA2) with KEY at IO_IN offset ${last}: accepted, the AES-CTR value of TS 33.401 B.1.3`, () => {
    fw.begin(); fw.putAt(0, MSG); fw.putAt(last, KEY);
    expect(fw.tryCall('nas_cipher', 2, last, COUNT, BEARER, DIRECTION, 0, MSG.length * 8)).toBe(0);
    expect(toHex(fw.take(0, MSG.length))).toBe(toHex(nea2Ref(KEY, COUNT, BEARER, DIRECTION, MSG, MSG.length * 8)));
  });
  it(`nas_mac (128-NIA2) with KEY at IO_IN offset ${last}: accepted, the AES-CMAC value of TS 33.401 B.2.3`, () => {
    fw.begin(); fw.putAt(0, MSG); fw.putAt(last, KEY);
    expect(fw.tryCall('nas_mac', 2, last, COUNT, BEARER, DIRECTION, 0, MSG.length * 8)).toBe(0);
    expect(toHex(fw.take(0, 4))).toBe(toHex(nia2Ref(KEY, COUNT, BEARER, DIRECTION, MSG, MSG.length * 8)));
  });
  it(`KEY at offset ${last + 1} (one octet past the mailbox): STATUS_ERR_RANGE for both`, () => {
    expect(fw.tryCall('nas_cipher', 2, last + 1, COUNT, BEARER, DIRECTION, 0, 64)).toBe(ERR_RANGE);
    expect(fw.tryCall('nas_mac', 2, last + 1, COUNT, BEARER, DIRECTION, 0, 64)).toBe(ERR_RANGE);
  });
});

describe('nas_cipher writes ceil(LENGTH / 8) octets to IO_OUT and not one more', () => {
  // LENGTH a multiple of 8 is where ceil(LENGTH / 8) and LENGTH / 8 + 1 differ.
  for (const [alg, name] of [[0, '128-NEA0'], [2, '128-NEA2']] as const) {
    for (const bits of [8, 128, MSG.length * 8]) {
      it(`${name}, LENGTH ${bits}: octet ${bits / 8} of IO_OUT keeps its value`, () => {
        const k = 64; fw.begin(); fw.putAt(0, MSG); fw.putAt(k, KEY);
        mem().fill(0xa5, fw.outPtr, fw.outPtr + 64);
        expect(fw.tryCall('nas_cipher', alg, k, COUNT, BEARER, DIRECTION, 0, bits)).toBe(0);
        const want = alg === 0 ? MSG.subarray(0, bits / 8) : nea2Ref(KEY, COUNT, BEARER, DIRECTION, MSG.subarray(0, bits / 8), bits);
        expect(toHex(fw.take(0, bits / 8))).toBe(toHex(want));
        expect(fw.take(bits / 8, 8)).toEqual(new Uint8Array(8).fill(0xa5));
      });
    }
  }
  it(`a ${fw.outLen}-octet message (all of IO_OUT; its last 16 octets double as KEY): nothing written past IO_OUT`, () => {
    const n = fw.outLen, big = Uint8Array.from({ length: n }, (_, i) => i & 0xff);
    expect(n).toBeLessThanOrEqual(fw.inLen);
    fw.begin(); fw.putAt(0, big);
    const end = fw.outPtr + n, after = mem().slice(end, end + 16);
    expect(fw.tryCall('nas_cipher', 0, n - 16, COUNT, BEARER, DIRECTION, 0, n * 8)).toBe(0);
    expect(toHex(fw.take(0, n))).toBe(toHex(big)); // 128-NEA0: "the KEYSTREAM is all zeroes" (TS 33.501 D.1)
    expect(mem().slice(end, end + 16)).toEqual(after);
  });
});

describe('README ABI: "A successful call writes its result at IO_OUT only; the algorithm state in CIPHER_CTX is wiped"', () => {
  // every algorithm and both operations: all 65,536 octets of memory except the result are as before
  for (const alg of [0, 1, 2, 3]) {
    for (const [op, n] of [['nas_cipher', MSG.length], ['nas_mac', 4]] as const) {
      it(`${op}, algorithm ${alg}: only IO_OUT[0..${n}) differs afterwards`, () => {
        // a fresh instance, so no earlier call with the same inputs left the same bytes anywhere
        const fw = instantiateSync('ue');
        const k = 64; fw.begin(); fw.putAt(0, MSG); fw.putAt(k, KEY);
        fw.tryCall('nas_mac', 2, k, 1, 1, 0, 0, 8); // CIPHER_CTX as any earlier call leaves it
        const before = fw.snapshot();
        expect(fw.tryCall(op, alg, k, COUNT, BEARER, DIRECTION, 0, MSG.length * 8)).toBe(0);
        const after = fw.snapshot(), changed: number[] = [];
        for (let i = 0; i < after.length; i++) if (after[i] !== before[i] && !(i >= fw.outPtr && i < fw.outPtr + n)) changed.push(i);
        expect(changed.slice(0, 8)).toEqual([]);
      });
    }
  }
});

// TS 33.401 B.1.1 (128-EEA, the 5G NEA of TS 33.501 D.2): the ciphertext block has LENGTH bits; the
// README ABI promises "bits past LENGTH in the last octet are cleared" by the module itself, not by
// the host wrapper (host/firmware/nas-algorithms.ts clears them again, so only a raw call sees it).
describe('nas_cipher clears the bits past LENGTH in its last output octet (raw export, before any host clearing)', () => {
  const refs = { 1: nea1Ref, 2: nea2Ref, 3: nea3Ref } as const;
  for (const alg of [1, 2, 3] as const) {
    for (const bits of [1, 5, 13, 100, 257, MSG.length * 8 - 3]) {
      it(`128-NEA${alg}, LENGTH ${bits}: the output equals the reference and its ${(8 - (bits % 8)) % 8} tail bits are 0`, () => {
        const k = 64, n = Math.ceil(bits / 8);
        fw.begin(); fw.putAt(0, MSG); fw.putAt(k, KEY);
        mem().fill(0xff, fw.outPtr, fw.outPtr + 64);
        expect(fw.tryCall('nas_cipher', alg, k, COUNT, BEARER, DIRECTION, 0, bits)).toBe(0);
        const out = fw.take(0, n);
        expect(out[n - 1] & (0xff >> (bits % 8 || 8))).toBe(0);
        const want = Uint8Array.from(refs[alg](KEY, COUNT, BEARER, DIRECTION, MSG.subarray(0, n), bits));
        want[n - 1] &= (0xff << ((8 - (bits % 8)) % 8)) & 0xff;
        expect(toHex(out)).toBe(toHex(want));
      });
    }
  }
});

describe('nas_cipher: a message may fill the whole mailbox (ceil(bitLen/8) = 4,096 octets land at IO_OUT[0..4096))', () => {
  it('128-NEA2 of 32,768 bits (the KEY overlaps the message start, allowed): the AES-CTR value of TS 33.401 B.1.3', () => {
    const msg = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) & 0xff);
    fw.begin(); fw.putAt(0, msg);
    expect(fw.tryCall('nas_cipher', 2, 0, COUNT, BEARER, DIRECTION, 0, 4096 * 8)).toBe(0);
    expect(toHex(fw.take(0, 4096))).toBe(toHex(nea2Ref(msg.subarray(0, 16), COUNT, BEARER, DIRECTION, msg, 4096 * 8)));
  });
});
