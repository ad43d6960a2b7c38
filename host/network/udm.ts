/**
 * Home network UDM/ARPF model (TS 33.501 6.1.3.2 steps 2–4, 6.1.3.3.2; TS 33.102 6.3.2, 6.3.5,
 * Annex C) written independently of the firmware: MILENAGE from host/reference/milenage.ts
 * (node:crypto AES), TUAK (TS 35.231) below over a Keccak-f[1600] of its own (checked against
 * node:crypto SHA3-256 and the TS 35.233 test sets in tests/aka.test.ts), and the Annex A KDFs from
 * host/reference/kdf.ts. Nothing here loads a wasm module.
 *
 * SQN management (TS 33.102 C.1.1, C.3): SQN = SEQ ‖ IND with `indBits` IND bits (the USIM's
 * default 5). Each new vector takes SEQ_HE + 1 and the next IND value, round robin. After a
 * resynchronisation SEQ_HE := SEQ_MS, so the next vector is fresh for the USIM again.
 */
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors.js';
import { toHex } from '../hex.js';
import { ref } from '../reference/kdf.js';
import { milenageOpc, milenageRef, sqnBytes, sqnValue } from '../reference/milenage.js';

/** One entry of the network trace: the procedure step, the message, and every key as hex. */
export interface TraceEntry { step: string; message: string; keys: Record<string, string> }

/** Append a trace entry with its keys hex-encoded. */
export function record(trace: TraceEntry[], step: string, message: string, keys: Record<string, Uint8Array | string> = {}): void {
  trace.push({ step, message, keys: Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, typeof v === 'string' ? v : toHex(v)])) });
}

// ---------------------------------------------------------------------------------------------
// Keccak-f[1600] (FIPS 202 3.2) on 200 bytes, lane (x, y) = bytes 8(x + 5y).. little-endian.

const MASK = (1n << 64n) - 1n;
const rotl = (v: bigint, n: number): bigint => (n === 0 ? v : ((v << BigInt(n)) | (v >> BigInt(64 - n))) & MASK);

/** rc(t) of FIPS 202 Algorithm 5: LFSR x^8 + x^6 + x^5 + x^4 + 1. */
function rcBit(t: number): number {
  let r = 1;
  for (let i = 0; i < t % 255; i++) { r <<= 1; if (r & 0x100) r ^= 0x171; }
  return r & 1;
}
/** ι round constants: RC[ir] bit 2^j − 1 = rc(j + 7 ir) (FIPS 202 Algorithm 6). */
const RC: bigint[] = Array.from({ length: 24 }, (_, ir) => {
  let c = 0n;
  for (let j = 0; j <= 6; j++) if (rcBit(j + 7 * ir)) c |= 1n << BigInt((1 << j) - 1);
  return c;
});
/** ρ offsets: (t+1)(t+2)/2 mod 64 along (x, y) → (y, 2x + 3y) from (1, 0) (FIPS 202 Algorithm 2). */
const RHO: number[] = (() => {
  const r = new Array(25).fill(0);
  let x = 1, y = 0;
  for (let t = 0; t < 24; t++) { r[x + 5 * y] = (((t + 1) * (t + 2)) / 2) % 64; [x, y] = [y, (2 * x + 3 * y) % 5]; }
  return r;
})();

/** Keccak-f[1600] in place on a 200-byte state: 24 rounds of θ, ρ, π, χ, ι. */
export function keccakF1600(state: Uint8Array): void {
  const dv = new DataView(state.buffer, state.byteOffset, 200);
  const a = Array.from({ length: 25 }, (_, i) => dv.getBigUint64(8 * i, true));
  for (let ir = 0; ir < 24; ir++) {
    const c = [0, 1, 2, 3, 4].map((x) => a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20]);
    for (let x = 0; x < 5; x++) {
      const d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1); // θ: D[x] = C[x−1] ⊕ rot(C[x+1], 1)
      for (let y = 0; y < 25; y += 5) a[x + y] ^= d;
    }
    const b = new Array<bigint>(25);
    for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], RHO[x + 5 * y]); // ρ, π
    for (let y = 0; y < 25; y += 5) for (let x = 0; x < 5; x++) a[x + y] = b[x + y] ^ (~b[((x + 1) % 5) + y] & MASK & b[((x + 2) % 5) + y]); // χ
    a[0] ^= RC[ir]; // ι
  }
  for (let i = 0; i < 25; i++) dv.setBigUint64(8 * i, a[i], true);
}

// ---------------------------------------------------------------------------------------------
// TUAK (TS 35.231): IN = TOP(c) ‖ INSTANCE ‖ ALGONAME ‖ RAND ‖ AMF ‖ SQN ‖ KEY ‖ padding, each field
// stored byte-reversed into the 200-byte Keccak state; outputs are read back byte-reversed.

/** TUAK output lengths and Keccak iterations (TS 35.231 5.1). */
export interface TuakLengths { iterations?: number; macBits?: number; resBits?: number; ckBits?: number; ikBits?: number }
const ALGONAME = new TextEncoder().encode('TUAK1.0');

function tuakCore(topc: Uint8Array, instance: number, rand: Uint8Array, amf: Uint8Array, sqn: Uint8Array, k: Uint8Array, iterations: number): Uint8Array {
  const s = new Uint8Array(200);
  let i = 0;
  const push = (f: Uint8Array) => { for (let j = f.length - 1; j >= 0; j--) s[i++] = f[j]; };
  push(topc); s[i++] = instance; push(ALGONAME); push(rand); push(amf); push(sqn); push(k);
  i = 96;          // KEY occupies 32 bytes; a 128-bit K is followed by zeros
  s[i] = 0x1f;     // padding: 0x1F, zeros, 0x80 at byte 135 (rate 1088 bits), zeros
  s[135] = 0x80;
  for (let n = 0; n < iterations; n++) keccakF1600(s);
  return s;
}
const rev = (s: Uint8Array, off: number, len: number): Uint8Array => s.slice(off, off + len).reverse();
const lenFlag = (bits: number, map: Record<number, number>, field: string): number => {
  if (!(bits in map)) throw new InputError(field, `must be ${Object.keys(map).join(' or ')}, got ${bits}`, bits);
  return map[bits];
};

/** TOPc = TUAK(TOP, INSTANCE 0x00 | K-length flag), all other inputs zero (TS 35.231 6.2). */
export function tuakTopcRef(k: Uint8Array, top: Uint8Array, iterations = 1): Uint8Array {
  const z = new Uint8Array(16);
  return rev(tuakCore(top, k.length === 32 ? 1 : 0, z, z.subarray(0, 2), z.subarray(0, 6), k, iterations), 0, 32);
}

/** f1, f1*, f2..f5, f5* of TUAK (TS 35.231 6.3–6.6) with TOPc given. */
export function tuakRef(k: Uint8Array, topc: Uint8Array, rand: Uint8Array, sqn: Uint8Array, amf: Uint8Array, p: TuakLengths = {}) {
  if (k.length !== 16 && k.length !== 32) throw new InputError('k', `must be 16 or 32 bytes, got ${k.length}`, k);
  const it = p.iterations ?? 1, kf = k.length === 32 ? 1 : 0;
  const mac = p.macBits ?? 64, res = p.resBits ?? 64, ck = p.ckBits ?? 128, ik = p.ikBits ?? 128;
  const macF = lenFlag(mac, { 64: 0x08, 128: 0x10, 256: 0x20 }, 'macBits');
  const inst2345 = 0x40 | lenFlag(res, { 32: 0, 64: 0x08, 128: 0x10, 256: 0x20 }, 'resBits') |
    lenFlag(ck, { 128: 0, 256: 0x04 }, 'ckBits') | lenFlag(ik, { 128: 0, 256: 0x02 }, 'ikBits') | kf;
  const z = new Uint8Array(16), z2 = z.subarray(0, 2), z6 = z.subarray(0, 6);
  const o1 = tuakCore(topc, macF | kf, rand, amf, sqn, k, it);         // f1: INSTANCE 0x00 | MAC | K
  const o1s = tuakCore(topc, 0x80 | macF | kf, rand, amf, sqn, k, it); // f1*: INSTANCE 0x80 | MAC | K
  const o2 = tuakCore(topc, inst2345, rand, z2, z6, k, it);            // f2..f5: 0x40 | RES | CK | IK | K
  const o5s = tuakCore(topc, 0xc0 | kf, rand, z2, z6, k, it);          // f5*: 0xC0 | K
  return {
    macA: rev(o1, 0, mac / 8), macS: rev(o1s, 0, mac / 8), res: rev(o2, 0, res / 8), ck: rev(o2, 32, ck / 8),
    ik: rev(o2, 64, ik / 8), ak: rev(o2, 96, 6), akStar: rev(o5s, 96, 6),
  };
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
  constructor(readonly trace: TraceEntry[] = []) {}

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
    const sub = this.need(supi);
    sub.seqHe += 1n;
    const sqn = sqnBytes((sub.seqHe << BigInt(sub.indBits)) | BigInt(sub.ind));
    sub.ind = (sub.ind + 1) % (1 << sub.indBits);
    const rand = opts.rand ?? new Uint8Array(randomBytes(16)), amf = opts.amf ?? sub.amf;
    const f = arpfFunctions(sub, rand, sqn, amf);
    if (f.ck.length !== 16 || f.ik.length !== 16) throw new InputError('ckBits/ikBits', 'must be 128 for 5G AKA (KEY = CK ‖ IK of 256 bits, TS 33.501 A.2)');
    const sqnXorAk = sqn.map((b, i) => b ^ f.ak[i]);
    const autn = new Uint8Array([...sqnXorAk, ...amf, ...f.macA]);
    const xresStar = ref.resStar(f.ck, f.ik, snn, rand, f.res);
    const kausf = ref.kausf(f.ck, f.ik, snn, sqnXorAk);
    record(this.trace, 'TS 33.501 6.1.3.2 step 3', `UDM/ARPF: 5G HE AV for ${supi} (${sub.s.algorithm})`,
      { sqn, ak: f.ak, rand, autn, xres: f.res, ck: f.ck, ik: f.ik, xres_star: xresStar, kausf });
    return { rand, autn, xresStar, kausf };
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
