// The two-bank image store (host/storage/atomic-store.ts): anti-tearing (a power loss after every
// single write step, and in the middle of it, leaves the complete old or the complete new image),
// and the refusals of issue 17: opening never writes; a medium without the image magic is "not an
// image"; a newest generation that fails its check is "image corrupt" and is never replaced by the
// older generation (an older SQN state would re-accept an AUTN, TS 33.102 6.3.3); the previous
// complete generation stays on the medium as the second bank.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../host/errors.js';
import {
  AtomicStore, FileMedium, HEADER_LEN, MemoryMedium, PowerCutMedium, PowerLossError, decodePayload, encodePayload,
  type Medium,
} from '../../host/storage/atomic-store.js';
import { CorruptImageError, ImageChangedError, ImageFileError, NotAnImageError } from '../../host/storage/errors.js';

const T = { type: 'TEST' };
type Image = Record<string, string>; // name → hex
type Change = [string, Uint8Array | null];

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const fill = (n: number, v: number) => new Uint8Array(n).fill(v);
const image = (s: AtomicStore): Image => Object.fromEntries([...s.snapshot()].map(([k, v]) => [k, hex(v)]));
const clone = (m: MemoryMedium) => MemoryMedium.of(m.bytes);
const fingerprintOf = (p: string) => readFileSync(p).toString('hex');
function apply(img: Image, changes: Change[]): Image {
  const out = { ...img };
  for (const [k, v] of changes) { if (v === null) delete out[k]; else out[k] = hex(v); }
  return out;
}
/** A medium holding the image produced by `setup` transactions (no power loss). */
function prepared(setup: Change[][], size = 4096, retirePrevious = false): MemoryMedium {
  const m = new MemoryMedium(size);
  const s = AtomicStore.open(m, T);
  for (const tx of setup) s.update(tx, { retirePrevious });
  return m;
}
/** A medium that counts write steps and otherwise passes through. */
class CountingMedium implements Medium {
  writes = 0;
  constructor(readonly inner: Medium) {}
  get size() { return this.inner.size; }
  read(o: number, l: number) { return this.inner.read(o, l); }
  write(o: number, d: Uint8Array) { this.writes++; this.inner.write(o, d); }
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
  { name: 'third generation (banks alternate, the oldest is overwritten)', setup: [[['x', fill(900, 1)]], [['x', fill(5, 2)]]], tx: [['x', fill(5, 3)]] },
];

describe('AtomicStore: power loss after every write step of every update kind', () => {
  for (const kind of KINDS) {
    for (const retirePrevious of [false, true]) {
      it(`${kind.name}${retirePrevious ? ' (retiring the previous generation)' : ''}`, () => {
        const base = prepared(kind.setup);
        const oldImg = image(AtomicStore.open(clone(base), T));
        const newImg = apply(oldImg, kind.tx);
        const counter = new PowerCutMedium(clone(base));
        AtomicStore.open(counter, T).update(kind.tx, { retirePrevious });
        const n = counter.steps;
        for (const torn of [0, 1, 3, 5, 17, 55]) {
          let seenNew = false;
          for (let cut = 0; cut <= n; cut++) {
            const m = clone(base);
            const s = AtomicStore.open(new PowerCutMedium(m, cut, torn), T);
            if (cut < n) expect(() => s.update(kind.tx, { retirePrevious })).toThrow(PowerLossError);
            else s.update(kind.tx, { retirePrevious });
            // Next power-on: a fresh store on the same bytes never refuses a cut update.
            const after = image(AtomicStore.open(m, T));
            expect([oldImg, newImg], `cut ${cut} torn ${torn}`).toContainEqual(after);
            // Once an update is committed, every later cut point also shows it (one commit step).
            if (seenNew) expect(after, `cut ${cut} torn ${torn}`).toEqual(newImg);
            seenNew ||= JSON.stringify(after) === JSON.stringify(newImg) && JSON.stringify(newImg) !== JSON.stringify(oldImg);
            if (cut === 0) expect(after).toEqual(oldImg);
            if (cut === n) expect(after).toEqual(newImg);
          }
        }
      });
    }
  }

  it('a store is dead after a power loss (the device is off)', () => {
    const s = AtomicStore.open(new PowerCutMedium(new MemoryMedium(4096), 0), T);
    expect(() => s.update([['a', fill(1, 1)]])).toThrow(PowerLossError);
    expect(() => s.read('a')).toThrow(PowerLossError);
  });

  it('random transaction sequences with a random power cut equal the image after the committed prefix (fast-check)', () => {
    const name = fc.constantFrom('EF4F01', 'EF4F03#1', 'EF4F05', 'cardState', 'x');
    const change = fc.tuple(name, fc.option(fc.uint8Array({ maxLength: 300 }), { nil: null, freq: 4 }));
    const txs = fc.array(fc.tuple(fc.array(change, { minLength: 1, maxLength: 4 }), fc.boolean()), { minLength: 1, maxLength: 6 });
    fc.assert(fc.property(txs, fc.nat(200), fc.nat(64), (list, cut, torn) => {
      const m = new MemoryMedium(4096);
      const pm = new PowerCutMedium(m, cut, torn);
      const images: Image[] = [{}];
      let committed = 0;
      try {
        const s = AtomicStore.open(pm, T);
        for (const [tx, retirePrevious] of list) {
          images.push(apply(images[images.length - 1], tx as Change[]));
          s.update(tx as Change[], { retirePrevious });
          committed++;
        }
      } catch (e) { expect(e).toBeInstanceOf(PowerLossError); }
      const after = image(AtomicStore.open(m, T));
      // Everything up to `committed`, or one more when the cut fell after the interrupted update's
      // commit step (while marking or erasing the previous bank).
      expect([images[committed], images[committed + 1]]).toContainEqual(after);
    }), { numRuns: 300 });
  });
});

describe('AtomicStore: layout, generations and hygiene', () => {
  it('the first commit is generation 1 in bank 0, bytes as documented (digest by node:crypto)', () => {
    const m = new MemoryMedium(4096);
    const s = AtomicStore.open(m, T);
    expect(s.isBlank).toBe(true);
    expect(s.names()).toEqual([]);
    s.update([['a', bytes('0102')]]);
    // 'UEKS' 02, commit mark 00, superseded mark FF, 00, 'TEST', seq = 1 (8 bytes BE), length (4 bytes BE)
    const payload = bytes('0001' + '01' + '61' + '00000002' + '0102');
    const h = m.bytes.subarray(0, HEADER_LEN);
    expect(hex(h.subarray(0, 24))).toBe('55454b53' + '02' + '00' + 'ff' + '00' + '54455354' + '0000000000000001' + '0000000a');
    const digest = createHash('sha256').update(h.subarray(0, 5)).update(h.subarray(7, 24)).update(payload).digest();
    expect(hex(h.subarray(24, 56))).toBe(hex(digest));
    expect(hex(m.bytes.subarray(HEADER_LEN, HEADER_LEN + payload.length))).toBe(hex(payload));
    expect(m.bytes.subarray(2048).every((x) => x === 0xff)).toBe(true); // bank 1 untouched
    const again = AtomicStore.open(m, T);
    expect(again.sequence).toBe(1n);
    expect(again.read('a')).toEqual(bytes('0102'));
  });

  it('keeps the previous complete generation as the second bank, marked superseded', () => {
    const m = prepared([[['x', fill(40, 1)]], [['x', fill(40, 2)]], [['x', fill(40, 3)]]]);
    const r = AtomicStore.inspect(m, T);
    expect(r).toMatchObject({ status: 'ok', current: 0, generation: 3n });
    expect(r.banks[0]).toMatchObject({ state: 'intact', generation: 3n, superseded: false });
    expect(r.banks[1]).toMatchObject({ state: 'intact', generation: 2n, superseded: true });
    // The previous generation's content is on the medium, complete; the one before it is not.
    const buf = Buffer.from(m.bytes);
    expect(buf.includes(Buffer.from(fill(40, 2)))).toBe(true);
    expect(buf.includes(Buffer.from(fill(40, 1)))).toBe(false);
  });

  it('a third generation leaves nothing of the first beyond its own payload (stale tail overwritten)', () => {
    const m = prepared([[['big', fill(900, 0x5a)]], [['big', fill(10, 2)]], [['big', fill(10, 3)]]]);
    expect(Buffer.from(m.bytes).includes(Buffer.from(fill(20, 0x5a)))).toBe(false);
  });

  it('retirePrevious: a replaced secret is nowhere on the medium once the update returns', () => {
    const m = prepared([[['EF4F05', secret]]]);
    AtomicStore.open(m, T).update([['EF4F05', fill(32, 0xff)]], { retirePrevious: true });
    expect(Buffer.from(m.bytes).includes(Buffer.from(secret))).toBe(false);
    const r = AtomicStore.inspect(m, T);
    expect(r.banks[0].state).toBe('erased');
    expect(r.banks[1]).toMatchObject({ state: 'intact', generation: 2n });
  });

  it('opening and inspecting never write, whatever the medium holds (every power-cut state, corrupt, foreign)', () => {
    const base = prepared([[['a', fill(300, 1)]], [['a', fill(300, 2)]]]);
    const tx: Change[] = [['a', fill(300, 3)], ['b', fill(9, 4)]];
    const c = new PowerCutMedium(clone(base));
    AtomicStore.open(c, T).update(tx);
    const media: MemoryMedium[] = [new MemoryMedium(4096), MemoryMedium.of(new Uint8Array(4096).fill(0x41))];
    for (let cut = 0; cut <= c.steps; cut++) {
      for (const torn of [0, 2, 30]) {
        const m = clone(base);
        try { AtomicStore.open(new PowerCutMedium(m, cut, torn), T).update(tx); } catch { /* cut */ }
        media.push(m);
      }
    }
    const flipped = clone(base); flipped.bytes[2048 + HEADER_LEN + 3] ^= 1; media.push(flipped);
    for (const m of media) {
      const before = hex(m.bytes);
      const counting = new CountingMedium(m);
      try { AtomicStore.open(counting, T); } catch { /* refused */ }
      AtomicStore.inspect(counting, T);
      expect(counting.writes).toBe(0);
      expect(hex(m.bytes)).toBe(before);
    }
  });

  it('an image written by format version 1 is read, and upgraded (then still refusing corruption) by the next update', () => {
    const payload = encodePayload(new Map([['a', bytes('0102')]]));
    const m = new MemoryMedium(4096);
    const h = new Uint8Array(HEADER_LEN);
    h.set([0x55, 0x45, 0x4b, 0x53, 1, 0, 0, 0, 0x54, 0x45, 0x53, 0x54, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, payload.length]);
    h.set(createHash('sha256').update(h.subarray(0, 24)).update(payload).digest(), 24);
    m.bytes.set(h, 2048); m.bytes.set(payload, 2048 + HEADER_LEN);
    const s = AtomicStore.open(m, T);
    expect(s.sequence).toBe(7n);
    expect(s.read('a')).toEqual(bytes('0102'));
    s.update([['a', bytes('0304')]]);
    expect(AtomicStore.open(m, T).read('a')).toEqual(bytes('0304'));
    m.bytes[HEADER_LEN + 3] ^= 0x10; // bank 0 holds generation 8
    expect(() => AtomicStore.open(m, T)).toThrow(CorruptImageError);
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

describe('AtomicStore: a medium that fails validation is refused and left as it was', () => {
  it('no image magic → NotAnImageError, untouched (a text file, random bytes, zeros)', () => {
    const text = new TextEncoder().encode('shopping list\n'.repeat(300)).subarray(0, 4096);
    for (const content of [text, new Uint8Array(4096), Uint8Array.from({ length: 4096 }, (_, i) => (i * 37) & 0xff)]) {
      const m = MemoryMedium.of(content);
      expect(() => AtomicStore.open(m, { ...T, kind: 'TEST', label: 'notes.txt' })).toThrow(NotAnImageError);
      expect(() => AtomicStore.open(m, { ...T, label: 'notes.txt' })).toThrow(/notes\.txt is not a TEST image/);
      expect(hex(m.bytes)).toBe(hex(content));
    }
    expect(AtomicStore.open(new MemoryMedium(4096), T).isBlank).toBe(true); // all 'FF': blank, not foreign
  });

  it('every single-bit flip in the newest generation (header and payload) is refused as corrupt, never read as the older one', () => {
    const base = prepared([[['sqn', fill(50, 1)]], [['sqn', fill(50, 2)]], [['sqn', fill(50, 3)]]]); // gen 3 in bank 0
    const len = encodePayload(new Map([['sqn', fill(50, 3)]])).length;
    for (let i = 0; i < HEADER_LEN + len; i++) {
      for (const bit of [0x01, 0x80]) {
        const m = clone(base);
        m.bytes[i] ^= bit;
        const before = hex(m.bytes);
        expect(() => AtomicStore.open(m, T), `byte ${i} bit ${bit}`).toThrow(CorruptImageError);
        expect(AtomicStore.inspect(m, T).status).toBe('corrupt');
        expect(hex(m.bytes)).toBe(before);
      }
    }
  });

  it('any damage to the newest generation (random bytes, fast-check) is refused; the older generation is never used', () => {
    const base = prepared([[['sqn', fill(50, 1)]], [['sqn', fill(50, 2)]]]); // gen 2 in bank 1, gen 1 in bank 0
    const len = encodePayload(new Map([['sqn', fill(50, 2)]])).length;
    fc.assert(fc.property(fc.integer({ min: 0, max: HEADER_LEN + len - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
      const m = clone(base);
      m.bytes[2048 + i] ^= x;
      let img: Image | null = null;
      try { img = image(AtomicStore.open(m, T)); } catch (e) { expect(e).toBeInstanceOf(CorruptImageError); }
      expect(img).toBeNull();
    }), { numRuns: 500 });
  });

  it('damage to the previous generation alone: the image is the newest; inspect names the damaged bank', () => {
    const m = prepared([[['x', fill(50, 1)]], [['x', fill(50, 2)]]]);
    m.bytes[HEADER_LEN + 10] ^= 4; // bank 0 = generation 1
    expect(AtomicStore.open(m, T).read('x')).toEqual(fill(50, 2));
    expect(AtomicStore.inspect(m, T).banks[0]).toMatchObject({ state: 'damaged', generation: 1n, detail: 'SHA-256 mismatch' });
  });

  it('a lone first generation with a bad checksum is corrupt, not blank (it used to be read as blank and erased)', () => {
    const m = prepared([[['a', fill(100, 1)]]]);
    m.bytes[HEADER_LEN + 50] ^= 1;
    const before = hex(m.bytes);
    expect(() => AtomicStore.open(m, T)).toThrow(/^image corrupt: no bank passes its check/);
    expect(hex(m.bytes)).toBe(before);
  });
});

describe('FileMedium: a new process is a power cycle', () => {
  const withDir = (f: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'ue-keys-store-'));
    try { f(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
  };

  it('persists across fresh medium and store objects; created with mode 0600', () => withDir((dir) => {
    const path = join(dir, 'usim.img');
    AtomicStore.open(FileMedium.create(path, 4096), T).update([['EF4F03#1', fill(57, 0x42)]]);
    expect(statSync(path).size).toBe(4096);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const s2 = AtomicStore.open(new FileMedium(path), T); // size comes from the file
    expect(s2.read('EF4F03#1')).toEqual(fill(57, 0x42));
    s2.update([['EF4F03#1', fill(57, 0x43)]]);
    expect(AtomicStore.open(new FileMedium(path), T).read('EF4F03#1')).toEqual(fill(57, 0x43));
    expect(() => FileMedium.create(path, 4096)).toThrow(/already exists/);
  }));

  it('an update commits only over the generation it read: a store whose file another process changed writes nothing', () => withDir((dir) => {
    const path = join(dir, 'two.img');
    AtomicStore.open(FileMedium.create(path, 4096), T).update([['sqn', fill(6, 1)]]);
    const a = AtomicStore.open(new FileMedium(path), T);
    const b = AtomicStore.open(new FileMedium(path), T);
    a.update([['sqn', fill(6, 2)]]);
    const after = fingerprintOf(path);
    expect(() => b.update([['sqn', fill(6, 3)]])).toThrow(ImageChangedError);
    expect(fingerprintOf(path)).toBe(after);
    expect(b.read('sqn')).toEqual(fill(6, 1)); // the refused update changed nothing in b either
    expect(() => new FileMedium(path).write(0, fill(1, 0))).toThrow(/outside a locked transaction/);
    expect(AtomicStore.open(new FileMedium(path), T).read('sqn')).toEqual(fill(6, 2));
  }));

  it('never creates a file on open; errno failures name the path', () => withDir((dir) => {
    expect(() => new FileMedium(join(dir, 'missing.img'))).toThrow(ImageFileError);
    expect(() => new FileMedium(join(dir, 'missing.img'))).toThrow(/missing\.img: cannot open it: does not exist \(ENOENT\)/);
    expect(() => new FileMedium(dir)).toThrow(/is a directory \(EISDIR\)/);
    writeFileSync(join(dir, 'odd'), 'abc');
    expect(() => new FileMedium(join(dir, 'odd'))).toThrow(InputError);
    expect(() => FileMedium.create(join(dir, 'nodir', 'x.img'), 4096)).toThrow(/ENOENT/);
  }));

  it('recovers the old or new image after a power loss at every write step on disk', () => withDir((dir) => {
    const path = join(dir, 'me.img');
    AtomicStore.open(FileMedium.create(path, 4096), T).update([['a', fill(150, 1)]]);
    const tx: Change[] = [['a', fill(150, 2)], ['b', fill(10, 3)]];
    const counter = new PowerCutMedium(MemoryMedium.of(new FileMedium(path).read(0, 4096)));
    AtomicStore.open(counter, T).update(tx);
    const n = counter.steps;
    const original = new FileMedium(path).read(0, 4096);
    for (let cut = 0; cut <= n; cut++) {
      const reset = new FileMedium(path);
      reset.withLock(() => reset.write(0, original)); // reset the file to the old image
      const s = AtomicStore.open(new PowerCutMedium(new FileMedium(path), cut, 9), T);
      try { s.update(tx); } catch (e) { expect(e).toBeInstanceOf(PowerLossError); }
      const after = image(AtomicStore.open(new FileMedium(path), T));
      expect([{ a: hex(fill(150, 1)) }, { a: hex(fill(150, 2)), b: hex(fill(10, 3)) }]).toContainEqual(after);
    }
  }));
});
