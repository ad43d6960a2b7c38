// ZUC-128 (ETSI/SAGE "Specification of the 3GPP Confidentiality and Integrity Algorithms 128-EEA3 &
// 128-EIA3", Document 2: ZUC Specification) and the two algorithms of Document 1 built on it:
// 128-EEA3 (= 128-NEA3) and 128-EIA3 (= 128-NIA3).
//
// State (Doc 2, 3.2 to 3.4): LFSR cells s0..s15 (31-bit values in u32 words) and the F registers
// R1, R2, in a caller-owned context region (ZUC_CTX_LEN bytes, no pointers inside). As in
// snow3g.ts the LFSR is a doubled ring of 32 slots: s_i lives in slot base + i (base 0..15) and
// slot k + 16 equals slot k, so a clock writes s16 into the old s0's slot and its mirror and
// advances base.

import { loadBe32, storeBe32, clearTailBits } from "../lib/util";
import { FAST } from "./variant";
import { zucFastTablesInit, zucInitRoundsFast, eea3XorFast, eia3WordsFast } from "./zuc-fast";

// ---- context layout ---------------------------------------------------------------------------
const ZUC_S: usize = 0;        // 32 x u32 doubled ring holding s0..s15
const ZUC_R1: usize = 128;
const ZUC_R2: usize = 132;
const ZUC_BASE: usize = 136;   // slot of s0 (0..15)
const ZUC_ZP: usize = 140;     // fast build: the last keystream word of crypto/zuc-fast.ts
const ZUC_IV: usize = 144;     // 16 bytes: the IV built by 128-EEA3 / 128-EIA3
/** Bytes of a ZUC context (EEA3 and EIA3 need nothing more). */
export const ZUC_CTX_LEN: usize = 160;

// ---- constants (Doc 2) ------------------------------------------------------------------------
/** 2^31 - 1: the LFSR works in GF(2^31 - 1) (Doc 2, 3.2). */
const MOD_2_31_1: u32 = 0x7fffffff;
/** Number of initialisation rounds (Doc 2, 3.6.1: "repeat 32 times"). */
const ZUC_INIT_ROUNDS: i32 = 32;

/** The 240-bit constant D = d0||d1||...||d15, 15 bits each (Doc 2, 3.6.1, key loading). */
const D: usize = memory.data<u16>([
  0x44d7, 0x26bc, 0x626b, 0x135e, 0x5789, 0x35e2, 0x7135, 0x09af,
  0x4d78, 0x2f13, 0x6bc4, 0x1af1, 0x5e26, 0x3c4d, 0x789a, 0x47ac,
]);

/** S-box S0 (Doc 2, 3.4.2). */
const S0: usize = memory.data<u8>([
  0x3e, 0x72, 0x5b, 0x47, 0xca, 0xe0, 0x00, 0x33, 0x04, 0xd1, 0x54, 0x98, 0x09, 0xb9, 0x6d, 0xcb,
  0x7b, 0x1b, 0xf9, 0x32, 0xaf, 0x9d, 0x6a, 0xa5, 0xb8, 0x2d, 0xfc, 0x1d, 0x08, 0x53, 0x03, 0x90,
  0x4d, 0x4e, 0x84, 0x99, 0xe4, 0xce, 0xd9, 0x91, 0xdd, 0xb6, 0x85, 0x48, 0x8b, 0x29, 0x6e, 0xac,
  0xcd, 0xc1, 0xf8, 0x1e, 0x73, 0x43, 0x69, 0xc6, 0xb5, 0xbd, 0xfd, 0x39, 0x63, 0x20, 0xd4, 0x38,
  0x76, 0x7d, 0xb2, 0xa7, 0xcf, 0xed, 0x57, 0xc5, 0xf3, 0x2c, 0xbb, 0x14, 0x21, 0x06, 0x55, 0x9b,
  0xe3, 0xef, 0x5e, 0x31, 0x4f, 0x7f, 0x5a, 0xa4, 0x0d, 0x82, 0x51, 0x49, 0x5f, 0xba, 0x58, 0x1c,
  0x4a, 0x16, 0xd5, 0x17, 0xa8, 0x92, 0x24, 0x1f, 0x8c, 0xff, 0xd8, 0xae, 0x2e, 0x01, 0xd3, 0xad,
  0x3b, 0x4b, 0xda, 0x46, 0xeb, 0xc9, 0xde, 0x9a, 0x8f, 0x87, 0xd7, 0x3a, 0x80, 0x6f, 0x2f, 0xc8,
  0xb1, 0xb4, 0x37, 0xf7, 0x0a, 0x22, 0x13, 0x28, 0x7c, 0xcc, 0x3c, 0x89, 0xc7, 0xc3, 0x96, 0x56,
  0x07, 0xbf, 0x7e, 0xf0, 0x0b, 0x2b, 0x97, 0x52, 0x35, 0x41, 0x79, 0x61, 0xa6, 0x4c, 0x10, 0xfe,
  0xbc, 0x26, 0x95, 0x88, 0x8a, 0xb0, 0xa3, 0xfb, 0xc0, 0x18, 0x94, 0xf2, 0xe1, 0xe5, 0xe9, 0x5d,
  0xd0, 0xdc, 0x11, 0x66, 0x64, 0x5c, 0xec, 0x59, 0x42, 0x75, 0x12, 0xf5, 0x74, 0x9c, 0xaa, 0x23,
  0x0e, 0x86, 0xab, 0xbe, 0x2a, 0x02, 0xe7, 0x67, 0xe6, 0x44, 0xa2, 0x6c, 0xc2, 0x93, 0x9f, 0xf1,
  0xf6, 0xfa, 0x36, 0xd2, 0x50, 0x68, 0x9e, 0x62, 0x71, 0x15, 0x3d, 0xd6, 0x40, 0xc4, 0xe2, 0x0f,
  0x8e, 0x83, 0x77, 0x6b, 0x25, 0x05, 0x3f, 0x0c, 0x30, 0xea, 0x70, 0xb7, 0xa1, 0xe8, 0xa9, 0x65,
  0x8d, 0x27, 0x1a, 0xdb, 0x81, 0xb3, 0xa0, 0xf4, 0x45, 0x7a, 0x19, 0xdf, 0xee, 0x78, 0x34, 0x60,
]);

/** S-box S1 (Doc 2, 3.4.2). */
const S1: usize = memory.data<u8>([
  0x55, 0xc2, 0x63, 0x71, 0x3b, 0xc8, 0x47, 0x86, 0x9f, 0x3c, 0xda, 0x5b, 0x29, 0xaa, 0xfd, 0x77,
  0x8c, 0xc5, 0x94, 0x0c, 0xa6, 0x1a, 0x13, 0x00, 0xe3, 0xa8, 0x16, 0x72, 0x40, 0xf9, 0xf8, 0x42,
  0x44, 0x26, 0x68, 0x96, 0x81, 0xd9, 0x45, 0x3e, 0x10, 0x76, 0xc6, 0xa7, 0x8b, 0x39, 0x43, 0xe1,
  0x3a, 0xb5, 0x56, 0x2a, 0xc0, 0x6d, 0xb3, 0x05, 0x22, 0x66, 0xbf, 0xdc, 0x0b, 0xfa, 0x62, 0x48,
  0xdd, 0x20, 0x11, 0x06, 0x36, 0xc9, 0xc1, 0xcf, 0xf6, 0x27, 0x52, 0xbb, 0x69, 0xf5, 0xd4, 0x87,
  0x7f, 0x84, 0x4c, 0xd2, 0x9c, 0x57, 0xa4, 0xbc, 0x4f, 0x9a, 0xdf, 0xfe, 0xd6, 0x8d, 0x7a, 0xeb,
  0x2b, 0x53, 0xd8, 0x5c, 0xa1, 0x14, 0x17, 0xfb, 0x23, 0xd5, 0x7d, 0x30, 0x67, 0x73, 0x08, 0x09,
  0xee, 0xb7, 0x70, 0x3f, 0x61, 0xb2, 0x19, 0x8e, 0x4e, 0xe5, 0x4b, 0x93, 0x8f, 0x5d, 0xdb, 0xa9,
  0xad, 0xf1, 0xae, 0x2e, 0xcb, 0x0d, 0xfc, 0xf4, 0x2d, 0x46, 0x6e, 0x1d, 0x97, 0xe8, 0xd1, 0xe9,
  0x4d, 0x37, 0xa5, 0x75, 0x5e, 0x83, 0x9e, 0xab, 0x82, 0x9d, 0xb9, 0x1c, 0xe0, 0xcd, 0x49, 0x89,
  0x01, 0xb6, 0xbd, 0x58, 0x24, 0xa2, 0x5f, 0x38, 0x78, 0x99, 0x15, 0x90, 0x50, 0xb8, 0x95, 0xe4,
  0xd0, 0x91, 0xc7, 0xce, 0xed, 0x0f, 0xb4, 0x6f, 0xa0, 0xcc, 0xf0, 0x02, 0x4a, 0x79, 0xc3, 0xde,
  0xa3, 0xef, 0xea, 0x51, 0xe6, 0x6b, 0x18, 0xec, 0x1b, 0x2c, 0x80, 0xf7, 0x74, 0xe7, 0xff, 0x21,
  0x5a, 0x6a, 0x54, 0x1e, 0x41, 0x31, 0x92, 0x35, 0xc4, 0x33, 0x07, 0x0a, 0xba, 0x7e, 0x0e, 0x34,
  0x88, 0xb1, 0x98, 0x7c, 0xf3, 0x3d, 0x60, 0x6c, 0x7b, 0xca, 0xd3, 0x1f, 0x32, 0x65, 0x04, 0x28,
  0x64, 0xbe, 0x85, 0x9b, 0x2f, 0x59, 0x8a, 0xd7, 0xb0, 0x25, 0xac, 0xaf, 0x12, 0x03, 0xe2, 0xf2,
]);

// The fast build (crypto/variant.ts) derives its S-box tables from S0 and S1 (crypto/zuc-fast.ts).
if (FAST) zucFastTablesInit(S0, S1);

// ---- building blocks (Doc 2, 3.2 to 3.4) ------------------------------------------------------

/** a + b mod (2^31 - 1) for a, b < 2^31 (Doc 2, Appendix A "AddM"). */
// @ts-ignore: decorator
@inline function addM(a: u32, b: u32): u32 { let c = a + b; return (c & MOD_2_31_1) + (c >>> 31); }
/** x * 2^k mod (2^31 - 1): a 31-bit rotation (Doc 2, Appendix A "MulByPow2"). */
// @ts-ignore: decorator
@inline function mulByPow2(x: u32, k: u32): u32 { return ((x << k) | (x >>> (31 - k))) & MOD_2_31_1; }
/** L1(X) = X ⊕ (X <<< 2) ⊕ (X <<< 10) ⊕ (X <<< 18) ⊕ (X <<< 24) (Doc 2, 3.4.3). */
// @ts-ignore: decorator
@inline function L1(X: u32): u32 { return X ^ rotl<u32>(X, 2) ^ rotl<u32>(X, 10) ^ rotl<u32>(X, 18) ^ rotl<u32>(X, 24); }
/** L2(X) = X ⊕ (X <<< 8) ⊕ (X <<< 14) ⊕ (X <<< 22) ⊕ (X <<< 30) (Doc 2, 3.4.3). */
// @ts-ignore: decorator
@inline function L2(X: u32): u32 { return X ^ rotl<u32>(X, 8) ^ rotl<u32>(X, 14) ^ rotl<u32>(X, 22) ^ rotl<u32>(X, 30); }
/** S(X) = S0(x0) || S1(x1) || S0(x2) || S1(x3), x0 the most significant byte (Doc 2, 3.4.2). */
// @ts-ignore: decorator
@inline function S(X: u32): u32 {
  return (<u32>load<u8>(X >>> 24, S0) << 24) | (<u32>load<u8>((X >>> 16) & 0xff, S1) << 16)
       | (<u32>load<u8>((X >>> 8) & 0xff, S0) << 8) | <u32>load<u8>(X & 0xff, S1);
}

/**
 * One round: BitReorganization (3.3), F (3.4) and the LFSR (3.2). In initialisation mode the LFSR
 * takes u = W >> 1 (3.2.1); in working mode it does not (3.2.2). Returns Z = W ⊕ X3 (3.6.2).
 */
function zucClock(ctx: usize, initMode: bool): u32 {
  let base = load<u32>(ctx + ZUC_BASE);
  let ring = ctx + ZUC_S + (<usize>base << 2);   // &s0; s_i at ring + 4i
  let s0 = load<u32>(ring), s2 = load<u32>(ring, 8), s4 = load<u32>(ring, 16), s5 = load<u32>(ring, 20);
  let s7 = load<u32>(ring, 28), s9 = load<u32>(ring, 36), s10 = load<u32>(ring, 40);
  let s11 = load<u32>(ring, 44), s13 = load<u32>(ring, 52), s14 = load<u32>(ring, 56), s15 = load<u32>(ring, 60);
  // BitReorganization: X0 = s15H || s14L, X1 = s11L || s9H, X2 = s7L || s5H, X3 = s2L || s0H
  let X0 = ((s15 & 0x7fff8000) << 1) | (s14 & 0xffff);
  let X1 = (s11 << 16) | (s9 >>> 15);
  let X2 = (s7 << 16) | (s5 >>> 15);
  let X3 = (s2 << 16) | (s0 >>> 15);
  // F: W = (X0 ⊕ R1) ⊞ R2; W1 = R1 ⊞ X1; W2 = R2 ⊕ X2;
  //    R1 = S(L1(W1L || W2H)); R2 = S(L2(W2L || W1H))
  let R1 = load<u32>(ctx + ZUC_R1), R2 = load<u32>(ctx + ZUC_R2);
  let W = (X0 ^ R1) + R2;
  let W1 = R1 + X1;
  let W2 = R2 ^ X2;
  store<u32>(ctx + ZUC_R1, S(L1((W1 << 16) | (W2 >>> 16))));
  store<u32>(ctx + ZUC_R2, S(L2((W2 << 16) | (W1 >>> 16))));
  // v = 2^15 s15 + 2^17 s13 + 2^21 s10 + 2^20 s4 + (1 + 2^8) s0 mod (2^31 - 1)
  let v = addM(addM(addM(addM(addM(s0, mulByPow2(s0, 8)), mulByPow2(s4, 20)), mulByPow2(s10, 21)),
    mulByPow2(s13, 17)), mulByPow2(s15, 15));
  // initialisation mode: s16 = (v + u) mod (2^31 - 1) with u = W >> 1
  let s16 = initMode ? addM(v, W >>> 1) : v;
  // "if s16 = 0, then set s16 = 2^31 - 1"
  if (s16 == 0) s16 = MOD_2_31_1;
  // (s1, ..., s15, s16) -> (s0, ..., s14, s15)
  store<u32>(ring, s16); store<u32>(ring, s16, 64);
  store<u32>(ctx + ZUC_BASE, (base + 1) & 15);
  return W ^ X3;
}

/**
 * Key loading and initialisation (Doc 2, 3.5 and 3.6.1) from the 16-byte key k0..k15 and IV
 * iv0..iv15, followed by the first working-stage round whose output is discarded (3.6.2).
 */
export function zucInit(ctx: usize, key: usize, iv: usize): void {
  // s_i = k_i || d_i || iv_i (8 + 15 + 8 bits)
  for (let i: usize = 0; i < 16; i++) {
    let si = (<u32>load<u8>(key + i) << 23) | (<u32>load<u16>(i << 1, D) << 8) | <u32>load<u8>(iv + i);
    store<u32>(ctx + ZUC_S + (i << 2), si);
    store<u32>(ctx + ZUC_S + 64 + (i << 2), si);   // the mirror
  }
  // R1 = R2 = 0
  store<u32>(ctx + ZUC_R1, 0); store<u32>(ctx + ZUC_R2, 0); store<u32>(ctx + ZUC_BASE, 0);
  // repeat 32 times: BitReorganization(); W = F(X0, X1, X2); LFSRWithInitialisationMode(W >> 1)
  if (FAST) zucInitRoundsFast(ctx);
  else for (let i = 0; i < ZUC_INIT_ROUNDS; i++) zucClock(ctx, true);
  // working stage, first round: BitReorganization(); F(X0, X1, X2) discarded; LFSRWithWorkMode()
  zucClock(ctx, false);
}

/** Next keystream word Z (Doc 2, 3.6.2). */
export function zucNext(ctx: usize): u32 { return zucClock(ctx, false); }

// ---- 128-EEA3 (Doc 1, clause 3) ---------------------------------------------------------------

/**
 * 128-EEA3: C = M ⊕ keystream over LENGTH = bitLen bits with KEY = CK and the IV of Doc 1, 3.3:
 * IV[0..3] = COUNT, IV[4] = BEARER || DIRECTION || 00, IV[5..7] = 0, IV[8..15] = IV[0..7].
 * Writes ceil(bitLen / 8) bytes; output bits past LENGTH are zero. src and dst may alias.
 */
export function eea3(ctx: usize, ck: usize, count: u32, bearer: u32, direction: u32, src: usize, dst: usize, bitLen: u32): void {
  let iv = ctx + ZUC_IV;
  let w1 = ((bearer & 0x1f) << 27) | ((direction & 1) << 26);
  storeBe32(iv, count); storeBe32(iv + 4, w1); storeBe32(iv + 8, count); storeBe32(iv + 12, w1);
  zucInit(ctx, ck, iv);
  // L = ceil(LENGTH / 32) keystream words; C[i] = M[i] ⊕ z[i]
  let len = (<usize>bitLen + 7) >>> 3;
  // the fast build does the whole 64-byte chunks (crypto/zuc-fast.ts), single rounds the rest
  let i: usize = FAST ? eea3XorFast(ctx, src, dst, len) : 0;
  for (; i + 4 <= len; i += 4) store<u32>(dst + i, load<u32>(src + i) ^ bswap<u32>(zucNext(ctx)));
  if (i < len) {
    let z = zucNext(ctx);
    for (let sh: u32 = 24; i < len; i++, sh -= 8) store<u8>(dst + i, load<u8>(src + i) ^ <u8>(z >>> sh));
  }
  // bits past LENGTH in the last byte are not defined by the spec: clear them
  clearTailBits(dst, bitLen);
}

// ---- 128-EIA3 (Doc 1, clause 4) ---------------------------------------------------------------

/** Message word j (bits 32j .. 32j+31, big-endian) of a `nBytes`-byte message, zero past its end. */
// @ts-ignore: decorator
@inline function messageWord(msg: usize, nBytes: usize, j: usize): u32 {
  let p = j << 2;
  if (p + 4 <= nBytes) return loadBe32(msg + p);
  let m: u32 = 0;
  for (let k: usize = 0; k < 4 && p + k < nBytes; k++) m |= <u32>load<u8>(msg + p + k) << (24 - 8 * <u32>k);
  return m;
}

/**
 * 128-EIA3 (Doc 1, 4.4): MAC over MESSAGE of LENGTH = bitLen bits with KEY = IK and the IV of 4.3:
 * IV[0..3] = COUNT, IV[4] = BEARER || 000, IV[5..7] = 0, IV[8] = IV[0] ⊕ (DIRECTION << 7),
 * IV[9..13] = IV[1..5], IV[14] = IV[6] ⊕ (DIRECTION << 7), IV[15] = IV[7].
 */
export function eia3(ctx: usize, ik: usize, count: u32, bearer: u32, direction: u32, msg: usize, bitLen: u32): u32 {
  let iv = ctx + ZUC_IV;
  let w1 = (bearer & 0x1f) << 27;
  let dirBit = (direction & 1) << 31;
  storeBe32(iv, count); storeBe32(iv + 4, w1); storeBe32(iv + 8, count ^ dirBit); storeBe32(iv + 12, w1 ^ (dirBit >>> 16));
  zucInit(ctx, ik, iv);
  // z_i = the 32 keystream bits starting at bit i: taken from the window of words z[j] || z[j+1]
  let zj = zucNext(ctx);
  let nBytes = (<usize>bitLen + 7) >>> 3;
  let T: u32 = 0;
  // T = ⊕ over i < LENGTH with M[i] = 1 of z_i, then T = T ⊕ z_LENGTH: the same as a message with
  // one extra bit M[LENGTH] = 1, so run over words 0 .. floor(LENGTH / 32) with that bit appended.
  let lastWord = <usize>(bitLen >>> 5);
  let j: usize = 0;
  // the fast build does the whole words (crypto/zuc-fast.ts), this loop the last one
  if (FAST) { T = eia3WordsFast(ctx, msg, <u32>lastWord, zj); zj = load<u32>(ctx + ZUC_ZP); j = lastWord; }
  let zj1 = zucNext(ctx);
  for (; j <= lastWord; j++) {
    let m = messageWord(msg, nBytes, j);
    if (j == lastWord) {
      let r = bitLen & 31;  // message bits in this word
      m = (r == 0 ? 0 : m & (<u32>0xffffffff << (32 - r))) | (<u32>0x80000000 >>> r);
    }
    let win = (<u64>zj << 32) | <u64>zj1;
    for (let b: u32 = 0; b < 32; b++) {
      // if M[32j + b] = 1: T = T ⊕ z_(32j + b), without a data-dependent branch
      T ^= <u32>(win >>> <u64>(32 - b)) & (0 - ((m >>> (31 - b)) & 1));
    }
    zj = zj1; zj1 = zucNext(ctx);
  }
  // MAC = T ⊕ z_(32(L-1)), L = ceil((LENGTH + 64) / 32). Now zj = z[lastWord + 1] and
  // zj1 = z[lastWord + 2]; L - 1 is lastWord + 1 when 32 divides LENGTH, lastWord + 2 otherwise.
  return T ^ ((bitLen & 31) == 0 ? zj : zj1);
}
