// Exports of the hash, HMAC and key-derivation layer (C-like ABI: integers only). Each export
// checks every offset, length and value first, returns a status code, and writes its result at
// IO_OUT + 0 only after all checks passed: a rejected call changes no state.
import { IO_IN_PTR, IO_IN_LEN, IO_OUT_PTR, SHA_CTX_PTR, HMAC_WORK_PTR, HMAC_KEY_PTR, KDF_S_PTR, TMP_PTR, TMP_LEN } from "../memory";
import { STATUS_OK, STATUS_ERR_RANGE, STATUS_ERR_LENGTH, STATUS_ERR_VALUE } from "../../lib/status";
import { sha256Init, sha256Update, sha256Final, sha256Wipe } from "../../crypto/sha256";
import { hmacSetKey, hmacMac, hmacForget, HMAC_ISTATE_OFF } from "../../crypto/hmac";
import { sBegin, sParam, kdfRun } from "../kdf/kdf";
import { inMailbox, inPtr, kdfInputFits } from "./check";
import { wipe, copy } from "../../lib/util";

/** kdf() modes (see kdf below): derive with a caller-owned key context, or make one. */
const KDF_WITH_CONTEXT: u32 = 0x100;
const KDF_MAKE_CONTEXT: u32 = 0x200;
/** A key context: the inner and outer HMAC-SHA-256 chaining states, 32 octets each. */
const KEY_CONTEXT_LEN: u32 = 64;

/** SHA-256 (FIPS 180-4), streaming in SHA_CTX: init, any number of updates, final → IO_OUT[0..32).
 *  (A one-shot digest is init + one update + final.) */
export function sha256_init(): i32 { sha256Init(SHA_CTX_PTR); return STATUS_OK; }
export function sha256_update(off: u32, len: u32): i32 {
  if (!inMailbox(off, len)) return STATUS_ERR_RANGE;
  sha256Update(SHA_CTX_PTR, inPtr(off), len);
  return STATUS_OK;
}
export function sha256_final(): i32 {
  sha256Final(SHA_CTX_PTR, IO_OUT_PTR);
  // A finished stream restarts empty: the last block and the message schedule (the data's own
  // words, which may be secret) are wiped, not left until the next stream overwrites them.
  sha256Wipe(SHA_CTX_PTR);
  sha256Init(SHA_CTX_PTR);
  return STATUS_OK;
}

/** HMAC-SHA-256(IO_IN[keyOff..+keyLen), IO_IN[msgOff..+msgLen)) → IO_OUT[0..32). */
export function hmac_sha256(keyOff: u32, keyLen: u32, msgOff: u32, msgLen: u32): i32 {
  if (!inMailbox(keyOff, keyLen) || !inMailbox(msgOff, msgLen)) return STATUS_ERR_RANGE;
  hmacSetKey(HMAC_KEY_PTR, HMAC_WORK_PTR, inPtr(keyOff), keyLen);
  hmacMac(HMAC_KEY_PTR, HMAC_WORK_PTR, inPtr(msgOff), msgLen, IO_OUT_PTR);
  hmacForget(HMAC_KEY_PTR); // the key's bytes and pads do not outlive the call (crypto/hmac.ts)
  return STATUS_OK;
}

/** The generic KDF of TS 33.220 B.2 with any FC and any number of parameters.
 *  Key = IO_IN[keyOff..+keyLen). The parameter table at IO_IN[tableOff] holds `paramCount`
 *  entries of two little-endian u32: (offset of Pi in IO_IN, length of Pi). FC is one octet.
 *  → IO_OUT[0..32).
 *
 *  A caller-owned key context (issue 12; no hidden cache, issue 17): the `fc` argument's bit 8
 *  and 9 select a mode, FC is its low octet.
 *   - fc = 0x200 (KDF_MAKE_CONTEXT): no derivation; IO_OUT[0..64) = the key context of the key:
 *     the HMAC inner and outer chaining states H(K0 ⊕ ipad) ‖ H(K0 ⊕ opad) (RFC 2104). No
 *     parameters (paramCount 0).
 *   - fc = 0x100 | FC (KDF_WITH_CONTEXT): the key operand IO_IN[keyOff..+64) is such a key
 *     context (keyLen 64); the derivation costs two compressions instead of four.
 *  The context is key-equivalent (with it anyone computes every KDF output under that key): it is
 *  handed to the caller who holds the key anyway, and the module keeps none of it after the call
 *  (hmacForget; the mailboxes are the caller's to wipe). */
export function kdf(keyOff: u32, keyLen: u32, fc: u32, tableOff: u32, paramCount: u32): i32 {
  if (!inMailbox(keyOff, keyLen)) return STATUS_ERR_RANGE;
  // modes above 0x200 do not exist, and making a context takes no parameters
  if (fc >= KDF_MAKE_CONTEXT && ((fc ^ KDF_MAKE_CONTEXT) | paramCount) != 0) return STATUS_ERR_VALUE;
  if (fc >>> 8 == KDF_WITH_CONTEXT >>> 8 && keyLen != KEY_CONTEXT_LEN) return STATUS_ERR_LENGTH;
  if (paramCount > IO_IN_LEN / 8 || !inMailbox(tableOff, paramCount * 8)) return STATUS_ERR_RANGE;
  let total: u64 = 0;
  for (let i: u32 = 0; i < paramCount; i++) {
    const e = inPtr(tableOff + i * 8);
    const pOff = load<u32>(e), pLen = load<u32>(e + 4);
    if (!inMailbox(pOff, pLen)) return STATUS_ERR_RANGE;
    if (pLen > 0xffff) return STATUS_ERR_LENGTH; // Li is two octets
    total += pLen;
  }
  if (!kdfInputFits(total, paramCount)) return STATUS_ERR_LENGTH;
  const key = inPtr(keyOff);
  if (fc == KDF_MAKE_CONTEXT) {
    // hmacSetKey's own code makes the states; the module's copy is forgotten before returning
    hmacSetKey(HMAC_KEY_PTR, HMAC_WORK_PTR, key, keyLen);
    copy(IO_OUT_PTR, HMAC_KEY_PTR + HMAC_ISTATE_OFF, KEY_CONTEXT_LEN);
    hmacForget(HMAC_KEY_PTR);
    return STATUS_OK;
  }
  let n = sBegin(fc);
  for (let i: u32 = 0; i < paramCount; i++) {
    const e = inPtr(tableOff + i * 8);
    n = sParam(n, inPtr(load<u32>(e)), load<u32>(e + 4));
  }
  if (fc >= KDF_WITH_CONTEXT) {
    // hmacMac reads the states at kctx + HMAC_ISTATE_OFF: point it at the caller's context
    hmacMac(key - HMAC_ISTATE_OFF, HMAC_WORK_PTR, KDF_S_PTR, n, IO_OUT_PTR);
    wipe(KDF_S_PTR, n);
  } else kdfRun(key, keyLen, n, IO_OUT_PTR);
  return STATUS_OK;
}

/** Wipe every key-bearing region: the HMAC key cache, the hash contexts, S, scratch and both
 *  mailboxes. For a host that is done with its keys (and for the memory-scan tests).
 *  memory.ts declares them back to back, IO_IN first and TMP last (memory.data in declaration
 *  order, every size a multiple of the 16-byte alignment), with only CIPHER_CTX between KDF_S and
 *  TMP (per-call NAS algorithm state, zero between calls), so one wipe covers them all. */
export function wipe_scratch(): i32 {
  wipe(IO_IN_PTR, TMP_PTR + TMP_LEN - IO_IN_PTR);
  return STATUS_OK;
}
