// USIM AUTHENTICATE (TS 33.102 6.3.3) and the card's state, against the network side of
// host/reference/milenage.ts (node:crypto): success, MAC failure with no memory change at all,
// synchronisation failure with an AUTS the AuC resynchronises from, the SQN array of Annex C
// (IND slots, Δ, age limit L), personalisation rules, NVM save/restore (power cycle), a TUAK card,
// totality of every export on bad input, and the module's properties.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Firmware, wasmBytes } from '../../host/firmware/loader.js';
import { FormatError, InputError, StateError } from '../../host/errors.js';
import { NVM, UsimModule } from '../../host/firmware/usim-module.js';
import { generateAuthVector, milenageRef, resyncSqnMs, sqnBytes, sqnValue } from '../../host/reference/milenage.js';
import { hex, toHex, vectorCases, USIM_FILE, VARIANT } from '../helpers.js';
import { inspect } from '../abi/wasm-props.js';

const usimBytes = wasmBytes(USIM_FILE);
const usimModule = new WebAssembly.Module(usimBytes);
/** A new card: a fresh instance of the module (blank NVM). */
const newCard = () => new UsimModule(new Firmware(new WebAssembly.Instance(usimModule, {}).exports as any, usimModule));
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

// Subscriber of TS 35.208 Test Set 1.
const set1 = vectorCases('ts35208-milenage.json')[0];
const K = hex(set1.K), OPC = hex(set1.OPc), OP = hex(set1.OP);
const AMF = hex('8000'); // separation bit set, as 5G requires (TS 33.501 6.1.3.2; not checked by the USIM)
/** SQN = SEQ ‖ IND (TS 33.102 C.1.1.1). */
const sqnOf = (seq: number, ind: number, indBits = 5) => sqnBytes((BigInt(seq) << BigInt(indBits)) | BigInt(ind));

function milenageCard(): UsimModule {
  const c = newCard();
  c.personalise({ algorithm: 'milenage', k: K, opc: OPC });
  return c;
}
/** AuC side: a vector for SQN with a fresh RAND. */
const av = (sqn: Uint8Array, rand = new Uint8Array(randomBytes(16))) => generateAuthVector(K, OPC, rand, sqn, AMF);
const auth = (c: UsimModule, v: ReturnType<typeof av>) => c.authenticate(v.rand, v.autn);

describe('AUTHENTICATE, MILENAGE card (TS 33.102 6.3.3)', () => {
  it('success: RES, CK, IK equal the AuC’s XRES, CK, IK', () => {
    const c = milenageCard();
    for (let seq = 1; seq <= 5; seq++) {
      const v = av(sqnOf(seq, seq % 32));
      const r = auth(c, v);
      expect(r.kind).toBe('ok');
      if (r.kind !== 'ok') return;
      expect(toHex(r.res)).toBe(toHex(v.xres));
      expect(toHex(r.ck)).toBe(toHex(v.ck));
      expect(toHex(r.ik)).toBe(toHex(v.ik));
    }
    expect(c.sqnState().sqnMs).toBe(sqnValue(sqnOf(5, 5)));
  });

  it('personalised from OP derives the same OPc (TS 35.206 4.1)', () => {
    const c = newCard();
    c.personalise({ algorithm: 'milenage', k: K, op: OP });
    const v = av(sqnOf(1, 0));
    const r = auth(c, v);
    expect(r.kind === 'ok' && toHex(r.res)).toBe(toHex(v.xres));
  });

  it('replayed AUTN → synchronisation failure; the AuC recovers SQN_MS from AUTS (6.3.5)', () => {
    const c = milenageCard();
    const v = av(sqnOf(7, 3));
    expect(auth(c, v).kind).toBe('ok');
    const before = c.saveState();
    const r = auth(c, v);
    expect(r.kind).toBe('sync-failure');
    if (r.kind !== 'sync-failure') return;
    expect(r.auts.length).toBe(14);
    expect(toHex(resyncSqnMs(K, OPC, v.rand, r.auts)!)).toBe(toHex(sqnOf(7, 3)));
    expect(same(c.saveState(), before)).toBe(true); // a failed check changes no stored SQN
    // AUTS = (SQN_MS ⊕ AK*) ‖ MAC-S with AMF = 0x0000, byte for byte
    const o = milenageRef(K, OPC, v.rand, sqnOf(7, 3), new Uint8Array(2));
    expect(toHex(r.auts)).toBe(toHex(sqnOf(7, 3).map((b, i) => b ^ o.akStar[i])) + toHex(o.macS));
    // after resynchronisation the AuC continues above SQN_MS
    expect(auth(c, av(sqnOf(8, 0))).kind).toBe('ok');
  });

  it('resync round trip on random SQN_MS (100 runs)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 31 }), (seq, ind) => {
      const c = milenageCard();
      c.configureSqn({ indBits: 5, delta: 2n ** 43n - 1n });
      expect(auth(c, av(sqnOf(seq, ind))).kind).toBe('ok');
      const v = av(sqnOf(seq, ind));
      const r = auth(c, v);
      expect(r.kind === 'sync-failure' && toHex(resyncSqnMs(K, OPC, v.rand, r.auts)!)).toBe(toHex(sqnOf(seq, ind)));
    }), { numRuns: 100 });
  });

  it('bad MAC → MAC failure and all 65536 bytes of memory unchanged', () => {
    const c = milenageCard();
    expect(auth(c, av(sqnOf(1, 1))).kind).toBe('ok');
    const v = av(sqnOf(2, 2));
    for (const [what, at] of [['MAC', 15], ['AMF', 7], ['SQN ⊕ AK', 0]] as const) {
      for (let bit = 0; bit < 8; bit++) {
        const autn = v.autn.slice();
        autn[at] ^= 1 << bit;
        expect(c.authenticate(v.rand, autn), `${what} bit ${bit}`).toEqual({ kind: 'mac-failure' });
        // raw call: nothing anywhere in memory changes (a different call first, so that scratch
        // left behind by a previous identical computation could not hide a change)
        c.milenage({ k: new Uint8Array(randomBytes(16)), opc: OPC, rand: v.rand, sqn: sqnOf(bit, 0), amf: AMF });
        c.fw.begin();
        const ro = c.fw.put(v.rand), ao = c.fw.put(autn);
        const snap = c.fw.snapshot();
        expect(c.fw.tryCall('usim_authenticate', ro, ao, 16)).toBe(5);
        expect(same(c.fw.snapshot(), snap)).toBe(true);
        c.fw.raw.usim_clear();
      }
    }
    // a wrong RAND is a MAC failure too
    expect(c.authenticate(new Uint8Array(randomBytes(16)), v.autn).kind).toBe('mac-failure');
    expect(auth(c, v).kind).toBe('ok');
  });

  it('no K, OPc, CK or IK left outside PERSIST after a call', () => {
    const c = milenageCard();
    const v = av(sqnOf(3, 1));
    expect(auth(c, v).kind).toBe('ok');
    const mem = Buffer.from(c.fw.snapshot());
    const p = c.fw.constant('PERSIST_PTR');
    const outside = Buffer.concat([mem.subarray(0, p), mem.subarray(p + c.fw.constant('PERSIST_LEN'))]);
    for (const secret of [K, OPC, v.ck, v.ik]) expect(outside.indexOf(Buffer.from(secret.subarray(0, 8)))).toBe(-1);
    expect(outside.indexOf(Buffer.from(v.xres))).toBe(-1);
  });
});

describe('SQN array scheme (TS 33.102 Annex C.2)', () => {
  it('each IND slot is checked on its own; SQN_MS stays the highest accepted', () => {
    const c = milenageCard();
    expect(auth(c, av(sqnOf(10, 3))).kind).toBe('ok');
    expect(auth(c, av(sqnOf(4, 7))).kind).toBe('ok');  // lower SEQ, other slot: fresh there
    expect(auth(c, av(sqnOf(10, 3))).kind).toBe('sync-failure'); // SEQ ≤ SEQ_MS(3)
    expect(auth(c, av(sqnOf(9, 3))).kind).toBe('sync-failure');
    expect(auth(c, av(sqnOf(4, 7))).kind).toBe('sync-failure');
    expect(auth(c, av(sqnOf(5, 7))).kind).toBe('ok');
    const s = c.sqnState();
    expect(s.seqMs[3]).toBe(10n);
    expect(s.seqMs[7]).toBe(5n);
    expect(s.sqnMs).toBe(sqnValue(sqnOf(10, 3)));
    // the AUTS of a failure in another slot still carries SQN_MS (the highest anywhere)
    const v = av(sqnOf(1, 7));
    const r = auth(c, v);
    expect(r.kind === 'sync-failure' && toHex(resyncSqnMs(K, OPC, v.rand, r.auts)!)).toBe(toHex(sqnOf(10, 3)));
  });

  it('Δ: SEQ − SEQ_MS ≤ Δ (C.2.1)', () => {
    const c = milenageCard();
    c.configureSqn({ indBits: 5, delta: 100 });
    expect(auth(c, av(sqnOf(100, 0))).kind).toBe('ok');   // 100 − 0 = Δ
    expect(auth(c, av(sqnOf(201, 1))).kind).toBe('sync-failure'); // 201 − 100 > Δ
    expect(c.sqnState().seqMs[1]).toBe(0n);
    expect(auth(c, av(sqnOf(200, 1))).kind).toBe('ok');
  });

  it('age limit L: SEQ_MS − SEQ < L (C.2.2); L = 0 means not applied', () => {
    const c = milenageCard();
    c.configureSqn({ indBits: 5, delta: 1000, ageLimit: 3 });
    expect(auth(c, av(sqnOf(10, 0))).kind).toBe('ok');
    expect(auth(c, av(sqnOf(7, 1))).kind).toBe('sync-failure'); // 10 − 7 = 3 ≥ L
    expect(auth(c, av(sqnOf(8, 1))).kind).toBe('ok');           // 10 − 8 = 2 < L
    c.configureSqn({ indBits: 5, delta: 1000, ageLimit: 0 });
    expect(auth(c, av(sqnOf(1, 2))).kind).toBe('ok');
  });

  it('IND length: 0 bits is one counter; it can change only before the first accepted SQN', () => {
    const c = milenageCard();
    c.configureSqn({ indBits: 0, delta: 2 ** 28 });
    expect(auth(c, av(sqnOf(5, 0, 0))).kind).toBe('ok');
    expect(auth(c, av(sqnOf(4, 0, 0))).kind).toBe('sync-failure');
    expect(auth(c, av(sqnOf(6, 0, 0))).kind).toBe('ok');
    expect(() => c.configureSqn({ indBits: 5, delta: 2 ** 28 })).toThrow(StateError);
    c.configureSqn({ indBits: 0, delta: 10, ageLimit: 4 }); // same IND length: allowed
    expect(c.sqnState()).toMatchObject({ indBits: 0, delta: 10n, ageLimit: 4n });
    expect(() => c.configureSqn({ indBits: 6, delta: 1 })).toThrow(InputError);
    expect(() => c.configureSqn({ indBits: 5, delta: 0 })).toThrow('delta must be 1 – 2^48−1, got 0');
  });
});

describe('personalisation and NVM image', () => {
  it('K and OPc are written once; factory reset allows a new personalisation', () => {
    const c = milenageCard();
    expect(() => c.personalise({ algorithm: 'milenage', k: K, opc: OPC })).toThrow(StateError);
    c.factoryReset();
    expect(c.personalised).toBe(false);
    expect(same(c.saveState(), new Uint8Array(384))).toBe(true);
    c.personalise({ algorithm: 'milenage', k: K, opc: OPC });
    expect(c.personalised).toBe(true);
  });

  it('AUTHENTICATE on a blank card → StateError', () => {
    expect(() => newCard().authenticate(new Uint8Array(16), new Uint8Array(16))).toThrow(StateError);
  });

  it('save → new instance → restore is a power cycle: SQN state survives', () => {
    const c = milenageCard();
    const v = av(sqnOf(20, 4));
    expect(auth(c, v).kind).toBe('ok');
    const image = c.saveState();
    expect(image.length).toBe(384);
    expect(image[NVM.FORMAT]).toBe(1);
    const d = newCard();
    d.restoreState(image);
    expect(same(d.saveState(), image)).toBe(true);
    expect(auth(d, v).kind).toBe('sync-failure');
    expect(auth(d, av(sqnOf(21, 4))).kind).toBe('ok');
    expect(() => d.restoreState(image)).toThrow(StateError); // personalised card: reset first
    newCard().restoreState(new Uint8Array(384)); // a blank image is valid
  });

  it('malformed images are refused, the card stays blank', () => {
    const c = milenageCard();
    expect(auth(c, av(sqnOf(3, 2))).kind).toBe('ok');
    const good = c.saveState();
    const bad = (f: (b: Uint8Array, dv: DataView) => void) => { const b = good.slice(); f(b, new DataView(b.buffer)); return b; };
    const d = newCard();
    expect(() => d.restoreState(good.subarray(0, 383))).toThrow('state must be 384 bytes, got 383');
    expect(() => d.restoreState(bad((b) => { b[0] = 2; }))).toThrow(InputError);
    for (const [why, img] of [
      ['algorithm 2', bad((b) => { b[NVM.ALGO] = 2; })],
      ['MILENAGE with 32-byte K', bad((b) => { b[NVM.K_LEN] = 32; })],
      ['IND 6 bits', bad((b) => { b[NVM.IND_BITS] = 6; })],
      ['Δ = 0', bad((b, dv) => { dv.setBigUint64(NVM.DELTA, 0n, true); })],
      ['SQN_MS ≥ 2^48', bad((b, dv) => { dv.setBigUint64(NVM.SQN_MS, 1n << 48n, true); })],
      ['SEQ_MS(i) above SEQ_MS', bad((b, dv) => { dv.setBigUint64(NVM.SEQ_MS + 8, 99n, true); })],
      ['SQN_MS slot inconsistent', bad((b, dv) => { dv.setBigUint64(NVM.SEQ_MS + 16, 1n, true); })],
      ['reserved byte set', bad((b) => { b[12] = 1; })],
      // the reserved run is bytes 10..15 (P_RESERVED = 10 up to Δ, assembly/usim/memory.ts): both ends
      ['first reserved byte (10) set', bad((b) => { b[NVM.IND_BITS + 1] = 1; })],
      ['last reserved byte before Δ set', bad((b) => { b[NVM.DELTA - 1] = 1; })],
      ['OPc tail set', bad((b) => { b[NVM.OPC + 20] = 1; })],
      ['blank with garbage', (() => { const b = new Uint8Array(384); b[100] = 1; return b; })()],
    ] as const) {
      expect(() => d.restoreState(img), why).toThrow(FormatError);
      expect(d.personalised).toBe(false);
      expect(same(d.saveState(), new Uint8Array(384))).toBe(true);
    }
  });

  it('host validation names the field', () => {
    const c = newCard();
    expect(() => c.personalise({ algorithm: 'milenage', k: new Uint8Array(15), opc: OPC })).toThrow('k must be 16 bytes, got 15');
    expect(() => c.personalise({ algorithm: 'tuak', k: new Uint8Array(24), opc: new Uint8Array(32) })).toThrow('k must be 16 or 32 bytes, got 24');
    expect(() => c.personalise({ algorithm: 'tuak', k: K, opc: OPC })).toThrow('topc must be 32 bytes, got 16');
    expect(() => c.personalise({ algorithm: 'x' as any, k: K, opc: OPC })).toThrow(InputError);
    expect(() => milenageCard().authenticate(new Uint8Array(16), new Uint8Array(14))).toThrow('autn must be 16 bytes, got 14');
  });
});

describe('AUTHENTICATE, TUAK card (TS 35.231)', () => {
  const tv = vectorCases('ts35233-tuak.json');
  const auc = newCard(); // stateless TUAK exports (verified against TS 35.233) act as the AuC
  // every set: Sets 3 and 5 have CK and IK of different lengths (128/256 and 256/128 bits), which the
  // card keeps as two personalisation fields (TS 35.231 allows each to be 128 or 256 bits)
  for (const v of tv) {
    it(`TS 35.233 Test Set ${v.test_set} subscriber (CK ${v.lengths_bits.CK}, IK ${v.lengths_bits.IK} bits): ok, replay → AUTS, bad MAC`, () => {
      const L = v.lengths_bits;
      const opts = { iterations: v.keccak_iterations, macBits: L.MAC, resBits: L.RES, ckBits: L.CK, ikBits: L.IK };
      const k = hex(v.K), topc = hex(v.TOPc);
      const c = newCard();
      c.personalise({ algorithm: 'tuak', k, op: hex(v.TOP), tuak: opts }); // TOPc derived on the card
      const sqn = sqnOf(42, 9), rand = new Uint8Array(randomBytes(16));
      const o = auc.tuak({ k, topc, rand, sqn, amf: AMF, ...opts });
      const autn = new Uint8Array([...sqn.map((b, i) => b ^ o.ak[i]), ...AMF, ...o.macA]);
      const r = c.authenticate(rand, autn);
      expect(r).toEqual({ kind: 'ok', res: o.res, ck: o.ck, ik: o.ik });
      const s = c.authenticate(rand, autn);
      expect(s.kind).toBe('sync-failure');
      if (s.kind !== 'sync-failure') return;
      expect(s.auts.length).toBe(6 + L.MAC / 8);
      // AUTS = (SQN_MS ⊕ AK*) ‖ MAC-S, MAC-S = f1*(SQN_MS ‖ RAND ‖ 0x0000)
      const sqnMs = s.auts.subarray(0, 6).map((b, i) => b ^ o.akStar[i]);
      expect(toHex(sqnMs)).toBe(toHex(sqn));
      const rs = auc.tuak({ k, topc, rand, sqn: sqnMs, amf: new Uint8Array(2), ...opts });
      expect(toHex(s.auts.subarray(6))).toBe(toHex(rs.macS));
      autn[autn.length - 1] ^= 1;
      expect(c.authenticate(rand, autn)).toEqual({ kind: 'mac-failure' });
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Totality: every export, random and edge arguments, never traps; a rejected call changes nothing.

const EXPORTS: Record<string, number> = {
  milenage_opc: 2, milenage_f1: 5, milenage_f2345: 3, tuak_topc: 4, tuak_f1: 7, tuak_f2345: 5,
  usim_personalise: 6, usim_configure_sqn: 5, usim_authenticate: 3, usim_restore: 2,
};
const edge = [0, 1, 2, 4, 6, 8, 14, 15, 16, 17, 24, 31, 32, 33, 64, 255, 256, 383, 384, 480, 496, 497, 500, 511, 512, 513,
  0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff, -1, 0x11080801, 0x22202001];
const arg = fc.oneof(fc.constantFrom(...edge), fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 0xffffffff }));

describe('every export is total; a rejected call writes nothing', () => {
  for (const [name, arity] of Object.entries(EXPORTS)) {
    it(`${name}: random arguments on a blank and a personalised card (300 runs each)`, () => {
      for (const personalised of [false, true]) {
        const c = personalised ? milenageCard() : newCard();
        c.fw.putAt(0, new Uint8Array(randomBytes(c.fw.inLen)));
        fc.assert(fc.property(fc.array(arg, { minLength: arity, maxLength: arity }), (args) => {
          const snap = c.fw.snapshot();
          let st: number;
          try { st = c.fw.tryCall(name, ...args); } catch (e) { throw new Error(`${name}(${args}) trapped: ${e}`); }
          expect(Number.isInteger(st) && st >= 0 && st <= 10).toBe(true);
          if (st !== 0) expect(same(c.fw.snapshot(), snap), `${name}(${args}) → ${st} changed memory`).toBe(true);
          else if (!name.startsWith('usim_')) {
            // stateless: PERSIST untouched
            const p = c.fw.constant('PERSIST_PTR'), n = c.fw.constant('PERSIST_LEN');
            expect(same(c.fw.snapshot().subarray(p, p + n), snap.subarray(p, p + n))).toBe(true);
          }
        }), { numRuns: 300 });
      }
    });
  }

  it('the edge cases of each check return the documented status', () => {
    const c = newCard();
    const f = c.fw;
    const snap = f.snapshot();
    expect(f.tryCall('milenage_opc', 497, 0)).toBe(1);          // K runs past IO_IN (512)
    expect(f.tryCall('milenage_opc', 0xffffffff, 0)).toBe(1);   // offset overflow
    expect(f.tryCall('tuak_topc', 0, 24, 32, 1)).toBe(2);       // K neither 128 nor 256 bits
    expect(f.tryCall('tuak_topc', 0, 16, 32, 0)).toBe(3);       // 0 iterations
    expect(f.tryCall('tuak_topc', 0, 16, 32, 256)).toBe(3);     // > 255 iterations
    expect(f.tryCall('tuak_f1', 0, 16, 32, 64, 80, 88, 0x11080c01)).toBe(2); // MAC 12 bytes
    expect(f.tryCall('tuak_f2345', 0, 16, 32, 64, 0x11030801)).toBe(2);      // RES 3 bytes
    expect(f.tryCall('tuak_f2345', 0, 16, 32, 64, 0x13080801)).toBe(2);      // CK 48 bytes
    expect(f.tryCall('usim_personalise', 2, 0, 16, 16, 0, 0)).toBe(4);       // unknown algorithm
    expect(f.tryCall('usim_personalise', 0, 0, 32, 32, 0, 0)).toBe(2);       // MILENAGE K 256 bits
    expect(f.tryCall('usim_personalise', 0, 0, 16, 16, 0, 1)).toBe(3);       // MILENAGE params
    expect(f.tryCall('usim_personalise', 0, 0, 16, 16, 2, 0)).toBe(3);       // opcIsOp 2
    expect(f.tryCall('usim_personalise', 0, 0, 16, 500, 0, 0)).toBe(1);      // OPc past IO_IN
    expect(f.tryCall('usim_configure_sqn', 5, 1, 0, 0, 0)).toBe(8);          // not personalised
    expect(f.tryCall('usim_authenticate', 0, 16, 16)).toBe(8);               // not personalised
    expect(f.tryCall('usim_restore', 0, 383)).toBe(2);
    expect(f.tryCall('usim_restore', 200, 384)).toBe(1);
    expect(same(f.snapshot(), snap)).toBe(true);
  });
});

describe(`module properties of build/${USIM_FILE}.wasm`, () => {
  // the 8 KiB budget is the small build's (issue 12: the fast build has none beyond the one page)
  it(`no imports, one fixed page, no memory.grow, MVP only${VARIANT === 'small' ? ', ≤ 8 KiB' : ''}`, async () => {
    expect(WebAssembly.Module.imports(usimModule)).toEqual([]);
    const facts = await inspect(usimBytes);
    expect(facts).toMatchObject({ imports: 0, memMin: 1, memMax: 1, growSites: 0, mvpValid: true });
    const mem = (new WebAssembly.Instance(usimModule, {}).exports as any).memory as WebAssembly.Memory;
    expect(mem.buffer.byteLength).toBe(65536);
    expect(() => mem.grow(1)).toThrow(RangeError);
    if (VARIANT === 'small') expect(usimBytes.length).toBeLessThanOrEqual(8192);
  });
});
