// EAP-AKA′ key hierarchy on the UE (TS 33.501 6.1.3.1; RFC 9048 3.3 and 3.4, which update RFC 5448):
//   CK′ ‖ IK′ = KDF(CK ‖ IK, 0x20, access network identity, SQN ⊕ AK)   (TS 33.501 A.3, 33.402 A.2)
//   MK = PRF′(IK′ ‖ CK′, "EAP-AKA'" ‖ Identity)                          (RFC 9048 3.3; note IK′ first)
//   K_encr = MK[0..16), K_aut = MK[16..48), K_re = MK[48..80), MSK = MK[80..144), EMSK = MK[144..208)
//   KAUSF = the 256 most significant bits of EMSK = EMSK[0..32)          (TS 33.501 6.1.3.1)
// PRF′ (RFC 9048 3.4.1, the IKEv2 prf+ with HMAC-SHA-256):
//   T1 = HMAC(K, S ‖ 0x01), Ti = HMAC(K, T(i-1) ‖ S ‖ i); PRF′(K, S) = T1 ‖ T2 ‖ …
// MK is 1664 bits = 208 octets: T1..T7, the last 16 octets of T7 unused.
import { KDF_S_PTR, HMAC_KEY_PTR, HMAC_WORK_PTR, TMP_PTR } from "../memory";
import { hmacSetKey, hmacMac, hmacForget } from "../../crypto/hmac";
import { copy, wipe, equalCt } from "../../lib/util";

/** Octets of MK (RFC 9048 3.3: K_encr 128 + K_aut 256 + K_re 256 + MSK 512 + EMSK 512 bits). */
export const MK_LEN: u32 = 208;
/** PRF′ blocks for MK: ceil(208 / 32). */
const MK_BLOCKS: u32 = 7;
/** One PRF′ block Ti: an HMAC-SHA-256 output. */
const T_LEN: u32 = 32;
/** CK′ and IK′ are 16 octets each, and MK is 6.5 blocks: T7's second half is unused. */
const HALF: u32 = 16;
/** The PRF′ key IK′ ‖ CK′. */
const PRF_KEY_LEN: u32 = 2 * HALF;
/** "EAP-AKA'" as one little-endian word: the octets 45 41 50 2D 41 4B 41 27 in memory order. */
const EAP_AKA_PRIME_LABEL: u64 = 0x27414b412d504145;
const LABEL_LEN: u32 = 8;
/** The one-octet block counter i that ends each PRF′ input. */
const COUNTER_LEN: u32 = 1;

/** MK → out[32..240), given CK′ at out[0..16) and IK′ at out[16..32) (TS 33.501 A.3, computed
 *  by the caller). The identity is `idLen` octets, validated by the ABI layer (S =
 *  T(i-1) ‖ "EAP-AKA'" ‖ Identity ‖ i fits the KDF_S region for any identity the mailbox holds).
 *  Only the output keeps key material: the PRF′ key (in TMP), T(i-1) and S (in KDF_S) and the HMAC
 *  key context are wiped before return, as is the unused tail of T7. */
export function deriveEapAkaPrimeMk(id: usize, idLen: u32, out: usize): void {
  // PRF′ key = IK′ ‖ CK′ (RFC 9048 3.3): the reverse of the A.3 output order.
  copy(TMP_PTR, out + HALF, HALF);
  copy(TMP_PTR + HALF, out, HALF);
  hmacSetKey(HMAC_KEY_PTR, HMAC_WORK_PTR, TMP_PTR, PRF_KEY_LEN);
  wipe(TMP_PTR, PRF_KEY_LEN);
  // KDF_S = [T(i-1)][S = "EAP-AKA'" ‖ Identity][i]: T1 is computed from after the T slot (no T0).
  const s = KDF_S_PTR + T_LEN;
  store<u64>(s, EAP_AKA_PRIME_LABEL);
  copy(s + LABEL_LEN, id, idLen);
  const sLen = LABEL_LEN + idLen;
  const mk = out + PRF_KEY_LEN; // after CK′ ‖ IK′
  let t = mk, msg = s, msgLen = sLen + COUNTER_LEN;
  for (let i: u32 = 1; i <= MK_BLOCKS; i++) {
    store<u8>(s + sLen, <u8>i);
    hmacMac(HMAC_KEY_PTR, HMAC_WORK_PTR, msg, msgLen, t);
    copy(KDF_S_PTR, t, T_LEN);
    t += T_LEN; msg = KDF_S_PTR; msgLen = T_LEN + sLen + COUNTER_LEN;
  }
  wipe(mk + MK_LEN, HALF); // the unused half of T7
  wipe(KDF_S_PTR, T_LEN + sLen + COUNTER_LEN);
  hmacForget(HMAC_KEY_PTR);
}

/** Octets of AT_MAC's MAC field: HMAC-SHA-256-128 (RFC 9048 3.4.1 / RFC 5448 3.4.1). */
const MAC_LEN: u32 = 16;
/** Where the chain puts K_aut and EMSK in `out` (CK′ 16, IK′ 16, K_encr 16, K_aut 32, K_re 32, MSK 64, EMSK 64). */
const K_AUT_OFF: u32 = 48;
const K_AUT_LEN: u32 = 32;
const EMSK_OFF: u32 = 176;
const KAUSF_LEN: u32 = 32;
/** The whole chain in `out`: CK′ ‖ IK′ ‖ MK. */
const CHAIN_LEN: u32 = PRF_KEY_LEN + MK_LEN;

/** The peer's AT_MAC work of one EAP-Request/AKA′-Challenge (RFC 4187 10.15 with RFC 9048 3.4.1:
 *  the MAC is HMAC-SHA-256-128 keyed with K_aut over the whole EAP packet with the AT_MAC value
 *  field set to zero), given the chain in out[0..240) from deriveEapAkaPrimeMk:
 *  - verify the request's MAC (`req` is the packet with its MAC field already zeroed, `mac` the
 *    16 octets received), in constant time;
 *  - if it verifies, MAC the EAP-Response/AKA′-Challenge (`rsp`, MAC field zeroed) and leave only
 *    that MAC in out[0..16) and KAUSF (EMSK[0..32), TS 33.501 6.1.3.1) in out[16..48).
 *  Either way K_aut, MK, CK′ and IK′ never leave: out[0..240), TMP and the HMAC key context are
 *  wiped (all of it when the MAC fails). Returns whether the request's MAC verified. */
export function eapAkaPrimeMacs(req: usize, reqLen: u32, mac: usize, rsp: usize, rspLen: u32, out: usize): bool {
  hmacSetKey(HMAC_KEY_PTR, HMAC_WORK_PTR, out + K_AUT_OFF, K_AUT_LEN);
  // TMP = [request HMAC 32][response HMAC 32][KAUSF 32]
  hmacMac(HMAC_KEY_PTR, HMAC_WORK_PTR, req, reqLen, TMP_PTR);
  const ok = equalCt(TMP_PTR, mac, MAC_LEN);
  if (ok) {
    hmacMac(HMAC_KEY_PTR, HMAC_WORK_PTR, rsp, rspLen, TMP_PTR + T_LEN);
    copy(TMP_PTR + 2 * T_LEN, out + EMSK_OFF, KAUSF_LEN);
  }
  hmacForget(HMAC_KEY_PTR);
  wipe(out, CHAIN_LEN);
  if (ok) {
    copy(out, TMP_PTR + T_LEN, MAC_LEN);
    copy(out + MAC_LEN, TMP_PTR + 2 * T_LEN, KAUSF_LEN);
  }
  wipe(TMP_PTR, 3 * T_LEN);
  return ok;
}
