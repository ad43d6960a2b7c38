// N2 handover with an Intra N1 mode NAS transparent container (TS 33.501 6.9.2.3.3, 6.9.2.3.4):
// KACF = 1 → KAMF′ = A.13(KAMF, DIRECTION 0x01, DL COUNT) with the same ngKSI, COUNTs 0,
// temporary KgNB; KACF = 0 → the algorithms apply and the DL COUNT is set. The export
// (abi/mobility.ts n2_ho) checks the range and documents the layouts.
import { IO_OUT_PTR, TMP_PTR, TMP_LEN } from "../memory";
import { STATUS_OK, STATUS_ERR_STATE, STATUS_ERR_VALUE, STATUS_ERR_COUNT_WRAP, STATUS_ERR_MAC, STATUS_ERR_ALGORITHM } from "../../lib/status";
import { SLOT_CURRENT, SLOT_CAND, OFF_KAMF, slotPtr, ctxSelectAlgorithms, ctxWipe, ctxCopy, ctxNgKsi, ctxActivate } from "../context/slots";
import { estimateFromLsb, temporaryKgnb, nascMacOk, containerAlgsOk } from "../context/interworking";
import { acceptDl, setCounts, ACCESS_3GPP } from "../nas/count";
import { deriveKamfPrime } from "../kdf/annex_a";
import { DIRECTION_HANDOVER_DL } from "../kdf/fc";
import { currentUsable } from "../context/ue-state";
import { wipe } from "../../lib/util";

/** Octet 6 of the container: KACF (bit 5) ‖ TSC ‖ KSI (TS 24.501 9.11.3.34). */
const NASC_KACF: u32 = 0x10;

export function n2Handover(nasc: usize): i32 {
  if (!currentUsable()) return STATUS_ERR_STATE;
  const cur = slotPtr(SLOT_CURRENT), cand = slotPtr(SLOT_CAND);
  const algs = <u32>load<u8>(nasc + 4), kacfKsi = <u32>load<u8>(nasc + 5);
  const kacf = (kacfKsi & NASC_KACF) != 0, ngKsi = kacfKsi & 0x0f;
  if (!containerAlgsOk(algs)) return STATUS_ERR_ALGORITHM;
  // The container names the KAMF (value and type of its ngKSI) that KAMF′ comes from, and KAMF′
  // keeps that ngKSI (6.9.2.3.3/6.9.2.3.4): it must be the current context's; a container naming
  // a context the UE does not hold is refused.
  if ((kacfKsi & 0xe0) != 0 || ngKsi != ctxNgKsi(cur)) return STATUS_ERR_VALUE;
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
  ctxActivate(SLOT_CURRENT, false); // KAMF′ (or the new algorithms) replaces the current context
  store<u8>(IO_OUT_PTR, kacf ? 1 : 0);
  store<u8>(IO_OUT_PTR + 1, <u8>ngKsi);
  store<u32>(IO_OUT_PTR + 4, count);
  wipe(TMP_PTR, TMP_LEN);
  return STATUS_OK;
}
