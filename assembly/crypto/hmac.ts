// HMAC-SHA-256 (RFC 2104) with a per-key context: the inner and outer chaining states
// H(K0 ⊕ ipad) and H(K0 ⊕ opad) are computed once per key (BearSSL br_hmac_key_context), so each
// MAC of a short message costs two compressions. The key context remembers the key it was made
// from, so a caller that passes the same key again (the usual case: several Annex A derivations
// from one KAMF) skips the pad computation.
//
// Lifetime: the context lives for ONE export call at most (kdf/kdf.ts kdfRun forgets it after each
// derivation unless the export holds it, and a holding export forgets it before it returns), so
// after any call returns the region is all zeros: no key bytes and no pads. The pads are not the
// key's bytes, but they are key-equivalent for HMAC (with them anyone computes every KDF output
// under that key), so keeping them across calls would keep a secret: a second call with the same
// key pays the pad computation again (issue 17: nothing secret stays after a call returns). The
// exception is a key the module keeps anyway: a context slot's KAMF owns its pads (kdf/kdf.ts).
//
// Key context layout (HMAC_KEY_CTX_SIZE = 144 bytes, crypto/hmac-size.ts; me/memory.ts sizes HMAC_KEY with it):
//   [  0.. 64)  the key bytes, for the equal-key compare (keys ≤ 64 bytes only; longer keys are
//               hashed in the work context and never cached)
//   [ 64.. 68)  key length + 1, or 0 when the context holds no cacheable key (so the zeroed
//               region of a fresh module means "no key", never "the empty key")
//   [ 68]       HOLD: 1 while an export derives several keys from one key (kdf/kdf.ts kdfHold)
//   [ 80..112)  inner chaining state after K0 ⊕ ipad
//   [112..144)  outer chaining state after K0 ⊕ opad
import { sha256, sha256Init, sha256Update, sha256Final, sha256Compress, sha256SaveChain, sha256Resume, sha256Wipe } from "./sha256";
import { wipe, copy, equalCt } from "../lib/util";
import { HMAC_KEY_CTX_SIZE } from "./hmac-size";

const KEYLEN_OFF: usize = 64;
const ISTATE_OFF: usize = 80;
const OSTATE_OFF: usize = 112; // = ISTATE_OFF + 32: the two states are one 64-byte run
/** Offset of the inner state; the outer state follows it (kdf/kdf.ts keeps both in a context slot). */
export const HMAC_ISTATE_OFF: usize = ISTATE_OFF;
const NO_KEY: u32 = 0;
/** Offset of the HOLD flag (kdf/kdf.ts): inside the context, so forgetting the context drops it. */
export const HMAC_HOLD_OFF: usize = 68;
const BLOCK_OFF: usize = 32; // the SHA context's block buffer, where K0 ⊕ pad is built

/** Make `kctx` hold the pads of `key` (len bytes), using `work` (a SHA-256 context) as scratch.
 *  A key equal to the one the context was made from (same length, same bytes: a constant-time
 *  compare of the caller's own key) keeps the pads: a holding export (kdf/kdf.ts kdfHold) that
 *  derives twice from one key, e.g. RES* and KAUSF from CK ‖ IK, computes them once. Only a key
 *  of ≤ 64 bytes is ever tagged (length + 1 ≤ 65), so a longer one never compares. */
export function hmacSetKey(kctx: usize, work: usize, key: usize, len: usize): void {
  if (load<u32>(kctx + KEYLEN_OFF) == <u32>len + 1 && equalCt(kctx, key, len)) return;
  const block = work + BLOCK_OFF;
  // K0 (RFC 2104 / FIPS 198-1 step 1–3) in the block: the key padded with zeros to 64 bytes, or
  // H(key) padded if the key is longer. sha256() leaves its last block (the key's tail, 0x80, the
  // bit length) behind the digest, so the zero padding is what makes that K0 right.
  let n = len, tag = <u32>len + 1;
  if (len > 64) {
    sha256(work, key, len, block);
    n = 32; tag = NO_KEY;
  } else {
    copy(kctx, key, len);
    copy(block, kctx, len);
  }
  wipe(block + n, 64 - n);
  store<u32>(kctx + KEYLEN_OFF, tag);
  // istate = compress(IV, K0 ⊕ ipad), ipad = 0x36 repeated; then ostate = compress(IV, K0 ⊕ opad),
  // opad = 0x5c repeated: the block holds K0 ⊕ ipad by then (compression reads it, never writes
  // it), so xoring ipad ⊕ opad = 0x6a repeated turns it into K0 ⊕ opad.
  let pad: u64 = 0x3636363636363636;
  for (let st = ISTATE_OFF; st <= OSTATE_OFF; st += 32) {
    for (let i: usize = 0; i < 64; i += 8) store<u64>(block + i, load<u64>(block + i) ^ pad);
    sha256Init(work);
    sha256Compress(work, block);
    sha256SaveChain(work, kctx + st);
    pad = 0x6a6a6a6a6a6a6a6a;
  }
  sha256Wipe(work); // K0 ⊕ opad and, for a long key, H(key)
}

/** HMAC(K, msg) = H((K0 ⊕ opad) ‖ H((K0 ⊕ ipad) ‖ msg)) → 32 bytes at `out`. `out` must not
 *  overlap `msg`. The work context is wiped before returning. */
export function hmacMac(kctx: usize, work: usize, msg: usize, len: usize, out: usize): void {
  sha256Resume(work, kctx + ISTATE_OFF, 64);
  sha256Update(work, msg, len);
  sha256Final(work, out);
  sha256Resume(work, kctx + OSTATE_OFF, 64);
  sha256Update(work, out, 32);
  sha256Final(work, out);
  sha256Wipe(work);
}

/** Forget the cached key and pads. */
export function hmacForget(kctx: usize): void { wipe(kctx, HMAC_KEY_CTX_SIZE); }
