// Mapped contexts for 5G ↔ EPS interworking (TS 33.501 8.2–8.6) and the N2 handover NAS
// transparent container (6.9.2.3). The DL NAS COUNT of a handover arrives as its 8 LSB (or 4 LSB
// for SRVCC); the UE's estimate must be above the last DL COUNT it accepted.
import { TMP_PTR } from "../memory";
import { OFF_KAMF, OFF_KGNB, OFF_NH, OFF_NCC, OFF_EPS_ALGS, OFF_KNASINT, ctxNia } from "./slots";
import { dlSeen, dlCount } from "../nas/count";
import { deriveKasmePrime, deriveKgnb } from "../kdf/annex_a";
import { nia, NAS_ALG_NULL, NAS_ALG_ZUC } from "../nas/algorithms";
import { FLAG_EMERGENCY, ueFlag } from "./ue-state";
import { deriveKenb, deriveNhEps, deriveAlgKeyEps } from "../kdf/eps";
import { FC_KASME_PRIME_IDLE, FC_KASME_PRIME_HO, ALG_DIST_NAS_ENC, ALG_DIST_NAS_INT } from "../kdf/fc";
import { equalCt, wipe } from "../../lib/util";

/** 2^32 − 1: the COUNT of the temporary KeNB/KgNB and of the NASC MAC at handover. */
export const COUNT_HO: u32 = 0xffffffff;

/**
 * The smallest DL NAS COUNT above the last accepted one (or ≥ 0 when none was accepted) whose
 * `bits` least significant bits equal `lsb` (TS 33.501 8.3.2 / J.1: the HO command carries only
 * those bits). Returns 0xFFFFFFFF when it would pass the 24-bit NAS COUNT.
 */
export function estimateFromLsb(ctx: usize, access: u32, lsb: u32, bits: u32): u32 {
  const mask = (<u32>1 << bits) - 1;
  const floor: u32 = dlSeen(ctx, access) ? dlCount(ctx, access) + 1 : 0;
  let c = (floor & ~mask) | (lsb & mask);
  if (c < floor) c += mask + 1;
  return c > 0x00ffffff ? 0xffffffff : c;
}

/**
 * Mapped EPS security context from the 5G one (TS 33.501 8.5/8.6.1, 8.3.2). Writes to `out`:
 *   [0..32)  K′ASME = A.14.1(KAMF, UL NAS COUNT) idle / A.14.2(KAMF, DL NAS COUNT) handover
 *   [32..48) EPS KNASenc, [48..64) EPS KNASint (TS 33.401 A.7, the EPS algorithms of the SMC)
 *   and for a handover: [64..96) KeNB = TS 33.401 A.3(K′ASME, 2^32−1), [96..128) NH with NCC 2
 *   (NH derived twice: NH1 = A.4(K′ASME, KeNB), NH2 = A.4(K′ASME, NH1)).
 */
export function mapToEps(ctx: usize, count: u32, handover: bool, out: usize): void {
  deriveKasmePrime(ctx + OFF_KAMF, handover ? FC_KASME_PRIME_HO : FC_KASME_PRIME_IDLE, count, out);
  const eps = <u32>load<u8>(ctx + OFF_EPS_ALGS);
  deriveAlgKeyEps(out, ALG_DIST_NAS_ENC, eps >> 4, out + 32);
  deriveAlgKeyEps(out, ALG_DIST_NAS_INT, eps & 0x0f, out + 48);
  if (handover) {
    deriveKenb(out, COUNT_HO, out + 64);
    deriveNhEps(out, out + 64, TMP_PTR);
    deriveNhEps(out, TMP_PTR, out + 96);
    wipe(TMP_PTR, 32);
  }
}

/** Temporary KgNB = A.9(KAMF, UL NAS COUNT 2^32−1), NCC 0 (TS 33.501 8.4.2 / 6.9.2.3.3). */
export function temporaryKgnb(ctx: usize): void {
  deriveKgnb(ctx + OFF_KAMF, COUNT_HO, 1, ctx + OFF_KGNB);
  store<u8>(ctx + OFF_NCC, 0);
  wipe(ctx + OFF_NH, 32);
}

/**
 * Verify a handover NAS transparent container (Intra N1 mode, or S1 mode to N1 mode; value part,
 * 7 octets: NAS-MAC (4), selected algorithms, KACF ‖ TSC ‖ KSI, SQN) with the KNASint of `ctx`:
 * 128-NIA with COUNT = 2^32−1 (used for this MAC only, never stored), BEARER = the 3GPP NAS
 * connection identifier, DIRECTION = 1, MESSAGE = the container after the MAC field.
 */
export function nascMacOk(ctx: usize, nasc: usize): bool {
  nia(ctxNia(ctx), ctx + OFF_KNASINT, COUNT_HO, 1, 1, nasc + 4, 3 << 3, TMP_PTR);
  const ok = equalCt(TMP_PTR, nasc, 4);
  wipe(TMP_PTR, 4);
  return ok;
}

/** The NAS security algorithms octet of a NAS transparent container (TS 24.501 9.11.3.34: 5G-EA in
 *  bits 8–5, 5G-IA in bits 4–1): defined algorithms only, and 5G-IA0 only for an emergency, the
 *  rule the SMC applies (TS 24.501 5.4.2.3; TS 33.501 5.5.2) — else a container with null
 *  integrity, whose NAS-MAC is all zeros, would switch the UE to a context anyone can forge. */
export function containerAlgsOk(algs: u32): bool {
  const nia = algs & 15;
  return (algs >> 4) <= NAS_ALG_ZUC && nia <= NAS_ALG_ZUC && (nia != NAS_ALG_NULL || ueFlag(FLAG_EMERGENCY));
}
