// 5G ↔ EPS interworking on the UE (TS 33.501 8.2–8.6): mapping the current 5G context to EPS
// (idle: TAU, 8.5.2/8.6.1; handover: 8.3.2) and the mapped 5G context from EPS keys (idle: 8.2,
// 8.6.2; handover: 8.4). The exports (abi/mobility.ts) check the inputs and document the layouts.
import { IO_OUT_PTR } from "../memory";
import { STATUS_OK, STATUS_ERR_STATE, STATUS_ERR_COUNT_WRAP, STATUS_ERR_MAC, STATUS_ERR_ALGORITHM, STATUS_ERR_VALUE } from "../../lib/status";
import {
  SLOT_CURRENT, SLOT_MAPPED, SLOT_CAND, CTX_MAPPED, CTX_FULL_NATIVE, NGKSI_TSC_MAPPED, OFF_KAMF, OFF_KGNB, slotPtr,
  ctxInit, ctxSelectAlgorithms, ctxWipe, ctxMove, ctxNgKsi, ctxType, ctxActivate,
} from "../context/slots";
import { estimateFromLsb, mapToEps, temporaryKgnb, nascMacOk, containerAlgsOk } from "../context/interworking";
import { acceptDl, ulCount, ACCESS_3GPP } from "../nas/count";
import { protect, SHT_INTEGRITY } from "../nas/protect";
import { deriveKamfFromKasmeIdle, deriveKamfFromKasmeHo } from "../kdf/annex_a";
import { kdfHold, kdfRelease } from "../kdf/kdf";
import { currentUsable } from "../context/ue-state";
import { wipe } from "../../lib/util";

/** Interworking results: [0] u32 message length, [4] u32 COUNT, [8] eKSI, keys at +16, message at +160. */
export const IW_OUT_KEYS_OFF: u32 = 16;
export const IW_OUT_MSG_OFF: u32 = 160;

/** 5G → EPS idle: the TAU Request at `msg` goes out integrity protected with the current 5G
 *  context; K′ASME = A.14.1(KAMF, the UL NAS COUNT it used) and its EPS keys. */
export function epsMapIdle(msg: usize, msgLen: u32): i32 {
  if (!currentUsable()) return STATUS_ERR_STATE;
  const cur = slotPtr(SLOT_CURRENT);
  const count = ulCount(cur, ACCESS_3GPP);
  const s = protect(cur, ACCESS_3GPP, SHT_INTEGRITY, msg, msgLen, IO_OUT_PTR + IW_OUT_MSG_OFF);
  if (s != STATUS_OK) return s;
  kdfHold(); // K′ASME, then its EPS NAS keys, KeNB and NH: pads once per key
  mapToEps(cur, count, false, IO_OUT_PTR + IW_OUT_KEYS_OFF);
  store<u32>(IO_OUT_PTR, msgLen + 7);
  store<u32>(IO_OUT_PTR + 4, count);
  store<u32>(IO_OUT_PTR + 8, ctxNgKsi(cur) & 7);
  return kdfRelease(STATUS_OK);
}

/** 5G → EPS handover: the DL COUNT estimate from its 8 LSB becomes the 5G DL COUNT; K′ASME =
 *  A.14.2(KAMF, that COUNT); the source NR AS keys (KgNB and NH, 64 contiguous octets) are released
 *  (TS 38.331 5.4.3.4; see eps_map_ho for the modelling choice). */
export function epsMapHo(dlLsb8: u32): i32 {
  if (!currentUsable()) return STATUS_ERR_STATE;
  const cur = slotPtr(SLOT_CURRENT);
  const count = estimateFromLsb(cur, ACCESS_3GPP, dlLsb8, 8);
  if (count == 0xffffffff) return STATUS_ERR_COUNT_WRAP;
  kdfHold();
  mapToEps(cur, count, true, IO_OUT_PTR + IW_OUT_KEYS_OFF);
  acceptDl(cur, ACCESS_3GPP, count);
  wipe(cur + OFF_KGNB, 64);
  store<u32>(IO_OUT_PTR, 0);
  store<u32>(IO_OUT_PTR + 4, count);
  store<u32>(IO_OUT_PTR + 8, ctxNgKsi(cur) & 7);
  return kdfRelease(STATUS_OK);
}

/** EPS → 5G idle: K′AMF = A.15.1(KASME, UL EPS NAS COUNT) into slot MAPPED with ngKSI = eKSI
 *  (TSC mapped) and COUNTs 0; an SMC naming it activates it. KASME is wiped from the mailbox. */
export function epsTo5gIdle(kasme: usize, eKsi: u32, ulEpsCount: u32): void {
  const cand = slotPtr(SLOT_CAND);
  ctxInit(cand, CTX_MAPPED, eKsi | NGKSI_TSC_MAPPED, kasme); // KASME as a placeholder key
  deriveKamfFromKasmeIdle(kasme, ulEpsCount, cand + OFF_KAMF);
  ctxWipe(SLOT_MAPPED);
  ctxMove(SLOT_MAPPED, SLOT_CAND);
  wipe(kasme, 32);
}

/** EPS → 5G handover: K′AMF = A.15.2(KASME, NH); the S1 mode to N1 mode NAS transparent container
 *  `nasc` names the algorithms and is verified with the new KNASint and COUNT 2^32−1. On success
 *  the mapped context becomes current, COUNTs 0, temporary KgNB = A.9(K′AMF, 2^32−1); on failure
 *  nothing changes. */
export function epsTo5gHo(kasme: usize, nh: usize, nasc: usize): i32 {
  const algs = <u32>load<u8>(nasc + 4), ksi = <u32>load<u8>(nasc + 5) & 7;
  if (!containerAlgsOk(algs)) return STATUS_ERR_ALGORITHM;
  if (ksi == 7) return STATUS_ERR_VALUE;
  const cand = slotPtr(SLOT_CAND);
  ctxInit(cand, CTX_MAPPED, ksi | NGKSI_TSC_MAPPED, kasme);
  deriveKamfFromKasmeHo(kasme, nh, cand + OFF_KAMF);
  ctxSelectAlgorithms(cand, algs >> 4, algs & 15);
  if (!nascMacOk(cand, nasc)) { ctxWipe(SLOT_CAND); return STATUS_ERR_MAC; }
  temporaryKgnb(cand);
  // A current native context is kept as the non-current one (TS 33.501 6.2.3.2, ctxActivate).
  ctxActivate(SLOT_CAND, ctxType(slotPtr(SLOT_CURRENT)) == CTX_FULL_NATIVE);
  wipe(kasme, 32); wipe(nh, 32);
  return STATUS_OK;
}
