// USIM algorithm known answers and differentials:
//  - every TS 35.208 MILENAGE test set (milenage.json) and every TS 35.233 TUAK test set
//    (tuak.json), run through the stateless exports of build/usim.wasm (host/usim/module.ts);
//  - MILENAGE on random inputs against host/reference/milenage.ts (node:crypto AES);
//  - TUAK on random inputs and lengths against a BigInt Keccak/TUAK written here from FIPS 202 and
//    TS 35.231, whose Keccak is itself checked against node:crypto SHA3-256.
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsimModule } from '../host/usim/module.js';
import { milenageOpc, milenageRef } from '../host/reference/milenage.js';
import { hex, loadVectors, toHex } from './helpers.js';

const usim = new UsimModule();
const mil = loadVectors('milenage.json');
const tuak = loadVectors('tuak.json');

describe('MILENAGE: TS 35.208 test sets (milenage.json)', () => {
  for (const v of mil.entries) {
    it(v.source, () => {
      const inputs = { k: hex(v.K), rand: hex(v.RAND), sqn: hex(v.SQN), amf: hex(v.AMF) };
      for (const o of [usim.milenage({ ...inputs, op: hex(v.OP) }), usim.milenage({ ...inputs, opc: hex(v.OPc) })]) {
        expect(toHex(o.opc)).toBe(v.OPc);
        expect(toHex(o.macA)).toBe(v.f1);
        expect(toHex(o.macS)).toBe(v.f1star);
        expect(toHex(o.res)).toBe(v.f2);
        expect(toHex(o.ck)).toBe(v.f3);
        expect(toHex(o.ik)).toBe(v.f4);
        expect(toHex(o.ak)).toBe(v.f5);
        expect(toHex(o.akStar)).toBe(v.f5star);
      }
    });
  }
  it('the reference (node:crypto) agrees with every set too', () => {
    for (const v of mil.entries) {
      const opc = milenageOpc(hex(v.K), hex(v.OP));
      expect(toHex(opc)).toBe(v.OPc);
      const o = milenageRef(hex(v.K), opc, hex(v.RAND), hex(v.SQN), hex(v.AMF));
      expect([o.macA, o.macS, o.res, o.ck, o.ik, o.ak, o.akStar].map(toHex))
        .toEqual([v.f1, v.f1star, v.f2, v.f3, v.f4, v.f5, v.f5star]);
    }
  });
});

/** TUAK options from a tuak.json entry's lengths_bits and keccak_iterations. */
const tuakOpts = (v: any) => ({
  iterations: v.keccak_iterations, macBits: v.lengths_bits.MAC, resBits: v.lengths_bits.RES,
  ckBits: v.lengths_bits.CK, ikBits: v.lengths_bits.IK,
});

describe('TUAK: TS 35.233 test sets (tuak.json)', () => {
  for (const v of tuak.entries) {
    it(`${v.source} (K ${v.lengths_bits.K}, MAC ${v.lengths_bits.MAC}, RES ${v.lengths_bits.RES}, CK ${v.lengths_bits.CK}, IK ${v.lengths_bits.IK}, ${v.keccak_iterations} iteration(s))`, () => {
      const inputs = { k: hex(v.K), rand: hex(v.RAND), sqn: hex(v.SQN), amf: hex(v.AMF), ...tuakOpts(v) };
      for (const o of [usim.tuak({ ...inputs, top: hex(v.TOP) }), usim.tuak({ ...inputs, topc: hex(v.TOPc) })]) {
        expect(toHex(o.opc)).toBe(v.TOPc);
        expect(toHex(o.macA)).toBe(v.f1);
        expect(toHex(o.macS)).toBe(v.f1star);
        expect(toHex(o.res)).toBe(v.f2);
        expect(toHex(o.ck)).toBe(v.f3);
        expect(toHex(o.ik)).toBe(v.f4);
        expect(toHex(o.ak)).toBe(v.f5);
        expect(toHex(o.akStar)).toBe(v.f5star);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Differential MILENAGE

describe('MILENAGE firmware = node:crypto reference on random inputs', () => {
  const b = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
  it('f1, f1*, f2..f5*, OPc agree (300 runs)', () => {
    fc.assert(fc.property(b(16), b(16), b(16), b(6), b(2), fc.boolean(), (k, op, rand, sqn, amf, fromOp) => {
      const opc = milenageOpc(k, op);
      const fw = usim.milenage(fromOp ? { k, op, rand, sqn, amf } : { k, opc, rand, sqn, amf });
      const ref = milenageRef(k, opc, rand, sqn, amf);
      expect(toHex(fw.opc)).toBe(toHex(opc));
      for (const f of ['macA', 'macS', 'res', 'ck', 'ik', 'ak', 'akStar'] as const) expect(toHex(fw[f])).toBe(toHex(ref[f]));
    }), { numRuns: 300 });
  });
});

// ---------------------------------------------------------------------------------------------
// An independent BigInt Keccak-f[1600] (FIPS 202 3.2, written with explicit x, y and the rc(t)
// LFSR rather than tables) and TUAK on top of it (TS 35.231 5.3, 6.1-6.5).

const M64 = (1n << 64n) - 1n;
const rotl = (v: bigint, n: number) => (n === 0 ? v : ((v << BigInt(n)) | (v >> BigInt(64 - n))) & M64);
/** rc(t) of FIPS 202 Algorithm 5; bit i of `r` is R[i]. */
function rc(t: number): number {
  if (t % 255 === 0) return 1;
  let r = 1; // R = 10000000
  for (let i = 1; i <= t % 255; i++) {
    r <<= 1; // R = 0 ‖ R
    const r8 = (r >> 8) & 1;
    r ^= r8 | (r8 << 4) | (r8 << 5) | (r8 << 6); // R[0], R[4], R[5], R[6] ^= R[8]
    r &= 0xff; // Trunc8
  }
  return r & 1;
}
const RC: bigint[] = Array.from({ length: 24 }, (_, ir) => {
  let v = 0n;
  for (let j = 0; j <= 6; j++) if (rc(j + 7 * ir)) v |= 1n << BigInt((1 << j) - 1);
  return v;
});
/** ρ offsets r[x][y] (FIPS 202 3.2.2, computed by the (t+1)(t+2)/2 walk). */
const RHO: number[][] = (() => {
  const r = Array.from({ length: 5 }, () => new Array(5).fill(0));
  let x = 1, y = 0;
  for (let t = 0; t < 24; t++) { r[x][y] = (((t + 1) * (t + 2)) / 2) % 64; [x, y] = [y, (2 * x + 3 * y) % 5]; }
  return r;
})();

function keccakF1600Ref(state: Uint8Array): void {
  const dv = new DataView(state.buffer, state.byteOffset, 200);
  const A = Array.from({ length: 5 }, (_, x) => Array.from({ length: 5 }, (_, y) => dv.getBigUint64(8 * (x + 5 * y), true)));
  for (let ir = 0; ir < 24; ir++) {
    const C = A.map((col) => col.reduce((p, q) => p ^ q));
    const D = C.map((_, x) => C[(x + 4) % 5] ^ rotl(C[(x + 1) % 5], 1));
    for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) A[x][y] ^= D[x];
    const B = Array.from({ length: 5 }, () => new Array<bigint>(5).fill(0n));
    for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) B[y][(2 * x + 3 * y) % 5] = rotl(A[x][y], RHO[x][y]);
    for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) A[x][y] = B[x][y] ^ (~B[(x + 1) % 5][y] & M64 & B[(x + 2) % 5][y]);
    A[0][0] ^= RC[ir];
  }
  for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) dv.setBigUint64(8 * (x + 5 * y), A[x][y], true);
}

const rev = (b: Uint8Array) => b.slice().reverse();
/** TUAK IN (TS 35.231 5.3), Keccak'd `it` times; returns the final state. */
function tuakCoreRef(topc: Uint8Array, inst: number, rand: Uint8Array, amf: Uint8Array, sqn: Uint8Array, k: Uint8Array, it: number): Uint8Array {
  const s = new Uint8Array(200);
  s.set(rev(topc), 0); s[32] = inst; s.set(rev(new TextEncoder().encode('TUAK1.0')), 33);
  s.set(rev(rand), 40); s.set(rev(amf), 56); s.set(rev(sqn), 58);
  const key = new Uint8Array(32); key.set(k, 32 - k.length); // KEY = 0^(256-|K|) ‖ K
  s.set(rev(key).subarray(0, 32), 64);
  s[96] = 0x1f; s[135] = 0x80;
  for (let i = 0; i < it; i++) keccakF1600Ref(s);
  return s;
}
function tuakRef(k: Uint8Array, top: Uint8Array, rand: Uint8Array, sqn: Uint8Array, amf: Uint8Array, it: number, mac: number, res: number, ck: number, ik: number) {
  const z16 = new Uint8Array(16), z6 = new Uint8Array(6), z2 = new Uint8Array(2);
  const kb = k.length === 32 ? 1 : 0;
  const lenBits = (n: number) => ({ 4: 0, 8: 0x08, 16: 0x10, 32: 0x20 } as Record<number, number>)[n];
  const topc = rev(tuakCoreRef(top, kb, z16, z2, z6, k, it).subarray(0, 32));
  const f1 = (star: boolean) => rev(tuakCoreRef(topc, (star ? 0x80 : 0) | lenBits(mac) | kb, rand, amf, sqn, k, it).subarray(0, mac));
  const s2 = tuakCoreRef(topc, 0x40 | lenBits(res) | (ck === 32 ? 4 : 0) | (ik === 32 ? 2 : 0) | kb, rand, z2, z6, k, it);
  const s5 = tuakCoreRef(topc, 0xc0 | kb, rand, z2, z6, k, it);
  return {
    opc: topc, macA: f1(false), macS: f1(true), res: rev(s2.subarray(0, res)), ck: rev(s2.subarray(32, 32 + ck)),
    ik: rev(s2.subarray(64, 64 + ik)), ak: rev(s2.subarray(96, 102)), akStar: rev(s5.subarray(96, 102)),
  };
}

describe('Keccak-f[1600] / TUAK differentials', () => {
  it('the BigInt Keccak computes SHA3-256 like node:crypto (FIPS 202 6.1, one block)', () => {
    for (const len of [0, 1, 3, 55, 64, 100, 135]) {
      const msg = randomBytes(len);
      const s = new Uint8Array(200);
      s.set(msg); s[len] ^= 0x06; s[135] ^= 0x80; // SHA3 domain bits 01 and pad10*1, rate 136 bytes
      keccakF1600Ref(s);
      expect(toHex(s.subarray(0, 32))).toBe(createHash('sha3-256').update(msg).digest('hex'));
    }
  });
  it('the BigInt TUAK reproduces every TS 35.233 set', () => {
    for (const v of tuak.entries) {
      const L = v.lengths_bits;
      const o = tuakRef(hex(v.K), hex(v.TOP), hex(v.RAND), hex(v.SQN), hex(v.AMF), v.keccak_iterations, L.MAC / 8, L.RES / 8, L.CK / 8, L.IK / 8);
      expect([o.opc, o.macA, o.macS, o.res, o.ck, o.ik, o.ak, o.akStar].map(toHex))
        .toEqual([v.TOPc, v.f1, v.f1star, v.f2, v.f3, v.f4, v.f5, v.f5star]);
    }
  });
  it('firmware TUAK = BigInt TUAK on random inputs, every length and 1-3 iterations (150 runs)', () => {
    const b = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
    fc.assert(fc.property(
      fc.constantFrom(16, 32).chain((n) => b(n)), b(32), b(16), b(6), b(2), fc.integer({ min: 1, max: 3 }),
      fc.constantFrom(8, 16, 32), fc.constantFrom(4, 8, 16, 32), fc.constantFrom(16, 32), fc.constantFrom(16, 32),
      (k, top, rand, sqn, amf, it, mac, res, ck, ik) => {
        const fw = usim.tuak({ k, top, rand, sqn, amf, iterations: it, macBits: mac * 8, resBits: res * 8, ckBits: ck * 8, ikBits: ik * 8 });
        const ref = tuakRef(k, top, rand, sqn, amf, it, mac, res, ck, ik);
        for (const f of ['opc', 'macA', 'macS', 'res', 'ck', 'ik', 'ak', 'akStar'] as const) expect(toHex(fw[f])).toBe(toHex(ref[f]));
      }), { numRuns: 150 });
  });
});

describe('host validation names the field and the value', () => {
  const z = (n: number) => new Uint8Array(n);
  it('milenage / tuak reject bad lengths before the module', () => {
    expect(() => usim.milenage({ k: z(15), opc: z(16), rand: z(16), sqn: z(6), amf: z(2) })).toThrow('k must be 16 bytes, got 15');
    expect(() => usim.milenage({ k: z(16), rand: z(16), sqn: z(6), amf: z(2) })).toThrow(/exactly one of op and opc/);
    expect(() => usim.milenage({ k: z(16), opc: z(16), rand: z(16), sqn: z(5), amf: z(2) })).toThrow('sqn must be 6 bytes, got 5');
    expect(() => usim.tuak({ k: z(24), topc: z(32), rand: z(16), sqn: z(6), amf: z(2) })).toThrow('k must be 16 or 32 bytes, got 24');
    expect(() => usim.tuak({ k: z(16), topc: z(32), rand: z(16), sqn: z(6), amf: z(2), macBits: 96 })).toThrow('macBits must be 64 or 128 or 256, got 96');
    expect(() => usim.tuak({ k: z(16), topc: z(32), rand: z(16), sqn: z(6), amf: z(2), iterations: 0 })).toThrow(/iterations must be an integer 1–255, got 0/);
  });
});
