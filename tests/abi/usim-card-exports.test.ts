// Raw-export contracts of the USIM module's card exports that the host wrapper
// (host/firmware/usim-module.ts) hides — it wipes both mailboxes after every call and splits 64-bit
// values itself — found by the firmware mutation runner (issue 16), where each survived every suite:
// - usim_personalise: "K and OP(c) must not stay in the mailbox" (assembly/usim/abi.ts; the
//   project's rule "secrets never travel"): the export itself zeroes the K and OP/OPc octets of
//   IO_IN, so a host that forgets usim_clear still leaves no key behind (wipes removed: survived).
// - usim_configure_sqn: Δ and the age limit L bound SEQ differences (TS 33.102 C.2.1, C.2.2); the
//   module takes every value below 2^48 (the width of SQN, TS 33.102 6.3.2 — the module's bound, a
//   modelling choice), passed as two 32-bit halves; 2^48 and more are refused (the high half's
//   shift 32 → 33: survived). L = 0 means "no age limit" (the module's documented choice).
import { describe, expect, it } from 'vitest';
import { instantiateSync } from '../../host/firmware/loader.js';

// the status codes of README "Status codes" (the USIM module exports none)
const OK = 0, ERR_VALUE = 3;
const K = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const OP = Uint8Array.from({ length: 16 }, (_, i) => 0x3b ^ (i * 11));
const TOP = Uint8Array.from({ length: 32 }, (_, i) => 0x5d ^ (i * 3));
const K32 = Uint8Array.from({ length: 32 }, (_, i) => 0x17 + i);
const ERR_FORMAT = 9;
/** A card personalised with MILENAGE K and OP (TS 35.206), mailboxes cleared. */
function personalisedCard() {
  const card = instantiateSync('usim');
  card.begin();
  const k = card.put(K), op = card.put(OP);
  expect(card.tryCall('usim_personalise', 0, k, 16, op, 1, 0)).toBe(OK);
  card.clearMailboxes();
  return card;
}
/** The PERSIST image of a freshly personalised card: the input the restore tests alter. */
function savedImage() {
  const p = instantiateSync('usim').constant('PERSIST_PTR');
  const source = personalisedCard();
  return new Uint8Array(source.raw.memory.buffer).slice(p, p + 384);
}

describe('usim_personalise zeroes the K and OP/OPc octets it read from IO_IN ("K and OP(c) must not stay in the mailbox")', () => {
  const cases = [
    { name: 'MILENAGE with OP (OPc computed, TS 35.206 4.1)', algo: 0, k: K, op: OP, isOp: 1, params: 0 },
    { name: 'MILENAGE with OPc', algo: 0, k: K, op: OP, isOp: 0, params: 0 },
    { name: 'TUAK, 256-bit K, with TOP (TOPc computed, TS 35.231 6.1)', algo: 1, k: K32, op: TOP, isOp: 1, params: (1 | (8 << 8) | (8 << 16) | (1 << 24) | (1 << 28)) >>> 0 },
  ];
  for (const c of cases) {
    it(`${c.name}: OK; afterwards IO_IN holds no octet of K or OP, and the octets around them are as they were`, () => {
      const card = instantiateSync('usim');
      card.begin();
      const mem = new Uint8Array(card.raw.memory.buffer);
      mem.fill(0x77, card.inPtr, card.inPtr + 128);
      const kOff = 8, opOff = kOff + c.k.length + 8;
      card.putAt(kOff, c.k); card.putAt(opOff, c.op);
      expect(card.tryCall('usim_personalise', c.algo, kOff, c.k.length, opOff, c.isOp, c.params)).toBe(OK);
      const io = mem.slice(card.inPtr, card.inPtr + 128);
      expect([...io.subarray(kOff, kOff + c.k.length)]).toEqual(new Array(c.k.length).fill(0));
      expect([...io.subarray(opOff, opOff + c.op.length)]).toEqual(new Array(c.op.length).fill(0));
      // only those: the 8 octets before, between and after are untouched
      for (const [a, b] of [[0, kOff], [kOff + c.k.length, opOff], [opOff + c.op.length, opOff + c.op.length + 8]]) {
        expect([...io.subarray(a, b)]).toEqual(new Array(b - a).fill(0x77));
      }
    });
  }
});

describe('usim_configure_sqn: Δ and L up to 2^48 − 1 (the module\'s bound on the TS 33.102 C.2.1/C.2.2 parameters; SQN is 48 bits, 6.3.2), passed as 32-bit halves', () => {
  const IND = 5;
  it('Δ = 2^48 − 1 (high half 0xffff) is accepted, Δ = 2^48 (high half 0x10000) is refused with STATUS_ERR_VALUE', () => {
    const card = personalisedCard();
    expect(card.tryCall('usim_configure_sqn', IND, 0xffffffff | 0, 0xffff, 0, 0)).toBe(OK);
    expect(card.tryCall('usim_configure_sqn', IND, 0, 0x10000, 0, 0)).toBe(ERR_VALUE);
  });
  it('Δ = 2^47 (high half 0x8000 alone) is accepted', () => {
    expect(personalisedCard().tryCall('usim_configure_sqn', IND, 0, 0x8000, 0, 0)).toBe(OK);
  });
  it('L = 2^48 − 1 is accepted, L = 2^48 is refused with STATUS_ERR_VALUE, L = 2^47 is accepted', () => {
    const card = personalisedCard();
    expect(card.tryCall('usim_configure_sqn', IND, 1, 0, 0xffffffff | 0, 0xffff)).toBe(OK);
    expect(card.tryCall('usim_configure_sqn', IND, 1, 0, 0, 0x10000)).toBe(ERR_VALUE);
    expect(card.tryCall('usim_configure_sqn', IND, 1, 0, 0, 0x8000)).toBe(OK);
  });
});

describe('usim_configure_sqn: Δ is at least 1 (the module\'s rule; TS 33.102 C.2.1 sets no minimum, but Δ = 0 would refuse every SEQ above SEQ_MS)', () => {
  it('Δ = 0 → STATUS_ERR_VALUE; Δ = 1 → OK', () => {
    const card = personalisedCard();
    expect(card.tryCall('usim_configure_sqn', 5, 0, 0, 0, 0)).toBe(ERR_VALUE);
    expect(card.tryCall('usim_configure_sqn', 5, 1, 0, 0, 0)).toBe(OK);
  });
});

// usim_restore takes exactly PERSIST_LEN (384) octets: a blank image (all zero: a card never
// personalised) or a FORMAT 1 image of a personalised card (assembly/usim/memory.ts, the PERSIST
// table: octet 0 FORMAT = 1, octet 1 "personalised" = 1). Anything else is STATUS_ERR_FORMAT and the
// card stays blank ("a rejected call changes no state").
describe('usim_restore: the image is the 384 octets at `off`, FORMAT 1 and personalised, or blank', () => {
  it('a blank image followed by a non-zero octet in IO_IN is accepted: the octet after the image is not part of it', () => {
    const card = instantiateSync('usim');
    card.begin();
    const mem = new Uint8Array(card.raw.memory.buffer);
    mem.fill(0, card.inPtr, card.inPtr + 384);
    mem[card.inPtr + 384] = 0xee;
    expect(card.tryCall('usim_restore', 0, 384)).toBe(OK);
  });
  it('an image with FORMAT ≠ 1 or "personalised" ≠ 1 → STATUS_ERR_FORMAT, the card stays blank; the same image unaltered → OK', () => {
    const image = savedImage();
    const card = instantiateSync('usim');
    const persist = () => new Uint8Array(card.raw.memory.buffer).slice(card.constant('PERSIST_PTR'), card.constant('PERSIST_PTR') + 384);
    for (const [at, value] of [[0, 2], [0, 0x81], [1, 0], [1, 2]]) {
      const bad = image.slice(); bad[at] = value;
      card.begin(); card.putAt(0, bad);
      expect(card.tryCall('usim_restore', 0, 384), `octet ${at} = ${value}`).toBe(ERR_FORMAT);
      expect(persist().every((b) => b === 0)).toBe(true);
    }
    card.begin(); card.putAt(0, image);
    expect(card.tryCall('usim_restore', 0, 384)).toBe(OK);
    expect(Buffer.from(persist()).equals(Buffer.from(image))).toBe(true);
  });
});

// The FORMAT 1 checks of a personalised image (assembly/usim/memory.ts, the PERSIST table: Δ and L
// below 2^48 at octets 16 and 24, little-endian; reserved octets 10–15 and 360–383 zero; the unused
// tail of K (a 16-octet K: octets 56–71) and of OPc (MILENAGE: 88–103) zero), and the image read
// from exactly its own 384 octets wherever `off` puts it.
describe('usim_restore: a personalised image is checked field by field, from its own 384 octets only', () => {
  const restore = (image: Uint8Array, off = 0, around = 0) => {
    const card = instantiateSync('usim');
    card.begin();
    const mem = new Uint8Array(card.raw.memory.buffer);
    mem.fill(around, card.inPtr, card.inPtr + card.inLen);
    card.putAt(off, image);
    return { card, status: card.tryCall('usim_restore', off, 384) };
  };
  const le64 = (v: bigint) => Uint8Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
  it('at offset 32 with every other octet of IO_IN 0xEE: accepted (no octet before or after the image is read)', () => {
    expect(restore(savedImage(), 32, 0xee).status).toBe(OK);
  });
  it('after a restore, IO_IN no longer holds the image (K and OPc are in it in clear)', () => {
    const { card, status } = restore(savedImage(), 32);
    expect(status).toBe(OK);
    expect(card.snapshot().subarray(card.inPtr + 32, card.inPtr + 32 + 384).every((b) => b === 0)).toBe(true);
  });
  it('Δ = 2^48 − 1 and L = 2^48 − 1 are accepted; Δ = 2^48 or L = 2^48 → STATUS_ERR_FORMAT', () => {
    for (const [at, v, want] of [[16, (1n << 48n) - 1n, OK], [24, (1n << 48n) - 1n, OK], [16, 1n << 48n, ERR_FORMAT], [24, 1n << 48n, ERR_FORMAT]] as const) {
      const image = savedImage(); image.set(le64(v), at);
      expect(restore(image).status, `octet ${at} = ${v}`).toBe(want);
    }
  });
  it('a non-zero reserved octet (10, 15, 360, 383), K tail octet (56, 71) or MILENAGE OPc tail octet (88, 103) → STATUS_ERR_FORMAT', () => {
    for (const at of [10, 15, 360, 383, 56, 71, 88, 103]) {
      const image = savedImage(); image[at] = 1;
      expect(restore(image).status, `octet ${at}`).toBe(ERR_FORMAT);
    }
  });
});

// IND (TS 33.102 Annex C: SQN = SEQ ‖ IND) takes 0..5 bits on this card: the SEQ_MS array has
// 2^5 = 32 entries (assembly/usim/memory.ts, the PERSIST table: "IND bit length … 0..5", SEQ_MS(0)
// .. SEQ_MS(31)) — the module's documented limit, a choice within C.2.2's array of 2^(IND length)
// entries.
describe('usim_configure_sqn and usim_restore: the IND length is 0..5 bits (the 32-entry SEQ_MS array)', () => {
  it('IND 5 → OK, IND 6 → STATUS_ERR_VALUE', () => {
    const card = instantiateSync('usim');
    card.begin();
    const k = card.put(K), op = card.put(OP);
    expect(card.tryCall('usim_personalise', 0, k, 16, op, 1, 0)).toBe(OK);
    card.clearMailboxes();
    expect(card.tryCall('usim_configure_sqn', 5, 1, 0, 0, 0)).toBe(OK);
    expect(card.tryCall('usim_configure_sqn', 6, 1, 0, 0, 0)).toBe(ERR_VALUE);
  });
  it('an image with IND 6 (octet 9) → STATUS_ERR_FORMAT; with IND 5 → OK', () => {
    const image = savedImage();
    for (const [ind, want] of [[6, 9], [5, OK]]) {
      const card = instantiateSync('usim');
      const img = image.slice(); img[9] = ind;
      card.begin(); card.putAt(0, img);
      expect(card.tryCall('usim_restore', 0, 384), `IND ${ind}`).toBe(want);
    }
  });
});
