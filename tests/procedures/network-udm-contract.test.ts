// The UDM/ARPF model (host/network/udm.ts) by its documented contract, checked against the official
// test sets (TS 35.208 MILENAGE, TS 35.233 TUAK) rather than against itself (issue 16: Stryker
// survivors): OPc/TOPc computed from OP/TOP at provisioning, SQN = SEQ_HE ‖ IND with IND round
// robin (TS 33.102 C.1.1, C.3), CK and IK of 128 bits for 5G AKA and EAP-AKA′ (TS 33.501 A.2, A.3),
// and the provisioning refusals naming their field.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../host/errors.js';
import { Udm } from '../../host/network/udm.js';
import { Trace } from '../../host/trace.js';
import { hex, toHex, vectorCases } from '../helpers.js';

const SNN = '5G:mnc001.mcc001.3gppnetwork.org';
const SUPI = '001010000000001';
const refusal = (f: () => unknown): InputError => {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(InputError); return e as InputError; }
  throw new Error('expected an InputError');
};
const heAvStep = (t: Trace) => t.steps.filter((s) => s.clause === 'TS 33.501 6.1.3.2 step 3').at(-1)!.values;

describe('OPc / TOPc from OP / TOP at provisioning: the vector functions give the official outputs', () => {
  it('MILENAGE, TS 35.208 Test Set 1 given with OP: RES, CK, IK, AK are f2–f5 of the set', () => {
    const v = vectorCases('ts35208-milenage.json')[0];
    const trace = new Trace();
    const udm = new Udm(trace);
    udm.provision({ supi: SUPI, algorithm: 'milenage', k: hex(v.in.K), op: hex(v.in.OP) });
    udm.generateHeAv(SUPI, SNN, { rand: hex(v.in.RAND), amf: hex(v.in.AMF) });
    const s = heAvStep(trace);
    expect([s.xres, s.ck, s.ik, s.ak]).toEqual([v.out.f2, v.out.f3, v.out.f4, v.out.f5]);
  });

  it('TUAK, TS 35.233 Test Set 1 given with TOP: RES, CK, IK, AK are f2–f5 of the set', () => {
    const v = vectorCases('ts35233-tuak.json')[0];
    const L = v.in.lengths_bits;
    const trace = new Trace();
    const udm = new Udm(trace);
    udm.provision({ supi: SUPI, algorithm: 'tuak', k: hex(v.in.K), op: hex(v.in.TOP), tuak: { iterations: v.in.keccak_iterations, macBits: L.MAC, resBits: L.RES, ckBits: L.CK, ikBits: L.IK } });
    udm.generateHeAv(SUPI, SNN, { rand: hex(v.in.RAND), amf: hex(v.in.AMF) });
    const s = heAvStep(trace);
    expect([s.xres, s.ck, s.ik, s.ak]).toEqual([v.out.f2, v.out.f3, v.out.f4, v.out.f5]);
  });

  it('TS 33.501 A.2 / A.3 need CK ‖ IK of 256 bits: a TUAK subscription with a 256-bit CK or IK gets no vector, naming ckBits/ikBits', () => {
    for (const set of [3, 5]) { // set 3: IK 256 bits; set 5: CK 256 bits
      const v = vectorCases('ts35233-tuak.json').find((c: { test_set: number }) => c.test_set === set);
      const L = v.in.lengths_bits;
      const udm = new Udm();
      udm.provision({ supi: SUPI, algorithm: 'tuak', k: hex(v.in.K), opc: hex(v.out.TOPc), tuak: { iterations: 1, macBits: L.MAC, resBits: L.RES, ckBits: L.CK, ikBits: L.IK } });
      const a = refusal(() => udm.generateHeAv(SUPI, SNN));
      expect(a.field).toBe('ckBits/ikBits');
      expect(a.message).toBe('ckBits/ikBits must be 128 for 5G AKA (KEY = CK ‖ IK of 256 bits, TS 33.501 A.2)');
      expect(refusal(() => udm.generateEapAv(SUPI, SNN)).message).toBe('ckBits/ikBits must be 128 for EAP-AKA′ (CK ‖ IK of 256 bits, TS 33.501 A.3)');
    }
  });
});

describe('TS 33.102 C.1.1 / C.3: SQN = SEQ_HE ‖ IND, SEQ_HE + 1 per vector, IND round robin', () => {
  it('33 vectors with 5 IND bits: SEQ 1..33, IND 0..31 then 0 again (the SQN in the trace)', () => {
    const trace = new Trace();
    const udm = new Udm(trace);
    udm.provision({ supi: SUPI, algorithm: 'milenage', k: new Uint8Array(16), opc: new Uint8Array(16) });
    for (let i = 0; i < 33; i++) {
      udm.generateHeAv(SUPI, SNN);
      const sqn = (BigInt(i + 1) << 5n) | BigInt(i % 32);
      expect(heAvStep(trace).sqn, `vector ${i + 1}`).toBe(sqn.toString(16).padStart(12, '0'));
    }
    expect(udm.seqHe(SUPI)).toBe(33n);
  });

  it('the EAP-AKA′ vector AV′ is traced with the transformed keys (TS 33.501 6.1.3.1 step 3)', () => {
    const trace = new Trace();
    const udm = new Udm(trace);
    udm.provision({ supi: SUPI, algorithm: 'milenage', k: new Uint8Array(16), opc: new Uint8Array(16) });
    const av = udm.generateEapAv(SUPI, SNN);
    const s = trace.steps.at(-1)!;
    expect([s.clause, s.event]).toEqual(['TS 33.501 6.1.3.1 step 3', `UDM/ARPF: transformed authentication vector AV′ for ${SUPI} (milenage)`]);
    expect(Object.keys(s.values).sort()).toEqual(['ak', 'autn', 'ck', 'ck_prime', 'ik', 'ik_prime', 'rand', 'sqn', 'xres']);
    expect([s.values.ck_prime, s.values.ik_prime, s.values.xres]).toEqual([toHex(av.ckPrime), toHex(av.ikPrime), toHex(av.xres)]);
  });
});

describe('provisioning and look-up refusals name the field', () => {
  it('the SUPI must be an IMSI of 6..15 digits; exactly one of OP and OPc', () => {
    const udm = new Udm();
    const k = new Uint8Array(16), opc = new Uint8Array(16);
    for (const supi of ['12345', '0010100000000011', 'x00101000', '00101000x']) {
      const e = refusal(() => udm.provision({ supi, algorithm: 'milenage', k, opc }));
      expect(e.field).toBe('supi');
      expect(e.message).toContain('must be an IMSI of 6..15 digits');
    }
    for (const o of [{}, { op: k, opc }]) {
      const e = refusal(() => udm.provision({ supi: SUPI, algorithm: 'milenage', k, ...o }));
      expect([e.field, e.message]).toEqual(['op/opc', 'op/opc exactly one of op and opc must be given']);
    }
    udm.provision({ supi: '123456', algorithm: 'milenage', k, opc });
    expect(udm.seqHe('123456')).toBe(0n);
    const e = refusal(() => udm.seqHe(SUPI));
    expect([e.field, e.message]).toEqual(['supi', `supi has no subscription in this UDM: "${SUPI}"`]);
    expect(() => udm.generateHeAv(SUPI, SNN)).toThrow(InputError);
  });
});

describe('TOPc from TOP with the subscription\'s Keccak iterations (TS 35.231 6.2: TOPc from TOP and K)', () => {
  it('TUAK, TS 35.233 Test Set 6 given with TOP (keccak_iterations 2): AK* of a resynchronisation is f5* of the set', () => {
    // Set 6 has 256-bit CK and IK, so it gets no 5G HE AV (A.2); the resynchronisation still
    // computes AK* = f5*(K, TOPc, RAND) (TS 33.102 6.3.5), which needs TOPc made with 2 iterations.
    const v = vectorCases('ts35233-tuak.json').find((c: { test_set: number }) => c.test_set === 6);
    const L = v.in.lengths_bits;
    const trace = new Trace();
    const udm = new Udm(trace);
    udm.provision({ supi: SUPI, algorithm: 'tuak', k: hex(v.in.K), op: hex(v.in.TOP), tuak: { iterations: v.in.keccak_iterations, macBits: L.MAC, resBits: L.RES, ckBits: L.CK, ikBits: L.IK } });
    expect(udm.resynchronise(SUPI, hex(v.in.RAND), new Uint8Array(6 + 32))).toBeNull();
    expect(trace.steps.at(-1)!.values.ak_star).toBe(v.out.f5star);
  });

  it('TUAK given TOP with no lengths or iterations (defaults: 1 iteration): AK* of a resynchronisation is f5* of TS 35.233 Test Set 1', () => {
    const v = vectorCases('ts35233-tuak.json')[0];
    const trace = new Trace();
    const udm = new Udm(trace);
    udm.provision({ supi: SUPI, algorithm: 'tuak', k: hex(v.in.K), op: hex(v.in.TOP) });
    expect(udm.resynchronise(SUPI, hex(v.in.RAND), new Uint8Array(6 + 8))).toBeNull();
    expect(trace.steps.at(-1)!.values.ak_star).toBe(v.out.f5star);
  });
});

describe('the UDM/ARPF steps of the trace', () => {
  it('are in the home network\'s column (actor AUSF: the trace has no separate UDM column)', () => {
    const trace = new Trace();
    const udm = new Udm(trace);
    udm.provision({ supi: SUPI, algorithm: 'milenage', k: new Uint8Array(16), opc: new Uint8Array(16) });
    udm.generateHeAv(SUPI, SNN);
    udm.generateEapAv(SUPI, SNN);
    udm.resynchronise(SUPI, new Uint8Array(16), new Uint8Array(14));
    expect(trace.steps.map((s) => s.from)).toEqual(['AUSF', 'AUSF', 'AUSF']);
  });

  it('TS 33.501 A.3: CK′ ‖ IK′ = HMAC-SHA-256(CK ‖ IK, 0x20 ‖ SNN ‖ L0 ‖ SQN ⊕ AK ‖ L1) (node:crypto, from the traced CK, IK, SQN, AK)', () => {
    const trace = new Trace();
    const udm = new Udm(trace);
    udm.provision({ supi: SUPI, algorithm: 'milenage', k: Uint8Array.from({ length: 16 }, (_, i) => i), opc: new Uint8Array(16).fill(0x5a) });
    const av = udm.generateEapAv(SUPI, SNN);
    const s = trace.steps.at(-1)!.values as Record<string, string>;
    const snn = Buffer.from(SNN, 'utf8');
    const conc = Buffer.from(hex(s.sqn).map((b, i) => b ^ hex(s.ak)[i]));
    const l = (n: number) => Buffer.of(n >> 8, n & 0xff);
    const s_ = Buffer.concat([Buffer.of(0x20), snn, l(snn.length), conc, l(6)]);
    const key = createHmac('sha256', Buffer.concat([hex(s.ck), hex(s.ik)])).update(s_).digest();
    expect([toHex(av.ckPrime), toHex(av.ikPrime)]).toEqual([key.subarray(0, 16).toString('hex'), key.subarray(16, 32).toString('hex')]);
  });
});
