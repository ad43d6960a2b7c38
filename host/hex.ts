/** Hex helpers, for the CLI and tests only: the API itself is Uint8Array in and out. */
import { InputError } from './errors.js';

/** Parse hex (case-insensitive, optional 0x, spaces allowed); a bad string names the field. */
export function fromHex(hex: string, field = 'hex'): Uint8Array {
  const s = hex.replace(/\s+/g, '').replace(/^0x/i, '');
  if (s.length % 2 !== 0) throw new InputError(field, `must be hex with an even number of digits, got ${s.length} digits`, hex);
  if (!/^[0-9a-fA-F]*$/.test(s)) throw new InputError(field, `must be hex, got ${JSON.stringify(hex.length > 40 ? hex.slice(0, 40) + '…' : hex)}`, hex);
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

export function toHex(b: Uint8Array): string { return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex'); }
