/**
 * Typed errors. Every firmware status code (assembly/lib/status.ts) maps to one class, and host-side
 * validation raises {@link InputError} naming the field and what is wrong with it (never the value)
 * before anything reaches the module.
 */

/** Base class of every error this library throws on purpose. */
export class UeKeysError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A run of 16 or more hex digits (8+ bytes): as long as a RES, longer than any status or count,
 *  as short as half a 128-bit key. Error text never carries one (issue 17: no key material in any
 *  message), whatever path built the text. */
const HEX_RUN = /[0-9a-fA-F]{16,}/g;

/** The text with every run of 16+ hex digits replaced by its length only. */
export function redact(text: string): string {
  return text.replace(HEX_RUN, (m) => `<${m.length} hex digits>`);
}

/** A user-supplied string for an error message: quoted when short and not key-like, else its length. */
export function shown(v: unknown): string {
  if (typeof v !== 'string') return v === null ? 'null' : v instanceof Uint8Array ? `${v.length} bytes` : typeof v === 'number' ? String(v) : typeof v;
  if (v.length <= 24 && !/[0-9a-fA-F]{16,}/.test(v) && !/[\u0000-\u001f]/.test(v)) return JSON.stringify(v);
  return `a ${v.length}-character string`;
}

/** What an error may keep of a bad value: numbers, booleans, null/undefined as they are; byte
 *  strings and text as their type and length only (a key passed in the wrong place must not ride
 *  along in `error.value`). */
export function summary(v: unknown): unknown {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.byteLength})`;
  if (typeof v === 'string') return `string(${v.length})`;
  if (Array.isArray(v)) return `Array(${v.length})`;
  return typeof v;
}

/** Bad input caught at the boundary: names the field and what is wrong, never the value. `value`
 *  keeps only a {@link summary} (type and length) of what was passed. */
export class InputError extends UeKeysError {
  readonly value?: unknown;
  constructor(readonly field: string, message: string, value?: unknown) {
    super(redact(`${field} ${message}`));
    this.field = redact(field);
    this.value = summary(value);
  }
}

/** A non-zero status returned by a firmware export. `status` is the raw code. */
export class FirmwareError extends UeKeysError {
  constructor(readonly status: number, readonly op: string, message: string) {
    super(`${op}: ${message} (status ${status})`);
  }
}
export class RangeStatusError extends FirmwareError {}
export class LengthStatusError extends FirmwareError {}
export class ValueStatusError extends FirmwareError {}
export class AlgorithmStatusError extends FirmwareError {}
export class MacFailureError extends FirmwareError {}
export class ReplayError extends FirmwareError {}
export class CountWrapError extends FirmwareError {}
export class StateError extends FirmwareError {}
export class FormatError extends FirmwareError {}
export class SyncFailureError extends FirmwareError {}

/** Status code → (name, error class, text). Mirrors assembly/lib/status.ts; a test checks the two agree. */
export const STATUS_TABLE: ReadonlyArray<readonly [number, string, new (s: number, op: string, m: string) => FirmwareError, string]> = [
  [1, 'ERR_RANGE', RangeStatusError, 'offset/length outside the mailbox'],
  [2, 'ERR_LENGTH', LengthStatusError, 'field length not allowed'],
  [3, 'ERR_VALUE', ValueStatusError, 'field value out of range'],
  [4, 'ERR_ALGORITHM', AlgorithmStatusError, 'unknown or unsupported algorithm'],
  [5, 'ERR_MAC', MacFailureError, 'integrity check failed'],
  [6, 'ERR_REPLAY', ReplayError, 'replayed or stale COUNT'],
  [7, 'ERR_COUNT_WRAP', CountWrapError, 'NAS COUNT would wrap'],
  [8, 'ERR_STATE', StateError, 'not valid in the current state'],
  [9, 'ERR_FORMAT', FormatError, 'malformed message'],
  [10, 'ERR_SYNC', SyncFailureError, 'synchronisation failure'],
];

/** Throw the typed error for a non-zero status. */
export function checkStatus(status: number, op: string): void {
  if (status === 0) return;
  const row = STATUS_TABLE.find((r) => r[0] === status);
  if (!row) throw new FirmwareError(status, op, 'unknown status');
  throw new row[2](status, op, row[3]);
}
