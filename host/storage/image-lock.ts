/**
 * One process at a time on an image file: an exclusive lock file `IMAGE.lock` beside the image,
 * created with O_CREAT|O_EXCL (mode 0600) and holding `{pid, host, nonce}`.
 *
 * Why hand-written rather than a library: proper-lockfile (the usual choice) is CommonJS on top
 * of graceful-fs, which the ESM bundles would need a `require` shim for, and it decides staleness
 * by mtime only (a dead holder blocks for its whole stale period, and a live holder that is
 * merely stalled longer than that loses its lock silently). This lock knows its holder:
 *
 * - Stale: the holder is a process of this host that no longer exists (kill(pid, 0) → ESRCH), or
 *   the lock file was not touched for {@link FOREIGN_STALE_MS} (a holder on another host, a
 *   reused PID, or a holder that died between creating the file and writing it). A long-lived
 *   holder refreshes the mtime every {@link REFRESH_MS} (an unref'd timer).
 * - Breaking a stale lock renames it aside, then checks that what it moved is the stale lock it
 *   inspected (same nonce); if a concurrent breaker already replaced it with a live lock, that lock
 *   is linked back.
 * - Before every write step the holder checks that the lock file still holds its nonce
 *   ({@link ImageLock.verify}); a holder whose lock was broken writes nothing and outputs nothing.
 * - Waiting is bounded: after `waitMs` the caller gets {@link ImageBusyError} ("image busy").
 *
 * Readers take the same lock for as long as it takes to copy the file (a millisecond) and then work
 * on the copy: a reader never sees a half-committed update, never writes, and never holds up a
 * writer for longer than the copy. That gives readers the effect of a read lock, without reader
 * bookkeeping that could itself go stale.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { ImageBusyError, ImageLockLostError, fsError } from './errors.js';

/** Default bound on waiting for another process's lock. */
export const DEFAULT_WAIT_MS = 10_000;
/** A lock file untouched for this long is stale whoever holds it (see the module comment). */
export const FOREIGN_STALE_MS = 60_000;
/** How often a holder that stays in the event loop refreshes its lock file's mtime. */
export const REFRESH_MS = 15_000;

interface Owner { pid: number; host: string; nonce: string }

const held = new Set<ImageLock>();
let exitHook = false;

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** Synchronous sleep (the image API is synchronous; a CLI process has nothing else to do). */
function sleep(ms: number): void { Atomics.wait(sleepCell, 0, 0, ms); }

/** Whether a process of this host exists and has not exited (a zombie, on Linux, has exited). */
function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
  try { return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return true; }
}

function readOwner(path: string): Owner | null | 'gone' {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    return fsError(e, path, 'read the lock file');
  }
  try {
    const o = JSON.parse(text);
    if (Number.isInteger(o?.pid) && typeof o.host === 'string' && typeof o.nonce === 'string') return o as Owner;
  } catch { /* being written, or torn: judged by age below */ }
  return null;
}

/** An exclusive lock on one image file. */
export class ImageLock {
  private released = false;
  private timer: NodeJS.Timeout | undefined;

  private constructor(readonly imagePath: string, readonly lockPath: string, private readonly nonce: string) {}

  /**
   * Take the lock of `imagePath`, waiting at most `waitMs`. Throws {@link ImageBusyError} when a
   * live holder keeps it that long, {@link ImageFileError} when the lock file cannot be created
   * (e.g. the directory does not exist or is read-only).
   */
  static acquire(imagePath: string, waitMs = DEFAULT_WAIT_MS): ImageLock {
    const lockPath = `${imagePath}.lock`;
    const me: Owner = { pid: process.pid, host: hostname(), nonce: randomBytes(12).toString('hex') };
    const deadline = Date.now() + Math.max(0, waitMs);
    for (;;) {
      let fd: number | undefined;
      try {
        fd = openSync(lockPath, 'wx', 0o600);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') fsError(e, lockPath, 'create the lock file');
      }
      if (fd !== undefined) {
        try { writeSync(fd, JSON.stringify(me)); } finally { closeSync(fd); }
        const lock = new ImageLock(imagePath, lockPath, me.nonce);
        lock.hold();
        return lock;
      }
      const owner = readOwner(lockPath);
      if (owner === 'gone') continue; // released meanwhile: try again at once
      if (ImageLock.isStale(lockPath, owner)) { ImageLock.breakStale(lockPath, owner, me.nonce); continue; }
      if (Date.now() >= deadline) {
        const who = owner ? `process ${owner.pid}${owner.host === me.host ? '' : ` on ${owner.host}`}` : 'another process';
        throw new ImageBusyError(`image busy: ${imagePath} is locked by ${who} (waited ${(waitMs / 1000).toFixed(1)} s; lock file ${lockPath})`);
      }
      sleep(10 + Math.floor(Math.random() * 30));
    }
  }

  private static isStale(lockPath: string, owner: Owner | null): boolean {
    if (owner && owner.host === hostname() && owner.pid !== process.pid && !alive(owner.pid)) return true;
    try { return Date.now() - statSync(lockPath).mtimeMs > FOREIGN_STALE_MS; } catch { return false; }
  }

  /** Move the stale lock aside; put it back if what was moved is not the one judged stale. */
  private static breakStale(lockPath: string, stale: Owner | null, nonce: string): void {
    const aside = `${lockPath}.stale-${nonce}`;
    try { renameSync(lockPath, aside); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // another process broke it first
      fsError(e, lockPath, 'remove the stale lock file');
    }
    const moved = readOwner(aside);
    const same = moved !== 'gone' && (stale === null ? moved === null : moved !== null && moved.nonce === stale.nonce);
    if (!same) {
      // A live lock was moved: restore it (EEXIST: a third process locked meanwhile; the holder of
      // the moved lock then fails its verify() and writes nothing).
      try { linkSync(aside, lockPath); } catch { /* see above */ }
    }
    try { unlinkSync(aside); } catch { /* already gone */ }
  }

  private hold(): void {
    held.add(this);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => { for (const l of held) l.release(); });
    }
    this.timer = setInterval(() => { try { if (this.owns()) utimesSync(this.lockPath, new Date(), new Date()); } catch { /* verify() reports */ } }, REFRESH_MS);
    this.timer.unref();
  }

  private owns(): boolean {
    if (this.released) return false;
    const o = readOwner(this.lockPath);
    return o !== 'gone' && o !== null && o.nonce === this.nonce;
  }

  /** Throws {@link ImageLockLostError} unless this process still holds the lock. */
  verify(): void {
    if (!this.owns()) throw new ImageLockLostError(`image ${this.imagePath}: the lock was lost (broken as stale by another process); nothing was written`);
  }

  /** Release (idempotent). Removes the lock file only if it is still this process's. */
  release(): void {
    if (this.released) return;
    const mine = this.owns();
    this.released = true;
    held.delete(this);
    if (this.timer) clearInterval(this.timer);
    if (mine) try { unlinkSync(this.lockPath); } catch { /* gone */ }
  }

  get isReleased(): boolean { return this.released; }
}
