// ZUC-128 keystream and 128-EEA3 / 128-EIA3 for the FAST build (crypto/variant.ts); the small
// build's crypto/zuc.ts does the key loading and the discarded first working round, then hands the
// state over. Same context layout as crypto/zuc.ts (LFSR doubled ring at 0, R1 at 128, R2 at 132,
// base at 136).
//
// Speed-ups over crypto/zuc.ts (same algorithm, ETSI/SAGE ZUC Document 2):
//  - the LFSR lives in sixteen locals for sixteen rounds at a time: round t writes s16 into the
//    local that held s0, so after sixteen rounds every cell is back under its own name and nothing
//    moves (the state is loaded from and stored to the context once per sixteen keystream words);
//  - the LFSR feedback 2^15 s15 + 2^17 s13 + 2^21 s10 + 2^20 s4 + (1 + 2^8) s0 (Doc 2, 3.2) is
//    summed in 64 bits and reduced mod 2^31 − 1 twice (x = (x mod 2^31) + (x >> 31)), instead of
//    five modular additions; with every cell in [1, 2^31 − 1] the result is never 0, so the
//    "if s16 = 0 then s16 = 2^31 − 1" rule of 3.2 cannot apply and needs no test;
//  - S = (S0, S1, S0, S1) by byte (Doc 2, 3.4.2) comes from four 1 KiB tables holding the S-box
//    byte already in its position (computed at start from crypto/zuc.ts's S0 and S1);
//  - 128-EIA3 (Doc 1, 4.4) takes 32 message bits at a time: for message word M (bit 0 = most
//    significant) and the 64 keystream bits K = z_j ‖ z_(j+1), the sum ⊕_(i: M_i = 1) z_(32j+i) is
//    the top 32 bits of ⊕_(i: M_i = 1) (K << i), computed with a 16-entry table of the shifted
//    copies of K per 4 message bits (carry-less multiplication by 4-bit windows); no branch
//    depends on the message.

import { FAST, NOT_BUILT } from "./variant";

// context layout of crypto/zuc.ts
const ZUC_S: usize = 0;
const ZUC_R1: usize = 128;
const ZUC_R2: usize = 132;
const ZUC_BASE: usize = 136;

/** ZS0[x] = S0[x] << 24, ZS1[x] = S1[x] << 16, ZS2[x] = S0[x] << 8, ZS3[x] = S1[x]: S(X) is their
 *  OR over the four bytes of X (most significant byte first). */
const ZS0: usize = FAST ? memory.data(4096, 16) : NOT_BUILT;
const ZS1: usize = ZS0 + 1024;
const ZS2: usize = ZS0 + 2048;
const ZS3: usize = ZS0 + 3072;
/** Scratch of one 128-EIA3 call, wiped before it returns: sixteen keystream words (64 bytes),
 *  then the 128-byte window table (16 × u64). */
const ZUC_SCRATCH: usize = FAST ? memory.data(192, 16) : NOT_BUILT;
const ZUC_KS: usize = ZUC_SCRATCH;
const EIA3_TBL: usize = ZUC_SCRATCH + 64;
const ZUC_SCRATCH_LEN: usize = 192;

const ZUC_MODE_INIT: i32 = 0;    // initialisation rounds: u = W >> 1 enters the LFSR, no output
const ZUC_MODE_NATIVE: i32 = 1;  // working rounds, Z as a native u32
const ZUC_MODE_XOR: i32 = 2;     // working rounds, dst = src ⊕ the 4 keystream bytes of Z

/** Fill ZS0..ZS3 from the S-boxes S0, S1 (256 bytes each, crypto/zuc.ts). */
export function zucFastTablesInit(s0: usize, s1: usize): void {
  for (let i: usize = 0; i < 256; i++) {
    let a = <u32>load<u8>(s0 + i), b = <u32>load<u8>(s1 + i);
    store<u32>(ZS0 + (i << 2), a << 24); store<u32>(ZS1 + (i << 2), b << 16);
    store<u32>(ZS2 + (i << 2), a << 8); store<u32>(ZS3 + (i << 2), b);
  }
}

// @ts-ignore: decorator
@inline function be32(x: u32): u32 { return rotl<u32>(x & 0xff00ff00, 8) | rotr<u32>(x & 0x00ff00ff, 8); }
/** L1, L2 (Doc 2, 3.4.3). */
// @ts-ignore: decorator
@inline function L1(X: u32): u32 { return X ^ rotl<u32>(X, 2) ^ rotl<u32>(X, 10) ^ rotl<u32>(X, 18) ^ rotl<u32>(X, 24); }
// @ts-ignore: decorator
@inline function L2(X: u32): u32 { return X ^ rotl<u32>(X, 8) ^ rotl<u32>(X, 14) ^ rotl<u32>(X, 22) ^ rotl<u32>(X, 30); }
/** S(X) = S0(x0) ‖ S1(x1) ‖ S0(x2) ‖ S1(x3) (Doc 2, 3.4.2). */
// @ts-ignore: decorator
@inline function sbox(X: u32): u32 {
  return load<u32>(X >>> 24 << 2, ZS0) | load<u32>((X >>> 14) & 0x3fc, ZS1) | load<u32>((X >>> 6) & 0x3fc, ZS2) | load<u32>((X & 0xff) << 2, ZS3);
}
/** x mod (2^31 − 1) for 1 ≤ x < 2^62, as a value in [1, 2^31 − 1]. */
// @ts-ignore: decorator
@inline function reduce(x: u64): u32 {
  let y = <u32>((x & 0x7fffffff) + (x >>> 31));
  return (y & 0x7fffffff) + (y >>> 31);
}

/**
 * Sixteen rounds of ZUC from the state in `ctx` (any ring base), the state written back with base
 * 0. Per round (Doc 2, 3.6): BitReorganization X0 = s15H ‖ s14L, X1 = s11L ‖ s9H, X2 = s7L ‖ s5H,
 * X3 = s2L ‖ s0H; W = (X0 ⊕ R1) ⊞ R2 (Z = W ⊕ X3 in working mode); W1 = R1 ⊞ X1; W2 = R2 ⊕ X2;
 * R1 = S(L1(W1L ‖ W2H)); R2 = S(L2(W2L ‖ W1H)); then the LFSR (init mode adds u = W >> 1).
 */
// @ts-ignore: decorator
@inline function zucRounds16(ctx: usize, src: usize, dst: usize, mode: i32): void {
  let ring = ctx + ZUC_S + (<usize>load<u32>(ctx + ZUC_BASE) << 2);
  let c0 = load<u32>(ring, 0), c1 = load<u32>(ring, 4), c2 = load<u32>(ring, 8), c3 = load<u32>(ring, 12);
  let c4 = load<u32>(ring, 16), c5 = load<u32>(ring, 20), c6 = load<u32>(ring, 24), c7 = load<u32>(ring, 28);
  let c8 = load<u32>(ring, 32), c9 = load<u32>(ring, 36), c10 = load<u32>(ring, 40), c11 = load<u32>(ring, 44);
  let c12 = load<u32>(ring, 48), c13 = load<u32>(ring, 52), c14 = load<u32>(ring, 56), c15 = load<u32>(ring, 60);
  let R1 = load<u32>(ctx + ZUC_R1), R2 = load<u32>(ctx + ZUC_R2);
  let W: u32, W1: u32, W2: u32, f: u64;
  // step 0: s_i is c0..c15
  W = ((((c15 & 0x7fff8000) << 1) | (c14 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c2 << 16) | (c0 >>> 15)), 0);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 0) ^ be32(W ^ ((c2 << 16) | (c0 >>> 15))), 0);
  W1 = R1 + ((c11 << 16) | (c9 >>> 15)); W2 = R2 ^ ((c7 << 16) | (c5 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c0 * 257 + (((((((<u64>c10 << 1) + <u64>c4) << 3) + <u64>c13) << 2) + <u64>c15) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c0 = reduce(f);
  // step 1: s_i is c1..c0
  W = ((((c0 & 0x7fff8000) << 1) | (c15 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c3 << 16) | (c1 >>> 15)), 4);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 4) ^ be32(W ^ ((c3 << 16) | (c1 >>> 15))), 4);
  W1 = R1 + ((c12 << 16) | (c10 >>> 15)); W2 = R2 ^ ((c8 << 16) | (c6 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c1 * 257 + (((((((<u64>c11 << 1) + <u64>c5) << 3) + <u64>c14) << 2) + <u64>c0) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c1 = reduce(f);
  // step 2: s_i is c2..c1
  W = ((((c1 & 0x7fff8000) << 1) | (c0 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c4 << 16) | (c2 >>> 15)), 8);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 8) ^ be32(W ^ ((c4 << 16) | (c2 >>> 15))), 8);
  W1 = R1 + ((c13 << 16) | (c11 >>> 15)); W2 = R2 ^ ((c9 << 16) | (c7 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c2 * 257 + (((((((<u64>c12 << 1) + <u64>c6) << 3) + <u64>c15) << 2) + <u64>c1) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c2 = reduce(f);
  // step 3: s_i is c3..c2
  W = ((((c2 & 0x7fff8000) << 1) | (c1 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c5 << 16) | (c3 >>> 15)), 12);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 12) ^ be32(W ^ ((c5 << 16) | (c3 >>> 15))), 12);
  W1 = R1 + ((c14 << 16) | (c12 >>> 15)); W2 = R2 ^ ((c10 << 16) | (c8 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c3 * 257 + (((((((<u64>c13 << 1) + <u64>c7) << 3) + <u64>c0) << 2) + <u64>c2) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c3 = reduce(f);
  // step 4: s_i is c4..c3
  W = ((((c3 & 0x7fff8000) << 1) | (c2 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c6 << 16) | (c4 >>> 15)), 16);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 16) ^ be32(W ^ ((c6 << 16) | (c4 >>> 15))), 16);
  W1 = R1 + ((c15 << 16) | (c13 >>> 15)); W2 = R2 ^ ((c11 << 16) | (c9 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c4 * 257 + (((((((<u64>c14 << 1) + <u64>c8) << 3) + <u64>c1) << 2) + <u64>c3) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c4 = reduce(f);
  // step 5: s_i is c5..c4
  W = ((((c4 & 0x7fff8000) << 1) | (c3 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c7 << 16) | (c5 >>> 15)), 20);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 20) ^ be32(W ^ ((c7 << 16) | (c5 >>> 15))), 20);
  W1 = R1 + ((c0 << 16) | (c14 >>> 15)); W2 = R2 ^ ((c12 << 16) | (c10 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c5 * 257 + (((((((<u64>c15 << 1) + <u64>c9) << 3) + <u64>c2) << 2) + <u64>c4) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c5 = reduce(f);
  // step 6: s_i is c6..c5
  W = ((((c5 & 0x7fff8000) << 1) | (c4 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c8 << 16) | (c6 >>> 15)), 24);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 24) ^ be32(W ^ ((c8 << 16) | (c6 >>> 15))), 24);
  W1 = R1 + ((c1 << 16) | (c15 >>> 15)); W2 = R2 ^ ((c13 << 16) | (c11 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c6 * 257 + (((((((<u64>c0 << 1) + <u64>c10) << 3) + <u64>c3) << 2) + <u64>c5) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c6 = reduce(f);
  // step 7: s_i is c7..c6
  W = ((((c6 & 0x7fff8000) << 1) | (c5 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c9 << 16) | (c7 >>> 15)), 28);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 28) ^ be32(W ^ ((c9 << 16) | (c7 >>> 15))), 28);
  W1 = R1 + ((c2 << 16) | (c0 >>> 15)); W2 = R2 ^ ((c14 << 16) | (c12 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c7 * 257 + (((((((<u64>c1 << 1) + <u64>c11) << 3) + <u64>c4) << 2) + <u64>c6) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c7 = reduce(f);
  // step 8: s_i is c8..c7
  W = ((((c7 & 0x7fff8000) << 1) | (c6 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c10 << 16) | (c8 >>> 15)), 32);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 32) ^ be32(W ^ ((c10 << 16) | (c8 >>> 15))), 32);
  W1 = R1 + ((c3 << 16) | (c1 >>> 15)); W2 = R2 ^ ((c15 << 16) | (c13 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c8 * 257 + (((((((<u64>c2 << 1) + <u64>c12) << 3) + <u64>c5) << 2) + <u64>c7) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c8 = reduce(f);
  // step 9: s_i is c9..c8
  W = ((((c8 & 0x7fff8000) << 1) | (c7 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c11 << 16) | (c9 >>> 15)), 36);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 36) ^ be32(W ^ ((c11 << 16) | (c9 >>> 15))), 36);
  W1 = R1 + ((c4 << 16) | (c2 >>> 15)); W2 = R2 ^ ((c0 << 16) | (c14 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c9 * 257 + (((((((<u64>c3 << 1) + <u64>c13) << 3) + <u64>c6) << 2) + <u64>c8) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c9 = reduce(f);
  // step 10: s_i is c10..c9
  W = ((((c9 & 0x7fff8000) << 1) | (c8 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c12 << 16) | (c10 >>> 15)), 40);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 40) ^ be32(W ^ ((c12 << 16) | (c10 >>> 15))), 40);
  W1 = R1 + ((c5 << 16) | (c3 >>> 15)); W2 = R2 ^ ((c1 << 16) | (c15 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c10 * 257 + (((((((<u64>c4 << 1) + <u64>c14) << 3) + <u64>c7) << 2) + <u64>c9) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c10 = reduce(f);
  // step 11: s_i is c11..c10
  W = ((((c10 & 0x7fff8000) << 1) | (c9 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c13 << 16) | (c11 >>> 15)), 44);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 44) ^ be32(W ^ ((c13 << 16) | (c11 >>> 15))), 44);
  W1 = R1 + ((c6 << 16) | (c4 >>> 15)); W2 = R2 ^ ((c2 << 16) | (c0 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c11 * 257 + (((((((<u64>c5 << 1) + <u64>c15) << 3) + <u64>c8) << 2) + <u64>c10) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c11 = reduce(f);
  // step 12: s_i is c12..c11
  W = ((((c11 & 0x7fff8000) << 1) | (c10 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c14 << 16) | (c12 >>> 15)), 48);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 48) ^ be32(W ^ ((c14 << 16) | (c12 >>> 15))), 48);
  W1 = R1 + ((c7 << 16) | (c5 >>> 15)); W2 = R2 ^ ((c3 << 16) | (c1 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c12 * 257 + (((((((<u64>c6 << 1) + <u64>c0) << 3) + <u64>c9) << 2) + <u64>c11) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c12 = reduce(f);
  // step 13: s_i is c13..c12
  W = ((((c12 & 0x7fff8000) << 1) | (c11 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c15 << 16) | (c13 >>> 15)), 52);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 52) ^ be32(W ^ ((c15 << 16) | (c13 >>> 15))), 52);
  W1 = R1 + ((c8 << 16) | (c6 >>> 15)); W2 = R2 ^ ((c4 << 16) | (c2 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c13 * 257 + (((((((<u64>c7 << 1) + <u64>c1) << 3) + <u64>c10) << 2) + <u64>c12) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c13 = reduce(f);
  // step 14: s_i is c14..c13
  W = ((((c13 & 0x7fff8000) << 1) | (c12 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c0 << 16) | (c14 >>> 15)), 56);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 56) ^ be32(W ^ ((c0 << 16) | (c14 >>> 15))), 56);
  W1 = R1 + ((c9 << 16) | (c7 >>> 15)); W2 = R2 ^ ((c5 << 16) | (c3 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c14 * 257 + (((((((<u64>c8 << 1) + <u64>c2) << 3) + <u64>c11) << 2) + <u64>c13) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c14 = reduce(f);
  // step 15: s_i is c15..c14
  W = ((((c14 & 0x7fff8000) << 1) | (c13 & 0xffff)) ^ R1) + R2;
  if (mode == ZUC_MODE_NATIVE) store<u32>(dst, W ^ ((c1 << 16) | (c15 >>> 15)), 60);
  else if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 60) ^ be32(W ^ ((c1 << 16) | (c15 >>> 15))), 60);
  W1 = R1 + ((c10 << 16) | (c8 >>> 15)); W2 = R2 ^ ((c6 << 16) | (c4 >>> 15));
  R1 = sbox(L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(L2((W2 << 16) | (W1 >>> 16)));
  f = <u64>c15 * 257 + (((((((<u64>c9 << 1) + <u64>c3) << 3) + <u64>c12) << 2) + <u64>c14) << 15);
  if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
  c15 = reduce(f);
  let s = ctx + ZUC_S;
  store<u32>(s, c0, 0); store<u32>(s, c1, 4); store<u32>(s, c2, 8); store<u32>(s, c3, 12);
  store<u32>(s, c4, 16); store<u32>(s, c5, 20); store<u32>(s, c6, 24); store<u32>(s, c7, 28);
  store<u32>(s, c8, 32); store<u32>(s, c9, 36); store<u32>(s, c10, 40); store<u32>(s, c11, 44);
  store<u32>(s, c12, 48); store<u32>(s, c13, 52); store<u32>(s, c14, 56); store<u32>(s, c15, 60);
  // the mirror half of the doubled ring (crypto/zuc.ts reads s_i at slot base + i): only its
  // single rounds, which follow initialisation, read it; batches start from base 0 or 1
  if (mode == ZUC_MODE_INIT) for (let i: usize = 0; i < 64; i += 8) store<u64>(s + 64 + i, load<u64>(s + i));
  store<u32>(ctx + ZUC_R1, R1); store<u32>(ctx + ZUC_R2, R2); store<u32>(ctx + ZUC_BASE, 0);
}

/** The 32 initialisation rounds (Doc 2, 3.6.1), two batches of sixteen. */
export function zucInitRoundsFast(ctx: usize): void {
  // (src and dst are not used in this mode)
  zucRounds16(ctx, ctx, ctx, ZUC_MODE_INIT);
  zucRounds16(ctx, ctx, ctx, ZUC_MODE_INIT);
}
function zucWords16(ctx: usize): void { zucRounds16(ctx, ZUC_KS, ZUC_KS, ZUC_MODE_NATIVE); }
function zucXor16(ctx: usize, src: usize, dst: usize): void { zucRounds16(ctx, src, dst, ZUC_MODE_XOR); }

/** 128-EEA3 after initialisation (crypto/zuc.ts eea3): dst = src ⊕ keystream for the whole
 *  64-byte chunks of the `len` bytes, the keystream XORed in as it is made; returns the number of
 *  bytes done (crypto/zuc.ts finishes the rest with single rounds). src and dst may alias. */
export function eea3XorFast(ctx: usize, src: usize, dst: usize, len: usize): usize {
  let i: usize = 0;
  for (; len - i >= 64; i += 64) zucXor16(ctx, src + i, dst + i);
  return i;
}

/** Wipe the keystream buffer and the EIA3 table (keystream-derived: key-equivalent for this call). */
function zucScratchWipe(): void {
  for (let i: usize = 0; i < ZUC_SCRATCH_LEN; i += 16) { store<u64>(ZUC_SCRATCH + i, 0); store<u64>(ZUC_SCRATCH + i, 0, 8); }
}

/**
 * ⊕ over the set bits i of m (bit 0 = most significant) of the top 32 bits of K << i, i.e. of the
 * keystream bits z_(32j+i) .. z_(32j+i+31) when K = z_j ‖ z_(j+1) (Doc 1, 4.4 step by step).
 * EIA3_TBL[n] = ⊕ over the set bits b of n of K << (3 − b): the four shifts of one 4-bit window.
 */
// @ts-ignore: decorator
@inline function eia3Word(m: u32, K: u64): u32 {
  let k1 = K << 1, k2 = K << 2, k3 = K << 3;
  let k23 = k2 ^ k3;
  store<u64>(EIA3_TBL, k3, 8); store<u64>(EIA3_TBL, k2, 16); store<u64>(EIA3_TBL, k23, 24);
  store<u64>(EIA3_TBL, k1, 32); store<u64>(EIA3_TBL, k1 ^ k3, 40); store<u64>(EIA3_TBL, k1 ^ k2, 48);
  store<u64>(EIA3_TBL, k1 ^ k23, 56);
  store<u64>(EIA3_TBL, K, 64); store<u64>(EIA3_TBL, K ^ k3, 72); store<u64>(EIA3_TBL, K ^ k2, 80);
  store<u64>(EIA3_TBL, K ^ k23, 88); store<u64>(EIA3_TBL, K ^ k1, 96); store<u64>(EIA3_TBL, K ^ k1 ^ k3, 104);
  store<u64>(EIA3_TBL, K ^ k1 ^ k2, 112); store<u64>(EIA3_TBL, K ^ k1 ^ k23, 120);
  // window w (bits 4w .. 4w+3 of m) contributes EIA3_TBL[window] << 4w
  let acc = (load<u64>((m >>> 25) & 0x78, EIA3_TBL))
    ^ (load<u64>((m >>> 21) & 0x78, EIA3_TBL) << 4)
    ^ (load<u64>((m >>> 17) & 0x78, EIA3_TBL) << 8)
    ^ (load<u64>((m >>> 13) & 0x78, EIA3_TBL) << 12)
    ^ (load<u64>((m >>> 9) & 0x78, EIA3_TBL) << 16)
    ^ (load<u64>((m >>> 5) & 0x78, EIA3_TBL) << 20)
    ^ (load<u64>((m >>> 1) & 0x78, EIA3_TBL) << 24)
    ^ (load<u64>((m & 15) << 3, EIA3_TBL) << 28);
  return <u32>(acc >>> 32);
}

/**
 * 128-EIA3 (Doc 1, 4.4) after initialisation (crypto/zuc.ts eia3): T = ⊕ over the message bits
 * i < LENGTH with M[i] = 1 of z_i, then T ⊕ z_LENGTH (handled, as in crypto/zuc.ts, as one extra
 * message bit M[LENGTH] = 1), and MAC = T ⊕ z_(32(L−1)) with L = ceil((LENGTH + 64) / 32).
 */
export function eia3Fast(ctx: usize, msg: usize, bitLen: u32): u32 {
  let nBytes = (<usize>bitLen + 7) >>> 3;
  let lastWord = <usize>(bitLen >>> 5);
  zucWords16(ctx);
  let zj = load<u32>(ZUC_KS);
  let idx: usize = 4;   // byte offset of z_(j+1) in ZUC_KS
  let T: u32 = 0;
  // whole message words 0 .. lastWord − 1, as many per keystream batch as it holds
  let p = msg, whole = msg + (lastWord << 2);
  while (p < whole) {
    if (idx == 64) { zucWords16(ctx); idx = 0; }
    let stop = min<usize>(p + (64 - idx), whole);
    for (; p < stop; p += 4, idx += 4) {
      let zj1 = load<u32>(ZUC_KS + idx);
      T ^= eia3Word(be32(load<u32>(p)), (<u64>zj << 32) | <u64>zj1);
      zj = zj1;
    }
  }
  // word lastWord: the r = LENGTH mod 32 remaining message bits, then the bit M[LENGTH] = 1
  if (idx == 64) { zucWords16(ctx); idx = 0; }
  let zj1 = load<u32>(ZUC_KS + idx);
  idx += 4;
  let m: u32 = 0;
  for (let k: usize = 0; (lastWord << 2) + k < nBytes; k++) m |= <u32>load<u8>(p + k) << (24 - 8 * <u32>k);
  let r = bitLen & 31;
  m = (r == 0 ? 0 : m & (<u32>0xffffffff << (32 - r))) | (<u32>0x80000000 >>> r);
  T ^= eia3Word(m, (<u64>zj << 32) | <u64>zj1);
  // now z_(lastWord+1) = zj1; L − 1 is lastWord + 1 when 32 divides LENGTH, lastWord + 2 otherwise
  zj = zj1;
  if (r != 0) {
    if (idx == 64) { zucWords16(ctx); idx = 0; }
    zj = load<u32>(ZUC_KS + idx);
  }
  zucScratchWipe();
  return T ^ zj;
}
