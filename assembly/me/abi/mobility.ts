// Exports of the inter-system and handover procedures: SRVCC to UTRAN CS, 5G ↔ EPS mapped
// contexts, and the N2 handover NAS transparent container.
import { IO_OUT_PTR, SRVCC_CTX_PTR, SRVCC_CTX_LEN, TMP_PTR, TMP_LEN } from "../memory";
import { STATUS_OK, STATUS_ERR_RANGE, STATUS_ERR_VALUE, STATUS_ERR_STATE, STATUS_ERR_LENGTH, STATUS_ERR_COUNT_WRAP, STATUS_ERR_MAC, STATUS_ERR_ALGORITHM } from "../../lib/status";
import { inIn, inPtr } from "./check";
import {
  SLOT_CURRENT, SLOT_NON_CURRENT, SLOT_MAPPED, SLOT_CAND, CTX_MAPPED, CTX_FULL_NATIVE, NGKSI_TSC_MAPPED, OFF_KAMF, OFF_KGNB, slotPtr,
  ctxUsable, ctxInit, ctxSelectAlgorithms, ctxWipe, ctxMove, ctxCopy, ctxNgKsi, ctxType,
} from "../context/slots";
import { srvccDerive, srvccValid, srvccDelete, SRVCC_DIRECT } from "../context/srvcc";
import { estimateFromLsb, mapToEps, temporaryKgnb, nascMacOk } from "../context/interworking";
import { acceptDl, setCounts, ulCount, ACCESS_3GPP } from "../nas/count";
import { protect, SHT_INTEGRITY } from "../nas/protect";
import { deriveKamfFromKasmeIdle, deriveKamfFromKasmeHo, deriveKamfPrime } from "../kdf/annex_a";
import { DIRECTION_HANDOVER_DL } from "../kdf/fc";
import { kdfHold, kdfRelease } from "../kdf/kdf";
import { NAS_ALG_NULL, NAS_ALG_ZUC } from "../nas/algorithms";
import { FLAG_EMERGENCY, FLAG_REAUTH_REQUIRED, setUeFlag, ueFlag } from "../context/ue-state";
import { copy, wipe } from "../../lib/util";

/** Interworking results: [0] u32 message length, [4] u32 COUNT, [8] eKSI, keys at +16, message at +160. */
export const IW_OUT_KEYS_OFF: u32 = 16;
export const IW_OUT_MSG_OFF: u32 = 160;
const NASC_LEN: u32 = 7;

/** The 5G context may be used (not after SRVCC until a new authentication, TS 33.501 J.1). */
// @ts-ignore: decorator
@inline function currentUsable(): bool { return ctxUsable(slotPtr(SLOT_CURRENT)) && !ueFlag(FLAG_REAUTH_REQUIRED); }

/**
 * HO command for SRVCC to UTRAN CS received: `dlLsb4` = the 4 LSB of the DL NAS COUNT the AMF
 * used; `variant` 0 mme-derive (published), 1 mme-concat, 2 direct (draft); `fc` of the AMF step
 * (0x7D = A.21). Result: [0] u32 DL COUNT estimated, [4] KSISRVCC, [16..32) CKSRVCC,
 * [32..48) IKSRVCC, [48..80) the AMF's key to the MME (zeros for direct).
 */
export function srvcc_ho_command(dlLsb4: u32, variant: u32, fc: u32): i32 {
  if (dlLsb4 > 15 || variant > SRVCC_DIRECT || fc > 0xff) return STATUS_ERR_VALUE;
  if (!currentUsable()) return STATUS_ERR_STATE;
  const cur = slotPtr(SLOT_CURRENT);
  const count = estimateFromLsb(cur, ACCESS_3GPP, dlLsb4, 4);
  if (count == 0xffffffff) return STATUS_ERR_COUNT_WRAP;
  srvccDerive(cur, count, variant, fc, IO_OUT_PTR + 48);
  acceptDl(cur, ACCESS_3GPP, count); // the AMF incremented its DL COUNT past this one
  store<u32>(IO_OUT_PTR, count);
  store<u32>(IO_OUT_PTR + 4, <u32>load<u8>(SRVCC_CTX_PTR + 1));
  copy(IO_OUT_PTR + 16, SRVCC_CTX_PTR + 16, 32);
  return STATUS_OK;
}

/** SRVCC outcome: 0 the handover failed → the mapped SRVCC context is deleted; 1 completed → the
 *  UE is in UTRAN CS and must run a successful (re)authentication in 5GS before using 5G again;
 *  2 the CS call ended → the CS context is deleted (the re-authentication rule stays). */
export function srvcc_outcome(outcome: u32): i32 {
  if (outcome > 2) return STATUS_ERR_VALUE;
  if (!srvccValid()) return STATUS_ERR_STATE;
  if (outcome == 1) setUeFlag(FLAG_REAUTH_REQUIRED, true);
  else srvccDelete();
  return STATUS_OK;
}

/**
 * 5G → EPS idle mobility (TS 33.501 8.5.2, 8.6.1): the TAU Request (plain EPS NAS message in the
 * mailbox) goes out integrity protected with the current 5G context like a 5G NAS message on
 * 3GPP access; K′ASME = A.14.1(KAMF, the UL NAS COUNT it used); eKSI = the ngKSI value (mapped);
 * EPS NAS keys for the EPS algorithms of the SMC. Result layout: see IW_OUT_*.
 */
export function eps_map_idle(msgOff: u32, msgLen: u32): i32 {
  if (!inIn(msgOff, msgLen)) return STATUS_ERR_RANGE;
  if (msgLen < 3 || msgLen > 1024) return STATUS_ERR_LENGTH;
  if (!currentUsable()) return STATUS_ERR_STATE;
  const cur = slotPtr(SLOT_CURRENT);
  const count = ulCount(cur, ACCESS_3GPP);
  const s = protect(cur, ACCESS_3GPP, SHT_INTEGRITY, inPtr(msgOff), msgLen, IO_OUT_PTR + IW_OUT_MSG_OFF);
  if (s != STATUS_OK) return s;
  kdfHold(); // K′ASME, then its EPS NAS keys, KeNB and NH: pads once per key
  mapToEps(cur, count, false, IO_OUT_PTR + IW_OUT_KEYS_OFF);
  store<u32>(IO_OUT_PTR, msgLen + 7);
  store<u32>(IO_OUT_PTR + 4, count);
  store<u32>(IO_OUT_PTR + 8, ctxNgKsi(cur) & 7);
  return kdfRelease(STATUS_OK);
}

/**
 * 5G → EPS handover (TS 33.501 8.3.2): `dlLsb8` = the 8 LSB of the DL NAS COUNT in the HO
 * command; the estimate must be above the stored DL COUNT and becomes the 5G DL COUNT.
 * K′ASME = A.14.2(KAMF, that COUNT); KeNB = TS 33.401 A.3(K′ASME, 2^32−1); NH with NCC 2.
 * The source NR AS keys (KgNB and NH of the 5G context, 64 contiguous octets) are released: the
 * UE leaves NR (TS 38.331 5.4.3.4: the AS security context of the source is released after the
 * handover), so they are zeroed once the EPS keys are out. Modelling choice: the model has no
 * handover failure, so this call stands for the completed handover; a UE that falls back to the
 * source cell (TS 38.331 5.4.3.5) would need them until the handover completes.
 */
export function eps_map_ho(dlLsb8: u32): i32 {
  if (dlLsb8 > 0xff) return STATUS_ERR_VALUE;
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

/**
 * EPS → 5G idle mobility (TS 33.501 8.2, 8.6.2): K′AMF = A.15.1(KASME at IO_IN[kasmeOff], the UL
 * EPS NAS COUNT of the TAU carried in the Registration Request) into slot MAPPED with ngKSI =
 * eKSI (TSC mapped) and COUNTs 0. An SMC naming it activates it (smc_process).
 */
export function eps_to_5g_idle(kasmeOff: u32, eKsi: u32, ulEpsCount: u32): i32 {
  if (!inIn(kasmeOff, 32)) return STATUS_ERR_RANGE;
  if (eKsi > 6) return STATUS_ERR_VALUE;
  const cand = slotPtr(SLOT_CAND);
  ctxInit(cand, CTX_MAPPED, eKsi | NGKSI_TSC_MAPPED, inPtr(kasmeOff)); // KASME as a placeholder key
  deriveKamfFromKasmeIdle(inPtr(kasmeOff), ulEpsCount, cand + OFF_KAMF);
  ctxWipe(SLOT_MAPPED);
  ctxMove(SLOT_MAPPED, SLOT_CAND);
  wipe(inPtr(kasmeOff), 32);
  return STATUS_OK;
}

/** The NAS security algorithms octet of a NAS transparent container (TS 24.501 9.11.3.34: 5G-EA in
 *  bits 8–5, 5G-IA in bits 4–1): defined algorithms only, and 5G-IA0 only for an emergency, the
 *  rule the SMC applies (TS 24.501 5.4.2.3; TS 33.501 5.5.2) — else a container with null
 *  integrity, whose NAS-MAC is all zeros, would switch the UE to a context anyone can forge. */
function containerAlgsOk(algs: u32): bool {
  const nia = algs & 15;
  return (algs >> 4) <= NAS_ALG_ZUC && nia <= NAS_ALG_ZUC && (nia != NAS_ALG_NULL || ueFlag(FLAG_EMERGENCY));
}

/**
 * EPS → 5G handover (TS 33.501 8.4): K′AMF = A.15.2(KASME, NH); the S1 mode to N1 mode NAS
 * transparent container (7 octets at IO_IN[nascOff]) names the algorithms and is verified with
 * the new KNASint and COUNT 2^32−1. On success the mapped context becomes current (a current
 * native one is kept as non-current), COUNTs 0, temporary KgNB = A.9(K′AMF, 2^32−1). On failure
 * the handover is aborted and nothing changes.
 */
export function eps_to_5g_ho(kasmeOff: u32, nhOff: u32, nascOff: u32): i32 {
  if (!inIn(kasmeOff, 32) || !inIn(nhOff, 32) || !inIn(nascOff, NASC_LEN)) return STATUS_ERR_RANGE;
  const nasc = inPtr(nascOff);
  const algs = <u32>load<u8>(nasc + 4), ksi = <u32>load<u8>(nasc + 5) & 7;
  if (!containerAlgsOk(algs)) return STATUS_ERR_ALGORITHM;
  if (ksi == 7) return STATUS_ERR_VALUE;
  const cand = slotPtr(SLOT_CAND);
  ctxInit(cand, CTX_MAPPED, ksi | NGKSI_TSC_MAPPED, inPtr(kasmeOff));
  deriveKamfFromKasmeHo(inPtr(kasmeOff), inPtr(nhOff), cand + OFF_KAMF);
  ctxSelectAlgorithms(cand, algs >> 4, algs & 15);
  if (!nascMacOk(cand, nasc)) { ctxWipe(SLOT_CAND); return STATUS_ERR_MAC; }
  temporaryKgnb(cand);
  if (ctxType(slotPtr(SLOT_CURRENT)) == CTX_FULL_NATIVE) { ctxWipe(SLOT_NON_CURRENT); ctxMove(SLOT_NON_CURRENT, SLOT_CURRENT); }
  else ctxWipe(SLOT_CURRENT);
  ctxMove(SLOT_CURRENT, SLOT_CAND);
  wipe(inPtr(kasmeOff), 32); wipe(inPtr(nhOff), 32);
  return STATUS_OK;
}

/**
 * N2 handover with an Intra N1 mode NAS transparent container (TS 33.501 6.9.2.3.4), 7 octets
 * at IO_IN[nascOff]: NAS-MAC, algorithms, KACF (bit 5) ‖ TSC ‖ KSI, SQN. The DL COUNT estimated
 * from SQN must be fresh. The ngKSI must name the current context (else STATUS_ERR_VALUE).
 * KACF = 1: KAMF′ = A.13(KAMF, DIRECTION 0x01, that DL COUNT) with the same ngKSI (value and
 * type), COUNTs 0, temporary KgNB = A.9(KAMF′, 2^32−1). KACF = 0: the algorithms
 * apply and the DL COUNT is set, COUNTs not reset. The MAC is checked with the (new) KNASint and
 * COUNT 2^32−1; on failure the handover is aborted and the old context kept unchanged.
 * Result: [0] KACF, [1] ngKSI, [4] u32 DL COUNT.
 */
export function n2_ho(nascOff: u32): i32 {
  if (!inIn(nascOff, NASC_LEN)) return STATUS_ERR_RANGE;
  if (!currentUsable()) return STATUS_ERR_STATE;
  const nasc = inPtr(nascOff), cur = slotPtr(SLOT_CURRENT), cand = slotPtr(SLOT_CAND);
  const algs = <u32>load<u8>(nasc + 4), b5 = <u32>load<u8>(nasc + 5);
  const kacf = (b5 & 0x10) != 0, ngKsi = b5 & 0x0f;
  if (!containerAlgsOk(algs)) return STATUS_ERR_ALGORITHM;
  // The container names the KAMF (value and type of its ngKSI) that KAMF′ comes from, and KAMF′
  // keeps that ngKSI (6.9.2.3.3/6.9.2.3.4): it must be the current context's; a container naming
  // a context the UE does not hold is refused.
  if ((b5 & 0xe0) != 0 || ngKsi != ctxNgKsi(cur)) return STATUS_ERR_VALUE;
  const count = estimateFromLsb(cur, ACCESS_3GPP, <u32>load<u8>(nasc + 6), 8);
  if (count == 0xffffffff) return STATUS_ERR_COUNT_WRAP;
  ctxCopy(SLOT_CAND, SLOT_CURRENT);
  if (kacf) {
    deriveKamfPrime(cur + OFF_KAMF, DIRECTION_HANDOVER_DL, count, cand + OFF_KAMF);
    setCounts(cand, 1, 0, 0, false); setCounts(cand, 2, 0, 0, false);
  }
  ctxSelectAlgorithms(cand, algs >> 4, algs & 15);
  if (!nascMacOk(cand, nasc)) { ctxWipe(SLOT_CAND); return STATUS_ERR_MAC; }
  if (kacf) temporaryKgnb(cand);
  else acceptDl(cand, ACCESS_3GPP, count);
  ctxWipe(SLOT_CURRENT);
  ctxMove(SLOT_CURRENT, SLOT_CAND);
  store<u8>(IO_OUT_PTR, kacf ? 1 : 0);
  store<u8>(IO_OUT_PTR + 1, <u8>ngKsi);
  store<u32>(IO_OUT_PTR + 4, count);
  wipe(TMP_PTR, TMP_LEN);
  return STATUS_OK;
}
