/**
 * Image files: the medium of a USIM card image or an ME NVM image on disk.
 *
 * - A file medium never creates, truncates or extends anything on open; it writes only what the
 *   store asks (after the store validated the image), each write step a positioned write + fsync,
 *   only inside a locked transaction and only while {@link ImageLock.verify} confirms the lock.
 * - New image files are written whole under a temporary name `IMAGE.tmp` (mode 0600 from creation,
 *   O_EXCL), fsynced, then linked (or, with force, renamed) into place: an image is never visible
 *   half-written and is never readable by other users (it holds K/OPc in clear, like a card's
 *   NVM). A temporary file left by an interrupted run is removed by the next run that locks the
 *   image (`IMAGE.tmp`, and the `IMAGE.<pid>.tmp` of earlier versions).
 * - Every errno (ENOENT, EISDIR, EACCES, EPERM, EROFS, ENOSPC, …) becomes an
 *   {@link ImageFileError} naming the path and what failed.
 */
import { closeSync, fstatSync, fsyncSync, linkSync, openSync, readSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { createHash } from 'node:crypto';
import { ImageChangedError, ImageFileError, ImageLockLostError, fsError } from './errors.js';
import { ImageLock } from './image-lock.js';
import { MAX_MEDIUM_SIZE, needSize, type Medium } from './medium.js';

/** Mode of every image and temporary image file: owner read/write only. */
export const IMAGE_MODE = 0o600;

function needPath(path: unknown): asserts path is string {
  if (typeof path !== 'string' || path === '' || path.includes('\0')) throw new InputError('path', 'must be a non-empty string', typeof path);
}

/** Size of an existing image file, refusing what cannot be an image (directories, special files, huge files). */
export function imageFileSize(path: string): number {
  needPath(path);
  let fd: number;
  try { fd = openSync(path, 'r'); } catch (e) { return fsError(e, path, 'open it'); }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new ImageFileError(path, 'EISDIR', 'cannot open it: is a directory (EISDIR)');
    if (!st.isFile()) throw new ImageFileError(path, 'EINVAL', 'is not a regular file');
    return st.size;
  } finally { closeSync(fd); }
}

/** Read a whole image file (at most {@link MAX_MEDIUM_SIZE} bytes, else null: not an image). */
export function readImageFile(path: string): Uint8Array | null {
  const size = imageFileSize(path);
  if (size > MAX_MEDIUM_SIZE) return null;
  const out = new Uint8Array(size);
  let fd: number;
  try { fd = openSync(path, 'r'); } catch (e) { return fsError(e, path, 'open it'); }
  try {
    let got = 0;
    while (got < size) {
      const n = readSync(fd, out, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === size ? out : out.subarray(0, got);
  } catch (e) { return fsError(e, path, 'read it'); } finally { closeSync(fd); }
}

/**
 * A medium backed by an existing image file. A new process (or a new FileMedium on the same path)
 * is a power cycle. Use {@link FileMedium.create} to make one.
 *
 * Every update of a store on it is a {@link FileMedium.transaction}: under the image lock (taken
 * here unless the caller already holds it through {@link FileMedium.withLock}), and only if the
 * file is still byte for byte what this process last read or wrote (SHA-256 of the file);
 * otherwise {@link ImageChangedError} and nothing is written — a store never commits over another
 * process's newer generation (that would bring back an older SQN state).
 */
export class FileMedium implements Medium {
  readonly size: number;
  private held: ImageLock | null = null;
  private fingerprint: string;

  /** `lock`: an image lock the caller already holds, adopted as this medium's until {@link releaseLock}. */
  constructor(readonly path: string, private readonly opts: { waitMs?: number; lock?: ImageLock } = {}) {
    this.size = imageFileSize(path);
    needSize(this.size);
    this.held = opts.lock ?? null;
    this.fingerprint = this.digest();
  }
  /** Create a blank image file (all 'FF', mode 0600; refused if `path` exists) and open it. */
  static create(path: string, size: number, opts: { waitMs?: number; lock?: ImageLock } = {}): FileMedium {
    needSize(size);
    writeNewImageFile(path, new Uint8Array(size).fill(0xff), false);
    return new FileMedium(path, opts);
  }
  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let fd: number;
    try { fd = openSync(this.path, 'r'); } catch (e) { return fsError(e, this.path, 'open it'); }
    try { readSync(fd, out, 0, length, offset); } catch (e) { fsError(e, this.path, 'read it'); } finally { closeSync(fd); }
    return out;
  }
  write(offset: number, data: Uint8Array): void {
    if (!this.held) throw new ImageLockLostError(`image ${this.path}: a write outside a locked transaction is refused`);
    this.held.verify();
    let fd: number;
    try { fd = openSync(this.path, 'r+'); } catch (e) { return fsError(e, this.path, 'open it for writing'); }
    try { writeSync(fd, data, 0, data.length, offset); fsyncSync(fd); } catch (e) { fsError(e, this.path, 'write it'); } finally { closeSync(fd); }
  }
  /** Run `f` holding the image lock (re-entrant: an outer holder's lock is used as it is). */
  withLock<T>(f: () => T): T {
    if (this.held) return f();
    const lock = ImageLock.acquire(this.path, this.opts.waitMs);
    this.held = lock;
    try { return f(); } finally { this.held = null; lock.release(); }
  }
  /** Release a lock adopted at construction (idempotent); later updates lock per transaction. */
  releaseLock(): void {
    const l = this.held;
    this.held = null;
    l?.release();
  }
  /** Whether the file is still what this medium last read (at open, {@link rebase}) or wrote. */
  isCurrent(): boolean { return this.digest() === this.fingerprint; }
  /** Accept the file's present content as the base (after re-reading it, e.g. a new AtomicStore.open). */
  rebase(): void { this.fingerprint = this.digest(); }
  transaction<T>(steps: () => T): T {
    return this.withLock(() => {
      if (!this.isCurrent()) throw new ImageChangedError(`image ${this.path} was changed by another process since it was read: nothing written (open it again)`);
      try { return steps(); } finally { this.fingerprint = this.digest(); }
    });
  }
  /** Throws ImageFileError now if the file cannot be opened for writing (read-only, immutable, …). */
  checkWritable(): void {
    let fd: number;
    try { fd = openSync(this.path, 'r+'); } catch (e) { return fsError(e, this.path, 'open it for writing'); }
    closeSync(fd);
  }
  private digest(): string {
    const h = createHash('sha256');
    h.update(this.read(0, this.size));
    return h.digest('hex');
  }
}

/** Remove temporary files that an interrupted run left beside `path` (they may hold K/OPc). */
export function removeStrayTemporaries(path: string): void {
  const dir = dirname(path), base = basename(path);
  let names: string[];
  try { names = readdirSync(dir); } catch { return; }
  for (const n of names) {
    if (n !== `${base}.tmp` && !(n.startsWith(`${base}.`) && /^\d+\.tmp$/.test(n.slice(base.length + 1)))) continue;
    try { unlinkSync(join(dir, n)); } catch { /* not ours to remove, or gone */ }
  }
}

/**
 * Write a new image file atomically with mode 0600: `IMAGE.tmp` (O_EXCL, 0600) written and fsynced,
 * then linked to `path` (refused if it exists) or, with `replace`, renamed over it. The temporary
 * file is removed in every case. The caller holds the image lock, so `IMAGE.tmp` is its own.
 */
export function writeNewImageFile(path: string, bytes: Uint8Array, replace: boolean): void {
  needPath(path);
  const tmp = `${path}.tmp`;
  try { unlinkSync(tmp); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fsError(e, tmp, 'remove the stale temporary file'); }
  let fd: number;
  try { fd = openSync(tmp, 'wx', IMAGE_MODE); } catch (e) { return fsError(e, path, 'create it'); }
  try {
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally { closeSync(fd); }
    if (replace) {
      try { renameSync(tmp, path); } catch (e) { fsError(e, path, 'replace it'); }
    } else {
      try { linkSync(tmp, path); } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new ImageFileError(path, 'EEXIST', 'already exists (not replaced without force)');
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') fsError(e, path, 'create it');
        // A file system without hard links: exclusive create of the final name, then rename over it.
        try { closeSync(openSync(path, 'wx', IMAGE_MODE)); } catch (e2) { fsError(e2, path, 'create it'); }
        try { renameSync(tmp, path); } catch (e2) { fsError(e2, path, 'create it'); }
      }
    }
  } finally {
    try { unlinkSync(tmp); } catch { /* renamed, or never created */ }
  }
}
