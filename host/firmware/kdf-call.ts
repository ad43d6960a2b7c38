/**
 * The kdf export's calling convention (README "The firmware ABI"), written once for its two
 * callers: `KeyDerivation.kdf` (a key) and `KdfKey.derive` (a caller-owned key context). IO_IN holds
 * the key operand, then the (offset, length) table, then the parameters it points at; the result is
 * IO_OUT[0..32). This is the hot path of every caller that drives the KDF itself (issue 12): the quick
 * checks accept exactly what int()/bytes() accept (a view of a detached buffer has length 0, so any
 * length > 0 is live), and anything else goes through them for the error naming the field; no
 * per-call allocation but the result; the export is called raw. The caller wipes (clearWritten).
 */
import type { UeModule } from './loader.js';
import { bytes, int } from '../validate.js';
import { checkStatus, InputError } from '../errors.js';

export type RawKdf = (keyOff: number, keyLen: number, fc: number, tableOff: number, paramCount: number) => number;

/** The kdf export writes its 32-octet result at IO_OUT + 0. */
export const KDF_OUT = 32;
/** Li is two octets: a KDF parameter is at most 65535 octets (TS 33.220 B.2.1.1). */
const PARAM_LEN = [0, 0xffff] as const;

/**
 * The convention in two halves around the key operand, which each caller places itself (`put` for
 * a key's octets, `putWords` for a key context's words): so both halves see one argument type
 * from every caller and V8 keeps them monomorphic — one function taking either key type cost
 * `derive()` about a sixth of its time once both callers had run (issue 12).
 *
 * beginKdf: validate `fc` (one octet) and `params` for a key operand of `keyLen` octets (`keyName`
 * names it in the mailbox-size error) and start the request; the key goes first, at offset 0.
 */
export function beginKdf(fw: UeModule, keyLen: number, keyName: string, fc: number, params: Uint8Array[]): void {
  if (typeof fc !== 'number' || !(fc >= 0 && fc <= 0xff) || (fc | 0) !== fc) int('fc', fc, 0, 0xff);
  if (!Array.isArray(params)) throw new InputError('params', 'must be an array of Uint8Array', params);
  const n = params.length;
  let total = keyLen + 8 * n;
  for (let i = 0; i < n; i++) {
    const p = params[i];
    if (!(p instanceof Uint8Array) || p.length === 0 || p.length > PARAM_LEN[1]) bytes(`params[${i}]`, p, PARAM_LEN);
    total += p.length + 3;
  }
  fw.begin();
  if (total > fw.inLen) throw new InputError('params', `${keyName}, parameters and table must fit the ${fw.inLen}-byte mailbox, got ${total}`);
}

/** finishKdf: after the key operand (at IO_IN offset `keyOff`, `keyLen` octets), lay out the
 *  (offset, length) table and the parameters, call the export with `mode | fc`, return the result. */
export function finishKdf(fw: UeModule, rawKdf: RawKdf, keyOff: number, keyLen: number, mode: number, fc: number, params: Uint8Array[]): Uint8Array {
  const n = params.length;
  const table = fw.reserve(8 * n);
  for (let i = 0; i < n; i++) {
    fw.putU32(table + 8 * i, fw.put(params[i]));
    fw.putU32(table + 8 * i + 4, params[i].length);
  }
  checkStatus(rawKdf(keyOff, keyLen, mode | fc, table, n), 'kdf');
  return fw.take(0, KDF_OUT);
}
