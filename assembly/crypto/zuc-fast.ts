// ZUC-128 keystream and 128-EEA3 / 128-EIA3 for the FAST build (crypto/variant.ts); the small
// build's crypto/zuc.ts does the key loading, the discarded first working round and the last
// (partial) words, and hands the state over. Same context layout as crypto/zuc.ts (LFSR doubled
// ring at 0, R1 at 128, R2 at 132, base at 136; 140 and the IV bytes 144..147, no longer needed
// once the state is loaded, hold this file's per-call words).
//
// Speed-ups over crypto/zuc.ts (same algorithm, ETSI/SAGE ZUC Document 2), counted in executed
// wasm instructions (`ue-keys profile`):
//  - one engine runs any number of rounds with the LFSR in sixteen locals: round t writes s16 into
//    the local that held s0, so after sixteen rounds every cell is back under its own name; the
//    state is loaded and stored once per call, the last n mod 16 rounds run in a second unrolled
//    copy that leaves after round n mod 16 (the ring base then says where s0 is);
//  - BitReorganization (3.3) uses, per cell, s >>> 15 (its high 16 bits, s_H) and s << 16 (its low
//    16 bits in the upper half, s_L) computed once when the cell is made: X1 = s11L ‖ s9H is one OR
//    where crypto/zuc.ts shifts both cells every round (each cell takes part in eight rounds);
//  - the LFSR feedback 2^15 s15 + 2^17 s13 + 2^21 s10 + 2^20 s4 + (1 + 2^8) s0 (3.2) is summed in
//    64 bits (f < 2^53) and reduced by two folds x = (x mod 2^31) + (x >> 31) (2^31 ≡ 1): the
//    first leaves < 2^31 + 2^22, the second the value in [1, 2^31 − 1] congruent to f (a positive
//    multiple of 2^31 − 1 folds to 2^31 − 1, never 0), which is also the "if s16 = 0 then
//    s16 = 2^31 − 1" rule of 3.2 (every cell is ≥ 1, so f ≥ 257). No division: a hardware divide
//    can take operand-dependent time, and f is key-derived;
//  - S = (S0, S1, S0, S1) by byte (3.4.2): L1/L2's result is stored once and its four bytes read
//    back as table indices (the S-box lookups cost no shift-and-mask per byte);
//  - 128-EIA3 (Doc 1, 4.4) takes 32 message bits per keystream word, inside the round that makes
//    the word: for message word M (bit 0 = most significant) and the 64 keystream bits
//    K = z_j ‖ z_(j+1), the sum ⊕_(i: M_i = 1) z_(32j+i) is the top 32 bits of ⊕_(i: M_i = 1)
//    (K << i), computed with a 16-entry table of the shifted copies of K per 4 message bits
//    (carry-less multiplication by 4-bit windows); no branch depends on the message.
// Nothing here is combined with the S-boxes into larger tables: ZUC applies S after the linear
// L1/L2 (R1 = S(L1(W1L ‖ W2H))) and R1, R2 next enter modular additions, so no linear step follows
// an S-box that a table could absorb (unlike SNOW 3G's S1, crypto/snow3g-fast.ts).

import { FAST, NOT_BUILT } from "./variant";

// context layout of crypto/zuc.ts
const ZUC_S: usize = 0;
const ZUC_R1: usize = 128;
const ZUC_R2: usize = 132;
const ZUC_BASE: usize = 136;
/** The last keystream word an EIA3 run made (z_j of the next message word). */
const ZUC_ZP: usize = 140;
/** L1/L2 output whose bytes index the S-boxes (over the IV, consumed by then). */
const ZUC_SB: usize = 144;

/** 2^31 − 1 (Doc 2, 3.2). */
const P31: u64 = 0x7fffffff;

/** The S-boxes S0 (first 256 bytes) and S1 of crypto/zuc.ts, copied at start. */
const ZSB: usize = FAST ? memory.data(512, 16) : NOT_BUILT;
/** Scratch of one 128-EIA3 call, wiped before it returns: the 128-byte window table (16 × u64). */
const ZUC_SCRATCH: usize = FAST ? memory.data(128, 16) : NOT_BUILT;
const EIA3_TBL: usize = ZUC_SCRATCH;
const ZUC_SCRATCH_LEN: usize = 128;

const ZUC_MODE_INIT: i32 = 0;    // initialisation rounds: u = W >> 1 enters the LFSR, no output
const ZUC_MODE_XOR: i32 = 1;     // working rounds, dst = src ⊕ the 4 keystream bytes of Z
const ZUC_MODE_EIA3: i32 = 2;    // working rounds, each Z ends the EIA3 sum of one message word

/** Copy the S-boxes S0, S1 (256 bytes each, crypto/zuc.ts). */
export function zucFastTablesInit(s0: usize, s1: usize): void {
  for (let i: usize = 0; i < 256; i++) { store<u8>(ZSB + i, load<u8>(s0 + i)); store<u8>(ZSB + 256 + i, load<u8>(s1 + i)); }
}

// @ts-ignore: decorator
@inline function be32(x: u32): u32 { return rotl<u32>(x & 0xff00ff00, 8) | rotr<u32>(x & 0x00ff00ff, 8); }
/** L1(X) = X ⊕ (X <<< 2) ⊕ (X <<< 10) ⊕ (X <<< 18) ⊕ (X <<< 24) (Doc 2, 3.4.3), with
 *  Y = X ⊕ (X <<< 8): (Y <<< 2) = (X <<< 2) ⊕ (X <<< 10) and (Y <<< 24) = (X <<< 24) ⊕ X. */
// @ts-ignore: decorator
@inline function L1(X: u32): u32 { let Y = X ^ rotl<u32>(X, 8); return rotl<u32>(Y, 2) ^ rotl<u32>(Y, 24) ^ rotl<u32>(X, 18); }
/** L2(X) = X ⊕ (X <<< 8) ⊕ (X <<< 14) ⊕ (X <<< 22) ⊕ (X <<< 30) (3.4.3), with Y = X ⊕ (X <<< 8):
 *  Y ⊕ (Y <<< 14) ⊕ (X <<< 30). */
// @ts-ignore: decorator
@inline function L2(X: u32): u32 { let Y = X ^ rotl<u32>(X, 8); return Y ^ rotl<u32>(Y, 14) ^ rotl<u32>(X, 30); }
/** S(X) = S0(x0) ‖ S1(x1) ‖ S0(x2) ‖ S1(x3), x0 the most significant byte (Doc 2, 3.4.2); X is
 *  stored little-endian at ctx + ZUC_SB, so x0 is the byte at + 3. */
// @ts-ignore: decorator
@inline function sbox(ctx: usize, X: u32): u32 {
  store<u32>(ctx + ZUC_SB, X);
  return (<u32>load<u8>(<usize>load<u8>(ctx + ZUC_SB + 3), ZSB) << 24)
    | (<u32>load<u8>(<usize>load<u8>(ctx + ZUC_SB + 2), ZSB + 256) << 16)
    | (<u32>load<u8>(<usize>load<u8>(ctx + ZUC_SB + 1), ZSB) << 8)
    | <u32>load<u8>(<usize>load<u8>(ctx + ZUC_SB), ZSB + 256);
}

/**
 * ⊕ over the set message bits i of x (bit 0 = the most significant bit of its first byte) of the
 * top 32 bits of K << i, i.e. of the
 * keystream bits z_(32j+i) .. z_(32j+i+31) when K = z_j ‖ z_(j+1) (Doc 1, 4.4 step by step).
 * EIA3_TBL[n] = ⊕ over the set bits b of n of K << (3 − b): the four shifts of one 4-bit window.
 */
// @ts-ignore: decorator
@inline function eia3Word(x: u32, K: u64): u32 {
  let k1 = K << 1, k2 = K << 2, k3 = K << 3;
  let k23 = k2 ^ k3;
  store<u64>(EIA3_TBL, k3, 8); store<u64>(EIA3_TBL, k2, 16); store<u64>(EIA3_TBL, k23, 24);
  store<u64>(EIA3_TBL, k1, 32); store<u64>(EIA3_TBL, k1 ^ k3, 40); store<u64>(EIA3_TBL, k1 ^ k2, 48);
  store<u64>(EIA3_TBL, k1 ^ k23, 56);
  store<u64>(EIA3_TBL, K, 64); store<u64>(EIA3_TBL, K ^ k3, 72); store<u64>(EIA3_TBL, K ^ k2, 80);
  store<u64>(EIA3_TBL, K ^ k23, 88); store<u64>(EIA3_TBL, K ^ k1, 96); store<u64>(EIA3_TBL, K ^ k1 ^ k3, 104);
  store<u64>(EIA3_TBL, K ^ k1 ^ k2, 112); store<u64>(EIA3_TBL, K ^ k1 ^ k23, 120);
  // window w (message bits 4w .. 4w+3) contributes EIA3_TBL[window] << 4w. x is the message word
  // as loaded (little-endian), so message byte b is bits 8b .. 8b+7 of x, its first nibble the
  // high one: window 2b is x bits 8b+4 .. 8b+7, window 2b+1 is x bits 8b .. 8b+3
  let acc = (load<u64>((x >>> 1) & 0x78, EIA3_TBL))
    ^ (load<u64>((x << 3) & 0x78, EIA3_TBL) << 4)
    ^ (load<u64>((x >>> 9) & 0x78, EIA3_TBL) << 8)
    ^ (load<u64>((x >>> 5) & 0x78, EIA3_TBL) << 12)
    ^ (load<u64>((x >>> 17) & 0x78, EIA3_TBL) << 16)
    ^ (load<u64>((x >>> 13) & 0x78, EIA3_TBL) << 20)
    ^ (load<u64>((x >>> 25) & 0x78, EIA3_TBL) << 24)
    ^ (load<u64>((x >>> 21) & 0x78, EIA3_TBL) << 28);
  return <u32>(acc >>> 32);
}

/**
 * n rounds of ZUC from the state in `ctx` (Doc 2, 3.6): per round BitReorganization
 * X0 = s15H ‖ s14L, X1 = s11L ‖ s9H, X2 = s7L ‖ s5H, X3 = s2L ‖ s0H; W = (X0 ⊕ R1) ⊞ R2
 * (Z = W ⊕ X3 in working mode); W1 = R1 ⊞ X1; W2 = R2 ⊕ X2; R1 = S(L1(W1L ‖ W2H));
 * R2 = S(L2(W2L ‖ W1H)); then the LFSR (init mode adds u = W >> 1). Round k reads/writes the
 * message word at src/dst + 4k. Returns the EIA3 sum T of the n message words (mode EIA3; z_j of
 * the first is the word at ctx + ZUC_ZP on entry, the last Z is there on exit).
 */
// @ts-ignore: decorator
@inline function zucEngine(ctx: usize, src: usize, dst: usize, n: u32, mode: i32): u32 {
  let base = load<u32>(ctx + ZUC_BASE);
  let ring = ctx + ZUC_S + (<usize>base << 2);   // s_i at ring + 4i (doubled ring)
  let w: u32;
  w = load<u32>(ring, 0); let c0 = <u64>w, h0 = w >>> 15, l0 = w << 16;
  w = load<u32>(ring, 4); let c1 = <u64>w, h1 = w >>> 15, l1 = w << 16;
  w = load<u32>(ring, 8); let c2 = <u64>w, h2 = w >>> 15, l2 = w << 16;
  w = load<u32>(ring, 12); let c3 = <u64>w, h3 = w >>> 15, l3 = w << 16;
  w = load<u32>(ring, 16); let c4 = <u64>w, h4 = w >>> 15, l4 = w << 16;
  w = load<u32>(ring, 20); let c5 = <u64>w, h5 = w >>> 15, l5 = w << 16;
  w = load<u32>(ring, 24); let c6 = <u64>w, h6 = w >>> 15, l6 = w << 16;
  w = load<u32>(ring, 28); let c7 = <u64>w, h7 = w >>> 15, l7 = w << 16;
  w = load<u32>(ring, 32); let c8 = <u64>w, h8 = w >>> 15, l8 = w << 16;
  w = load<u32>(ring, 36); let c9 = <u64>w, h9 = w >>> 15, l9 = w << 16;
  w = load<u32>(ring, 40); let c10 = <u64>w, h10 = w >>> 15, l10 = w << 16;
  w = load<u32>(ring, 44); let c11 = <u64>w, h11 = w >>> 15, l11 = w << 16;
  w = load<u32>(ring, 48); let c12 = <u64>w, h12 = w >>> 15, l12 = w << 16;
  w = load<u32>(ring, 52); let c13 = <u64>w, h13 = w >>> 15, l13 = w << 16;
  w = load<u32>(ring, 56); let c14 = <u64>w, h14 = w >>> 15, l14 = w << 16;
  w = load<u32>(ring, 60); let c15 = <u64>w, h15 = w >>> 15, l15 = w << 16;
  let R1 = load<u32>(ctx + ZUC_R1), R2 = load<u32>(ctx + ZUC_R2);
  let zp = load<u32>(ctx + ZUC_ZP), T: u32 = 0;
  let W: u32, W1: u32, W2: u32, Z: u32, f: u64;
  for (let b = n >>> 4; b > 0; b--) {
    // round 0: s_i is c0, c1, …, c15
    W = (((h15 << 16) | (l14 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 0) ^ be32(W ^ (l2 | h0)), 0);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l2 | h0); T ^= eia3Word(load<u32>(src, 0), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l11 | h9); W2 = R2 ^ (l7 | h5);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c0 * 257 + (((((((c10 << 1) + c4) << 3) + c13) << 2) + c15) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c0 = (f & P31) + (f >> 31); w = <u32>c0; h0 = w >>> 15; l0 = w << 16;
    // round 1: s_i is c1, c2, …, c0
    W = (((h0 << 16) | (l15 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 4) ^ be32(W ^ (l3 | h1)), 4);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l3 | h1); T ^= eia3Word(load<u32>(src, 4), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l12 | h10); W2 = R2 ^ (l8 | h6);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c1 * 257 + (((((((c11 << 1) + c5) << 3) + c14) << 2) + c0) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c1 = (f & P31) + (f >> 31); w = <u32>c1; h1 = w >>> 15; l1 = w << 16;
    // round 2: s_i is c2, c3, …, c1
    W = (((h1 << 16) | (l0 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 8) ^ be32(W ^ (l4 | h2)), 8);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l4 | h2); T ^= eia3Word(load<u32>(src, 8), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l13 | h11); W2 = R2 ^ (l9 | h7);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c2 * 257 + (((((((c12 << 1) + c6) << 3) + c15) << 2) + c1) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c2 = (f & P31) + (f >> 31); w = <u32>c2; h2 = w >>> 15; l2 = w << 16;
    // round 3: s_i is c3, c4, …, c2
    W = (((h2 << 16) | (l1 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 12) ^ be32(W ^ (l5 | h3)), 12);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l5 | h3); T ^= eia3Word(load<u32>(src, 12), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l14 | h12); W2 = R2 ^ (l10 | h8);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c3 * 257 + (((((((c13 << 1) + c7) << 3) + c0) << 2) + c2) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c3 = (f & P31) + (f >> 31); w = <u32>c3; h3 = w >>> 15; l3 = w << 16;
    // round 4: s_i is c4, c5, …, c3
    W = (((h3 << 16) | (l2 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 16) ^ be32(W ^ (l6 | h4)), 16);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l6 | h4); T ^= eia3Word(load<u32>(src, 16), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l15 | h13); W2 = R2 ^ (l11 | h9);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c4 * 257 + (((((((c14 << 1) + c8) << 3) + c1) << 2) + c3) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c4 = (f & P31) + (f >> 31); w = <u32>c4; h4 = w >>> 15; l4 = w << 16;
    // round 5: s_i is c5, c6, …, c4
    W = (((h4 << 16) | (l3 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 20) ^ be32(W ^ (l7 | h5)), 20);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l7 | h5); T ^= eia3Word(load<u32>(src, 20), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l0 | h14); W2 = R2 ^ (l12 | h10);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c5 * 257 + (((((((c15 << 1) + c9) << 3) + c2) << 2) + c4) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c5 = (f & P31) + (f >> 31); w = <u32>c5; h5 = w >>> 15; l5 = w << 16;
    // round 6: s_i is c6, c7, …, c5
    W = (((h5 << 16) | (l4 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 24) ^ be32(W ^ (l8 | h6)), 24);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l8 | h6); T ^= eia3Word(load<u32>(src, 24), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l1 | h15); W2 = R2 ^ (l13 | h11);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c6 * 257 + (((((((c0 << 1) + c10) << 3) + c3) << 2) + c5) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c6 = (f & P31) + (f >> 31); w = <u32>c6; h6 = w >>> 15; l6 = w << 16;
    // round 7: s_i is c7, c8, …, c6
    W = (((h6 << 16) | (l5 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 28) ^ be32(W ^ (l9 | h7)), 28);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l9 | h7); T ^= eia3Word(load<u32>(src, 28), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l2 | h0); W2 = R2 ^ (l14 | h12);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c7 * 257 + (((((((c1 << 1) + c11) << 3) + c4) << 2) + c6) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c7 = (f & P31) + (f >> 31); w = <u32>c7; h7 = w >>> 15; l7 = w << 16;
    // round 8: s_i is c8, c9, …, c7
    W = (((h7 << 16) | (l6 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 32) ^ be32(W ^ (l10 | h8)), 32);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l10 | h8); T ^= eia3Word(load<u32>(src, 32), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l3 | h1); W2 = R2 ^ (l15 | h13);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c8 * 257 + (((((((c2 << 1) + c12) << 3) + c5) << 2) + c7) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c8 = (f & P31) + (f >> 31); w = <u32>c8; h8 = w >>> 15; l8 = w << 16;
    // round 9: s_i is c9, c10, …, c8
    W = (((h8 << 16) | (l7 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 36) ^ be32(W ^ (l11 | h9)), 36);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l11 | h9); T ^= eia3Word(load<u32>(src, 36), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l4 | h2); W2 = R2 ^ (l0 | h14);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c9 * 257 + (((((((c3 << 1) + c13) << 3) + c6) << 2) + c8) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c9 = (f & P31) + (f >> 31); w = <u32>c9; h9 = w >>> 15; l9 = w << 16;
    // round 10: s_i is c10, c11, …, c9
    W = (((h9 << 16) | (l8 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 40) ^ be32(W ^ (l12 | h10)), 40);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l12 | h10); T ^= eia3Word(load<u32>(src, 40), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l5 | h3); W2 = R2 ^ (l1 | h15);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c10 * 257 + (((((((c4 << 1) + c14) << 3) + c7) << 2) + c9) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c10 = (f & P31) + (f >> 31); w = <u32>c10; h10 = w >>> 15; l10 = w << 16;
    // round 11: s_i is c11, c12, …, c10
    W = (((h10 << 16) | (l9 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 44) ^ be32(W ^ (l13 | h11)), 44);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l13 | h11); T ^= eia3Word(load<u32>(src, 44), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l6 | h4); W2 = R2 ^ (l2 | h0);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c11 * 257 + (((((((c5 << 1) + c15) << 3) + c8) << 2) + c10) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c11 = (f & P31) + (f >> 31); w = <u32>c11; h11 = w >>> 15; l11 = w << 16;
    // round 12: s_i is c12, c13, …, c11
    W = (((h11 << 16) | (l10 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 48) ^ be32(W ^ (l14 | h12)), 48);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l14 | h12); T ^= eia3Word(load<u32>(src, 48), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l7 | h5); W2 = R2 ^ (l3 | h1);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c12 * 257 + (((((((c6 << 1) + c0) << 3) + c9) << 2) + c11) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c12 = (f & P31) + (f >> 31); w = <u32>c12; h12 = w >>> 15; l12 = w << 16;
    // round 13: s_i is c13, c14, …, c12
    W = (((h12 << 16) | (l11 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 52) ^ be32(W ^ (l15 | h13)), 52);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l15 | h13); T ^= eia3Word(load<u32>(src, 52), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l8 | h6); W2 = R2 ^ (l4 | h2);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c13 * 257 + (((((((c7 << 1) + c1) << 3) + c10) << 2) + c12) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c13 = (f & P31) + (f >> 31); w = <u32>c13; h13 = w >>> 15; l13 = w << 16;
    // round 14: s_i is c14, c15, …, c13
    W = (((h13 << 16) | (l12 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 56) ^ be32(W ^ (l0 | h14)), 56);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l0 | h14); T ^= eia3Word(load<u32>(src, 56), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l9 | h7); W2 = R2 ^ (l5 | h3);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c14 * 257 + (((((((c8 << 1) + c2) << 3) + c11) << 2) + c13) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c14 = (f & P31) + (f >> 31); w = <u32>c14; h14 = w >>> 15; l14 = w << 16;
    // round 15: s_i is c15, c0, …, c14
    W = (((h14 << 16) | (l13 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 60) ^ be32(W ^ (l1 | h15)), 60);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l1 | h15); T ^= eia3Word(load<u32>(src, 60), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l10 | h8); W2 = R2 ^ (l6 | h4);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c15 * 257 + (((((((c9 << 1) + c3) << 3) + c12) << 2) + c14) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c15 = (f & P31) + (f >> 31); w = <u32>c15; h15 = w >>> 15; l15 = w << 16;
    src += 64; dst += 64;
  }
  let r = n & 15;
  if (r != 0) do {
    // round 0: s_i is c0, c1, …, c15
    W = (((h15 << 16) | (l14 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 0) ^ be32(W ^ (l2 | h0)), 0);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l2 | h0); T ^= eia3Word(load<u32>(src, 0), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l11 | h9); W2 = R2 ^ (l7 | h5);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c0 * 257 + (((((((c10 << 1) + c4) << 3) + c13) << 2) + c15) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c0 = (f & P31) + (f >> 31); w = <u32>c0; h0 = w >>> 15; l0 = w << 16;
    if (r == 1) break;
    // round 1: s_i is c1, c2, …, c0
    W = (((h0 << 16) | (l15 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 4) ^ be32(W ^ (l3 | h1)), 4);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l3 | h1); T ^= eia3Word(load<u32>(src, 4), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l12 | h10); W2 = R2 ^ (l8 | h6);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c1 * 257 + (((((((c11 << 1) + c5) << 3) + c14) << 2) + c0) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c1 = (f & P31) + (f >> 31); w = <u32>c1; h1 = w >>> 15; l1 = w << 16;
    if (r == 2) break;
    // round 2: s_i is c2, c3, …, c1
    W = (((h1 << 16) | (l0 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 8) ^ be32(W ^ (l4 | h2)), 8);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l4 | h2); T ^= eia3Word(load<u32>(src, 8), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l13 | h11); W2 = R2 ^ (l9 | h7);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c2 * 257 + (((((((c12 << 1) + c6) << 3) + c15) << 2) + c1) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c2 = (f & P31) + (f >> 31); w = <u32>c2; h2 = w >>> 15; l2 = w << 16;
    if (r == 3) break;
    // round 3: s_i is c3, c4, …, c2
    W = (((h2 << 16) | (l1 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 12) ^ be32(W ^ (l5 | h3)), 12);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l5 | h3); T ^= eia3Word(load<u32>(src, 12), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l14 | h12); W2 = R2 ^ (l10 | h8);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c3 * 257 + (((((((c13 << 1) + c7) << 3) + c0) << 2) + c2) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c3 = (f & P31) + (f >> 31); w = <u32>c3; h3 = w >>> 15; l3 = w << 16;
    if (r == 4) break;
    // round 4: s_i is c4, c5, …, c3
    W = (((h3 << 16) | (l2 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 16) ^ be32(W ^ (l6 | h4)), 16);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l6 | h4); T ^= eia3Word(load<u32>(src, 16), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l15 | h13); W2 = R2 ^ (l11 | h9);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c4 * 257 + (((((((c14 << 1) + c8) << 3) + c1) << 2) + c3) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c4 = (f & P31) + (f >> 31); w = <u32>c4; h4 = w >>> 15; l4 = w << 16;
    if (r == 5) break;
    // round 5: s_i is c5, c6, …, c4
    W = (((h4 << 16) | (l3 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 20) ^ be32(W ^ (l7 | h5)), 20);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l7 | h5); T ^= eia3Word(load<u32>(src, 20), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l0 | h14); W2 = R2 ^ (l12 | h10);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c5 * 257 + (((((((c15 << 1) + c9) << 3) + c2) << 2) + c4) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c5 = (f & P31) + (f >> 31); w = <u32>c5; h5 = w >>> 15; l5 = w << 16;
    if (r == 6) break;
    // round 6: s_i is c6, c7, …, c5
    W = (((h5 << 16) | (l4 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 24) ^ be32(W ^ (l8 | h6)), 24);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l8 | h6); T ^= eia3Word(load<u32>(src, 24), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l1 | h15); W2 = R2 ^ (l13 | h11);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c6 * 257 + (((((((c0 << 1) + c10) << 3) + c3) << 2) + c5) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c6 = (f & P31) + (f >> 31); w = <u32>c6; h6 = w >>> 15; l6 = w << 16;
    if (r == 7) break;
    // round 7: s_i is c7, c8, …, c6
    W = (((h6 << 16) | (l5 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 28) ^ be32(W ^ (l9 | h7)), 28);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l9 | h7); T ^= eia3Word(load<u32>(src, 28), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l2 | h0); W2 = R2 ^ (l14 | h12);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c7 * 257 + (((((((c1 << 1) + c11) << 3) + c4) << 2) + c6) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c7 = (f & P31) + (f >> 31); w = <u32>c7; h7 = w >>> 15; l7 = w << 16;
    if (r == 8) break;
    // round 8: s_i is c8, c9, …, c7
    W = (((h7 << 16) | (l6 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 32) ^ be32(W ^ (l10 | h8)), 32);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l10 | h8); T ^= eia3Word(load<u32>(src, 32), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l3 | h1); W2 = R2 ^ (l15 | h13);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c8 * 257 + (((((((c2 << 1) + c12) << 3) + c5) << 2) + c7) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c8 = (f & P31) + (f >> 31); w = <u32>c8; h8 = w >>> 15; l8 = w << 16;
    if (r == 9) break;
    // round 9: s_i is c9, c10, …, c8
    W = (((h8 << 16) | (l7 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 36) ^ be32(W ^ (l11 | h9)), 36);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l11 | h9); T ^= eia3Word(load<u32>(src, 36), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l4 | h2); W2 = R2 ^ (l0 | h14);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c9 * 257 + (((((((c3 << 1) + c13) << 3) + c6) << 2) + c8) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c9 = (f & P31) + (f >> 31); w = <u32>c9; h9 = w >>> 15; l9 = w << 16;
    if (r == 10) break;
    // round 10: s_i is c10, c11, …, c9
    W = (((h9 << 16) | (l8 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 40) ^ be32(W ^ (l12 | h10)), 40);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l12 | h10); T ^= eia3Word(load<u32>(src, 40), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l5 | h3); W2 = R2 ^ (l1 | h15);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c10 * 257 + (((((((c4 << 1) + c14) << 3) + c7) << 2) + c9) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c10 = (f & P31) + (f >> 31); w = <u32>c10; h10 = w >>> 15; l10 = w << 16;
    if (r == 11) break;
    // round 11: s_i is c11, c12, …, c10
    W = (((h10 << 16) | (l9 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 44) ^ be32(W ^ (l13 | h11)), 44);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l13 | h11); T ^= eia3Word(load<u32>(src, 44), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l6 | h4); W2 = R2 ^ (l2 | h0);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c11 * 257 + (((((((c5 << 1) + c15) << 3) + c8) << 2) + c10) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c11 = (f & P31) + (f >> 31); w = <u32>c11; h11 = w >>> 15; l11 = w << 16;
    if (r == 12) break;
    // round 12: s_i is c12, c13, …, c11
    W = (((h11 << 16) | (l10 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 48) ^ be32(W ^ (l14 | h12)), 48);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l14 | h12); T ^= eia3Word(load<u32>(src, 48), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l7 | h5); W2 = R2 ^ (l3 | h1);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c12 * 257 + (((((((c6 << 1) + c0) << 3) + c9) << 2) + c11) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c12 = (f & P31) + (f >> 31); w = <u32>c12; h12 = w >>> 15; l12 = w << 16;
    if (r == 13) break;
    // round 13: s_i is c13, c14, …, c12
    W = (((h12 << 16) | (l11 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 52) ^ be32(W ^ (l15 | h13)), 52);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l15 | h13); T ^= eia3Word(load<u32>(src, 52), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l8 | h6); W2 = R2 ^ (l4 | h2);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c13 * 257 + (((((((c7 << 1) + c1) << 3) + c10) << 2) + c12) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c13 = (f & P31) + (f >> 31); w = <u32>c13; h13 = w >>> 15; l13 = w << 16;
    if (r == 14) break;
    // round 14: s_i is c14, c15, …, c13
    W = (((h13 << 16) | (l12 >>> 16)) ^ R1) + R2;
    if (mode == ZUC_MODE_XOR) store<u32>(dst, load<u32>(src, 56) ^ be32(W ^ (l0 | h14)), 56);
    else if (mode == ZUC_MODE_EIA3) { Z = W ^ (l0 | h14); T ^= eia3Word(load<u32>(src, 56), (<u64>zp << 32) | <u64>Z); zp = Z; }
    W1 = R1 + (l9 | h7); W2 = R2 ^ (l5 | h3);
    R1 = sbox(ctx, L1((W1 << 16) | (W2 >>> 16))); R2 = sbox(ctx, L2((W2 << 16) | (W1 >>> 16)));
    f = c14 * 257 + (((((((c8 << 1) + c2) << 3) + c11) << 2) + c13) << 15);
    if (mode == ZUC_MODE_INIT) f += <u64>(W >>> 1);
    f = (f & P31) + (f >> 31); c14 = (f & P31) + (f >> 31); w = <u32>c14; h14 = w >>> 15; l14 = w << 16;
    if (r == 15) break;
  } while (false);



  // s_i is now c_((r + i) mod 16): c_k goes to slot k and its mirror, the base is r
  let s = ctx + ZUC_S;
  store<u32>(s, <u32>c0, 0); store<u32>(s, <u32>c1, 4); store<u32>(s, <u32>c2, 8); store<u32>(s, <u32>c3, 12);
  store<u32>(s, <u32>c4, 16); store<u32>(s, <u32>c5, 20); store<u32>(s, <u32>c6, 24); store<u32>(s, <u32>c7, 28);
  store<u32>(s, <u32>c8, 32); store<u32>(s, <u32>c9, 36); store<u32>(s, <u32>c10, 40); store<u32>(s, <u32>c11, 44);
  store<u32>(s, <u32>c12, 48); store<u32>(s, <u32>c13, 52); store<u32>(s, <u32>c14, 56); store<u32>(s, <u32>c15, 60);
  for (let i: usize = 0; i < 64; i += 8) store<u64>(s + 64 + i, load<u64>(s + i));
  store<u32>(ctx + ZUC_R1, R1); store<u32>(ctx + ZUC_R2, R2); store<u32>(ctx + ZUC_BASE, r);
  store<u32>(ctx + ZUC_ZP, zp);
  return T;
}

/** The 32 initialisation rounds (Doc 2, 3.6.1). */
export function zucInitRoundsFast(ctx: usize): void {
  // (src and dst are not used in this mode)
  zucEngine(ctx, 0, 0, 32, ZUC_MODE_INIT);
}

/** 128-EEA3 after initialisation (crypto/zuc.ts eea3): dst = src ⊕ keystream for the whole
 *  32-bit words of the `len` bytes, the keystream XORed in as it is made; returns the number of
 *  bytes done (crypto/zuc.ts finishes the rest with single rounds). src and dst may alias. */
export function eea3XorFast(ctx: usize, src: usize, dst: usize, len: usize): usize {
  zucEngine(ctx, src, dst, <u32>(len >>> 2), ZUC_MODE_XOR);
  return len & ~3;
}

/**
 * 128-EIA3 (Doc 1, 4.4) over the first `words` whole 32-bit message words, after initialisation
 * and the first keystream word z0 (crypto/zuc.ts eia3, which finishes the last word and the MAC):
 * returns T = ⊕ over the message bits i < 32·words with M[i] = 1 of z_i; z_words is left at
 * ctx + ZUC_ZP.
 */
export function eia3WordsFast(ctx: usize, msg: usize, words: u32, z0: u32): u32 {
  store<u32>(ctx + ZUC_ZP, z0);
  let T = zucEngine(ctx, msg, msg, words, ZUC_MODE_EIA3);
  // the window table is keystream-derived: key-equivalent for this call
  for (let i: usize = 0; i < ZUC_SCRATCH_LEN; i += 16) { store<u64>(ZUC_SCRATCH + i, 0); store<u64>(ZUC_SCRATCH + i, 0, 8); }
  return T;
}
