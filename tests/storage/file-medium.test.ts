// Image files (host/storage/file-medium.ts) in process, as the contract its module comment states
// (issue 16: the CLI tests run the bundle in child processes, so no one-line bug in the source was
// seen by a test): a file medium never creates, truncates or extends on open; it writes only inside
// a locked transaction and only while the file is what it last read or wrote; new image files are
// written whole under IMAGE.tmp (0600, O_EXCL) then linked (or, with force, renamed) into place;
// stray temporaries are removed; every errno is an ImageFileError naming the path, the action and
// the errno. Expected bytes are written by the test through node:fs, never read back through the
// code under test only.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../host/errors.js';
import { ImageChangedError, ImageFileError, ImageLockLostError } from '../../host/storage/errors.js';
import {
  FileMedium, IMAGE_MODE, imageFileSize, readImageFile, removeStrayTemporaries, writeNewImageFile,
} from '../../host/storage/file-medium.js';
import { ImageLock } from '../../host/storage/image-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'ue-keys-filemedium-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const path = () => join(dir, `img${n++}.bin`);
const caught = (f: () => unknown): unknown => { try { f(); } catch (e) { return e; } throw new Error('did not throw'); };
const openFds = () => readdirSync('/proc/self/fd').length;
const seq = (len: number, from = 0) => Uint8Array.from({ length: len }, (_, i) => (from + i * 7) & 0xff);

describe('image file size and content: a regular file, at most 1 MiB read as an image', () => {
  it('the size of a regular file; a missing path, a directory, a special file and a non-path are refused naming them', () => {
    const p = path();
    writeFileSync(p, seq(300));
    expect(imageFileSize(p)).toBe(300);
    const missing = join(dir, 'nope.img');
    expect((caught(() => imageFileSize(missing)) as Error).message).toBe(`image ${missing}: cannot open it: does not exist (ENOENT)`);
    const e = caught(() => imageFileSize(dir)) as ImageFileError;
    expect(e).toBeInstanceOf(ImageFileError);
    expect([e.code, e.message]).toEqual(['EISDIR', `image ${dir}: cannot open it: is a directory (EISDIR)`]);
    const dev = caught(() => imageFileSize('/dev/null')) as ImageFileError;
    expect([dev.code, dev.message]).toEqual(['EINVAL', 'image /dev/null: is not a regular file']);
    for (const bad of ['', 'a\0b', 42 as unknown as string, undefined as unknown as string]) {
      const b = caught(() => imageFileSize(bad));
      expect(b).toBeInstanceOf(InputError);
      expect((b as InputError).field).toBe('path');
      expect((b as Error).message).toMatch(/^path must be a non-empty string/);
    }
  });
  it('readImageFile returns every byte of a file up to 1 MiB and null (not an image) above', () => {
    const p = path();
    const bytes = seq(5000, 3);
    writeFileSync(p, bytes);
    expect(readImageFile(p)).toEqual(bytes);
    const empty = path();
    writeFileSync(empty, new Uint8Array(0));
    expect(readImageFile(empty)).toEqual(new Uint8Array(0));
    const max = path();
    writeFileSync(max, new Uint8Array(1 << 20).fill(0x5a));
    expect(readImageFile(max)?.length).toBe(1 << 20);
    const big = path();
    writeFileSync(big, new Uint8Array((1 << 20) + 1));
    expect(readImageFile(big)).toBeNull();
  });
});

describe('a file medium never creates or changes a file on open, and writes only in a locked transaction on the file it read', () => {
  it('open reads the size and bytes of the existing file, writes nothing, and refuses a size that is not an image size', () => {
    const p = path();
    const bytes = seq(256, 1);
    writeFileSync(p, bytes);
    const m = new FileMedium(p);
    expect(m.size).toBe(256);
    expect(m.read(10, 5)).toEqual(bytes.subarray(10, 15));
    expect(readFileSync(p)).toEqual(Buffer.from(bytes));
    const odd = path();
    writeFileSync(odd, seq(255));
    expect((caught(() => new FileMedium(odd)) as InputError).field).toBe('medium size');
    expect(readFileSync(odd).length).toBe(255);
    expect(caught(() => new FileMedium(join(dir, 'absent.img')))).toBeInstanceOf(ImageFileError);
    expect(existsSync(join(dir, 'absent.img'))).toBe(false);
  });
  it('create: a blank (all FF) image of the size asked, mode 0600, refused if the path exists', () => {
    const p = path();
    const m = FileMedium.create(p, 512);
    expect(m.size).toBe(512);
    expect(readFileSync(p)).toEqual(Buffer.alloc(512, 0xff));
    expect(statSync(p).mode & 0o777).toBe(IMAGE_MODE);
    expect(IMAGE_MODE).toBe(0o600);
    const e = caught(() => FileMedium.create(p, 512)) as ImageFileError;
    expect([e.code, e.message]).toEqual(['EEXIST', `image ${p}: already exists (not replaced without force)`]);
    expect((caught(() => FileMedium.create(path(), 100)) as InputError).field).toBe('medium size');
  });
  it('a write outside a transaction is refused and writes nothing', () => {
    const p = path();
    const m = FileMedium.create(p, 256);
    const e = caught(() => m.write(0, Uint8Array.of(1, 2, 3)));
    expect(e).toBeInstanceOf(ImageLockLostError);
    expect((e as Error).message).toBe(`image ${p}: a write outside a locked transaction is refused`);
    expect(readFileSync(p)).toEqual(Buffer.alloc(256, 0xff));
  });
  it('a transaction writes at the offsets given, holds IMAGE.lock only while it runs, and is re-entrant', () => {
    const p = path();
    const m = FileMedium.create(p, 256);
    m.transaction(() => {
      expect(existsSync(`${p}.lock`)).toBe(true);
      m.write(100, Uint8Array.of(0xa1, 0xa2));
      m.withLock(() => m.write(0, Uint8Array.of(0x00)));
      expect(existsSync(`${p}.lock`)).toBe(true);
    });
    expect(existsSync(`${p}.lock`)).toBe(false);
    const want = Buffer.alloc(256, 0xff);
    want[100] = 0xa1; want[101] = 0xa2; want[0] = 0x00;
    expect(readFileSync(p)).toEqual(want);
    expect(m.isCurrent()).toBe(true);
    expect(caught(() => m.write(5, Uint8Array.of(1)))).toBeInstanceOf(ImageLockLostError);
  });
  it('a transaction on a file another process changed since it was read: ImageChangedError, nothing written; rebase accepts the new content', () => {
    const p = path();
    const m = FileMedium.create(p, 256);
    const theirs = seq(256, 9);
    writeFileSync(p, theirs);
    expect(m.isCurrent()).toBe(false);
    const e = caught(() => m.transaction(() => m.write(0, Uint8Array.of(0))));
    expect(e).toBeInstanceOf(ImageChangedError);
    expect((e as Error).message).toBe(`image ${p} was changed by another process since it was read: nothing written (open it again)`);
    expect(readFileSync(p)).toEqual(Buffer.from(theirs));
    expect(existsSync(`${p}.lock`)).toBe(false);
    m.rebase();
    expect(m.isCurrent()).toBe(true);
    m.transaction(() => m.write(0, Uint8Array.of(0x42)));
    expect(readFileSync(p)[0]).toBe(0x42);
  });
  it('after a transaction that threw part-way, the medium takes what it wrote as its base (its own writes are not "another process")', () => {
    const p = path();
    const m = FileMedium.create(p, 256);
    expect(caught(() => m.transaction(() => { m.write(3, Uint8Array.of(7)); throw new Error('cut'); }))).toBeInstanceOf(Error);
    expect(m.isCurrent()).toBe(true);
    m.transaction(() => m.write(4, Uint8Array.of(8)));
    expect([...readFileSync(p).subarray(3, 5)]).toEqual([7, 8]);
  });
  it('a lock the caller holds is adopted (no second lock file, no wait) until releaseLock; then each transaction locks by itself', () => {
    const p = path();
    FileMedium.create(p, 256);
    const lock = ImageLock.acquire(p, 0);
    const m = new FileMedium(p, { lock, waitMs: 0 });
    m.transaction(() => { m.write(1, Uint8Array.of(0x11)); m.write(2, Uint8Array.of(0x22)); });
    expect(existsSync(`${p}.lock`)).toBe(true);
    m.releaseLock();
    expect(lock.isReleased).toBe(true);
    expect(existsSync(`${p}.lock`)).toBe(false);
    m.releaseLock(); // idempotent
    expect(caught(() => m.write(3, Uint8Array.of(0x33)))).toBeInstanceOf(ImageLockLostError);
    expect([...readFileSync(p).subarray(1, 4)]).toEqual([0x11, 0x22, 0xff]);
  });
  it('a transaction waits for another holder at most waitMs, then "image busy", and writes nothing', () => {
    const p = path();
    const m = FileMedium.create(p, 256, { waitMs: 0 });
    const other = ImageLock.acquire(p, 0);
    try {
      expect((caught(() => m.transaction(() => m.write(0, Uint8Array.of(0)))) as Error).message).toMatch(/^image busy: /);
    } finally { other.release(); }
    expect(readFileSync(p)).toEqual(Buffer.alloc(256, 0xff));
  });
  it('checkWritable: a path that went away is an ImageFileError naming the action', () => {
    const p = path();
    const m = FileMedium.create(p, 256);
    expect(() => m.checkWritable()).not.toThrow();
    rmSync(p);
    expect((caught(() => m.checkWritable()) as Error).message).toBe(`image ${p}: cannot open it for writing: does not exist (ENOENT)`);
  });
});

describe('new image files: written whole under IMAGE.tmp (0600), then linked, or with force renamed, into place; strays removed', () => {
  it('a new file gets exactly the bytes, mode 0600, and no temporary is left; an existing one is kept unless replace', () => {
    const sub = join(dir, 'new');
    mkdirSync(sub);
    const p = join(sub, 'card.img');
    const a = seq(1000, 1), b = seq(1000, 2);
    writeNewImageFile(p, a, false);
    expect(readFileSync(p)).toEqual(Buffer.from(a));
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readdirSync(sub)).toEqual(['card.img']);
    const e = caught(() => writeNewImageFile(p, b, false)) as ImageFileError;
    expect([e.code, e.message]).toEqual(['EEXIST', `image ${p}: already exists (not replaced without force)`]);
    expect(readFileSync(p)).toEqual(Buffer.from(a));
    expect(readdirSync(sub)).toEqual(['card.img']);
    writeNewImageFile(p, b, true);
    expect(readFileSync(p)).toEqual(Buffer.from(b));
    expect(readdirSync(sub)).toEqual(['card.img']);
  });
  it('a temporary left by an interrupted run (IMAGE.tmp) is replaced, not an obstacle', () => {
    const sub = join(dir, 'stale-tmp');
    mkdirSync(sub);
    const p = join(sub, 'card.img');
    writeFileSync(`${p}.tmp`, 'left over');
    writeNewImageFile(p, seq(200), false);
    expect(readFileSync(p)).toEqual(Buffer.from(seq(200)));
    expect(readdirSync(sub)).toEqual(['card.img']);
  });
  it('a directory that does not exist: ImageFileError naming the image and "create it"', () => {
    const p = join(dir, 'no-such-dir', 'card.img');
    const e = caught(() => writeNewImageFile(p, seq(10), false)) as ImageFileError;
    expect([e.code, e.message]).toEqual(['ENOENT', `image ${p}: cannot create it: does not exist (ENOENT)`]);
    expect((caught(() => writeNewImageFile('', seq(10), false)) as InputError).field).toBe('path');
  });
  it('removeStrayTemporaries removes IMAGE.tmp and IMAGE.<pid>.tmp beside the image, nothing else', () => {
    const sub = join(dir, 'strays');
    mkdirSync(sub);
    const p = join(sub, 'card.img');
    const keep = ['card.img', 'card.img..tmp', 'card.img.12a.tmp', 'card.img.x12.tmp', 'card.img.12.tmpx', 'card-img-12.tmp', 'card.img.lock', 'card.img.tmp.bak', 'other.img.tmp', 'xcard.img.tmp'];
    for (const f of [...keep, 'card.img.tmp', 'card.img.123.tmp']) writeFileSync(join(sub, f), 'x');
    removeStrayTemporaries(p);
    expect(readdirSync(sub).sort()).toEqual([...keep].sort());
    expect(() => removeStrayTemporaries(join(dir, 'missing', 'card.img'))).not.toThrow();
  });
  it('a temporary that cannot be removed (IMAGE.tmp is a directory): ImageFileError naming it, the image not created', () => {
    const sub = join(dir, 'tmp-dir');
    mkdirSync(sub);
    const p = join(sub, 'card.img');
    mkdirSync(`${p}.tmp`);
    const e = caught(() => writeNewImageFile(p, seq(10), false)) as ImageFileError;
    expect([e.code, e.message]).toEqual(['EISDIR', `image ${p}.tmp: cannot remove the stale temporary file: is a directory (EISDIR)`]);
    expect(existsSync(p)).toBe(false);
  });
  it('force over something that cannot be replaced (a directory): ImageFileError "replace it", no temporary left', () => {
    const sub = join(dir, 'replace-dir');
    mkdirSync(sub);
    const p = join(sub, 'card.img');
    mkdirSync(p);
    writeFileSync(join(p, 'inside'), 'x');
    const e = caught(() => writeNewImageFile(p, seq(10), true)) as ImageFileError;
    expect(e).toBeInstanceOf(ImageFileError);
    expect(e.message).toMatch(new RegExp(`^image ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot replace it: .* \\((EISDIR|ENOTEMPTY|EEXIST)\\)$`));
    expect(readdirSync(sub)).toEqual(['card.img']);
  });
});

describe('a file medium whose file went away or was replaced: every errno is an ImageFileError naming the path and the action', () => {
  it('read of a removed file: "open it"; of a file replaced by a directory: "read it"', () => {
    const p = path();
    const m = FileMedium.create(p, 256);
    rmSync(p);
    expect((caught(() => m.read(0, 4)) as Error).message).toBe(`image ${p}: cannot open it: does not exist (ENOENT)`);
    mkdirSync(p);
    const e = caught(() => m.read(0, 4)) as ImageFileError;
    expect([e.code, e.message]).toEqual(['EISDIR', `image ${p}: cannot read it: is a directory (EISDIR)`]);
  });
  it('a write (under a held lock) to a file that was removed: "open it for writing", nothing created', () => {
    const p = path();
    FileMedium.create(p, 256);
    const lock = ImageLock.acquire(p, 0);
    const m = new FileMedium(p, { lock });
    try {
      rmSync(p);
      expect((caught(() => m.write(0, Uint8Array.of(1))) as Error).message).toBe(`image ${p}: cannot open it for writing: does not exist (ENOENT)`);
      expect(existsSync(p)).toBe(false);
    } finally { m.releaseLock(); }
  });
});

describe('no file descriptor is left open, whatever the outcome', () => {
  it('size, whole-file reads, medium reads and writes, new files and refusals leave the open descriptors as they were', () => {
    const p = path();
    const m = FileMedium.create(p, 256);
    const before = openFds();
    for (let i = 0; i < 10; i++) {
      imageFileSize(p);
      readImageFile(p);
      m.read(0, 16);
      m.transaction(() => m.write(i, Uint8Array.of(i)));
      caught(() => imageFileSize(dir)); // a directory: opened, then refused
      const q = path();
      writeNewImageFile(q, seq(64), false);
      caught(() => writeNewImageFile(q, seq(64), false)); // exists
    }
    expect(openFds()).toBe(before);
  });
  it('a failing read of an opened file (a directory in its place) still closes it', () => {
    const p = path();
    const m = FileMedium.create(p, 256);
    rmSync(p);
    mkdirSync(p);
    const before = openFds();
    for (let i = 0; i < 10; i++) caught(() => m.read(0, 4));
    expect(openFds()).toBe(before);
  });
});
