// The USIM module's C-like boundary. Every export takes offsets RELATIVE to IO_IN (and lengths),
// validates everything first, and returns a status code (assembly/status.ts); a rejected call
// writes nothing anywhere in memory. Results go to IO_OUT at the offsets below (exported, so the
// host hard-codes nothing). WORK is wiped before every export returns; K and OPc/TOPc never leave
// PERSIST through an export.
//
// IO_OUT: a 16-byte header, then OPc/TOPc, MAC-A, RES at 16, MAC-S, CK at 48, IK at 80, AK at
// 112, AK* at 120 (the OUT_*_OFF constants below, exported).
//
// Stateless algorithm exports (for `ue-keys milenage` / `ue-keys tuak`; PERSIST untouched):
//   milenage_opc(kOff, opOff)                                      → OPc
//   milenage_f1(kOff, opcOff, randOff, sqnOff, amfOff)             → MAC-A, MAC-S
//   milenage_f2345(kOff, opcOff, randOff)                          → RES, CK, IK, AK, AK*
//   tuak_topc(kOff, kLen, topOff, iterations)                      → TOPc
//   tuak_f1(kOff, kLen, topcOff, randOff, sqnOff, amfOff, params)  → MAC-A, MAC-S
//   tuak_f2345(kOff, kLen, topcOff, randOff, params)               → RES, CK, IK, AK, AK*
// Card exports (PERSIST):
//   usim_personalise(algo, kOff, kLen, opcOff, opcIsOp, params)  once per card (else ERR_STATE)
//   usim_configure_sqn(indBits, deltaLo, deltaHi, ageLo, ageHi)  TS 33.102 Annex C parameters
//   usim_authenticate(randOff, autnOff, autnLen)                 TS 33.102 6.3.3
//     OK:       OUT[0] RES length, OUT[1] CK length, OUT[2] IK length; RES, CK, IK
//     ERR_SYNC: OUT[0] AUTS length (6 + MAC length: 14 for a 64-bit MAC-S); AUTS at 16
//     ERR_MAC:  nothing written anywhere
//   usim_restore(off, len)    load a 384-byte NVM image (blank card only; the image is validated)
//   usim_factory_reset()      wipe PERSIST, WORK and both mailboxes
//   usim_clear()              wipe both mailboxes (the host calls it after stateless calls)
//
// TUAK `params` (u32): bits 0-7 Keccak iterations (1..255); bits 8-15 MAC length in bytes
// (8/16/32); bits 16-23 RES length in bytes (4/8/16/32); bits 24-27 CK length / 16 (1 or 2);
// bits 28-31 IK length / 16 (1 or 2). The common 3GPP choice (64-bit MAC and RES, 128-bit CK/IK,
// 1 iteration) is 0x11080801. For MILENAGE `params` must be 0.

import {
  STATUS_ERR_ALGORITHM, STATUS_ERR_FORMAT, STATUS_ERR_LENGTH, STATUS_ERR_MAC, STATUS_ERR_RANGE,
  STATUS_ERR_STATE, STATUS_ERR_SYNC, STATUS_ERR_VALUE, STATUS_OK,
} from '../lib/status';
import { copy, equalCt, fits, wipe } from '../lib/util';
import {
  IND_BITS_MAX, IO_IN_LEN, IO_IN_PTR, IO_OUT_LEN, IO_OUT_PTR, PERSIST_FORMAT_1, PERSIST_LEN, PERSIST_PTR,
  P_AGE_LIMIT, P_ALGO, P_CK_LEN, P_DELTA, P_FORMAT, P_IK_LEN, P_IND_BITS, P_ITERATIONS, P_K, P_K_LEN,
  P_MAC_LEN, P_OPC, P_PERSONALISED, P_RESERVED, P_RESERVED_TAIL, P_RES_LEN, WORK_LEN, WORK_PTR,
  W_AK, W_AK_STAR, W_AMF_ZERO, W_CK, W_IK, W_MAC_S, W_RES, W_RK, W_SQN, W_XMAC,
} from './memory';
import { aesExpandKey } from '../crypto/aes';
import { milenageF1, milenageF2345, milenageOpc } from './milenage';
import { tuakF1, tuakF2345, tuakF5Star, tuakTopc } from './tuak';
import {
  autsAssemble, DEFAULT_DELTA, DEFAULT_IND_BITS, loadSqn, sqnAccept, sqnIsFresh, sqnMs, sqnStateValid,
  SQN_LEN, SQN_MAX, storeSqn,
} from './sqn';

/** Algorithm identities (PERSIST ALGO byte, usim_personalise `algo`). */
const ALGO_MILENAGE: u32 = 0;
const ALGO_TUAK: u32 = 1;
/** Field lengths in bytes (TS 33.102 6.3.2; TS 35.206; TS 35.231 5.1). */
const RAND_LEN: u32 = 16;
const AMF_LEN: u32 = 2;
const OPC_LEN: u32 = 16;
const TOPC_LEN: u32 = 32;

// IO_OUT layout, shared by every export: a 16-byte header (lengths, written by usim_authenticate
// only) and the fields at fixed offsets after it.
/** OPc (16 bytes) or TOPc (32 bytes). */
export const OUT_OPC_OFF: u32 = 16;
/** MAC-A and MAC-S (8 bytes for MILENAGE; TUAK 8/16/32). */
export const OUT_MAC_A_OFF: u32 = 16;
export const OUT_MAC_S_OFF: u32 = 48;
/** RES, CK, IK (up to 32 bytes each), AK and AK* (6 bytes each). */
export const OUT_RES_OFF: u32 = 16;
export const OUT_CK_OFF: u32 = 48;
export const OUT_IK_OFF: u32 = 80;
export const OUT_AK_OFF: u32 = 112;
export const OUT_AK_STAR_OFF: u32 = 120;
/** usim_authenticate OK: the RES, CK and IK lengths in bytes (one byte each). */
export const OUT_RES_LEN_OFF: u32 = 0;
export const OUT_CK_LEN_OFF: u32 = 1;
export const OUT_IK_LEN_OFF: u32 = 2;
/** usim_authenticate ERR_SYNC: AUTS length (one byte) and AUTS. */
export const OUT_AUTS_LEN_OFF: u32 = 0;
export const OUT_AUTS_OFF: u32 = 16;

// @ts-ignore: decorator
@inline function inPtr(off: u32): usize { return IO_IN_PTR + <usize>off; }
// @ts-ignore: decorator
@inline function outPtr(off: u32): usize { return IO_OUT_PTR + <usize>off; }
// @ts-ignore: decorator
@inline function persistU8(field: usize): u32 { return <u32>load<u8>(PERSIST_PTR + field); }
// @ts-ignore: decorator
@inline function inRange(off: u32, len: u32): bool { return fits(off, len, IO_IN_LEN); }

/** Wipe WORK (the call's scratch) and return `status`: every path that computed something ends here. */
function wipeWorkAnd(status: i32): i32 {
  wipe(WORK_PTR, WORK_LEN);
  return status;
}

/** A power-of-two length in bytes between `min` and 32 (TUAK lengths, TS 35.231 5.1). */
function pow2Len(v: u32, min: u32): bool { return v >= min && v <= 32 && (v & (v - 1)) == 0; }

/**
 * Status of a card configuration (usim_personalise, usim_restore, the stateless TUAK exports).
 * MILENAGE: K 128 bits, MAC 64, RES 64, CK/IK 128, no iterations (TS 35.206). TUAK: K 128/256,
 * MAC 64/128/256, RES 32/64/128/256, CK/IK 128/256 bits, 1..255 Keccak iterations (TS 35.231 5.1).
 */
function configStatus(algo: u32, kLen: u32, iter: u32, mac: u32, res: u32, ck: u32, ik: u32): i32 {
  if (algo > ALGO_TUAK) return STATUS_ERR_ALGORITHM;
  if (algo == ALGO_MILENAGE) {
    if (kLen != 16) return STATUS_ERR_LENGTH;
    if (iter != 0 || mac != 8 || res != 8 || ck != 16 || ik != 16) return STATUS_ERR_VALUE;
    return STATUS_OK;
  }
  if (kLen != 16 && kLen != 32) return STATUS_ERR_LENGTH;
  if (iter == 0 || iter > 0xff) return STATUS_ERR_VALUE;
  if (!pow2Len(mac, 8) || !pow2Len(res, 4) || !pow2Len(ck, 16) || !pow2Len(ik, 16)) return STATUS_ERR_LENGTH;
  return STATUS_OK;
}

// Field extractors of TUAK `params`.
// @ts-ignore: decorator
@inline function tIter(p: u32): u32 { return p & 0xff; }
// @ts-ignore: decorator
@inline function tMac(p: u32): u32 { return (p >>> 8) & 0xff; }
// @ts-ignore: decorator
@inline function tRes(p: u32): u32 { return (p >>> 16) & 0xff; }
// @ts-ignore: decorator
@inline function tCk(p: u32): u32 { return ((p >>> 24) & 0xf) << 4; }
// @ts-ignore: decorator
@inline function tIk(p: u32): u32 { return (p >>> 28) << 4; }

/** Status of the stateless TUAK exports' K length and `params`. */
function tuakStatus(kLen: u32, p: u32): i32 {
  return configStatus(ALGO_TUAK, kLen, tIter(p), tMac(p), tRes(p), tCk(p), tIk(p));
}

// ---------------------------------------------------------------------------------------------
// Stateless MILENAGE (TS 35.206)

export function milenage_opc(kOff: u32, opOff: u32): i32 {
  if (!inRange(kOff, 16) || !inRange(opOff, OPC_LEN)) return STATUS_ERR_RANGE;
  aesExpandKey(inPtr(kOff), W_RK);
  milenageOpc(W_RK, inPtr(opOff), outPtr(OUT_OPC_OFF));
  return wipeWorkAnd(STATUS_OK);
}

export function milenage_f1(kOff: u32, opcOff: u32, randOff: u32, sqnOff: u32, amfOff: u32): i32 {
  if (!inRange(kOff, 16) || !inRange(opcOff, OPC_LEN) || !inRange(randOff, RAND_LEN) ||
    !inRange(sqnOff, SQN_LEN) || !inRange(amfOff, AMF_LEN)) return STATUS_ERR_RANGE;
  aesExpandKey(inPtr(kOff), W_RK);
  milenageF1(W_RK, inPtr(opcOff), inPtr(randOff), inPtr(sqnOff), inPtr(amfOff), outPtr(OUT_MAC_A_OFF), outPtr(OUT_MAC_S_OFF));
  return wipeWorkAnd(STATUS_OK);
}

export function milenage_f2345(kOff: u32, opcOff: u32, randOff: u32): i32 {
  if (!inRange(kOff, 16) || !inRange(opcOff, OPC_LEN) || !inRange(randOff, RAND_LEN)) return STATUS_ERR_RANGE;
  aesExpandKey(inPtr(kOff), W_RK);
  milenageF2345(W_RK, inPtr(opcOff), inPtr(randOff), outPtr(OUT_RES_OFF), outPtr(OUT_CK_OFF), outPtr(OUT_IK_OFF),
    outPtr(OUT_AK_OFF), outPtr(OUT_AK_STAR_OFF));
  return wipeWorkAnd(STATUS_OK);
}

// ---------------------------------------------------------------------------------------------
// Stateless TUAK (TS 35.231)

export function tuak_topc(kOff: u32, kLen: u32, topOff: u32, iterations: u32): i32 {
  // Only K and the iterations matter for TOPc (TS 35.231 6.1): any valid lengths stand in for the rest.
  let st = configStatus(ALGO_TUAK, kLen, iterations, 8, 4, 16, 16);
  if (st != STATUS_OK) return st;
  if (!inRange(kOff, kLen) || !inRange(topOff, TOPC_LEN)) return STATUS_ERR_RANGE;
  tuakTopc(inPtr(topOff), inPtr(kOff), kLen, iterations, outPtr(OUT_OPC_OFF));
  return wipeWorkAnd(STATUS_OK);
}

export function tuak_f1(kOff: u32, kLen: u32, topcOff: u32, randOff: u32, sqnOff: u32, amfOff: u32, params: u32): i32 {
  let st = tuakStatus(kLen, params);
  if (st != STATUS_OK) return st;
  if (!inRange(kOff, kLen) || !inRange(topcOff, TOPC_LEN) || !inRange(randOff, RAND_LEN) ||
    !inRange(sqnOff, SQN_LEN) || !inRange(amfOff, AMF_LEN)) return STATUS_ERR_RANGE;
  let k = inPtr(kOff), topc = inPtr(topcOff), rand = inPtr(randOff), sqn = inPtr(sqnOff), amf = inPtr(amfOff);
  tuakF1(topc, k, kLen, rand, sqn, amf, tMac(params), tIter(params), false, outPtr(OUT_MAC_A_OFF));
  tuakF1(topc, k, kLen, rand, sqn, amf, tMac(params), tIter(params), true, outPtr(OUT_MAC_S_OFF));
  return wipeWorkAnd(STATUS_OK);
}

export function tuak_f2345(kOff: u32, kLen: u32, topcOff: u32, randOff: u32, params: u32): i32 {
  let st = tuakStatus(kLen, params);
  if (st != STATUS_OK) return st;
  if (!inRange(kOff, kLen) || !inRange(topcOff, TOPC_LEN) || !inRange(randOff, RAND_LEN)) return STATUS_ERR_RANGE;
  let k = inPtr(kOff), topc = inPtr(topcOff), rand = inPtr(randOff);
  tuakF2345(topc, k, kLen, rand, tRes(params), tCk(params), tIk(params), tIter(params),
    outPtr(OUT_RES_OFF), outPtr(OUT_CK_OFF), outPtr(OUT_IK_OFF), outPtr(OUT_AK_OFF));
  tuakF5Star(topc, k, kLen, rand, tIter(params), outPtr(OUT_AK_STAR_OFF));
  return wipeWorkAnd(STATUS_OK);
}

// ---------------------------------------------------------------------------------------------
// The card's algorithm, as personalised (K, OPc/TOPc and lengths from PERSIST)

// @ts-ignore: decorator
@inline function isTuak(): bool { return persistU8(P_ALGO) == ALGO_TUAK; }
// @ts-ignore: decorator
@inline function cardK(): usize { return PERSIST_PTR + P_K; }
// @ts-ignore: decorator
@inline function cardOpc(): usize { return PERSIST_PTR + P_OPC; }

/** f2, f3, f4, f5 of the card: RES, CK, IK, AK into WORK (MILENAGE: needs W_RK expanded). */
function cardF2345(rand: usize): void {
  if (isTuak()) {
    tuakF2345(cardOpc(), cardK(), persistU8(P_K_LEN), rand, persistU8(P_RES_LEN), persistU8(P_CK_LEN), persistU8(P_IK_LEN),
      persistU8(P_ITERATIONS), W_RES, W_CK, W_IK, W_AK);
  } else {
    milenageF2345(W_RK, cardOpc(), rand, W_RES, W_CK, W_IK, W_AK, 0);
  }
}

/** f1 (star = false) or f1* (star = true) of the card into `out`. */
function cardF1(rand: usize, sqn: usize, amf: usize, star: bool, out: usize): void {
  if (isTuak()) {
    tuakF1(cardOpc(), cardK(), persistU8(P_K_LEN), rand, sqn, amf, persistU8(P_MAC_LEN), persistU8(P_ITERATIONS), star, out);
  } else if (star) {
    milenageF1(W_RK, cardOpc(), rand, sqn, amf, 0, out);
  } else {
    milenageF1(W_RK, cardOpc(), rand, sqn, amf, out, 0);
  }
}

/** f5* of the card into W_AK_STAR. */
function cardF5Star(rand: usize): void {
  if (isTuak()) tuakF5Star(cardOpc(), cardK(), persistU8(P_K_LEN), rand, persistU8(P_ITERATIONS), W_AK_STAR);
  else milenageF2345(W_RK, cardOpc(), rand, 0, 0, 0, 0, W_AK_STAR);
}

// ---------------------------------------------------------------------------------------------
// Card exports

export function usim_personalise(algo: u32, kOff: u32, kLen: u32, opcOff: u32, opcIsOp: u32, params: u32): i32 {
  if (persistU8(P_PERSONALISED) != 0) return STATUS_ERR_STATE;
  let tuak = algo == ALGO_TUAK;
  let iter = tuak ? tIter(params) : 0, mac = tuak ? tMac(params) : 8, res = tuak ? tRes(params) : 8;
  let ck = tuak ? tCk(params) : 16, ik = tuak ? tIk(params) : 16;
  let st = configStatus(algo, kLen, iter, mac, res, ck, ik);
  if (st != STATUS_OK) return st;
  if (!tuak && params != 0) return STATUS_ERR_VALUE;
  if (opcIsOp > 1) return STATUS_ERR_VALUE;
  let opcLen = tuak ? TOPC_LEN : OPC_LEN;
  if (!inRange(kOff, kLen) || !inRange(opcOff, opcLen)) return STATUS_ERR_RANGE;

  // Checks passed: write the personalisation (PERSIST is all zero on a card that is not personalised).
  let p = PERSIST_PTR;
  wipe(p, PERSIST_LEN);
  store<u8>(p + P_FORMAT, PERSIST_FORMAT_1);
  store<u8>(p + P_ALGO, <u8>algo);
  store<u8>(p + P_K_LEN, <u8>kLen);
  store<u8>(p + P_ITERATIONS, <u8>iter);
  store<u8>(p + P_MAC_LEN, <u8>mac);
  store<u8>(p + P_RES_LEN, <u8>res);
  store<u8>(p + P_CK_LEN, <u8>ck);
  store<u8>(p + P_IK_LEN, <u8>ik);
  store<u8>(p + P_IND_BITS, <u8>DEFAULT_IND_BITS);
  store<u64>(p + P_DELTA, DEFAULT_DELTA);
  copy(p + P_K, inPtr(kOff), kLen);
  if (opcIsOp == 0) copy(p + P_OPC, inPtr(opcOff), opcLen);
  else if (tuak) tuakTopc(inPtr(opcOff), cardK(), kLen, iter, p + P_OPC); // TS 35.231 6.1
  else {
    aesExpandKey(cardK(), W_RK);
    milenageOpc(W_RK, inPtr(opcOff), p + P_OPC);                                    // TS 35.206 4.1
  }
  store<u8>(p + P_PERSONALISED, 1);
  // K and OP(c) must not stay in the mailbox.
  wipe(inPtr(kOff), kLen);
  wipe(inPtr(opcOff), opcLen);
  return wipeWorkAnd(STATUS_OK);
}

export function usim_configure_sqn(indBits: u32, deltaLo: u32, deltaHi: u32, ageLo: u32, ageHi: u32): i32 {
  if (persistU8(P_PERSONALISED) == 0) return STATUS_ERR_STATE;
  let delta = (<u64>deltaHi << 32) | <u64>deltaLo;
  let age = (<u64>ageHi << 32) | <u64>ageLo;
  if (indBits > IND_BITS_MAX || delta == 0 || delta > SQN_MAX || age > SQN_MAX) return STATUS_ERR_VALUE;
  // Changing the IND length re-indexes the array: only before any SQN has been accepted.
  if (indBits != persistU8(P_IND_BITS) && sqnMs() != 0) return STATUS_ERR_STATE;
  store<u8>(PERSIST_PTR + P_IND_BITS, <u8>indBits);
  store<u64>(PERSIST_PTR + P_DELTA, delta);
  store<u64>(PERSIST_PTR + P_AGE_LIMIT, age);
  return STATUS_OK;
}

export function usim_authenticate(randOff: u32, autnOff: u32, autnLen: u32): i32 {
  if (persistU8(P_PERSONALISED) == 0) return STATUS_ERR_STATE;
  let macLen = persistU8(P_MAC_LEN);
  // AUTN = SQN ⊕ AK ‖ AMF ‖ MAC (TS 33.102 6.3.2)
  if (autnLen != SQN_LEN + AMF_LEN + macLen) return STATUS_ERR_LENGTH;
  if (!inRange(randOff, RAND_LEN) || !inRange(autnOff, autnLen)) return STATUS_ERR_RANGE;
  let rand = inPtr(randOff), autn = inPtr(autnOff);
  if (!isTuak()) aesExpandKey(cardK(), W_RK);

  // "Upon receipt of RAND and AUTN the USIM first computes the anonymity key AK = f5K(RAND)
  //  and retrieves the sequence number SQN = (SQN ⊕ AK) ⊕ AK." (TS 33.102 6.3.3)
  cardF2345(rand);
  for (let i: usize = 0; i < SQN_LEN; i++) store<u8>(W_SQN + i, load<u8>(autn + i) ^ load<u8>(W_AK + i));

  // "Next the USIM computes XMAC = f1K(SQN || RAND || AMF) and compares this with MAC which is
  //  included in AUTN. If they are different, the user sends user authentication reject."
  cardF1(rand, W_SQN, autn + SQN_LEN, false, W_XMAC);
  if (!equalCt(W_XMAC, autn + SQN_LEN + AMF_LEN, macLen)) return wipeWorkAnd(STATUS_ERR_MAC);

  // "Next the USIM verifies that the received sequence number SQN is in the correct range."
  let sqn = loadSqn(W_SQN);
  if (!sqnIsFresh(sqn)) {
    // "If the USIM considers the sequence number to be not in the correct range, it sends
    //  synchronisation failure back to the VLR/SGSN including an appropriate parameter AUTS":
    //  AUTS = Conc(SQN_MS) ‖ MAC-S, MAC-S = f1*K(SQN_MS || RAND || AMF), AMF = 0x0000.
    cardF5Star(rand);
    storeSqn(W_SQN, sqnMs());
    cardF1(rand, W_SQN, W_AMF_ZERO, true, W_MAC_S);
    store<u8>(outPtr(OUT_AUTS_LEN_OFF), <u8>(SQN_LEN + macLen));
    autsAssemble(outPtr(OUT_AUTS_OFF), W_AK_STAR, W_MAC_S, macLen);
    return wipeWorkAnd(STATUS_ERR_SYNC);
  }

  // "If the sequence number is considered to be in the correct range however, the USIM computes
  //  RES = f2K(RAND)" ... CK = f3K(RAND), IK = f4K(RAND); the SQN array is updated (C.2.2).
  sqnAccept(sqn);
  let resLen = persistU8(P_RES_LEN), ckLen = persistU8(P_CK_LEN), ikLen = persistU8(P_IK_LEN);
  store<u8>(outPtr(OUT_RES_LEN_OFF), <u8>resLen);
  store<u8>(outPtr(OUT_CK_LEN_OFF), <u8>ckLen);
  store<u8>(outPtr(OUT_IK_LEN_OFF), <u8>ikLen);
  copy(outPtr(OUT_RES_OFF), W_RES, resLen);
  copy(outPtr(OUT_CK_OFF), W_CK, ckLen);
  copy(outPtr(OUT_IK_OFF), W_IK, ikLen);
  return wipeWorkAnd(STATUS_OK);
}

/** True when the 384 bytes at `img` are a blank image or a consistent FORMAT 1 image. */
function imageValid(img: usize): bool {
  let format = load<u8>(img + P_FORMAT);
  if (format == 0) {
    for (let i: usize = 0; i < PERSIST_LEN; i++) if (load<u8>(img + i) != 0) return false;
    return true;
  }
  if (format != PERSIST_FORMAT_1 || load<u8>(img + P_PERSONALISED) != 1) return false;
  let algo = <u32>load<u8>(img + P_ALGO), kLen = <u32>load<u8>(img + P_K_LEN);
  if (configStatus(algo, kLen, load<u8>(img + P_ITERATIONS), load<u8>(img + P_MAC_LEN), load<u8>(img + P_RES_LEN),
    load<u8>(img + P_CK_LEN), load<u8>(img + P_IK_LEN)) != STATUS_OK) return false;
  let b = <u32>load<u8>(img + P_IND_BITS);
  if (b > IND_BITS_MAX) return false;
  let delta = load<u64>(img + P_DELTA);
  if (delta == 0 || delta > SQN_MAX || load<u64>(img + P_AGE_LIMIT) > SQN_MAX) return false;
  // Reserved bytes, the unused tail of K, and of OPc (MILENAGE) are zero.
  let opcLen = algo == ALGO_TUAK ? TOPC_LEN : OPC_LEN;
  for (let i: usize = 0; i < PERSIST_LEN; i++) {
    let reserved = (i >= P_RESERVED && i < P_DELTA) || i >= P_RESERVED_TAIL ||
      (i >= P_K + kLen && i < P_OPC) || (i >= P_OPC + opcLen && i < P_OPC + 32);
    if (reserved && load<u8>(img + i) != 0) return false;
  }
  return sqnStateValid(img, b);
}

export function usim_restore(off: u32, len: u32): i32 {
  if (persistU8(P_PERSONALISED) != 0) return STATUS_ERR_STATE;
  if (len != PERSIST_LEN) return STATUS_ERR_LENGTH;
  if (!inRange(off, len)) return STATUS_ERR_RANGE;
  if (!imageValid(inPtr(off))) return STATUS_ERR_FORMAT;
  copy(PERSIST_PTR, inPtr(off), PERSIST_LEN);
  wipe(inPtr(off), PERSIST_LEN);
  return STATUS_OK;
}

export function usim_factory_reset(): i32 {
  wipe(PERSIST_PTR, PERSIST_LEN);
  usim_clear();
  return wipeWorkAnd(STATUS_OK);
}

export function usim_clear(): i32 {
  wipe(IO_IN_PTR, IO_IN_LEN);
  wipe(IO_OUT_PTR, IO_OUT_LEN);
  return STATUS_OK;
}
