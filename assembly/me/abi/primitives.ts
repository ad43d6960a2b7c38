// Test-only exports of the conformance build (build/ue-vectors.wasm = the ME module plus these):
// the constructions the NAS algorithms are built from, so that every official test set runs as
// published — UEA2 f8 and UIA2 f9 (FRESH is an input of f9 but not of 128-NIA1; TS 35.217), the raw
// SNOW 3G and ZUC keystream generators, and AES-CMAC (RFC 4493). The production build/ue.wasm does
// not carry them. Same ABI rules: offsets relative to IO_IN, results at IO_OUT + 0, checks first.
import { IO_OUT_PTR, IO_OUT_LEN, CIPHER_CTX_PTR, CIPHER_CTX_LEN } from "../memory";
import { STATUS_OK, STATUS_ERR_RANGE, STATUS_ERR_VALUE } from "../../lib/status";
import { fits, storeBe32, wipe, bitBytes } from "../../lib/util";
import { inMailbox, inPtr } from "./check";
import { NAS_KEY_LEN, NAS_MAC_LEN, BEARER_MAX, DIRECTION_MAX } from "../nas/algorithms";
import { snow3gInitWords, snow3gNext, uea2F8, uia2F9 } from "../../crypto/snow3g";
import { zucInit, zucNext } from "../../crypto/zuc";
import { cmacInit, cmacUpdate, cmacFinal } from "../../crypto/cmac";

/** IV length of the raw SNOW 3G / ZUC keystream exports (bytes). */
export const KEYSTREAM_IV_LEN: u32 = 16;
/** Largest number of keystream words the raw keystream exports skip before writing. */
export const KEYSTREAM_MAX_SKIP: u32 = 65536;
/** AES-CMAC tag length (bytes). */
export const AES_CMAC_TAG_LEN: u32 = 16;

/** UEA2 f8 (ETSI/SAGE UEA2&UIA2 Doc 1, 3.4) with CK at IO_IN[keyOff], COUNT-C, BEARER, DIRECTION
 *  → ceil(bitLen/8) bytes at IO_OUT[0..), bits past bitLen zero. */
export function uea2_f8(keyOff: u32, countC: u32, bearer: u32, direction: u32, msgOff: u32, bitLen: u32): i32 {
  let n = bitBytes(bitLen);
  if (!inMailbox(keyOff, NAS_KEY_LEN) || !inMailbox(msgOff, n) || !fits(0, n, IO_OUT_LEN)) return STATUS_ERR_RANGE;
  if (bearer > BEARER_MAX || direction > DIRECTION_MAX) return STATUS_ERR_VALUE;
  uea2F8(CIPHER_CTX_PTR, inPtr(keyOff), countC, bearer, direction, inPtr(msgOff), IO_OUT_PTR, bitLen);
  wipe(CIPHER_CTX_PTR, CIPHER_CTX_LEN);
  return STATUS_OK;
}

/** UIA2 f9 (Doc 1, 4.4) with IK at IO_IN[keyOff], COUNT-I, FRESH, DIRECTION → MAC-I, 4 bytes
 *  big-endian, at IO_OUT[0..4). */
export function uia2_f9(keyOff: u32, countI: u32, fresh: u32, direction: u32, msgOff: u32, bitLen: u32): i32 {
  if (!inMailbox(keyOff, NAS_KEY_LEN) || !inMailbox(msgOff, bitBytes(bitLen)) || !fits(0, NAS_MAC_LEN, IO_OUT_LEN)) return STATUS_ERR_RANGE;
  if (direction > DIRECTION_MAX) return STATUS_ERR_VALUE;
  let mac = uia2F9(CIPHER_CTX_PTR, inPtr(keyOff), countI, fresh, direction, inPtr(msgOff), bitLen);
  wipe(CIPHER_CTX_PTR, CIPHER_CTX_LEN);
  storeBe32(IO_OUT_PTR, mac);
  return STATUS_OK;
}

/** Check shared by the raw keystream exports: key and IV in IO_IN, `words` words fit IO_OUT. */
function keystreamCheck(keyOff: u32, ivOff: u32, skip: u32, words: u32): i32 {
  if (!inMailbox(keyOff, NAS_KEY_LEN) || !inMailbox(ivOff, KEYSTREAM_IV_LEN) || words > (IO_OUT_LEN >>> 2)) return STATUS_ERR_RANGE;
  if (skip > KEYSTREAM_MAX_SKIP) return STATUS_ERR_VALUE;
  return STATUS_OK;
}

/** SNOW 3G (UEA2&UIA2 Doc 2) with K = k0‖k1‖k2‖k3 at IO_IN[keyOff] and IV = IV0‖IV1‖IV2‖IV3 at
 *  IO_IN[ivOff] (the order of the Doc 3 keystream sets): skips z1..z_skip, then writes `words`
 *  words z_(skip+1).. big-endian at IO_OUT[0..). */
export function snow3g_keystream(keyOff: u32, ivOff: u32, skip: u32, words: u32): i32 {
  let status = keystreamCheck(keyOff, ivOff, skip, words);
  if (status != STATUS_OK) return status;
  snow3gInitWords(CIPHER_CTX_PTR, inPtr(keyOff), inPtr(ivOff));
  for (let i: u32 = 0; i < skip; i++) snow3gNext(CIPHER_CTX_PTR);
  for (let i: u32 = 0; i < words; i++) storeBe32(IO_OUT_PTR + (<usize>i << 2), snow3gNext(CIPHER_CTX_PTR));
  wipe(CIPHER_CTX_PTR, CIPHER_CTX_LEN);
  return STATUS_OK;
}

/** ZUC (128-EEA3&EIA3 Doc 2) with the 16-byte key and IV k0..k15 / iv0..iv15: skips z1..z_skip,
 *  then writes `words` words big-endian at IO_OUT[0..). */
export function zuc_keystream(keyOff: u32, ivOff: u32, skip: u32, words: u32): i32 {
  let status = keystreamCheck(keyOff, ivOff, skip, words);
  if (status != STATUS_OK) return status;
  zucInit(CIPHER_CTX_PTR, inPtr(keyOff), inPtr(ivOff));
  for (let i: u32 = 0; i < skip; i++) zucNext(CIPHER_CTX_PTR);
  for (let i: u32 = 0; i < words; i++) storeBe32(IO_OUT_PTR + (<usize>i << 2), zucNext(CIPHER_CTX_PTR));
  wipe(CIPHER_CTX_PTR, CIPHER_CTX_LEN);
  return STATUS_OK;
}

/** AES-128-CMAC (RFC 4493) of the byteLen bytes at IO_IN[msgOff] with the key at IO_IN[keyOff]
 *  → the 16-byte tag at IO_OUT[0..16). */
export function aes_cmac(keyOff: u32, msgOff: u32, byteLen: u32): i32 {
  if (!inMailbox(keyOff, NAS_KEY_LEN) || !inMailbox(msgOff, byteLen) || !fits(0, AES_CMAC_TAG_LEN, IO_OUT_LEN)) return STATUS_ERR_RANGE;
  cmacInit(CIPHER_CTX_PTR, inPtr(keyOff));
  cmacUpdate(CIPHER_CTX_PTR, inPtr(msgOff), byteLen);
  cmacFinal(CIPHER_CTX_PTR, IO_OUT_PTR, 0);
  wipe(CIPHER_CTX_PTR, CIPHER_CTX_LEN);
  return STATUS_OK;
}
