// TUAK (TS 35.231, "Document 1: Algorithm specification"): TOPc, f1, f1*, f2, f3, f4, f5, f5*,
// every function one or more applications of Keccak-f[1600] (crypto/keccak.ts) to the 1600-bit
// string
//   IN = TOPc ‖ INSTANCE ‖ ALGONAME ‖ RAND ‖ AMF ‖ SQN ‖ KEY ‖ PAD (rate 1088 bits) ‖ 0^512
// (TS 35.231 5.2, 5.3, 6.1-6.5). Fields the function does not use (RAND, AMF, SQN) are zero.
//
// Byte order. TS 35.231 numbers the bits of IN so that every field enters the Keccak state with
// its bytes in reverse order (clause 4.2.2 and the Annex reference code): the last byte of TOPc is
// state byte 0, the last byte of RAND is state byte 40, and so on. Outputs come out the same way:
// MAC is the first `len` state bytes read backwards, CK starts at state byte 32, IK at 64, AK at 96.
//
// INSTANCE (TS 35.231 5.3) selects the function and the lengths, so outputs of different lengths
// or functions are independent:
//   bits 7..6: 00 f1 / TOPc, 10 f1*, 01 f2-f5, 11 f5*
//   bits 5..3: MAC or RES length: 000 = 32 bits (RES only), 001 = 64, 010 = 128, 100 = 256
//   bit 2: CK is 256 bits; bit 1: IK is 256 bits; bit 0: K is 256 bits.
// With lengths in bytes, bits 5..3 are simply `len & 0x38` (4 → 0, 8 → 0x08, 16 → 0x10, 32 → 0x20).
//
// Lengths (TS 35.231 5.1): K 128/256, MAC-A/MAC-S 64/128/256, RES 32/64/128/256, CK/IK 128/256
// bits; the number of Keccak iterations is an operator parameter (1 by default). Callers validate
// them (usim/abi.ts); these functions assume valid lengths.

import { keccakF1600, KECCAK_STATE_LEN } from '../crypto/keccak';
import { wipe } from '../lib/util';
import { W_BC, W_STATE } from './memory';

/** ALGONAME = "TUAK1.0" in ASCII, 56 bits (TS 35.231 5.3). */
const TUAK_ALGONAME: usize = memory.data<u8>([0x54, 0x55, 0x41, 0x4b, 0x31, 0x2e, 0x30]);
const TUAK_ALGONAME_LEN: usize = 7;

// State byte offsets of the IN fields (each stored reversed).
const IN_TOPC: usize = 0;      // 256 bits
const IN_INSTANCE: usize = 32; // 8 bits
const IN_ALGONAME: usize = 33; // 56 bits
const IN_RAND: usize = 40;     // 128 bits
const IN_AMF: usize = 56;      // 16 bits
const IN_SQN: usize = 58;      // 48 bits
const IN_KEY: usize = 64;      // 256 bits: a 128-bit K occupies the first 16 bytes, zeros follow
/** PAD (TS 35.231 5.3): '1F' right after KEY and a final '80' at the end of the 1088-bit rate. */
const IN_PAD_FIRST: usize = 96;
const IN_PAD_LAST: usize = 135;
const PAD_FIRST: u8 = 0x1f;
const PAD_LAST: u8 = 0x80;

// Output byte offsets in the final state (TS 35.231 6.2-6.5).
const OUT_MAC: usize = 0;  // MAC-A / MAC-S / RES / TOPc start at 0
const OUT_CK: usize = 32;
const OUT_IK: usize = 64;
const OUT_AK: usize = 96;
export const TUAK_AK_LEN: u32 = 6;
export const TUAK_TOPC_LEN: u32 = 32;

/** INSTANCE function selectors (bits 7..6) and length flags. */
const INST_F1: u32 = 0x00;
const INST_F1_STAR: u32 = 0x80;
const INST_F2345: u32 = 0x40;
const INST_F5_STAR: u32 = 0xc0;
const INST_LEN_MASK: u32 = 0x38;
const INST_CK_256: u32 = 0x04;
const INST_IK_256: u32 = 0x02;
const INST_K_256: u32 = 0x01;

/** dst[i] = src[len − 1 − i]: how every field enters and leaves the state. */
function copyReversed(dst: usize, src: usize, len: usize): void {
  for (let i: usize = 0; i < len; i++) store<u8>(dst + i, load<u8>(src + len - 1 - i));
}

// @ts-ignore: decorator
@inline function kFlag(kLen: u32): u32 { return kLen == 32 ? INST_K_256 : 0; }

/**
 * Build IN in W_STATE and apply Keccak-f[1600] `iterations` times. `rand`, `amf`, `sqn` may be 0
 * for "all zero". `topc` is TOP when deriving TOPc (TS 35.231 6.1).
 */
function tuakCore(topc: usize, instance: u32, rand: usize, amf: usize, sqn: usize,
  k: usize, kLen: u32, iterations: u32): void {
  wipe(W_STATE, KECCAK_STATE_LEN);
  copyReversed(W_STATE + IN_TOPC, topc, 32);
  store<u8>(W_STATE + IN_INSTANCE, <u8>instance);
  copyReversed(W_STATE + IN_ALGONAME, TUAK_ALGONAME, TUAK_ALGONAME_LEN);
  if (rand != 0) copyReversed(W_STATE + IN_RAND, rand, 16);
  if (amf != 0) copyReversed(W_STATE + IN_AMF, amf, 2);
  if (sqn != 0) copyReversed(W_STATE + IN_SQN, sqn, 6);
  copyReversed(W_STATE + IN_KEY, k, kLen);
  store<u8>(W_STATE + IN_PAD_FIRST, PAD_FIRST);
  store<u8>(W_STATE + IN_PAD_LAST, PAD_LAST);
  for (let i: u32 = 0; i < iterations; i++) keccakF1600(W_STATE, W_BC);
}

/**
 * TOPc from TOP (TS 35.231 6.1): IN with TOP in the TOPc position, INSTANCE = 0000000 ‖ (K is 256
 * bits), RAND = AMF = SQN = 0; TOPc = OUT[0..255] (the first 256 bits of the final state, read like
 * every other output; unlike MILENAGE's OPc there is no XOR with TOP). `out` may alias `top`.
 */
export function tuakTopc(top: usize, k: usize, kLen: u32, iterations: u32, out: usize): void {
  tuakCore(top, kFlag(kLen), 0, 0, 0, k, kLen, iterations);
  copyReversed(out, W_STATE + OUT_MAC, TUAK_TOPC_LEN);
}

/**
 * f1 (MAC-A, `star` false) or f1* (MAC-S, `star` true) (TS 35.231 6.2, 6.3), `macLen` bytes
 * (8, 16 or 32) to `out`.
 */
export function tuakF1(topc: usize, k: usize, kLen: u32, rand: usize, sqn: usize, amf: usize,
  macLen: u32, iterations: u32, star: bool, out: usize): void {
  let instance = (star ? INST_F1_STAR : INST_F1) | (macLen & INST_LEN_MASK) | kFlag(kLen);
  tuakCore(topc, instance, rand, amf, sqn, k, kLen, iterations);
  copyReversed(out, W_STATE + OUT_MAC, macLen);
}

/**
 * f2 (RES), f3 (CK), f4 (IK), f5 (AK) (TS 35.231 6.4) from one Keccak run; lengths in bytes.
 * Any output pointer may be 0 to skip it.
 */
export function tuakF2345(topc: usize, k: usize, kLen: u32, rand: usize,
  resLen: u32, ckLen: u32, ikLen: u32, iterations: u32,
  res: usize, ck: usize, ik: usize, ak: usize): void {
  let instance = INST_F2345 | (resLen & INST_LEN_MASK) | kFlag(kLen);
  if (ckLen == 32) instance |= INST_CK_256;
  if (ikLen == 32) instance |= INST_IK_256;
  tuakCore(topc, instance, rand, 0, 0, k, kLen, iterations);
  if (res != 0) copyReversed(res, W_STATE + OUT_MAC, resLen);
  if (ck != 0) copyReversed(ck, W_STATE + OUT_CK, ckLen);
  if (ik != 0) copyReversed(ik, W_STATE + OUT_IK, ikLen);
  if (ak != 0) copyReversed(ak, W_STATE + OUT_AK, TUAK_AK_LEN);
}

/** f5* (AK*, 6 bytes) (TS 35.231 6.5). */
export function tuakF5Star(topc: usize, k: usize, kLen: u32, rand: usize, iterations: u32, akStar: usize): void {
  tuakCore(topc, INST_F5_STAR | kFlag(kLen), rand, 0, 0, k, kLen, iterations);
  copyReversed(akStar, W_STATE + OUT_AK, TUAK_AK_LEN);
}
