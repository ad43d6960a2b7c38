// AES-128 encryption (FIPS 197), encrypt direction only: 128-EEA2 (CTR), 128-EIA2 (CMAC) and
// MILENAGE (TS 35.206, kernel function E_K) need nothing else.
//
// One 1 KiB T-table, little-endian word convention. A state column is the 4 bytes a0..a3 loaded
// with load<u32> (a0 in bits 0..7). T0[x] holds the MixColumns contribution of row-0 byte x after
// SubBytes: bytes [2*S(x), S(x), S(x), 3*S(x)] (FIPS 197 5.1.3, column multiplied by {02}{01}{01}{03}).
// Rows 1..3 contribute the same bytes rotated one position per row, so
//   T1[x] = rotl(T0[x], 8), T2[x] = rotl(T0[x], 16), T3[x] = rotl(T0[x], 24)
// and no further tables are needed. S(x) itself is byte 1 of T0[x] (used by the last round and by
// the key schedule, which have no MixColumns).
//
// Round keys: 176 bytes = w[0..43] (FIPS 197 5.2) in the standard byte order, so rk + 16*r is the
// round-r key as a 16-byte string and AddRoundKey is a 32-bit XOR per column. No state outside the
// caller's regions: rk and the 16-byte blocks are the whole context.

/** Nk, Nb, Nr for AES-128 (FIPS 197 Figure 4). */
const AES_NK: i32 = 4;
const AES_NB: i32 = 4;
const AES_NR: i32 = 10;
/** Bytes of the expanded key: Nb * (Nr + 1) words (FIPS 197 5.2). */
export const AES_RK_LEN: usize = <usize>(AES_NB * (AES_NR + 1) * 4);
export const AES_BLOCK_LEN: usize = 16;
export const AES_KEY_LEN: usize = 16;

/** x^8 = x^4 + x^3 + x + 1: the reduction byte of xtime() (FIPS 197 4.2.1, m(x) = 0x11b). */
const AES_XTIME_POLY: u32 = 0x1b;
/** Rcon[1] = {01} (FIPS 197 5.2); later values are xtime of the previous one. */
const AES_RCON_1: u32 = 0x01;

/** T0[x] = [2*S(x), S(x), S(x), 3*S(x)] as a little-endian u32 (see the file comment). */
const T0: usize = memory.data<u32>([
  0xa56363c6, 0x847c7cf8, 0x997777ee, 0x8d7b7bf6, 0x0df2f2ff, 0xbd6b6bd6, 0xb16f6fde, 0x54c5c591,
  0x50303060, 0x03010102, 0xa96767ce, 0x7d2b2b56, 0x19fefee7, 0x62d7d7b5, 0xe6abab4d, 0x9a7676ec,
  0x45caca8f, 0x9d82821f, 0x40c9c989, 0x877d7dfa, 0x15fafaef, 0xeb5959b2, 0xc947478e, 0x0bf0f0fb,
  0xecadad41, 0x67d4d4b3, 0xfda2a25f, 0xeaafaf45, 0xbf9c9c23, 0xf7a4a453, 0x967272e4, 0x5bc0c09b,
  0xc2b7b775, 0x1cfdfde1, 0xae93933d, 0x6a26264c, 0x5a36366c, 0x413f3f7e, 0x02f7f7f5, 0x4fcccc83,
  0x5c343468, 0xf4a5a551, 0x34e5e5d1, 0x08f1f1f9, 0x937171e2, 0x73d8d8ab, 0x53313162, 0x3f15152a,
  0x0c040408, 0x52c7c795, 0x65232346, 0x5ec3c39d, 0x28181830, 0xa1969637, 0x0f05050a, 0xb59a9a2f,
  0x0907070e, 0x36121224, 0x9b80801b, 0x3de2e2df, 0x26ebebcd, 0x6927274e, 0xcdb2b27f, 0x9f7575ea,
  0x1b090912, 0x9e83831d, 0x742c2c58, 0x2e1a1a34, 0x2d1b1b36, 0xb26e6edc, 0xee5a5ab4, 0xfba0a05b,
  0xf65252a4, 0x4d3b3b76, 0x61d6d6b7, 0xceb3b37d, 0x7b292952, 0x3ee3e3dd, 0x712f2f5e, 0x97848413,
  0xf55353a6, 0x68d1d1b9, 0x00000000, 0x2cededc1, 0x60202040, 0x1ffcfce3, 0xc8b1b179, 0xed5b5bb6,
  0xbe6a6ad4, 0x46cbcb8d, 0xd9bebe67, 0x4b393972, 0xde4a4a94, 0xd44c4c98, 0xe85858b0, 0x4acfcf85,
  0x6bd0d0bb, 0x2aefefc5, 0xe5aaaa4f, 0x16fbfbed, 0xc5434386, 0xd74d4d9a, 0x55333366, 0x94858511,
  0xcf45458a, 0x10f9f9e9, 0x06020204, 0x817f7ffe, 0xf05050a0, 0x443c3c78, 0xba9f9f25, 0xe3a8a84b,
  0xf35151a2, 0xfea3a35d, 0xc0404080, 0x8a8f8f05, 0xad92923f, 0xbc9d9d21, 0x48383870, 0x04f5f5f1,
  0xdfbcbc63, 0xc1b6b677, 0x75dadaaf, 0x63212142, 0x30101020, 0x1affffe5, 0x0ef3f3fd, 0x6dd2d2bf,
  0x4ccdcd81, 0x140c0c18, 0x35131326, 0x2fececc3, 0xe15f5fbe, 0xa2979735, 0xcc444488, 0x3917172e,
  0x57c4c493, 0xf2a7a755, 0x827e7efc, 0x473d3d7a, 0xac6464c8, 0xe75d5dba, 0x2b191932, 0x957373e6,
  0xa06060c0, 0x98818119, 0xd14f4f9e, 0x7fdcdca3, 0x66222244, 0x7e2a2a54, 0xab90903b, 0x8388880b,
  0xca46468c, 0x29eeeec7, 0xd3b8b86b, 0x3c141428, 0x79dedea7, 0xe25e5ebc, 0x1d0b0b16, 0x76dbdbad,
  0x3be0e0db, 0x56323264, 0x4e3a3a74, 0x1e0a0a14, 0xdb494992, 0x0a06060c, 0x6c242448, 0xe45c5cb8,
  0x5dc2c29f, 0x6ed3d3bd, 0xefacac43, 0xa66262c4, 0xa8919139, 0xa4959531, 0x37e4e4d3, 0x8b7979f2,
  0x32e7e7d5, 0x43c8c88b, 0x5937376e, 0xb76d6dda, 0x8c8d8d01, 0x64d5d5b1, 0xd24e4e9c, 0xe0a9a949,
  0xb46c6cd8, 0xfa5656ac, 0x07f4f4f3, 0x25eaeacf, 0xaf6565ca, 0x8e7a7af4, 0xe9aeae47, 0x18080810,
  0xd5baba6f, 0x887878f0, 0x6f25254a, 0x722e2e5c, 0x241c1c38, 0xf1a6a657, 0xc7b4b473, 0x51c6c697,
  0x23e8e8cb, 0x7cdddda1, 0x9c7474e8, 0x211f1f3e, 0xdd4b4b96, 0xdcbdbd61, 0x868b8b0d, 0x858a8a0f,
  0x907070e0, 0x423e3e7c, 0xc4b5b571, 0xaa6666cc, 0xd8484890, 0x05030306, 0x01f6f6f7, 0x120e0e1c,
  0xa36161c2, 0x5f35356a, 0xf95757ae, 0xd0b9b969, 0x91868617, 0x58c1c199, 0x271d1d3a, 0xb99e9e27,
  0x38e1e1d9, 0x13f8f8eb, 0xb398982b, 0x33111122, 0xbb6969d2, 0x70d9d9a9, 0x898e8e07, 0xa7949433,
  0xb69b9b2d, 0x221e1e3c, 0x92878715, 0x20e9e9c9, 0x49cece87, 0xff5555aa, 0x78282850, 0x7adfdfa5,
  0x8f8c8c03, 0xf8a1a159, 0x80898909, 0x170d0d1a, 0xdabfbf65, 0x31e6e6d7, 0xc6424284, 0xb86868d0,
  0xc3414182, 0xb0999929, 0x772d2d5a, 0x110f0f1e, 0xcbb0b07b, 0xfc5454a8, 0xd6bbbb6d, 0x3a16162c,
]);

// @ts-ignore: decorator
@inline function te(x: u32): u32 { return load<u32>((<usize>x & 0xff) << 2, T0); }   // T0 as the load's constant offset

/** T0[x & 0xff] (see the file comment). Exported for SNOW 3G, whose S1 box is the AES S-box
 *  followed by the AES MixColumn (UEA2&UIA2 Document 2, 3.3.1), so it needs no table of its own. */
// @ts-ignore: decorator
@inline export function aesT0(x: u32): u32 { return te(x); }
// @ts-ignore: decorator
@inline function sbox(x: u32): u32 { return (te(x) >>> 8) & 0xff; }
/** SubWord (FIPS 197 5.2): S-box applied to each of the four bytes. */
// @ts-ignore: decorator
@inline function subWord(w: u32): u32 {
  return sbox(w) | (sbox(w >>> 8) << 8) | (sbox(w >>> 16) << 16) | (sbox(w >>> 24) << 24);
}

/**
 * KeyExpansion (FIPS 197 5.2) of the 16-byte cipher key at `key` into 176 bytes at `rk`.
 * `key` and `rk` may be the same address (the key is the first round key).
 */
export function aesExpandKey(key: usize, rk: usize): void {
  let w0 = load<u32>(key), w1 = load<u32>(key, 4), w2 = load<u32>(key, 8), w3 = load<u32>(key, 12);
  store<u32>(rk, w0); store<u32>(rk, w1, 4); store<u32>(rk, w2, 8); store<u32>(rk, w3, 12);
  let rcon = AES_RCON_1;
  for (let i = AES_NK; i < AES_NB * (AES_NR + 1); i += AES_NK) {
    // temp = SubWord(RotWord(w[i-1])) xor Rcon[i/Nk]; RotWord [a0,a1,a2,a3] -> [a1,a2,a3,a0] is a
    // right rotation of the little-endian word.
    let temp = subWord(rotr<u32>(w3, 8)) ^ rcon;
    // w[i] = w[i-Nk] xor temp, then w[i+j] = w[i+j-Nk] xor w[i+j-1]
    w0 ^= temp; w1 ^= w0; w2 ^= w1; w3 ^= w2;
    let p = rk + (<usize>i << 2);
    store<u32>(p, w0); store<u32>(p, w1, 4); store<u32>(p, w2, 8); store<u32>(p, w3, 12);
    // Rcon[i/Nk + 1] = xtime(Rcon[i/Nk])
    rcon = ((rcon << 1) & 0xff) ^ (((rcon >>> 7) & 1) * AES_XTIME_POLY);
  }
}

/**
 * Cipher (FIPS 197 5.1) of one 16-byte block with the expanded key at `rk`.
 * `input` and `output` may alias (the state lives in locals until the final store).
 */
export function aesEncryptBlock(rk: usize, input: usize, output: usize): void {
  // AddRoundKey(state, w[0, Nb-1])
  let s0 = load<u32>(input) ^ load<u32>(rk);
  let s1 = load<u32>(input, 4) ^ load<u32>(rk, 4);
  let s2 = load<u32>(input, 8) ^ load<u32>(rk, 8);
  let s3 = load<u32>(input, 12) ^ load<u32>(rk, 12);
  let k = rk;
  // for round = 1 step 1 to Nr-1: SubBytes, ShiftRows, MixColumns, AddRoundKey.
  // ShiftRows: row r of output column c comes from input column (c + r) mod Nb.
  for (let round = 1; round < AES_NR; round++) {
    k += AES_BLOCK_LEN;
    let t0 = te(s0) ^ rotl<u32>(te(s1 >>> 8), 8) ^ rotl<u32>(te(s2 >>> 16), 16) ^ rotl<u32>(te(s3 >>> 24), 24) ^ load<u32>(k);
    let t1 = te(s1) ^ rotl<u32>(te(s2 >>> 8), 8) ^ rotl<u32>(te(s3 >>> 16), 16) ^ rotl<u32>(te(s0 >>> 24), 24) ^ load<u32>(k, 4);
    let t2 = te(s2) ^ rotl<u32>(te(s3 >>> 8), 8) ^ rotl<u32>(te(s0 >>> 16), 16) ^ rotl<u32>(te(s1 >>> 24), 24) ^ load<u32>(k, 8);
    let t3 = te(s3) ^ rotl<u32>(te(s0 >>> 8), 8) ^ rotl<u32>(te(s1 >>> 16), 16) ^ rotl<u32>(te(s2 >>> 24), 24) ^ load<u32>(k, 12);
    s0 = t0; s1 = t1; s2 = t2; s3 = t3;
  }
  // Final round: SubBytes, ShiftRows, AddRoundKey(state, w[Nr*Nb, (Nr+1)*Nb-1]) (no MixColumns).
  k += AES_BLOCK_LEN;
  let o0 = sbox(s0) | (sbox(s1 >>> 8) << 8) | (sbox(s2 >>> 16) << 16) | (sbox(s3 >>> 24) << 24);
  let o1 = sbox(s1) | (sbox(s2 >>> 8) << 8) | (sbox(s3 >>> 16) << 16) | (sbox(s0 >>> 24) << 24);
  let o2 = sbox(s2) | (sbox(s3 >>> 8) << 8) | (sbox(s0 >>> 16) << 16) | (sbox(s1 >>> 24) << 24);
  let o3 = sbox(s3) | (sbox(s0 >>> 8) << 8) | (sbox(s1 >>> 16) << 16) | (sbox(s2 >>> 24) << 24);
  store<u32>(output, o0 ^ load<u32>(k));
  store<u32>(output, o1 ^ load<u32>(k, 4), 4);
  store<u32>(output, o2 ^ load<u32>(k, 8), 8);
  store<u32>(output, o3 ^ load<u32>(k, 12), 12);
}
