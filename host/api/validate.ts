/**
 * Boundary checks for the public API: every check names the field and carries the bad value
 * (STYLE 11), so a caller sees `kAmf must be 32 bytes, got 31`, never a firmware status.
 */
import { InputError } from '../errors.js';

/** A byte string of exactly `len` bytes, or within [min, max] when given a range. */
export function bytes(field: string, value: unknown, len: number | readonly [number, number]): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new InputError(field, `must be a Uint8Array, got ${describe(value)}`, value);
  if (typeof len === 'number') {
    if (value.length !== len) throw new InputError(field, `must be ${len} bytes, got ${value.length}`, value);
  } else if (value.length < len[0] || value.length > len[1]) {
    const span = len[1] === Infinity ? `at least ${len[0]}` : `${len[0]}–${len[1]}`;
    throw new InputError(field, `must be ${span} bytes, got ${value.length}`, value);
  }
  return value;
}

/** An integer in [min, max]. */
export function int(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new InputError(field, `must be an integer, got ${describe(value)}`, value);
  if (value < min || value > max) throw new InputError(field, `must be ${min}–${max}, got ${value}`, value);
  return value;
}

/** A 32-bit unsigned COUNT or similar. */
export const u32 = (field: string, value: unknown): number => int(field, value, 0, 0xffffffff);

/** One of a fixed set of strings. */
export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InputError(field, `must be one of ${allowed.join('|')}, got ${describe(value)}`, value);
  }
  return value as T;
}

/** A character string parameter (SNN, SUPI): UTF-8 after NFKC normalisation (TS 33.220 B.2.1.2). */
export function text(field: string, value: unknown, minLen = 1): Uint8Array {
  if (value instanceof Uint8Array) return bytes(field, value, [minLen, Infinity]);
  if (typeof value !== 'string') throw new InputError(field, `must be a string, got ${describe(value)}`, value);
  const b = new TextEncoder().encode(value.normalize('NFKC'));
  if (b.length < minLen) throw new InputError(field, `must not be empty`, value);
  return b;
}

function describe(v: unknown): string {
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  return typeof v === 'number' ? String(v) : typeof v;
}
