// SHA-256 (FIPS 180-4), one-shot and streaming, on a caller-owned context region. Imports nothing
// but byte helpers: the KDF and HMAC layers sit above it.
//
// Context layout (SHA256_CTX_SIZE = 368 bytes, 16-aligned):
//   [  0.. 32)  H0..H7, the chaining value (native u32 words)
//   [ 32.. 96)  the pending partial block
//   [ 96..104)  total bytes absorbed (u64); the block position is always count & 63 (STYLE 9:
//               one counter, never a parallel "buffer length" that can drift)
//   [112..368)  the message schedule W0..W63 (scratch, wiped by sha256Wipe)
import { wipe, copy, bswap64 } from "../lib/util";
import { FAST } from "./variant";
import { sha256CompressFast } from "./sha256-fast";

export const SHA256_CTX_SIZE: u32 = 368;
const H_OFF: usize = 0;
const BUF_OFF: usize = 32;
const COUNT_OFF: usize = 96;
const W_OFF: usize = 112;

// FIPS 180-4 4.2.2: K0..K63, "the first thirty-two bits of the fractional parts of the cube roots
// of the first sixty-four prime numbers"; 5.3.3: H(0), the same for the square roots of the first
// eight primes. Both are computed from that definition when the module is instantiated (the wasm
// start function runs sha256TablesInit before any export can be called) instead of being shipped.
const K = memory.data(256, 16);
const IV = memory.data(32, 16);

/** 2^32 as an f64: scales a fraction in [0, 1) to its first 32 bits. */
const TWO_32: f64 = 4294967296.0;
/** Newton steps for the cube root: 8 reach the correctly rounded f64 from the start value below
 *  for every prime up to 311; two more are margin (IEEE-754 arithmetic is exact-rounded, so the
 *  result is the same on every engine). */
const CBRT_STEPS: i32 = 10;
/** Newton start value: above cbrt(311) = 6.78, so the iteration descends monotonically. */
const CBRT_START: f64 = 7.0;

// @ts-ignore: decorator
@inline function frac32(x: f64): u32 { return <u32>((x - Math.floor(x)) * TWO_32); }

function sha256TablesInit(): void {
  let p: u32 = 1;
  let i: usize = 0;
  do {
    // next prime p, by trial division up to its square root
    let d: u32;
    do {
      p++;
      d = 2;
      while (d * d <= p && p % d != 0) d++;
    } while (d * d <= p);
    // y = cbrt(p) by Newton's method: y <- y - (y^3 - p) / (3 y^2)
    let fp = <f64>p, y = CBRT_START;
    let n = CBRT_STEPS;
    do { y -= (y * y * y - fp) / (3.0 * y * y); } while (--n != 0);
    store<u32>(K + i, frac32(y));
    if (i < 32) store<u32>(IV + i, frac32(Math.sqrt(fp)));
    i += 4;
  } while (i < 256);
}
sha256TablesInit();
// Big-endian word load/store. MVP has no byte-swap instruction and AssemblyScript's bswap is an
// out-of-line polyfill; this inlines to two masks and two rotates.
// @ts-ignore: decorator
@inline function be32(x: u32): u32 { return rotl<u32>(x & 0xff00ff00, 8) | rotr<u32>(x & 0x00ff00ff, 8); }
// @ts-ignore: decorator
@inline function bigSigma0(x: u32): u32 { return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22); }
// @ts-ignore: decorator
@inline function bigSigma1(x: u32): u32 { return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25); }
// @ts-ignore: decorator
@inline function smallSigma0(x: u32): u32 { return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3); }
// @ts-ignore: decorator
@inline function smallSigma1(x: u32): u32 { return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10); }
// Ch(x,y,z) = (x ∧ y) ⊕ (¬x ∧ z), written with one fewer operation.
// @ts-ignore: decorator
@inline function ch(x: u32, y: u32, z: u32): u32 { return z ^ (x & (y ^ z)); }
// Maj(x,y,z) = (x ∧ y) ⊕ (x ∧ z) ⊕ (y ∧ z).
// @ts-ignore: decorator
@inline function maj(x: u32, y: u32, z: u32): u32 { return (x & y) | (z & (x | y)); }

/** One compression of the 64-byte block at `block` into the chaining value of `ctx` (FIPS 180-4 6.2.2). */
export function sha256Compress(ctx: usize, block: usize): void {
  if (FAST) { sha256CompressFast(ctx, block); return; }
  const w = ctx + W_OFF;
  // Step 1: W0..W15 are the block's big-endian words; Wt = σ1(Wt−2) + Wt−7 + σ0(Wt−15) + Wt−16.
  for (let i: usize = 0; i < 64; i += 16) {
    const d = w + i, b = block + i;
    store<u32>(d, be32(load<u32>(b, 0)), 0); store<u32>(d, be32(load<u32>(b, 4)), 4);
    store<u32>(d, be32(load<u32>(b, 8)), 8); store<u32>(d, be32(load<u32>(b, 12)), 12);
  }
  // Four words per iteration, addressed from q = &W[t−16] so every load and store takes a constant
  // (positive) offset: W[t−16] at q, W[t−15] at q+4, W[t−7] at q+36, W[t−2] at q+56, W[t] at q+64.
  for (let q = w; q < w + 192; q += 16) {
    store<u32>(q, smallSigma1(load<u32>(q, 56)) + load<u32>(q, 36) + smallSigma0(load<u32>(q, 4)) + load<u32>(q, 0), 64);
    store<u32>(q, smallSigma1(load<u32>(q, 60)) + load<u32>(q, 40) + smallSigma0(load<u32>(q, 8)) + load<u32>(q, 4), 68);
    store<u32>(q, smallSigma1(load<u32>(q, 64)) + load<u32>(q, 44) + smallSigma0(load<u32>(q, 12)) + load<u32>(q, 8), 72);
    store<u32>(q, smallSigma1(load<u32>(q, 68)) + load<u32>(q, 48) + smallSigma0(load<u32>(q, 16)) + load<u32>(q, 12), 76);
  }
  // Step 2: working variables a..h = H(i−1).
  let a = load<u32>(ctx, 0), b = load<u32>(ctx, 4), c = load<u32>(ctx, 8), d = load<u32>(ctx, 12);
  let e = load<u32>(ctx, 16), f = load<u32>(ctx, 20), g = load<u32>(ctx, 24), h = load<u32>(ctx, 28);
  // Step 3, eight rounds per iteration with the roles rotated instead of the variables shifted:
  // T1 = h + Σ1(e) + Ch(e,f,g) + Kt + Wt;  d += T1;  h = T1 + Σ0(a) + Maj(a,b,c).
  for (let i: usize = 0; i < 256; i += 32) {
    const k = K + i, t = w + i;
    h += bigSigma1(e) + ch(e, f, g) + load<u32>(k, 0) + load<u32>(t, 0); d += h; h += bigSigma0(a) + maj(a, b, c);
    g += bigSigma1(d) + ch(d, e, f) + load<u32>(k, 4) + load<u32>(t, 4); c += g; g += bigSigma0(h) + maj(h, a, b);
    f += bigSigma1(c) + ch(c, d, e) + load<u32>(k, 8) + load<u32>(t, 8); b += f; f += bigSigma0(g) + maj(g, h, a);
    e += bigSigma1(b) + ch(b, c, d) + load<u32>(k, 12) + load<u32>(t, 12); a += e; e += bigSigma0(f) + maj(f, g, h);
    d += bigSigma1(a) + ch(a, b, c) + load<u32>(k, 16) + load<u32>(t, 16); h += d; d += bigSigma0(e) + maj(e, f, g);
    c += bigSigma1(h) + ch(h, a, b) + load<u32>(k, 20) + load<u32>(t, 20); g += c; c += bigSigma0(d) + maj(d, e, f);
    b += bigSigma1(g) + ch(g, h, a) + load<u32>(k, 24) + load<u32>(t, 24); f += b; b += bigSigma0(c) + maj(c, d, e);
    a += bigSigma1(f) + ch(f, g, h) + load<u32>(k, 28) + load<u32>(t, 28); e += a; a += bigSigma0(b) + maj(b, c, d);
  }
  // Step 4: H(i) = H(i−1) + working variables.
  store<u32>(ctx, load<u32>(ctx, 0) + a, 0); store<u32>(ctx, load<u32>(ctx, 4) + b, 4);
  store<u32>(ctx, load<u32>(ctx, 8) + c, 8); store<u32>(ctx, load<u32>(ctx, 12) + d, 12);
  store<u32>(ctx, load<u32>(ctx, 16) + e, 16); store<u32>(ctx, load<u32>(ctx, 20) + f, 20);
  store<u32>(ctx, load<u32>(ctx, 24) + g, 24); store<u32>(ctx, load<u32>(ctx, 28) + h, 28);
}

/** Start a hash: H = H(0), nothing absorbed. */
export function sha256Init(ctx: usize): void {
  for (let i: usize = 0; i < 32; i += 8) store<u64>(ctx + H_OFF + i, load<u64>(IV + i));
  store<u64>(ctx + COUNT_OFF, 0);
}

/** Resume from a saved chaining value after `absorbed` bytes (a multiple of 64): HMAC pads. */
export function sha256Resume(ctx: usize, chain: usize, absorbed: u64): void {
  for (let i: usize = 0; i < 32; i += 8) store<u64>(ctx + H_OFF + i, load<u64>(chain + i));
  store<u64>(ctx + COUNT_OFF, absorbed);
}

/** Absorb `len` bytes at `ptr`. Any split of the input gives the same digest. */
export function sha256Update(ctx: usize, ptr: usize, len: usize): void {
  const count = load<u64>(ctx + COUNT_OFF);
  store<u64>(ctx + COUNT_OFF, count + <u64>len);
  let pos = <usize>(count & 63); // bytes already pending in the block buffer
  const buf = ctx + BUF_OFF;
  let i: usize = 0;
  if (pos != 0) {
    // Complete the pending block first.
    const take = len < 64 - pos ? len : 64 - pos;
    copy(buf + pos, ptr, take);
    i = take;
    if (pos + take < 64) return;
    sha256Compress(ctx, buf);
  }
  // Whole blocks straight from the input, no copy.
  for (; i + 64 <= len; i += 64) sha256Compress(ctx, ptr + i);
  // Keep the tail; its length is (count + len) & 63 by construction.
  copy(buf, ptr + i, len - i);
}

/** Pad (FIPS 180-4 5.1.1) and write the 32-byte digest to `out`. The context is spent afterwards. */
export function sha256Final(ctx: usize, out: usize): void {
  const count = load<u64>(ctx + COUNT_OFF);
  const buf = ctx + BUF_OFF;
  const pos = <usize>(count & 63);
  // Append the bit '1' then zeros up to 56 mod 64, then the 64-bit big-endian bit length.
  store<u8>(buf + pos, 0x80);
  if (pos >= 56) {
    zeroTail(buf, pos + 1, 64);
    sha256Compress(ctx, buf);
    zeroTail(buf, 0, 56);
  } else {
    zeroTail(buf, pos + 1, 56);
  }
  store<u64>(buf + 56, bswap64(count << 3));
  sha256Compress(ctx, buf);
  if (FAST) {
    // the fast build writes the eight words without the loop (two of these per KDF)
    const h = ctx + H_OFF;
    store<u32>(out, be32(load<u32>(h, 0)), 0); store<u32>(out, be32(load<u32>(h, 4)), 4);
    store<u32>(out, be32(load<u32>(h, 8)), 8); store<u32>(out, be32(load<u32>(h, 12)), 12);
    store<u32>(out, be32(load<u32>(h, 16)), 16); store<u32>(out, be32(load<u32>(h, 20)), 20);
    store<u32>(out, be32(load<u32>(h, 24)), 24); store<u32>(out, be32(load<u32>(h, 28)), 28);
  } else for (let i: usize = 0; i < 32; i += 4) store<u32>(out + i, be32(load<u32>(ctx + H_OFF + i)));
}

/** Zero buf[from..to): bytes up to the next 8-byte boundary, then whole words. */
function zeroTail(buf: usize, from: usize, to: usize): void {
  let i = from;
  for (; i < to && (i & 7) != 0; i++) store<u8>(buf + i, 0);
  for (; i < to; i += 8) store<u64>(buf + i, 0);
}

/** Copy the chaining value out (for HMAC's precomputed inner/outer states). */
export function sha256SaveChain(ctx: usize, chain: usize): void {
  for (let i: usize = 0; i < 32; i += 8) store<u64>(chain + i, load<u64>(ctx + H_OFF + i));
}

/** Wipe everything derived from the input: chaining value, pending block, schedule. */
export function sha256Wipe(ctx: usize): void { wipe(ctx, SHA256_CTX_SIZE); }

/** One-shot digest of `len` bytes at `ptr` using `ctx` as work area. */
export function sha256(ctx: usize, ptr: usize, len: usize, out: usize): void {
  sha256Init(ctx);
  sha256Update(ctx, ptr, len);
  sha256Final(ctx, out);
}
