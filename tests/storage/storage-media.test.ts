// The media under the image store (host/storage/medium.ts) and the errors of image files
// (host/storage/errors.ts), tested as contracts (issue 16: these lines had no test that a one-line
// bug would fail). Expected values are the documented contract (doc comments and README
// "Storage"), never read back from the code: sizes 128..1 MiB, even; an erased medium reads 0xff;
// a read is a copy; a snapshot refuses every write; a power cut at step N keeps steps 0..N-1, tears
// step N to its first `tornBytes` bytes and kills the medium; an fs error names path, action, errno.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../host/errors.js';
import {
  DEFAULT_MEDIUM_SIZE, MemoryMedium, PowerCutMedium, PowerLossError, SnapshotMedium, needSize, type Medium,
} from '../../host/storage/medium.js';
import { ImageFileError, ReadOnlyImageError, fsError } from '../../host/storage/errors.js';

const seq = (n: number, from = 0) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);
const caught = (f: () => unknown): unknown => { try { f(); } catch (e) { return e; } throw new Error('did not throw'); };

describe('medium size: an even integer 128..1 MiB (two banks of a 56-byte header and 8 payload bytes at least)', () => {
  it('the bounds themselves are accepted', () => {
    for (const n of [128, 130, 8192, 1 << 20]) expect(() => needSize(n), String(n)).not.toThrow();
    expect(DEFAULT_MEDIUM_SIZE).toBe(8192); // "two banks of 4 KiB"
  });
  it('one step outside either bound, an odd size, a fraction, NaN and Infinity are refused naming the field', () => {
    for (const n of [126, 127, 129, (1 << 20) + 1, (1 << 20) + 2, 200.5, Number.NaN, Infinity, -128, 0]) {
      const e = caught(() => needSize(n));
      expect(e, String(n)).toBeInstanceOf(InputError);
      expect((e as InputError).field).toBe('medium size');
      expect((e as Error).message).toMatch(/^medium size must be an even integer 128\.\.1048576, got /);
    }
  });
  it('every medium checks its size when made', () => {
    expect(() => new MemoryMedium(127)).toThrow(InputError);
    expect(() => new SnapshotMedium(new Uint8Array(126), 'x')).toThrow(InputError);
    expect(() => MemoryMedium.of(new Uint8Array(1 << 21))).toThrow(InputError);
  });
});

describe('MemoryMedium: erased flash reads 0xff; reads are copies; a write step lands at its offset', () => {
  it('a new medium is erased (0xff) unless another fill is asked for', () => {
    expect(new MemoryMedium(128).read(0, 128)).toEqual(new Uint8Array(128).fill(0xff));
    expect(new MemoryMedium(128, 0x00).read(0, 128)).toEqual(new Uint8Array(128));
    expect(new MemoryMedium(256).size).toBe(256);
  });
  it('of() holds a copy: changing the source later does not change the medium', () => {
    const src = seq(128);
    const m = MemoryMedium.of(src);
    src.fill(0);
    expect(m.read(0, 128)).toEqual(seq(128));
    expect(m.size).toBe(128);
  });
  it('read(offset, length) is exactly those bytes, and changing what it returned does not change the medium', () => {
    const m = MemoryMedium.of(seq(128));
    const r = m.read(10, 5);
    expect(r).toEqual(Uint8Array.of(10, 11, 12, 13, 14));
    r.fill(0);
    expect(m.read(10, 5)).toEqual(Uint8Array.of(10, 11, 12, 13, 14));
  });
  it('write(offset, data) changes those bytes only', () => {
    const m = new MemoryMedium(128, 0);
    m.write(100, Uint8Array.of(1, 2, 3));
    const want = new Uint8Array(128); want.set([1, 2, 3], 100);
    expect(m.read(0, 128)).toEqual(want);
  });
});

describe('SnapshotMedium: opened for reading only, so nothing done on it can pass for persisted', () => {
  it('reads come from the copy, as copies', () => {
    const s = new SnapshotMedium(seq(128), 'card.img');
    expect(s.size).toBe(128);
    const r = s.read(3, 2);
    expect(r).toEqual(Uint8Array.of(3, 4));
    r.fill(0xee);
    expect(s.read(3, 2)).toEqual(Uint8Array.of(3, 4));
  });
  it('every write throws ReadOnlyImageError naming the image, and changes nothing', () => {
    const s = new SnapshotMedium(seq(128), 'card.img');
    const e = caught(() => s.write());
    expect(e).toBeInstanceOf(ReadOnlyImageError);
    expect((e as Error).message).toBe('image card.img was opened for reading only: nothing can be stored');
    expect(s.read(0, 128)).toEqual(seq(128));
  });
  it('wipe() zeroes the copy (it holds K/OPc in clear)', () => {
    const s = new SnapshotMedium(seq(128, 1), 'x');
    s.wipe();
    expect(s.read(0, 128)).toEqual(new Uint8Array(128));
  });
});

describe('PowerCutMedium: a cut at write step N keeps steps 0..N-1, tears step N, and the medium is dead after', () => {
  it('with no cut it only counts the write steps and passes reads, writes and the size through', () => {
    const inner = new MemoryMedium(128, 0);
    const p = new PowerCutMedium(inner);
    p.write(0, Uint8Array.of(7)); p.write(5, Uint8Array.of(8, 9));
    expect(p.steps).toBe(2);
    expect(p.dead).toBe(false);
    expect(p.size).toBe(128);
    expect(p.read(0, 7)).toEqual(Uint8Array.of(7, 0, 0, 0, 0, 8, 9));
  });
  it('cut at step 1 without tearing: step 0 happened, step 1 wrote nothing, PowerLossError names step 1', () => {
    const inner = new MemoryMedium(128, 0);
    const p = new PowerCutMedium(inner, 1);
    p.write(0, Uint8Array.of(1, 1));
    const e = caught(() => p.write(10, Uint8Array.of(2, 2, 2)));
    expect(e).toBeInstanceOf(PowerLossError);
    expect((e as PowerLossError).step).toBe(1);
    expect((e as Error).message).toBe('power lost at write step 1');
    expect(p.dead).toBe(true);
    expect(inner.read(0, 16)).toEqual(Uint8Array.of(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  });
  it('a torn step writes exactly its first tornBytes bytes', () => {
    const inner = new MemoryMedium(128, 0);
    const p = new PowerCutMedium(inner, 0, 2);
    expect(() => p.write(4, Uint8Array.of(5, 6, 7, 8))).toThrow(PowerLossError);
    expect(inner.read(0, 10)).toEqual(Uint8Array.of(0, 0, 0, 0, 5, 6, 0, 0, 0, 0));
  });
  it('tornBytes beyond the step\'s length writes the whole step (and still cuts)', () => {
    const inner = new MemoryMedium(128, 0);
    const p = new PowerCutMedium(inner, 0, 9);
    expect(() => p.write(1, Uint8Array.of(5, 6))).toThrow(PowerLossError);
    expect(inner.read(0, 5)).toEqual(Uint8Array.of(0, 5, 6, 0, 0));
    expect(p.dead).toBe(true);
  });
  it('after the cut every read and write throws and the inner medium is not touched again', () => {
    const inner = new MemoryMedium(128, 0);
    const p = new PowerCutMedium(inner, 0);
    expect(() => p.write(0, Uint8Array.of(1))).toThrow(PowerLossError);
    expect(inner.read(0, 1)).toEqual(Uint8Array.of(0));
    const w = caught(() => p.write(0, Uint8Array.of(3)));
    expect(w).toBeInstanceOf(PowerLossError);
    expect((w as PowerLossError).step).toBe(0);
    expect(caught(() => p.read(0, 1))).toBeInstanceOf(PowerLossError);
    expect(inner.read(0, 1)).toEqual(Uint8Array.of(0));
    expect(p.steps).toBe(0);
  });
  it('transaction() runs the inner medium\'s transaction when it has one, else just the steps', () => {
    const log: string[] = [];
    const inner: Medium = {
      size: 128, read: () => new Uint8Array(0), write: () => { log.push('write'); },
      transaction<T>(steps: () => T): T { log.push('begin'); const r = steps(); log.push('end'); return r; },
    };
    expect(new PowerCutMedium(inner).transaction(() => { log.push('steps'); return 42; })).toBe(42);
    expect(log).toEqual(['begin', 'steps', 'end']);
    expect(new PowerCutMedium(new MemoryMedium(128)).transaction(() => 'ran')).toBe('ran');
  });
});

describe('fsError: an fs failure becomes one ImageFileError naming path, action and errno; nothing else is swallowed', () => {
  const errno = (code: unknown) => Object.assign(new Error('raw'), { code });
  const described = ['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EIO', 'ELOOP',
    'ENAMETOOLONG', 'EMFILE', 'ENFILE', 'EBUSY', 'ETXTBSY', 'EEXIST'];
  it('each errno an image file meets gets its own words, not the generic fallback', () => {
    const texts = new Set<string>();
    for (const code of described) {
      const e = caught(() => fsError(errno(code), 'a/card.img', 'read'));
      expect(e, code).toBeInstanceOf(ImageFileError);
      expect((e as ImageFileError).path).toBe('a/card.img');
      expect((e as ImageFileError).code).toBe(code);
      const m = /^image a\/card\.img: cannot read: (.+) \((E[A-Z]+)\)$/.exec((e as Error).message);
      expect(m, (e as Error).message).not.toBeNull();
      expect(m![2]).toBe(code);
      expect(m![1], code).not.toBe('file system error');
      expect(m![1].length, code).toBeGreaterThan(3);
      texts.add(m![1]);
    }
    expect(texts.size).toBe(described.length - 1); // EMFILE and ENFILE share "too many open files"
  });
  it('the words follow the errno (ENOENT: does not exist; EACCES: permission denied)', () => {
    expect(caught(() => fsError(errno('ENOENT'), 'p', 'open'))).toHaveProperty('message', 'image p: cannot open: does not exist (ENOENT)');
    expect(caught(() => fsError(errno('EACCES'), 'p', 'write'))).toHaveProperty('message', 'image p: cannot write: permission denied (EACCES)');
  });
  it('an errno without its own words still names the code', () => {
    expect(caught(() => fsError(errno('EXDEV'), 'p', 'rename'))).toHaveProperty('message', 'image p: cannot rename: file system error (EXDEV)');
    expect(caught(() => fsError(errno('E2BIG'), 'p', 'x'))).toBeInstanceOf(ImageFileError);
  });
  it('what is not an errno error is rethrown as it is (Node ERR_ codes, lowercase, prefixed, non-strings, no code)', () => {
    for (const v of [errno('ERR_INVALID_ARG_TYPE'), errno('Enoent'), errno('xEIO'), errno('E'), errno('EIO '), errno(5), errno(undefined), new TypeError('t'), 'text', null]) {
      expect(caught(() => fsError(v, 'p', 'read'))).toBe(v);
    }
  });
});
