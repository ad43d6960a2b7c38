// SHA-256 compression (FIPS 180-4 6.2.2) for the FAST build (crypto/variant.ts): the 64 rounds
// written out with the constants K0..K63 as immediates and the message schedule in 16 locals
// (W[t] overwrites W[t−16] in place), so a block costs no memory traffic beyond reading it once
// and updating H. crypto/sha256.ts dispatches here; the context layout is unchanged (its W area is
// simply not used by this version).
//
// K0..K63 are "the first thirty-two bits of the fractional parts of the cube roots of the first
// sixty-four prime numbers" (FIPS 180-4 4.2.2); the same values crypto/sha256.ts computes at start,
// and every digest of tests/fast-build.test.ts checks them against FIPS 180-4 and node:crypto.

// Big-endian word load (MVP has no byte swap instruction): two masks and two rotates.
// @ts-ignore: decorator
@inline function be32(x: u32): u32 { return rotl<u32>(x & 0xff00ff00, 8) | rotr<u32>(x & 0x00ff00ff, 8); }
// Σ0, Σ1, σ0, σ1, Ch (FIPS 180-4 4.1.2); Maj(a,b,c) (4.1.2: (x ∧ y) ⊕ (x ∧ z) ⊕ (y ∧ z)) is
// written out in each round as b ⊕ ((a ⊕ b) ∧ (b ⊕ c)), reusing the previous round's a ⊕ b as
// this round's b ⊕ c (one operation fewer per round than (a ∧ b) ∨ (c ∧ (a ∨ b))).
// @ts-ignore: decorator
@inline function bigSigma0(x: u32): u32 { return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22); }
// @ts-ignore: decorator
@inline function bigSigma1(x: u32): u32 { return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25); }
// @ts-ignore: decorator
@inline function smallSigma0(x: u32): u32 { return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3); }
// @ts-ignore: decorator
@inline function smallSigma1(x: u32): u32 { return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10); }
// @ts-ignore: decorator
@inline function ch(x: u32, y: u32, z: u32): u32 { return z ^ (x & (y ^ z)); }

/** One compression of the 64-byte block at `block` into the chaining value H0..H7 at `ctx`. Round
 *  t: T1 = h + Σ1(e) + Ch(e,f,g) + Kt + Wt; d += T1; h = T1 + Σ0(a) + Maj(a,b,c), with the roles
 *  of the eight variables rotated from round to round instead of the values moved. */
export function sha256CompressFast(ctx: usize, block: usize): void {
  // W0..W15: the block's big-endian words
  compress(ctx,
    be32(load<u32>(block, 0)), be32(load<u32>(block, 4)), be32(load<u32>(block, 8)), be32(load<u32>(block, 12)),
    be32(load<u32>(block, 16)), be32(load<u32>(block, 20)), be32(load<u32>(block, 24)), be32(load<u32>(block, 28)),
    be32(load<u32>(block, 32)), be32(load<u32>(block, 36)), be32(load<u32>(block, 40)), be32(load<u32>(block, 44)),
    be32(load<u32>(block, 48)), be32(load<u32>(block, 52)), be32(load<u32>(block, 56)), be32(load<u32>(block, 60)));
}

/** The last compression of a hash whose final block is a 32-octet digest D and its padding, as
 *  in HMAC's outer hash after the 64-octet pad block (96 octets hashed): W0..W7 = the digest's
 *  words (`digest` holds them as eight native u32, the chaining-value layout of `ctx`), W8 =
 *  0x80000000 (the '1' bit), W9..W14 = 0, W15 = 96 · 8 (FIPS 180-4 5.1.1). The constant words
 *  are folded into the rounds and the schedule at compile time, and no byte swap is needed. */
export function sha256CompressDigest96Fast(ctx: usize, digest: usize): void {
  compress(ctx,
    load<u32>(digest, 0), load<u32>(digest, 4), load<u32>(digest, 8), load<u32>(digest, 12),
    load<u32>(digest, 16), load<u32>(digest, 20), load<u32>(digest, 24), load<u32>(digest, 28),
    0x80000000, 0, 0, 0, 0, 0, 0, 96 << 3);
}

/** The 64 rounds on the message schedule words W0..W15 (updated in place from t = 16 on). */
// @ts-ignore: decorator
@inline function compress(ctx: usize, w0: u32, w1: u32, w2: u32, w3: u32, w4: u32, w5: u32, w6: u32, w7: u32,
    w8: u32, w9: u32, w10: u32, w11: u32, w12: u32, w13: u32, w14: u32, w15: u32): void {
  let a = load<u32>(ctx, 0), b = load<u32>(ctx, 4), c = load<u32>(ctx, 8), d = load<u32>(ctx, 12);
  let e = load<u32>(ctx, 16), f = load<u32>(ctx, 20), g = load<u32>(ctx, 24), h = load<u32>(ctx, 28);
  // Maj(a, b, c) = b ⊕ ((a ⊕ b) ∧ (b ⊕ c)), and this round's b ⊕ c is the previous round's a ⊕ b
  // (b, c are the previous a, b): p and q hold it in turn
  let p: u32, q: u32 = b ^ c;
  // rounds 0..63; from t = 16 on, Wt = σ1(Wt−2) + Wt−7 + σ0(Wt−15) + Wt−16 replaces Wt−16
  h += bigSigma1(e) + ch(e, f, g) + 0x428a2f98 + w0; d += h; p = a ^ b; h += bigSigma0(a) + (b ^ (p & q));
  g += bigSigma1(d) + ch(d, e, f) + 0x71374491 + w1; c += g; q = h ^ a; g += bigSigma0(h) + (a ^ (q & p));
  f += bigSigma1(c) + ch(c, d, e) + 0xb5c0fbcf + w2; b += f; p = g ^ h; f += bigSigma0(g) + (h ^ (p & q));
  e += bigSigma1(b) + ch(b, c, d) + 0xe9b5dba5 + w3; a += e; q = f ^ g; e += bigSigma0(f) + (g ^ (q & p));
  d += bigSigma1(a) + ch(a, b, c) + 0x3956c25b + w4; h += d; p = e ^ f; d += bigSigma0(e) + (f ^ (p & q));
  c += bigSigma1(h) + ch(h, a, b) + 0x59f111f1 + w5; g += c; q = d ^ e; c += bigSigma0(d) + (e ^ (q & p));
  b += bigSigma1(g) + ch(g, h, a) + 0x923f82a4 + w6; f += b; p = c ^ d; b += bigSigma0(c) + (d ^ (p & q));
  a += bigSigma1(f) + ch(f, g, h) + 0xab1c5ed5 + w7; e += a; q = b ^ c; a += bigSigma0(b) + (c ^ (q & p));
  h += bigSigma1(e) + ch(e, f, g) + 0xd807aa98 + w8; d += h; p = a ^ b; h += bigSigma0(a) + (b ^ (p & q));
  g += bigSigma1(d) + ch(d, e, f) + 0x12835b01 + w9; c += g; q = h ^ a; g += bigSigma0(h) + (a ^ (q & p));
  f += bigSigma1(c) + ch(c, d, e) + 0x243185be + w10; b += f; p = g ^ h; f += bigSigma0(g) + (h ^ (p & q));
  e += bigSigma1(b) + ch(b, c, d) + 0x550c7dc3 + w11; a += e; q = f ^ g; e += bigSigma0(f) + (g ^ (q & p));
  d += bigSigma1(a) + ch(a, b, c) + 0x72be5d74 + w12; h += d; p = e ^ f; d += bigSigma0(e) + (f ^ (p & q));
  c += bigSigma1(h) + ch(h, a, b) + 0x80deb1fe + w13; g += c; q = d ^ e; c += bigSigma0(d) + (e ^ (q & p));
  b += bigSigma1(g) + ch(g, h, a) + 0x9bdc06a7 + w14; f += b; p = c ^ d; b += bigSigma0(c) + (d ^ (p & q));
  a += bigSigma1(f) + ch(f, g, h) + 0xc19bf174 + w15; e += a; q = b ^ c; a += bigSigma0(b) + (c ^ (q & p));
  w0 += smallSigma1(w14) + w9 + smallSigma0(w1);
  h += bigSigma1(e) + ch(e, f, g) + 0xe49b69c1 + w0; d += h; p = a ^ b; h += bigSigma0(a) + (b ^ (p & q));
  w1 += smallSigma1(w15) + w10 + smallSigma0(w2);
  g += bigSigma1(d) + ch(d, e, f) + 0xefbe4786 + w1; c += g; q = h ^ a; g += bigSigma0(h) + (a ^ (q & p));
  w2 += smallSigma1(w0) + w11 + smallSigma0(w3);
  f += bigSigma1(c) + ch(c, d, e) + 0x0fc19dc6 + w2; b += f; p = g ^ h; f += bigSigma0(g) + (h ^ (p & q));
  w3 += smallSigma1(w1) + w12 + smallSigma0(w4);
  e += bigSigma1(b) + ch(b, c, d) + 0x240ca1cc + w3; a += e; q = f ^ g; e += bigSigma0(f) + (g ^ (q & p));
  w4 += smallSigma1(w2) + w13 + smallSigma0(w5);
  d += bigSigma1(a) + ch(a, b, c) + 0x2de92c6f + w4; h += d; p = e ^ f; d += bigSigma0(e) + (f ^ (p & q));
  w5 += smallSigma1(w3) + w14 + smallSigma0(w6);
  c += bigSigma1(h) + ch(h, a, b) + 0x4a7484aa + w5; g += c; q = d ^ e; c += bigSigma0(d) + (e ^ (q & p));
  w6 += smallSigma1(w4) + w15 + smallSigma0(w7);
  b += bigSigma1(g) + ch(g, h, a) + 0x5cb0a9dc + w6; f += b; p = c ^ d; b += bigSigma0(c) + (d ^ (p & q));
  w7 += smallSigma1(w5) + w0 + smallSigma0(w8);
  a += bigSigma1(f) + ch(f, g, h) + 0x76f988da + w7; e += a; q = b ^ c; a += bigSigma0(b) + (c ^ (q & p));
  w8 += smallSigma1(w6) + w1 + smallSigma0(w9);
  h += bigSigma1(e) + ch(e, f, g) + 0x983e5152 + w8; d += h; p = a ^ b; h += bigSigma0(a) + (b ^ (p & q));
  w9 += smallSigma1(w7) + w2 + smallSigma0(w10);
  g += bigSigma1(d) + ch(d, e, f) + 0xa831c66d + w9; c += g; q = h ^ a; g += bigSigma0(h) + (a ^ (q & p));
  w10 += smallSigma1(w8) + w3 + smallSigma0(w11);
  f += bigSigma1(c) + ch(c, d, e) + 0xb00327c8 + w10; b += f; p = g ^ h; f += bigSigma0(g) + (h ^ (p & q));
  w11 += smallSigma1(w9) + w4 + smallSigma0(w12);
  e += bigSigma1(b) + ch(b, c, d) + 0xbf597fc7 + w11; a += e; q = f ^ g; e += bigSigma0(f) + (g ^ (q & p));
  w12 += smallSigma1(w10) + w5 + smallSigma0(w13);
  d += bigSigma1(a) + ch(a, b, c) + 0xc6e00bf3 + w12; h += d; p = e ^ f; d += bigSigma0(e) + (f ^ (p & q));
  w13 += smallSigma1(w11) + w6 + smallSigma0(w14);
  c += bigSigma1(h) + ch(h, a, b) + 0xd5a79147 + w13; g += c; q = d ^ e; c += bigSigma0(d) + (e ^ (q & p));
  w14 += smallSigma1(w12) + w7 + smallSigma0(w15);
  b += bigSigma1(g) + ch(g, h, a) + 0x06ca6351 + w14; f += b; p = c ^ d; b += bigSigma0(c) + (d ^ (p & q));
  w15 += smallSigma1(w13) + w8 + smallSigma0(w0);
  a += bigSigma1(f) + ch(f, g, h) + 0x14292967 + w15; e += a; q = b ^ c; a += bigSigma0(b) + (c ^ (q & p));
  w0 += smallSigma1(w14) + w9 + smallSigma0(w1);
  h += bigSigma1(e) + ch(e, f, g) + 0x27b70a85 + w0; d += h; p = a ^ b; h += bigSigma0(a) + (b ^ (p & q));
  w1 += smallSigma1(w15) + w10 + smallSigma0(w2);
  g += bigSigma1(d) + ch(d, e, f) + 0x2e1b2138 + w1; c += g; q = h ^ a; g += bigSigma0(h) + (a ^ (q & p));
  w2 += smallSigma1(w0) + w11 + smallSigma0(w3);
  f += bigSigma1(c) + ch(c, d, e) + 0x4d2c6dfc + w2; b += f; p = g ^ h; f += bigSigma0(g) + (h ^ (p & q));
  w3 += smallSigma1(w1) + w12 + smallSigma0(w4);
  e += bigSigma1(b) + ch(b, c, d) + 0x53380d13 + w3; a += e; q = f ^ g; e += bigSigma0(f) + (g ^ (q & p));
  w4 += smallSigma1(w2) + w13 + smallSigma0(w5);
  d += bigSigma1(a) + ch(a, b, c) + 0x650a7354 + w4; h += d; p = e ^ f; d += bigSigma0(e) + (f ^ (p & q));
  w5 += smallSigma1(w3) + w14 + smallSigma0(w6);
  c += bigSigma1(h) + ch(h, a, b) + 0x766a0abb + w5; g += c; q = d ^ e; c += bigSigma0(d) + (e ^ (q & p));
  w6 += smallSigma1(w4) + w15 + smallSigma0(w7);
  b += bigSigma1(g) + ch(g, h, a) + 0x81c2c92e + w6; f += b; p = c ^ d; b += bigSigma0(c) + (d ^ (p & q));
  w7 += smallSigma1(w5) + w0 + smallSigma0(w8);
  a += bigSigma1(f) + ch(f, g, h) + 0x92722c85 + w7; e += a; q = b ^ c; a += bigSigma0(b) + (c ^ (q & p));
  w8 += smallSigma1(w6) + w1 + smallSigma0(w9);
  h += bigSigma1(e) + ch(e, f, g) + 0xa2bfe8a1 + w8; d += h; p = a ^ b; h += bigSigma0(a) + (b ^ (p & q));
  w9 += smallSigma1(w7) + w2 + smallSigma0(w10);
  g += bigSigma1(d) + ch(d, e, f) + 0xa81a664b + w9; c += g; q = h ^ a; g += bigSigma0(h) + (a ^ (q & p));
  w10 += smallSigma1(w8) + w3 + smallSigma0(w11);
  f += bigSigma1(c) + ch(c, d, e) + 0xc24b8b70 + w10; b += f; p = g ^ h; f += bigSigma0(g) + (h ^ (p & q));
  w11 += smallSigma1(w9) + w4 + smallSigma0(w12);
  e += bigSigma1(b) + ch(b, c, d) + 0xc76c51a3 + w11; a += e; q = f ^ g; e += bigSigma0(f) + (g ^ (q & p));
  w12 += smallSigma1(w10) + w5 + smallSigma0(w13);
  d += bigSigma1(a) + ch(a, b, c) + 0xd192e819 + w12; h += d; p = e ^ f; d += bigSigma0(e) + (f ^ (p & q));
  w13 += smallSigma1(w11) + w6 + smallSigma0(w14);
  c += bigSigma1(h) + ch(h, a, b) + 0xd6990624 + w13; g += c; q = d ^ e; c += bigSigma0(d) + (e ^ (q & p));
  w14 += smallSigma1(w12) + w7 + smallSigma0(w15);
  b += bigSigma1(g) + ch(g, h, a) + 0xf40e3585 + w14; f += b; p = c ^ d; b += bigSigma0(c) + (d ^ (p & q));
  w15 += smallSigma1(w13) + w8 + smallSigma0(w0);
  a += bigSigma1(f) + ch(f, g, h) + 0x106aa070 + w15; e += a; q = b ^ c; a += bigSigma0(b) + (c ^ (q & p));
  w0 += smallSigma1(w14) + w9 + smallSigma0(w1);
  h += bigSigma1(e) + ch(e, f, g) + 0x19a4c116 + w0; d += h; p = a ^ b; h += bigSigma0(a) + (b ^ (p & q));
  w1 += smallSigma1(w15) + w10 + smallSigma0(w2);
  g += bigSigma1(d) + ch(d, e, f) + 0x1e376c08 + w1; c += g; q = h ^ a; g += bigSigma0(h) + (a ^ (q & p));
  w2 += smallSigma1(w0) + w11 + smallSigma0(w3);
  f += bigSigma1(c) + ch(c, d, e) + 0x2748774c + w2; b += f; p = g ^ h; f += bigSigma0(g) + (h ^ (p & q));
  w3 += smallSigma1(w1) + w12 + smallSigma0(w4);
  e += bigSigma1(b) + ch(b, c, d) + 0x34b0bcb5 + w3; a += e; q = f ^ g; e += bigSigma0(f) + (g ^ (q & p));
  w4 += smallSigma1(w2) + w13 + smallSigma0(w5);
  d += bigSigma1(a) + ch(a, b, c) + 0x391c0cb3 + w4; h += d; p = e ^ f; d += bigSigma0(e) + (f ^ (p & q));
  w5 += smallSigma1(w3) + w14 + smallSigma0(w6);
  c += bigSigma1(h) + ch(h, a, b) + 0x4ed8aa4a + w5; g += c; q = d ^ e; c += bigSigma0(d) + (e ^ (q & p));
  w6 += smallSigma1(w4) + w15 + smallSigma0(w7);
  b += bigSigma1(g) + ch(g, h, a) + 0x5b9cca4f + w6; f += b; p = c ^ d; b += bigSigma0(c) + (d ^ (p & q));
  w7 += smallSigma1(w5) + w0 + smallSigma0(w8);
  a += bigSigma1(f) + ch(f, g, h) + 0x682e6ff3 + w7; e += a; q = b ^ c; a += bigSigma0(b) + (c ^ (q & p));
  w8 += smallSigma1(w6) + w1 + smallSigma0(w9);
  h += bigSigma1(e) + ch(e, f, g) + 0x748f82ee + w8; d += h; p = a ^ b; h += bigSigma0(a) + (b ^ (p & q));
  w9 += smallSigma1(w7) + w2 + smallSigma0(w10);
  g += bigSigma1(d) + ch(d, e, f) + 0x78a5636f + w9; c += g; q = h ^ a; g += bigSigma0(h) + (a ^ (q & p));
  w10 += smallSigma1(w8) + w3 + smallSigma0(w11);
  f += bigSigma1(c) + ch(c, d, e) + 0x84c87814 + w10; b += f; p = g ^ h; f += bigSigma0(g) + (h ^ (p & q));
  w11 += smallSigma1(w9) + w4 + smallSigma0(w12);
  e += bigSigma1(b) + ch(b, c, d) + 0x8cc70208 + w11; a += e; q = f ^ g; e += bigSigma0(f) + (g ^ (q & p));
  w12 += smallSigma1(w10) + w5 + smallSigma0(w13);
  d += bigSigma1(a) + ch(a, b, c) + 0x90befffa + w12; h += d; p = e ^ f; d += bigSigma0(e) + (f ^ (p & q));
  w13 += smallSigma1(w11) + w6 + smallSigma0(w14);
  c += bigSigma1(h) + ch(h, a, b) + 0xa4506ceb + w13; g += c; q = d ^ e; c += bigSigma0(d) + (e ^ (q & p));
  w14 += smallSigma1(w12) + w7 + smallSigma0(w15);
  b += bigSigma1(g) + ch(g, h, a) + 0xbef9a3f7 + w14; f += b; p = c ^ d; b += bigSigma0(c) + (d ^ (p & q));
  w15 += smallSigma1(w13) + w8 + smallSigma0(w0);
  a += bigSigma1(f) + ch(f, g, h) + 0xc67178f2 + w15; e += a; q = b ^ c; a += bigSigma0(b) + (c ^ (q & p));
  // H(i) = H(i−1) + working variables
  store<u32>(ctx, load<u32>(ctx, 0) + a, 0); store<u32>(ctx, load<u32>(ctx, 4) + b, 4);
  store<u32>(ctx, load<u32>(ctx, 8) + c, 8); store<u32>(ctx, load<u32>(ctx, 12) + d, 12);
  store<u32>(ctx, load<u32>(ctx, 16) + e, 16); store<u32>(ctx, load<u32>(ctx, 20) + f, 20);
  store<u32>(ctx, load<u32>(ctx, 24) + g, 24); store<u32>(ctx, load<u32>(ctx, 28) + h, 28);
}
