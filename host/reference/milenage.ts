/**
 * Independent MILENAGE (TS 35.206) written with node:crypto's aes-128-ecb, plus the network side
 * of the AKA procedure (TS 33.102 6.3.2, 6.3.5): an AuC that builds AUTN/XRES/CK/IK and the HLR/AuC
 * resynchronisation that recovers SQN_MS from AUTS. It shares no code with the firmware (no
 * mailbox, no module): tests use it as an oracle, and the network models use it as their AuC.
 */
import { createCipheriv } from 'node:crypto';
import { InputError } from '../errors.js';

/** All MILENAGE outputs for one (K, OPc, RAND, SQN, AMF). */
export interface MilenageOutputs {
  opc: Uint8Array;
  /** f1 */ macA: Uint8Array;
  /** f1* */ macS: Uint8Array;
  /** f2 */ res: Uint8Array;
  /** f3 */ ck: Uint8Array;
  /** f4 */ ik: Uint8Array;
  /** f5 */ ak: Uint8Array;
  /** f5* */ akStar: Uint8Array;
}

function need(field: string, v: Uint8Array, len: number): void {
  if (!(v instanceof Uint8Array) || v.length !== len) {
    throw new InputError(field, `must be ${len} bytes, got ${v instanceof Uint8Array ? v.length : typeof v}`, v);
  }
}

/** E_K: one AES-128 block (FIPS 197) through node:crypto. */
function ek(k: Uint8Array, block: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-128-ecb', k, null);
  c.setAutoPadding(false);
  return new Uint8Array(c.update(block));
}

const xor = (a: Uint8Array, b: Uint8Array): Uint8Array => a.map((v, i) => v ^ b[i]);
/** rot(x, r): cyclic rotation by r bits towards the MSB (TS 35.206 4.1); r is a multiple of 8. */
const rot = (x: Uint8Array, r: number): Uint8Array => x.map((_, i) => x[(i + r / 8) % 16]);
/** c_i: 128-bit constants, zero except the last byte (TS 35.206 4.1). */
const c = (last: number): Uint8Array => { const v = new Uint8Array(16); v[15] = last; return v; };
const C1 = c(0), C2 = c(1), C3 = c(2), C4 = c(4), C5 = c(8);
const R1 = 64, R2 = 0, R3 = 32, R4 = 64, R5 = 96;

/** OPc = OP ⊕ E_K(OP) (TS 35.206 4.1). */
export function milenageOpc(k: Uint8Array, op: Uint8Array): Uint8Array {
  need('k', k, 16); need('op', op, 16);
  return xor(ek(k, op), op);
}

/** f1, f1*, f2, f3, f4, f5, f5* (TS 35.206 4.1) with OPc given. */
export function milenageRef(k: Uint8Array, opc: Uint8Array, rand: Uint8Array, sqn: Uint8Array, amf: Uint8Array): MilenageOutputs {
  need('k', k, 16); need('opc', opc, 16); need('rand', rand, 16); need('sqn', sqn, 6); need('amf', amf, 2);
  const temp = ek(k, xor(rand, opc));
  const in1 = new Uint8Array(16);
  in1.set(sqn, 0); in1.set(amf, 6); in1.set(sqn, 8); in1.set(amf, 14);
  const out1 = xor(ek(k, xor(xor(temp, rot(xor(in1, opc), R1)), C1)), opc);
  const outN = (r: number, cn: Uint8Array) => xor(ek(k, xor(rot(xor(temp, opc), r), cn)), opc);
  const out2 = outN(R2, C2), out3 = outN(R3, C3), out4 = outN(R4, C4), out5 = outN(R5, C5);
  return {
    opc: opc.slice(),
    macA: out1.slice(0, 8), macS: out1.slice(8, 16),
    res: out2.slice(8, 16), ak: out2.slice(0, 6),
    ck: out3, ik: out4, akStar: out5.slice(0, 6),
  };
}

/** An authentication vector from the AuC (TS 33.102 6.3.2). */
export interface AuthVector {
  rand: Uint8Array;
  xres: Uint8Array;
  ck: Uint8Array;
  ik: Uint8Array;
  /** AUTN = SQN ⊕ AK ‖ AMF ‖ MAC-A */
  autn: Uint8Array;
  ak: Uint8Array;
}

/** AuC: generate an authentication vector for SQN (TS 33.102 6.3.2, Figure 8). */
export function generateAuthVector(k: Uint8Array, opc: Uint8Array, rand: Uint8Array, sqn: Uint8Array, amf: Uint8Array): AuthVector {
  const o = milenageRef(k, opc, rand, sqn, amf);
  const autn = new Uint8Array(16);
  autn.set(xor(sqn, o.ak), 0);
  autn.set(amf, 6);
  autn.set(o.macA, 8);
  return { rand: rand.slice(), xres: o.res, ck: o.ck, ik: o.ik, autn, ak: o.ak };
}

/**
 * HLR/AuC side of resynchronisation (TS 33.102 6.3.5): SQN_MS = Conc(SQN_MS) ⊕ f5*_K(RAND), then
 * check MAC-S = f1*_K(SQN_MS ‖ RAND ‖ AMF) with the dummy AMF 0x0000 (6.3.3). Returns SQN_MS, or
 * null when MAC-S does not verify.
 */
export function resyncSqnMs(k: Uint8Array, opc: Uint8Array, rand: Uint8Array, auts: Uint8Array): Uint8Array | null {
  need('auts', auts, 14);
  const akStar = milenageRef(k, opc, rand, new Uint8Array(6), new Uint8Array(2)).akStar;
  const sqnMs = xor(auts.slice(0, 6), akStar);
  const macS = milenageRef(k, opc, rand, sqnMs, new Uint8Array(2)).macS;
  return Buffer.from(macS).equals(Buffer.from(auts.slice(6, 14))) ? sqnMs : null;
}

/** 48-bit big-endian SQN ↔ bigint helpers (SQN = SEQ ‖ IND, TS 33.102 C.1.1.1). */
export function sqnBytes(v: bigint): Uint8Array {
  const b = new Uint8Array(6);
  for (let i = 5; i >= 0; i--) { b[i] = Number(v & 0xffn); v >>= 8n; }
  return b;
}
export function sqnValue(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}
