// host/storage/atomic-store.ts by its documented contract, for what the power-cut properties of
// storage-atomic.test.ts do not observe (issue 16: Stryker survivors). Every expected value comes
// from the layout and the rules in the module's header comment, written out here by hand:
// - the write steps of an update, in the documented order ("payload pages, 'FF' over what is left
//   of the generation before the previous one, then the header with both marks 'FF', then its
//   commit mark, then the superseded mark of the previous generation's bank"; retirePrevious: "that
//   one erases the previous bank right after its commit"), `pageSize` bytes per payload step;
// - what `inspect` says of each bank (BankReport.state/detail) and its one-sentence verdict
//   (`usim check` prints it); the refusals of `open` naming the medium;
// - the boundary validation of options, file names and contents (InputError naming the field);
// - copies in and out (a caller's array never aliases the image).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../host/errors.js';
import {
  AtomicStore, HEADER_LEN, MemoryMedium, decodePayload, encodePayload, type Medium,
} from '../../host/storage/atomic-store.js';
import { CorruptImageError, NotAnImageError } from '../../host/storage/errors.js';

const T = { type: 'TEST' };
const SIZE = 4096, BANK = 2048, CAPACITY = BANK - HEADER_LEN; // two banks of medium.size / 2
const fill = (n: number, v: number) => new Uint8Array(n).fill(v);
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

/** A medium that records every write step as [offset, length]. */
class RecordingMedium implements Medium {
  log: [number, number][] = [];
  constructor(readonly inner: MemoryMedium) {}
  get size() { return this.inner.size; }
  read(o: number, l: number) { return this.inner.read(o, l); }
  write(o: number, d: Uint8Array) { this.log.push([o, d.length]); this.inner.write(o, d); }
}

/** Steps of `pageSize` bytes covering [from, to) of a bank's payload area at `base`. */
function pages(base: number, from: number, to: number, page: number): [number, number][] {
  const out: [number, number][] = [];
  for (let off = from; off < to; off += page) out.push([base + HEADER_LEN + off, Math.min(page, to - off)]);
  return out;
}

/** A payload as the layout defines it: u16 count, then per file u8 name length, name, u32 length, data. */
const payloadOf = (files: [string, Uint8Array][]) =>
  Uint8Array.from([files.length >> 8, files.length & 0xff, ...files.flatMap(([n, d]) => [n.length, ...ascii(n), ...u32(d.length), ...d])]);

/** A bank written by hand from the layout: header (SHA-256 over bytes 0..4 ‖ 7..23 ‖ payload), payload. */
function bankBytes(o: { seq: number; payload: Uint8Array; type?: string; commit?: number; superseded?: number; version?: number }): Uint8Array {
  const h = new Uint8Array(HEADER_LEN);
  h.set([0x55, 0x45, 0x4b, 0x53, o.version ?? 2, o.commit ?? 0x00, o.superseded ?? 0xff, 0x00]);
  h.set(ascii(o.type ?? 'TEST'), 8);
  h.set([0, 0, 0, 0, ...u32(o.seq)], 12);
  h.set(u32(o.payload.length), 20);
  h.set(createHash('sha256').update(h.subarray(0, 5)).update(h.subarray(7, 24)).update(o.payload).digest(), 24);
  const b = new Uint8Array(BANK).fill(0xff);
  b.set(h); b.set(o.payload, HEADER_LEN);
  return b;
}

/** A medium whose banks hold the given bytes (undefined: erased). */
function mediumOf(bank0?: Uint8Array, bank1?: Uint8Array): MemoryMedium {
  const m = new MemoryMedium(SIZE);
  if (bank0) m.bytes.set(bank0, 0);
  if (bank1) m.bytes.set(bank1, BANK);
  return m;
}
const gen = (seq: number, v: number, extra: object = {}) => bankBytes({ seq, payload: payloadOf([['x', fill(20, v)]]), ...extra });

function refusal(f: () => unknown): Error {
  try { f(); } catch (e) { return e as Error; }
  throw new Error('expected a refusal');
}

describe('update write steps follow the documented order; payload steps are pageSize bytes (AtomicStore layout)', () => {
  it('payload pages, FF over the stale tail, header, commit mark, superseded mark; retirePrevious then erases the old payload and header', () => {
    const mem = new MemoryMedium(SIZE);
    const rec = new RecordingMedium(mem);
    const P = 16;
    const s = AtomicStore.open(rec, { ...T, pageSize: P });
    const step = (file: Uint8Array, retirePrevious: boolean) => {
      rec.log = [];
      s.update([['a', file]], { retirePrevious });
      return rec.log;
    };
    const header = (b: number): [number, number][] => [[b * BANK, HEADER_LEN], [b * BANK + 5, 1]];
    const superseded = (b: number): [number, number] => [b * BANK + 6, 1];
    const erase = (b: number, used: number): [number, number][] => [...pages(b * BANK, 0, used, P), [b * BANK, HEADER_LEN]];
    // payload of one file 'a' with n data bytes: 2 + 1 + 1 + 4 + n = 8 + n bytes
    // g1 → bank 0 (blank): 48 payload bytes, three whole pages, nothing stale.
    expect(step(fill(40, 0x11), false)).toEqual([...pages(0, 0, 48, P), ...header(0)]);
    // g2 → bank 1; then bank 0 is marked superseded.
    expect(step(fill(40, 0x22), false)).toEqual([...pages(BANK, 0, 48, P), ...header(1), superseded(0)]);
    // g3 → bank 0 over g1's 48 bytes: 16 payload bytes, then FF over 16..48 (two whole pages).
    expect(step(fill(8, 0x33), false)).toEqual([...pages(0, 0, 16, P), ...pages(0, 16, 48, P), ...header(0), superseded(1)]);
    expect(mem.bytes.subarray(HEADER_LEN + 16, HEADER_LEN + 48).every((x) => x === 0xff)).toBe(true);
    // g4 → bank 1 over g2's 48 bytes: 10 payload bytes, FF over 10..48 (16, 16, 6).
    expect(step(fill(2, 0x44), false)).toEqual([...pages(BANK, 0, 10, P), ...pages(BANK, 10, 48, P), ...header(1), superseded(0)]);
    expect(mem.bytes.subarray(BANK + HEADER_LEN + 10, BANK + HEADER_LEN + 48).every((x) => x === 0xff)).toBe(true);
    // g5 → bank 0 (g3 left 16 bytes), retiring g4: bank 1's 10 payload bytes, then its header.
    expect(step(fill(24, 0x55), true)).toEqual([...pages(0, 0, 32, P), ...header(0), superseded(1), ...erase(1, 10)]);
    // g6 → bank 1 (erased), retiring g5: bank 0's 32 payload bytes (two whole pages), then its header.
    expect(step(fill(2, 0x66), true)).toEqual([...pages(BANK, 0, 10, P), ...header(1), superseded(0), ...erase(0, 32)]);
    // g7 → bank 0 (erased): 26 bytes (16, 10).
    expect(step(fill(18, 0x77), false)).toEqual([...pages(0, 0, 26, P), ...header(0), superseded(1)]);
    // g8 → bank 1 (g6 left 10 bytes), retiring g7: bank 0's 26 payload bytes (16, 10), then its header.
    expect(step(fill(2, 0x88), true)).toEqual([...pages(BANK, 0, 10, P), ...header(1), superseded(0), ...erase(0, 26)]);
    expect(mem.bytes.subarray(0, BANK).every((x) => x === 0xff)).toBe(true);
    expect(AtomicStore.open(mem, T).read('a')).toEqual(fill(2, 0x88));
  });

  it('a payload of exactly the capacity (bank size − 56) fits and reads back; one more byte is refused naming the image', () => {
    const m = new MemoryMedium(SIZE);
    const s = AtomicStore.open(m, T);
    expect(s.capacity).toBe(CAPACITY);
    const err = refusal(() => s.update([['a', fill(CAPACITY - 8 + 1, 1)]]));
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toBe('image');
    s.update([['a', fill(CAPACITY - 8, 1)]]);
    expect(AtomicStore.open(m, T).read('a')).toEqual(fill(CAPACITY - 8, 1));
  });
});

describe('inspect: what each bank holds (BankReport) and the verdict sentence', () => {
  it('a blank medium: status blank, the sentence names the kind (or the type when no kind is given)', () => {
    expect(AtomicStore.inspect(new MemoryMedium(SIZE), T)).toEqual({
      status: 'blank', current: null, generation: null,
      banks: [{ bank: 0, state: 'erased' }, { bank: 1, state: 'erased' }], message: 'blank (no TEST image was ever committed)',
    });
    expect(AtomicStore.inspect(new MemoryMedium(SIZE), { ...T, kind: 'ME NVM' }).message).toBe('blank (no ME NVM image was ever committed)');
  });

  it('ok: the current generation and bank, and what the other bank is (superseded, erased, damaged, foreign, uncommitted, another type)', () => {
    const ok = (m: MemoryMedium, opts = T) => { const r = AtomicStore.inspect(m, opts); expect(r.status).toBe('ok'); return r; };
    expect(ok(mediumOf(gen(1, 1, { superseded: 0 }), gen(2, 2)), { ...T, kind: 'ME NVM' }).message)
      .toBe('ME NVM image, generation 2 in bank 1; bank 0 is intact (generation 1), superseded');
    expect(ok(mediumOf(gen(1, 1))).message).toBe('TEST image, generation 1 in bank 0; bank 1 is erased');
    // cut after generation 2's commit step, before the superseded mark of generation 1's bank
    expect(ok(mediumOf(gen(1, 1), gen(2, 2))).message).toBe('TEST image, generation 2 in bank 1; bank 0 is intact (generation 1)');
    const damaged = gen(1, 1); damaged[HEADER_LEN + 9] ^= 1;
    expect(ok(mediumOf(damaged, gen(2, 2))).message).toBe('TEST image, generation 2 in bank 1; bank 0 is damaged (generation 1): SHA-256 mismatch');
    expect(ok(mediumOf(gen(5, 5), fill(BANK, 0x41))).message).toBe("TEST image, generation 5 in bank 0; bank 1 is not a 'UEKS' bank");
    // an update of generation 3 cut before its commit step: header written, commit mark still 'FF'
    const r = ok(mediumOf(gen(3, 3, { commit: 0xff }), gen(2, 2)));
    expect(r.banks[0]).toEqual({ bank: 0, state: 'uncommitted', generation: 3n, version: 2 });
    expect(r.message).toBe('TEST image, generation 2 in bank 1; bank 0 is an update cut before its commit (generation 3)');
    const o = ok(mediumOf(gen(4, 4), gen(9, 9, { type: 'USIM' })));
    expect([o.current, o.generation]).toEqual([0, 4n]);
    expect(o.banks[1]).toMatchObject({ state: 'other-type', detail: 'USIM' });
    expect(o.message).toBe("TEST image, generation 4 in bank 0; bank 1 is an image of type 'USIM'");
  });

  it('another type only: status other-type; open refuses it with InputError "image type" (the value only summarised)', () => {
    const m = mediumOf(undefined, gen(2, 2, { type: 'USIM' }));
    const r = AtomicStore.inspect(m, T);
    expect([r.status, r.message]).toEqual(['other-type', "expected a 'TEST' image, the medium holds 'USIM'"]);
    const err = refusal(() => AtomicStore.open(m, T));
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toBe('image type');
    expect((err as InputError).value).toBe('string(4)');
  });

  it('corrupt: a damaged newest generation (never replaced by the older one), a newest marked superseded, no bank passing', () => {
    const newest = gen(3, 3); newest[HEADER_LEN + 4] ^= 0x80;
    const m1 = mediumOf(newest, gen(2, 2, { superseded: 0 }));
    const why = 'an older SQN state would accept an AUTN again';
    expect(AtomicStore.inspect(m1, T).message).toBe(
      `the newest generation (3, bank 0) is damaged (generation 3): SHA-256 mismatch; bank 1 holds generation 2, which is not used (${why})`);
    expect(refusal(() => AtomicStore.open(m1, { ...T, label: 'me.img' })).message).toBe(
      `image corrupt: me.img: the newest generation (3, bank 0) is damaged (generation 3): SHA-256 mismatch; bank 1 holds generation 2, which is not used (${why})`);
    expect(refusal(() => AtomicStore.open(m1, T)).message).toMatch(/^image corrupt: the newest generation \(3, bank 0\)/);
    // generation 3 was erased after its commit: bank 1 still says a newer one replaced it
    const m2 = mediumOf(undefined, gen(2, 2, { superseded: 0 }));
    expect(AtomicStore.inspect(m2, T)).toMatchObject({ status: 'corrupt', current: null, generation: null });
    expect(AtomicStore.inspect(m2, T).message).toBe(
      `bank 1 holds generation 2, marked as replaced by a newer one, and bank 0 is erased; the older generation is not used (${why})`);
    expect(() => AtomicStore.open(m2, T)).toThrow(CorruptImageError);
    const lone = gen(1, 1); lone[HEADER_LEN + 2] ^= 1;
    expect(AtomicStore.inspect(mediumOf(lone), T).message).toBe('no bank passes its check (bank 0 is damaged (generation 1): SHA-256 mismatch, bank 1 is erased)');
  });

  it('not an image: a bank without the UEKS header and the other erased (only all FF is blank); open names the medium', () => {
    const m = mediumOf(fill(BANK, 0x41));
    expect(AtomicStore.inspect(m, T)).toMatchObject({ status: 'not-an-image', message: "no 'UEKS' bank header" });
    expect(AtomicStore.inspect(m, T).banks).toEqual([{ bank: 0, state: 'foreign' }, { bank: 1, state: 'erased' }]);
    const err = refusal(() => AtomicStore.open(m, T));
    expect(err).toBeInstanceOf(NotAnImageError);
    expect(err.message).toBe("the medium is not a TEST image (no 'UEKS' bank header)");
  });

  it('damaged banks name why: unknown format version, a mark neither FF nor 00, a length beyond the bank, a payload that does not parse', () => {
    const detail = (bank: Uint8Array) => AtomicStore.inspect(mediumOf(gen(1, 1), bank), T).banks[1];
    const v3 = gen(2, 2); v3[4] = 3;
    expect(detail(v3)).toEqual({ bank: 1, state: 'damaged', generation: 2n, version: 3, detail: 'unknown format version 3' });
    expect(detail(gen(2, 2, { commit: 0x5a }))).toMatchObject({ state: 'damaged', detail: 'commit mark is neither FF nor 00' });
    expect(detail(gen(2, 2, { superseded: 0x5a }))).toMatchObject({ state: 'damaged', detail: 'superseded mark is neither FF nor 00' });
    const long = gen(2, 2); long.set(u32(CAPACITY + 1), 20);
    expect(detail(long)).toMatchObject({ state: 'damaged', detail: `payload length ${CAPACITY + 1} exceeds the bank` });
    // a correct digest over a payload whose one file claims more data than follows
    const bad = bankBytes({ seq: 2, payload: Uint8Array.of(0, 1, 1, 0x78, 0, 0, 0, 9, 1, 2) });
    expect(detail(bad)).toMatchObject({ state: 'damaged', generation: 2n, detail: 'payload does not parse' });
    expect(AtomicStore.inspect(mediumOf(bad, gen(1, 1)), T).status).toBe('corrupt');
  });

  it('a header write cut within its first five bytes (magic, version) is an uncommitted update claiming no generation', () => {
    for (let t = 1; t <= 5; t++) {
      const torn = fill(BANK, 0xff); torn.set(gen(2, 2).subarray(0, t));
      const r = AtomicStore.inspect(mediumOf(gen(1, 1), torn), T);
      expect(r.banks[1], `${t} bytes`).toEqual({ bank: 1, state: 'uncommitted' });
      expect([r.status, r.generation]).toEqual(['ok', 1n]);
      expect(r.message).toBe('TEST image, generation 1 in bank 0; bank 1 is an update cut before its commit');
    }
  });
});

describe('boundary validation: InputError naming the field, nothing written', () => {
  it('the image type must be exactly 4 printable ASCII characters (also on a blank medium)', () => {
    for (const type of ['TOOLONG', 'TESTX', 'XTEST', 'TES', 'TE\u0001T', 7, undefined]) {
      const m = new MemoryMedium(SIZE);
      const err = refusal(() => AtomicStore.open(m, { type } as never));
      expect(err, String(type)).toBeInstanceOf(InputError);
      expect((err as InputError).field).toBe('type');
      expect(err.message).toContain('must be 4 printable ASCII characters');
      expect(m.bytes.every((x) => x === 0xff)).toBe(true);
    }
    const none = refusal(() => AtomicStore.open(new MemoryMedium(SIZE), undefined as never));
    expect((none as InputError).field).toBe('type');
  });

  it('pageSize must be a positive integer; 1 is accepted', () => {
    for (const pageSize of [0, -1, 1.5]) {
      const err = refusal(() => AtomicStore.open(new MemoryMedium(SIZE), { ...T, pageSize }));
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).field).toBe('pageSize');
      expect(err.message).toContain('must be a positive integer');
    }
    const m = new MemoryMedium(SIZE);
    AtomicStore.open(m, { ...T, pageSize: 1 }).update([['a', fill(3, 7)]]);
    expect(AtomicStore.open(m, T).read('a')).toEqual(fill(3, 7));
  });

  it('file names are 1..255 printable ASCII characters; contents a Uint8Array or null', () => {
    const m = new MemoryMedium(SIZE);
    const s = AtomicStore.open(m, T);
    for (const name of ['\u0001ab', 'ab\u0001', 'a'.repeat(256), '', 5]) {
      const err = refusal(() => s.update([[name as never, fill(1, 1)]]));
      expect(err, JSON.stringify(name)).toBeInstanceOf(InputError);
      expect((err as InputError).field).toBe('file name');
      expect(err.message).toContain('must be 1..255 printable ASCII characters');
    }
    const err = refusal(() => s.update([['ab', 'xyz' as never]]));
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toBe('file ab');
    expect(err.message).toContain('must be a Uint8Array or null');
    expect(m.bytes.every((x) => x === 0xff)).toBe(true);
    s.update([['a'.repeat(255), fill(1, 1)]]);
    expect(AtomicStore.open(m, T).names()).toEqual(['a'.repeat(255)]);
  });
});

describe('the image in memory: copies in and out, names sorted, isBlank', () => {
  it('read gives a copy or undefined; snapshot copies; update copies what it is given', () => {
    const m = new MemoryMedium(SIZE);
    const s = AtomicStore.open(m, T);
    expect(s.isBlank).toBe(true);
    const given = fill(4, 1);
    s.update([['z', given], ['a', fill(2, 2)]]);
    expect(s.isBlank).toBe(false);
    expect(AtomicStore.open(m, T).isBlank).toBe(false);
    given[0] = 9;
    expect(s.read('z')).toEqual(fill(4, 1));
    s.read('z')![0] = 9;
    expect(s.read('z')).toEqual(fill(4, 1));
    s.snapshot().get('z')![0] = 9;
    expect(s.read('z')).toEqual(fill(4, 1));
    expect(s.read('missing')).toBeUndefined();
    expect(s.names()).toEqual(['a', 'z']);
    expect([...s.snapshot().keys()].sort()).toEqual(['a', 'z']);
  });

  it('encodePayload writes the files sorted by name; decodePayload refuses trailing bytes', () => {
    const p = encodePayload(new Map([['b', Uint8Array.of(2)], ['a', Uint8Array.of(1)]]));
    expect([...p]).toEqual([0, 2, 1, 0x61, 0, 0, 0, 1, 1, 1, 0x62, 0, 0, 0, 1, 2]);
    expect(decodePayload(p)).toEqual(new Map([['a', Uint8Array.of(1)], ['b', Uint8Array.of(2)]]));
    expect(decodePayload(Uint8Array.of(...p, 0))).toBeNull();
    expect(decodePayload(Uint8Array.of(0, 0))).toEqual(new Map());
  });
});
