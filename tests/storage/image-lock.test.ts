// The image lock (host/storage/image-lock.ts) in process, as the contract its module comment and
// README "Image files" state (issue 16: the CLI tests run the bundle in child processes, so no
// one-line bug in the source was seen by a test): one process at a time on an image file, an
// exclusive `IMAGE.lock` (mode 0600) holding {pid, host, nonce}; a lock is stale when its holder is
// a process of this host that no longer exists, or when the file was not touched for 60 s; a stale
// lock is broken, a live one waited for at most `waitMs` and then "image busy"; a holder whose lock
// was replaced writes nothing (verify); release removes only the holder's own lock file.
// Expected values are that contract (paths, the one-line message, the file's fields), and "alive"
// is decided by a real child process, never by the code under test.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ImageBusyError, ImageFileError, ImageLockLostError } from '../../host/storage/errors.js';
import { DEFAULT_WAIT_MS, FOREIGN_STALE_MS, ImageLock, REFRESH_MS } from '../../host/storage/image-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'ue-keys-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const image = () => join(dir, `card${n++}.img`);
const caught = (f: () => unknown): unknown => { try { f(); } catch (e) { return e; } throw new Error('did not throw'); };
const lockJson = (img: string) => JSON.parse(readFileSync(`${img}.lock`, 'utf8'));
/** A PID that certainly belonged to a process of this host which has exited (a child reaped by spawnSync). */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
const ago = (ms: number) => new Date(Date.now() - ms);
const openFds = () => readdirSync('/proc/self/fd').length;

const live: ImageLock[] = [];
afterEach(() => { for (const l of live.splice(0)) l.release(); vi.useRealTimers(); });
const take = (img: string, waitMs?: number) => { const l = ImageLock.acquire(img, waitMs); live.push(l); return l; };

describe('one process at a time: an exclusive IMAGE.lock holding {pid, host, nonce}, mode 0600', () => {
  it('the documented bounds: wait 10 s by default, stale after 60 s untouched, refresh every 15 s', () => {
    expect(DEFAULT_WAIT_MS).toBe(10_000);
    expect(FOREIGN_STALE_MS).toBe(60_000);
    expect(REFRESH_MS).toBe(15_000);
  });
  it('acquire creates IMAGE.lock (0600) with this process, this host and a 24-hex-digit nonce; release removes it', () => {
    const img = image();
    const l = take(img);
    expect(l.imagePath).toBe(img);
    expect(l.lockPath).toBe(`${img}.lock`);
    expect(statSync(`${img}.lock`).mode & 0o777).toBe(0o600);
    const o = lockJson(img);
    expect(o.pid).toBe(process.pid);
    expect(o.host).toBe(hostname());
    expect(o.nonce).toMatch(/^[0-9a-f]{24}$/);
    expect(l.isReleased).toBe(false);
    expect(() => l.verify()).not.toThrow();
    l.release();
    expect(l.isReleased).toBe(true);
    expect(existsSync(`${img}.lock`)).toBe(false);
    l.release(); // idempotent
    expect(existsSync(`${img}.lock`)).toBe(false);
  });
  it('two acquisitions get different nonces (a holder recognises its own lock by it)', () => {
    const a = image();
    const l1 = take(a);
    const n1 = lockJson(a).nonce;
    l1.release();
    take(a);
    expect(lockJson(a).nonce).not.toBe(n1);
  });
  it('a lock held by a live process is waited for at most waitMs, then "image busy" naming the holder, the wait and the lock file', () => {
    const img = image();
    take(img); // this process is alive and is the holder
    const t0 = Date.now();
    const e = caught(() => ImageLock.acquire(img, 200));
    const waited = Date.now() - t0;
    expect(e).toBeInstanceOf(ImageBusyError);
    expect((e as Error).message).toBe(`image busy: ${img} is locked by process ${process.pid} (waited 0.2 s; lock file ${img}.lock)`);
    expect(waited).toBeGreaterThanOrEqual(200);
    expect(waited).toBeLessThan(5_000);
  });
  it('a negative wait is no wait: busy at once', () => {
    const img = image();
    take(img);
    const t0 = Date.now();
    expect(caught(() => ImageLock.acquire(img, -5_000))).toBeInstanceOf(ImageBusyError);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
  it('a live holder of another process of this host is not broken; one on another host is named with its host', () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      const img = image();
      writeFileSync(`${img}.lock`, JSON.stringify({ pid: child.pid, host: hostname(), nonce: 'other' }));
      const e = caught(() => ImageLock.acquire(img, 50));
      expect((e as Error).message).toBe(`image busy: ${img} is locked by process ${child.pid} (waited 0.1 s; lock file ${img}.lock)`);
      expect(lockJson(img).nonce).toBe('other');
      // The same PID on another host says nothing about that host's process: only the age counts.
      writeFileSync(`${img}.lock`, JSON.stringify({ pid: deadPid(), host: 'elsewhere.example', nonce: 'far' }));
      const e2 = caught(() => ImageLock.acquire(img, 0));
      expect((e2 as Error).message).toMatch(new RegExp(`^image busy: .* is locked by process \\d+ on elsewhere\\.example \\(waited 0\\.0 s; `));
      expect(lockJson(img).nonce).toBe('far');
    } finally { child.kill(); }
  });
  it('a lock file that is not (yet) a {pid, host, nonce} record and is fresh: "another process", not broken', () => {
    const img = image();
    for (const text of ['', '{"pid":', JSON.stringify({ pid: 1.5, host: 'h', nonce: 'x' }), JSON.stringify({ pid: 1, host: 2, nonce: 'x' }), JSON.stringify({ pid: 1, host: 'h', nonce: 3 })]) {
      writeFileSync(`${img}.lock`, text);
      const e = caught(() => ImageLock.acquire(img, 0));
      expect((e as Error).message, text).toBe(`image busy: ${img} is locked by another process (waited 0.0 s; lock file ${img}.lock)`);
      expect(readFileSync(`${img}.lock`, 'utf8')).toBe(text);
    }
  });
  it('a lock file that cannot be created (no such directory) is an ImageFileError naming the lock file and the errno', () => {
    const img = join(dir, 'missing-dir', 'card.img');
    const e = caught(() => ImageLock.acquire(img, 0));
    expect(e).toBeInstanceOf(ImageFileError);
    expect((e as ImageFileError).code).toBe('ENOENT');
    expect((e as Error).message).toBe(`image ${img}.lock: cannot create the lock file: does not exist (ENOENT)`);
  });
});

describe('the lock file cannot be read', () => {
  it('IMAGE.lock is a directory: an ImageFileError naming the lock file, "read the lock file" and the errno, nothing removed', () => {
    const img = image();
    mkdirSync(`${img}.lock`);
    const e = caught(() => ImageLock.acquire(img, 0)) as ImageFileError;
    expect(e).toBeInstanceOf(ImageFileError);
    expect([e.code, e.message]).toEqual(['EISDIR', `image ${img}.lock: cannot read the lock file: is a directory (EISDIR)`]);
    expect(statSync(`${img}.lock`).isDirectory()).toBe(true);
  });
});

describe('stale: the holder is a process of this host that no longer exists, or the lock file was untouched for 60 s', () => {
  it('a dead holder of this host is broken at once, whatever the age of its file; nothing is left aside', () => {
    const img = image();
    writeFileSync(`${img}.lock`, JSON.stringify({ pid: deadPid(), host: hostname(), nonce: 'dead' }));
    const t0 = Date.now();
    take(img, 5_000);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(lockJson(img).pid).toBe(process.pid);
    expect(readdirSync(dir).filter((f) => f.includes('stale'))).toEqual([]);
  });
  it('a holder that has exited but was not yet reaped (a zombie, state Z in /proc/PID/stat) is dead: broken', async () => {
    // `sleep 0 &` then `exec sleep 5`: the background child exits and its parent (now `sleep 5`)
    // never waits for it, so it stays a zombie for 5 s; kill(pid, 0) still succeeds on it.
    const sh = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zpid = Number(await new Promise<string>((res) => sh.stdout!.once('data', (d) => res(String(d).trim()))));
      for (let i = 0; i < 100 && !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${zpid}/stat`, 'utf8')); i++) await new Promise((r) => setTimeout(r, 20));
      expect(readFileSync(`/proc/${zpid}/stat`, 'utf8')).toMatch(/^\d+ \(sleep\) Z /);
      const img = image();
      writeFileSync(`${img}.lock`, JSON.stringify({ pid: zpid, host: hostname(), nonce: 'zombie' }));
      take(img, 0);
      expect(lockJson(img).pid).toBe(process.pid);
    } finally { sh.kill(); }
  });
  it('untouched for more than 60 s: broken whoever holds it (another host, a torn file); touched 50 s ago: not', () => {
    for (const text of [JSON.stringify({ pid: 4242, host: 'elsewhere.example', nonce: 'far' }), '{"pid":']) {
      const img = image();
      writeFileSync(`${img}.lock`, text);
      utimesSync(`${img}.lock`, ago(50_000), ago(50_000));
      expect(caught(() => ImageLock.acquire(img, 0)), text).toBeInstanceOf(ImageBusyError);
      utimesSync(`${img}.lock`, ago(FOREIGN_STALE_MS + 5_000), ago(FOREIGN_STALE_MS + 5_000));
      take(img, 0);
      expect(lockJson(img).pid).toBe(process.pid);
    }
    expect(readdirSync(dir).filter((f) => f.includes('stale'))).toEqual([]);
  });
  it('this process\'s own PID in a lock it does not hold is not "dead": waited for, not broken', () => {
    const img = image();
    writeFileSync(`${img}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'not-mine' }));
    expect(caught(() => ImageLock.acquire(img, 0))).toBeInstanceOf(ImageBusyError);
    expect(lockJson(img).nonce).toBe('not-mine');
  });
});

describe('a holder whose lock was broken writes nothing (verify), and release removes only its own lock', () => {
  it('verify throws ImageLockLostError once the lock file holds another nonce, or is gone, or was released', () => {
    const img = image();
    const l = take(img);
    const mine = readFileSync(`${img}.lock`, 'utf8');
    writeFileSync(`${img}.lock`, JSON.stringify({ ...JSON.parse(mine), nonce: 'someone-else' }));
    const e = caught(() => l.verify());
    expect(e).toBeInstanceOf(ImageLockLostError);
    expect((e as Error).message).toBe(`image ${img}: the lock was lost (broken as stale by another process); nothing was written`);
    writeFileSync(`${img}.lock`, 'torn');
    expect(caught(() => l.verify())).toBeInstanceOf(ImageLockLostError);
    rmSync(`${img}.lock`);
    expect(caught(() => l.verify())).toBeInstanceOf(ImageLockLostError);
    writeFileSync(`${img}.lock`, mine);
    expect(() => l.verify()).not.toThrow();
    l.release();
    writeFileSync(`${img}.lock`, mine); // the same record again, after release
    expect(caught(() => l.verify())).toBeInstanceOf(ImageLockLostError);
    rmSync(`${img}.lock`);
  });
  it('release leaves a lock file that is no longer its own (the new holder\'s) in place', () => {
    const img = image();
    const l = take(img);
    const other = JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'new-holder' });
    writeFileSync(`${img}.lock`, other);
    l.release();
    expect(readFileSync(`${img}.lock`, 'utf8')).toBe(other);
    rmSync(`${img}.lock`);
  });
  it('a held lock refreshes its file\'s mtime every 15 s (so it never looks stale); a released one does not', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const img = image();
    const l = take(img);
    utimesSync(`${img}.lock`, ago(40_000), ago(40_000));
    vi.advanceTimersByTime(REFRESH_MS - 1);
    expect(Date.now() - statSync(`${img}.lock`).mtimeMs).toBeGreaterThan(30_000);
    vi.advanceTimersByTime(1);
    expect(Date.now() - statSync(`${img}.lock`).mtimeMs).toBeLessThan(5_000);
    // Not its lock any more: the timer does not touch the other holder's file.
    writeFileSync(`${img}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'new-holder' }));
    utimesSync(`${img}.lock`, ago(40_000), ago(40_000));
    vi.advanceTimersByTime(REFRESH_MS);
    expect(Date.now() - statSync(`${img}.lock`).mtimeMs).toBeGreaterThan(30_000);
    rmSync(`${img}.lock`);
    // Released: the interval is cleared (the file made again by someone else is left alone).
    const img2 = image();
    const l2 = take(img2);
    const rec = readFileSync(`${img2}.lock`, 'utf8');
    l2.release();
    writeFileSync(`${img2}.lock`, rec);
    utimesSync(`${img2}.lock`, ago(40_000), ago(40_000));
    vi.advanceTimersByTime(REFRESH_MS * 2);
    expect(Date.now() - statSync(`${img2}.lock`).mtimeMs).toBeGreaterThan(30_000);
    rmSync(`${img2}.lock`);
    l.release();
  });
  it('a process that exits holding a lock removes its lock file (one exit hook for all locks, however many are taken)', () => {
    take(image()); // the hook exists once any lock was taken
    const before = process.listenerCount('exit');
    const img = image();
    take(img);
    take(image()).release();
    expect(process.listenerCount('exit')).toBe(before);
    const hooks = process.listeners('exit').filter((f) => /\.release\(\)/.test(String(f)));
    expect(hooks).toHaveLength(1);
    (hooks[0] as () => void)();
    expect(existsSync(`${img}.lock`)).toBe(false);
  });
  it('release stops the refresh timer (no timer left behind per lock)', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const l = take(image());
    expect(vi.getTimerCount()).toBe(1);
    l.release();
    expect(vi.getTimerCount()).toBe(0);
  });
  it('no file descriptor is left open by acquiring, verifying and releasing', () => {
    const img = image();
    ImageLock.acquire(img).release();
    const before = openFds();
    for (let i = 0; i < 20; i++) { const l = ImageLock.acquire(img); l.verify(); l.release(); }
    expect(openFds()).toBe(before);
  });
});
