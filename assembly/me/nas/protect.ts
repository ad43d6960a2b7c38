// NAS message protection (TS 24.501 4.4 and 9.1/9.3, TS 33.501 6.4). A security protected 5GMM
// message is:  EPD 0x7E ‖ security header type ‖ MAC (4) ‖ SQN (1) ‖ (ciphered) plain message.
// Protect = cipher, then the 32-bit MAC over SQN ‖ ciphertext; unprotect = MAC check (constant
// time), then decipher.
import { STATUS_OK, STATUS_ERR_MAC, STATUS_ERR_REPLAY, STATUS_ERR_COUNT_WRAP, STATUS_ERR_FORMAT, STATUS_ERR_STATE, STATUS_ERR_VALUE } from "../../lib/status";
import { OFF_KNASENC, OFF_KNASINT, ctxNea, ctxNia, ctxUsable } from "../context/slots";
import { nea, nia } from "./algorithms";
import { TMP_PTR } from "../memory";
import { equalCt, wipe } from "../../lib/util";
import {
  COUNT_INVALID, ulCountForSend, ulCountAdvance, estimateDl, replayCandidate, acceptDl, replayProtected, nasBearer,
} from "./count";

export const EPD_5GMM: u8 = 0x7e;
/** Security header types (TS 24.501 9.3.1). */
export const SHT_PLAIN: u32 = 0;
export const SHT_INTEGRITY: u32 = 1;
export const SHT_INTEGRITY_CIPHERED: u32 = 2;
export const SHT_INTEGRITY_NEW_CTX: u32 = 3;          // SECURITY MODE COMMAND only
export const SHT_INTEGRITY_CIPHERED_NEW_CTX: u32 = 4; // SECURITY MODE COMPLETE only
/** Length of the security protected header: EPD, SHT, MAC (4), SQN. */
export const SEC_HEADER_LEN: u32 = 7;
const DIRECTION_UPLINK: u32 = 0;
const DIRECTION_DOWNLINK: u32 = 1;

// @ts-ignore: decorator
@inline function ciphered(sht: u32): bool { return sht == SHT_INTEGRITY_CIPHERED || sht == SHT_INTEGRITY_CIPHERED_NEW_CTX; }

/**
 * Protect a plain 5GMM message (`len` octets at `plain`) for the uplink with context `ctx` and
 * security header type `sht` (1, 2 or 4), writing len + 7 octets at `out` (which must not overlap
 * `plain`). Uses the context's next UL COUNT for `access` and then increments it. Refuses
 * (ERR_COUNT_WRAP, nothing changed) when the COUNT is spent.
 */
export function protect(ctx: usize, access: u32, sht: u32, plain: usize, len: u32, out: usize): i32 {
  if (!ctxUsable(ctx)) return STATUS_ERR_STATE;
  if (sht != SHT_INTEGRITY && sht != SHT_INTEGRITY_CIPHERED && sht != SHT_INTEGRITY_CIPHERED_NEW_CTX) return STATUS_ERR_VALUE;
  const count = ulCountForSend(ctx, access);
  if (count == COUNT_INVALID) return STATUS_ERR_COUNT_WRAP;
  const bearer = nasBearer(access);
  store<u8>(out, EPD_5GMM);
  store<u8>(out + 1, <u8>sht);
  store<u8>(out + 6, <u8>count); // NAS SQN: the 8 LSB of the NAS COUNT
  const body = out + SEC_HEADER_LEN;
  // 1. cipher (or copy) the plain message into place
  nea(ciphered(sht) ? ctxNea(ctx) : 0, ctx + OFF_KNASENC, count, bearer, DIRECTION_UPLINK, plain, body, len << 3);
  // 2. NAS-MAC over SQN ‖ (ciphered) message → octets 3..6
  nia(ctxNia(ctx), ctx + OFF_KNASINT, count, bearer, DIRECTION_UPLINK, out + 6, (len + 1) << 3, out + 2);
  ulCountAdvance(ctx, access);
  return STATUS_OK;
}

/**
 * Verify and decipher a downlink security protected message (`len` octets at `msg`, header
 * included) with context `ctx`; the plain message (len − 7 octets) goes to `out`. On success the
 * estimated DL COUNT is recorded and returned through `countOut` (u32). On any failure nothing
 * changes: ERR_MAC (integrity check failed), ERR_REPLAY (it verifies only with a COUNT already
 * accepted), ERR_COUNT_WRAP (the overflow would wrap), ERR_FORMAT (not a protected 5GMM message
 * of a header type that may arrive here). `smc` selects the SECURITY MODE COMMAND's type 3.
 */
export function unprotect(ctx: usize, access: u32, msg: usize, len: u32, out: usize, countOut: usize, smc: bool = false): i32 {
  if (!ctxUsable(ctx)) return STATUS_ERR_STATE;
  if (len < SEC_HEADER_LEN + 3 || load<u8>(msg) != EPD_5GMM) return STATUS_ERR_FORMAT;
  // The header type is not covered by the MAC, so it is checked against what may arrive: a
  // downlink message is type 1 or 2; type 3 only on a SECURITY MODE COMMAND, type 4 never
  // (SECURITY MODE COMPLETE is uplink). Spare bits must be 0.
  const sht = <u32>load<u8>(msg + 1);
  if (smc ? sht != SHT_INTEGRITY_NEW_CTX : sht != SHT_INTEGRITY && sht != SHT_INTEGRITY_CIPHERED) return STATUS_ERR_FORMAT;
  const sqn = <u32>load<u8>(msg + 6);
  const count = estimateDl(ctx, access, sqn);
  if (count == COUNT_INVALID) return STATUS_ERR_COUNT_WRAP;
  if (!macMatches(ctx, access, count, msg, len)) {
    // Tell a replay from a forgery: does it verify with a COUNT that was already used?
    const old = replayProtected(ctx) ? replayCandidate(ctx, access, sqn) : COUNT_INVALID;
    if (old != COUNT_INVALID && macMatches(ctx, access, old, msg, len)) return STATUS_ERR_REPLAY;
    return STATUS_ERR_MAC;
  }
  const bodyLen = len - SEC_HEADER_LEN;
  nea(ciphered(sht) ? ctxNea(ctx) : 0, ctx + OFF_KNASENC, count, nasBearer(access), DIRECTION_DOWNLINK, msg + SEC_HEADER_LEN, out, bodyLen << 3);
  acceptDl(ctx, access, count);
  store<u32>(countOut, count);
  return STATUS_OK;
}

/** XMAC over SQN ‖ message with `count`, compared with the received MAC in constant time: every
 *  mismatch position takes the same path (util.equalCt never exits early). */
export function macMatches(ctx: usize, access: u32, count: u32, msg: usize, len: u32): bool {
  const xmac = TMP_PTR;
  nia(ctxNia(ctx), ctx + OFF_KNASINT, count, nasBearer(access), DIRECTION_DOWNLINK, msg + 6, (len - 6) << 3, xmac);
  const ok = equalCt(xmac, msg + 2, 4);
  wipe(xmac, 4);
  return ok;
}
