/** Hex helpers, for the CLI and tests only: the API itself is Uint8Array in and out. */
import { InputError } from './errors.js';

/** What a bad hex string holds, without its content: "31 hex digits and 1 non-hex character". */
export function hexShape(s: string): string {
  const digits = (s.match(/[0-9a-fA-F]/g) ?? []).length, other = s.length - digits;
  return `${digits} hex digit${digits === 1 ? '' : 's'}${other ? ` and ${other} non-hex character${other === 1 ? '' : 's'}` : ''}`;
}

/** Parse hex (case-insensitive, optional 0x, spaces allowed); a bad string names the field and
 *  says what is wrong, never what it holds (it may be a key). */
export function fromHex(hex: string, field = 'hex'): Uint8Array {
  if (typeof hex !== 'string') throw new InputError(field, `must be a hex string, got ${hex === null ? 'null' : typeof hex}`);
  const s = hex.replace(/\s+/g, '').replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]*$/.test(s)) throw new InputError(field, `must be hex, got ${hexShape(s)}`);
  if (s.length % 2 !== 0) throw new InputError(field, `must be hex with an even number of digits, got ${s.length} digits`);
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

export function toHex(b: Uint8Array): string { return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex'); }
