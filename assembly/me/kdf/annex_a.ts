// TS 33.501 Annex A key derivations, one function per clause. Every function takes pointers to
// its inputs and writes its output to `out`; lengths that the clause fixes are not parameters.
// Inputs are validated by the ABI layer before these run.
import { sBegin, sParam, sParamInt, kdfRun, kdfRun128, kdfKeyCount, kdfKeyKey, kdfAlgKey } from "./kdf";
import * as FC from "./fc";
import { HMAC_WORK_PTR, TMP_PTR } from "../memory";
import { sha256Init, sha256Update, sha256Final, sha256Wipe } from "../../crypto/sha256";
import { copy, wipe } from "../../lib/util";

const KEY_LEN: u32 = 32;

/** A.2 KAUSF (5G AKA). KEY = CK ‖ IK (32 octets); FC = 0x6A;
 *  P0 = serving network name, L0 = its length; P1 = SQN ⊕ AK, L1 = 0x00 0x06. */
export function deriveKausf(ckIk: usize, snn: usize, snnLen: u32, sqnXorAk: usize, out: usize): void {
  let n = sBegin(FC.FC_KAUSF);
  n = sParam(n, snn, snnLen);
  n = sParam(n, sqnXorAk, 6);
  kdfRun(ckIk, KEY_LEN, n, out);
}

/** A.3 CK′, IK′ (EAP-AKA′) via TS 33.402 A.2. KEY = CK ‖ IK; FC = 0x20;
 *  P0 = access network identity (the serving network name in 5G), L0 = its length;
 *  P1 = SQN ⊕ AK, L1 = 0x00 0x06. CK′ = the 128 most significant bits, IK′ = the 128 least. */
export function deriveCkIkPrime(ckIk: usize, ani: usize, aniLen: u32, sqnXorAk: usize, out: usize): void {
  let n = sBegin(FC.FC_CK_IK_PRIME);
  n = sParam(n, ani, aniLen);
  n = sParam(n, sqnXorAk, 6);
  kdfRun(ckIk, KEY_LEN, n, out); // out[0..16) = CK′, out[16..32) = IK′
}

/** A.4 RES* / XRES*. KEY = CK ‖ IK; FC = 0x6B; P0 = serving network name, L0 = its length;
 *  P1 = RAND, L1 = 0x00 0x10; P2 = RES, L2 = its length (4–16 octets). Output: 128 LSB. */
export function deriveResStar(ckIk: usize, snn: usize, snnLen: u32, rand: usize, res: usize, resLen: u32, out: usize): void {
  let n = sBegin(FC.FC_RES_STAR);
  n = sParam(n, snn, snnLen);
  n = sParam(n, rand, 16);
  n = sParam(n, res, resLen);
  kdfRun128(ckIk, KEY_LEN, n, out);
}

/** A.5 HRES* / HXRES*: the 128 LSB of SHA-256(RAND ‖ RES*) — S = RAND ‖ RES*, no FC, no L. */
export function deriveHresStar(rand: usize, resStar: usize, out: usize): void {
  sha256Init(HMAC_WORK_PTR);
  sha256Update(HMAC_WORK_PTR, rand, 16);
  sha256Update(HMAC_WORK_PTR, resStar, 16);
  sha256Final(HMAC_WORK_PTR, TMP_PTR);
  copy(out, TMP_PTR + 16, 16);
  wipe(TMP_PTR, 32);
  sha256Wipe(HMAC_WORK_PTR);
}

/** A.6 KSEAF. KEY = KAUSF; FC = 0x6C; P0 = serving network name, L0 = its length. */
export function deriveKseaf(kausf: usize, snn: usize, snnLen: u32, out: usize): void {
  let n = sBegin(FC.FC_KSEAF);
  n = sParam(n, snn, snnLen);
  kdfRun(kausf, KEY_LEN, n, out);
}

/** A.7 KAMF. KEY = KSEAF; FC = 0x6D; P0 = SUPI (IMSI digits or NAI, as a character string),
 *  L0 = its length; P1 = ABBA, L1 = its length (0x00 0x02 for the value 0x0000). */
export function deriveKamf(kseaf: usize, supi: usize, supiLen: u32, abba: usize, abbaLen: u32, out: usize): void {
  let n = sBegin(FC.FC_KAMF);
  n = sParam(n, supi, supiLen);
  n = sParam(n, abba, abbaLen);
  kdfRun(kseaf, KEY_LEN, n, out);
}

/** A.8 algorithm key (KNASenc/KNASint from KAMF; KRRC*, KUP* from KgNB or KSN). FC = 0x69;
 *  P0 = algorithm type distinguisher, L0 = 0x00 0x01; P1 = algorithm identity (4 LSB of the
 *  octet, high nibble 0), L1 = 0x00 0x01. Output: 128 LSB. */
// @ts-ignore: decorator
@inline export function deriveAlgKey5g(key: usize, distinguisher: u32, algId: u32, out: usize): void {
  kdfAlgKey(key, FC.FC_ALG_KEY_5G, distinguisher, algId, out);
}

/** A.9 KgNB (access type 0x01) / KN3IWF (0x02). KEY = KAMF; FC = 0x6E;
 *  P0 = uplink NAS COUNT, L0 = 0x00 0x04; P1 = access type distinguisher, L1 = 0x00 0x01. */
export function deriveKgnb(kamf: usize, ulNasCount: u32, accessType: u32, out: usize): void {
  let n = sBegin(FC.FC_KGNB_KN3IWF);
  n = sParamInt(n, ulNasCount, 4);
  n = sParamInt(n, accessType, 1);
  kdfRun(kamf, KEY_LEN, n, out);
}

/** A.10 NH. KEY = KAMF; FC = 0x6F; P0 = SYNC-input (the new KgNB for NCC 1, then the previous
 *  NH), L0 = 0x00 0x20. */
// @ts-ignore: decorator
@inline export function deriveNh(kamf: usize, syncInput: usize, out: usize): void { kdfKeyKey(kamf, FC.FC_NH_5G, syncInput, out); }

/** A.11 (target gNB, FC = 0x70) / A.12 (target ng-eNB, FC = 0x71) KNG-RAN*. KEY = NH or the
 *  current KgNB/KeNB; P0 = PCI, L0 = 0x00 0x02; P1 = ARFCN-DL / EARFCN-DL, L1 = 0x00 0x03
 *  (three octets, as the clause gives it). */
export function deriveKngRanStar(key: usize, fc: u32, pci: u32, arfcnDl: u32, out: usize): void {
  let n = sBegin(fc);
  n = sParamInt(n, pci, 2);
  n = sParamInt(n, arfcnDl, 3);
  kdfRun(key, KEY_LEN, n, out);
}

/** A.13 KAMF′. KEY = KAMF; FC = 0x72; P0 = DIRECTION (0x00 idle mobility, 0x01 handover),
 *  L0 = 0x00 0x01; P1 = COUNT (the UL NAS COUNT of the Registration Request for idle mobility,
 *  the DL NAS COUNT for handover), L1 = 0x00 0x04. */
export function deriveKamfPrime(kamf: usize, direction: u32, count: u32, out: usize): void {
  let n = sBegin(FC.FC_KAMF_PRIME);
  n = sParamInt(n, direction, 1);
  n = sParamInt(n, count, 4);
  kdfRun(kamf, KEY_LEN, n, out);
}

/** A.14.1 (idle, FC = 0x73, P0 = UL NAS COUNT) / A.14.2 (handover, FC = 0x74, P0 = DL NAS COUNT)
 *  K′ASME from KAMF. L0 = 0x00 0x04. */
// @ts-ignore: decorator
@inline export function deriveKasmePrime(kamf: usize, fc: u32, count: u32, out: usize): void { kdfKeyCount(kamf, fc, count, out); }

/** A.15.1 K′AMF from KASME, EPS→5G idle mobility. KEY = KASME; FC = 0x75;
 *  P0 = UL EPS NAS COUNT of the TAU carried in the Registration Request, L0 = 0x00 0x04. */
// @ts-ignore: decorator
@inline export function deriveKamfFromKasmeIdle(kasme: usize, ulEpsNasCount: u32, out: usize): void {
  kdfKeyCount(kasme, FC.FC_KAMF_FROM_KASME_IDLE, ulEpsNasCount, out);
}

/** A.15.2 K′AMF from KASME, EPS→5G handover. KEY = KASME; FC = 0x76; P0 = NH, L0 = 0x00 0x20. */
// @ts-ignore: decorator
@inline export function deriveKamfFromKasmeHo(kasme: usize, nh: usize, out: usize): void { kdfKeyKey(kasme, FC.FC_KAMF_FROM_KASME_HO, nh, out); }

/** A.16 KSN. KEY = KgNB (or KeNB when the master node is an ng-eNB); FC = 0x79;
 *  P0 = SN Counter, L0 = 0x00 0x02. */
export function deriveKsn(key: usize, snCounter: u32, out: usize): void {
  let n = sBegin(FC.FC_KSN);
  n = sParamInt(n, snCounter, 2);
  kdfRun(key, KEY_LEN, n, out);
}

/** A.21 KASME_SRVCC. KEY = KAMF; FC = 0x7D; P0 = NAS downlink COUNT, L0 = 0x00 0x04. */
// @ts-ignore: decorator
@inline export function deriveKasmeSrvcc(kamf: usize, dlNasCount: u32, out: usize): void { kdfKeyCount(kamf, FC.FC_KASME_SRVCC, dlNasCount, out); }
