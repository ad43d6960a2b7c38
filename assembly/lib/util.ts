// Byte helpers shared by every layer. No allocation, no imports: primitives may use them.
// Built without bulk-memory (MVP), so copies and fills are plain loops; these do them a word at a
// time where they can.

import { FAST } from "../crypto/variant";

/** Zero `len` bytes at `ptr` (Monocypher crypto_wipe): called on every retired key and scratch. */
export function wipe(ptr: usize, len: usize): void {
  const end = ptr + len;
  let p = ptr;
  // the fast build (crypto/variant.ts) first clears 128 bytes per iteration: one loop test per 16
  // stores instead of per 4 (1 KiB regions such as INITIAL_MSG are wiped on every registration)
  if (FAST) for (; p + 128 <= end; p += 128) {
    store<u64>(p, 0, 0); store<u64>(p, 0, 8); store<u64>(p, 0, 16); store<u64>(p, 0, 24);
    store<u64>(p, 0, 32); store<u64>(p, 0, 40); store<u64>(p, 0, 48); store<u64>(p, 0, 56);
    store<u64>(p, 0, 64); store<u64>(p, 0, 72); store<u64>(p, 0, 80); store<u64>(p, 0, 88);
    store<u64>(p, 0, 96); store<u64>(p, 0, 104); store<u64>(p, 0, 112); store<u64>(p, 0, 120);
  }
  // 32 bytes per iteration (constant store offsets), then 8, then single bytes.
  for (; p + 32 <= end; p += 32) { store<u64>(p, 0, 0); store<u64>(p, 0, 8); store<u64>(p, 0, 16); store<u64>(p, 0, 24); }
  for (; p + 8 <= end; p += 8) store<u64>(p, 0);
  for (; p < end; p++) store<u8>(p, 0);
}

/** Copy `len` bytes forward. `dst` must not lie inside (src, src + len): no caller copies that way
 *  (every export copies between distinct regions of the memory map — IO_IN into state, state or
 *  scratch into IO_OUT, slot to slot — and MILENAGE's OUT1 input doubling copies adjacent halves),
 *  so the backward branch a memmove needs would be dead code; `dst == src` is a no-op. */
export function copy(dst: usize, src: usize, len: usize): void {
  if (dst == src) return;
  let i: usize = 0;
  // the fast build moves 32 bytes per loop test first (context slots are 256 bytes)
  if (FAST) for (; i + 32 <= len; i += 32) {
    let s = src + i, d = dst + i;
    store<u64>(d, load<u64>(s, 0), 0); store<u64>(d, load<u64>(s, 8), 8);
    store<u64>(d, load<u64>(s, 16), 16); store<u64>(d, load<u64>(s, 24), 24);
  }
  for (; i + 8 <= len; i += 8) store<u64>(dst + i, load<u64>(src + i));
  for (; i < len; i++) store<u8>(dst + i, load<u8>(src + i));
}

/** Zero the bits of the last byte of a `bitLen`-bit string that lie past its length (the NEA
 *  algorithms leave their value undefined; the firmware always outputs them as zero). */
export function clearTailBits(buf: usize, bitLen: u32): void {
  let rem = bitLen & 7;
  if (rem != 0) {
    let p = buf + (<usize>(bitLen >>> 3));
    store<u8>(p, load<u8>(p) & <u8>(<u32>0xff << (8 - rem)));
  }
}

/** Constant-time equality of two byte strings: the loop never exits early and the result does not
 *  depend on where the first difference is (used for every MAC check). Returns true if equal. */
export function equalCt(a: usize, b: usize, len: usize): bool {
  let diff: u32 = 0;
  for (let i: usize = 0; i < len; i++) diff |= <u32>(load<u8>(a + i) ^ load<u8>(b + i));
  return diff == 0;
}

/** Big-endian stores and loads (3GPP fields are big-endian; wasm memory is little-endian). */
// @ts-ignore: decorator
@inline export function storeBe32(ptr: usize, v: u32): void { store<u32>(ptr, bswap<u32>(v)); }
// @ts-ignore: decorator
@inline export function loadBe32(ptr: usize): u32 { return bswap<u32>(load<u32>(ptr)); }
/** Byte swap of a u64 (big-endian 64-bit fields: COUNT‖BEARER‖DIRECTION, SHA-256's length,
 *  the CTR counter, CMAC's doubling). The small build swaps the two halves with the 32-bit swap it
 *  has anyway (AssemblyScript's 64-bit polyfill carries four 64-bit mask constants, ~45 bytes more);
 *  the fast build keeps the polyfill (fewer instructions). */
// @ts-ignore: decorator
@inline export function bswap64(x: u64): u64 {
  // @ts-ignore: UE_KEYS_FAST is defined on the asc command line or not at all (crypto/variant.ts)
  return isDefined(UE_KEYS_FAST) ? bswap<u64>(x) : bswap64Small(x);
}
function bswap64Small(x: u64): u64 {
  return (<u64>bswap<u32>(<u32>x) << 32) | <u64>bswap<u32>(<u32>(x >>> 32));
}
// @ts-ignore: decorator
@inline export function storeBe16(ptr: usize, v: u32): void {
  store<u8>(ptr, <u8>(v >>> 8)); store<u8>(ptr + 1, <u8>v);
}
// @ts-ignore: decorator
@inline export function loadBe16(ptr: usize): u32 { return (<u32>load<u8>(ptr) << 8) | <u32>load<u8>(ptr + 1); }

/** True when [off, off+len) lies inside a region of `regionLen` bytes; overflow-safe. */
// @ts-ignore: decorator
@inline export function fits(off: u32, len: u32, regionLen: u32): bool {
  return off <= regionLen && len <= regionLen - off;
}

/** Bytes holding a string of `bitLen` bits: ceil(bitLen / 8), without overflow. */
// @ts-ignore: decorator
@inline export function bitBytes(bitLen: u32): u32 { return (bitLen >>> 3) + ((bitLen & 7) != 0 ? 1 : 0); }
