/**
 * Typed errors. Every firmware status code (assembly/status.ts) maps to one class, and host-side
 * validation raises {@link InputError} naming the field and the bad value before anything reaches
 * the module.
 */

/** Base class of every error this library throws on purpose. */
export class UeKeysError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input caught at the boundary: names the field and carries the value. */
export class InputError extends UeKeysError {
  constructor(readonly field: string, message: string, readonly value?: unknown) {
    super(`${field} ${message}`);
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

/** Status code → (name, error class, text). Mirrors assembly/status.ts; a test checks the two agree. */
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
