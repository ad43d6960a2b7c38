// NAS COUNT handling (TS 24.501 4.4.3, TS 33.501 6.4.3.1). A NAS COUNT is 24 bits: NAS OVERFLOW
// (16 bits) ‖ NAS SQN (8 bits); the 32-bit COUNT input of the algorithms is 0x00 ‖ NAS COUNT.
// Each access (3GPP, non-3GPP) has its own uplink and downlink COUNT in one context.
import { OFF_UL_COUNT, OFF_DL_COUNT, OFF_FLAGS, ctxNia } from "../context/slots";
import { NAS_ALG_NULL } from "./algorithms";

/** Largest NAS COUNT (24 bits). An uplink COUNT past it is "spent": the UE sends no more. */
export const NAS_COUNT_MAX: u32 = 0x00ffffff;
/** Estimation failed: the DL overflow counter would wrap. */
export const COUNT_INVALID: u32 = 0xffffffff;

/** Access types as in TS 33.501 A.9 / the NAS connection identifier: 1 = 3GPP, 2 = non-3GPP. */
export const ACCESS_3GPP: u32 = 1;
export const ACCESS_NON_3GPP: u32 = 2;

// @ts-ignore: decorator
@inline function idx(access: u32): usize { return <usize>((access - 1) << 2); }

/** BEARER of the NAS algorithms: the NAS connection identifier, 0x01 for 3GPP access and 0x02 for
 *  non-3GPP access (TS 33.501 6.4.2.2 / 6.4.3.1). */
// @ts-ignore: decorator
@inline export function nasBearer(access: u32): u32 { return access; }

export function ulCount(ctx: usize, access: u32): u32 { return load<u32>(ctx + OFF_UL_COUNT + idx(access)); }
export function dlCount(ctx: usize, access: u32): u32 { return load<u32>(ctx + OFF_DL_COUNT + idx(access)); }
export function dlSeen(ctx: usize, access: u32): bool { return (load<u8>(ctx + OFF_FLAGS) & <u8>access) != 0; }

/** The UL COUNT the next protected message would use, or COUNT_INVALID when it would wrap
 *  (TS 33.501 6.9.4.2: the network must re-key before; the UE refuses to reuse a COUNT). */
export function ulCountForSend(ctx: usize, access: u32): u32 {
  const c = ulCount(ctx, access);
  return c > NAS_COUNT_MAX ? COUNT_INVALID : c;
}

/** "The sender increments its NAS COUNT after every protected message it sends." */
export function ulCountAdvance(ctx: usize, access: u32): void {
  store<u32>(ctx + OFF_UL_COUNT + idx(access), ulCount(ctx, access) + 1);
}

/** Set both COUNTs of one access (restoring a stored context; new KAMF → 0). */
export function setCounts(ctx: usize, access: u32, ul: u32, dl: u32, dlAccepted: bool): void {
  store<u32>(ctx + OFF_UL_COUNT + idx(access), ul);
  store<u32>(ctx + OFF_DL_COUNT + idx(access), dl);
  const f = load<u8>(ctx + OFF_FLAGS);
  store<u8>(ctx + OFF_FLAGS, dlAccepted ? f | <u8>access : f & ~<u8>access);
}

/**
 * Estimate the full DL NAS COUNT of a message from its 8-bit SQN (TS 24.501 4.4.3.1): take the
 * overflow of the last accepted COUNT; if the received SQN is not above the last accepted SQN,
 * the SQN wrapped, so the overflow is incremented. Before any DL message was accepted the
 * estimate is the SQN itself (overflow 0). The result is therefore always above the last accepted
 * COUNT, so a replayed message never verifies with its estimate.
 */
export function estimateDl(ctx: usize, access: u32, sqn: u32): u32 {
  if (!dlSeen(ctx, access)) return sqn;
  const last = dlCount(ctx, access);
  let overflow = last >>> 8;
  if (sqn <= (last & 0xff)) overflow++;
  if (overflow > 0xffff) return COUNT_INVALID; // the overflow counter would wrap
  return (overflow << 8) | sqn;
}

/** The estimate a replay would have had: same overflow as the last accepted COUNT. Used only to
 *  tell a replay (ERR_REPLAY) from a forgery (ERR_MAC) after the fresh estimate failed. */
export function replayCandidate(ctx: usize, access: u32, sqn: u32): u32 {
  if (!dlSeen(ctx, access)) return COUNT_INVALID;
  const last = dlCount(ctx, access);
  const c = (last & 0xffff00) | sqn;
  return c <= last ? c : COUNT_INVALID;
}

/** Record an accepted DL COUNT. Each COUNT is accepted once; with 128-NIA0 there is no replay
 *  protection (TS 33.501 6.4.3.2), so a lower COUNT may be recorded too. */
export function acceptDl(ctx: usize, access: u32, count: u32): void {
  store<u32>(ctx + OFF_DL_COUNT + idx(access), count);
  store<u8>(ctx + OFF_FLAGS, load<u8>(ctx + OFF_FLAGS) | <u8>access);
}

/** With 128-NIA0 replay protection does not apply. */
export function replayProtected(ctx: usize): bool { return ctxNia(ctx) != NAS_ALG_NULL; }
