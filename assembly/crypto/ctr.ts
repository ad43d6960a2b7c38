// AES-128 in counter mode (NIST SP 800-38A 6.5) as 128-EEA2 uses it (TS 33.401 B.1.3): the caller
// gives the initial counter block T1; T(i+1) is T(i) with its 64 least significant bits
// incremented mod 2^64 ("the standard integer incrementing function ... applied to the 64 least
// significant bits", SP 800-38A B.1 with m = 64). One call handles one message.

import { aesExpandKey, aesEncryptBlock, AES_RK_LEN, AES_BLOCK_LEN } from "./aes";
import { bswap64 } from "../lib/util";

// ---- context layout ---------------------------------------------------------------------------
const CTR_RK: usize = 0;                        // AES-128 round keys (176 bytes)
const CTR_T: usize = CTR_RK + AES_RK_LEN;       // counter block T_i
const CTR_O: usize = CTR_T + 16;                // output block O_i = CIPH_K(T_i)
/** Bytes of a CTR context. */
export const CTR_CTX_LEN: usize = CTR_O + 16;

/** Key setup and T1 (16 bytes at `t1`, copied into the context). */
export function ctrInit(ctx: usize, key: usize, t1: usize): void {
  aesExpandKey(key, ctx + CTR_RK);
  store<u64>(ctx + CTR_T, load<u64>(t1));
  store<u64>(ctx + CTR_T, load<u64>(t1, 8), 8);
}

/** Counter block T1 = hi64 || lo64 written at `t1` (big-endian halves). */
export function ctrBlock(t1: usize, hi: u64, lo: u64): void {
  store<u64>(t1, bswap64(hi));
  store<u64>(t1, bswap64(lo), 8);
}

/**
 * dst = src ⊕ keystream for `len` bytes (SP 800-38A 6.5: O_j = CIPH_K(T_j); C_j = P_j ⊕ O_j; the
 * last, partial block uses the most significant bytes of O_n). src and dst may be the same address.
 */
export function ctrXor(ctx: usize, src: usize, dst: usize, len: usize): void {
  let rk = ctx + CTR_RK, t = ctx + CTR_T, o = ctx + CTR_O;
  let i: usize = 0;
  while (i < len) {
    aesEncryptBlock(rk, t, o);
    // T_(j+1) = T_j + 1 mod 2^64 on the low 64 bits
    store<u64>(t, bswap64(bswap64(load<u64>(t, 8)) + 1), 8);
    if (len - i >= AES_BLOCK_LEN) {
      store<u64>(dst + i, load<u64>(src + i) ^ load<u64>(o));
      store<u64>(dst + i, load<u64>(src + i, 8) ^ load<u64>(o, 8), 8);
      i += AES_BLOCK_LEN;
    } else {
      for (let k: usize = 0; i < len; i++, k++) store<u8>(dst + i, load<u8>(src + i) ^ load<u8>(o + k));
    }
  }
}
