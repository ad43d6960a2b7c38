// Exports of the hash, HMAC and key-derivation layer (C-like ABI: integers only). Each export
// checks every offset, length and value first, returns a status code, and writes its result at
// IO_OUT + 0 only after all checks passed: a rejected call changes no state.
import {
  IO_IN_PTR, IO_IN_LEN, IO_OUT_PTR, IO_OUT_LEN, SHA_CTX_PTR, SHA_CTX_LEN, HMAC_WORK_PTR, HMAC_WORK_LEN,
  HMAC_KEY_PTR, KDF_S_PTR, KDF_S_LEN, TMP_PTR, TMP_LEN,
} from "../memory";
import { STATUS_OK, STATUS_ERR_RANGE, STATUS_ERR_LENGTH, STATUS_ERR_VALUE } from "../../lib/status";
import { sha256Init, sha256Update, sha256Final, sha256Wipe } from "../../crypto/sha256";
import { hmacSetKey, hmacMac, hmacForget } from "../../crypto/hmac";
import { sBegin, sParam, kdfRun } from "../kdf/kdf";
import { inMailbox, inPtr, kdfInputFits } from "./check";
import { wipe } from "../../lib/util";

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
 *  → IO_OUT[0..32). */
export function kdf(keyOff: u32, keyLen: u32, fc: u32, tableOff: u32, paramCount: u32): i32 {
  if (!inMailbox(keyOff, keyLen)) return STATUS_ERR_RANGE;
  if (fc > 0xff) return STATUS_ERR_VALUE;
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
  let n = sBegin(fc);
  for (let i: u32 = 0; i < paramCount; i++) {
    const e = inPtr(tableOff + i * 8);
    n = sParam(n, inPtr(load<u32>(e)), load<u32>(e + 4));
  }
  kdfRun(inPtr(keyOff), keyLen, n, IO_OUT_PTR);
  return STATUS_OK;
}

/** Wipe every key-bearing region: the HMAC key cache, the hash contexts, S, scratch and both
 *  mailboxes. For a host that is done with its keys (and for the memory-scan tests). */
export function wipe_scratch(): i32 {
  hmacForget(HMAC_KEY_PTR);
  wipe(HMAC_WORK_PTR, HMAC_WORK_LEN);
  wipe(SHA_CTX_PTR, SHA_CTX_LEN);
  wipe(KDF_S_PTR, KDF_S_LEN);
  wipe(TMP_PTR, TMP_LEN);
  wipe(IO_IN_PTR, IO_IN_LEN);
  wipe(IO_OUT_PTR, IO_OUT_LEN);
  return STATUS_OK;
}
