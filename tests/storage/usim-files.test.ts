// EF codecs of DF5GS (TS 31.102 4.4.11) and EF IMSI/UST. Expected bytes are composed by hand
// from the tag tables of TS 31.102 4.4.11, never taken from the encoder.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InputError } from '../../host/errors.js';
import {
  decodeAuthKeys, decodeLoci, decodeNscRecord, encodeAuthKeys, encodeDefaultLoci, encodeLoci, encodeNoAuthKeys,
  encodeNoNscRecord, encodeNscRecord, inspectNscRecord, rejectedLoci, taiDeleted, type StoredNsc,
} from '../../host/usim/files.js';
import { decodeImsi, decodeUst, encodeImsi, encodeUst } from '../../host/usim/usim-storage.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const ff = (n: number) => 'FF'.repeat(n);
const seq32 = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(''); // 00..1F

function expectInputError(f: () => unknown, field: string, text?: string): void {
  try { f(); } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).field).toBe(field);
    if (text) expect((e as Error).message).toContain(text);
    return;
  }
  throw new Error(`expected InputError on ${field}`);
}
function expectInvalid(d: { valid: boolean; reason?: string }, text: string): void {
  expect(d.valid).toBe(false);
  expect((d as { reason: string }).reason).toContain(text);
  expect(d).not.toHaveProperty('kamf');
  expect(d).not.toHaveProperty('kausf');
}

// A full native context: ngKSI 3, KAMF 00..1F, UL COUNT 0x102, DL COUNT 0x0A,
// 128-NEA2/128-NIA2 (tag 84 = 0x22), EPS 128-EEA1/128-EIA2 (tag 85 = 0x12).
const ctx: StoredNsc = {
  ngKsi: 3, kamf: bytes(seq32), ulNasCount: 0x102, dlNasCount: 0x0a,
  nasAlgs: { ciphering: 2, integrity: 2 }, epsNasAlgs: { ciphering: 1, integrity: 2 },
};
// Hand-composed from the table: A0 len(0x37 = 3+34+6+6+3+3) then 80..85.
const FULL_RECORD =
  'A0 37' +
  '80 01 03' +
  `81 20 ${seq32}` +
  '82 04 00000102' +
  '83 04 0000000A' +
  '84 01 22' +
  '85 01 12';

describe('EF 5GS3GPPNSC / EF 5GSN3GPPNSC record (TS 31.102 4.4.11.4)', () => {
  it('encodes the hand-composed 57-byte record and decodes it back', () => {
    const rec = encodeNscRecord(ctx);
    expect(rec.length).toBe(57);
    expect(hex(rec)).toBe(hex(bytes(FULL_RECORD)));
    expect(decodeNscRecord(bytes(FULL_RECORD))).toEqual({ valid: true, ...ctx });
  });

  it("pads a 62-byte record (two-record EF, service n°136) with 'FF'", () => {
    expect(hex(encodeNscRecord(ctx, 62))).toBe(hex(bytes(FULL_RECORD + ff(5))));
    expect(decodeNscRecord(bytes(FULL_RECORD + ff(5)))).toEqual({ valid: true, ...ctx });
  });

  it('omits tag 85 when no EPS algorithms were selected (A0 34, then FF padding)', () => {
    const noEps = { ...ctx, epsNasAlgs: null };
    const h = `A0 34 80 01 03 81 20 ${seq32} 82 04 00000102 83 04 0000000A 84 01 22 ${ff(3)}`;
    expect(hex(encodeNscRecord(noEps))).toBe(hex(bytes(h)));
    expect(decodeNscRecord(bytes(h))).toEqual({ valid: true, ...noEps });
  });

  it("writes the invalid marker as A0 03 80 01 07 + 'FF' and decodes it to no context", () => {
    expect(hex(encodeNoNscRecord())).toBe(hex(bytes(`A0 03 80 01 07 ${ff(52)}`)));
    expectInvalid(decodeNscRecord(encodeNoNscRecord(62)), "KSI '111'");
  });

  it('accepts the BER long length form 81 xx and TLVs in any order', () => {
    const h = `A0 81 37 85 01 12 84 01 22 83 04 0000000A 82 04 00000102 81 20 ${seq32} 80 01 03`;
    expect(decodeNscRecord(bytes(h + ff(1)))).toEqual({ valid: true, ...ctx });
  });

  describe('malformed records decode to valid:false with a reason (never a throw, never a key)', () => {
    const cases: [string, string, string][] = [
      ['record too short (56 bytes)', FULL_RECORD.replace(/85 01 12$/, '85 01'), 'record too short'],
      ['empty record', ff(57), 'empty record'],
      ['bad outer tag', FULL_RECORD.replace(/^A0/, 'A1'), 'expected tag A0'],
      ['outer length beyond the record', FULL_RECORD.replace(/^A0 37/, 'A0 38'), 'beyond the end'],
      ['inner TLV truncated by the A0 length', `A0 05 80 01 03 81 20 ${ff(50)}`, 'beyond the end'],
      ['KAMF of 31 bytes', `A0 36 80 01 03 81 1F ${seq32.slice(0, 62)} 82 04 00000102 83 04 0000000A 84 01 22 85 01 12 FF`, 'KAMF (tag 81) must be 32 bytes, got 31'],
      ['ngKSI 07 with a KAMF present', FULL_RECORD.replace('80 01 03', '80 01 07'), "ngKSI 07: KSI '111'"],
      ['ngKSI with TSC 1 (mapped)', FULL_RECORD.replace('80 01 03', '80 01 0B'), 'TSC 1 (mapped)'],
      ['ngKSI with spare bits set', FULL_RECORD.replace('80 01 03', '80 01 13'), 'bits b8-b5'],
      ['ngKSI missing', `A0 34 ${FULL_RECORD.slice(FULL_RECORD.indexOf('81 20'))} FF FF FF`, 'ngKSI (tag 80) missing'],
      ['selected NAS algorithms missing', `A0 34 80 01 03 81 20 ${seq32} 82 04 00000102 83 04 0000000A 85 01 12 FF FF FF`, 'selected NAS algorithms (tag 84) missing'],
      ['unknown tag 86', FULL_RECORD.replace('85 01 12', '86 01 12'), 'unexpected tag 86'],
      ['duplicate tag 84', FULL_RECORD.replace('85 01 12', '84 01 12'), 'duplicate tag 84'],
      ['reserved ciphering algorithm 8', FULL_RECORD.replace('84 01 22', '84 01 82'), 'reserved algorithm'],
      ['UL COUNT of 3 bytes', `A0 36 80 01 03 81 20 ${seq32} 82 03 000102 83 04 0000000A 84 01 22 85 01 12 FF`, 'uplink NAS COUNT (tag 82) must be 4 bytes'],
      ["non-'FF' byte after the A0 TLV", FULL_RECORD + 'FF FF 00 FF FF', 'after the A0 TLV'],
      ['unsupported length form 82', FULL_RECORD.replace(/^A0 37/, 'A0 82') + 'FF', 'unsupported length coding'],
    ];
    for (const [name, h, reason] of cases) {
      it(name, () => expectInvalid(decodeNscRecord(bytes(h)), reason));
    }
    it('a non-byte input', () => expectInvalid(decodeNscRecord(null as unknown as Uint8Array), 'not a byte string'));
  });

  it('rejects bad input to the encoder with an InputError naming the field', () => {
    expectInputError(() => encodeNscRecord({ ...ctx, kamf: new Uint8Array(31) }), 'kamf', 'got 31');
    expectInputError(() => encodeNscRecord({ ...ctx, ngKsi: 7 }), 'ngKsi', 'must be 0–6, got 7');
    // the encoders use the API's one validator (host/validate.ts): the value's kind, never its content
    expectInputError(() => encodeNscRecord({ ...ctx, kamf: 'k'.repeat(32) as never }), 'kamf', 'must be a Uint8Array, got a string of 32 characters');
    expectInputError(() => encodeNscRecord({ ...ctx, ngKsi: 11 }), 'ngKsi', 'got 11');
    expectInputError(() => encodeNscRecord({ ...ctx, ulNasCount: 2 ** 32 }), 'ulNasCount');
    expectInputError(() => encodeNscRecord({ ...ctx, dlNasCount: -1 }), 'dlNasCount');
    expectInputError(() => encodeNscRecord({ ...ctx, nasAlgs: { ciphering: 8, integrity: 0 } }), 'nasAlgs.ciphering', 'got 8');
    expectInputError(() => encodeNscRecord({ ...ctx, epsNasAlgs: { ciphering: 0, integrity: 9 } }), 'epsNasAlgs.integrity');
    expectInputError(() => encodeNscRecord(ctx, 56), 'recordLength', 'got 56');
  });

  const algs = fc.record({ ciphering: fc.integer({ min: 0, max: 7 }), integrity: fc.integer({ min: 0, max: 7 }) });
  const arbCtx = fc.record({
    ngKsi: fc.integer({ min: 0, max: 6 }),
    kamf: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    ulNasCount: fc.integer({ min: 0, max: 0xffffffff }),
    dlNasCount: fc.integer({ min: 0, max: 0xffffffff }),
    nasAlgs: algs,
    epsNasAlgs: fc.option(algs, { nil: null }),
  });

  it('round trips every context at every record length (fast-check)', () => {
    fc.assert(fc.property(arbCtx, fc.integer({ min: 57, max: 255 }), (c, len) => {
      const rec = encodeNscRecord(c, len);
      expect(rec.length).toBe(len);
      expect(decodeNscRecord(rec)).toEqual({ valid: true, ...c });
    }), { numRuns: 500 });
  });

  it('decodes any bytes without throwing; a valid result re-encodes to a decodable equal context (fast-check)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), (b) => {
      const d = decodeNscRecord(b);
      if (d.valid) {
        expect(d.kamf.length).toBe(32);
        const { valid: _, ...c } = d;
        expect(decodeNscRecord(encodeNscRecord(c, b.length))).toEqual(d);
      } else expect(d.reason.length).toBeGreaterThan(0);
    }), { numRuns: 2000 });
  });

  it('any single-byte corruption of a valid record decodes without throwing (fast-check)', () => {
    fc.assert(fc.property(arbCtx, fc.nat(56), fc.integer({ min: 0, max: 255 }), (c, pos, v) => {
      const rec = encodeNscRecord(c);
      rec[pos] = v;
      const d = decodeNscRecord(rec);
      if (d.valid) expect(d.kamf.length).toBe(32);
    }), { numRuns: 1000 });
  });
});

describe("EF 5GS3GPPNSC marked invalid with its content (TS 33.501 6.8.1.1.2.1; KSI '111' as in 6.2.2.2 — modelling choice for the kept content)", () => {
  it("tag 80 carries KSI '111' in b3-b1 and the content's KSI in b7-b5; the rest is the record as composed from the table", () => {
    const rec = encodeNscRecord(ctx, 57, 'invalid');
    expect(hex(rec)).toBe(hex(bytes(FULL_RECORD.replace('80 01 03', '80 01 37'))));
  });
  it('a reader that follows TS 31.102 (decodeNscRecord) sees no valid context and no key; inspect gives the content back', () => {
    for (const ngKsi of [0, 1, 3, 6]) {
      const c = { ...ctx, ngKsi };
      const rec = encodeNscRecord(c, 62, 'invalid');
      expectInvalid(decodeNscRecord(rec), "KSI '111'");
      expect(inspectNscRecord(rec)).toEqual({ valid: false, content: c, reason: expect.stringContaining("KSI '111'") });
      expect(inspectNscRecord(encodeNscRecord(c, 62))).toEqual({ valid: true, content: c, reason: 'valid' });
    }
  });
  it("the no-context marker A0 03 80 01 07 has no content; other values of 'marked' are refused", () => {
    expect(inspectNscRecord(encodeNoNscRecord(57))).toMatchObject({ valid: false, content: null });
    expectInputError(() => encodeNscRecord(ctx, 57, 'maybe' as never), 'marked');
  });
});

describe('EF 5GAUTHKEYS (TS 31.102 4.4.11.5)', () => {
  const kausf = bytes('A1'.repeat(32));
  const kseaf = bytes('B2'.repeat(32));
  const HAND = `80 20 ${'A1'.repeat(32)} 81 20 ${'B2'.repeat(32)}`;

  it('encodes the hand-composed 68 bytes (no A0 wrapper) and the 110-byte SAIP size', () => {
    expect(hex(encodeAuthKeys({ kausf, kseaf }))).toBe(hex(bytes(HAND)));
    expect(hex(encodeAuthKeys({ kausf, kseaf }, 110))).toBe(hex(bytes(HAND + ff(42))));
    expect(decodeAuthKeys(bytes(HAND + ff(42)))).toEqual({ valid: true, kausf, kseaf });
  });

  it("deleted keys are all 'FF' and decode to no keys", () => {
    expect(hex(encodeNoAuthKeys(110))).toBe(ff(110));
    expectInvalid(decodeAuthKeys(encodeNoAuthKeys()), 'empty file');
  });

  const cases: [string, string, string][] = [
    ['file too short', HAND.slice(0, -3), 'file too short'],
    ['wrong tag', HAND.replace(/^80/, '82'), 'unexpected tag 82'],
    ['A0 wrapper', `A0 44 ${HAND}`, 'unexpected tag A0'],
    ['KSEAF missing', `80 20 ${'A1'.repeat(32)} ${ff(34)}`, 'KSEAF (tag 81) missing'],
    ['KAUSF of 31 bytes', `80 1F ${'A1'.repeat(31)} 81 20 ${'B2'.repeat(32)} FF`, 'KAUSF (tag 80) must be 32 bytes'],
    ['duplicate KAUSF', `80 20 ${'A1'.repeat(32)} 80 20 ${'B2'.repeat(32)}`, 'duplicate tag 80'],
    ['truncated KSEAF', `80 20 ${'A1'.repeat(32)} 81 40 ${'B2'.repeat(32)}`, 'beyond the end'],
    ['garbage after the keys', `${HAND} FF 00`, "non-'FF' byte"],
  ];
  for (const [name, h, reason] of cases) it(name, () => expectInvalid(decodeAuthKeys(bytes(h)), reason));

  it('rejects bad keys at encode', () => {
    expectInputError(() => encodeAuthKeys({ kausf: new Uint8Array(16), kseaf }), 'kausf', 'got 16');
    expectInputError(() => encodeAuthKeys({ kausf, kseaf: new Uint8Array(33) }), 'kseaf', 'got 33');
    expectInputError(() => encodeAuthKeys({ kausf, kseaf }, 67), 'size');
  });

  it('round trips and never throws on arbitrary bytes (fast-check)', () => {
    const k = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(fc.property(k, k, fc.integer({ min: 68, max: 200 }), (a, b, n) => {
      expect(decodeAuthKeys(encodeAuthKeys({ kausf: a, kseaf: b }, n))).toEqual({ valid: true, kausf: a, kseaf: b });
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => { decodeAuthKeys(b); }), { numRuns: 2000 });
  });
});

describe('EF 5GS3GPPLOCI / EF 5GSN3GPPLOCI (TS 31.102 4.4.11.2)', () => {
  // 5G-GUTI as octets 2..14 of the 5GS mobile identity IE (length 000B, F2, MCC 001 MNC 01,
  // AMF region CA, AMF set/pointer FE41, 5G-TMSI 12345678), TAI 00F110 + 000001, status updated.
  const GUTI = '00 0B F2 00 F1 10 CA FE 41 12 34 56 78';
  const HAND = `${GUTI} 00 F1 10 00 00 01 00`;
  const loci = { guti: bytes(GUTI), tai: { plmn: bytes('00F110'), tac: bytes('000001') }, updateStatus: 0 as const };

  it('encodes the hand-composed 20 bytes and decodes them back', () => {
    expect(hex(encodeLoci(loci))).toBe(hex(bytes(HAND)));
    expect(decodeLoci(bytes(HAND))).toEqual({ valid: true, ...loci });
  });
  it("SAIP default content FF×16 000000 01: no GUTI, not updated", () => {
    expect(hex(encodeDefaultLoci())).toBe(hex(bytes(`${ff(16)} 000000 01`)));
    expect(decodeLoci(encodeDefaultLoci())).toMatchObject({ valid: true, guti: null, updateStatus: 1 });
  });
  it('malformed LOCI decode to valid:false', () => {
    expectInvalid(decodeLoci(bytes(HAND.slice(0, -3))), 'must be 20 bytes, got 19');
    expectInvalid(decodeLoci(bytes(`${HAND} 00`)), 'got 21');
    expectInvalid(decodeLoci(bytes(HAND.replace(/00$/, '03'))), 'update status 03 is reserved');
  });
  it('rejects bad fields at encode', () => {
    expectInputError(() => encodeLoci({ ...loci, guti: new Uint8Array(12) }), 'guti', 'got 12');
    expectInputError(() => encodeLoci({ ...loci, tai: { plmn: new Uint8Array(2), tac: new Uint8Array(3) } }), 'tai.plmn');
    expectInputError(() => encodeLoci({ ...loci, updateStatus: 3 as 0 }), 'updateStatus', 'got 3');
  });
  it('after REGISTRATION REJECT #3/#6/#7 (TS 24.501 5.5.1.3.5 "set the 5GS update status to 5U3 ROAMING NOT ALLOWED … delete any 5G-GUTI, last visited registered TAI"): GUTI FF×13, TAI deleted, byte 20 = 02', () => {
    // TS 24.501 9.11.3.8: "If a TAI has to be deleted, then all bits of the tracking area code shall be set to one with the
    // exception of the least significant bit which shall be set to zero" and "If the TAI is deleted the MCC and MNC shall take
    // the value from the deleted TAI"; TS 31.102 4.4.11.2 byte 20: b3-b1 010 = roaming not allowed.
    expect(hex(encodeLoci(rejectedLoci(loci)))).toBe(hex(bytes(`${ff(13)} 00 F1 10 FF FF FE 02`)));
    expect(hex(encodeLoci(rejectedLoci(null)))).toBe(hex(bytes(`${ff(13)} FF FF FF FF FF FE 02`)));
    expect(taiDeleted(rejectedLoci(loci).tai)).toBe(true);
    // "If a USIM is inserted in a mobile equipment with the tracking area code containing all zeros, then the mobile
    // equipment shall recognise this TAC as part of a deleted TAI" (same clause); a real TAC is not deleted
    expect(taiDeleted({ plmn: bytes('00F110'), tac: bytes('000000') })).toBe(true);
    expect(taiDeleted(loci.tai)).toBe(false);
    expect(taiDeleted({ plmn: bytes('00F110'), tac: bytes('FFFFFF') })).toBe(false);
  });
  it('round trips (fast-check)', () => {
    const b = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
    fc.assert(fc.property(b(13).filter((g) => !g.every((x) => x === 0xff)), b(3), b(3), fc.constantFrom(0, 1, 2), (g, p, t, s) => {
      const l = { guti: g, tai: { plmn: p, tac: t }, updateStatus: s as 0 | 1 | 2 };
      expect(decodeLoci(encodeLoci(l))).toEqual({ valid: true, ...l });
    }), { numRuns: 300 });
  });
});

describe('EF IMSI (TS 31.102 4.2.2) and EF UST (4.2.8)', () => {
  it('codes a 15-digit IMSI as length 08, type/parity nibble 9, swapped BCD', () => {
    expect(hex(encodeImsi('001010000000001'))).toBe('080910100000000010');
    expect(decodeImsi(bytes('080910100000000010'))).toBe('001010000000001');
  });
  it("codes a 14-digit IMSI with even parity (1) and an 'F' filler", () => {
    expect(hex(encodeImsi('00101123456789'))).toBe('0801101021436587F9');
    expect(decodeImsi(bytes('0801101021436587F9'))).toBe('00101123456789');
  });
  it('rejects a SUPI that is not 6..15 digits', () => {
    expectInputError(() => encodeImsi('imsi-001010000000001'), 'supi');
    expectInputError(() => encodeImsi('12345'), 'supi');
    expectInputError(() => encodeImsi('1234567890123456'), 'supi');
  });
  it('round trips every IMSI length (fast-check)', () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9]{6,15}$/), (s) => { expect(decodeImsi(encodeImsi(s))).toBe(s); }));
  });
  it('sets service n at bit (n-1) mod 8 of byte (n-1) div 8: 122, 123 → byte 16 = 06; 136 → byte 17 = 80', () => {
    expect(hex(encodeUst([122, 123, 136]))).toBe('00'.repeat(15) + '0680');
    expect([...decodeUst(encodeUst([1, 8, 9, 122]))]).toEqual([1, 8, 9, 122]);
  });
});
