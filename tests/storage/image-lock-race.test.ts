// Breaking a stale image lock against a concurrent process (host/storage/image-lock.ts, module
// comment): "Breaking a stale lock renames it aside, then checks that what it moved is the stale
// lock it inspected (same nonce); if a concurrent breaker already replaced it with a live lock,
// that lock is linked back." The race window (between judging the lock stale and renaming it) is
// opened here by making rename(2) of a `.lock` file do what the other process would have done just
// before it (vi.mock of node:fs's renameSync; every other call is the real one).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ImageBusyError, ImageFileError } from '../../host/storage/errors.js';
import { ImageLock } from '../../host/storage/image-lock.js';

const race = vi.hoisted(() => ({ before: null as null | ((from: string) => void), errno: null as string | null }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const renameSync: typeof fs.renameSync = (from, to) => {
    if (String(from).endsWith('.lock')) {
      if (race.errno) throw Object.assign(new Error(`${race.errno}: rename`), { code: race.errno });
      race.before?.(String(from));
    }
    return fs.renameSync(from, to);
  };
  return { ...fs, default: { ...fs, renameSync }, renameSync };
});

const dir = mkdtempSync(join(tmpdir(), 'ue-keys-lockrace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => { race.before = null; race.errno = null; });
let n = 0;
const image = () => join(dir, `card${n++}.img`);
const caught = (f: () => unknown): unknown => { try { f(); } catch (e) { return e; } throw new Error('did not throw'); };
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
/** A live holder's record: this process's PID (alive, not this lock object's nonce). */
const liveRecord = JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'live-holder' });
const deadRecord = () => JSON.stringify({ pid: deadPid(), host: hostname(), nonce: 'dead-holder' });

describe('breaking a stale lock never removes a live lock that replaced it meanwhile', () => {
  it('another process broke the stale lock and took the lock just before our rename: its lock is linked back; we wait and report busy', () => {
    const img = image();
    writeFileSync(`${img}.lock`, deadRecord());
    race.before = (from) => { race.before = null; writeFileSync(from, liveRecord); };
    const e = caught(() => ImageLock.acquire(img, 0));
    expect(e).toBeInstanceOf(ImageBusyError);
    expect(readFileSync(`${img}.lock`, 'utf8')).toBe(liveRecord);
    expect(readdirSync(dir).filter((f) => f.includes('stale'))).toEqual([]);
  });
  it('a torn stale lock (no record) replaced by a live one meanwhile: also linked back', () => {
    const img = image();
    writeFileSync(`${img}.lock`, '{"pid":');
    const old = new Date(Date.now() - 120_000);
    utimesSync(`${img}.lock`, old, old);
    race.before = (from) => { race.before = null; writeFileSync(from, liveRecord); };
    expect(caught(() => ImageLock.acquire(img, 0))).toBeInstanceOf(ImageBusyError);
    expect(readFileSync(`${img}.lock`, 'utf8')).toBe(liveRecord);
  });
  it('the stale lock moved aside is the one judged stale (same nonce; or torn, still torn): removed, and the lock is ours', () => {
    const img = image();
    writeFileSync(`${img}.lock`, deadRecord());
    const l = ImageLock.acquire(img, 0);
    expect(JSON.parse(readFileSync(`${img}.lock`, 'utf8')).pid).toBe(process.pid);
    l.release();
    expect(readdirSync(dir).filter((f) => f.includes('stale'))).toEqual([]);
  });
  it('the stale lock vanished before our rename (ENOENT: another process broke it first): we just try again and take it', () => {
    const img = image();
    writeFileSync(`${img}.lock`, deadRecord());
    race.before = (from) => { race.before = null; rmSync(from); };
    const l = ImageLock.acquire(img, 0);
    expect(JSON.parse(readFileSync(`${img}.lock`, 'utf8')).pid).toBe(process.pid);
    l.release();
    expect(existsSync(`${img}.lock`)).toBe(false);
  });
  it('the stale lock cannot be moved (EACCES): an ImageFileError naming the lock file and "remove the stale lock file"', () => {
    const img = image();
    writeFileSync(`${img}.lock`, deadRecord());
    race.errno = 'EACCES';
    const e = caught(() => ImageLock.acquire(img, 0)) as InstanceType<typeof ImageFileError>;
    expect(e).toBeInstanceOf(ImageFileError);
    expect([e.code, e.message]).toEqual(['EACCES', `image ${img}.lock: cannot remove the stale lock file: permission denied (EACCES)`]);
    expect(JSON.parse(readFileSync(`${img}.lock`, 'utf8')).nonce).toBe('dead-holder');
  });
});
