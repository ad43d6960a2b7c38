// Generated cases for the NAS algorithms (official vectors are in nas-vectors.test.ts):
// 128-NEA2 / 128-NIA2 against the independent node:crypto reference (host/reference/nas.ts) on
// random keys, COUNTs, BEARERs, DIRECTIONs and bit lengths 0–9,000; invariants for all four
// NEA/NIA; and the boundary: bad inputs return the right status, never trap, change no memory.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { instantiateSync } from '../../host/firmware/loader.js';
import { InputError } from '../../host/errors.js';
import { nasCipher, nasMac } from '../../host/firmware/nas-algorithms.js';
import { nea2Ref, nia2Ref } from '../../host/reference/nas.js';
import { toHex, UE_FILE, UE_VECTORS_FILE } from '../helpers.js';

const fw = instantiateSync(UE_FILE);
const fwv = instantiateSync(UE_VECTORS_FILE); // ue.wasm + the primitive-level test exports
const RUNS = { numRuns: 500 };
const STATUS = { OK: 0, RANGE: 1, VALUE: 3, ALGORITHM: 4 };
const MAX_BITS = 9000;

/** Random NEA/NIA inputs: the message has ceil(bits/8) bytes plus 0–3 spare ones, and its bits
 *  past LENGTH are random (they must not matter). */
const inputs = (algs: fc.Arbitrary<number>) => fc.record({
  alg: algs,
  key: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  count: fc.nat({ max: 0xffffffff }),
  bearer: fc.nat({ max: 31 }),
  direction: fc.nat({ max: 1 }),
  bits: fc.nat({ max: MAX_BITS }),
  spare: fc.nat({ max: 3 }),
  seed: fc.uint8Array({ minLength: 16, maxLength: 16 }),
}).map(({ spare, seed, ...r }) => {
  const message = new Uint8Array(Math.ceil(r.bits / 8) + spare);
  for (let i = 0; i < message.length; i++) message[i] = seed[i & 15] ^ (i * 167 + (i >> 4) * 29) & 0xff;
  return { ...r, message };
});
const anyAlg = fc.nat({ max: 3 });
const tailBitsZero = (b: Uint8Array, bits: number): boolean => bits % 8 === 0 || (b[b.length - 1] & (0xff >> (bits % 8))) === 0;

describe('128-NEA2 / 128-NIA2 against node:crypto (aes-128-ctr, CMAC over aes-128-cbc)', () => {
  it('128-NEA2, bit lengths 0–9,000', () => {
    fc.assert(fc.property(inputs(fc.constant(2)), (x) => {
      expect(toHex(nasCipher(fw, x))).toBe(toHex(nea2Ref(x.key, x.count, x.bearer, x.direction, x.message, x.bits)));
    }), RUNS);
  });
  it('128-NIA2, bit lengths 0–9,000', () => {
    fc.assert(fc.property(inputs(fc.constant(2)), (x) => {
      expect(toHex(nasMac(fw, x))).toBe(toHex(nia2Ref(x.key, x.count, x.bearer, x.direction, x.message, x.bits)));
    }), RUNS);
  });
  it('128-NIA2 around the CMAC block edges (BLENGTH = LENGTH + 64 near multiples of 128)', () => {
    const key = new Uint8Array(16).map((_, i) => i * 17), message = new Uint8Array(64).map((_, i) => 255 - i);
    for (let bits = 0; bits <= 8 * message.length; bits++) {
      const x = { alg: 2, key, count: 0x01020304 + bits, bearer: bits & 31, direction: bits & 1, message, bits };
      expect(toHex(nasMac(fw, x)), `bits=${bits}`).toBe(toHex(nia2Ref(key, x.count, x.bearer, x.direction, message, bits)));
    }
  });
});

describe('invariants of all four NEA / NIA', () => {
  it('ciphering twice gives the plaintext; output bits past LENGTH are zero', () => {
    fc.assert(fc.property(inputs(anyAlg), (x) => {
      const c = nasCipher(fw, x);
      expect(c.length).toBe(Math.ceil(x.bits / 8));
      expect(tailBitsZero(c, x.bits)).toBe(true);
      const p = nasCipher(fw, { ...x, message: c });
      const want = x.message.slice(0, c.length);
      if (x.bits % 8) want[want.length - 1] &= 0xff << (8 - (x.bits % 8));
      expect(toHex(p)).toBe(toHex(want));
    }), RUNS);
  });
  it('the MAC ignores message bits past LENGTH and bytes past ceil(LENGTH/8)', () => {
    fc.assert(fc.property(inputs(anyAlg), fc.nat({ max: 255 }), (x, noise) => {
      const other = x.message.slice();
      const n = Math.ceil(x.bits / 8);
      if (x.bits % 8) other[n - 1] ^= noise & (0xff >> (x.bits % 8));
      for (let i = n; i < other.length; i++) other[i] ^= noise;
      expect(toHex(nasMac(fw, { ...x, message: other }))).toBe(toHex(nasMac(fw, x)));
    }), { numRuns: 300 });
  });
  it('NIA0 gives four zero bytes and NEA0 returns the message (TS 33.501 D.1)', () => {
    fc.assert(fc.property(inputs(fc.constant(0)), (x) => {
      expect(toHex(nasMac(fw, x))).toBe('00000000');
      const want = x.message.slice(0, Math.ceil(x.bits / 8));
      if (x.bits % 8) want[want.length - 1] &= 0xff << (8 - (x.bits % 8));
      expect(toHex(nasCipher(fw, x))).toBe(toHex(want));
    }), { numRuns: 100 });
  });
  it('every input bit matters: flipping one message bit, COUNT, BEARER or DIRECTION changes the MAC', () => {
    fc.assert(fc.property(inputs(fc.constantFrom(1, 2, 3)).filter((x) => x.bits > 0), fc.nat(), fc.nat({ max: 3 }), (x, pos, what) => {
      const base = toHex(nasMac(fw, x));
      const y = { ...x, message: x.message.slice() };
      if (what === 0) { const b = pos % x.bits; y.message[b >> 3] ^= 0x80 >> (b & 7); }
      else if (what === 1) y.count = (x.count ^ (1 << (pos % 32))) >>> 0;
      else if (what === 2) y.bearer = x.bearer ^ (1 << (pos % 5));
      else y.direction = x.direction ^ 1;
      expect(toHex(nasMac(fw, y))).not.toBe(base);
    }), { numRuns: 300 });
  });
  it('the cipher context is wiped and no key byte is left outside the input mailbox', () => {
    const ctx = fw.constant('CIPHER_CTX_PTR'), ctxLen = fw.constant('CIPHER_CTX_LEN');
    fc.assert(fc.property(inputs(anyAlg), fc.boolean(), (x, mac) => {
      const key = x.key.map((v, i) => v | (i === 0 ? 0x80 : 0)); // never all-zero
      if (mac) nasMac(fw, { ...x, key }); else nasCipher(fw, { ...x, key });
      const mem = fw.snapshot();
      expect(mem.subarray(ctx, ctx + ctxLen).every((b) => b === 0)).toBe(true);
      const outside = Buffer.concat([mem.subarray(0, fw.inPtr), mem.subarray(fw.inPtr + fw.inLen)]);
      expect(outside.indexOf(Buffer.from(key))).toBe(-1);
    }), { numRuns: 200 });
  });
});

describe('boundary: bad inputs return a status, never trap, change no memory', () => {
  /** Call an export with raw arguments; the whole 64 KiB must be unchanged afterwards. */
  function rejects(name: string, args: number[], status: number, m = fw): void {
    const before = m.snapshot();
    let got: number | undefined;
    expect(() => { got = m.tryCall(name, ...args); }).not.toThrow();
    expect(got, `${name}(${args.join(', ')})`).toBe(status);
    const after = m.snapshot();
    expect(Buffer.compare(Buffer.from(before), Buffer.from(after)), `${name} changed memory`).toBe(0);
  }
  const setup = (m = fw): void => {
    m.begin(); m.put(new Uint8Array(16).fill(0x33)); m.put(new Uint8Array(64).fill(0x44));
    // leave a recognisable result in IO_OUT: a rejected call must not touch it
    m.call('nas_cipher', 2, 0, 7, 1, 0, 16, 512);
  };
  const u32 = fc.nat({ max: 0xffffffff });

  for (const name of ['nas_mac', 'nas_cipher']) {
    it(`${name}: algorithm 4..0xffffffff → STATUS_ERR_ALGORITHM`, () => {
      setup();
      fc.assert(fc.property(fc.oneof(fc.integer({ min: 4, max: 15 }), fc.integer({ min: 4, max: 0xffffffff })), u32, (alg, count) =>
        rejects(name, [alg, 0, count, 1, 0, 16, 512], STATUS.ALGORITHM)), { numRuns: 200 });
      rejects(name, [0xffffffff, 0, 0, 0, 0, 16, 8], STATUS.ALGORITHM);
    });
    it(`${name}: BEARER > 31 or DIRECTION > 1 → STATUS_ERR_VALUE`, () => {
      setup();
      rejects(name, [2, 0, 0, 32, 0, 16, 8], STATUS.VALUE);
      rejects(name, [1, 0, 0, 0, 2, 16, 8], STATUS.VALUE);
      rejects(name, [3, 0, 0, 0xffffffff, 0xffffffff, 16, 8], STATUS.VALUE);
      fc.assert(fc.property(fc.nat({ max: 3 }), fc.integer({ min: 32, max: 0xffffffff }), fc.integer({ min: 2, max: 0xffffffff }), fc.boolean(),
        (alg, bearer, direction, which) => rejects(name, [alg, 0, 0, which ? bearer : 5, which ? 0 : direction, 16, 8], STATUS.VALUE)), { numRuns: 200 });
    });
    it(`${name}: key or message outside the mailbox, or huge bitLen → STATUS_ERR_RANGE`, () => {
      setup();
      const bad: number[][] = [
        [2, 4081, 0, 1, 0, 16, 8],            // key runs past IO_IN
        [2, 0xffffffff, 0, 1, 0, 16, 8],      // key offset wraps
        [2, 0, 0, 1, 0, 4096, 8],             // message starts at the end
        [2, 0, 0, 1, 0, 4000, 8 * 97],        // message runs past IO_IN
        [2, 0, 0, 1, 0, 16, 0xffffffff],      // bitLen huge
        [2, 0, 0, 1, 0, 0, 8 * 4096 + 1],     // one bit more than the mailbox
        [2, 0, 0, 1, 0, 0xfffffff0, 256],     // offset + length overflows 32 bits
      ];
      for (const a of bad) rejects(name, a, STATUS.RANGE);
      fc.assert(fc.property(fc.nat({ max: 3 }), u32, u32, u32, (alg, keyOff, msgOff, bitLen) => {
        const n = Math.ceil(bitLen / 8);
        fc.pre(keyOff > 4080 || msgOff > 4096 || n > 4096 - msgOff);
        rejects(name, [alg, keyOff, 0, 1, 0, msgOff, bitLen], STATUS.RANGE);
      }), { numRuns: 300 });
    });
  }
  it('uea2_f8 / uia2_f9 / keystream / aes_cmac exports (ue-vectors build) reject bad input the same way', () => {
    setup(fwv);
    rejects('uea2_f8', [4081, 0, 0, 0, 16, 8], STATUS.RANGE, fwv);
    rejects('uea2_f8', [0, 0, 32, 0, 16, 8], STATUS.VALUE, fwv);
    rejects('uea2_f8', [0, 0, 0, 2, 16, 8], STATUS.VALUE, fwv);
    rejects('uea2_f8', [0, 0, 0, 0, 16, 0xffffffff], STATUS.RANGE, fwv);
    rejects('uia2_f9', [0, 0, 0, 2, 16, 8], STATUS.VALUE, fwv);
    rejects('uia2_f9', [0, 0, 0, 0, 4096, 1], STATUS.RANGE, fwv);
    for (const ks of ['snow3g_keystream', 'zuc_keystream']) {
      rejects(ks, [4081, 0, 0, 1], STATUS.RANGE, fwv);
      rejects(ks, [0, 4081, 0, 1], STATUS.RANGE, fwv);
      rejects(ks, [0, 16, 0, 1025], STATUS.RANGE, fwv);
      rejects(ks, [0, 16, 0, 0xffffffff], STATUS.RANGE, fwv);
      rejects(ks, [0, 16, 65537, 1], STATUS.VALUE, fwv);
    }
    rejects('aes_cmac', [0, 16, 4081], STATUS.RANGE, fwv);
    rejects('aes_cmac', [4081, 16, 0], STATUS.RANGE, fwv);
    rejects('aes_cmac', [0, 0xffffffff, 2], STATUS.RANGE, fwv);
  });
  it('edge lengths that do fit are accepted: bitLen 0 and a message that ends exactly at the mailbox end', () => {
    fw.begin(); fw.put(new Uint8Array(16).fill(1));
    for (let alg = 0; alg < 4; alg++) {
      expect(fw.tryCall('nas_mac', alg, 0, 0, 0, 0, 4096, 0)).toBe(STATUS.OK);
      expect(fw.tryCall('nas_cipher', alg, 0, 0, 0, 0, 4096, 0)).toBe(STATUS.OK);
      expect(fw.tryCall('nas_mac', alg, 0, 0, 0, 0, 16, 8 * 4080)).toBe(STATUS.OK);
      expect(fw.tryCall('nas_cipher', alg, 0, 0, 0, 0, 0, 8 * 4096)).toBe(STATUS.OK);
    }
  });
});

describe('host API validation (InputError names the field and the value)', () => {
  const ok = { alg: 2, key: new Uint8Array(16), count: 0, bearer: 1, direction: 0, message: new Uint8Array(8) };
  const cases: [string, object, RegExp][] = [
    ['key', { key: new Uint8Array(15) }, /^key must be 16 bytes, got 15$/],
    ['alg', { alg: 4 }, /^alg must be 0–3, got 4$/],
    ['bearer', { bearer: 32 }, /^bearer must be 0–31, got 32$/],
    ['direction', { direction: 2 }, /^direction must be 0–1, got 2$/],
    ['count', { count: 2 ** 32 }, /^count must be 0–4294967295, got 4294967296$/],
    ['count', { count: 1.5 }, /^count must be an integer, got 1.5$/],
    ['bits', { bits: 65 }, /^bits needs 9 message bytes, got 8$/],
    ['bits', { bits: -1 }, /^bits must be 0–32640, got -1$/],
    ['message', { message: new Uint8Array(5000) }, /^message must be at most 4080 bytes, got 5000$/],
    ['message', { message: 'abc' }, /^message must be a Uint8Array, got a string of 3 characters$/],
  ];
  for (const [field, patch, msg] of cases) {
    it(`${field}: ${msg.source}`, () => {
      for (const f of [nasMac, nasCipher]) {
        let err: unknown;
        try { f(fw, { ...ok, ...patch } as any); } catch (e) { err = e; }
        expect(err).toBeInstanceOf(InputError);
        expect((err as InputError).field).toBe(field);
        expect((err as Error).message).toMatch(msg);
      }
    });
  }
});
