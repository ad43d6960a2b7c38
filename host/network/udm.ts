/**
 * Home network UDM/ARPF model (TS 33.501 6.1.3.2 steps 2–4, 6.1.3.3.2; TS 33.102 6.3.2, 6.3.5,
 * Annex C) written independently of the firmware: MILENAGE from host/reference/milenage.ts
 * (node:crypto AES), TUAK from host/reference/tuak.ts (a BigInt Keccak-f[1600], checked against
 * node:crypto SHA3-256 and the TS 35.233 test sets), and the Annex A KDFs from host/reference/kdf.ts. Nothing here loads a wasm module.
 *
 * SQN management (TS 33.102 C.1.1, C.3): SQN = SEQ ‖ IND with `indBits` IND bits (the USIM's
 * default 5). Each new vector takes SEQ_HE + 1 and the next IND value, round robin. After a
 * resynchronisation SEQ_HE := SEQ_MS, so the next vector is fresh for the USIM again.
 */
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors.js';
import { ref, kdfRef } from '../reference/kdf.js';
import { milenageOpc, milenageRef, sqnBytes, sqnValue } from '../reference/milenage.js';
import { tuakRef, tuakTopcRef, type TuakLengths } from '../reference/tuak.js';
import { Trace } from '../trace.js';

/** A home-network step in the procedure trace (host/trace.ts): the message or action, the clause
 *  of the step, and the keys each side holds there. */
export function record(trace: Trace, clause: string, message: string, keys: Record<string, Uint8Array | string> = {}): void {
  trace.add('AUSF', message, keys, { clause });
}

// ---------------------------------------------------------------------------------------------
// ARPF / UDM

/** A subscription as the ARPF holds it. `opc` is OPc (MILENAGE, 16 bytes) or TOPc (TUAK, 32). */
export interface Subscription {
  supi: string;
  algorithm: 'milenage' | 'tuak';
  k: Uint8Array;
  op?: Uint8Array;
  opc?: Uint8Array;
  tuak?: TuakLengths;
  /** AMF of new vectors; default 0x8000 (separation bit = 1, TS 33.102 Annex H, TS 33.501 6.1.3.2). */
  amf?: Uint8Array;
  /** IND length in bits (TS 33.102 C.1.1.1); must equal the USIM's (default 5). */
  indBits?: number;
  /** Initial SEQ_HE (default 0). */
  seqHe?: bigint;
}

/** Transformed authentication vector AV′ of EAP-AKA′ (TS 33.501 6.1.3.1 step 3). */
export interface EapAv { rand: Uint8Array; autn: Uint8Array; xres: Uint8Array; ckPrime: Uint8Array; ikPrime: Uint8Array }

/** 5G HE AV (TS 33.501 6.1.3.2 step 3): RAND, AUTN, XRES*, KAUSF. */
export interface HeAv { rand: Uint8Array; autn: Uint8Array; xresStar: Uint8Array; kausf: Uint8Array }

interface Sub { s: Subscription; opc: Uint8Array; amf: Uint8Array; indBits: number; seqHe: bigint; ind: number }

/** f1..f5* of the subscriber's algorithm (MILENAGE or TUAK). */
function arpfFunctions(sub: Sub, rand: Uint8Array, sqn: Uint8Array, amf: Uint8Array) {
  return sub.s.algorithm === 'milenage' ? milenageRef(sub.s.k, sub.opc, rand, sqn, amf) : tuakRef(sub.s.k, sub.opc, rand, sqn, amf, sub.s.tuak);
}

/** The UDM with its ARPF: subscriptions, SQN_HE per subscriber, the 5G HE AV and resynchronisation. */
export class Udm {
  private readonly subs = new Map<string, Sub>();
  /** `random(n)` supplies RANDs (default: node:crypto randomBytes; a seeded source makes runs
   *  reproducible). */
  constructor(readonly trace: Trace = new Trace(), readonly random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n))) {}

  /** Add or replace a subscription (OPc/TOPc computed from OP/TOP if given). */
  provision(s: Subscription): void {
    if (!/^[0-9]{6,15}$/.test(s.supi)) throw new InputError('supi', `must be an IMSI of 6..15 digits, got ${JSON.stringify(s.supi)}`, s.supi);
    if ((s.op === undefined) === (s.opc === undefined)) throw new InputError('op/opc', 'exactly one of op and opc must be given');
    const opc = s.opc ?? (s.algorithm === 'milenage' ? milenageOpc(s.k, s.op!) : tuakTopcRef(s.k, s.op!, s.tuak?.iterations ?? 1));
    const indBits = s.indBits ?? 5;
    this.subs.set(s.supi, { s, opc, amf: s.amf ?? Uint8Array.of(0x80, 0x00), indBits, seqHe: s.seqHe ?? 0n, ind: 0 });
  }

  /** SEQ_HE of a subscriber (TS 33.102 C.1.1.2). */
  seqHe(supi: string): bigint { return this.need(supi).seqHe; }

  /**
   * Nudm_UEAuthentication_Get (TS 33.501 6.1.3.2 steps 2–4): a 5G HE AV with a fresh SQN,
   * AUTN = SQN ⊕ AK ‖ AMF ‖ MAC-A (TS 33.102 6.3.2), XRES* (A.4) and KAUSF (A.2).
   * `amf`/`rand` override the subscription's AMF and a random RAND (tests).
   */
  generateHeAv(supi: string, snn: string, opts: { amf?: Uint8Array; rand?: Uint8Array } = {}): HeAv {
    const { sub, sqn, rand, f, sqnXorAk, autn } = this.freshVector(supi, opts, 'for 5G AKA (KEY = CK ‖ IK of 256 bits, TS 33.501 A.2)');
    const xresStar = ref.resStar(f.ck, f.ik, snn, rand, f.res);
    const kausf = ref.kausf(f.ck, f.ik, snn, sqnXorAk);
    record(this.trace, 'TS 33.501 6.1.3.2 step 3', `UDM/ARPF: 5G HE AV for ${supi} (${sub.s.algorithm})`,
      { sqn, ak: f.ak, rand, autn, xres: f.res, ck: f.ck, ik: f.ik, xres_star: xresStar, kausf });
    return { rand, autn, xresStar, kausf };
  }

  /**
   * Nudm_UEAuthentication_Get for EAP-AKA′ (TS 33.501 6.1.3.1 step 2–3): the transformed
   * authentication vector AV′ = (RAND, AUTN, XRES, CK′, IK′), CK′ ‖ IK′ = A.3(CK ‖ IK, SNN, SQN ⊕ AK)
   * with the serving network name as the access network identity. SQN and IND as for 5G AKA.
   */
  generateEapAv(supi: string, snn: string, opts: { amf?: Uint8Array; rand?: Uint8Array } = {}): EapAv {
    const { sub, sqn, rand, f, sqnXorAk, autn } = this.freshVector(supi, opts, 'for EAP-AKA′ (CK ‖ IK of 256 bits, TS 33.501 A.3)');
    const k = kdfRef(new Uint8Array([...f.ck, ...f.ik]), 0x20, [new TextEncoder().encode(snn.normalize('NFKC')), sqnXorAk]);
    const ckPrime = k.slice(0, 16), ikPrime = k.slice(16, 32);
    record(this.trace, 'TS 33.501 6.1.3.1 step 3', `UDM/ARPF: transformed authentication vector AV′ for ${supi} (${sub.s.algorithm})`,
      { sqn, ak: f.ak, rand, autn, xres: f.res, ck: f.ck, ik: f.ik, ck_prime: ckPrime, ik_prime: ikPrime });
    return { rand, autn, xres: f.res, ckPrime, ikPrime };
  }

  /** The part both vectors share: a fresh SQN = SEQ_HE ‖ IND (TS 33.102 C.1.1.2), RAND, f1–f5 of the
   *  subscriber's algorithm and AUTN = SQN ⊕ AK ‖ AMF ‖ MAC-A (TS 33.102 6.3.2); CK and IK must be
   *  128 bits each (`why` names the procedure that needs it). */
  private freshVector(supi: string, opts: { amf?: Uint8Array; rand?: Uint8Array }, why: string) {
    const sub = this.need(supi);
    sub.seqHe += 1n;
    const sqn = sqnBytes((sub.seqHe << BigInt(sub.indBits)) | BigInt(sub.ind));
    sub.ind = (sub.ind + 1) % (1 << sub.indBits);
    const rand = opts.rand ?? this.random(16), amf = opts.amf ?? sub.amf;
    const f = arpfFunctions(sub, rand, sqn, amf);
    if (f.ck.length !== 16 || f.ik.length !== 16) throw new InputError('ckBits/ikBits', `must be 128 ${why}`);
    const sqnXorAk = sqn.map((b, i) => b ^ f.ak[i]);
    return { sub, sqn, rand, f, sqnXorAk, autn: new Uint8Array([...sqnXorAk, ...amf, ...f.macA]) };
  }

  /**
   * Resynchronisation (TS 33.501 6.1.3.3.2, TS 33.102 6.3.5): SQN_MS = Conc(SQN_MS) ⊕ f5*(RAND),
   * verify MAC-S = f1*(SQN_MS ‖ RAND ‖ AMF 0x0000); if it verifies, SEQ_HE := SEQ_MS (C.3.4).
   * Returns SQN_MS, or null when MAC-S fails (SQN_HE unchanged).
   */
  resynchronise(supi: string, rand: Uint8Array, auts: Uint8Array): Uint8Array | null {
    const sub = this.need(supi);
    const z6 = new Uint8Array(6), z2 = new Uint8Array(2);
    const akStar = arpfFunctions(sub, rand, z6, z2).akStar;
    const sqnMs = auts.slice(0, 6).map((b, i) => b ^ akStar[i]);
    const macS = arpfFunctions(sub, rand, sqnMs, z2).macS;
    const ok = auts.length === 6 + macS.length && Buffer.from(macS).equals(Buffer.from(auts.subarray(6)));
    record(this.trace, 'TS 33.501 6.1.3.3.2', `UDM/ARPF: resynchronisation for ${supi}: MAC-S ${ok ? 'verified' : 'FAILED'}`, { rand, auts, sqn_ms: sqnMs, ak_star: akStar });
    if (!ok) return null;
    sub.seqHe = sqnValue(sqnMs) >> BigInt(sub.indBits);
    return sqnMs;
  }

  private need(supi: string): Sub {
    const s = this.subs.get(supi);
    if (!s) throw new InputError('supi', `has no subscription in this UDM: ${JSON.stringify(supi)}`, supi);
    return s;
  }
}
