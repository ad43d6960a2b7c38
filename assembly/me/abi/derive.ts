// Exports of the TS 33.501 / TS 33.401 Annex A derivations, one per clause. Key inputs are read
// from IO_IN at the given offsets (fixed lengths per clause: keys 32 octets, RAND 16, SQN⊕AK 6,
// SN id 3, SYNC-input/NH 32); the result is written to IO_OUT[0..32) (IO_OUT[0..16) for 128-bit
// outputs; CK at [0..16) and IK at [16..32) for key pairs). Every value is range-checked first.
import { IO_OUT_PTR } from "../memory";
import { STATUS_OK, STATUS_ERR_RANGE, STATUS_ERR_LENGTH, STATUS_ERR_VALUE, STATUS_ERR_MAC } from "../../lib/status";
import { inMailbox, inPtr, kdfInputFits } from "./check";
import * as A from "../kdf/annex_a";
import * as E from "../kdf/eps";
import { deriveEapAkaPrimeMk, eapAkaPrimeMacs } from "../kdf/eap_aka_prime";
import * as FC from "../kdf/fc";
import { kdfHold, kdfRelease } from "../kdf/kdf";

const KEY: u32 = 32;
const RAND_LEN: u32 = 16;
const SQN_LEN: u32 = 6;
const MAX_PCI_NR: u32 = 1007;       // TS 38.211 7.4.2.1: 1008 NR physical cell identities
const MAX_PCI_EUTRA: u32 = 503;     // TS 36.211 6.11: 504 E-UTRA physical cell identities
const MAX_NR_ARFCN: u32 = 3279165;  // TS 38.104 5.4.2.1: NR-ARFCN range
const MAX_EARFCN: u32 = 262143;     // TS 36.101 5.7.3: EARFCN range (18 bits)
const MAX_U16: u32 = 0xffff;

/** A.2 KAUSF → OUT[0..32). */
export function derive_kausf(ckIkOff: u32, snnOff: u32, snnLen: u32, sqnXorAkOff: u32): i32 {
  if (!inMailbox(ckIkOff, KEY) || !inMailbox(snnOff, snnLen) || !inMailbox(sqnXorAkOff, SQN_LEN)) return STATUS_ERR_RANGE;
  if (snnLen == 0 || !kdfInputFits(<u64>snnLen + SQN_LEN, 2)) return STATUS_ERR_LENGTH;
  A.deriveKausf(inPtr(ckIkOff), inPtr(snnOff), snnLen, inPtr(sqnXorAkOff), IO_OUT_PTR);
  return STATUS_OK;
}

/** A.3 CK′ → OUT[0..16), IK′ → OUT[16..32). The access network identity is the serving
 *  network name in 5G (any non-empty string for other uses of TS 33.402 A.2). */
export function derive_ck_ik_prime(ckIkOff: u32, aniOff: u32, aniLen: u32, sqnXorAkOff: u32): i32 {
  if (!inMailbox(ckIkOff, KEY) || !inMailbox(aniOff, aniLen) || !inMailbox(sqnXorAkOff, SQN_LEN)) return STATUS_ERR_RANGE;
  if (aniLen == 0 || !kdfInputFits(<u64>aniLen + SQN_LEN, 2)) return STATUS_ERR_LENGTH;
  A.deriveCkIkPrime(inPtr(ckIkOff), inPtr(aniOff), aniLen, inPtr(sqnXorAkOff), IO_OUT_PTR);
  return STATUS_OK;
}

/** EAP-AKA′ (TS 33.501 6.1.3.1, A.3; RFC 9048 3.3): CK′ → OUT[0..16), IK′ → OUT[16..32),
 *  K_encr → OUT[32..48), K_aut → OUT[48..80), K_re → OUT[80..112), MSK → OUT[112..176),
 *  EMSK → OUT[176..240) (KAUSF = its first 32 octets, OUT[176..208)). The access network identity
 *  is the serving network name in 5G; the identity is the EAP peer identity (non-empty; its
 *  length is bounded by the mailbox, and S = T ‖ "EAP-AKA'" ‖ Identity ‖ i always fits KDF_S). */
export function derive_eap_aka_prime(ckIkOff: u32, aniOff: u32, aniLen: u32, sqnXorAkOff: u32, idOff: u32, idLen: u32): i32 {
  // The identity is checked first; derive_ck_ik_prime checks the rest before it writes anything.
  if (!inMailbox(idOff, idLen)) return STATUS_ERR_RANGE;
  if (idLen == 0) return STATUS_ERR_LENGTH;
  const st = derive_ck_ik_prime(ckIkOff, aniOff, aniLen, sqnXorAkOff);
  if (st == STATUS_OK) deriveEapAkaPrimeMk(inPtr(idOff), idLen, IO_OUT_PTR);
  return st;
}

/** The UE's EAP-Response/AKA′-Challenge work (TS 33.501 6.1.3.1 step 6; RFC 9048 3.3, 3.4.1;
 *  RFC 4187 10.15) in one call, so K_aut and MK never reach the mailbox: derive the chain as
 *  derive_eap_aka_prime does (the identity is the SUPI, TS 33.501 F.3), verify the request's
 *  AT_MAC — `req` is the EAP-Request/AKA′-Challenge with its MAC field zeroed, `mac` the 16
 *  octets received — and MAC the response `rsp` (its MAC field zeroed). OUT[0..16) = the
 *  response's AT_MAC value, OUT[16..48) = KAUSF. A MAC that does not verify: STATUS_ERR_MAC and
 *  OUT all zeros. The EAP packets are 8..4096 octets (header 4, type/subtype/reserved 4). */
export function eap_aka_prime_challenge(ckIkOff: u32, aniOff: u32, aniLen: u32, sqnXorAkOff: u32, idOff: u32, idLen: u32,
  reqOff: u32, reqLen: u32, macOff: u32, rspOff: u32, rspLen: u32): i32 {
  if (!inMailbox(reqOff, reqLen) || !inMailbox(macOff, 16) || !inMailbox(rspOff, rspLen)) return STATUS_ERR_RANGE;
  if (reqLen < 8 || rspLen < 8) return STATUS_ERR_LENGTH;
  const st = derive_eap_aka_prime(ckIkOff, aniOff, aniLen, sqnXorAkOff, idOff, idLen);
  if (st != STATUS_OK) return st;
  return eapAkaPrimeMacs(inPtr(reqOff), reqLen, inPtr(macOff), inPtr(rspOff), rspLen, IO_OUT_PTR) ? STATUS_OK : STATUS_ERR_MAC;
}

/** A.4 RES* (128 bits) → OUT[0..16). RES is 4–16 octets (TS 33.102: 32–128 bits). */
export function derive_res_star(ckIkOff: u32, snnOff: u32, snnLen: u32, randOff: u32, resOff: u32, resLen: u32): i32 {
  if (!inMailbox(ckIkOff, KEY) || !inMailbox(snnOff, snnLen) || !inMailbox(randOff, RAND_LEN) || !inMailbox(resOff, resLen)) return STATUS_ERR_RANGE;
  if (snnLen == 0 || resLen < 4 || resLen > 16 || !kdfInputFits(<u64>snnLen + RAND_LEN + resLen, 3)) return STATUS_ERR_LENGTH;
  A.deriveResStar(inPtr(ckIkOff), inPtr(snnOff), snnLen, inPtr(randOff), inPtr(resOff), resLen, IO_OUT_PTR);
  return STATUS_OK;
}

/** A.5 HRES* (128 bits) → OUT[0..16). */
export function derive_hres_star(randOff: u32, resStarOff: u32): i32 {
  if (!inMailbox(randOff, RAND_LEN) || !inMailbox(resStarOff, 16)) return STATUS_ERR_RANGE;
  A.deriveHresStar(inPtr(randOff), inPtr(resStarOff), IO_OUT_PTR);
  return STATUS_OK;
}

/** A.6 KSEAF → OUT[0..32). */
export function derive_kseaf(kausfOff: u32, snnOff: u32, snnLen: u32): i32 {
  if (!inMailbox(kausfOff, KEY) || !inMailbox(snnOff, snnLen)) return STATUS_ERR_RANGE;
  if (snnLen == 0 || !kdfInputFits(snnLen, 1)) return STATUS_ERR_LENGTH;
  A.deriveKseaf(inPtr(kausfOff), inPtr(snnOff), snnLen, IO_OUT_PTR);
  return STATUS_OK;
}

/** A.7 KAMF → OUT[0..32). SUPI: non-empty character string; ABBA: ≥ 2 octets (TS 24.501
 *  9.11.3.10), any length beyond that. */
export function derive_kamf(kseafOff: u32, supiOff: u32, supiLen: u32, abbaOff: u32, abbaLen: u32): i32 {
  if (!inMailbox(kseafOff, KEY) || !inMailbox(supiOff, supiLen) || !inMailbox(abbaOff, abbaLen)) return STATUS_ERR_RANGE;
  if (supiLen == 0 || abbaLen < 2 || !kdfInputFits(<u64>supiLen + abbaLen, 2)) return STATUS_ERR_LENGTH;
  A.deriveKamf(inPtr(kseafOff), inPtr(supiOff), supiLen, inPtr(abbaOff), abbaLen, IO_OUT_PTR);
  return STATUS_OK;
}

/** A.8 algorithm key (128 bits) → OUT[0..16). distinguisher 1–6 (N-NAS-enc … N-UP-int),
 *  algorithm identity 0–15. */
export function derive_alg_key(keyOff: u32, distinguisher: u32, algId: u32): i32 {
  if (!inMailbox(keyOff, KEY)) return STATUS_ERR_RANGE;
  if (distinguisher < FC.ALG_DIST_NAS_ENC || distinguisher > FC.ALG_DIST_UP_INT || algId > 15) return STATUS_ERR_VALUE;
  A.deriveAlgKey5g(inPtr(keyOff), distinguisher, algId, IO_OUT_PTR);
  return STATUS_OK;
}

/** A.8 for NAS: KNASenc → OUT[0..16), KNASint → OUT[16..32). */
export function derive_nas_keys(kamfOff: u32, neaId: u32, niaId: u32): i32 {
  if (!inMailbox(kamfOff, KEY)) return STATUS_ERR_RANGE;
  if (neaId > 15 || niaId > 15) return STATUS_ERR_VALUE;
  kdfHold(); // one pad computation for both keys
  A.deriveAlgKey5g(inPtr(kamfOff), FC.ALG_DIST_NAS_ENC, neaId, IO_OUT_PTR);
  A.deriveAlgKey5g(inPtr(kamfOff), FC.ALG_DIST_NAS_INT, niaId, IO_OUT_PTR + 16);
  return kdfRelease(STATUS_OK);
}

/** A.9 KgNB (accessType 1) / KN3IWF (accessType 2) → OUT[0..32). */
export function derive_kgnb(kamfOff: u32, ulNasCount: u32, accessType: u32): i32 {
  if (!inMailbox(kamfOff, KEY)) return STATUS_ERR_RANGE;
  if (accessType != FC.ACCESS_3GPP && accessType != FC.ACCESS_NON_3GPP) return STATUS_ERR_VALUE;
  A.deriveKgnb(inPtr(kamfOff), ulNasCount, accessType, IO_OUT_PTR);
  return STATUS_OK;
}

/** A.10 NH → OUT[0..32). */
export function derive_nh(kamfOff: u32, syncOff: u32): i32 {
  if (!inMailbox(kamfOff, KEY) || !inMailbox(syncOff, KEY)) return STATUS_ERR_RANGE;
  A.deriveNh(inPtr(kamfOff), inPtr(syncOff), IO_OUT_PTR);
  return STATUS_OK;
}

/** A.11 (target = 0, gNB: PCI ≤ 1007, NR-ARFCN ≤ 3279165) / A.12 (target = 1, ng-eNB: PCI ≤ 503,
 *  EARFCN ≤ 262143) KNG-RAN* → OUT[0..32). */
export function derive_kng_ran_star(keyOff: u32, target: u32, pci: u32, arfcnDl: u32): i32 {
  if (!inMailbox(keyOff, KEY)) return STATUS_ERR_RANGE;
  if (target > 1) return STATUS_ERR_VALUE;
  if (target == 0 && (pci > MAX_PCI_NR || arfcnDl > MAX_NR_ARFCN)) return STATUS_ERR_VALUE;
  if (target == 1 && (pci > MAX_PCI_EUTRA || arfcnDl > MAX_EARFCN)) return STATUS_ERR_VALUE;
  A.deriveKngRanStar(inPtr(keyOff), target == 0 ? FC.FC_KNG_RAN_STAR_GNB : FC.FC_KNG_RAN_STAR_NG_ENB, pci, arfcnDl, IO_OUT_PTR);
  return STATUS_OK;
}

/** A.13 KAMF′ → OUT[0..32). direction 0 = idle mobility (UL COUNT), 1 = handover (DL COUNT). */
export function derive_kamf_prime(kamfOff: u32, direction: u32, count: u32): i32 {
  if (!inMailbox(kamfOff, KEY)) return STATUS_ERR_RANGE;
  if (direction > FC.DIRECTION_HANDOVER_DL) return STATUS_ERR_VALUE;
  A.deriveKamfPrime(inPtr(kamfOff), direction, count, IO_OUT_PTR);
  return STATUS_OK;
}

/** A.14.1 (handover = 0: idle, UL NAS COUNT) / A.14.2 (handover = 1: DL NAS COUNT) K′ASME. */
export function derive_kasme_prime(kamfOff: u32, handover: u32, count: u32): i32 {
  if (!inMailbox(kamfOff, KEY)) return STATUS_ERR_RANGE;
  if (handover > 1) return STATUS_ERR_VALUE;
  A.deriveKasmePrime(inPtr(kamfOff), handover ? FC.FC_KASME_PRIME_HO : FC.FC_KASME_PRIME_IDLE, count, IO_OUT_PTR);
  return STATUS_OK;
}

/** A.15.1 K′AMF from KASME (idle; UL EPS NAS COUNT of the TAU) → OUT[0..32). */
export function derive_kamf_from_kasme_idle(kasmeOff: u32, ulEpsNasCount: u32): i32 {
  if (!inMailbox(kasmeOff, KEY)) return STATUS_ERR_RANGE;
  A.deriveKamfFromKasmeIdle(inPtr(kasmeOff), ulEpsNasCount, IO_OUT_PTR);
  return STATUS_OK;
}

/** A.15.2 K′AMF from KASME (handover; NH) → OUT[0..32). */
export function derive_kamf_from_kasme_ho(kasmeOff: u32, nhOff: u32): i32 {
  if (!inMailbox(kasmeOff, KEY) || !inMailbox(nhOff, KEY)) return STATUS_ERR_RANGE;
  A.deriveKamfFromKasmeHo(inPtr(kasmeOff), inPtr(nhOff), IO_OUT_PTR);
  return STATUS_OK;
}

/** A.16 KSN (SN Counter 0–65535) → OUT[0..32). */
export function derive_ksn(keyOff: u32, snCounter: u32): i32 {
  if (!inMailbox(keyOff, KEY)) return STATUS_ERR_RANGE;
  if (snCounter > MAX_U16) return STATUS_ERR_VALUE;
  A.deriveKsn(inPtr(keyOff), snCounter, IO_OUT_PTR);
  return STATUS_OK;
}

/** A.21 KASME_SRVCC (DL NAS COUNT) → OUT[0..32). */
export function derive_kasme_srvcc(kamfOff: u32, dlNasCount: u32): i32 {
  if (!inMailbox(kamfOff, KEY)) return STATUS_ERR_RANGE;
  A.deriveKasmeSrvcc(inPtr(kamfOff), dlNasCount, IO_OUT_PTR);
  return STATUS_OK;
}

/** TS 33.401 A.2 KASME → OUT[0..32). */
export function derive_kasme(ckIkOff: u32, snIdOff: u32, sqnXorAkOff: u32): i32 {
  if (!inMailbox(ckIkOff, KEY) || !inMailbox(snIdOff, 3) || !inMailbox(sqnXorAkOff, SQN_LEN)) return STATUS_ERR_RANGE;
  E.deriveKasme(inPtr(ckIkOff), inPtr(snIdOff), inPtr(sqnXorAkOff), IO_OUT_PTR);
  return STATUS_OK;
}

/** TS 33.401 A.3 KeNB → OUT[0..32). */
export function derive_kenb(kasmeOff: u32, ulNasCount: u32): i32 {
  if (!inMailbox(kasmeOff, KEY)) return STATUS_ERR_RANGE;
  E.deriveKenb(inPtr(kasmeOff), ulNasCount, IO_OUT_PTR);
  return STATUS_OK;
}

/** TS 33.401 A.4 NH → OUT[0..32). */
export function derive_nh_eps(kasmeOff: u32, syncOff: u32): i32 {
  if (!inMailbox(kasmeOff, KEY) || !inMailbox(syncOff, KEY)) return STATUS_ERR_RANGE;
  E.deriveNhEps(inPtr(kasmeOff), inPtr(syncOff), IO_OUT_PTR);
  return STATUS_OK;
}

/** TS 33.401 A.5 KeNB* (PCI ≤ 503, EARFCN-DL ≤ 262143) → OUT[0..32). */
export function derive_kenb_star(keyOff: u32, pci: u32, earfcnDl: u32): i32 {
  if (!inMailbox(keyOff, KEY)) return STATUS_ERR_RANGE;
  if (pci > MAX_PCI_EUTRA || earfcnDl > MAX_EARFCN) return STATUS_ERR_VALUE;
  E.deriveKenbStar(inPtr(keyOff), pci, earfcnDl, IO_OUT_PTR);
  return STATUS_OK;
}

/** TS 33.401 A.7 algorithm key (128 bits) → OUT[0..16). */
export function derive_eps_alg_key(keyOff: u32, distinguisher: u32, algId: u32): i32 {
  if (!inMailbox(keyOff, KEY)) return STATUS_ERR_RANGE;
  if (distinguisher < FC.ALG_DIST_NAS_ENC || distinguisher > FC.ALG_DIST_UP_INT || algId > 15) return STATUS_ERR_VALUE;
  E.deriveAlgKeyEps(inPtr(keyOff), distinguisher, algId, IO_OUT_PTR);
  return STATUS_OK;
}

/** TS 33.401 A.12 CKSRVCC → OUT[0..16), IKSRVCC → OUT[16..32). */
export function derive_ck_ik_srvcc(kasmeOff: u32, dlNasCount: u32): i32 {
  if (!inMailbox(kasmeOff, KEY)) return STATUS_ERR_RANGE;
  E.deriveCkIkSrvcc(inPtr(kasmeOff), dlNasCount, IO_OUT_PTR);
  return STATUS_OK;
}

/** TS 33.401 A.19 S-KgNB (SCG Counter 0–65535) → OUT[0..32). */
export function derive_s_kgnb(kenbOff: u32, scgCounter: u32): i32 {
  if (!inMailbox(kenbOff, KEY)) return STATUS_ERR_RANGE;
  if (scgCounter > MAX_U16) return STATUS_ERR_VALUE;
  E.deriveSkgnb(inPtr(kenbOff), scgCounter, IO_OUT_PTR);
  return STATUS_OK;
}
