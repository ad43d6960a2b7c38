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
// Σ0, Σ1, σ0, σ1, Ch (FIPS 180-4 4.1.2); Maj(a,b,c) = (a ∧ b) ∨ (c ∧ (a ∨ b)) is written out in
// each round (it is symmetric, so a call would only invite argument-order mutants that cannot fail).
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
  let w0 = be32(load<u32>(block, 0)), w1 = be32(load<u32>(block, 4)), w2 = be32(load<u32>(block, 8)), w3 = be32(load<u32>(block, 12));
  let w4 = be32(load<u32>(block, 16)), w5 = be32(load<u32>(block, 20)), w6 = be32(load<u32>(block, 24)), w7 = be32(load<u32>(block, 28));
  let w8 = be32(load<u32>(block, 32)), w9 = be32(load<u32>(block, 36)), w10 = be32(load<u32>(block, 40)), w11 = be32(load<u32>(block, 44));
  let w12 = be32(load<u32>(block, 48)), w13 = be32(load<u32>(block, 52)), w14 = be32(load<u32>(block, 56)), w15 = be32(load<u32>(block, 60));
  let a = load<u32>(ctx, 0), b = load<u32>(ctx, 4), c = load<u32>(ctx, 8), d = load<u32>(ctx, 12);
  let e = load<u32>(ctx, 16), f = load<u32>(ctx, 20), g = load<u32>(ctx, 24), h = load<u32>(ctx, 28);
  // rounds 0..63; from t = 16 on, Wt = σ1(Wt−2) + Wt−7 + σ0(Wt−15) + Wt−16 replaces Wt−16
  h += bigSigma1(e) + ch(e, f, g) + 0x428a2f98 + w0; d += h; h += bigSigma0(a) + ((a & b) | (c & (a | b)));
  g += bigSigma1(d) + ch(d, e, f) + 0x71374491 + w1; c += g; g += bigSigma0(h) + ((h & a) | (b & (h | a)));
  f += bigSigma1(c) + ch(c, d, e) + 0xb5c0fbcf + w2; b += f; f += bigSigma0(g) + ((g & h) | (a & (g | h)));
  e += bigSigma1(b) + ch(b, c, d) + 0xe9b5dba5 + w3; a += e; e += bigSigma0(f) + ((f & g) | (h & (f | g)));
  d += bigSigma1(a) + ch(a, b, c) + 0x3956c25b + w4; h += d; d += bigSigma0(e) + ((e & f) | (g & (e | f)));
  c += bigSigma1(h) + ch(h, a, b) + 0x59f111f1 + w5; g += c; c += bigSigma0(d) + ((d & e) | (f & (d | e)));
  b += bigSigma1(g) + ch(g, h, a) + 0x923f82a4 + w6; f += b; b += bigSigma0(c) + ((c & d) | (e & (c | d)));
  a += bigSigma1(f) + ch(f, g, h) + 0xab1c5ed5 + w7; e += a; a += bigSigma0(b) + ((b & c) | (d & (b | c)));
  h += bigSigma1(e) + ch(e, f, g) + 0xd807aa98 + w8; d += h; h += bigSigma0(a) + ((a & b) | (c & (a | b)));
  g += bigSigma1(d) + ch(d, e, f) + 0x12835b01 + w9; c += g; g += bigSigma0(h) + ((h & a) | (b & (h | a)));
  f += bigSigma1(c) + ch(c, d, e) + 0x243185be + w10; b += f; f += bigSigma0(g) + ((g & h) | (a & (g | h)));
  e += bigSigma1(b) + ch(b, c, d) + 0x550c7dc3 + w11; a += e; e += bigSigma0(f) + ((f & g) | (h & (f | g)));
  d += bigSigma1(a) + ch(a, b, c) + 0x72be5d74 + w12; h += d; d += bigSigma0(e) + ((e & f) | (g & (e | f)));
  c += bigSigma1(h) + ch(h, a, b) + 0x80deb1fe + w13; g += c; c += bigSigma0(d) + ((d & e) | (f & (d | e)));
  b += bigSigma1(g) + ch(g, h, a) + 0x9bdc06a7 + w14; f += b; b += bigSigma0(c) + ((c & d) | (e & (c | d)));
  a += bigSigma1(f) + ch(f, g, h) + 0xc19bf174 + w15; e += a; a += bigSigma0(b) + ((b & c) | (d & (b | c)));
  w0 += smallSigma1(w14) + w9 + smallSigma0(w1);
  h += bigSigma1(e) + ch(e, f, g) + 0xe49b69c1 + w0; d += h; h += bigSigma0(a) + ((a & b) | (c & (a | b)));
  w1 += smallSigma1(w15) + w10 + smallSigma0(w2);
  g += bigSigma1(d) + ch(d, e, f) + 0xefbe4786 + w1; c += g; g += bigSigma0(h) + ((h & a) | (b & (h | a)));
  w2 += smallSigma1(w0) + w11 + smallSigma0(w3);
  f += bigSigma1(c) + ch(c, d, e) + 0x0fc19dc6 + w2; b += f; f += bigSigma0(g) + ((g & h) | (a & (g | h)));
  w3 += smallSigma1(w1) + w12 + smallSigma0(w4);
  e += bigSigma1(b) + ch(b, c, d) + 0x240ca1cc + w3; a += e; e += bigSigma0(f) + ((f & g) | (h & (f | g)));
  w4 += smallSigma1(w2) + w13 + smallSigma0(w5);
  d += bigSigma1(a) + ch(a, b, c) + 0x2de92c6f + w4; h += d; d += bigSigma0(e) + ((e & f) | (g & (e | f)));
  w5 += smallSigma1(w3) + w14 + smallSigma0(w6);
  c += bigSigma1(h) + ch(h, a, b) + 0x4a7484aa + w5; g += c; c += bigSigma0(d) + ((d & e) | (f & (d | e)));
  w6 += smallSigma1(w4) + w15 + smallSigma0(w7);
  b += bigSigma1(g) + ch(g, h, a) + 0x5cb0a9dc + w6; f += b; b += bigSigma0(c) + ((c & d) | (e & (c | d)));
  w7 += smallSigma1(w5) + w0 + smallSigma0(w8);
  a += bigSigma1(f) + ch(f, g, h) + 0x76f988da + w7; e += a; a += bigSigma0(b) + ((b & c) | (d & (b | c)));
  w8 += smallSigma1(w6) + w1 + smallSigma0(w9);
  h += bigSigma1(e) + ch(e, f, g) + 0x983e5152 + w8; d += h; h += bigSigma0(a) + ((a & b) | (c & (a | b)));
  w9 += smallSigma1(w7) + w2 + smallSigma0(w10);
  g += bigSigma1(d) + ch(d, e, f) + 0xa831c66d + w9; c += g; g += bigSigma0(h) + ((h & a) | (b & (h | a)));
  w10 += smallSigma1(w8) + w3 + smallSigma0(w11);
  f += bigSigma1(c) + ch(c, d, e) + 0xb00327c8 + w10; b += f; f += bigSigma0(g) + ((g & h) | (a & (g | h)));
  w11 += smallSigma1(w9) + w4 + smallSigma0(w12);
  e += bigSigma1(b) + ch(b, c, d) + 0xbf597fc7 + w11; a += e; e += bigSigma0(f) + ((f & g) | (h & (f | g)));
  w12 += smallSigma1(w10) + w5 + smallSigma0(w13);
  d += bigSigma1(a) + ch(a, b, c) + 0xc6e00bf3 + w12; h += d; d += bigSigma0(e) + ((e & f) | (g & (e | f)));
  w13 += smallSigma1(w11) + w6 + smallSigma0(w14);
  c += bigSigma1(h) + ch(h, a, b) + 0xd5a79147 + w13; g += c; c += bigSigma0(d) + ((d & e) | (f & (d | e)));
  w14 += smallSigma1(w12) + w7 + smallSigma0(w15);
  b += bigSigma1(g) + ch(g, h, a) + 0x06ca6351 + w14; f += b; b += bigSigma0(c) + ((c & d) | (e & (c | d)));
  w15 += smallSigma1(w13) + w8 + smallSigma0(w0);
  a += bigSigma1(f) + ch(f, g, h) + 0x14292967 + w15; e += a; a += bigSigma0(b) + ((b & c) | (d & (b | c)));
  w0 += smallSigma1(w14) + w9 + smallSigma0(w1);
  h += bigSigma1(e) + ch(e, f, g) + 0x27b70a85 + w0; d += h; h += bigSigma0(a) + ((a & b) | (c & (a | b)));
  w1 += smallSigma1(w15) + w10 + smallSigma0(w2);
  g += bigSigma1(d) + ch(d, e, f) + 0x2e1b2138 + w1; c += g; g += bigSigma0(h) + ((h & a) | (b & (h | a)));
  w2 += smallSigma1(w0) + w11 + smallSigma0(w3);
  f += bigSigma1(c) + ch(c, d, e) + 0x4d2c6dfc + w2; b += f; f += bigSigma0(g) + ((g & h) | (a & (g | h)));
  w3 += smallSigma1(w1) + w12 + smallSigma0(w4);
  e += bigSigma1(b) + ch(b, c, d) + 0x53380d13 + w3; a += e; e += bigSigma0(f) + ((f & g) | (h & (f | g)));
  w4 += smallSigma1(w2) + w13 + smallSigma0(w5);
  d += bigSigma1(a) + ch(a, b, c) + 0x650a7354 + w4; h += d; d += bigSigma0(e) + ((e & f) | (g & (e | f)));
  w5 += smallSigma1(w3) + w14 + smallSigma0(w6);
  c += bigSigma1(h) + ch(h, a, b) + 0x766a0abb + w5; g += c; c += bigSigma0(d) + ((d & e) | (f & (d | e)));
  w6 += smallSigma1(w4) + w15 + smallSigma0(w7);
  b += bigSigma1(g) + ch(g, h, a) + 0x81c2c92e + w6; f += b; b += bigSigma0(c) + ((c & d) | (e & (c | d)));
  w7 += smallSigma1(w5) + w0 + smallSigma0(w8);
  a += bigSigma1(f) + ch(f, g, h) + 0x92722c85 + w7; e += a; a += bigSigma0(b) + ((b & c) | (d & (b | c)));
  w8 += smallSigma1(w6) + w1 + smallSigma0(w9);
  h += bigSigma1(e) + ch(e, f, g) + 0xa2bfe8a1 + w8; d += h; h += bigSigma0(a) + ((a & b) | (c & (a | b)));
  w9 += smallSigma1(w7) + w2 + smallSigma0(w10);
  g += bigSigma1(d) + ch(d, e, f) + 0xa81a664b + w9; c += g; g += bigSigma0(h) + ((h & a) | (b & (h | a)));
  w10 += smallSigma1(w8) + w3 + smallSigma0(w11);
  f += bigSigma1(c) + ch(c, d, e) + 0xc24b8b70 + w10; b += f; f += bigSigma0(g) + ((g & h) | (a & (g | h)));
  w11 += smallSigma1(w9) + w4 + smallSigma0(w12);
  e += bigSigma1(b) + ch(b, c, d) + 0xc76c51a3 + w11; a += e; e += bigSigma0(f) + ((f & g) | (h & (f | g)));
  w12 += smallSigma1(w10) + w5 + smallSigma0(w13);
  d += bigSigma1(a) + ch(a, b, c) + 0xd192e819 + w12; h += d; d += bigSigma0(e) + ((e & f) | (g & (e | f)));
  w13 += smallSigma1(w11) + w6 + smallSigma0(w14);
  c += bigSigma1(h) + ch(h, a, b) + 0xd6990624 + w13; g += c; c += bigSigma0(d) + ((d & e) | (f & (d | e)));
  w14 += smallSigma1(w12) + w7 + smallSigma0(w15);
  b += bigSigma1(g) + ch(g, h, a) + 0xf40e3585 + w14; f += b; b += bigSigma0(c) + ((c & d) | (e & (c | d)));
  w15 += smallSigma1(w13) + w8 + smallSigma0(w0);
  a += bigSigma1(f) + ch(f, g, h) + 0x106aa070 + w15; e += a; a += bigSigma0(b) + ((b & c) | (d & (b | c)));
  w0 += smallSigma1(w14) + w9 + smallSigma0(w1);
  h += bigSigma1(e) + ch(e, f, g) + 0x19a4c116 + w0; d += h; h += bigSigma0(a) + ((a & b) | (c & (a | b)));
  w1 += smallSigma1(w15) + w10 + smallSigma0(w2);
  g += bigSigma1(d) + ch(d, e, f) + 0x1e376c08 + w1; c += g; g += bigSigma0(h) + ((h & a) | (b & (h | a)));
  w2 += smallSigma1(w0) + w11 + smallSigma0(w3);
  f += bigSigma1(c) + ch(c, d, e) + 0x2748774c + w2; b += f; f += bigSigma0(g) + ((g & h) | (a & (g | h)));
  w3 += smallSigma1(w1) + w12 + smallSigma0(w4);
  e += bigSigma1(b) + ch(b, c, d) + 0x34b0bcb5 + w3; a += e; e += bigSigma0(f) + ((f & g) | (h & (f | g)));
  w4 += smallSigma1(w2) + w13 + smallSigma0(w5);
  d += bigSigma1(a) + ch(a, b, c) + 0x391c0cb3 + w4; h += d; d += bigSigma0(e) + ((e & f) | (g & (e | f)));
  w5 += smallSigma1(w3) + w14 + smallSigma0(w6);
  c += bigSigma1(h) + ch(h, a, b) + 0x4ed8aa4a + w5; g += c; c += bigSigma0(d) + ((d & e) | (f & (d | e)));
  w6 += smallSigma1(w4) + w15 + smallSigma0(w7);
  b += bigSigma1(g) + ch(g, h, a) + 0x5b9cca4f + w6; f += b; b += bigSigma0(c) + ((c & d) | (e & (c | d)));
  w7 += smallSigma1(w5) + w0 + smallSigma0(w8);
  a += bigSigma1(f) + ch(f, g, h) + 0x682e6ff3 + w7; e += a; a += bigSigma0(b) + ((b & c) | (d & (b | c)));
  w8 += smallSigma1(w6) + w1 + smallSigma0(w9);
  h += bigSigma1(e) + ch(e, f, g) + 0x748f82ee + w8; d += h; h += bigSigma0(a) + ((a & b) | (c & (a | b)));
  w9 += smallSigma1(w7) + w2 + smallSigma0(w10);
  g += bigSigma1(d) + ch(d, e, f) + 0x78a5636f + w9; c += g; g += bigSigma0(h) + ((h & a) | (b & (h | a)));
  w10 += smallSigma1(w8) + w3 + smallSigma0(w11);
  f += bigSigma1(c) + ch(c, d, e) + 0x84c87814 + w10; b += f; f += bigSigma0(g) + ((g & h) | (a & (g | h)));
  w11 += smallSigma1(w9) + w4 + smallSigma0(w12);
  e += bigSigma1(b) + ch(b, c, d) + 0x8cc70208 + w11; a += e; e += bigSigma0(f) + ((f & g) | (h & (f | g)));
  w12 += smallSigma1(w10) + w5 + smallSigma0(w13);
  d += bigSigma1(a) + ch(a, b, c) + 0x90befffa + w12; h += d; d += bigSigma0(e) + ((e & f) | (g & (e | f)));
  w13 += smallSigma1(w11) + w6 + smallSigma0(w14);
  c += bigSigma1(h) + ch(h, a, b) + 0xa4506ceb + w13; g += c; c += bigSigma0(d) + ((d & e) | (f & (d | e)));
  w14 += smallSigma1(w12) + w7 + smallSigma0(w15);
  b += bigSigma1(g) + ch(g, h, a) + 0xbef9a3f7 + w14; f += b; b += bigSigma0(c) + ((c & d) | (e & (c | d)));
  w15 += smallSigma1(w13) + w8 + smallSigma0(w0);
  a += bigSigma1(f) + ch(f, g, h) + 0xc67178f2 + w15; e += a; a += bigSigma0(b) + ((b & c) | (d & (b | c)));
  // H(i) = H(i−1) + working variables
  store<u32>(ctx, load<u32>(ctx, 0) + a, 0); store<u32>(ctx, load<u32>(ctx, 4) + b, 4);
  store<u32>(ctx, load<u32>(ctx, 8) + c, 8); store<u32>(ctx, load<u32>(ctx, 12) + d, 12);
  store<u32>(ctx, load<u32>(ctx, 16) + e, 16); store<u32>(ctx, load<u32>(ctx, 20) + f, 20);
  store<u32>(ctx, load<u32>(ctx, 24) + g, 24); store<u32>(ctx, load<u32>(ctx, 28) + h, 28);
}
