// The NAS security algorithms (TS 33.501 Annex D): 128-NEA0..3 for ciphering and 128-NIA0..3 for
// integrity, each "identical to" 128-EEA/EIA0..3 of TS 33.401 Annex B (33.501 D.2.1.x, D.3.1.x).
//
// Inputs as the Annexes define them: KEY (128 bits), COUNT (32 bits), BEARER (5 bits), DIRECTION
// (1 bit: 0 uplink, 1 downlink) and LENGTH in bits, any value (not only whole bytes). Messages are
// ceil(LENGTH / 8) bytes; ciphering writes that many bytes and clears the bits of the last byte past
// LENGTH. The per-call algorithm state lives in the CIPHER_CTX region only (laid out below) and is
// wiped before every return, so no key-dependent state outlives a call.
//
// | CIPHER_CTX offset | size | what                                                              |
// |-------------------|------|-------------------------------------------------------------------|
// | 0                 | 244  | primitive context: CMAC (244), CTR (208), SNOW 3G (144), ZUC (160)  |
// | 256               | 16   | 128-EEA2 counter block T1 / 128-EIA2 header COUNT‖BEARER‖DIRECTION |
// | 272               | 16   | 128-EIA2 tag T before truncation to 32 bits                        |
// | 288               | 224  | not used (each call wipes the first CTX_USED bytes only)           |

import { CIPHER_CTX_PTR } from "../memory";
import { STATUS_OK, STATUS_ERR_ALGORITHM, STATUS_ERR_VALUE } from "../../lib/status";
import { copy, wipe, bswap64 } from "../../lib/util";
import { cmacInit, cmacInitSubkeys, cmacUpdate, cmacFinal } from "../../crypto/cmac";
import { FAST } from "../../crypto/variant";
import { nia2Subkeys } from "../context/slots";
import { ctrInit, ctrBlock, ctrXor } from "../../crypto/ctr";
import { uea2F8, uia2F9 } from "../../crypto/snow3g";
import { eea3, eia3 } from "../../crypto/zuc";

/** Algorithm identities, 4 bits (TS 33.501 5.11.1.1 / 5.11.1.2): 0000 null, 0001 SNOW 3G based,
 *  0010 AES based, 0011 ZUC based. */
export const NAS_ALG_NULL: u32 = 0;
export const NAS_ALG_SNOW3G: u32 = 1;
export const NAS_ALG_AES: u32 = 2;
export const NAS_ALG_ZUC: u32 = 3;
/** KEY is 128 bits (TS 33.401 B.1.1 / B.2.1). */
export const NAS_KEY_LEN: u32 = 16;
/** MAC-I / NAS-MAC is 32 bits (TS 33.401 B.2.1). */
export const NAS_MAC_LEN: u32 = 4;
/** BEARER is 5 bits, DIRECTION 1 bit (TS 33.401 B.1.1). */
export const BEARER_MAX: u32 = 31;
export const DIRECTION_MAX: u32 = 1;

// CIPHER_CTX layout (table above)
const PRIM_CTX: usize = 0;
const BLOCK: usize = 256;
const TAG: usize = 272;
/** The bytes of CIPHER_CTX a call can write (table above): what it wipes before returning. */
const CTX_USED: usize = TAG + 16;
// Invariant: CMAC_CTX_LEN (244), CTR_CTX_LEN (208), SNOW3G_CTX_LEN (144) and ZUC_CTX_LEN (160) are
// all <= BLOCK, and CTX_USED = TAG + 16 <= CIPHER_CTX_LEN (512).

/** The checks both operations make before touching any state: the algorithm identity is one of
 *  the four defined, BEARER fits 5 bits, DIRECTION fits 1 bit. */
export function nasAlgCheck(alg: u32, bearer: u32, direction: u32): i32 {
  if (alg > NAS_ALG_ZUC) return STATUS_ERR_ALGORITHM;
  if (bearer > BEARER_MAX || direction > DIRECTION_MAX) return STATUS_ERR_VALUE;
  return STATUS_OK;
}

/** Zero the bits of the last byte of a `bitLen`-bit string that lie past LENGTH. */
function clearTailBits(buf: usize, bitLen: u32): void {
  let rem = bitLen & 7;
  if (rem != 0) {
    let p = buf + (<usize>(bitLen >>> 3));
    store<u8>(p, load<u8>(p) & <u8>(<u32>0xff << (8 - rem)));
  }
}

/** COUNT[0..31] ‖ BEARER[0..4] ‖ DIRECTION ‖ 0^26 as a 64-bit big-endian value: the first half of
 *  the 128-EEA2 counter block T1 (TS 33.401 B.1.3) and the header of the 128-EIA2 input (B.2.3). */
// @ts-ignore: decorator
@inline function countBearerDirection(count: u32, bearer: u32, direction: u32): u64 {
  return (<u64>count << 32) | (<u64>bearer << 27) | (<u64>direction << 26);
}

/**
 * 128-NEA<alg> (TS 33.501 D.2): dst = src ⊕ KEYSTREAM over LENGTH = bitLen bits; writes
 * ceil(bitLen / 8) bytes with the bits past LENGTH cleared. src and dst may be the same address.
 * Returns STATUS_ERR_ALGORITHM / STATUS_ERR_VALUE (and changes nothing) on a bad identity/field.
 */
export function nea(alg: u32, key: usize, count: u32, bearer: u32, direction: u32, src: usize, dst: usize, bitLen: u32): i32 {
  let status = nasAlgCheck(alg, bearer, direction);
  if (status != STATUS_OK) return status;
  let ctx = CIPHER_CTX_PTR + PRIM_CTX;
  let len = (<usize>bitLen + 7) >>> 3;
  if (alg == NAS_ALG_NULL) {
    // 128-NEA0 (33.501 D.1): "the KEYSTREAM is all zeroes", so CIPHERTEXT = PLAINTEXT
    copy(dst, src, len);
  } else if (alg == NAS_ALG_SNOW3G) {
    // 128-EEA1 (33.401 B.1.2): UEA2 f8 with COUNT-C = COUNT, BEARER, DIRECTION, CK = KEY, LENGTH
    uea2F8(ctx, key, count, bearer, direction, src, dst, bitLen);
  } else if (alg == NAS_ALG_AES) {
    // 128-EEA2 (33.401 B.1.3): AES-CTR with T1 = COUNT ‖ BEARER ‖ DIRECTION ‖ 0^26 ‖ 0^64
    let t1 = CIPHER_CTX_PTR + BLOCK;
    ctrBlock(t1, countBearerDirection(count, bearer, direction), 0);
    ctrInit(ctx, key, t1);
    ctrXor(ctx, src, dst, len);
  } else {
    // 128-EEA3 (33.401 B.1.4): KEY, COUNT, BEARER, DIRECTION, LENGTH as for 128-EEA3 itself
    eea3(ctx, key, count, bearer, direction, src, dst, bitLen);
  }
  clearTailBits(dst, bitLen);
  wipe(CIPHER_CTX_PTR, CTX_USED);
  return STATUS_OK;
}

/**
 * 128-NIA<alg> (TS 33.501 D.3): the 32-bit MAC over MESSAGE of LENGTH = bitLen bits, written
 * big-endian at `macOut` (4 bytes; may overlap the message, it is written last).
 */
export function nia(alg: u32, key: usize, count: u32, bearer: u32, direction: u32, msg: usize, bitLen: u32, macOut: usize): i32 {
  let status = nasAlgCheck(alg, bearer, direction);
  if (status != STATUS_OK) return status;
  let ctx = CIPHER_CTX_PTR + PRIM_CTX;
  let mac: u32 = 0;
  if (alg == NAS_ALG_NULL) {
    // 128-NIA0 (33.501 D.1): "generates a 32-bit MAC-I/NAS-MAC ... of all zeroes"
    mac = 0;
  } else if (alg == NAS_ALG_SNOW3G) {
    // 128-EIA1 (33.401 B.2.2): UIA2 f9 with COUNT-I = COUNT, DIRECTION, IK = KEY, MESSAGE, LENGTH
    // and FRESH[0..31] = BEARER[0..4] ‖ 0^27
    mac = uia2F9(ctx, key, count, bearer << 27, direction, msg, bitLen);
  } else if (alg == NAS_ALG_AES) {
    // 128-EIA2 (33.401 B.2.3): AES-CMAC over M = COUNT ‖ BEARER ‖ DIRECTION ‖ 0^26 ‖ MESSAGE,
    // BLENGTH = LENGTH + 64; MAC = the 32 most significant bits of T
    let header = CIPHER_CTX_PTR + BLOCK;
    store<u64>(header, bswap64(countBearerDirection(count, bearer, direction)));
    // the fast build keeps a slot KNASint's subkeys K1 ‖ K2 with the key (context/slots.ts)
    const subkeys = FAST ? nia2Subkeys(key) : 0;
    if (FAST && subkeys != 0) cmacInitSubkeys(ctx, key, subkeys);
    else cmacInit(ctx, key);
    cmacUpdate(ctx, header, 8);
    cmacUpdate(ctx, msg, (<usize>bitLen + 7) >>> 3);
    // the last message byte carries (8 - LENGTH mod 8) mod 8 bits that are not part of M
    cmacFinal(ctx, CIPHER_CTX_PTR + TAG, (8 - (bitLen & 7)) & 7);
    mac = bswap<u32>(load<u32>(CIPHER_CTX_PTR + TAG));
  } else {
    // 128-EIA3 (33.401 B.2.4): KEY, COUNT, BEARER, DIRECTION, MESSAGE, LENGTH as for 128-EIA3
    mac = eia3(ctx, key, count, bearer, direction, msg, bitLen);
  }
  wipe(CIPHER_CTX_PTR, CTX_USED);
  store<u32>(macOut, bswap<u32>(mac));
  return STATUS_OK;
}
