// SRVCC from 5G to UTRAN CS on the UE (TS 33.501 Annex J.1 / the SRVCC clause of the published
// text, and the draft change request's variants). The KAMF never leaves the AMF: the UE derives
// the same mapped CS keys from its KAMF and the DL NAS COUNT the AMF used, whose 4 LSB come in
// the HO command, and holds them as a mapped SRVCC (CS) security context in SRVCC_CTX:
//   [0] valid, [1] KSISRVCC, [2] variant, [3] FC of the AMF step, [4] u32 DL NAS COUNT used,
//   [16] CKSRVCC (16), [32] IKSRVCC (16)
import { SRVCC_CTX_PTR, SRVCC_CTX_LEN, TMP_PTR } from "../memory";
import { OFF_KAMF, ctxNgKsi } from "./slots";
import { deriveCkIkSrvcc } from "../kdf/eps";
import { kdfKeyCount } from "../kdf/kdf";
import { copy, wipe } from "../../lib/util";

/** Published: AMF → KASME_SRVCC (A.21), MME_SRVCC → CK‖IK (TS 33.401 A.12, DL COUNT 0). */
export const SRVCC_MME_DERIVE: u32 = 0;
/** Draft variant: the MME treats the 256-bit key from the AMF as CKSRVCC ‖ IKSRVCC. */
export const SRVCC_MME_CONCAT: u32 = 1;
/** Draft variant: AMF–MSC server interface; the AMF derives CK‖IK from KAMF itself. */
export const SRVCC_DIRECT: u32 = 2;

export const SRVCC_VALID: usize = 0;
export const SRVCC_KSI: usize = 1;
export const SRVCC_VARIANT: usize = 2;
export const SRVCC_FC: usize = 3;
export const SRVCC_COUNT: usize = 4;
export const SRVCC_CK: usize = 16;
export const SRVCC_IK: usize = 32;

/**
 * Derive the mapped SRVCC context from the context at `ctx` and the DL NAS COUNT `count` (already
 * estimated from the HO command's 4 LSB). `fc` is the FC of the AMF step (0x7D = A.21 as
 * published). `kasmeOut` (32 bytes) receives the intermediate key of the MME variants (zeros for
 * `direct`).
 */
export function srvccDerive(ctx: usize, count: u32, variant: u32, fc: u32, kasmeOut: usize): void {
  wipe(SRVCC_CTX_PTR, SRVCC_CTX_LEN);
  const key = TMP_PTR + 64; // 32 bytes: KASME_SRVCC or CK‖IK from the AMF step
  // AMF step: KDF(KAMF, FC, P0 = DL NAS COUNT, L0 = 0x00 0x04) — A.21 KASME_SRVCC when FC = 0x7D
  kdfKeyCount(ctx + OFF_KAMF, fc, count, key);
  if (variant == SRVCC_MME_DERIVE) {
    // MME_SRVCC: CKSRVCC ‖ IKSRVCC = TS 33.401 A.12(KASME_SRVCC, NAS downlink COUNT = 0)
    copy(kasmeOut, key, 32);
    deriveCkIkSrvcc(key, 0, SRVCC_CTX_PTR + SRVCC_CK);
  } else {
    // mme-concat: the MME splits the key; direct: the AMF's output is CK ‖ IK itself
    if (variant == SRVCC_MME_CONCAT) copy(kasmeOut, key, 32); else wipe(kasmeOut, 32);
    copy(SRVCC_CTX_PTR + SRVCC_CK, key, 32);
  }
  wipe(key, 32);
  // ngKSI → eKSI → KSISRVCC (the value is reused at each step)
  store<u8>(SRVCC_CTX_PTR + SRVCC_KSI, <u8>(ctxNgKsi(ctx) & 7));
  store<u8>(SRVCC_CTX_PTR + SRVCC_VARIANT, <u8>variant);
  store<u8>(SRVCC_CTX_PTR + SRVCC_FC, <u8>fc);
  store<u32>(SRVCC_CTX_PTR + SRVCC_COUNT, count);
  store<u8>(SRVCC_CTX_PTR + SRVCC_VALID, 1);
}

export function srvccValid(): bool { return load<u8>(SRVCC_CTX_PTR + SRVCC_VALID) != 0; }

/** The SRVCC handover did not complete (or the CS call ended): the mapped SRVCC context is
 *  deleted (wiped). */
export function srvccDelete(): void { wipe(SRVCC_CTX_PTR, SRVCC_CTX_LEN); }
