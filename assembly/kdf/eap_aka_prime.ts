// EAP-AKA′ key hierarchy on the UE (TS 33.501 6.1.3.1; RFC 9048 3.3 and 3.4, which update RFC 5448):
//   CK′ ‖ IK′ = KDF(CK ‖ IK, 0x20, access network identity, SQN ⊕ AK)   (TS 33.501 A.3, 33.402 A.2)
//   MK = PRF′(IK′ ‖ CK′, "EAP-AKA'" ‖ Identity)                          (RFC 9048 3.3; note IK′ first)
//   K_encr = MK[0..16), K_aut = MK[16..48), K_re = MK[48..80), MSK = MK[80..144), EMSK = MK[144..208)
//   KAUSF = the 256 most significant bits of EMSK = EMSK[0..32)          (TS 33.501 6.1.3.1)
// PRF′ (RFC 9048 3.4.1, the IKEv2 prf+ with HMAC-SHA-256):
//   T1 = HMAC(K, S ‖ 0x01), Ti = HMAC(K, T(i-1) ‖ S ‖ i); PRF′(K, S) = T1 ‖ T2 ‖ …
// MK is 1664 bits = 208 octets: T1..T7, the last 16 octets of T7 unused.
import { KDF_S_PTR, HMAC_KEY_PTR, HMAC_WORK_PTR, TMP_PTR } from "../memory";
import { hmacSetKey, hmacMac, hmacForget } from "../crypto/hmac";
import { copy, wipe } from "../util";

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
