// Exports of the inter-system and handover procedures (procedures/srvcc.ts, interworking.ts,
// n2-handover.ts): each checks its inputs, calls the procedure, and documents the result layout.
import { STATUS_OK, STATUS_ERR_RANGE, STATUS_ERR_VALUE, STATUS_ERR_LENGTH, STATUS_ERR_STATE, STATUS_ERR_COUNT_WRAP } from "../../lib/status";
import { SLOT_CURRENT, slotPtr } from "../context/slots";
import { currentUsable } from "../context/ue-state";
import { estimateFromLsb } from "../context/interworking";
import { ACCESS_3GPP } from "../nas/count";
import { inMailbox, inPtr } from "./check";
import { SRVCC_DIRECT } from "../context/srvcc";
import { srvccHoCommand, srvccOutcome } from "../procedures/srvcc";
import { epsMapIdle, epsMapHo, epsTo5gIdle, epsTo5gHo } from "../procedures/interworking";
import { n2Handover } from "../procedures/n2-handover";
export { IW_OUT_KEYS_OFF, IW_OUT_MSG_OFF } from "../procedures/interworking";

const NASC_LEN: u32 = 7;

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
  srvccHoCommand(cur, count, variant, fc);
  return STATUS_OK;
}

/** SRVCC outcome: 0 the handover failed → the mapped SRVCC context is deleted; 1 completed → the
 *  UE is in UTRAN CS and must run a successful (re)authentication in 5GS before using 5G again;
 *  2 the CS call ended → the CS context is deleted (the re-authentication rule stays). */
export function srvcc_outcome(outcome: u32): i32 {
  if (outcome > 2) return STATUS_ERR_VALUE;
  return srvccOutcome(outcome);
}

/**
 * 5G → EPS idle mobility (TS 33.501 8.5.2, 8.6.1): the TAU Request (plain EPS NAS message in the
 * mailbox) goes out integrity protected with the current 5G context like a 5G NAS message on
 * 3GPP access; K′ASME = A.14.1(KAMF, the UL NAS COUNT it used); eKSI = the ngKSI value (mapped);
 * EPS NAS keys for the EPS algorithms of the SMC. Result layout: see IW_OUT_*.
 */
export function eps_map_idle(msgOff: u32, msgLen: u32): i32 {
  if (!inMailbox(msgOff, msgLen)) return STATUS_ERR_RANGE;
  if (msgLen < 3 || msgLen > 1024) return STATUS_ERR_LENGTH;
  return epsMapIdle(inPtr(msgOff), msgLen);
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
  return epsMapHo(dlLsb8);
}

/**
 * EPS → 5G idle mobility (TS 33.501 8.2, 8.6.2): K′AMF = A.15.1(KASME at IO_IN[kasmeOff], the UL
 * EPS NAS COUNT of the TAU carried in the Registration Request) into slot MAPPED with ngKSI =
 * eKSI (TSC mapped) and COUNTs 0. An SMC naming it activates it (smc_process).
 */
export function eps_to_5g_idle(kasmeOff: u32, eKsi: u32, ulEpsCount: u32): i32 {
  if (!inMailbox(kasmeOff, 32)) return STATUS_ERR_RANGE;
  if (eKsi > 6) return STATUS_ERR_VALUE;
  epsTo5gIdle(inPtr(kasmeOff), eKsi, ulEpsCount);
  return STATUS_OK;
}

/**
 * EPS → 5G handover (TS 33.501 8.4): K′AMF = A.15.2(KASME, NH); the S1 mode to N1 mode NAS
 * transparent container (7 octets at IO_IN[nascOff]) names the algorithms and is verified with
 * the new KNASint and COUNT 2^32−1. On success the mapped context becomes current (a current
 * native one is kept as non-current), COUNTs 0, temporary KgNB = A.9(K′AMF, 2^32−1). On failure
 * the handover is aborted and nothing changes.
 */
export function eps_to_5g_ho(kasmeOff: u32, nhOff: u32, nascOff: u32): i32 {
  if (!inMailbox(kasmeOff, 32) || !inMailbox(nhOff, 32) || !inMailbox(nascOff, NASC_LEN)) return STATUS_ERR_RANGE;
  return epsTo5gHo(inPtr(kasmeOff), inPtr(nhOff), inPtr(nascOff));
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
  if (!inMailbox(nascOff, NASC_LEN)) return STATUS_ERR_RANGE;
  return n2Handover(inPtr(nascOff));
}
