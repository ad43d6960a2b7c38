// USIM algorithm known answers and differentials:
//  - every TS 35.208 MILENAGE test set (tests/vectors/ts35208-milenage.json) and every TS 35.233 TUAK test set
//    (tests/vectors/ts35233-tuak.json), run through the stateless exports of build/usim.wasm (host/firmware/usim-module.ts);
//  - MILENAGE on random inputs against host/reference/milenage.ts (node:crypto AES);
//  - TUAK on random inputs and lengths against host/reference/tuak.ts (BigInt Keccak/TUAK from
//    FIPS 202 and TS 35.231), whose Keccak is itself checked here against node:crypto SHA3-256.
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsimModule } from '../../host/firmware/usim-module.js';
import { milenageOpc, milenageRef } from '../../host/reference/milenage.js';
import { keccakF1600, tuakRef as tuakReference, tuakTopcRef } from '../../host/reference/tuak.js';
import { hex, toHex, vectorCases } from '../helpers.js';

const usim = new UsimModule();
const mil = { entries: vectorCases('ts35208-milenage.json') };
const tuak = { entries: vectorCases('ts35233-tuak.json') };

/** A set's published outputs, in the order f1, f1*, f2, f3, f4, f5, f5* (OPc or TOPc first). */
function expectSet(o: { opc: Uint8Array; macA: Uint8Array; macS: Uint8Array; res: Uint8Array; ck: Uint8Array; ik: Uint8Array; ak: Uint8Array; akStar: Uint8Array }, v: any, opc: string): void {
  expect([o.opc, o.macA, o.macS, o.res, o.ck, o.ik, o.ak, o.akStar].map(toHex)).toEqual([opc, v.f1, v.f1star, v.f2, v.f3, v.f4, v.f5, v.f5star]);
}

describe('MILENAGE: TS 35.208 test sets (tests/vectors/ts35208-milenage.json)', () => {
  for (const v of mil.entries) {
    it(v.source, () => {
      const inputs = { k: hex(v.K), rand: hex(v.RAND), sqn: hex(v.SQN), amf: hex(v.AMF) };
      for (const o of [usim.milenage({ ...inputs, op: hex(v.OP) }), usim.milenage({ ...inputs, opc: hex(v.OPc) })]) {
        expectSet(o, v, v.OPc);
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

/** TUAK options from a TS 35.233 test set's lengths_bits and keccak_iterations. */
const tuakOpts = (v: any) => ({
  iterations: v.keccak_iterations, macBits: v.lengths_bits.MAC, resBits: v.lengths_bits.RES,
  ckBits: v.lengths_bits.CK, ikBits: v.lengths_bits.IK,
});

describe('TUAK: TS 35.233 test sets (tests/vectors/ts35233-tuak.json)', () => {
  for (const v of tuak.entries) {
    it(`${v.source} (K ${v.lengths_bits.K}, MAC ${v.lengths_bits.MAC}, RES ${v.lengths_bits.RES}, CK ${v.lengths_bits.CK}, IK ${v.lengths_bits.IK}, ${v.keccak_iterations} iteration(s))`, () => {
      const inputs = { k: hex(v.K), rand: hex(v.RAND), sqn: hex(v.SQN), amf: hex(v.AMF), ...tuakOpts(v) };
      for (const o of [usim.tuak({ ...inputs, top: hex(v.TOP) }), usim.tuak({ ...inputs, topc: hex(v.TOPc) })]) {
        expectSet(o, v, v.TOPc);
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

// The TUAK oracle is host/reference/tuak.ts (BigInt Keccak-f[1600] + TS 35.231), shared with the
// UDM model. `tuakRef` below adapts it to TOP (not TOPc) and byte lengths.
const tuakFromTop = (k: Uint8Array, top: Uint8Array, rand: Uint8Array, sqn: Uint8Array, amf: Uint8Array, it: number, mac: number, res: number, ck: number, ik: number) => {
  const opc = tuakTopcRef(k, top, it);
  return { opc, ...tuakReference(k, opc, rand, sqn, amf, { iterations: it, macBits: 8 * mac, resBits: 8 * res, ckBits: 8 * ck, ikBits: 8 * ik }) };
};

describe('Keccak-f[1600] / TUAK differentials', () => {
  it('the reference Keccak computes SHA3-256 like node:crypto (FIPS 202 6.1, one block)', () => {
    for (const len of [0, 1, 3, 55, 64, 100, 135]) {
      const msg = randomBytes(len);
      const s = new Uint8Array(200);
      s.set(msg); s[len] ^= 0x06; s[135] ^= 0x80; // SHA3 domain bits 01 and pad10*1, rate 136 bytes
      keccakF1600(s);
      expect(toHex(s.subarray(0, 32))).toBe(createHash('sha3-256').update(msg).digest('hex'));
    }
  });
  it('the reference TUAK reproduces every TS 35.233 set', () => {
    for (const v of tuak.entries) {
      const L = v.lengths_bits;
      const o = tuakFromTop(hex(v.K), hex(v.TOP), hex(v.RAND), hex(v.SQN), hex(v.AMF), v.keccak_iterations, L.MAC / 8, L.RES / 8, L.CK / 8, L.IK / 8);
      expect([o.opc, o.macA, o.macS, o.res, o.ck, o.ik, o.ak, o.akStar].map(toHex))
        .toEqual([v.TOPc, v.f1, v.f1star, v.f2, v.f3, v.f4, v.f5, v.f5star]);
    }
  });
  it('firmware TUAK = reference TUAK on random inputs, every length and 1-3 iterations (150 runs)', () => {
    const b = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
    fc.assert(fc.property(
      fc.constantFrom(16, 32).chain((n) => b(n)), b(32), b(16), b(6), b(2), fc.integer({ min: 1, max: 3 }),
      fc.constantFrom(8, 16, 32), fc.constantFrom(4, 8, 16, 32), fc.constantFrom(16, 32), fc.constantFrom(16, 32),
      (k, top, rand, sqn, amf, it, mac, res, ck, ik) => {
        const fw = usim.tuak({ k, top, rand, sqn, amf, iterations: it, macBits: mac * 8, resBits: res * 8, ckBits: ck * 8, ikBits: ik * 8 });
        const ref = tuakFromTop(k, top, rand, sqn, amf, it, mac, res, ck, ik);
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
