// The generic key derivation function of TS 33.220 Annex B.2:
//   derived key = HMAC-SHA-256(Key, S),  S = FC ‖ P0 ‖ L0 ‖ P1 ‖ L1 ‖ … ‖ Pn ‖ Ln
// where Li is the length of Pi in octets as two big-endian octets (B.2.1.1).
//
// S is built in KDF_S by one appender, sParam, which writes Pi and then computes and writes Li
// itself: no caller ever counts byte offsets by hand (STYLE 6). The running length n is threaded
// through the calls: n = sBegin(FC); n = sParam(n, P0, len0); …; kdfRun(key, keyLen, n, out).
import { KDF_S_PTR, HMAC_KEY_PTR, HMAC_WORK_PTR, TMP_PTR, CTX_SLOTS_PTR, CTX_SLOTS_LEN } from "../memory";
import { hmacSetKey, hmacMac, hmacForget, HMAC_HOLD_OFF, HMAC_ISTATE_OFF } from "../../crypto/hmac";
import { copy, wipe, storeBe16, storeBe32 } from "../../lib/util";
import { hmacShortFast, HMAC_SHORT_MAX } from "../../crypto/hmac-fast";
import { FAST } from "../../crypto/variant";

/** Start S with the one-octet function code FC. Returns the length of S so far. */
export function sBegin(fc: u32): u32 {
  store<u8>(KDF_S_PTR, <u8>fc);
  return 1;
}

/** Append Pi (`len` octets at `p`) and Li = len (two octets, big-endian). */
export function sParam(n: u32, p: usize, len: u32): u32 {
  copy(KDF_S_PTR + n, p, len);
  storeBe16(KDF_S_PTR + n + len, len);
  return n + len + 2;
}

/** Append a parameter given as an unsigned integer of `octets` octets (1–4), big-endian:
 *  COUNTs (4), PCI/SN Counter (2), ARFCN (3), distinguishers and algorithm ids (1). */
export function sParamInt(n: u32, value: u32, octets: u32): u32 {
  const p = KDF_S_PTR + n;
  if (octets == 4) storeBe32(p, value);
  else for (let i: u32 = 0; i < octets; i++) store<u8>(p + i, <u8>(value >>> ((octets - 1 - i) << 3)));
  storeBe16(p + octets, octets);
  return n + octets + 2;
}

// Pads owned by the record that owns the key (Go's hmac.New: the caller owns the key context).
// The 5G NAS security context slots (context/slots.ts, CTX_SLOTS) are key records: a slot keeps
// its KAMF's ipad/opad chaining states beside the KAMF, valid while its PADS_OK byte is 1. The
// slot holds the KAMF itself anyway, so the pads add no new secret there, and wiping the slot
// wipes them; every later export that derives from that KAMF (SMC, KgNB, SRVCC, interworking)
// skips the key setup. Any other key uses the HMAC_KEY context, which never outlives a call.
export const KEY_RECORD_SIZE: u32 = 256;
export const KEY_RECORD_KEY_OFF: usize = 32;
export const KEY_RECORD_PADS_OK_OFF: usize = 6;
export const KEY_RECORD_PADS_OFF: usize = 192;

/** The record whose key field is at `p` (a slot's KAMF), or 0. */
function keyRecord(p: usize): usize {
  const rel = p - CTX_SLOTS_PTR;
  return rel < <usize>CTX_SLOTS_LEN && (rel & (KEY_RECORD_SIZE - 1)) == KEY_RECORD_KEY_OFF ? p - KEY_RECORD_KEY_OFF : 0;
}

/** KDF(Key, S) with S = KDF_S[0..n) → 32 octets at `out`. S is wiped afterwards (it can carry
 *  key material, e.g. the SYNC-input of A.10 or the NH of A.15.2), and so is the HMAC key context
 *  unless the export holds it (kdfHold): a key's bytes and pads never outlive the call, except the
 *  pads a context slot keeps for its own KAMF (above). */
export function kdfRun(key: usize, keyLen: u32, n: u32, out: usize): void {
  let kctx = HMAC_KEY_PTR;
  const rec = keyRecord(key);
  if (rec != 0) {
    // hmacMac reads the states at kctx + ISTATE and kctx + ISTATE + 32: point it at the record's
    if (load<u8>(rec + KEY_RECORD_PADS_OK_OFF) == 0) {
      hmacSetKey(HMAC_KEY_PTR, HMAC_WORK_PTR, key, 32);
      copy(rec + KEY_RECORD_PADS_OFF, HMAC_KEY_PTR + HMAC_ISTATE_OFF, 64);
      store<u8>(rec + KEY_RECORD_PADS_OK_OFF, 1);
    }
    kctx = rec + KEY_RECORD_PADS_OFF - HMAC_ISTATE_OFF;
  } else hmacSetKey(HMAC_KEY_PTR, HMAC_WORK_PTR, key, keyLen);
  // the fast build computes a one-block S (every Annex A derivation but the long ones) with two
  // compressions written out (crypto/hmac-fast.ts) instead of the streaming SHA-256 calls
  if (FAST && <usize>n <= HMAC_SHORT_MAX) hmacShortFast(kctx + HMAC_ISTATE_OFF, HMAC_WORK_PTR, KDF_S_PTR, n, out);
  else hmacMac(kctx, HMAC_WORK_PTR, KDF_S_PTR, n, out);
  wipe(KDF_S_PTR, n);
  // A derivation into a slot's KAMF field (KAMF′, K′AMF) replaces the key: its pads are stale.
  const dst = keyRecord(out);
  if (dst != 0) store<u8>(dst + KEY_RECORD_PADS_OK_OFF, 0);
  if (load<u8>(HMAC_KEY_PTR + HMAC_HOLD_OFF) == 0) hmacForget(HMAC_KEY_PTR);
}

/** Keep the HMAC key context between the derivations of this export (several keys from one
 *  KAMF: NAS keys, KgNB, mapped EPS keys), so the pads are computed once per key. The export
 *  must return through kdfRelease, on every path. */
// @ts-ignore: decorator
@inline export function kdfHold(): void { store<u8>(HMAC_KEY_PTR + HMAC_HOLD_OFF, 1); }

/** End of a holding export: forget the key context (key bytes, pads, HOLD), pass `status` on. */
// @ts-ignore: decorator
@inline export function kdfRelease(status: i32): i32 { hmacForget(HMAC_KEY_PTR); return status; }

/** KDF truncated to its 128 least significant bits: output octets 16..31 (TS 33.501 A.8,
 *  TS 33.401 A.7: "the n least significant bits" are the last n/8 octets) → 16 octets at `out`. */
export function kdfRun128(key: usize, keyLen: u32, n: u32, out: usize): void {
  kdfRun(key, keyLen, n, TMP_PTR);
  copy(out, TMP_PTR + 16, 16);
  wipe(TMP_PTR, 32);
}

/** The most common Annex A shape: KDF(KEY, FC, P0 = a 4-octet COUNT, L0 = 0x00 0x04), 32-byte
 *  KEY. Shared by the per-clause functions, which stay the named entry points. */
export function kdfKeyCount(key: usize, fc: u32, count: u32, out: usize): void {
  let n = sBegin(fc);
  n = sParamInt(n, count, 4);
  kdfRun(key, 32, n, out);
}

/** KDF(KEY, FC, P0 = a 32-octet key, L0 = 0x00 0x20): NH (A.10, 33.401 A.4), K′AMF (A.15.2). */
export function kdfKeyKey(key: usize, fc: u32, p0: usize, out: usize): void {
  let n = sBegin(fc);
  n = sParam(n, p0, 32);
  kdfRun(key, 32, n, out);
}

/** Algorithm key (TS 33.501 A.8 with FC 0x69, TS 33.401 A.7 with FC 0x15): P0 = algorithm type
 *  distinguisher, L0 = 0x00 0x01; P1 = algorithm identity, L1 = 0x00 0x01; 128 LSB. */
export function kdfAlgKey(key: usize, fc: u32, distinguisher: u32, algId: u32, out: usize): void {
  let n = sBegin(fc);
  n = sParamInt(n, distinguisher, 1);
  n = sParamInt(n, algId, 1);
  kdfRun128(key, 32, n, out);
}
