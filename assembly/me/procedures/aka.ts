// 5G AKA on the ME after the USIM's answer (TS 33.501 6.1.3.2 step 7; Annex A.4, A.2, A.6, A.7):
// RES* for the AUTHENTICATION RESPONSE (abi/derive.ts derive_res_star) and the key chain
// KAUSF → KSEAF → KAMF, with the KAMF installed straight into slot NEW as the partial native
// context of the received ngKSI (TS 33.501 6.2.3.2: created by primary authentication,
// non-current until its SMC). The KAMF never leaves the module here; KAUSF and KSEAF come out
// only when the caller stores them (EF 5GAUTHKEYS or ME NVM, TS 33.501 6.2.2.2 — once the SMC
// that follows is accepted).
import { IO_OUT_PTR } from "../memory";
import { SLOT_NEW, CTX_PARTIAL_NATIVE, OFF_KAMF, slotPtr, ctxInit } from "../context/slots";
import { deriveKausf, deriveKseaf, deriveKamf } from "../kdf/annex_a";
import { wipe } from "../../lib/util";

/** Result layout in IO_OUT: RES* [0..16) (written by derive_res_star); with AKA_F_AUTH_KEYS, KAUSF
 *  [16..48) and KSEAF [48..80) (zeros otherwise). */
export const AKA_OUT_KAUSF: usize = 16;
export const AKA_OUT_KSEAF: usize = 48;
/** Flag of aka_5g: write KAUSF and KSEAF to IO_OUT. */
export const AKA_F_AUTH_KEYS: u32 = 1;

/** KAUSF (A.2), KSEAF (A.6) and KAMF (A.7) of one 5G AKA run (inputs checked by the caller); the
 *  KAMF becomes slot NEW with `ngKsi`. `sqnXorAk` = the first 6 octets of AUTN. */
export function akaKeys(ckIk: usize, snn: usize, snnLen: u32, sqnXorAk: usize, supi: usize, supiLen: u32, abba: usize, abbaLen: u32,
  ngKsi: u32, authKeys: bool): void {
  const kausf = IO_OUT_PTR + AKA_OUT_KAUSF, kseaf = IO_OUT_PTR + AKA_OUT_KSEAF, slot = slotPtr(SLOT_NEW);
  deriveKausf(ckIk, snn, snnLen, sqnXorAk, kausf);
  deriveKseaf(kausf, snn, snnLen, kseaf);
  // A new partial native context replaces any earlier one in slot NEW (TS 33.501 6.2.3.2: the one
  // partial native context awaiting its SMC); ctxInit zeroes the whole slot first.
  ctxInit(slot, CTX_PARTIAL_NATIVE, ngKsi, kseaf);
  deriveKamf(kseaf, supi, supiLen, abba, abbaLen, slot + OFF_KAMF);
  if (!authKeys) wipe(kausf, 64);
}
