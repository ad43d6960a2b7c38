/**
 * A persistent store of named files ("an image": the USIM's file system, or the ME's non-volatile
 * memory) in which every update is atomic, in the manner of a card's transaction buffer or a
 * two-bank journaled flash (anti-tearing, as TS 31.101/ETSI TS 102 221 requires of UICC updates).
 *
 * Medium layout: two banks of `medium.size / 2` bytes. A bank is
 *
 *   offset  len  field
 *   0       4    magic 'UEKS'
 *   4       1    format version (1)
 *   5       3    00 00 00
 *   8       4    image type (4 ASCII bytes, e.g. 'USIM', 'MENV')
 *   12      8    sequence number, unsigned big-endian (the generation; 1 is the first image)
 *   20      4    payload length, unsigned big-endian
 *   24      32   SHA-256 over bytes 0..23 ‖ payload
 *   56      n    payload: u16 file count, then per file (sorted by name) u8 name length, name
 *                (ASCII), u32 data length, data (all big-endian)
 *
 * An update writes the whole new image into the bank that does not hold the current one: payload
 * pages first, then the 56-byte header last (the commit step). Then it retires the old bank:
 * erases its header ('FF'), then its payload pages, so no stale key stays on the medium. At power-on
 * the bank with a correct digest and the highest sequence number is the image; any torn bank fails
 * its SHA-256 check and is ignored, so a reader sees the complete old or the complete new image.
 *
 * The medium is a sequence of write steps through {@link Medium}; a power loss is a step that
 * throws (after writing nothing or a prefix of its bytes) and every later step is lost.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { InputError, UeKeysError } from '../errors.js';

/** A byte-addressed non-volatile medium. Each `write` call is one write step. */
export interface Medium {
  readonly size: number;
  /** A copy of `length` bytes at `offset`. */
  read(offset: number, length: number): Uint8Array;
  /** One write step. Throws {@link PowerLossError} if the power fails during or before it. */
  write(offset: number, data: Uint8Array): void;
}

/** The power failed: this write step and everything after it did not happen (or only partly). */
export class PowerLossError extends UeKeysError {
  constructor(readonly step: number) {
    super(`power lost at write step ${step}`);
  }
}

/** A medium held in memory; `bytes` survives a "power cycle" (a new store opened on the same medium). */
export class MemoryMedium implements Medium {
  readonly bytes: Uint8Array;
  constructor(readonly size: number, fill = 0xff) {
    needSize(size);
    this.bytes = new Uint8Array(size).fill(fill);
  }
  read(offset: number, length: number): Uint8Array {
    return this.bytes.slice(offset, offset + length);
  }
  write(offset: number, data: Uint8Array): void {
    this.bytes.set(data, offset);
  }
}

/**
 * A medium backed by a file: each write step is a positioned write plus fsync. A new process (or a
 * new FileMedium on the same path) is a power cycle. A missing file is created atomically (temp
 * file, then rename) with `size` bytes of 'FF'; an existing file keeps its own size.
 */
export class FileMedium implements Medium {
  readonly size: number;
  constructor(readonly path: string, size = DEFAULT_MEDIUM_SIZE) {
    if (typeof path !== 'string' || path === '') throw new InputError('path', 'must be a non-empty string', path);
    if (!existsSync(path)) {
      needSize(size);
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, new Uint8Array(size).fill(0xff), { flush: true });
      renameSync(tmp, path);
    }
    const fd = openSync(path, 'r');
    try { this.size = fstatSync(fd).size; } finally { closeSync(fd); }
    needSize(this.size);
  }
  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    const fd = openSync(this.path, 'r');
    try { readSync(fd, out, 0, length, offset); } finally { closeSync(fd); }
    return out;
  }
  write(offset: number, data: Uint8Array): void {
    const fd = openSync(this.path, 'r+');
    try { writeSync(fd, data, 0, data.length, offset); fsyncSync(fd); } finally { closeSync(fd); }
  }
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

/** Default medium size: two banks of 4 KiB. */
export const DEFAULT_MEDIUM_SIZE = 8192;
/** Bank header length; the payload starts here. */
export const HEADER_LEN = 56;
/** Default page (write-step) size for payload writes and erases. */
export const DEFAULT_PAGE_SIZE = 64;
const MAGIC = [0x55, 0x45, 0x4b, 0x53]; // 'UEKS'
const VERSION = 1;

function needSize(size: number): void {
  if (!Number.isInteger(size) || size < 2 * (HEADER_LEN + 8) || size % 2 !== 0) {
    throw new InputError('medium size', `must be an even integer ≥ ${2 * (HEADER_LEN + 8)}, got ${size}`, size);
  }
}

/** The files of one image: name → content. */
export type Files = ReadonlyMap<string, Uint8Array>;

/** Options of {@link AtomicStore.open}. */
export interface StoreOptions {
  /** 4 ASCII characters naming the image type; a valid bank of another type is refused. */
  type: string;
  /** Bytes per payload write step (default 64). */
  pageSize?: number;
}

/** Serialize files (sorted by name) into a payload. */
export function encodePayload(files: Files): Uint8Array {
  const names = [...files.keys()].sort();
  const parts: number[] = [names.length >> 8, names.length & 0xff];
  for (const n of names) {
    const d = files.get(n)!;
    parts.push(n.length, ...Array.from(n, (c) => c.charCodeAt(0)));
    parts.push((d.length >>> 24) & 0xff, (d.length >>> 16) & 0xff, (d.length >>> 8) & 0xff, d.length & 0xff, ...d);
  }
  return Uint8Array.from(parts);
}

/** Parse a payload; null if it is not well formed (never happens for a bank whose digest matched). */
export function decodePayload(p: Uint8Array): Map<string, Uint8Array> | null {
  if (p.length < 2) return null;
  const files = new Map<string, Uint8Array>();
  const count = (p[0] << 8) | p[1];
  let pos = 2;
  for (let i = 0; i < count; i++) {
    if (pos + 1 > p.length) return null;
    const nl = p[pos++];
    if (pos + nl + 4 > p.length) return null;
    const name = String.fromCharCode(...p.subarray(pos, pos + nl));
    pos += nl;
    const dl = ((p[pos] << 24) | (p[pos + 1] << 16) | (p[pos + 2] << 8) | p[pos + 3]) >>> 0;
    pos += 4;
    if (pos + dl > p.length) return null;
    files.set(name, p.slice(pos, pos + dl));
    pos += dl;
  }
  return pos === p.length ? files : null;
}

interface Bank { seq: bigint; files: Map<string, Uint8Array>; payloadLength: number }

/**
 * The transaction store over a {@link Medium}. `open` recovers after any power loss; `update`
 * applies several file changes as one atomic transaction.
 */
export class AtomicStore {
  private files: Map<string, Uint8Array>;
  private seq: bigint;
  private current: 0 | 1 | null;
  private dead = false;
  private readonly bankSize: number;
  private readonly type: Uint8Array;
  private readonly pageSize: number;

  private constructor(readonly medium: Medium, opts: StoreOptions) {
    if (typeof opts?.type !== 'string' || !/^[\x20-\x7e]{4}$/.test(opts.type)) {
      throw new InputError('type', `must be 4 printable ASCII characters, got ${JSON.stringify(opts?.type)}`, opts?.type);
    }
    this.type = Uint8Array.from(opts.type, (c) => c.charCodeAt(0));
    this.pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) throw new InputError('pageSize', `must be a positive integer, got ${this.pageSize}`, this.pageSize);
    needSize(medium.size);
    this.bankSize = medium.size / 2;
    const banks = [this.readBank(0), this.readBank(1)];
    const pick: 0 | 1 | null = banks[0] && banks[1] ? (banks[1].seq > banks[0].seq ? 1 : 0) : banks[0] ? 0 : banks[1] ? 1 : null;
    this.current = pick;
    this.files = pick === null ? new Map() : banks[pick]!.files;
    this.seq = pick === null ? 0n : banks[pick]!.seq;
    this.oldLength = pick === null ? 0 : banks[pick]!.payloadLength;
    // Recovery: finish retiring the other bank (an older image, a torn update or an interrupted
    // erase), so that it is all 'FF' again: no stale key survives and the next update starts clean.
    for (const b of [0, 1] as const) if (b !== pick) this.eraseBank(b, this.dirtyLength(b));
  }

  /**
   * Power-on: read both banks and keep the valid one with the highest sequence number. A blank or
   * fully torn medium gives an empty image (`isBlank`). Throws InputError if a valid bank holds an
   * image of another type.
   */
  static open(medium: Medium, opts: StoreOptions): AtomicStore {
    return new AtomicStore(medium, opts);
  }

  /** True when no image has ever been committed (or none survived). */
  get isBlank(): boolean { return this.current === null; }
  /** Generation of the current image (0 when blank). */
  get sequence(): bigint { return this.seq; }
  /** Largest payload a bank can hold. */
  get capacity(): number { return this.bankSize - HEADER_LEN; }

  /** A copy of one file, or undefined. */
  read(name: string): Uint8Array | undefined {
    this.alive();
    const d = this.files.get(name);
    return d === undefined ? undefined : d.slice();
  }
  /** Names of the files in the image, sorted. */
  names(): string[] {
    this.alive();
    return [...this.files.keys()].sort();
  }
  /** A copy of the whole image. */
  snapshot(): Map<string, Uint8Array> {
    this.alive();
    return new Map([...this.files].map(([k, v]) => [k, v.slice()]));
  }

  /**
   * One atomic transaction: each entry sets a file (Uint8Array) or deletes it (null). After a
   * power loss at any write step, the next `open` sees either all of the changes or none.
   * The store object is unusable after a PowerLossError (the device is off); open a new one.
   */
  update(changes: Iterable<readonly [string, Uint8Array | null]>): void {
    this.alive();
    const next = new Map(this.files);
    for (const [name, data] of changes) {
      if (typeof name !== 'string' || !/^[\x20-\x7e]{1,255}$/.test(name)) throw new InputError('file name', `must be 1..255 printable ASCII characters, got ${JSON.stringify(name)}`, name);
      if (data === null) next.delete(name);
      else if (data instanceof Uint8Array) next.set(name, data.slice());
      else throw new InputError(`file ${name}`, 'must be a Uint8Array or null', data);
    }
    const payload = encodePayload(next);
    if (payload.length > this.capacity) throw new InputError('image', `needs ${payload.length} bytes, the bank holds ${this.capacity}`, payload.length);
    const target: 0 | 1 = this.current === 0 ? 1 : 0;
    const seq = this.seq + 1n;
    try {
      this.writeBank(target, seq, payload);
      const old = this.current;
      this.current = target;
      this.seq = seq;
      this.files = next;
      if (old !== null) this.eraseBank(old, this.oldLength);
      this.oldLength = payload.length;
    } catch (e) {
      this.dead = true;
      throw e;
    }
  }
  /** Payload length of the current bank (what retiring it must erase). */
  private oldLength: number;

  private alive(): void {
    if (this.dead) throw new PowerLossError(-1);
  }

  private header(seq: bigint, payload: Uint8Array): Uint8Array {
    const h = new Uint8Array(HEADER_LEN);
    const dv = new DataView(h.buffer);
    h.set(MAGIC, 0);
    h[4] = VERSION;
    h.set(this.type, 8);
    dv.setBigUint64(12, seq);
    dv.setUint32(20, payload.length);
    h.set(createHash('sha256').update(h.subarray(0, 24)).update(payload).digest(), 24);
    return h;
  }

  /** Payload pages first, header (the commit record) last. */
  private writeBank(bank: 0 | 1, seq: bigint, payload: Uint8Array): void {
    const base = bank * this.bankSize;
    for (let off = 0; off < payload.length; off += this.pageSize) {
      this.medium.write(base + HEADER_LEN + off, payload.subarray(off, off + this.pageSize));
    }
    this.medium.write(base, this.header(seq, payload));
  }

  /**
   * Retire a bank: header first (this alone invalidates it), then the first `used` payload bytes.
   * `used` < 0 means the bank is already all 'FF': nothing is written.
   */
  private eraseBank(bank: 0 | 1, used: number): void {
    if (used < 0) return;
    const base = bank * this.bankSize;
    this.medium.write(base, new Uint8Array(HEADER_LEN).fill(0xff));
    for (let off = 0; off < used; off += this.pageSize) {
      this.medium.write(base + HEADER_LEN + off, new Uint8Array(Math.min(this.pageSize, used - off)).fill(0xff));
    }
  }

  /** -1 if the bank is all 'FF'; otherwise how many payload bytes an erase must cover. */
  private dirtyLength(bank: 0 | 1): number {
    const b = this.medium.read(bank * this.bankSize, this.bankSize);
    let last = b.length - 1;
    while (last >= 0 && b[last] === 0xff) last--;
    if (last < 0) return -1;
    return Math.max(0, last + 1 - HEADER_LEN);
  }

  /** A bank's image if its header and digest check out; null otherwise. */
  private readBank(bank: 0 | 1): Bank | null {
    const base = bank * this.bankSize;
    const h = this.medium.read(base, HEADER_LEN);
    for (let i = 0; i < 4; i++) if (h[i] !== MAGIC[i]) return null;
    if (h[4] !== VERSION) return null;
    const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
    const len = dv.getUint32(20);
    if (len > this.bankSize - HEADER_LEN) return null;
    const payload = this.medium.read(base + HEADER_LEN, len);
    const digest = createHash('sha256').update(h.subarray(0, 24)).update(payload).digest();
    for (let i = 0; i < 32; i++) if (digest[i] !== h[24 + i]) return null;
    const files = decodePayload(payload);
    if (files === null) return null;
    for (let i = 0; i < 4; i++) {
      if (h[8 + i] !== this.type[i]) {
        const found = String.fromCharCode(...h.subarray(8, 12));
        throw new InputError('image type', `expected '${String.fromCharCode(...this.type)}', the medium holds '${found}'`, found);
      }
    }
    return { seq: dv.getBigUint64(12), files, payloadLength: len };
  }
}
