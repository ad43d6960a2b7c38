// Anti-tearing of the two-bank image store: for every kind of update, a power loss after every
// single write step (and in the middle of it) leaves the complete old or the complete new image.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../host/errors.js';
import {
  AtomicStore, FileMedium, HEADER_LEN, MemoryMedium, PowerCutMedium, PowerLossError, decodePayload, encodePayload,
  type Medium,
} from '../host/storage/atomic-store.js';

const T = { type: 'TEST' };
type Image = Record<string, string>; // name → hex
type Change = [string, Uint8Array | null];

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const fill = (n: number, v: number) => new Uint8Array(n).fill(v);
const image = (s: AtomicStore): Image => Object.fromEntries([...s.snapshot()].map(([k, v]) => [k, hex(v)]));
const clone = (m: MemoryMedium) => { const c = new MemoryMedium(m.size); c.bytes.set(m.bytes); return c; };
function apply(img: Image, changes: Change[]): Image {
  const out = { ...img };
  for (const [k, v] of changes) { if (v === null) delete out[k]; else out[k] = hex(v); }
  return out;
}
/** A medium holding the image produced by `setup` transactions (no power loss). */
function prepared(setup: Change[][], size = 4096): MemoryMedium {
  const m = new MemoryMedium(size);
  const s = AtomicStore.open(m, T);
  for (const tx of setup) s.update(tx);
  return m;
}

/** Update kinds exercised at every power-loss point. */
const secret = fill(32, 0x5a);
const KINDS: { name: string; setup: Change[][]; tx: Change[] }[] = [
  { name: 'first image on a blank medium', setup: [], tx: [['EF4F03#1', fill(57, 0x11)], ['cardState', fill(40, 0x22)]] },
  { name: 'overwrite one file (same size)', setup: [[['EF4F03#1', fill(57, 0x11)], ['EF4F05', fill(110, 0x33)]]], tx: [['EF4F03#1', fill(57, 0x44)]] },
  { name: 'add a file', setup: [[['a', fill(10, 1)]]], tx: [['b', fill(200, 2)]] },
  { name: 'delete a file', setup: [[['a', fill(10, 1)], ['b', fill(200, 2)]]], tx: [['b', null]] },
  { name: 'multi-file transaction (context + keys)', setup: [[['EF4F03#1', fill(57, 0xff)], ['EF4F05', secret]]], tx: [['EF4F03#1', fill(57, 0x07)], ['EF4F05', fill(32, 0xff)]] },
  { name: 'grow a file across several pages', setup: [[['cardState', fill(30, 9)]]], tx: [['cardState', fill(700, 8)]] },
  { name: 'shrink a file', setup: [[['cardState', fill(700, 8)]]], tx: [['cardState', fill(3, 7)]] },
  { name: 'third generation (banks alternate)', setup: [[['x', fill(5, 1)]], [['x', fill(5, 2)]]], tx: [['x', fill(5, 3)]] },
];

/** Number of write steps `tx` takes on `m` (counted on a copy). */
function stepsOf(m: MemoryMedium, tx: Change[]): number {
  const counter = new PowerCutMedium(clone(m));
  AtomicStore.open(counter, T).update(tx);
  return counter.steps;
}

describe('AtomicStore: power loss after every write step of every update kind', () => {
  for (const kind of KINDS) {
    it(kind.name, () => {
      const base = prepared(kind.setup);
      const oldImg = image(AtomicStore.open(clone(base), T));
      const newImg = apply(oldImg, kind.tx);
      const n = stepsOf(base, kind.tx);
      const payloadPages = Math.ceil(encodePayload(new Map(Object.entries(newImg).map(([k, v]) => [k, bytes(v)]))).length / 64);
      const commitStep = payloadPages; // payload pages 0..P-1, then the header
      expect(n).toBeGreaterThan(commitStep);
      for (let cut = 0; cut <= n; cut++) {
        for (const torn of [0, 1, 17, 55]) {
          const m = clone(base);
          const pm = new PowerCutMedium(m, cut, torn);
          const s = AtomicStore.open(pm, T);
          if (cut < n) expect(() => s.update(kind.tx)).toThrow(PowerLossError);
          else s.update(kind.tx);
          // Next power-on: a fresh store on the same bytes.
          const after = image(AtomicStore.open(m, T));
          const expected = cut > commitStep ? newImg : oldImg; // a torn header (cut = commitStep) never commits
          expect(after, `cut ${cut} torn ${torn}`).toEqual(expected);
          // A second power-on (after recovery wrote) sees the same image.
          expect(image(AtomicStore.open(m, T))).toEqual(expected);
        }
      }
    });
  }

  it('power loss during the recovery that power-on performs is itself recoverable', () => {
    const base = prepared([[['k', fill(300, 1)]]]);
    const m0 = clone(base);
    expect(() => AtomicStore.open(new PowerCutMedium(m0, 2), T).update([['k', fill(300, 2)]])).toThrow(PowerLossError);
    // m0 now holds a torn bank; cut the power at each step of the recovery erase.
    for (let cut = 0; cut < 10; cut++) {
      const m = clone(m0);
      try { AtomicStore.open(new PowerCutMedium(m, cut), T); } catch (e) { expect(e).toBeInstanceOf(PowerLossError); }
      expect(image(AtomicStore.open(m, T))).toEqual({ k: hex(fill(300, 1)) });
    }
  });

  it('a store is dead after a power loss (the device is off)', () => {
    const s = AtomicStore.open(new PowerCutMedium(new MemoryMedium(4096), 0), T);
    expect(() => s.update([['a', fill(1, 1)]])).toThrow(PowerLossError);
    expect(() => s.read('a')).toThrow(PowerLossError);
  });

  it('random transaction sequences with a random power cut equal the image after the committed prefix (fast-check)', () => {
    const name = fc.constantFrom('EF4F01', 'EF4F03#1', 'EF4F05', 'cardState', 'x');
    const change = fc.tuple(name, fc.option(fc.uint8Array({ maxLength: 300 }), { nil: null, freq: 4 }));
    const txs = fc.array(fc.array(change, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 });
    fc.assert(fc.property(txs, fc.nat(200), fc.nat(64), (list, cut, torn) => {
      const m = new MemoryMedium(4096);
      const pm = new PowerCutMedium(m, cut, torn);
      const images: Image[] = [{}];
      let committed = 0;
      try {
        const s = AtomicStore.open(pm, T);
        for (const tx of list) {
          images.push(apply(images[images.length - 1], tx as Change[]));
          s.update(tx as Change[]);
          committed++;
        }
      } catch (e) { expect(e).toBeInstanceOf(PowerLossError); }
      const after = image(AtomicStore.open(m, T));
      // Either everything up to `committed` or, when the cut fell after the commit step of the
      // interrupted update (during the old bank's erase), one more.
      expect([images[committed], images[committed + 1]]).toContainEqual(after);
    }), { numRuns: 300 });
  });
});

describe('AtomicStore: layout, recovery and hygiene', () => {
  it('a blank medium is an empty image; the first commit is generation 1 in bank 0', () => {
    const m = new MemoryMedium(4096);
    const s = AtomicStore.open(m, T);
    expect(s.isBlank).toBe(true);
    expect(s.names()).toEqual([]);
    s.update([['a', bytes('0102')]]);
    // Header by hand: 'UEKS' 01 000000 'TEST' seq=1 (8 bytes BE) length (4 bytes BE) then SHA-256.
    const payload = bytes('0001' + '01' + '61' + '00000002' + '0102');
    const h = hex(m.bytes.subarray(0, 24));
    expect(h).toBe('55454b53' + '01000000' + '54455354' + '0000000000000001' + hex(new Uint8Array([0, 0, 0, payload.length])));
    expect(hex(m.bytes.subarray(HEADER_LEN, HEADER_LEN + payload.length))).toBe(hex(payload));
    expect(m.bytes.subarray(2048).every((x) => x === 0xff)).toBe(true); // bank 1 untouched
    const again = AtomicStore.open(m, T);
    expect(again.sequence).toBe(1n);
    expect(again.read('a')).toEqual(bytes('0102'));
  });

  it('no stale copy of a replaced secret stays anywhere on the medium', () => {
    const m = prepared([[['EF4F05', secret]]]);
    const s = AtomicStore.open(m, T);
    s.update([['EF4F05', fill(32, 0xff)]]);
    expect(Buffer.from(m.bytes).includes(Buffer.from(secret))).toBe(false);
  });

  it('after an interrupted erase, power-on finishes it: the secret is gone and the other bank is blank', () => {
    const base = prepared([[['EF4F05', secret]]]);
    const n = stepsOf(base, [['EF4F05', fill(32, 0xff)]]);
    const m = clone(base);
    expect(() => AtomicStore.open(new PowerCutMedium(m, n - 1), T).update([['EF4F05', fill(32, 0xff)]])).toThrow(PowerLossError);
    expect(Buffer.from(m.bytes).includes(Buffer.from(secret))).toBe(true); // erase was cut
    const s = AtomicStore.open(m, T);
    expect(s.read('EF4F05')).toEqual(fill(32, 0xff));
    expect(Buffer.from(m.bytes).includes(Buffer.from(secret))).toBe(false);
  });

  it('a bit flip in the committed bank falls back to nothing rather than a corrupt image', () => {
    const m = prepared([[['a', fill(100, 1)]]]);
    m.bytes[HEADER_LEN + 50] ^= 1;
    expect(AtomicStore.open(m, T).isBlank).toBe(true);
  });

  it('refuses an image of another type, an oversized image and bad names', () => {
    const m = prepared([[['a', fill(1, 1)]]]);
    expect(() => AtomicStore.open(m, { type: 'USIM' })).toThrow(InputError);
    expect(() => AtomicStore.open(m, { type: 'TOOLONG' })).toThrow(InputError);
    const s = AtomicStore.open(m, T);
    expect(() => s.update([['big', fill(5000, 1)]])).toThrow(/bank holds/);
    expect(() => s.update([['', fill(1, 1)]])).toThrow(InputError);
    expect(s.read('a')).toEqual(fill(1, 1)); // unchanged
    expect(() => new MemoryMedium(100)).toThrow(InputError);
  });

  it('payload codec round trips (fast-check)', () => {
    const files = fc.dictionary(fc.stringMatching(/^[A-Za-z0-9#/]{1,12}$/), fc.uint8Array({ maxLength: 100 }));
    fc.assert(fc.property(files, (d) => {
      const map = new Map(Object.entries(d));
      expect(decodePayload(encodePayload(map))).toEqual(map);
    }));
  });
});

describe('FileMedium: a new process is a power cycle', () => {
  const withDir = (f: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'ue-keys-store-'));
    try { f(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
  };

  it('persists across fresh medium and store objects', () => withDir((dir) => {
    const path = join(dir, 'usim.img');
    AtomicStore.open(new FileMedium(path, 4096), T).update([['EF4F03#1', fill(57, 0x42)]]);
    expect(statSync(path).size).toBe(4096);
    const s2 = AtomicStore.open(new FileMedium(path), T); // size comes from the file
    expect(s2.read('EF4F03#1')).toEqual(fill(57, 0x42));
    s2.update([['EF4F03#1', fill(57, 0x43)]]);
    expect(AtomicStore.open(new FileMedium(path), T).read('EF4F03#1')).toEqual(fill(57, 0x43));
  }));

  it('recovers the old or new image after a power loss at every write step on disk', () => withDir((dir) => {
    const path = join(dir, 'me.img');
    AtomicStore.open(new FileMedium(path, 4096), T).update([['a', fill(150, 1)]]);
    const tx: Change[] = [['a', fill(150, 2)], ['b', fill(10, 3)]];
    const counter = new PowerCutMedium(new MemoryMedium(4096));
    { const m = counter.inner as MemoryMedium; m.bytes.set(new FileMedium(path).read(0, 4096)); }
    AtomicStore.open(counter, T).update(tx);
    const n = counter.steps;
    const original = new FileMedium(path).read(0, 4096);
    for (let cut = 0; cut <= n; cut++) {
      new FileMedium(path).write(0, original); // reset the file to the old image
      const s = AtomicStore.open(new PowerCutMedium(new FileMedium(path), cut, 9), T);
      try { s.update(tx); } catch (e) { expect(e).toBeInstanceOf(PowerLossError); }
      const after = image(AtomicStore.open(new FileMedium(path), T));
      expect([{ a: hex(fill(150, 1)) }, { a: hex(fill(150, 2)), b: hex(fill(10, 3)) }]).toContainEqual(after);
    }
  }));
});
