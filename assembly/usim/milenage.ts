// MILENAGE (TS 35.206, "Document 2: Algorithm specification"): f1, f1*, f2, f3, f4, f5, f5* and
// OPc, all built on the kernel function E_K = AES-128 (crypto/aes.ts).
//
// TS 35.206 4.1:
//   OPc  = OP ⊕ E_K(OP)
//   TEMP = E_K(RAND ⊕ OPc)
//   IN1  = SQN[0..47] ‖ AMF[0..15] ‖ SQN[0..47] ‖ AMF[0..15]
//   OUT1 = E_K(TEMP ⊕ rot(IN1 ⊕ OPc, r1) ⊕ c1) ⊕ OPc
//   OUT2 = E_K(rot(TEMP ⊕ OPc, r2) ⊕ c2) ⊕ OPc
//   OUT3 = E_K(rot(TEMP ⊕ OPc, r3) ⊕ c3) ⊕ OPc
//   OUT4 = E_K(rot(TEMP ⊕ OPc, r4) ⊕ c4) ⊕ OPc
//   OUT5 = E_K(rot(TEMP ⊕ OPc, r5) ⊕ c5) ⊕ OPc
//   f1 = MAC-A = OUT1[0..63], f1* = MAC-S = OUT1[64..127], f2 = RES = OUT2[64..127],
//   f5 = AK = OUT2[0..47], f3 = CK = OUT3, f4 = IK = OUT4, f5* = AK* = OUT5[0..47].
// rot(x, r) is the cyclic rotation of the 128-bit x by r bit positions towards the most
// significant bit. Every r is a multiple of 8, so rot(x, r)[byte i] = x[byte (i + r/8) mod 16].
//
// The caller expands K once (aesExpandKey(K, W_RK)) and passes the round keys; TEMP, IN1 and the
// working block live in WORK (usim/memory.ts) and are wiped by the export that called us.

import { aesEncryptBlock } from '../crypto/aes';
import { copy } from '../lib/util';
import { W_BLK, W_IN1, W_TEMP } from './memory';
import { FAST } from '../crypto/variant';

/** Rotation constants r1..r5 (TS 35.206 4.1), in bytes: r1 = 64, r2 = 0, r3 = 32, r4 = 64, r5 = 96 bits. */
const MILENAGE_R1: usize = 64 / 8;
const MILENAGE_R2: usize = 0 / 8;
const MILENAGE_R3: usize = 32 / 8;
const MILENAGE_R4: usize = 64 / 8;
const MILENAGE_R5: usize = 96 / 8;
/** Constants c1..c5 (TS 35.206 4.1): 128-bit values, zero except their last byte. */
const MILENAGE_C1: u8 = 0x00;
const MILENAGE_C2: u8 = 0x01;
const MILENAGE_C3: u8 = 0x02;
const MILENAGE_C4: u8 = 0x04;
const MILENAGE_C5: u8 = 0x08;

/** Lengths of the MILENAGE fields in bytes (TS 35.206 3). */
export const MILENAGE_MAC_LEN: u32 = 8;
export const MILENAGE_RES_LEN: u32 = 8;
export const MILENAGE_CK_LEN: u32 = 16;
export const MILENAGE_AK_LEN: u32 = 6;

/** `out` (16 bytes) = a ⊕ b; any of the three may alias. */
function xor16(out: usize, a: usize, b: usize): void {
  store<u64>(out, load<u64>(a) ^ load<u64>(b));
  store<u64>(out, load<u64>(a, 8) ^ load<u64>(b, 8), 8);
}

/** OPc = OP ⊕ E_K(OP) (TS 35.206 4.1). `out` may alias `op`. */
export function milenageOpc(rk: usize, op: usize, out: usize): void {
  aesEncryptBlock(rk, op, W_BLK);
  xor16(out, W_BLK, op);
}

/** TEMP = E_K(RAND ⊕ OPc) into W_TEMP. */
function milenageTemp(rk: usize, opc: usize, rand: usize): void {
  xor16(W_TEMP, rand, opc);
  aesEncryptBlock(rk, W_TEMP, W_TEMP);
}

/**
 * OUTn = E_K(rot(x ⊕ OPc, r) ⊕ c [⊕ TEMP]) ⊕ OPc into W_BLK: x = IN1 with TEMP added (n = 1), or
 * x = TEMP (n = 2..5).
 */
function milenageOut(rk: usize, opc: usize, x: usize, r: usize, c: u8, addTemp: bool): void {
  if (FAST) { milenageOutWords(rk, opc, x, r, c, addTemp); return; }
  for (let i: usize = 0; i < 16; i++) {
    let j = (i + r) & 15;
    let b = load<u8>(x + j) ^ load<u8>(opc + j);
    if (addTemp) b ^= load<u8>(W_TEMP + i);
    store<u8>(W_BLK + i, b);
  }
  store<u8>(W_BLK + 15, load<u8>(W_BLK + 15) ^ c);
  aesEncryptBlock(rk, W_BLK, W_BLK);
  xor16(W_BLK, W_BLK, opc);
}

/**
 * milenageOut for the fast build (crypto/variant.ts): every r is a multiple of 32 bits, so the
 * rotation moves whole 4-byte words (word i of the result is word (i + r/4) mod 4 of x ⊕ OPc), and
 * c only touches the last byte, the top byte of the last little-endian word.
 */
function milenageOutWords(rk: usize, opc: usize, x: usize, r: usize, c: u8, addTemp: bool): void {
  let j0 = r, j1 = (r + 4) & 15, j2 = (r + 8) & 15, j3 = (r + 12) & 15;
  let b0 = load<u32>(x + j0) ^ load<u32>(opc + j0), b1 = load<u32>(x + j1) ^ load<u32>(opc + j1);
  let b2 = load<u32>(x + j2) ^ load<u32>(opc + j2), b3 = load<u32>(x + j3) ^ load<u32>(opc + j3);
  if (addTemp) {
    b0 ^= load<u32>(W_TEMP); b1 ^= load<u32>(W_TEMP, 4); b2 ^= load<u32>(W_TEMP, 8); b3 ^= load<u32>(W_TEMP, 12);
  }
  store<u32>(W_BLK, b0); store<u32>(W_BLK, b1, 4); store<u32>(W_BLK, b2, 8);
  store<u32>(W_BLK, b3 ^ (<u32>c << 24), 12);
  aesEncryptBlock(rk, W_BLK, W_BLK);
  xor16(W_BLK, W_BLK, opc);
}

/** Copy a 6-, 8- or 16-byte MILENAGE output: word stores in the fast build, copy() otherwise. */
// @ts-ignore: decorator
@inline function out(dst: usize, src: usize, len: u32): void {
  if (FAST) {
    if (len == 16) { store<u64>(dst, load<u64>(src)); store<u64>(dst, load<u64>(src, 8), 8); }
    else if (len == 8) store<u64>(dst, load<u64>(src));
    else { store<u32>(dst, load<u32>(src)); store<u16>(dst, load<u16>(src, 4), 4); }
  } else copy(dst, src, len);
}

/**
 * f1 and f1* (TS 35.206 4.1): MAC-A = OUT1[0..63] to `macA`, MAC-S = OUT1[64..127] to `macS`
 * (either may be 0 to skip it). SQN is 6 bytes, AMF 2 bytes.
 */
export function milenageF1(rk: usize, opc: usize, rand: usize, sqn: usize, amf: usize, macA: usize, macS: usize): void {
  milenageTemp(rk, opc, rand);
  // IN1 = SQN ‖ AMF ‖ SQN ‖ AMF
  copy(W_IN1, sqn, 6);
  copy(W_IN1 + 6, amf, 2);
  copy(W_IN1 + 8, W_IN1, 8);
  // OUT1 = E_K(TEMP ⊕ rot(IN1 ⊕ OPc, r1) ⊕ c1) ⊕ OPc
  milenageOut(rk, opc, W_IN1, MILENAGE_R1, MILENAGE_C1, true);
  if (macA != 0) out(macA, W_BLK, MILENAGE_MAC_LEN);
  if (macS != 0) out(macS, W_BLK + 8, MILENAGE_MAC_LEN);
}

/**
 * f2, f3, f4, f5 and f5* (TS 35.206 4.1) from one TEMP: RES (8 bytes), CK, IK (16 bytes each),
 * AK, AK* (6 bytes each). Any output pointer may be 0 to skip that output.
 */
export function milenageF2345(rk: usize, opc: usize, rand: usize,
  res: usize, ck: usize, ik: usize, ak: usize, akStar: usize): void {
  milenageTemp(rk, opc, rand);
  // OUT2 = E_K(rot(TEMP ⊕ OPc, r2) ⊕ c2) ⊕ OPc;  RES = OUT2[64..127], AK = OUT2[0..47]
  milenageOut(rk, opc, W_TEMP, MILENAGE_R2, MILENAGE_C2, false);
  if (res != 0) out(res, W_BLK + 8, MILENAGE_RES_LEN);
  if (ak != 0) out(ak, W_BLK, MILENAGE_AK_LEN);
  // OUT3 = E_K(rot(TEMP ⊕ OPc, r3) ⊕ c3) ⊕ OPc;  CK = OUT3
  if (ck != 0) {
    milenageOut(rk, opc, W_TEMP, MILENAGE_R3, MILENAGE_C3, false);
    out(ck, W_BLK, MILENAGE_CK_LEN);
  }
  // OUT4 = E_K(rot(TEMP ⊕ OPc, r4) ⊕ c4) ⊕ OPc;  IK = OUT4
  if (ik != 0) {
    milenageOut(rk, opc, W_TEMP, MILENAGE_R4, MILENAGE_C4, false);
    out(ik, W_BLK, MILENAGE_CK_LEN);
  }
  // OUT5 = E_K(rot(TEMP ⊕ OPc, r5) ⊕ c5) ⊕ OPc;  AK* = OUT5[0..47]
  if (akStar != 0) {
    milenageOut(rk, opc, W_TEMP, MILENAGE_R5, MILENAGE_C5, false);
    out(akStar, W_BLK, MILENAGE_AK_LEN);
  }
}
