// SNOW 3G keystream (UEA2 & UIA2 Document 2) and the f9 / 128-NIA1 multiplication for the FAST
// build (crypto/variant.ts); crypto/snow3g.ts keeps the key loading, the single clocks and the f8 /
// f9 framing and hands the state over. Same context layout as crypto/snow3g.ts (LFSR doubled ring
// at 0, R1 128, R2 132, R3 136, base 140).
//
// Speed-ups over crypto/snow3g.ts (same algorithm):
//  - sixteen clocks at a time with s0..s15 in locals: clock t writes the new s15 into the local
//    that held s0, so after sixteen clocks every cell is back under its own name;
//  - S1 (Doc 2, 3.3.1) is the AES S-box followed by the AES MixColumn, i.e. the four AES T-tables
//    of crypto/aes-fast.ts (FT0..FT3) indexed by the four bytes; S2 (3.3.2) is linear in the four
//    S_Q bytes, so it is four tables S2Tp[x] = S2 of S_Q(x) alone in byte p (computed at start
//    with the same mixing formula as crypto/snow3g.ts); MULα and DIVα (3.4.2, 3.4.3) are full
//    256-entry tables (the XOR of crypto/snow3g.ts's two nibble tables, computed at start);
//  - f9's MUL(X, P) in GF(2^64) (Doc 1, 4.3), P fixed for the message: sixteen 16-entry tables
//    TP[k][n] = (n · x^(4k)) · P built once per message, so a product is sixteen lookups by the
//    4-bit windows of X (linearity: X · P = ⊕_k X_k · x^(4k) · P). The tables are key-derived and
//    wiped before the f9 call returns.

import { FAST, NOT_BUILT } from "./variant";
import { FT0, FT1, FT2, FT3 } from "./aes-fast";

// context layout of crypto/snow3g.ts
const SNOW_S: usize = 0;
const SNOW_R1: usize = 128;
const SNOW_R2: usize = 132;
const SNOW_R3: usize = 136;
const SNOW_BASE: usize = 140;

/** S2T0..S2T3 (1 KiB each), then FMULA and FDIVA (1 KiB each). */
const SNOW_TABLES: usize = FAST ? memory.data(6144, 16) : NOT_BUILT;
const S2T0: usize = SNOW_TABLES;
const S2T1: usize = SNOW_TABLES + 1024;
const S2T2: usize = SNOW_TABLES + 2048;
const S2T3: usize = SNOW_TABLES + 3072;
const FMULA: usize = SNOW_TABLES + 4096;
const FDIVA: usize = SNOW_TABLES + 5120;
/** Scratch of one f9 call, wiped before it returns: the multiplication tables TP[0..15][0..15]
 *  (2 KiB of u64). */
const SNOW_SCRATCH: usize = FAST ? memory.data(2048, 16) : NOT_BUILT;
const F9_TP: usize = SNOW_SCRATCH;
const SNOW_SCRATCH_LEN: usize = 2048;

const SNOW_MODE_INIT: i32 = 0;   // initialisation clocks: F enters the LFSR, no output
const SNOW_MODE_XOR: i32 = 1;    // keystream clocks, dst = src ⊕ the 4 bytes of z

/** MULx(V, 0x69) on each byte of q (Doc 2, 3.1.1), then the S2 mixing of crypto/snow3g.ts. */
// @ts-ignore: decorator
@inline function s2Mix(q: u32): u32 {
  let y = ((q & 0x7f7f7f7f) << 1) ^ (((q >>> 7) & 0x01010101) * 0x69);
  return y ^ rotr<u32>(y ^ q, 8) ^ rotl<u32>(q, 8) ^ rotl<u32>(q, 16);
}

/** Fill the tables from crypto/snow3g.ts's S_Q (256 bytes) and its MULα / DIVα nibble tables
 *  (16 words for the low nibble, then 16 for the high one). */
export function snow3gFastTablesInit(sq: usize, mulNib: usize, divNib: usize): void {
  for (let i: usize = 0; i < 256; i++) {
    let q = <u32>load<u8>(sq + i), o = i << 2;
    store<u32>(S2T0 + o, s2Mix(q)); store<u32>(S2T1 + o, s2Mix(q << 8));
    store<u32>(S2T2 + o, s2Mix(q << 16)); store<u32>(S2T3 + o, s2Mix(q << 24));
    let lo = (i & 15) << 2, hi = (i >>> 4) << 2;
    store<u32>(FMULA + o, load<u32>(mulNib + lo) ^ load<u32>(mulNib + 64 + hi));
    store<u32>(FDIVA + o, load<u32>(divNib + lo) ^ load<u32>(divNib + 64 + hi));
  }
}

// @ts-ignore: decorator
@inline function be32(x: u32): u32 { return rotl<u32>(x & 0xff00ff00, 8) | rotr<u32>(x & 0x00ff00ff, 8); }
/** S1(w): byte 0 (most significant) → rows 2,3,1,1 = FT3; byte 1 → FT2; byte 2 → FT1; byte 3 → FT0. */
// @ts-ignore: decorator
@inline function S1(w: u32): u32 {
  return load<u32>(w >>> 24 << 2, FT3) ^ load<u32>((w >>> 14) & 0x3fc, FT2) ^ load<u32>((w >>> 6) & 0x3fc, FT1) ^ load<u32>((w & 0xff) << 2, FT0);
}
// @ts-ignore: decorator
@inline function S2(w: u32): u32 {
  return load<u32>(w >>> 24 << 2, S2T3) ^ load<u32>((w >>> 14) & 0x3fc, S2T2) ^ load<u32>((w >>> 6) & 0x3fc, S2T1) ^ load<u32>((w & 0xff) << 2, S2T0);
}

/**
 * Sixteen clocks from the state in `ctx` (any ring base), written back with base 0. Per clock
 * (Doc 2, 3.4.4 to 4.2): F = (s15 ⊞ R1) ⊕ R2; r = R2 ⊞ (R3 ⊕ s5); R3 = S2(R2); R2 = S1(R1);
 * R1 = r; v = (s0 << 8) ⊕ MULα(s0,0) ⊕ s2 ⊕ (s11 >> 8) ⊕ DIVα(s11,3) [⊕ F in initialisation
 * mode]; z = F ⊕ s0 in keystream mode, XORed from src into dst (64 bytes).
 */
// @ts-ignore: decorator
@inline function snowClocks16(ctx: usize, src: usize, dst: usize, mode: i32): void {
  let ring = ctx + SNOW_S + (<usize>load<u32>(ctx + SNOW_BASE) << 2);
  let c0 = load<u32>(ring, 0), c1 = load<u32>(ring, 4), c2 = load<u32>(ring, 8), c3 = load<u32>(ring, 12);
  let c4 = load<u32>(ring, 16), c5 = load<u32>(ring, 20), c6 = load<u32>(ring, 24), c7 = load<u32>(ring, 28);
  let c8 = load<u32>(ring, 32), c9 = load<u32>(ring, 36), c10 = load<u32>(ring, 40), c11 = load<u32>(ring, 44);
  let c12 = load<u32>(ring, 48), c13 = load<u32>(ring, 52), c14 = load<u32>(ring, 56), c15 = load<u32>(ring, 60);
  let R1 = load<u32>(ctx + SNOW_R1), R2 = load<u32>(ctx + SNOW_R2), R3 = load<u32>(ctx + SNOW_R3);
  let F: u32, r: u32, v: u32;
  // clock 0: s_i is c0..c15
  F = (c15 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 0) ^ be32(F ^ c0), 0);
  r = R2 + (R3 ^ c5); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c0 << 8) ^ load<u32>(c0 >>> 24 << 2, FMULA) ^ c2 ^ (c11 >>> 8) ^ load<u32>((c11 & 0xff) << 2, FDIVA);
  c0 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 1: s_i is c1..c0
  F = (c0 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 4) ^ be32(F ^ c1), 4);
  r = R2 + (R3 ^ c6); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c1 << 8) ^ load<u32>(c1 >>> 24 << 2, FMULA) ^ c3 ^ (c12 >>> 8) ^ load<u32>((c12 & 0xff) << 2, FDIVA);
  c1 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 2: s_i is c2..c1
  F = (c1 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 8) ^ be32(F ^ c2), 8);
  r = R2 + (R3 ^ c7); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c2 << 8) ^ load<u32>(c2 >>> 24 << 2, FMULA) ^ c4 ^ (c13 >>> 8) ^ load<u32>((c13 & 0xff) << 2, FDIVA);
  c2 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 3: s_i is c3..c2
  F = (c2 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 12) ^ be32(F ^ c3), 12);
  r = R2 + (R3 ^ c8); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c3 << 8) ^ load<u32>(c3 >>> 24 << 2, FMULA) ^ c5 ^ (c14 >>> 8) ^ load<u32>((c14 & 0xff) << 2, FDIVA);
  c3 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 4: s_i is c4..c3
  F = (c3 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 16) ^ be32(F ^ c4), 16);
  r = R2 + (R3 ^ c9); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c4 << 8) ^ load<u32>(c4 >>> 24 << 2, FMULA) ^ c6 ^ (c15 >>> 8) ^ load<u32>((c15 & 0xff) << 2, FDIVA);
  c4 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 5: s_i is c5..c4
  F = (c4 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 20) ^ be32(F ^ c5), 20);
  r = R2 + (R3 ^ c10); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c5 << 8) ^ load<u32>(c5 >>> 24 << 2, FMULA) ^ c7 ^ (c0 >>> 8) ^ load<u32>((c0 & 0xff) << 2, FDIVA);
  c5 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 6: s_i is c6..c5
  F = (c5 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 24) ^ be32(F ^ c6), 24);
  r = R2 + (R3 ^ c11); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c6 << 8) ^ load<u32>(c6 >>> 24 << 2, FMULA) ^ c8 ^ (c1 >>> 8) ^ load<u32>((c1 & 0xff) << 2, FDIVA);
  c6 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 7: s_i is c7..c6
  F = (c6 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 28) ^ be32(F ^ c7), 28);
  r = R2 + (R3 ^ c12); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c7 << 8) ^ load<u32>(c7 >>> 24 << 2, FMULA) ^ c9 ^ (c2 >>> 8) ^ load<u32>((c2 & 0xff) << 2, FDIVA);
  c7 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 8: s_i is c8..c7
  F = (c7 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 32) ^ be32(F ^ c8), 32);
  r = R2 + (R3 ^ c13); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c8 << 8) ^ load<u32>(c8 >>> 24 << 2, FMULA) ^ c10 ^ (c3 >>> 8) ^ load<u32>((c3 & 0xff) << 2, FDIVA);
  c8 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 9: s_i is c9..c8
  F = (c8 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 36) ^ be32(F ^ c9), 36);
  r = R2 + (R3 ^ c14); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c9 << 8) ^ load<u32>(c9 >>> 24 << 2, FMULA) ^ c11 ^ (c4 >>> 8) ^ load<u32>((c4 & 0xff) << 2, FDIVA);
  c9 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 10: s_i is c10..c9
  F = (c9 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 40) ^ be32(F ^ c10), 40);
  r = R2 + (R3 ^ c15); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c10 << 8) ^ load<u32>(c10 >>> 24 << 2, FMULA) ^ c12 ^ (c5 >>> 8) ^ load<u32>((c5 & 0xff) << 2, FDIVA);
  c10 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 11: s_i is c11..c10
  F = (c10 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 44) ^ be32(F ^ c11), 44);
  r = R2 + (R3 ^ c0); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c11 << 8) ^ load<u32>(c11 >>> 24 << 2, FMULA) ^ c13 ^ (c6 >>> 8) ^ load<u32>((c6 & 0xff) << 2, FDIVA);
  c11 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 12: s_i is c12..c11
  F = (c11 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 48) ^ be32(F ^ c12), 48);
  r = R2 + (R3 ^ c1); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c12 << 8) ^ load<u32>(c12 >>> 24 << 2, FMULA) ^ c14 ^ (c7 >>> 8) ^ load<u32>((c7 & 0xff) << 2, FDIVA);
  c12 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 13: s_i is c13..c12
  F = (c12 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 52) ^ be32(F ^ c13), 52);
  r = R2 + (R3 ^ c2); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c13 << 8) ^ load<u32>(c13 >>> 24 << 2, FMULA) ^ c15 ^ (c8 >>> 8) ^ load<u32>((c8 & 0xff) << 2, FDIVA);
  c13 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 14: s_i is c14..c13
  F = (c13 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 56) ^ be32(F ^ c14), 56);
  r = R2 + (R3 ^ c3); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c14 << 8) ^ load<u32>(c14 >>> 24 << 2, FMULA) ^ c0 ^ (c9 >>> 8) ^ load<u32>((c9 & 0xff) << 2, FDIVA);
  c14 = mode == SNOW_MODE_INIT ? v ^ F : v;
  // clock 15: s_i is c15..c14
  F = (c14 + R1) ^ R2;
  if (mode == SNOW_MODE_XOR) store<u32>(dst, load<u32>(src, 60) ^ be32(F ^ c15), 60);
  r = R2 + (R3 ^ c4); R3 = S2(R2); R2 = S1(R1); R1 = r;
  v = (c15 << 8) ^ load<u32>(c15 >>> 24 << 2, FMULA) ^ c1 ^ (c10 >>> 8) ^ load<u32>((c10 & 0xff) << 2, FDIVA);
  c15 = mode == SNOW_MODE_INIT ? v ^ F : v;
  let s = ctx + SNOW_S;
  store<u32>(s, c0, 0); store<u32>(s, c1, 4); store<u32>(s, c2, 8); store<u32>(s, c3, 12);
  store<u32>(s, c4, 16); store<u32>(s, c5, 20); store<u32>(s, c6, 24); store<u32>(s, c7, 28);
  store<u32>(s, c8, 32); store<u32>(s, c9, 36); store<u32>(s, c10, 40); store<u32>(s, c11, 44);
  store<u32>(s, c12, 48); store<u32>(s, c13, 52); store<u32>(s, c14, 56); store<u32>(s, c15, 60);
  // the mirror half of the doubled ring (crypto/snow3g.ts reads s_i at slot base + i): only its
  // single clocks, which follow initialisation, read it; batches start from base 0 or 1
  if (mode == SNOW_MODE_INIT) for (let i: usize = 0; i < 64; i += 8) store<u64>(s + 64 + i, load<u64>(s + i));
  store<u32>(ctx + SNOW_R1, R1); store<u32>(ctx + SNOW_R2, R2); store<u32>(ctx + SNOW_R3, R3);
  store<u32>(ctx + SNOW_BASE, 0);
}

/** The 32 initialisation clocks (Doc 2, 4.1), two batches of sixteen. */
export function snow3gInitClocksFast(ctx: usize): void {
  // (src and dst are not used in this mode)
  snowClocks16(ctx, ctx, ctx, SNOW_MODE_INIT);
  snowClocks16(ctx, ctx, ctx, SNOW_MODE_INIT);
}
function snowXor16(ctx: usize, src: usize, dst: usize): void { snowClocks16(ctx, src, dst, SNOW_MODE_XOR); }

/** f8 after initialisation (crypto/snow3g.ts snow3gXor): dst = src ⊕ keystream for the whole
 *  64-byte chunks of the `len` bytes, the keystream XORed in as it is made; returns the number of
 *  bytes done (crypto/snow3g.ts finishes the rest with single clocks). src and dst may alias. */
export function snow3gXorFast(ctx: usize, src: usize, dst: usize, len: usize): usize {
  let i: usize = 0;
  for (; len - i >= 64; i += 64) snowXor16(ctx, src + i, dst + i);
  return i;
}

function snowScratchWipe(): void {
  for (let i: usize = 0; i < SNOW_SCRATCH_LEN; i += 32) {
    store<u64>(SNOW_SCRATCH + i, 0); store<u64>(SNOW_SCRATCH + i, 0, 8);
    store<u64>(SNOW_SCRATCH + i, 0, 16); store<u64>(SNOW_SCRATCH + i, 0, 24);
  }
}

/** MUL64x(V, c) with c = 0x1b (Doc 1, 4.3): V << 1, XOR c when the top bit was set. */
// @ts-ignore: decorator
@inline function mul64x(V: u64): u64 { return (V << 1) ^ (0x1b & (0 - (V >>> 63))); }

/** TP[k][n] = (n · x^(4k)) · P for k, n = 0..15: TP[k][2^j] = P · x^(4k+j) by repeated MUL64x,
 *  the other entries XORs of those four. */
function f9Tables(P: u64): void {
  let V = P;
  for (let t: usize = F9_TP; t < F9_TP + 2048; t += 128) {
    let a = V, b = mul64x(a), c = mul64x(b), d = mul64x(c);
    V = mul64x(d);
    let ab = a ^ b;
    store<u64>(t, 0, 0); store<u64>(t, a, 8); store<u64>(t, b, 16); store<u64>(t, ab, 24);
    store<u64>(t, c, 32); store<u64>(t, c ^ a, 40); store<u64>(t, c ^ b, 48); store<u64>(t, c ^ ab, 56);
    store<u64>(t, d, 64); store<u64>(t, d ^ a, 72); store<u64>(t, d ^ b, 80); store<u64>(t, d ^ ab, 88);
    let dc = d ^ c;
    store<u64>(t, dc, 96); store<u64>(t, dc ^ a, 104); store<u64>(t, dc ^ b, 112); store<u64>(t, dc ^ ab, 120);
  }
}

/** X · P with the tables of f9Tables: ⊕ over the sixteen 4-bit windows of X (least significant
 *  first) of TP[k][window k]. */
// @ts-ignore: decorator
@inline function mulP(X: u64): u64 {
  let lo = <u32>X, hi = <u32>(X >>> 32);
  return load<u64>((lo & 15) << 3, F9_TP) ^ load<u64>((lo >>> 1) & 0x78, F9_TP + 128)
    ^ load<u64>((lo >>> 5) & 0x78, F9_TP + 256) ^ load<u64>((lo >>> 9) & 0x78, F9_TP + 384)
    ^ load<u64>((lo >>> 13) & 0x78, F9_TP + 512) ^ load<u64>((lo >>> 17) & 0x78, F9_TP + 640)
    ^ load<u64>((lo >>> 21) & 0x78, F9_TP + 768) ^ load<u64>((lo >>> 25) & 0x78, F9_TP + 896)
    ^ load<u64>((hi & 15) << 3, F9_TP + 1024) ^ load<u64>((hi >>> 1) & 0x78, F9_TP + 1152)
    ^ load<u64>((hi >>> 5) & 0x78, F9_TP + 1280) ^ load<u64>((hi >>> 9) & 0x78, F9_TP + 1408)
    ^ load<u64>((hi >>> 13) & 0x78, F9_TP + 1536) ^ load<u64>((hi >>> 17) & 0x78, F9_TP + 1664)
    ^ load<u64>((hi >>> 21) & 0x78, F9_TP + 1792) ^ load<u64>((hi >>> 25) & 0x78, F9_TP + 1920);
}

/**
 * f9's EVAL over the message blocks (Doc 1, 4.4): for i = 0 .. D−2, EVAL = Mul(EVAL ⊕ M_i, P),
 * the last block padded with zeros; returns EVAL ⊕ M_(D−1) (= LENGTH), ready for the final
 * multiplication by Q in crypto/snow3g.ts.
 */
export function f9EvalFast(msg: usize, bitLen: u32, P: u64): u64 {
  f9Tables(P);
  let full = <usize>(bitLen >>> 6), rem = bitLen & 63;
  let EVAL: u64 = 0;
  let p = msg, end = msg + (full << 3);
  for (; p < end; p += 8) {
    let Mi = (<u64>be32(load<u32>(p)) << 32) | <u64>be32(load<u32>(p, 4));
    EVAL = mulP(EVAL ^ Mi);
  }
  if (rem != 0) {
    // M_(D−2) = the rem remaining message bits ‖ 0…0: read only the ceil(rem / 8) bytes they use
    let Mi: u64 = 0;
    let nBytes = (rem + 7) >>> 3;
    for (let j: u32 = 0; j < nBytes; j++) Mi |= <u64>load<u8>(p + j) << <u64>(56 - 8 * j);
    Mi &= 0xffffffffffffffff << <u64>(64 - rem);
    EVAL = mulP(EVAL ^ Mi);
  }
  snowScratchWipe();
  return EVAL ^ <u64>bitLen;
}
