// New image files on a file system without hard links (host/storage/file-medium.ts
// writeNewImageFile): the module comment's rule "linked (or, with force, renamed) into place; an
// image is never visible half-written", and for link(2) failing with EPERM / ENOTSUP / EOPNOTSUPP
// (FAT, some FUSE and network file systems) "exclusive create of the final name, then rename over
// it" — still refused when the name exists, still 0600, still no temporary left. Any other link
// errno is an ImageFileError "create it". The test machine's tmpfs has hard links, so link(2) is
// made to fail here (vi.mock of node:fs's linkSync; every other call is the real one).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ImageFileError } from '../../host/storage/errors.js';
import { writeNewImageFile } from '../../host/storage/file-medium.js';

const linkErrno = vi.hoisted(() => ({ code: null as string | null }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const linkSync: typeof fs.linkSync = (a, b) => {
    if (linkErrno.code === null) return fs.linkSync(a, b);
    throw Object.assign(new Error(`${linkErrno.code}: link`), { code: linkErrno.code });
  };
  return { ...fs, default: { ...fs, linkSync }, linkSync };
});

const dir = mkdtempSync(join(tmpdir(), 'ue-keys-nolink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => { linkErrno.code = null; });
const caught = (f: () => unknown): unknown => { try { f(); } catch (e) { return e; } throw new Error('did not throw'); };
const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 13) & 0xff);

describe('a file system without hard links: exclusive create of the final name, then rename over it', () => {
  for (const code of ['EPERM', 'ENOTSUP', 'EOPNOTSUPP']) {
    it(`link fails with ${code}: the image is created whole, mode 0600, no temporary left; an existing name is refused`, () => {
      linkErrno.code = code;
      const p = join(dir, `card-${code}.img`);
      writeNewImageFile(p, bytes, false);
      expect(readFileSync(p)).toEqual(Buffer.from(bytes));
      expect(statSync(p).mode & 0o777).toBe(0o600);
      expect(existsSync(`${p}.tmp`)).toBe(false);
      const e = caught(() => writeNewImageFile(p, new Uint8Array(300), false)) as InstanceType<typeof ImageFileError>;
      expect(e).toBeInstanceOf(ImageFileError);
      expect([e.code, e.message]).toEqual(['EEXIST', `image ${p}: cannot create it: already exists (EEXIST)`]);
      expect(readFileSync(p)).toEqual(Buffer.from(bytes));
      expect(existsSync(`${p}.tmp`)).toBe(false);
    });
  }
  it('any other link errno: an ImageFileError "create it" naming the errno, nothing at the final name, no temporary', () => {
    for (const code of ['EXDEV', 'EIO', 'EACCES']) {
      linkErrno.code = code;
      const p = join(dir, `card-${code}.img`);
      const e = caught(() => writeNewImageFile(p, bytes, false)) as InstanceType<typeof ImageFileError>;
      expect(e).toBeInstanceOf(ImageFileError);
      expect(e.code).toBe(code);
      expect(e.message).toMatch(new RegExp(`^image .*card-${code}\\.img: cannot create it: .*\\(${code}\\)$`));
      expect(existsSync(p)).toBe(false);
      expect(existsSync(`${p}.tmp`)).toBe(false);
    }
  });
  it('the final name still exists as EEXIST from link itself: "already exists (not replaced without force)"', () => {
    const p = join(dir, 'exists.img');
    writeFileSync(p, 'old');
    linkErrno.code = 'EEXIST';
    const e = caught(() => writeNewImageFile(p, bytes, false)) as InstanceType<typeof ImageFileError>;
    expect(e.message).toBe(`image ${p}: already exists (not replaced without force)`);
    expect(readFileSync(p, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
