// 5G NAS security contexts (TS 33.501 6.2.3.2, TS 24.501 4.4.2) as flat fixed-size slots in
// CTX_SLOTS. A context is plain bytes with no pointers inside: moving one is one copy, retiring
// one is one wipe (STYLE 3).
//
// Slots:
//   CURRENT      the context in use (native or mapped)
//   NEW          a partial native context from primary authentication, waiting for its SMC
//   NON_CURRENT  a native context that is not in use: the one kept while a mobility registration
//                with a new KAMF is in progress (TS 33.501 6.9.3 with seed 000's change), or the native one
//                while a mapped context is current
//   MAPPED       a mapped context derived from EPS keys, waiting to be activated
//   CAND         scratch: the candidate context an SMC is verified with; wiped after every call
//
// Slot layout (CTX_SIZE = 256 bytes):
//   [  0]  type: 0 none, 1 partial native, 2 full native, 3 mapped
//   [  1]  ngKSI: TSC in bit 3 (0 native, 1 mapped), KSI in bits 2..0
//   [  2]  selected NAS algorithms: ciphering (NEA id) in bits 7..4, integrity (NIA id) in 3..0
//   [  3]  selected EPS NAS algorithms (for later N26 mobility, TS 24.501 9.11.3.25)
//   [  4]  flags: bit 0/1 = a downlink COUNT was accepted on 3GPP/non-3GPP access
//   [  5]  NCC of the current KgNB/NH (0..7)
//   [  8]  UL NAS COUNT to use next, per access (2 × u32); 0x01000000 means "spent"
//   [ 16]  last accepted DL NAS COUNT, per access (2 × u32)
//   [ 32]  KAMF (32)
//   [ 64]  KNASenc (16)
//   [ 80]  KNASint (16)
//   [ 96]  KgNB (32)
//   [128]  NH (32)
//   [  6]  PADS_OK: 1 while [192..256) holds the pads of this KAMF (kdf/kdf.ts key records)
//   [  7]  SUBKEYS_OK (fast build only, else 0): 1 while [160..192) holds the 128-NIA2 subkeys
//   [160]  fast build: the AES-CMAC subkeys K1 ‖ K2 of KNASint (SP 800-38B 6.1) when NIA is
//          128-NIA2, computed with the key by ctxSelectAlgorithms (the only writer of KNASint), so
//          each MAC under the key skips L = AES(KNASint, 0^128); key-equivalent, wiped with the
//          slot. The small build leaves [7] and [160..192) zero (reserved)
//   [192]  HMAC inner and outer chaining states of KAMF (2 × 32): key-equivalent, like the KAMF
//          beside them, and wiped with the slot
import { CTX_SLOTS_PTR, CTX_SLOTS_LEN, CIPHER_CTX_PTR } from "../memory";
import { FAST } from "../../crypto/variant";
import { cmacSubkeys } from "../../crypto/cmac";
import { NAS_ALG_AES } from "../nas/algorithms";
import { copy, wipe } from "../../lib/util";
import { deriveAlgKey5g } from "../kdf/annex_a";
import { KEY_RECORD_SIZE, KEY_RECORD_KEY_OFF } from "../kdf/kdf";
import { ALG_DIST_NAS_ENC, ALG_DIST_NAS_INT } from "../kdf/fc";

export const CTX_SIZE: u32 = KEY_RECORD_SIZE; // 256: the KDF finds a KAMF's pads by this layout
export const SLOT_CURRENT: u32 = 0;
export const SLOT_NEW: u32 = 1;
export const SLOT_NON_CURRENT: u32 = 2;
export const SLOT_MAPPED: u32 = 3;
export const SLOT_CAND: u32 = 4;
export const SLOT_COUNT: u32 = 5;

export const CTX_NONE: u8 = 0;
export const CTX_PARTIAL_NATIVE: u8 = 1;
export const CTX_FULL_NATIVE: u8 = 2;
export const CTX_MAPPED: u8 = 3;

export const OFF_TYPE: usize = 0;
export const OFF_NGKSI: usize = 1;
export const OFF_ALGS: usize = 2;
export const OFF_EPS_ALGS: usize = 3;
export const OFF_FLAGS: usize = 4;
export const OFF_NCC: usize = 5;
export const OFF_UL_COUNT: usize = 8;
export const OFF_DL_COUNT: usize = 16;
export const OFF_KAMF: usize = KEY_RECORD_KEY_OFF; // 32
export const OFF_KNASENC: usize = 64;
export const OFF_KNASINT: usize = 80;
export const OFF_KGNB: usize = 96;
export const OFF_NH: usize = 128;
/** Fast build: 1 while OFF_NIA2_SUBKEYS holds K1 ‖ K2 of this slot's KNASint (layout above). */
const OFF_SUBKEYS_OK: usize = 7;
const OFF_NIA2_SUBKEYS: usize = 160;

/** ngKSI TSC bit (TS 24.501 9.11.3.32): 1 = mapped security context. */
export const NGKSI_TSC_MAPPED: u32 = 0x08;
/** KSI '111': no key is available (UE → network) / reserved. */
export const KSI_NO_KEY: u32 = 0x07;

/** Address of a slot. */
// @ts-ignore: decorator
@inline export function slotPtr(slot: u32): usize { return CTX_SLOTS_PTR + <usize>(slot * CTX_SIZE); }

// @ts-ignore: decorator
@inline export function ctxType(ctx: usize): u8 { return load<u8>(ctx + OFF_TYPE); }
// @ts-ignore: decorator
@inline export function ctxNgKsi(ctx: usize): u32 { return <u32>load<u8>(ctx + OFF_NGKSI); }
// @ts-ignore: decorator
@inline export function ctxNea(ctx: usize): u32 { return <u32>load<u8>(ctx + OFF_ALGS) >> 4; }
// @ts-ignore: decorator
@inline export function ctxNia(ctx: usize): u32 { return <u32>load<u8>(ctx + OFF_ALGS) & 0x0f; }

/** A context that can protect messages: full native or mapped, with NAS keys. */
export function ctxUsable(ctx: usize): bool {
  const t = ctxType(ctx);
  return t == CTX_FULL_NATIVE || t == CTX_MAPPED;
}

/** Retire a slot: every byte zeroed. (The KDF's HMAC key context, which may hold this KAMF
 *  during the export, is forgotten before the export returns: kdf/kdf.ts kdfRun/kdfRelease.) */
export function ctxWipe(slot: u32): void {
  wipe(slotPtr(slot), CTX_SIZE);
}

/** Move a whole context: dst ← src (one copy), then src wiped. */
export function ctxMove(dst: u32, src: u32): void {
  copy(slotPtr(dst), slotPtr(src), CTX_SIZE);
  ctxWipe(src);
}

/**
 * Take the candidate context (slot CAND, verified by the caller) into use as CURRENT — the one
 * place that applies the lifecycle rules of TS 33.501 6.2.3 (6.2.3.2 with TS 24.501 4.4.2) when
 * a context becomes current. `source` is the slot CAND was made from (SLOT_CAND: built from
 * nothing, e.g. EPS keys or the emergency KAMF). `keepOld`: the caller's rule says the current
 * context stays as the non-current native one (below). Every slot written here is overwritten
 * whole (ctxMove copies all CTX_SIZE octets), so no byte of a replaced context survives.
 */
export function ctxActivate(source: u32, keepOld: bool): void {
  // TS 33.501 6.2.3.2: a current context (native or mapped) may coexist with ONE non-current
  // native context. A kept current context — the native one while a mapped context becomes
  // current (TS 33.501 8.4, TS 24.501 5.4.2.3), or the old KAMF's context during a registration
  // with a new KAMF (TS 33.501 6.9.3 with seed 000's change) — replaces any earlier one.
  if (keepOld) ctxMove(SLOT_NON_CURRENT, SLOT_CURRENT);
  // TS 33.501 6.2.3.2: a partial native context is always non-current and only becomes full
  // (and current) through its SMC, so slot NEW is emptied; a mapped context taken into use leaves
  // slot MAPPED. TS 24.501 5.4.2.3: an SMC naming the non-current native context while a mapped
  // one is current activates the native context and deletes the mapped one — that mapped one is
  // the CURRENT slot, overwritten below, and NON_CURRENT (the source) is emptied here.
  if (source != SLOT_CURRENT && source != SLOT_CAND) ctxWipe(source);
  ctxMove(SLOT_CURRENT, SLOT_CAND);
}

/**
 * A registration that ran with a kept old context ended (TS 33.501 6.9.3 with seed 000's change):
 * `accepted` (REGISTRATION ACCEPT with a new 5G-GUTI) → the new KAMF is committed and the kept
 * old context is deleted; otherwise → rolled back: the new context is deleted and the old one is
 * current again. The counterpart of ctxActivate(…, keepOld = true), kept beside it.
 */
export function ctxKeptOutcome(accepted: bool): void {
  if (accepted) ctxWipe(SLOT_NON_CURRENT);
  else ctxMove(SLOT_CURRENT, SLOT_NON_CURRENT);
}

/** Copy a whole context (src kept). */
export function ctxCopy(dst: u32, src: u32): void { copy(slotPtr(dst), slotPtr(src), CTX_SIZE); }

/** Start a context in `ctx` from a KAMF: type, ngKSI, COUNTs 0, no NAS keys yet. */
export function ctxInit(ctx: usize, type: u8, ngKsi: u32, kamf: usize): void {
  wipe(ctx, CTX_SIZE);
  store<u8>(ctx + OFF_TYPE, type);
  store<u8>(ctx + OFF_NGKSI, <u8>ngKsi);
  copy(ctx + OFF_KAMF, kamf, 32);
}

/** Select the NAS algorithms of a context and derive KNASenc/KNASint for them (TS 33.501 A.8:
 *  the keys are bound to the algorithm identities, so a new selection means new keys). */
export function ctxSelectAlgorithms(ctx: usize, nea: u32, nia: u32): void {
  store<u8>(ctx + OFF_ALGS, <u8>((nea << 4) | nia));
  deriveAlgKey5g(ctx + OFF_KAMF, ALG_DIST_NAS_ENC, nea, ctx + OFF_KNASENC);
  deriveAlgKey5g(ctx + OFF_KAMF, ALG_DIST_NAS_INT, nia, ctx + OFF_KNASINT);
  if (FAST) {
    // the subkeys follow KNASint: made here with it, or cleared with the old key's
    if (nia == NAS_ALG_AES) {
      cmacSubkeys(CIPHER_CTX_PTR, ctx + OFF_KNASINT, ctx + OFF_NIA2_SUBKEYS);
      store<u8>(ctx + OFF_SUBKEYS_OK, 1);
    } else {
      store<u8>(ctx + OFF_SUBKEYS_OK, 0);
      wipe(ctx + OFF_NIA2_SUBKEYS, 32);
    }
  }
}

/** Fast build: where K1 ‖ K2 of `key` are kept when `key` is a slot's KNASint whose subkeys were
 *  made with it (ctxSelectAlgorithms, 128-NIA2), else 0. */
export function nia2Subkeys(key: usize): usize {
  const rel = key - CTX_SLOTS_PTR;
  if (rel >= <usize>CTX_SLOTS_LEN || (rel & (<usize>CTX_SIZE - 1)) != OFF_KNASINT) return 0;
  const ctx = key - OFF_KNASINT;
  return load<u8>(ctx + OFF_SUBKEYS_OK) == 1 ? ctx + OFF_NIA2_SUBKEYS : 0;
}
