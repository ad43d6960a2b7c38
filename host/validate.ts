/**
 * Boundary checks for the public API and the EF encoders: every check names the field and says
 * what is wrong, so a caller sees `kAmf must be 32 bytes, got 31`, never a firmware status and never
 * the bytes themselves (issue 17: no key material in any message; InputError keeps only a summary).
 */
import { InputError, shown } from './errors.js';

/** Longest text parameter (SNN, SUPI) in UTF-8 bytes: a modelling choice (no 3GPP limit is this
 *  short or this long), chosen so an over-long value is named here, not by the 4096-byte mailbox. */
export const TEXT_MAX = 1024;

/** True for a view whose ArrayBuffer was transferred or detached (its bytes are gone: reading it
 *  would silently give an empty input). */
function detached(v: ArrayBufferView): boolean {
  const buf = v.buffer as ArrayBuffer & { detached?: boolean };
  if (typeof buf.detached === 'boolean') return buf.detached;
  try { new Uint8Array(buf, 0, 0); return false; } catch { return true; }
}

/** A byte string of exactly `len` bytes, or within [min, max] when given a range. */
export function bytes(field: string, value: unknown, len: number | readonly [number, number]): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new InputError(field, `must be a Uint8Array, got ${describe(value)}`, value);
  if (detached(value)) throw new InputError(field, 'is a view of a detached ArrayBuffer (transferred or freed)', value);
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
    throw new InputError(field, `must be one of ${allowed.join('|')}, got ${typeof value === 'string' ? shown(value) : describe(value)}`, value);
  }
  return value as T;
}

/** A character string parameter (SNN, SUPI): UTF-8 after NFKC normalisation (TS 33.220 B.2.1.2). */
export function text(field: string, value: unknown, minLen = 1): Uint8Array {
  if (value instanceof Uint8Array) return bytes(field, value, [minLen, TEXT_MAX]);
  if (typeof value !== 'string') throw new InputError(field, `must be a string, got ${describe(value)}`, value);
  const b = new TextEncoder().encode(value.normalize('NFKC'));
  if (b.length < minLen) throw new InputError(field, `must not be empty`, value);
  if (b.length > TEXT_MAX) throw new InputError(field, `must be at most ${TEXT_MAX} bytes (UTF-8), got ${b.length}`, value);
  return b;
}

/** The inputs object of a named-input method (`api.kamf({ kseaf, supi, abba })`). */
export function inputs(method: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new InputError(method, `needs one object of named inputs, got ${describe(value)}`, value);
  }
  return value as Record<string, unknown>;
}

/**
 * Give `obj` own, bound copies of its class's methods so they work destructured
 * (`const { kdf, kamf } = await load()`). Methods named in `named` take one inputs object: a call
 * without one (`kamf()`, `kamf(null)`) is an InputError naming the method, not a TypeError.
 */
export function bindMethods<T extends object>(obj: T, named: ReadonlySet<string>, after?: () => void): void {
  const proto = Object.getPrototypeOf(obj);
  for (const name of Object.getOwnPropertyNames(proto)) {
    const f = (proto as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof f !== 'function') continue;
    const call = named.has(name)
      ? (arg: unknown, ...rest: unknown[]) => (f as Function).call(obj, inputs(name, arg), ...rest)
      : (...args: unknown[]) => (f as Function).apply(obj, args);
    const bound = after ? (...args: unknown[]) => { try { return call(...(args as [unknown])); } finally { after(); } } : call;
    Object.defineProperty(obj, name, { value: bound, writable: false, enumerable: false, configurable: true });
  }
}

/** A value's kind and size for a message, never its content (it may be a key in the wrong field). */
function describe(v: unknown): string {
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string of ${v.length} characters`;
  return typeof v === 'number' ? String(v) : typeof v;
}
