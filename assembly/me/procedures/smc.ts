// UE handling of the SECURITY MODE COMMAND (TS 24.501 5.4.2.3 / 5.4.2.5, TS 33.501 6.7.2 and
// 6.9.3 with the change seed 000 proposes (not in the published text)). The banners below follow the
// order of the checks in those clauses.
import { NAS_MSG_PTR, IO_OUT_PTR, UE_STATE_PTR, INITIAL_MSG_PTR } from "../memory";
import { STATUS_OK, STATUS_ERR_FORMAT, STATUS_ERR_COUNT_WRAP } from "../../lib/status";
import {
  SLOT_CURRENT, SLOT_NEW, SLOT_NON_CURRENT, SLOT_MAPPED, SLOT_CAND, CTX_FULL_NATIVE, CTX_PARTIAL_NATIVE, CTX_MAPPED,
  OFF_TYPE, OFF_KAMF, OFF_EPS_ALGS, OFF_KGNB, OFF_NCC, slotPtr, ctxType, ctxNgKsi, ctxUsable, ctxInit, ctxCopy,
  ctxWipe, ctxSelectAlgorithms, ctxActivate,
} from "../context/slots";
import { ulCount, setCounts } from "../nas/count";
import { protect, unprotect, EPD_5GMM, SHT_INTEGRITY_NEW_CTX, SHT_INTEGRITY_CIPHERED, SHT_INTEGRITY_CIPHERED_NEW_CTX, SEC_HEADER_LEN } from "../nas/protect";
import { deriveKamfPrime, deriveKgnb } from "../kdf/annex_a";
import { DIRECTION_IDLE_UL } from "../kdf/fc";
import { NAS_ALG_NULL, NAS_ALG_ZUC } from "../nas/algorithms";
import {
  CAPS_LEN_OFF, CAPS_OFF, IMEISV_LEN_OFF, IMEISV_OFF, INITIAL_LEN_OFF, ABBA_LEN_OFF, ABBA_OFF, ABBA_MAX,
  FLAG_EMERGENCY, FLAG_REGISTERING, FLAG_REG_COUNT, FLAG_OLD_KEPT, FLAG_REAUTH_REQUIRED, ueFlag, setUeFlag, regUlCount,
} from "../context/ue-state";
import { copy, wipe, equalCt, loadBe16, storeBe16 } from "../../lib/util";

// 5GMM message types (TS 24.501 9.7) and IEIs of the SECURITY MODE COMMAND (8.2.25)
export const MSG_SECURITY_MODE_COMMAND: u8 = 0x5d;
export const MSG_SECURITY_MODE_COMPLETE: u8 = 0x5e;
export const MSG_SECURITY_MODE_REJECT: u8 = 0x5f;
const IEI_IMEISV_REQUEST: u32 = 0xe0;          // type 1, high nibble
const IEI_SELECTED_EPS_ALGS: u32 = 0x57;
const IEI_ADDITIONAL_5G_SEC_INFO: u32 = 0x36;
const IEI_ABBA: u32 = 0x38;
const IEI_EAP_MESSAGE: u32 = 0x78;             // TLV-E
const IEI_IMEISV: u8 = 0x77;                   // 5GS mobile identity, TLV-E (SMC Complete)
const IEI_NAS_MESSAGE_CONTAINER: u8 = 0x71;    // TLV-E (SMC Complete)
// 5GMM causes (TS 24.501 9.11.3.2)
export const CAUSE_UE_SEC_CAP_MISMATCH: u8 = 23;
export const CAUSE_SEC_MODE_REJECTED_UNSPECIFIED: u8 = 24;

// Outcome record at IO_OUT[0..16); the response message follows at IO_OUT + 16.
export const SMC_OUT_RESULT: usize = 0;      // 0 = SECURITY MODE COMPLETE, 1 = SECURITY MODE REJECT
export const SMC_OUT_CAUSE: usize = 1;
export const SMC_OUT_FLAGS: usize = 2;       // SMC_F_*
export const SMC_OUT_NGKSI: usize = 3;
export const SMC_OUT_RESP_LEN: usize = 4;    // u32
export const SMC_OUT_DL_COUNT: usize = 8;    // u32: DL NAS COUNT the SMC verified with
export const SMC_OUT_UL_COUNT: usize = 12;   // u32: UL NAS COUNT of the response
export const SMC_OUT_RESP: usize = 16;
export const SMC_F_HDP: u8 = 0x01;
export const SMC_F_RINMR: u8 = 0x02;
export const SMC_F_IMEISV_REQUESTED: u8 = 0x04;
export const SMC_F_NEW_KAMF: u8 = 0x08;
export const SMC_F_EPS_ALGS: u8 = 0x10;
export const SMC_F_OLD_KEPT: u8 = 0x20;

const NO_COUNT: u32 = 0xffffffff;

/**
 * Process a SECURITY MODE COMMAND (`len` octets at `msg`, security header included) received on
 * `access`. Results:
 *  - STATUS_OK: a response was built at IO_OUT + 16 (COMPLETE with the new context, or REJECT
 *    with the previous one), outcome record at IO_OUT[0..16);
 *  - STATUS_ERR_MAC / STATUS_ERR_REPLAY: the integrity check failed; the message is discarded
 *    and no state changed (no slot, COUNT or flag);
 *  - STATUS_ERR_FORMAT: not a well-formed SMC; discarded, nothing changed;
 *  - STATUS_ERR_COUNT_WRAP: a REJECT would need a spent UL COUNT; the UE releases the NAS
 *    connection instead (TS 33.501 6.7.2 NOTE 3); nothing changed.
 */
export function smcProcess(msg: usize, len: u32, access: u32): i32 {
  // ---- Security protected header: SHT 3 "integrity protected with new 5G NAS security context"
  if (len < SEC_HEADER_LEN + 6 || load<u8>(msg) != EPD_5GMM || <u32>load<u8>(msg + 1) != SHT_INTEGRITY_NEW_CTX) return STATUS_ERR_FORMAT;
  const p = msg + SEC_HEADER_LEN, n = len - SEC_HEADER_LEN;
  if (load<u8>(p) != EPD_5GMM || load<u8>(p + 1) != 0 || load<u8>(p + 2) != MSG_SECURITY_MODE_COMMAND) return STATUS_ERR_FORMAT;

  // ---- Mandatory IEs: selected NAS security algorithms, ngKSI (+ spare half octet), replayed
  //      UE security capabilities (LV)
  const algs = <u32>load<u8>(p + 3);
  const nea = algs >> 4, nia = algs & 0x0f;
  const ngKsi = <u32>load<u8>(p + 4) & 0x0f;
  const capsLen = <u32>load<u8>(p + 5);
  if (capsLen < 2 || <u32>6 + capsLen > n) return STATUS_ERR_FORMAT;
  const caps = p + 6;

  // ---- Optional IEs (unknown ones are skipped: TS 24.007 comprehension rules)
  let imeisvRequested = false, hdp = false, rinmr = false, epsAlgs: i32 = -1;
  let abba: usize = 0, abbaLen: u32 = 0;
  let i: u32 = <u32>6 + capsLen;
  while (i < n) {
    const iei = <u32>load<u8>(p + i);
    if ((iei & 0xf0) == IEI_IMEISV_REQUEST) { imeisvRequested = (iei & 0x07) == 1; i += 1; continue; }
    if (iei & 0x80) { i += 1; continue; } // other type 1/2 IEs
    if (iei == IEI_SELECTED_EPS_ALGS) { if (i + 2 > n) return STATUS_ERR_FORMAT; epsAlgs = <i32>load<u8>(p + i + 1); i += 2; continue; }
    if (iei == IEI_EAP_MESSAGE || (iei & 0xf0) == 0x70) { // TLV-E
      if (i + 3 > n) return STATUS_ERR_FORMAT;
      const l = loadBe16(p + i + 1);
      if (i + 3 + l > n) return STATUS_ERR_FORMAT;
      i += 3 + l; continue;
    }
    if (i + 2 > n) return STATUS_ERR_FORMAT;
    const l = <u32>load<u8>(p + i + 1);
    if (i + 2 + l > n) return STATUS_ERR_FORMAT;
    if (iei == IEI_ADDITIONAL_5G_SEC_INFO) {
      if (l < 1) return STATUS_ERR_FORMAT;
      const v = <u32>load<u8>(p + i + 2);
      hdp = (v & 0x01) != 0;   // bit 1: HDP, "K_AMF_change_flag"
      rinmr = (v & 0x02) != 0; // bit 2: RINMR
    } else if (iei == IEI_ABBA) {
      if (l < 2 || l > ABBA_MAX) return STATUS_ERR_FORMAT;
      abba = p + i + 2; abbaLen = l;
    }
    i += 2 + l;
  }
  let flags: u8 = (hdp ? SMC_F_HDP : 0) | (rinmr ? SMC_F_RINMR : 0) | (imeisvRequested ? SMC_F_IMEISV_REQUESTED : 0) | (epsAlgs >= 0 ? SMC_F_EPS_ALGS : 0);

  // ---- Which KAMF: HDP = 1 → KAMF′ from "the current active KAMF identified by the received
  //      ngKSI" (6.9.3), which keeps that ngKSI; otherwise the context the received ngKSI
  //      identifies (a new partial native one, the current one, the non-current native one while
  //      a mapped context is current, or a mapped one). After SRVCC to UTRAN CS only a context
  //      from a new 5G AKA may be taken into use (J.1).
  const cur = slotPtr(SLOT_CURRENT), cand = slotPtr(SLOT_CAND);
  let source = SLOT_CAND; // slot the candidate is made from (CAND itself: from nothing)
  let fresh = false;    // a new KAMF: COUNTs start at 0
  if (nea > NAS_ALG_ZUC || nia > NAS_ALG_ZUC || (nia == NAS_ALG_NULL && !ueFlag(FLAG_EMERGENCY))) {
    return reject(CAUSE_SEC_MODE_REJECTED_UNSPECIFIED, flags, ngKsi, access); // unsupported / not allowed algorithm
  }
  const reauth = ueFlag(FLAG_REAUTH_REQUIRED);
  if (hdp) {
    if (!ctxUsable(cur) || reauth || !ueFlag(FLAG_REG_COUNT) || ctxNgKsi(cur) != ngKsi) return reject(CAUSE_SEC_MODE_REJECTED_UNSPECIFIED, flags, ngKsi, access);
    // KAMF′ = KDF(KAMF, 0x72, DIRECTION 0x00, UL NAS COUNT of the Registration Request) — the
    // COUNT that protected that message, not the COUNT after it.
    ctxInit(cand, CTX_FULL_NATIVE, ngKsi, cur + OFF_KAMF);
    deriveKamfPrime(cur + OFF_KAMF, DIRECTION_IDLE_UL, regUlCount(), cand + OFF_KAMF);
    source = SLOT_CURRENT; fresh = true;
  } else if (nia == NAS_ALG_NULL && nea == NAS_ALG_NULL && ngKsi == 0) {
    // Emergency (5G-IA0 passed the check above only with FLAG_EMERGENCY): ngKSI 000 with 5G-IA0
    // and 5G-EA0 → a locally generated KAMF (TS 24.501 5.4.2.3, TS 33.501 10.2.x). Nothing is
    // protected with it, so its value is all zero (a modelling choice); it is never stored.
    ctxInit(cand, CTX_FULL_NATIVE, 0, cand + OFF_KAMF);
    fresh = true;
  } else if (ctxType(slotPtr(SLOT_NEW)) == CTX_PARTIAL_NATIVE && ctxNgKsi(slotPtr(SLOT_NEW)) == ngKsi) {
    ctxCopy(SLOT_CAND, SLOT_NEW); store<u8>(cand + OFF_TYPE, CTX_FULL_NATIVE);
    source = SLOT_NEW; fresh = true;
  } else if (!reauth && ctxUsable(cur) && ctxNgKsi(cur) == ngKsi) {
    ctxCopy(SLOT_CAND, SLOT_CURRENT);
    source = SLOT_CURRENT;
  } else if (!reauth && ctxType(cur) == CTX_MAPPED && ctxType(slotPtr(SLOT_NON_CURRENT)) == CTX_FULL_NATIVE && ctxNgKsi(slotPtr(SLOT_NON_CURRENT)) == ngKsi) {
    ctxCopy(SLOT_CAND, SLOT_NON_CURRENT);
    source = SLOT_NON_CURRENT;
  } else if (!reauth && ctxType(slotPtr(SLOT_MAPPED)) == CTX_MAPPED && ctxNgKsi(slotPtr(SLOT_MAPPED)) == ngKsi) {
    ctxCopy(SLOT_CAND, SLOT_MAPPED);
    source = SLOT_MAPPED; fresh = true;
  } else {
    return reject(CAUSE_SEC_MODE_REJECTED_UNSPECIFIED, flags, ngKsi, access); // unknown ngKSI
  }
  // The locally generated KAMF (all zero here) is no key the AMF holds: an SMC that selects a
  // non-null algorithm with it, or with a KAMF′ derived from it (HDP), can only be forged, and
  // accepting it would let anyone protect NAS messages for this UE. It serves 5G-IA0/5G-EA0 only
  // (TS 24.501 5.4.2.3; TS 33.501 10.2.2: the null algorithms are for unauthenticated emergency).
  if ((nia | nea) != NAS_ALG_NULL && isLocalKamf(hdp ? cur + OFF_KAMF : cand + OFF_KAMF)) {
    ctxWipe(SLOT_CAND);
    return reject(CAUSE_SEC_MODE_REJECTED_UNSPECIFIED, flags, ngKsi, access);
  }
  if (fresh) { setCounts(cand, 1, 0, 0, false); setCounts(cand, 2, 0, 0, false); }
  ctxSelectAlgorithms(cand, nea, nia);

  // ---- Integrity check with the (new) KNASint; a failure discards the message, nothing changes
  const status = unprotect(cand, access, msg, len, NAS_MSG_PTR, IO_OUT_PTR + SMC_OUT_DL_COUNT, true);
  if (status != STATUS_OK) {
    ctxWipe(SLOT_CAND); // unprotect wrote nothing else on failure
    // REPLAY, COUNT_WRAP or MAC: its STATE and FORMAT outcomes cannot occur here (the candidate is
    // a full native or mapped context, and the header was checked above)
    return status;
  }
  const smcDlCount = load<u32>(IO_OUT_PTR + SMC_OUT_DL_COUNT);
  wipe(NAS_MSG_PTR, len);

  // ---- Replayed UE security capabilities must equal what the UE sent → else #23
  if (capsLen != <u32>load<u8>(UE_STATE_PTR + CAPS_LEN_OFF) || !equalCt(caps, UE_STATE_PTR + CAPS_OFF, capsLen)) {
    ctxWipe(SLOT_CAND);
    return reject(CAUSE_UE_SEC_CAP_MISMATCH, flags, ngKsi, access);
  }

  // ---- Accepted. A new KAMF: UL and DL NAS COUNTs restart at 0 (the SMC itself used DL 0).
  if (fresh) setCounts(cand, access, 0, smcDlCount, true);
  if (epsAlgs >= 0) store<u8>(cand + OFF_EPS_ALGS, <u8>epsAlgs);
  // Initial KgNB (or KN3IWF) = A.9(KAMF, UL NAS COUNT of the SECURITY MODE COMPLETE), NCC 0.
  deriveKgnb(cand + OFF_KAMF, ulCount(cand, access), access, cand + OFF_KGNB);
  store<u8>(cand + OFF_NCC, 0);

  // Build the SECURITY MODE COMPLETE before any slot moves, so a spent COUNT changes nothing.
  // It always fits NAS_MSG and IO_OUT: at most 3 + (3 + IMEISV_MAX 15) + (3 + INITIAL_MSG_LEN
  // 1024) = 1,048 octets (ue_configure and registration_request refuse longer inputs), so the
  // response ends at IO_OUT + 16 + 7 + 1,048 of 4,096.
  const plainLen = buildComplete(imeisvRequested, rinmr);
  const ulOfComplete = ulCount(cand, access);
  const ps = protect(cand, access, SHT_INTEGRITY_CIPHERED_NEW_CTX, NAS_MSG_PTR, plainLen, IO_OUT_PTR + SMC_OUT_RESP);
  wipe(NAS_MSG_PTR, plainLen);
  if (ps != STATUS_OK) { ctxWipe(SLOT_CAND); return ps; }
  // The ABBA is UE state: stored only once nothing can fail (a refused SMC changes no state).
  if (abbaLen > 0) { store<u8>(UE_STATE_PTR + ABBA_LEN_OFF, <u8>abbaLen); copy(UE_STATE_PTR + ABBA_OFF, abba, abbaLen); }

  // ---- Take the new context into use (context/slots.ts ctxActivate holds the TS 33.501 6.2.3
  //      lifecycle rules). Which current context is kept as the non-current one:
  const newKamf = fresh || source == SLOT_NON_CURRENT;
  if (newKamf) flags |= SMC_F_NEW_KAMF;
  let keepOld = false;
  if (source == SLOT_MAPPED && ctxType(cur) == CTX_FULL_NATIVE) {
    // a mapped context becomes current; the native one stays as the non-current native context
    // (TS 33.501 6.2.3.2: a current context may coexist with one non-current native context)
    keepOld = true;
  } else if (source != SLOT_NON_CURRENT && newKamf && ctxUsable(cur) && ueFlag(FLAG_REGISTERING) && !reauth) {
    // a new KAMF during a registration: the old context is KEPT until the registration completes
    // (6.9.3 with seed 000's change). After SRVCC (reauth) the pre-SRVCC context is not kept: a
    // failed registration must not bring it back (J.1).
    keepOld = true; setUeFlag(FLAG_OLD_KEPT, true); flags |= SMC_F_OLD_KEPT;
  }
  if (source == SLOT_NEW) setUeFlag(FLAG_REAUTH_REQUIRED, false); // a new authentication ran
  ctxActivate(source, keepOld);

  return outcome(0, 0, flags, ngKsi, plainLen + SEC_HEADER_LEN, smcDlCount, ulOfComplete);
}

/** Write the outcome record at IO_OUT[0..16) (layout above; one writer for both outcomes). */
function outcome(result: u32, cause: u32, flags: u32, ngKsi: u32, respLen: u32, dl: u32, ul: u32): i32 {
  // SMC_OUT_RESULT, _CAUSE, _FLAGS, _NGKSI are the octets 0..3: one little-endian word
  store<u32>(IO_OUT_PTR + SMC_OUT_RESULT, result | cause << 8 | flags << 16 | ngKsi << 24);
  store<u32>(IO_OUT_PTR + SMC_OUT_RESP_LEN, respLen);
  store<u32>(IO_OUT_PTR + SMC_OUT_DL_COUNT, dl);
  store<u32>(IO_OUT_PTR + SMC_OUT_UL_COUNT, ul);
  return STATUS_OK;
}

/** Whether the 32-octet KAMF at `kamf` is the emergency SMC's locally generated one (all zero). */
function isLocalKamf(kamf: usize): bool {
  return (load<u64>(kamf) | load<u64>(kamf + 8) | load<u64>(kamf + 16) | load<u64>(kamf + 24)) == 0;
}

/** SECURITY MODE COMPLETE (8.2.26) in NAS_MSG: header, IMEISV (0x77) if requested, the NAS
 *  message container (0x71) with the whole initial message when RINMR = 1 or when that message
 *  went out without security. Returns its length. */
function buildComplete(imeisvRequested: bool, rinmr: bool): u32 {
  const b = NAS_MSG_PTR;
  store<u8>(b, EPD_5GMM); store<u8>(b + 1, 0); store<u8>(b + 2, MSG_SECURITY_MODE_COMPLETE);
  let n: u32 = 3;
  const imeisvLen = <u32>load<u8>(UE_STATE_PTR + IMEISV_LEN_OFF);
  if (imeisvRequested && imeisvLen > 0) {
    store<u8>(b + n, IEI_IMEISV); storeBe16(b + n + 1, imeisvLen);
    copy(b + n + 3, UE_STATE_PTR + IMEISV_OFF, imeisvLen);
    n += 3 + imeisvLen;
  }
  const initialLen = load<u32>(UE_STATE_PTR + INITIAL_LEN_OFF);
  if (initialLen > 0 && (rinmr || !ueFlag(FLAG_REG_COUNT))) {
    store<u8>(b + n, IEI_NAS_MESSAGE_CONTAINER); storeBe16(b + n + 1, initialLen);
    copy(b + n + 3, INITIAL_MSG_PTR, initialLen);
    n += 3 + initialLen;
  }
  return n;
}

/** SECURITY MODE REJECT (8.2.27) for an SMC that failed its integrity check (the host parsed the
 *  cause: #23 or #24, TS 24.501 5.4.2.5); built like every other reject, so it is protected with
 *  the previous context when one may be used (TS 33.501 6.7.2). Same outcome record. */
export function smcReject(cause: u8, access: u32): i32 {
  return reject(cause, 0, 7, access);
}

/** SECURITY MODE REJECT (8.2.27) with a 5GMM cause. TS 33.501 6.7.2: "The NAS Security Mode Reject
 *  message … shall be protected with the previous, if any, 5G NAS security context, i.e., the 5G
 *  NAS security context used prior to the failed NAS Security Mode Command message. If no 5G NAS
 *  security context existed prior …, the NAS Security Mode Reject message shall remain
 *  unprotected." After SRVCC to UTRAN CS the old context is no longer one the UE may use (J.1:
 *  re-authentication first), so it does not count as a previous context: plain. */
function reject(cause: u8, flags: u8, ngKsi: u32, access: u32): i32 {
  const b = NAS_MSG_PTR;
  store<u8>(b, EPD_5GMM); store<u8>(b + 1, 0); store<u8>(b + 2, MSG_SECURITY_MODE_REJECT); store<u8>(b + 3, cause);
  const cur = slotPtr(SLOT_CURRENT);
  let respLen: u32 = 4, ul: u32 = NO_COUNT;
  if (ctxUsable(cur) && !ueFlag(FLAG_REAUTH_REQUIRED)) {
    ul = ulCount(cur, access);
    const s = protect(cur, access, SHT_INTEGRITY_CIPHERED, b, 4, IO_OUT_PTR + SMC_OUT_RESP);
    if (s != STATUS_OK) { wipe(b, 4); return STATUS_ERR_COUNT_WRAP; }
    respLen = 4 + SEC_HEADER_LEN;
  } else {
    copy(IO_OUT_PTR + SMC_OUT_RESP, b, 4);
  }
  wipe(b, 4);
  return outcome(1, cause, flags, ngKsi, respLen, NO_COUNT, ul);
}
