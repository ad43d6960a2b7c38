// AES-128 encryption (FIPS 197) for the FAST build (crypto/variant.ts): four 1 KiB T-tables and
// four 1 KiB S-box tables instead of one T-table with rotations, and the ten rounds and the key
// expansion written out, so every round-key word is a load at a constant offset and no loop
// counter is kept. Same conventions as crypto/aes.ts (little-endian column words, round keys in
// FIPS 197 byte order), so contexts are interchangeable and crypto/aes.ts dispatches here.
//
// Tables (static data of the fast build only; computed once by the wasm start function from the
// T0 table that crypto/aes.ts derives from the S-box definition, so there is one source for the
// S-box and no 8 KiB hex literal to review):
//   FTk[x] = rotl(T0[x], 8k)      the MixColumns contribution of S(x) in row k (FIPS 197 5.1.3)
//   FSk[x] = S(x) << 8k           S(x) in byte k, for the last round and the key schedule
// An index is the state byte already multiplied by 4: (s & 0xff) << 2 for byte 0,
// (s >>> 6) & 0x3fc for byte 1, (s >>> 14) & 0x3fc for byte 2, s >>> 24 << 2 for byte 3.

import { FAST, NOT_BUILT } from "./variant";

export const FT0: usize = FAST ? memory.data(4096, 16) : NOT_BUILT;
export const FT1: usize = FT0 + 1024;
export const FT2: usize = FT0 + 2048;
export const FT3: usize = FT0 + 3072;
const FS0: usize = FAST ? memory.data(4096, 16) : NOT_BUILT;
const FS1: usize = FS0 + 1024;
const FS2: usize = FS0 + 2048;
const FS3: usize = FS0 + 3072;

/** Fill FT0..FT3 and FS0..FS3 from T0 (T0[x] = [2S(x), S(x), S(x), 3S(x)], crypto/aes.ts). */
export function aesFastTablesInit(t0: usize): void {
  for (let i: usize = 0; i < 1024; i += 4) {
    let t = load<u32>(t0 + i);
    store<u32>(FT0 + i, t); store<u32>(FT1 + i, rotl<u32>(t, 8));
    store<u32>(FT2 + i, rotl<u32>(t, 16)); store<u32>(FT3 + i, rotl<u32>(t, 24));
    let s = (t >>> 8) & 0xff;
    store<u32>(FS0 + i, s); store<u32>(FS1 + i, s << 8); store<u32>(FS2 + i, s << 16); store<u32>(FS3 + i, s << 24);
  }
}

/**
 * KeyExpansion (FIPS 197 5.2), unrolled: w[i] = w[i-4] ⊕ SubWord(RotWord(w[i-1])) ⊕ Rcon[i/4] for
 * i ≡ 0 mod 4, else w[i-4] ⊕ w[i-1]. RotWord [a0,a1,a2,a3] → [a1,a2,a3,a0] puts byte 1 of w[i-1]
 * into byte 0 and so on, hence the FS table per source byte. Rcon = 01 02 04 … 80 1b 36.
 * `key` and `rk` may be the same address.
 */
export function aesExpandKeyFast(key: usize, rk: usize): void {
  let w0 = load<u32>(key), w1 = load<u32>(key, 4), w2 = load<u32>(key, 8), w3 = load<u32>(key, 12);
  store<u32>(rk, w0); store<u32>(rk, w1, 4); store<u32>(rk, w2, 8); store<u32>(rk, w3, 12);
  let t: u32;
  t = load<u32>(w3 >>> 6 & 0x3fc, FS0) ^ load<u32>(w3 >>> 14 & 0x3fc, FS1) ^ load<u32>(w3 >>> 24 << 2, FS2) ^ load<u32>((w3 & 0xff) << 2, FS3);
  w0 ^= t ^ 0x01; w1 ^= w0; w2 ^= w1; w3 ^= w2;
  store<u32>(rk, w0, 16); store<u32>(rk, w1, 20); store<u32>(rk, w2, 24); store<u32>(rk, w3, 28);
  t = load<u32>(w3 >>> 6 & 0x3fc, FS0) ^ load<u32>(w3 >>> 14 & 0x3fc, FS1) ^ load<u32>(w3 >>> 24 << 2, FS2) ^ load<u32>((w3 & 0xff) << 2, FS3);
  w0 ^= t ^ 0x02; w1 ^= w0; w2 ^= w1; w3 ^= w2;
  store<u32>(rk, w0, 32); store<u32>(rk, w1, 36); store<u32>(rk, w2, 40); store<u32>(rk, w3, 44);
  t = load<u32>(w3 >>> 6 & 0x3fc, FS0) ^ load<u32>(w3 >>> 14 & 0x3fc, FS1) ^ load<u32>(w3 >>> 24 << 2, FS2) ^ load<u32>((w3 & 0xff) << 2, FS3);
  w0 ^= t ^ 0x04; w1 ^= w0; w2 ^= w1; w3 ^= w2;
  store<u32>(rk, w0, 48); store<u32>(rk, w1, 52); store<u32>(rk, w2, 56); store<u32>(rk, w3, 60);
  t = load<u32>(w3 >>> 6 & 0x3fc, FS0) ^ load<u32>(w3 >>> 14 & 0x3fc, FS1) ^ load<u32>(w3 >>> 24 << 2, FS2) ^ load<u32>((w3 & 0xff) << 2, FS3);
  w0 ^= t ^ 0x08; w1 ^= w0; w2 ^= w1; w3 ^= w2;
  store<u32>(rk, w0, 64); store<u32>(rk, w1, 68); store<u32>(rk, w2, 72); store<u32>(rk, w3, 76);
  t = load<u32>(w3 >>> 6 & 0x3fc, FS0) ^ load<u32>(w3 >>> 14 & 0x3fc, FS1) ^ load<u32>(w3 >>> 24 << 2, FS2) ^ load<u32>((w3 & 0xff) << 2, FS3);
  w0 ^= t ^ 0x10; w1 ^= w0; w2 ^= w1; w3 ^= w2;
  store<u32>(rk, w0, 80); store<u32>(rk, w1, 84); store<u32>(rk, w2, 88); store<u32>(rk, w3, 92);
  t = load<u32>(w3 >>> 6 & 0x3fc, FS0) ^ load<u32>(w3 >>> 14 & 0x3fc, FS1) ^ load<u32>(w3 >>> 24 << 2, FS2) ^ load<u32>((w3 & 0xff) << 2, FS3);
  w0 ^= t ^ 0x20; w1 ^= w0; w2 ^= w1; w3 ^= w2;
  store<u32>(rk, w0, 96); store<u32>(rk, w1, 100); store<u32>(rk, w2, 104); store<u32>(rk, w3, 108);
  t = load<u32>(w3 >>> 6 & 0x3fc, FS0) ^ load<u32>(w3 >>> 14 & 0x3fc, FS1) ^ load<u32>(w3 >>> 24 << 2, FS2) ^ load<u32>((w3 & 0xff) << 2, FS3);
  w0 ^= t ^ 0x40; w1 ^= w0; w2 ^= w1; w3 ^= w2;
  store<u32>(rk, w0, 112); store<u32>(rk, w1, 116); store<u32>(rk, w2, 120); store<u32>(rk, w3, 124);
  t = load<u32>(w3 >>> 6 & 0x3fc, FS0) ^ load<u32>(w3 >>> 14 & 0x3fc, FS1) ^ load<u32>(w3 >>> 24 << 2, FS2) ^ load<u32>((w3 & 0xff) << 2, FS3);
  w0 ^= t ^ 0x80; w1 ^= w0; w2 ^= w1; w3 ^= w2;
  store<u32>(rk, w0, 128); store<u32>(rk, w1, 132); store<u32>(rk, w2, 136); store<u32>(rk, w3, 140);
  t = load<u32>(w3 >>> 6 & 0x3fc, FS0) ^ load<u32>(w3 >>> 14 & 0x3fc, FS1) ^ load<u32>(w3 >>> 24 << 2, FS2) ^ load<u32>((w3 & 0xff) << 2, FS3);
  w0 ^= t ^ 0x1b; w1 ^= w0; w2 ^= w1; w3 ^= w2;
  store<u32>(rk, w0, 144); store<u32>(rk, w1, 148); store<u32>(rk, w2, 152); store<u32>(rk, w3, 156);
  t = load<u32>(w3 >>> 6 & 0x3fc, FS0) ^ load<u32>(w3 >>> 14 & 0x3fc, FS1) ^ load<u32>(w3 >>> 24 << 2, FS2) ^ load<u32>((w3 & 0xff) << 2, FS3);
  w0 ^= t ^ 0x36; w1 ^= w0; w2 ^= w1; w3 ^= w2;
  store<u32>(rk, w0, 160); store<u32>(rk, w1, 164); store<u32>(rk, w2, 168); store<u32>(rk, w3, 172);
}

/**
 * Cipher (FIPS 197 5.1), unrolled. Round r, column c: t_c = FT0[s_c byte 0] ⊕ FT1[s_(c+1) byte 1]
 * ⊕ FT2[s_(c+2) byte 2] ⊕ FT3[s_(c+3) byte 3] ⊕ w[4r + c] (SubBytes, ShiftRows, MixColumns,
 * AddRoundKey in one); the last round uses FS instead (no MixColumns). `input` and `output` may
 * alias (the state lives in locals).
 */
export function aesEncryptBlockFast(rk: usize, input: usize, output: usize): void {
  // AddRoundKey(state, w[0, 3])
  let s0 = load<u32>(input) ^ load<u32>(rk), s1 = load<u32>(input, 4) ^ load<u32>(rk, 4);
  let s2 = load<u32>(input, 8) ^ load<u32>(rk, 8), s3 = load<u32>(input, 12) ^ load<u32>(rk, 12);
  let t0: u32, t1: u32, t2: u32, t3: u32;
  // round 1
  t0 = load<u32>((s0 & 0xff) << 2, FT0) ^ load<u32>((s1 >>> 6) & 0x3fc, FT1) ^ load<u32>((s2 >>> 14) & 0x3fc, FT2) ^ load<u32>(s3 >>> 24 << 2, FT3) ^ load<u32>(rk, 16);
  t1 = load<u32>((s1 & 0xff) << 2, FT0) ^ load<u32>((s2 >>> 6) & 0x3fc, FT1) ^ load<u32>((s3 >>> 14) & 0x3fc, FT2) ^ load<u32>(s0 >>> 24 << 2, FT3) ^ load<u32>(rk, 20);
  t2 = load<u32>((s2 & 0xff) << 2, FT0) ^ load<u32>((s3 >>> 6) & 0x3fc, FT1) ^ load<u32>((s0 >>> 14) & 0x3fc, FT2) ^ load<u32>(s1 >>> 24 << 2, FT3) ^ load<u32>(rk, 24);
  t3 = load<u32>((s3 & 0xff) << 2, FT0) ^ load<u32>((s0 >>> 6) & 0x3fc, FT1) ^ load<u32>((s1 >>> 14) & 0x3fc, FT2) ^ load<u32>(s2 >>> 24 << 2, FT3) ^ load<u32>(rk, 28);
  // round 2
  s0 = load<u32>((t0 & 0xff) << 2, FT0) ^ load<u32>((t1 >>> 6) & 0x3fc, FT1) ^ load<u32>((t2 >>> 14) & 0x3fc, FT2) ^ load<u32>(t3 >>> 24 << 2, FT3) ^ load<u32>(rk, 32);
  s1 = load<u32>((t1 & 0xff) << 2, FT0) ^ load<u32>((t2 >>> 6) & 0x3fc, FT1) ^ load<u32>((t3 >>> 14) & 0x3fc, FT2) ^ load<u32>(t0 >>> 24 << 2, FT3) ^ load<u32>(rk, 36);
  s2 = load<u32>((t2 & 0xff) << 2, FT0) ^ load<u32>((t3 >>> 6) & 0x3fc, FT1) ^ load<u32>((t0 >>> 14) & 0x3fc, FT2) ^ load<u32>(t1 >>> 24 << 2, FT3) ^ load<u32>(rk, 40);
  s3 = load<u32>((t3 & 0xff) << 2, FT0) ^ load<u32>((t0 >>> 6) & 0x3fc, FT1) ^ load<u32>((t1 >>> 14) & 0x3fc, FT2) ^ load<u32>(t2 >>> 24 << 2, FT3) ^ load<u32>(rk, 44);
  // round 3
  t0 = load<u32>((s0 & 0xff) << 2, FT0) ^ load<u32>((s1 >>> 6) & 0x3fc, FT1) ^ load<u32>((s2 >>> 14) & 0x3fc, FT2) ^ load<u32>(s3 >>> 24 << 2, FT3) ^ load<u32>(rk, 48);
  t1 = load<u32>((s1 & 0xff) << 2, FT0) ^ load<u32>((s2 >>> 6) & 0x3fc, FT1) ^ load<u32>((s3 >>> 14) & 0x3fc, FT2) ^ load<u32>(s0 >>> 24 << 2, FT3) ^ load<u32>(rk, 52);
  t2 = load<u32>((s2 & 0xff) << 2, FT0) ^ load<u32>((s3 >>> 6) & 0x3fc, FT1) ^ load<u32>((s0 >>> 14) & 0x3fc, FT2) ^ load<u32>(s1 >>> 24 << 2, FT3) ^ load<u32>(rk, 56);
  t3 = load<u32>((s3 & 0xff) << 2, FT0) ^ load<u32>((s0 >>> 6) & 0x3fc, FT1) ^ load<u32>((s1 >>> 14) & 0x3fc, FT2) ^ load<u32>(s2 >>> 24 << 2, FT3) ^ load<u32>(rk, 60);
  // round 4
  s0 = load<u32>((t0 & 0xff) << 2, FT0) ^ load<u32>((t1 >>> 6) & 0x3fc, FT1) ^ load<u32>((t2 >>> 14) & 0x3fc, FT2) ^ load<u32>(t3 >>> 24 << 2, FT3) ^ load<u32>(rk, 64);
  s1 = load<u32>((t1 & 0xff) << 2, FT0) ^ load<u32>((t2 >>> 6) & 0x3fc, FT1) ^ load<u32>((t3 >>> 14) & 0x3fc, FT2) ^ load<u32>(t0 >>> 24 << 2, FT3) ^ load<u32>(rk, 68);
  s2 = load<u32>((t2 & 0xff) << 2, FT0) ^ load<u32>((t3 >>> 6) & 0x3fc, FT1) ^ load<u32>((t0 >>> 14) & 0x3fc, FT2) ^ load<u32>(t1 >>> 24 << 2, FT3) ^ load<u32>(rk, 72);
  s3 = load<u32>((t3 & 0xff) << 2, FT0) ^ load<u32>((t0 >>> 6) & 0x3fc, FT1) ^ load<u32>((t1 >>> 14) & 0x3fc, FT2) ^ load<u32>(t2 >>> 24 << 2, FT3) ^ load<u32>(rk, 76);
  // round 5
  t0 = load<u32>((s0 & 0xff) << 2, FT0) ^ load<u32>((s1 >>> 6) & 0x3fc, FT1) ^ load<u32>((s2 >>> 14) & 0x3fc, FT2) ^ load<u32>(s3 >>> 24 << 2, FT3) ^ load<u32>(rk, 80);
  t1 = load<u32>((s1 & 0xff) << 2, FT0) ^ load<u32>((s2 >>> 6) & 0x3fc, FT1) ^ load<u32>((s3 >>> 14) & 0x3fc, FT2) ^ load<u32>(s0 >>> 24 << 2, FT3) ^ load<u32>(rk, 84);
  t2 = load<u32>((s2 & 0xff) << 2, FT0) ^ load<u32>((s3 >>> 6) & 0x3fc, FT1) ^ load<u32>((s0 >>> 14) & 0x3fc, FT2) ^ load<u32>(s1 >>> 24 << 2, FT3) ^ load<u32>(rk, 88);
  t3 = load<u32>((s3 & 0xff) << 2, FT0) ^ load<u32>((s0 >>> 6) & 0x3fc, FT1) ^ load<u32>((s1 >>> 14) & 0x3fc, FT2) ^ load<u32>(s2 >>> 24 << 2, FT3) ^ load<u32>(rk, 92);
  // round 6
  s0 = load<u32>((t0 & 0xff) << 2, FT0) ^ load<u32>((t1 >>> 6) & 0x3fc, FT1) ^ load<u32>((t2 >>> 14) & 0x3fc, FT2) ^ load<u32>(t3 >>> 24 << 2, FT3) ^ load<u32>(rk, 96);
  s1 = load<u32>((t1 & 0xff) << 2, FT0) ^ load<u32>((t2 >>> 6) & 0x3fc, FT1) ^ load<u32>((t3 >>> 14) & 0x3fc, FT2) ^ load<u32>(t0 >>> 24 << 2, FT3) ^ load<u32>(rk, 100);
  s2 = load<u32>((t2 & 0xff) << 2, FT0) ^ load<u32>((t3 >>> 6) & 0x3fc, FT1) ^ load<u32>((t0 >>> 14) & 0x3fc, FT2) ^ load<u32>(t1 >>> 24 << 2, FT3) ^ load<u32>(rk, 104);
  s3 = load<u32>((t3 & 0xff) << 2, FT0) ^ load<u32>((t0 >>> 6) & 0x3fc, FT1) ^ load<u32>((t1 >>> 14) & 0x3fc, FT2) ^ load<u32>(t2 >>> 24 << 2, FT3) ^ load<u32>(rk, 108);
  // round 7
  t0 = load<u32>((s0 & 0xff) << 2, FT0) ^ load<u32>((s1 >>> 6) & 0x3fc, FT1) ^ load<u32>((s2 >>> 14) & 0x3fc, FT2) ^ load<u32>(s3 >>> 24 << 2, FT3) ^ load<u32>(rk, 112);
  t1 = load<u32>((s1 & 0xff) << 2, FT0) ^ load<u32>((s2 >>> 6) & 0x3fc, FT1) ^ load<u32>((s3 >>> 14) & 0x3fc, FT2) ^ load<u32>(s0 >>> 24 << 2, FT3) ^ load<u32>(rk, 116);
  t2 = load<u32>((s2 & 0xff) << 2, FT0) ^ load<u32>((s3 >>> 6) & 0x3fc, FT1) ^ load<u32>((s0 >>> 14) & 0x3fc, FT2) ^ load<u32>(s1 >>> 24 << 2, FT3) ^ load<u32>(rk, 120);
  t3 = load<u32>((s3 & 0xff) << 2, FT0) ^ load<u32>((s0 >>> 6) & 0x3fc, FT1) ^ load<u32>((s1 >>> 14) & 0x3fc, FT2) ^ load<u32>(s2 >>> 24 << 2, FT3) ^ load<u32>(rk, 124);
  // round 8
  s0 = load<u32>((t0 & 0xff) << 2, FT0) ^ load<u32>((t1 >>> 6) & 0x3fc, FT1) ^ load<u32>((t2 >>> 14) & 0x3fc, FT2) ^ load<u32>(t3 >>> 24 << 2, FT3) ^ load<u32>(rk, 128);
  s1 = load<u32>((t1 & 0xff) << 2, FT0) ^ load<u32>((t2 >>> 6) & 0x3fc, FT1) ^ load<u32>((t3 >>> 14) & 0x3fc, FT2) ^ load<u32>(t0 >>> 24 << 2, FT3) ^ load<u32>(rk, 132);
  s2 = load<u32>((t2 & 0xff) << 2, FT0) ^ load<u32>((t3 >>> 6) & 0x3fc, FT1) ^ load<u32>((t0 >>> 14) & 0x3fc, FT2) ^ load<u32>(t1 >>> 24 << 2, FT3) ^ load<u32>(rk, 136);
  s3 = load<u32>((t3 & 0xff) << 2, FT0) ^ load<u32>((t0 >>> 6) & 0x3fc, FT1) ^ load<u32>((t1 >>> 14) & 0x3fc, FT2) ^ load<u32>(t2 >>> 24 << 2, FT3) ^ load<u32>(rk, 140);
  // round 9
  t0 = load<u32>((s0 & 0xff) << 2, FT0) ^ load<u32>((s1 >>> 6) & 0x3fc, FT1) ^ load<u32>((s2 >>> 14) & 0x3fc, FT2) ^ load<u32>(s3 >>> 24 << 2, FT3) ^ load<u32>(rk, 144);
  t1 = load<u32>((s1 & 0xff) << 2, FT0) ^ load<u32>((s2 >>> 6) & 0x3fc, FT1) ^ load<u32>((s3 >>> 14) & 0x3fc, FT2) ^ load<u32>(s0 >>> 24 << 2, FT3) ^ load<u32>(rk, 148);
  t2 = load<u32>((s2 & 0xff) << 2, FT0) ^ load<u32>((s3 >>> 6) & 0x3fc, FT1) ^ load<u32>((s0 >>> 14) & 0x3fc, FT2) ^ load<u32>(s1 >>> 24 << 2, FT3) ^ load<u32>(rk, 152);
  t3 = load<u32>((s3 & 0xff) << 2, FT0) ^ load<u32>((s0 >>> 6) & 0x3fc, FT1) ^ load<u32>((s1 >>> 14) & 0x3fc, FT2) ^ load<u32>(s2 >>> 24 << 2, FT3) ^ load<u32>(rk, 156);
  // round 10: SubBytes, ShiftRows, AddRoundKey (no MixColumns)
  store<u32>(output, load<u32>((t0 & 0xff) << 2, FS0) ^ load<u32>((t1 >>> 6) & 0x3fc, FS1) ^ load<u32>((t2 >>> 14) & 0x3fc, FS2) ^ load<u32>(t3 >>> 24 << 2, FS3) ^ load<u32>(rk, 160), 0);
  store<u32>(output, load<u32>((t1 & 0xff) << 2, FS0) ^ load<u32>((t2 >>> 6) & 0x3fc, FS1) ^ load<u32>((t3 >>> 14) & 0x3fc, FS2) ^ load<u32>(t0 >>> 24 << 2, FS3) ^ load<u32>(rk, 164), 4);
  store<u32>(output, load<u32>((t2 & 0xff) << 2, FS0) ^ load<u32>((t3 >>> 6) & 0x3fc, FS1) ^ load<u32>((t0 >>> 14) & 0x3fc, FS2) ^ load<u32>(t1 >>> 24 << 2, FS3) ^ load<u32>(rk, 168), 8);
  store<u32>(output, load<u32>((t3 & 0xff) << 2, FS0) ^ load<u32>((t0 >>> 6) & 0x3fc, FS1) ^ load<u32>((t1 >>> 14) & 0x3fc, FS2) ^ load<u32>(t2 >>> 24 << 2, FS3) ^ load<u32>(rk, 172), 12);
}
