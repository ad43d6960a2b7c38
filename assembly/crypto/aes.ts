// AES-128 encryption (FIPS 197), encrypt direction only: 128-EEA2 (CTR), 128-EIA2 (CMAC) and
// MILENAGE (TS 35.206, kernel function E_K) need nothing else.
//
// One 1 KiB T-table (computed when the module is instantiated, see aesTablesInit), little-endian
// word convention. A state column is the 4 bytes a0..a3 loaded
// with load<u32> (a0 in bits 0..7). T0[x] holds the MixColumns contribution of row-0 byte x after
// SubBytes: bytes [2*S(x), S(x), S(x), 3*S(x)] (FIPS 197 5.1.3, column multiplied by {02}{01}{01}{03}).
// Rows 1..3 contribute the same bytes rotated one position per row, so
//   T1[x] = rotl(T0[x], 8), T2[x] = rotl(T0[x], 16), T3[x] = rotl(T0[x], 24)
// and no further tables are needed. S(x) itself is byte 1 of T0[x] (used by the last round and by
// the key schedule, which have no MixColumns).
//
// Round keys: 176 bytes = w[0..43] (FIPS 197 5.2) in the standard byte order, so rk + 16*r is the
// round-r key as a 16-byte string and AddRoundKey is a 32-bit XOR per column. No state outside the
// caller's regions: rk and the 16-byte blocks are the whole context.

import { FAST } from "./variant";
import { aesFastTablesInit, aesExpandKeyFast, aesEncryptBlockFast } from "./aes-fast";

/** Nk, Nb, Nr for AES-128 (FIPS 197 Figure 4). */
const AES_NK: i32 = 4;
const AES_NB: i32 = 4;
const AES_NR: i32 = 10;
/** Bytes of the expanded key: Nb * (Nr + 1) words (FIPS 197 5.2). */
export const AES_RK_LEN: usize = <usize>(AES_NB * (AES_NR + 1) * 4);
export const AES_BLOCK_LEN: usize = 16;
export const AES_KEY_LEN: usize = 16;

/** x^8 = x^4 + x^3 + x + 1: the reduction byte of xtime() (FIPS 197 4.2.1, m(x) = 0x11b). */
const AES_XTIME_POLY: u32 = 0x1b;
/** c = {63}, the constant byte of the S-box affine transformation (FIPS 197 5.1.1). */
const AES_AFFINE_C: u32 = 0x63;
/** Rcon[1] = {01} (FIPS 197 5.2); later values are xtime of the previous one. */
const AES_RCON_1: u32 = 0x01;

/** T0[x] = [2*S(x), S(x), S(x), 3*S(x)] as a little-endian u32 (see the file comment). Filled once
 *  by aesTablesInit() when the module is instantiated (the wasm start function), so the binary does
 *  not carry the 1 KiB table and no export can run before it is complete. */
const T0: usize = memory.data(1024, 4);

/**
 * Fill T0 from the S-box definition (FIPS 197 5.1.1): S(x) is the affine transformation of the
 * multiplicative inverse of x in GF(2^8) mod m(x) = x^8 + x^4 + x^3 + x + 1, with {00} mapped to
 * {00} before the transformation. p walks the powers g^i of the generator g = {03} and q the powers
 * g^-i, so q is always the inverse of p; after 255 steps p is back at {01}.
 */
function aesTablesInit(): void {
  let p: u32 = 1, q: u32 = 1;
  do {
    // p = p * {03} = p ^ xtime(p) (FIPS 197 4.2.1)
    p = (p ^ (p << 1) ^ (((p >>> 7) & 1) * AES_XTIME_POLY)) & 0xff;
    // q = q / {03} = q * {f6}, {f6} being the inverse of {03}, in shift-XOR form (every entry is
    // checked against FIPS 197 Figure 7 by tests/vectors/crypto-tables.test.ts)
    q ^= q << 1; q ^= q << 2; q ^= q << 4; q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    store<u32>(<usize>p << 2, aesColumn(affine(q)), T0);
  } while (p != 1);
  // the inverse of {00} is taken as {00} (FIPS 197 5.1.1)
  store<u32>(T0, aesColumn(affine(0)));
}
aesTablesInit();
// The fast build (crypto/variant.ts) derives its eight tables from T0 (crypto/aes-fast.ts).
if (FAST) aesFastTablesInit(T0);

/** The affine transformation of FIPS 197 5.1.1 (equation 5.1): b'_i = b_i ⊕ b_(i+4) ⊕ b_(i+5) ⊕ b_(i+6) ⊕ b_(i+7)
 *  ⊕ c_i with c = {63}, i.e. b ⊕ rotl8(b,1) ⊕ rotl8(b,2) ⊕ rotl8(b,3) ⊕ rotl8(b,4) ⊕ {63}. */
// @ts-ignore: decorator
@inline function affine(b: u32): u32 {
  let m = b ^ (b << 1) ^ (b << 2) ^ (b << 3) ^ (b << 4);
  return (m ^ (m >>> 8) ^ AES_AFFINE_C) & 0xff;
}

/** [2s, s, s, 3s] as the little-endian word of T0 (MixColumns column {02}{01}{01}{03}). */
// @ts-ignore: decorator
@inline function aesColumn(s: u32): u32 {
  let s2 = ((s << 1) ^ (((s >>> 7) & 1) * AES_XTIME_POLY)) & 0xff;
  return s2 | (s << 8) | (s << 16) | ((s2 ^ s) << 24);
}

// @ts-ignore: decorator
@inline function te(x: u32): u32 { return load<u32>((<usize>x & 0xff) << 2, T0); }   // T0 as the load's constant offset

/** T0[x & 0xff] (see the file comment). Exported for SNOW 3G, whose S1 box is the AES S-box
 *  followed by the AES MixColumn (UEA2&UIA2 Document 2, 3.3.1), so it needs no table of its own. */
// @ts-ignore: decorator
@inline export function aesT0(x: u32): u32 { return te(x); }
// @ts-ignore: decorator
@inline function sbox(x: u32): u32 { return (te(x) >>> 8) & 0xff; }
/** SubWord (FIPS 197 5.2): S-box applied to each of the four bytes. */
// @ts-ignore: decorator
@inline function subWord(w: u32): u32 {
  return sbox(w) | (sbox(w >>> 8) << 8) | (sbox(w >>> 16) << 16) | (sbox(w >>> 24) << 24);
}

/**
 * KeyExpansion (FIPS 197 5.2) of the 16-byte cipher key at `key` into 176 bytes at `rk`.
 * `key` and `rk` may be the same address (the key is the first round key).
 */
export function aesExpandKey(key: usize, rk: usize): void {
  if (FAST) { aesExpandKeyFast(key, rk); return; }
  let w0 = load<u32>(key), w1 = load<u32>(key, 4), w2 = load<u32>(key, 8), w3 = load<u32>(key, 12);
  store<u32>(rk, w0); store<u32>(rk, w1, 4); store<u32>(rk, w2, 8); store<u32>(rk, w3, 12);
  let rcon = AES_RCON_1;
  for (let i = AES_NK; i < AES_NB * (AES_NR + 1); i += AES_NK) {
    // temp = SubWord(RotWord(w[i-1])) xor Rcon[i/Nk]; RotWord [a0,a1,a2,a3] -> [a1,a2,a3,a0] is a
    // right rotation of the little-endian word.
    let temp = subWord(rotr<u32>(w3, 8)) ^ rcon;
    // w[i] = w[i-Nk] xor temp, then w[i+j] = w[i+j-Nk] xor w[i+j-1]
    w0 ^= temp; w1 ^= w0; w2 ^= w1; w3 ^= w2;
    let p = rk + (<usize>i << 2);
    store<u32>(p, w0); store<u32>(p, w1, 4); store<u32>(p, w2, 8); store<u32>(p, w3, 12);
    // Rcon[i/Nk + 1] = xtime(Rcon[i/Nk])
    rcon = ((rcon << 1) & 0xff) ^ (((rcon >>> 7) & 1) * AES_XTIME_POLY);
  }
}

/**
 * Cipher (FIPS 197 5.1) of one 16-byte block with the expanded key at `rk`.
 * `input` and `output` may alias (the state lives in locals until the final store).
 */
export function aesEncryptBlock(rk: usize, input: usize, output: usize): void {
  if (FAST) { aesEncryptBlockFast(rk, input, output); return; }
  // AddRoundKey(state, w[0, Nb-1])
  let s0 = load<u32>(input) ^ load<u32>(rk);
  let s1 = load<u32>(input, 4) ^ load<u32>(rk, 4);
  let s2 = load<u32>(input, 8) ^ load<u32>(rk, 8);
  let s3 = load<u32>(input, 12) ^ load<u32>(rk, 12);
  let k = rk;
  // for round = 1 step 1 to Nr-1: SubBytes, ShiftRows, MixColumns, AddRoundKey.
  // ShiftRows: row r of output column c comes from input column (c + r) mod Nb.
  for (let round = 1; round < AES_NR; round++) {
    k += AES_BLOCK_LEN;
    let t0 = te(s0) ^ rotl<u32>(te(s1 >>> 8), 8) ^ rotl<u32>(te(s2 >>> 16), 16) ^ rotl<u32>(te(s3 >>> 24), 24) ^ load<u32>(k);
    let t1 = te(s1) ^ rotl<u32>(te(s2 >>> 8), 8) ^ rotl<u32>(te(s3 >>> 16), 16) ^ rotl<u32>(te(s0 >>> 24), 24) ^ load<u32>(k, 4);
    let t2 = te(s2) ^ rotl<u32>(te(s3 >>> 8), 8) ^ rotl<u32>(te(s0 >>> 16), 16) ^ rotl<u32>(te(s1 >>> 24), 24) ^ load<u32>(k, 8);
    let t3 = te(s3) ^ rotl<u32>(te(s0 >>> 8), 8) ^ rotl<u32>(te(s1 >>> 16), 16) ^ rotl<u32>(te(s2 >>> 24), 24) ^ load<u32>(k, 12);
    s0 = t0; s1 = t1; s2 = t2; s3 = t3;
  }
  // Final round: SubBytes, ShiftRows, AddRoundKey(state, w[Nr*Nb, (Nr+1)*Nb-1]) (no MixColumns).
  k += AES_BLOCK_LEN;
  let o0 = sbox(s0) | (sbox(s1 >>> 8) << 8) | (sbox(s2 >>> 16) << 16) | (sbox(s3 >>> 24) << 24);
  let o1 = sbox(s1) | (sbox(s2 >>> 8) << 8) | (sbox(s3 >>> 16) << 16) | (sbox(s0 >>> 24) << 24);
  let o2 = sbox(s2) | (sbox(s3 >>> 8) << 8) | (sbox(s0 >>> 16) << 16) | (sbox(s1 >>> 24) << 24);
  let o3 = sbox(s3) | (sbox(s0 >>> 8) << 8) | (sbox(s1 >>> 16) << 16) | (sbox(s2 >>> 24) << 24);
  store<u32>(output, o0 ^ load<u32>(k));
  store<u32>(output, o1 ^ load<u32>(k, 4), 4);
  store<u32>(output, o2 ^ load<u32>(k, 8), 8);
  store<u32>(output, o3 ^ load<u32>(k, 12), 12);
}
