/**
 * Byte-addressed non-volatile media for {@link AtomicStore}: the interface, an in-memory medium,
 * a read-only snapshot and a power-cut wrapper for anti-tearing tests. The file medium is in
 * ./file-medium.ts.
 */
import { InputError, UeKeysError } from '../errors.js';
import { ReadOnlyImageError } from './errors.js';

/** A byte-addressed non-volatile medium. Each `write` call is one write step. */
export interface Medium {
  readonly size: number;
  /** A copy of `length` bytes at `offset`. */
  read(offset: number, length: number): Uint8Array;
  /** One write step. Throws {@link PowerLossError} if the power fails during or before it. */
  write(offset: number, data: Uint8Array): void;
  /**
   * Optional: run the write steps of one update (a file medium takes the image lock and checks the
   * file is still what the store read). Media without it just run `steps`.
   */
  transaction?<T>(steps: () => T): T;
}

/** The power failed: this write step and everything after it did not happen (or only partly). */
export class PowerLossError extends UeKeysError {
  constructor(readonly step: number) {
    super(`power lost at write step ${step}`);
  }
}

/** Default medium size: two banks of 4 KiB. */
export const DEFAULT_MEDIUM_SIZE = 8192;
/** Largest medium (image file) accepted: 1 MiB. A larger file is not an image of this project. */
export const MAX_MEDIUM_SIZE = 1 << 20;
/** Bank header length; the payload starts here. */
export const HEADER_LEN = 56;

/** Throws InputError unless `size` is an even medium size that holds two banks. */
export function needSize(size: number): void {
  if (!Number.isInteger(size) || size < 2 * (HEADER_LEN + 8) || size % 2 !== 0 || size > MAX_MEDIUM_SIZE) {
    throw new InputError('medium size', `must be an even integer ${2 * (HEADER_LEN + 8)}..${MAX_MEDIUM_SIZE}, got ${size}`, size);
  }
}

/** A medium held in memory; `bytes` survives a "power cycle" (a new store opened on the same medium). */
export class MemoryMedium implements Medium {
  readonly bytes: Uint8Array;
  constructor(readonly size: number, fill = 0xff) {
    needSize(size);
    this.bytes = new Uint8Array(size).fill(fill);
  }
  /** A medium holding a copy of `bytes`. */
  static of(bytes: Uint8Array): MemoryMedium {
    const m = new MemoryMedium(bytes.length);
    m.bytes.set(bytes);
    return m;
  }
  read(offset: number, length: number): Uint8Array {
    return this.bytes.slice(offset, offset + length);
  }
  write(offset: number, data: Uint8Array): void {
    this.bytes.set(data, offset);
  }
}

/**
 * A snapshot taken for reading (`usim show`, `usim check`): reads come from the copy, every write
 * throws {@link ReadOnlyImageError}, so nothing done on a snapshot can be mistaken for persisted
 * (an AUTHENTICATE on it withholds RES, as on a card whose NVM cannot be written).
 */
export class SnapshotMedium implements Medium {
  private readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array, readonly label: string) {
    needSize(bytes.length);
    this.bytes = bytes;
  }
  get size(): number { return this.bytes.length; }
  read(offset: number, length: number): Uint8Array {
    return this.bytes.slice(offset, offset + length);
  }
  write(): void {
    throw new ReadOnlyImageError(`image ${this.label} was opened for reading only: nothing can be stored`);
  }
  /** Wipe the copy (it holds K/OPc in clear). */
  wipe(): void { this.bytes.fill(0); }
}

/**
 * Wraps a medium and cuts the power at write step `cutAt` (0-based): steps 0..cutAt-1 happen,
 * step `cutAt` writes only its first `tornBytes` bytes (default 0) and throws, later steps throw
 * and write nothing. With `cutAt` = Infinity it only counts `steps`.
 */
export class PowerCutMedium implements Medium {
  steps = 0;
  dead = false;
  constructor(readonly inner: Medium, readonly cutAt = Infinity, readonly tornBytes = 0) {}
  get size(): number { return this.inner.size; }
  transaction<T>(steps: () => T): T { return this.inner.transaction ? this.inner.transaction(steps) : steps(); }
  read(offset: number, length: number): Uint8Array {
    if (this.dead) throw new PowerLossError(this.steps);
    return this.inner.read(offset, length);
  }
  write(offset: number, data: Uint8Array): void {
    if (this.dead) throw new PowerLossError(this.steps);
    if (this.steps === this.cutAt) {
      this.dead = true;
      if (this.tornBytes > 0) this.inner.write(offset, data.subarray(0, Math.min(this.tornBytes, data.length)));
      throw new PowerLossError(this.steps);
    }
    this.inner.write(offset, data);
    this.steps++;
  }
}
