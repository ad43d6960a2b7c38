/**
 * Independent 128-NEA2 / 128-NIA2 (TS 33.401 B.1.3 / B.2.3, = TS 33.501 D.2.2 / D.3.2) written with
 * node:crypto only: AES-CTR through `aes-128-ctr`, AES-CMAC (NIST SP 800-38B, for bit strings)
 * through `aes-128-ecb` (subkeys) and `aes-128-cbc` (the CBC-MAC chain). It shares no code with the
 * firmware; tests use it as an oracle on random inputs, bit lengths included.
 */
import { createCipheriv } from 'node:crypto';

const ZERO16 = new Uint8Array(16);
/** R_128 (SP 800-38B 5.3). */
const R128 = 0x87;

/** COUNT ‖ BEARER ‖ DIRECTION ‖ 0^26 (8 bytes): the first half of T1 and the 128-EIA2 header. */
function countBearerDirection(count: number, bearer: number, direction: number): Uint8Array {
  const h = new Uint8Array(8);
  new DataView(h.buffer).setUint32(0, count >>> 0);
  h[4] = ((bearer & 0x1f) << 3) | ((direction & 1) << 2);
  return h;
}

/** Keep the first `bits` bits of `b` (ceil(bits/8) bytes), the rest of the last byte zero. */
function truncateBits(b: Uint8Array, bits: number): Uint8Array {
  const out = b.slice(0, Math.ceil(bits / 8));
  if (bits % 8) out[out.length - 1] &= 0xff << (8 - (bits % 8));
  return out;
}

/** Shift a 16-byte block left by one bit, XOR R_128 if the top bit fell out (SP 800-38B 6.1). */
function dbl(b: Uint8Array): Uint8Array {
  const o = new Uint8Array(16);
  for (let i = 0; i < 16; i++) o[i] = ((b[i] << 1) | (i < 15 ? b[i + 1] >> 7 : 0)) & 0xff;
  if (b[0] & 0x80) o[15] ^= R128;
  return o;
}

/** The CMAC subkeys K1 ‖ K2 of `key` (SP 800-38B 6.1: L = AES-128(K, 0^128), K1 = dbl(L),
 *  K2 = dbl(K1)): what the fast build keeps in a slot beside a 128-NIA2 KNASint. */
export function cmacSubkeys(key: Uint8Array): Uint8Array {
  const L = new Uint8Array(createCipheriv('aes-128-ecb', key, null).setAutoPadding(false).update(ZERO16));
  const k1 = dbl(L);
  return Uint8Array.from([...k1, ...dbl(k1)]);
}

/** AES-CMAC (SP 800-38B 6.2) of the first `bits` bits of `m`; returns the full 16-byte T. */
export function aesCmacBits(key: Uint8Array, m: Uint8Array, bits: number): Uint8Array {
  const ecb = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  const L = new Uint8Array(ecb.update(ZERO16));
  const k1 = dbl(L), k2 = dbl(k1);
  const n = bits === 0 ? 1 : Math.ceil(bits / 128);
  const padded = new Uint8Array(16 * n);
  padded.set(truncateBits(m, bits));
  const complete = bits > 0 && bits % 128 === 0;
  if (!complete) padded[bits >> 3] |= 0x80 >> (bits % 8); // M_n* ‖ 1 ‖ 0^j
  const sub = complete ? k1 : k2;
  for (let i = 0; i < 16; i++) padded[16 * (n - 1) + i] ^= sub[i];
  const cbc = createCipheriv('aes-128-cbc', key, ZERO16).setAutoPadding(false);
  const c = new Uint8Array(cbc.update(padded));
  return c.slice(16 * (n - 1));
}

/** 128-NIA2: the first 32 bits of AES-CMAC over COUNT ‖ BEARER ‖ DIRECTION ‖ 0^26 ‖ MESSAGE
 *  (BLENGTH = bits + 64). */
export function nia2Ref(key: Uint8Array, count: number, bearer: number, direction: number, message: Uint8Array, bits: number): Uint8Array {
  const m = new Uint8Array(8 + Math.ceil(bits / 8));
  m.set(countBearerDirection(count, bearer, direction));
  m.set(message.subarray(0, Math.ceil(bits / 8)), 8);
  return aesCmacBits(key, m, bits + 64).slice(0, 4);
}

/** 128-NEA2: AES-128-CTR with T1 = COUNT ‖ BEARER ‖ DIRECTION ‖ 0^26 ‖ 0^64; ceil(bits/8) bytes
 *  out, bits past `bits` zero. (node's CTR increments all 128 bits; a message of at most 2^68
 *  bytes never carries out of the low 64 bits, so this equals the mod-2^64 increment of B.1.3.) */
export function nea2Ref(key: Uint8Array, count: number, bearer: number, direction: number, message: Uint8Array, bits: number): Uint8Array {
  const t1 = new Uint8Array(16);
  t1.set(countBearerDirection(count, bearer, direction));
  const ctr = createCipheriv('aes-128-ctr', key, t1);
  const out = new Uint8Array(ctr.update(message.subarray(0, Math.ceil(bits / 8))));
  return truncateBits(out, bits);
}
