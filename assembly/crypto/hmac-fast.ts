// HMAC-SHA-256 of a short message from precomputed chaining states, for the FAST build
// (crypto/variant.ts; kdf/kdf.ts kdfRun takes this path when S fits one block). Same result as
// crypto/hmac.ts hmacMac (RFC 2104: H((K0 ⊕ opad) ‖ H((K0 ⊕ ipad) ‖ text))), without the streaming
// SHA-256 interface: with the pads already compressed and text ≤ 55 octets, each hash is exactly
// one more compression, so the two final blocks are written directly (FIPS 180-4 5.1.1 padding:
// the message, the bit '1', zeros, the 64-bit big-endian length in bits of everything hashed,
// which includes the 64-octet pad block).

import { sha256CompressFast, sha256CompressDigest96Fast } from "./sha256-fast";
import { copy } from "../lib/util";

/** The longest text that leaves room for the 0x80 octet and the 8-octet length in one block. */
export const HMAC_SHORT_MAX: usize = 55;

// @ts-ignore: decorator
@inline function be32(x: u32): u32 { return rotl<u32>(x & 0xff00ff00, 8) | rotr<u32>(x & 0x00ff00ff, 8); }

/**
 * HMAC-SHA-256 → 32 octets at `out` for `len` ≤ HMAC_SHORT_MAX octets at `msg`, with `states` =
 * H(K0 ⊕ ipad) ‖ H(K0 ⊕ opad) (crypto/hmac.ts ISTATE/OSTATE layout: eight native u32 words each).
 * `work` is a SHA-256 context (chaining value at 0, block at 32) used as scratch: its first 96
 * octets are written and zeroed before return (the rest is not touched). `out` may not overlap `msg`.
 */
export function hmacShortFast(states: usize, work: usize, msg: usize, len: usize, out: usize): void {
  const h = work, blk = work + 32;
  // inner hash: chaining value H(K0 ⊕ ipad); block = text ‖ 0x80 ‖ 0… ‖ (64 + len)·8
  store<u64>(h, load<u64>(states, 0), 0); store<u64>(h, load<u64>(states, 8), 8);
  store<u64>(h, load<u64>(states, 16), 16); store<u64>(h, load<u64>(states, 24), 24);
  store<u64>(blk, 0, 0); store<u64>(blk, 0, 8); store<u64>(blk, 0, 16); store<u64>(blk, 0, 24);
  store<u64>(blk, 0, 32); store<u64>(blk, 0, 40); store<u64>(blk, 0, 48); store<u64>(blk, 0, 56);
  copy(blk, msg, len);
  store<u8>(blk + len, 0x80);
  store<u32>(blk, be32((64 + <u32>len) << 3), 60);
  sha256CompressFast(h, blk);
  // outer hash: chaining value H(K0 ⊕ opad), at blk (the inner block is done with); its last
  // block is the inner digest (the words at h) and the padding of 96 octets
  store<u64>(blk, load<u64>(states, 32), 0); store<u64>(blk, load<u64>(states, 40), 8);
  store<u64>(blk, load<u64>(states, 48), 16); store<u64>(blk, load<u64>(states, 56), 24);
  sha256CompressDigest96Fast(blk, h);
  store<u32>(out, be32(load<u32>(blk, 0)), 0); store<u32>(out, be32(load<u32>(blk, 4)), 4);
  store<u32>(out, be32(load<u32>(blk, 8)), 8); store<u32>(out, be32(load<u32>(blk, 12)), 12);
  store<u32>(out, be32(load<u32>(blk, 16)), 16); store<u32>(out, be32(load<u32>(blk, 20)), 20);
  store<u32>(out, be32(load<u32>(blk, 24)), 24); store<u32>(out, be32(load<u32>(blk, 28)), 28);
  // the chaining values and both blocks are key-derived
  store<u64>(h, 0, 0); store<u64>(h, 0, 8); store<u64>(h, 0, 16); store<u64>(h, 0, 24);
  store<u64>(blk, 0, 0); store<u64>(blk, 0, 8); store<u64>(blk, 0, 16); store<u64>(blk, 0, 24);
  store<u64>(blk, 0, 32); store<u64>(blk, 0, 40); store<u64>(blk, 0, 48); store<u64>(blk, 0, 56);
}
