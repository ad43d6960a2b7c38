// Keccak-f[1600] (FIPS 202 3.3 / 3.4: Keccak-p[1600, 24]), the permutation inside TUAK
// (TS 35.231 clause 6: "Keccak permutation with 1600-bit state and 24 rounds").
//
// The state is 25 lanes A[x, y] of 64 bits, lane (x, y) at byte offset 8 * (x + 5y), each lane
// little-endian (FIPS 202 3.1.2 bit order: bit z of the lane is bit z mod 8 of byte z / 8), so a
// lane is one load<u64>. This is also the layout of the TS 35.231 Annex reference code's
// `uint64_t s[25]` on a little-endian machine, which TUAK's byte ordering is defined against.
//
// Written as loops over small tables (rho offsets and pi order merged into one walk, as in the
// compact reference implementations) to keep the module small; 24 rounds of ~120 lane operations.
// No state outside the caller's regions: `state` (200 bytes) and `bc` (40 bytes of scratch).

import { FAST } from "./variant";
import { keccakF1600Fast } from "./keccak-fast";

/** Number of rounds n_r = 12 + 2l with l = 6 (FIPS 202 3.4). */
const KECCAK_ROUNDS: i32 = 24;
/** Lanes in the state (5 × 5). */
const KECCAK_LANES: i32 = 25;
/** Bytes of the state (b = 1600 bits). */
export const KECCAK_STATE_LEN: usize = 200;

/** Round constants RC[i_r] of ι (FIPS 202 3.2.5, Algorithm 5 rc(t) folded into 64-bit words). */
const KECCAK_RC: usize = memory.data<u64>([
  0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
  0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
  0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
  0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
  0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
  0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]);

/**
 * ρ and π as one walk (FIPS 202 3.2.2, 3.2.3): starting from lane (1, 0), π moves the lane at
 * position (x, y) to (y, 2x + 3y); KECCAK_PILN[t] is the lane index (x + 5y) reached at step t and
 * KECCAK_ROTC[t] = (t + 1)(t + 2) / 2 mod 64 is the ρ offset of the lane carried into it.
 */
const KECCAK_ROTC: usize = memory.data<u8>([
  1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44,
]);
const KECCAK_PILN: usize = memory.data<u8>([
  10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1,
]);

// @ts-ignore: decorator
@inline function lane(s: usize, i: i32): usize { return s + (<usize>i << 3); }
/** (x + k) mod 5 for 0 ≤ x < 5, 0 < k < 5, without a division. */
// @ts-ignore: decorator
@inline function mod5(v: i32): i32 { return v >= 5 ? v - 5 : v; }

/** Keccak-f[1600] in place on the 200-byte state at `state`; `bc` is 40 bytes of scratch. */
export function keccakF1600(state: usize, bc: usize): void {
  if (FAST) { keccakF1600Fast(state); return; }
  for (let round = 0; round < KECCAK_ROUNDS; round++) {
    // θ: C[x] = A[x,0] ⊕ A[x,1] ⊕ A[x,2] ⊕ A[x,3] ⊕ A[x,4]
    for (let x = 0; x < 5; x++) {
      store<u64>(lane(bc, x), load<u64>(lane(state, x)) ^ load<u64>(lane(state, x + 5)) ^
        load<u64>(lane(state, x + 10)) ^ load<u64>(lane(state, x + 15)) ^ load<u64>(lane(state, x + 20)));
    }
    //    D[x] = C[x−1] ⊕ rot(C[x+1], 1);  A[x,y] ^= D[x]
    for (let x = 0; x < 5; x++) {
      let d = load<u64>(lane(bc, mod5(x + 4))) ^ rotl<u64>(load<u64>(lane(bc, mod5(x + 1))), 1);
      for (let y = 0; y < KECCAK_LANES; y += 5) {
        let p = lane(state, x + y);
        store<u64>(p, load<u64>(p) ^ d);
      }
    }
    // ρ and π: B[y, 2x+3y] = rot(A[x,y], r[x,y]), walked from lane 1 (lane 0 has r = 0, stays put)
    let carried = load<u64>(lane(state, 1));
    for (let t = 0; t < 24; t++) {
      let p = lane(state, <i32>load<u8>(KECCAK_PILN + t));
      let next = load<u64>(p);
      store<u64>(p, rotl<u64>(carried, <u64>load<u8>(KECCAK_ROTC + t)));
      carried = next;
    }
    // χ: A[x,y] = B[x,y] ⊕ (¬B[x+1,y] ∧ B[x+2,y]), one row (plane y) at a time
    for (let y = 0; y < KECCAK_LANES; y += 5) {
      for (let x = 0; x < 5; x++) store<u64>(lane(bc, x), load<u64>(lane(state, y + x)));
      for (let x = 0; x < 5; x++) {
        store<u64>(lane(state, y + x), load<u64>(lane(bc, x)) ^
          (~load<u64>(lane(bc, mod5(x + 1))) & load<u64>(lane(bc, mod5(x + 2)))));
      }
    }
    // ι: A[0,0] ^= RC[i_r]
    store<u64>(state, load<u64>(state) ^ load<u64>(KECCAK_RC + (<usize>round << 3)));
  }
}
