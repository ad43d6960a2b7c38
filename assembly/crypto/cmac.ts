// AES-CMAC (NIST SP 800-38B; RFC 4493 for byte strings) over AES-128, with bit-length messages as
// 128-EIA2 needs (TS 33.401 B.2.3: the MAC input is a bit string of BLENGTH bits).
//
// Streaming: cmacInit, any number of cmacUpdate calls with whole bytes, then cmacFinal, which is
// told how many low-order bits of the last byte are not part of the message. The context is one
// flat region (CMAC_CTX_LEN bytes) owned by the caller; the position in the pending block is
// derived from the byte count alone (STYLE 9): with count > 0, the pending block holds
// ((count - 1) mod 16) + 1 bytes, because a full block is kept back until more input shows it is
// not the last one (SP 800-38B 6.2 treats the last block differently).

import { aesExpandKey, aesEncryptBlock, AES_RK_LEN, AES_BLOCK_LEN } from "./aes";
import { bswap64, wipe, copy } from "../lib/util";
import { FAST } from "./variant";

// ---- context layout ---------------------------------------------------------------------------
const CMAC_RK: usize = 0;                       // AES-128 round keys (176 bytes)
const CMAC_K1: usize = CMAC_RK + AES_RK_LEN;    // subkey K1
const CMAC_K2: usize = CMAC_K1 + 16;            // subkey K2
const CMAC_X: usize = CMAC_K2 + 16;             // chaining value C_i
const CMAC_BUF: usize = CMAC_X + 16;            // pending (possibly last) block
const CMAC_COUNT: usize = CMAC_BUF + 16;        // u32: bytes absorbed so far
/** Bytes of a CMAC context. */
export const CMAC_CTX_LEN: usize = CMAC_COUNT + 4;

/** R_128 = 0^120 || 10000111 (SP 800-38B 5.3): the low byte folded in when the top bit shifts out. */
const R_128: u32 = 0x87;
/** First padding byte of a whole-byte message: "M_n* || 1 || 0^j" (SP 800-38B 6.2 step 4). */
const PAD_FIRST_BYTE: u8 = 0x80;

/** dst = src << 1 over 128 bits, XOR R_128 into the last byte if the top bit of src was set
 *  (SP 800-38B 6.1 steps 2 and 3). Big-endian byte order. */
function doubleBlock(src: usize, dst: usize): void {
  let hi = bswap64(load<u64>(src)), lo = bswap64(load<u64>(src, 8));
  let carry = hi >>> 63;
  hi = (hi << 1) | (lo >>> 63);
  lo = (lo << 1) ^ (<u64>R_128 & (0 - carry));
  store<u64>(dst, bswap64(hi)); store<u64>(dst, bswap64(lo), 8);
}

// @ts-ignore: decorator
@inline function xorBlock(dst: usize, src: usize): void {
  store<u64>(dst, load<u64>(dst) ^ load<u64>(src));
  store<u64>(dst, load<u64>(dst, 8) ^ load<u64>(src, 8), 8);
}

/** Key setup: round keys, then the subkeys (SP 800-38B 6.1): L = CIPH_K(0^128);
 *  K1 = L << 1 (⊕ R_128 if MSB1(L) = 1); K2 = K1 << 1 (⊕ R_128 if MSB1(K1) = 1). C_0 = 0^128. */
export function cmacInit(ctx: usize, key: usize): void {
  let rk = ctx + CMAC_RK, x = ctx + CMAC_X;
  aesExpandKey(key, rk);
  store<u64>(x, 0); store<u64>(x, 0, 8);
  aesEncryptBlock(rk, x, ctx + CMAC_K1);        // L (kept in K1's slot, then doubled in place)
  doubleBlock(ctx + CMAC_K1, ctx + CMAC_K1);
  doubleBlock(ctx + CMAC_K1, ctx + CMAC_K2);
  store<u32>(ctx + CMAC_COUNT, 0);
}

/** The subkeys K1 ‖ K2 of `key` (SP 800-38B 6.1) → 32 bytes at `out`, computed in `ctx` (a CMAC
 *  context, wiped afterwards). The fast build keeps them beside the key they belong to
 *  (context/slots.ts) and starts each MAC with cmacInitSubkeys, which saves L = CIPH_K(0^128). */
export function cmacSubkeys(ctx: usize, key: usize, out: usize): void {
  cmacInit(ctx, key);
  store<u64>(out, load<u64>(ctx + CMAC_K1), 0); store<u64>(out, load<u64>(ctx + CMAC_K1, 8), 8);
  store<u64>(out, load<u64>(ctx + CMAC_K2), 16); store<u64>(out, load<u64>(ctx + CMAC_K2, 8), 24);
  wipe(ctx, CMAC_CTX_LEN);
}

/** cmacInit for a key whose K1 ‖ K2 (cmacSubkeys of the same key) are at `subkeys`: the round
 *  keys are expanded, the subkeys copied. */
export function cmacInitSubkeys(ctx: usize, key: usize, subkeys: usize): void {
  let x = ctx + CMAC_X;
  aesExpandKey(key, ctx + CMAC_RK);
  store<u64>(ctx + CMAC_K1, load<u64>(subkeys)); store<u64>(ctx + CMAC_K1, load<u64>(subkeys, 8), 8);
  store<u64>(ctx + CMAC_K2, load<u64>(subkeys, 16)); store<u64>(ctx + CMAC_K2, load<u64>(subkeys, 24), 8);
  store<u64>(x, 0); store<u64>(x, 0, 8);
  store<u32>(ctx + CMAC_COUNT, 0);
}

/** Absorb `len` whole bytes at `src`. */
export function cmacUpdate(ctx: usize, src: usize, len: usize): void {
  let rk = ctx + CMAC_RK, x = ctx + CMAC_X, buf = ctx + CMAC_BUF;
  let count = load<u32>(ctx + CMAC_COUNT);
  let i: usize = 0;
  while (i < len) {
    if ((count & 15) == 0) {
      // A full pending block followed by more input is not M_n: C_i = CIPH_K(C_(i-1) ⊕ M_i)
      if (count != 0) { xorBlock(x, buf); aesEncryptBlock(rk, x, x); }
      // Whole blocks straight from the input while more than one block remains (the last byte
      // always goes through the pending block, so M_n is never processed here).
      while (len - i > AES_BLOCK_LEN) {
        xorBlock(x, src + i); aesEncryptBlock(rk, x, x);
        i += AES_BLOCK_LEN; count += <u32>AES_BLOCK_LEN;
      }
    }
    if (FAST) {
      // the fast build fills the pending block up to its end (or the input's) in one copy
      let pos = <usize>(count & 15);
      let n = min<usize>(AES_BLOCK_LEN - pos, len - i);
      copy(buf + pos, src + i, n);
      count += <u32>n; i += n;
    } else {
      store<u8>(buf + (count & 15), load<u8>(src + i));
      count++; i++;
    }
  }
  store<u32>(ctx + CMAC_COUNT, count);
}

/**
 * Finish (SP 800-38B 6.2 steps 4 to 7) and write the 16-byte T at `tag`. `unusedBits` (0..7) is
 * the number of low-order bits of the last absorbed byte that are not message bits, so the message
 * length is 8 * count - unusedBits bits; those bits are ignored (zeroed) before padding.
 */
export function cmacFinal(ctx: usize, tag: usize, unusedBits: u32): void {
  let rk = ctx + CMAC_RK, x = ctx + CMAC_X, buf = ctx + CMAC_BUF;
  let count = load<u32>(ctx + CMAC_COUNT);
  let n = count == 0 ? 0 : ((count - 1) & 15) + 1;   // bytes of M_n* in the pending block
  unusedBits &= 7;
  if (n == 16 && unusedBits == 0) {
    // M_n is a complete block: M_n := K1 ⊕ M_n*
    xorBlock(buf, ctx + CMAC_K1);
  } else {
    // M_n := K2 ⊕ (M_n* || 1 || 0^j)
    if (unusedBits != 0) {
      let p = buf + n - 1;
      let keep = <u32>0xff << unusedBits;
      // clear the bits past the message, then the padding 1 right after the last message bit
      store<u8>(p, <u8>((<u32>load<u8>(p) & keep) | (<u32>1 << (unusedBits - 1))));
    } else {
      store<u8>(buf + n, PAD_FIRST_BYTE);
      n++;
    }
    if (FAST) {
      // bytes n..15 to zero with a mask on the u64 half that holds byte n (none when n = 16: a
      // full last block with padding bits inside its last byte)
      if (n < 8) { store<u64>(buf, load<u64>(buf) & ((<u64>1 << (<u64>n << 3)) - 1)); store<u64>(buf, 0, 8); }
      else if (n < 16) store<u64>(buf, load<u64>(buf, 8) & ((<u64>1 << (<u64>(n - 8) << 3)) - 1), 8);
    } else for (let k = n; k < 16; k++) store<u8>(buf + k, 0);
    xorBlock(buf, ctx + CMAC_K2);
  }
  // C_n = CIPH_K(C_(n-1) ⊕ M_n); T = MSB_Tlen(C_n) (the caller truncates)
  xorBlock(x, buf);
  aesEncryptBlock(rk, x, tag);
}
