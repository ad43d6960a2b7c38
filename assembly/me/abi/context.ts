// Exports of the security-context layer: installing, reading and retiring context slots, the UE
// configuration, NAS message protection with COUNTs, the SMC and the registration outcome.
// Offsets are relative to IO_IN; results at IO_OUT as each export documents.
import { IO_IN_LEN, IO_OUT_PTR, IO_OUT_LEN, UE_STATE_PTR, UE_STATE_LEN, SRVCC_CTX_PTR, SRVCC_CTX_LEN } from "../memory";
import { STATUS_OK, STATUS_ERR_RANGE, STATUS_ERR_LENGTH, STATUS_ERR_VALUE, STATUS_ERR_ALGORITHM, STATUS_ERR_STATE } from "../../lib/status";
import { inMailbox, inPtr } from "./check";
import {
  SLOT_CURRENT, SLOT_MAPPED, SLOT_COUNT, CTX_SIZE, CTX_PARTIAL_NATIVE, CTX_FULL_NATIVE, CTX_MAPPED, NGKSI_TSC_MAPPED, KSI_NO_KEY, slotPtr, ctxInit,
  ctxSelectAlgorithms, ctxWipe, ctxUsable,
} from "../context/slots";
import { setCounts, ulCount, NAS_COUNT_MAX } from "../nas/count";
import { protect, unprotect, SEC_HEADER_LEN } from "../nas/protect";
import { smcProcess, smcReject, CAUSE_UE_SEC_CAP_MISMATCH, CAUSE_SEC_MODE_REJECTED_UNSPECIFIED } from "../procedures/smc";
import { registrationRequest, registrationOutcome } from "../procedures/registration";
import { CAPS_LEN_OFF, CAPS_OFF, CAPS_MIN, CAPS_MAX, IMEISV_LEN_OFF, IMEISV_OFF, IMEISV_MAX, FLAGS_OFF, FLAG_EMERGENCY, FLAG_REAUTH_REQUIRED, ueFlag } from "../context/ue-state";
import { NAS_ALG_ZUC } from "../nas/algorithms";
import { copy, wipe } from "../../lib/util";
import { IO_IN_PTR } from "../memory";

/** ctx_read's slot number of the mapped SRVCC (CS) context. */
const SRVCC_SLOT: u32 = 5;
/** Size of one context slot (bytes returned by ctx_read). */
export const CTX_SLOT_SIZE: u32 = CTX_SIZE;
/** Protect/unprotect/registration results: [0] u32 length, [4] u32 COUNT, message at +16. */
export const NAS_OUT_MSG_OFF: u32 = 16;

// @ts-ignore: decorator
@inline function validSlot(slot: u32): bool { return slot <= SLOT_MAPPED; } // CAND is internal
// @ts-ignore: decorator
@inline function validAccess(access: u32): bool { return access == 1 || access == 2; }

/**
 * Install a context in `slot` (0 CURRENT, 1 NEW, 2 NON_CURRENT, 3 MAPPED) from a KAMF at
 * IO_IN[kamfOff..+32): type 1 partial native (from primary authentication; `algs` ignored),
 * 2 full native or 3 mapped (NAS keys derived for `algs` = NEA id << 4 | NIA id). COUNTs start
 * at 0 (ctx_set_counts restores stored ones). ngKSI: 4 bits, KSI 111 is not a key; TSC must
 * match the type. The KAMF is wiped from the mailbox after it is copied.
 */
export function ctx_install(slot: u32, kamfOff: u32, ngKsi: u32, algs: u32, type: u32): i32 {
  if (!inMailbox(kamfOff, 32)) return STATUS_ERR_RANGE;
  if (!validSlot(slot) || ngKsi > 15 || (ngKsi & 7) == KSI_NO_KEY || type < <u32>CTX_PARTIAL_NATIVE || type > <u32>CTX_MAPPED) return STATUS_ERR_VALUE;
  if (((ngKsi & NGKSI_TSC_MAPPED) != 0) != (type == <u32>CTX_MAPPED)) return STATUS_ERR_VALUE;
  if (type != <u32>CTX_PARTIAL_NATIVE && ((algs >> 4) > NAS_ALG_ZUC || (algs & 0x0f) > NAS_ALG_ZUC || algs > 0xff)) return STATUS_ERR_ALGORITHM;
  ctxWipe(slot);
  const ctx = slotPtr(slot);
  ctxInit(ctx, <u8>type, ngKsi, inPtr(kamfOff));
  if (type != <u32>CTX_PARTIAL_NATIVE) ctxSelectAlgorithms(ctx, algs >> 4, algs & 0x0f);
  wipe(inPtr(kamfOff), 32);
  return STATUS_OK;
}

/** Set the UL/DL NAS COUNTs of one access of a slot (restoring a stored context). `dlAccepted`
 *  = 1 when `dl` is a DL COUNT already accepted (replay protection starts above it). */
export function ctx_set_counts(slot: u32, access: u32, ul: u32, dl: u32, dlAccepted: u32): i32 {
  if (!validSlot(slot) || !validAccess(access) || ul > NAS_COUNT_MAX + 1 || dl > NAS_COUNT_MAX || dlAccepted > 1) return STATUS_ERR_VALUE;
  if (load<u8>(slotPtr(slot)) == 0) return STATUS_ERR_VALUE;
  setCounts(slotPtr(slot), access, ul, dl, dlAccepted == 1);
  return STATUS_OK;
}

/** Copy a whole slot (CTX_SLOT_SIZE bytes, layout in context/slots.ts, keys included: the host
 *  is the ME's own trusted side) to IO_OUT[0..). Slot 5 (SRVCC_SLOT) is the mapped SRVCC (CS)
 *  context (SRVCC_CTX_LEN bytes, layout in context/srvcc.ts). */
export function ctx_read(slot: u32): i32 {
  if (slot == SRVCC_SLOT) { copy(IO_OUT_PTR, SRVCC_CTX_PTR, SRVCC_CTX_LEN); return STATUS_OK; }
  if (slot >= SLOT_COUNT - 1) return STATUS_ERR_VALUE;
  copy(IO_OUT_PTR, slotPtr(slot), CTX_SIZE);
  return STATUS_OK;
}

/** Retire a slot (zeroed). */
export function ctx_wipe(slot: u32): i32 {
  if (!validSlot(slot)) return STATUS_ERR_VALUE;
  ctxWipe(slot);
  return STATUS_OK;
}

/** UE configuration: the UE security capabilities it sends (2–8 octets, TS 24.501 9.11.3.54),
 *  its IMEISV as a 5GS mobile identity value (0–15 octets; 0 = none), flags (bit 0: emergency
 *  services, 128-NIA0 acceptable). */
export function ue_configure(capsOff: u32, capsLen: u32, imeisvOff: u32, imeisvLen: u32, flags: u32): i32 {
  if (!inMailbox(capsOff, capsLen) || !inMailbox(imeisvOff, imeisvLen)) return STATUS_ERR_RANGE;
  if (capsLen < CAPS_MIN || capsLen > CAPS_MAX || imeisvLen > IMEISV_MAX) return STATUS_ERR_LENGTH;
  if (flags > FLAG_EMERGENCY) return STATUS_ERR_VALUE;
  store<u8>(UE_STATE_PTR + CAPS_LEN_OFF, <u8>capsLen);
  wipe(UE_STATE_PTR + CAPS_OFF, CAPS_MAX);
  copy(UE_STATE_PTR + CAPS_OFF, inPtr(capsOff), capsLen);
  store<u8>(UE_STATE_PTR + IMEISV_LEN_OFF, <u8>imeisvLen);
  wipe(UE_STATE_PTR + IMEISV_OFF, IMEISV_MAX);
  copy(UE_STATE_PTR + IMEISV_OFF, inPtr(imeisvOff), imeisvLen);
  store<u8>(UE_STATE_PTR + FLAGS_OFF, (load<u8>(UE_STATE_PTR + FLAGS_OFF) & ~<u8>FLAG_EMERGENCY) | <u8>flags);
  return STATUS_OK;
}

/** UE_STATE (UE_STATE_LEN bytes, layout in context/ue-state.ts) → IO_OUT[0..). */
export function ue_state_read(): i32 {
  copy(IO_OUT_PTR, UE_STATE_PTR, UE_STATE_LEN);
  return STATUS_OK;
}

/** Protect an uplink 5GMM message with the context in `slot`: security header type `sht`
 *  (1 integrity, 2 integrity + ciphering, 4 the same with a new context). Result at
 *  IO_OUT + 16 (length at [0], UL NAS COUNT used at [4]). */
export function nas_protect(slot: u32, access: u32, sht: u32, msgOff: u32, msgLen: u32): i32 {
  if (!inMailbox(msgOff, msgLen)) return STATUS_ERR_RANGE;
  if (msgLen < 3 || NAS_OUT_MSG_OFF + SEC_HEADER_LEN + msgLen > IO_OUT_LEN) return STATUS_ERR_LENGTH;
  if (!validSlot(slot) || !validAccess(access)) return STATUS_ERR_VALUE;
  if (slot == SLOT_CURRENT && ueFlag(FLAG_REAUTH_REQUIRED)) return STATUS_ERR_STATE;
  const ctx = slotPtr(slot);
  const count = ulCount(ctx, access);
  const s = protect(ctx, access, sht, inPtr(msgOff), msgLen, IO_OUT_PTR + NAS_OUT_MSG_OFF);
  if (s != STATUS_OK) return s;
  store<u32>(IO_OUT_PTR, msgLen + SEC_HEADER_LEN);
  store<u32>(IO_OUT_PTR + 4, count);
  return STATUS_OK;
}

/** Verify and decipher a downlink security protected 5GMM message with the context in `slot`.
 *  Plain message at IO_OUT + 16 (length at [0], the estimated DL NAS COUNT at [4]). */
export function nas_unprotect(slot: u32, access: u32, msgOff: u32, msgLen: u32): i32 {
  if (!inMailbox(msgOff, msgLen)) return STATUS_ERR_RANGE;
  if (msgLen < SEC_HEADER_LEN + 3 || NAS_OUT_MSG_OFF + msgLen > IO_OUT_LEN) return STATUS_ERR_LENGTH;
  if (!validSlot(slot) || !validAccess(access)) return STATUS_ERR_VALUE;
  if (slot == SLOT_CURRENT && ueFlag(FLAG_REAUTH_REQUIRED)) return STATUS_ERR_STATE;
  const s = unprotect(slotPtr(slot), access, inPtr(msgOff), msgLen, IO_OUT_PTR + NAS_OUT_MSG_OFF, IO_OUT_PTR + 4);
  if (s != STATUS_OK) return s;
  store<u32>(IO_OUT_PTR, msgLen - SEC_HEADER_LEN);
  return STATUS_OK;
}

/** Process a SECURITY MODE COMMAND (procedures/smc.ts documents the outcome record at IO_OUT). */
export function smc_process(msgOff: u32, msgLen: u32, access: u32): i32 {
  if (!inMailbox(msgOff, msgLen)) return STATUS_ERR_RANGE;
  if (msgLen > 1024) return STATUS_ERR_LENGTH;
  if (!validAccess(access)) return STATUS_ERR_VALUE;
  return smcProcess(inPtr(msgOff), msgLen, access);
}

/** SECURITY MODE REJECT for an SMC that smc_process refused with STATUS_ERR_MAC/ERR_REPLAY (it
 *  changed nothing): `cause` 23 (the replayed UE security capabilities differ) or 24 (TS 24.501
 *  5.4.2.5). Protected with the previous 5G NAS security context if one may be used, else plain
 *  (TS 33.501 6.7.2); same outcome record as smc_process. STATUS_ERR_COUNT_WRAP: the UL COUNT is
 *  spent, the UE releases the NAS connection instead (6.7.2 NOTE 3); nothing changed. */
export function smc_reject(cause: u32, access: u32): i32 {
  if ((cause != <u32>CAUSE_UE_SEC_CAP_MISMATCH && cause != <u32>CAUSE_SEC_MODE_REJECTED_UNSPECIFIED) || !validAccess(access)) return STATUS_ERR_VALUE;
  return smcReject(<u8>cause, access);
}

/** Send a Registration Request (plain 5GMM message in the mailbox); see procedures/registration.ts. */
export function registration_request(msgOff: u32, msgLen: u32, access: u32): i32 {
  if (!inMailbox(msgOff, msgLen)) return STATUS_ERR_RANGE;
  if (msgLen < 3 || msgLen > 1024) return STATUS_ERR_LENGTH;
  if (!validAccess(access)) return STATUS_ERR_VALUE;
  return registrationRequest(inPtr(msgOff), msgLen, access);
}

/** The registration ended: 1 accepted with a new 5G-GUTI (commit), 0 otherwise (roll back). */
export function registration_complete(accepted: u32): i32 {
  if (accepted > 1) return STATUS_ERR_VALUE;
  return registrationOutcome(accepted == 1);
}

/** Wipe both mailboxes (after the host has copied a secret out). */
export function io_clear(): i32 {
  wipe(IO_IN_PTR, IO_IN_LEN);
  wipe(IO_OUT_PTR, IO_OUT_LEN);
  return STATUS_OK;
}
