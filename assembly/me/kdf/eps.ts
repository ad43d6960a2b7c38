// TS 33.401 Annex A key derivations (EPS), used for 5G↔EPS interworking and SRVCC.
import { sBegin, sParam, sParamInt, kdfRun, kdfKeyCount, kdfKeyKey, kdfAlgKey } from "./kdf";
import * as FC from "./fc";

const KEY_LEN: u32 = 32;

/** A.2 KASME. KEY = CK ‖ IK; FC = 0x10; P0 = SN id (PLMN identity, 3 octets), L0 = 0x00 0x03;
 *  P1 = SQN ⊕ AK, L1 = 0x00 0x06. */
export function deriveKasme(ckIk: usize, snId: usize, sqnXorAk: usize, out: usize): void {
  let n = sBegin(FC.FC_KASME);
  n = sParam(n, snId, 3);
  n = sParam(n, sqnXorAk, 6);
  kdfRun(ckIk, KEY_LEN, n, out);
}

/** A.3 KeNB. KEY = KASME; FC = 0x11; P0 = uplink NAS COUNT, L0 = 0x00 0x04. */
// @ts-ignore: decorator
@inline export function deriveKenb(kasme: usize, ulNasCount: u32, out: usize): void { kdfKeyCount(kasme, FC.FC_KENB, ulNasCount, out); }

/** A.4 NH. KEY = KASME; FC = 0x12; P0 = SYNC-input, L0 = 0x00 0x20. */
// @ts-ignore: decorator
@inline export function deriveNhEps(kasme: usize, syncInput: usize, out: usize): void { kdfKeyKey(kasme, FC.FC_NH_EPS, syncInput, out); }

/** A.5 KeNB*. KEY = KeNB or NH; FC = 0x13; P0 = target PCI, L0 = 0x00 0x02; P1 = EARFCN-DL,
 *  L1 = 0x00 0x02 for EARFCN-DL 0–65535, 0x00 0x03 for 65536–262143 (extended EARFCN). */
export function deriveKenbStar(key: usize, pci: u32, earfcnDl: u32, out: usize): void {
  let n = sBegin(FC.FC_KENB_STAR);
  n = sParamInt(n, pci, 2);
  n = sParamInt(n, earfcnDl, earfcnDl > 0xffff ? 3 : 2);
  kdfRun(key, KEY_LEN, n, out);
}

/** A.7 algorithm key (KNASenc/KNASint from KASME; KRRC*, KUP* from KeNB). FC = 0x15;
 *  P0 = algorithm type distinguisher, L0 = 0x00 0x01; P1 = algorithm identity, L1 = 0x00 0x01.
 *  Output: 128 LSB. */
// @ts-ignore: decorator
@inline export function deriveAlgKeyEps(key: usize, distinguisher: u32, algId: u32, out: usize): void {
  kdfAlgKey(key, FC.FC_ALG_KEY_EPS, distinguisher, algId, out);
}

/** A.12 CKSRVCC ‖ IKSRVCC (E-UTRAN/mapped EPS → UTRAN CS). KEY = KASME; FC = 0x1A;
 *  P0 = NAS downlink COUNT, L0 = 0x00 0x04. CKSRVCC = the 128 most significant bits of the
 *  output, IKSRVCC = the 128 least significant bits. */
// @ts-ignore: decorator
@inline export function deriveCkIkSrvcc(kasme: usize, dlNasCount: u32, out: usize): void {
  kdfKeyCount(kasme, FC.FC_CK_IK_SRVCC, dlNasCount, out); // out[0..16) = CKSRVCC, out[16..32) = IKSRVCC
}

/** A.19 S-KgNB (EN-DC). KEY = KeNB; FC = 0x1C; P0 = SCG Counter, L0 = 0x00 0x02. */
export function deriveSkgnb(kenb: usize, scgCounter: u32, out: usize): void {
  let n = sBegin(FC.FC_S_KGNB);
  n = sParamInt(n, scgCounter, 2);
  kdfRun(kenb, KEY_LEN, n, out);
}
