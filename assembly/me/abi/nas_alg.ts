// Exports of the NAS algorithm layer (C-like ABI: integers only). Offsets are relative to IO_IN;
// results land at IO_OUT + 0. Every export checks all offsets, lengths and values first, in the
// order range, algorithm, value, and returns a status code; a rejected call changes no memory.
// A successful call writes its result at IO_OUT only; the algorithm state in CIPHER_CTX is wiped.
//
// The constructions they are built from (UEA2 f8/UIA2 f9, raw SNOW 3G/ZUC keystreams, AES-CMAC)
// are exported only by the conformance build build/ue-vectors.wasm (abi/primitives.ts), so that
// every official test set runs as published without costing the production module their size.
import { IO_OUT_PTR, IO_OUT_LEN } from "../memory";
import { STATUS_OK, STATUS_ERR_RANGE } from "../../lib/status";
import { fits, bitBytes } from "../../lib/util";
import { inMailbox, inPtr } from "./check";
import { nea, nia, nasAlgCheck, NAS_KEY_LEN, NAS_MAC_LEN } from "../nas/algorithms";

/** KEY length of 128-NEA/NIA, UEA2/UIA2, SNOW 3G, ZUC and AES-128 (bytes). */
export const NAS_ALG_KEY_LEN: u32 = NAS_KEY_LEN;
/** NAS-MAC / MAC-I length (bytes). */
export const NAS_ALG_MAC_LEN: u32 = NAS_MAC_LEN;

/** 128-NIA<alg> (TS 33.501 D.3) of IO_IN[msgOff .. + ceil(bitLen/8)) with the 16-byte KEY at
 *  IO_IN[keyOff] → NAS-MAC, 4 bytes big-endian, at IO_OUT[0..4). */
export function nas_mac(alg: u32, keyOff: u32, count: u32, bearer: u32, direction: u32, msgOff: u32, bitLen: u32): i32 {
  if (!inMailbox(keyOff, NAS_KEY_LEN) || !inMailbox(msgOff, bitBytes(bitLen)) || !fits(0, NAS_MAC_LEN, IO_OUT_LEN)) return STATUS_ERR_RANGE;
  let status = nasAlgCheck(alg, bearer, direction);
  if (status != STATUS_OK) return status;
  return nia(alg, inPtr(keyOff), count, bearer, direction, inPtr(msgOff), bitLen, IO_OUT_PTR);
}

/** 128-NEA<alg> (TS 33.501 D.2) of IO_IN[msgOff .. + ceil(bitLen/8)) with the 16-byte KEY at
 *  IO_IN[keyOff] → ceil(bitLen/8) bytes at IO_OUT[0..), bits past bitLen zero. */
export function nas_cipher(alg: u32, keyOff: u32, count: u32, bearer: u32, direction: u32, msgOff: u32, bitLen: u32): i32 {
  let n = bitBytes(bitLen);
  if (!inMailbox(keyOff, NAS_KEY_LEN) || !inMailbox(msgOff, n) || !fits(0, n, IO_OUT_LEN)) return STATUS_ERR_RANGE;
  let status = nasAlgCheck(alg, bearer, direction);
  if (status != STATUS_OK) return status;
  return nea(alg, inPtr(keyOff), count, bearer, direction, inPtr(msgOff), IO_OUT_PTR, bitLen);
}
