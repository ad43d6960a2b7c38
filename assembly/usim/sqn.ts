// Sequence number management in the USIM (TS 33.102 Annex C), array scheme.
//
//   SQN = SEQ ‖ IND (C.1.1.1): IND is the IND_BITS least significant bits of the 48-bit SQN.
//   The USIM keeps SEQ_MS(0) .. SEQ_MS(a−1), a = 2^IND_BITS, all zero initially (C.2.2), and
//   SQN_MS, the highest SQN accepted so far; SEQ_MS = SQN_MS >> IND_BITS is the highest accepted SEQ.
//
// A received SQN is accepted only if, in this order:
//   1. SEQ − SEQ_MS ≤ Δ                    (C.2.1, protection against wrap around of the counter)
//   2. SEQ_MS − SEQ < L, if L is applied   (C.2.2, limit on the age of an accepted SEQ)
//   3. SEQ > SEQ_MS(i) with i = IND        (C.2.2, freshness in the array entry)
// otherwise the USIM answers with a synchronisation failure built from SQN_MS (TS 33.102 6.3.3):
//   AUTS = (SQN_MS ⊕ AK*) ‖ MAC-S,  AK* = f5*_K(RAND),  MAC-S = f1*_K(SQN_MS ‖ RAND ‖ AMF)
// where AMF "assumes a dummy value of all zeros" (6.3.3). The AK* and MAC-S computations belong to
// the algorithm in use (usim/abi.ts); this file only decides and assembles.
//
// State lives in PERSIST (usim/memory.ts); nothing here writes it except sqnAccept(), which the
// caller invokes only after MAC-A has been verified and sqnIsFresh() returned true.

import {
  PERSIST_PTR, P_AGE_LIMIT, P_DELTA, P_IND_BITS, P_SEQ_MS, P_SQN_MS,
} from './memory';
import { copy } from '../lib/util';

/** SQN, SQN_MS, SQN ⊕ AK and AK are 48 bits (TS 33.102 6.3.2). */
export const SQN_LEN: u32 = 6;
export const SQN_MAX: u64 = (<u64>1 << 48) - 1;
/** Δ used when the card is personalised (TS 33.102 C.2.1 leaves the value to the operator). */
export const DEFAULT_DELTA: u64 = <u64>1 << 28;
/** IND length used when the card is personalised: 5 bits, a = 32 array entries. */
export const DEFAULT_IND_BITS: u32 = 5;

/** The 48-bit big-endian value at `p`. */
export function loadSqn(p: usize): u64 {
  let v: u64 = 0;
  for (let i: usize = 0; i < SQN_LEN; i++) v = (v << 8) | <u64>load<u8>(p + i);
  return v;
}

/** Store the low 48 bits of `v` big-endian at `p`. */
export function storeSqn(p: usize, v: u64): void {
  for (let i: usize = 0; i < SQN_LEN; i++) store<u8>(p + SQN_LEN - 1 - i, <u8>(v >> (i << 3)));
}

// @ts-ignore: decorator
@inline function indBits(): u64 { return <u64>load<u8>(PERSIST_PTR + P_IND_BITS); }
// @ts-ignore: decorator
@inline function seqMsEntry(ind: u64): usize { return PERSIST_PTR + P_SEQ_MS + (<usize>ind << 3); }

/** SQN_MS, the highest accepted SQN (0 when none has been accepted). */
export function sqnMs(): u64 { return load<u64>(PERSIST_PTR + P_SQN_MS); }

/** True when the 48-bit `sqn` passes the checks of TS 33.102 C.2.1 and C.2.2 (state unchanged). */
export function sqnIsFresh(sqn: u64): bool {
  let b = indBits();
  let seq = sqn >> b;
  let ind = sqn & ((<u64>1 << b) - 1);
  let seqMs = sqnMs() >> b;
  // C.2.1: SEQ − SEQ_MS ≤ Δ ("the USIM will not accept arbitrary jumps in sequence numbers")
  if (seq > seqMs && seq - seqMs > load<u64>(PERSIST_PTR + P_DELTA)) return false;
  // C.2.2: if a limit L is applied, SEQ_MS − SEQ < L (checked before the array condition)
  let ageLimit = load<u64>(PERSIST_PTR + P_AGE_LIMIT);
  if (ageLimit != 0 && seqMs >= seq && seqMs - seq >= ageLimit) return false;
  // C.2.2: fresh if SEQ > SEQ_MS(i), i = IND
  return seq > load<u64>(seqMsEntry(ind));
}

/** Accept `sqn` (C.2.2 "subsequently shall set SEQ_MS(i) to SEQ") and keep SQN_MS the highest. */
export function sqnAccept(sqn: u64): void {
  let b = indBits();
  store<u64>(seqMsEntry(sqn & ((<u64>1 << b) - 1)), sqn >> b);
  if (sqn > sqnMs()) store<u64>(PERSIST_PTR + P_SQN_MS, sqn);
}

/**
 * AUTS = (SQN_MS ⊕ AK*) ‖ MAC-S (TS 33.102 6.3.3) at `out`: 6 + macLen bytes. `akStar` holds
 * f5*_K(RAND), `macS` holds f1*_K(SQN_MS ‖ RAND ‖ AMF = 0x0000).
 */
export function autsAssemble(out: usize, akStar: usize, macS: usize, macLen: u32): void {
  storeSqn(out, sqnMs());
  for (let i: usize = 0; i < SQN_LEN; i++) store<u8>(out + i, load<u8>(out + i) ^ load<u8>(akStar + i));
  copy(out + SQN_LEN, macS, macLen);
}

/** True when the array and SQN_MS of an image are consistent (usim_restore): every entry beyond
 *  a = 2^IND is zero, no entry exceeds SEQ_MS, SQN_MS's own entry holds its SEQ. */
export function sqnStateValid(image: usize, b: u32): bool {
  let sqnMsImg = load<u64>(image + P_SQN_MS);
  if (sqnMsImg > SQN_MAX) return false;
  let seqMs = sqnMsImg >> b;
  let entries: u32 = 1 << b;
  for (let i: u32 = 0; i < 32; i++) {
    let v = load<u64>(image + P_SEQ_MS + (<usize>i << 3));
    if (i >= entries ? v != 0 : v > seqMs) return false;
  }
  if (sqnMsImg == 0) return true;
  if (seqMs == 0) return false; // an accepted SEQ is > 0 (C.2.2: SEQ > SEQ_MS(i) ≥ 0)
  return load<u64>(image + P_SEQ_MS + (<usize>(sqnMsImg & ((<u64>1 << b) - 1)) << 3)) == seqMs;
}
