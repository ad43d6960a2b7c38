/**
 * Independent TUAK reference (TS 35.231) over a BigInt Keccak-f[1600] (FIPS 202), written from the
 * specifications without the firmware: node:crypto has no Keccak permutation, so this is the
 * oracle for the USIM module's TUAK and the UDM model's ARPF. Its Keccak is checked against
 * node:crypto SHA3-256 and the whole TUAK against every TS 35.233 test set (tests/usim-vectors).
 */
import { InputError } from '../errors.js';

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
