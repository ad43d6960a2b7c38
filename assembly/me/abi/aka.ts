// Export of the UE's 5G AKA key chain (procedures/aka.ts): checks the inputs, runs the procedure.
import { STATUS_OK, STATUS_ERR_RANGE, STATUS_ERR_LENGTH, STATUS_ERR_VALUE } from "../../lib/status";
import { inMailbox, inPtr, kdfInputFits } from "./check";
import { derive_res_star } from "./derive";
import { akaKeys, AKA_F_AUTH_KEYS } from "../procedures/aka";
import { kdfHold, kdfRelease } from "../kdf/kdf";

/**
 * 5G AKA after the USIM's answer (TS 33.501 6.1.3.2 step 7): CK ‖ IK (32 octets), the serving
 * network name, RAND (16), RES (4–16 octets), SQN ⊕ AK (6, the first octets of AUTN), the SUPI
 * (non-empty), the ABBA (≥ 2 octets) at IO_IN offsets; `ngKsi` 0–6 (native); `flags`
 * AKA_F_AUTH_KEYS or 0. RES* → OUT[0..16); KAUSF → OUT[16..48) and KSEAF → OUT[48..80) only with
 * AKA_F_AUTH_KEYS; the KAMF becomes the partial native context in slot NEW and is not output.
 * Every input is checked before anything is written (derive_res_star checks CK ‖ IK, the serving
 * network name, RAND and RES, and writes only RES*).
 */
export function aka_5g(ckIkOff: u32, snnOff: u32, snnLen: u32, randOff: u32, resOff: u32, resLen: u32, sqnXorAkOff: u32,
  supiOff: u32, supiLen: u32, abbaOff: u32, abbaLen: u32, ngKsi: u32, flags: u32): i32 {
  if (!inMailbox(sqnXorAkOff, 6) || !inMailbox(supiOff, supiLen) || !inMailbox(abbaOff, abbaLen)) return STATUS_ERR_RANGE;
  // The A.7 string S = FC ‖ SUPI ‖ L0 ‖ ABBA ‖ L1 must fit KDF_S: SUPI and ABBA may overlap in
  // IO_IN, so each fitting the mailbox does not bound their sum (review finding: 4,096 + 4,096
  // octets overran KDF_S into the context slots).
  if (supiLen == 0 || abbaLen < 2 || !kdfInputFits(<u64>supiLen + abbaLen, 2)) return STATUS_ERR_LENGTH;
  if (ngKsi > 6 || flags > AKA_F_AUTH_KEYS) return STATUS_ERR_VALUE;
  kdfHold(); // RES* and KAUSF share the key CK ‖ IK: its pads once
  const st = derive_res_star(ckIkOff, snnOff, snnLen, randOff, resOff, resLen);
  // (the RES* check bounds SNN ‖ RAND ‖ RES in S, so SNN ‖ SQN ⊕ AK of KAUSF fits as well)
  if (st == STATUS_OK) akaKeys(inPtr(ckIkOff), inPtr(snnOff), snnLen, inPtr(sqnXorAkOff), inPtr(supiOff), supiLen, inPtr(abbaOff), abbaLen, ngKsi, flags != 0);
  return kdfRelease(st);
}
