// More rules of the DF5GS codecs (TS 31.102 4.4.11) that the host/usim Stryker run (issue 16) showed
// unpinned: the exact reason of each refused record (TLV truncation, DL COUNT, EPS algorithms, the
// integrity nibble), the encoders' object checks, the "deleted TAI" test of TS 24.501 9.11.3.8 on
// each TAC octet, and that a rejected LOCI does not share bytes with the one it came from.
// Expected bytes and reasons are written here from the tag tables and the codec's documented texts.
import { describe, expect, it } from 'vitest';
import {
  decodeAuthKeys, decodeLoci, decodeNscRecord, encodeAuthKeys, encodeLoci, encodeNoAuthKeys, encodeNoNscRecord,
  encodeNscRecord, inspectNscRecord, rejectedLoci, taiDeleted, type Loci,
} from '../../host/usim/files.js';

const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const ff = (n: number) => 'FF'.repeat(n);
const kamf = '00'.repeat(32);
/** A0 record with the given inner TLVs, padded to 57 octets. */
const record = (inner: string) => {
  const b = bytes(inner);
  return bytes(`A0 ${b.length.toString(16).padStart(2, '0')} ${inner}` + ff(Math.max(0, 57 - 2 - b.length)));
};
const reason = (d: { valid: boolean }) => (d.valid ? 'valid' : (d as { reason: string }).reason);

describe('EF 5GS3GPPNSC decoding: the reason names the field that is wrong (TS 31.102 4.4.11.4)', () => {
  it('a TLV whose length octet is cut off, a lone tag before the end, a long form 81 whose length is missing', () => {
    expect(reason(decodeNscRecord(bytes('A0 01 80' + ff(54))))).toBe('in A0: truncated TLV at offset 2');
    expect(reason(decodeNscRecord(bytes('A0 03 80 81' + ff(53))))).toBe('in A0: tag 80 at offset 2 has length 255 beyond the end (0 bytes left)'); // 81 FF: long form, length FF
    expect(reason(decodeNscRecord(bytes('A0 02 80 81' + ff(53))))).toBe('in A0: truncated length of tag 80 at offset 2');
    expect(reason(decodeNscRecord(bytes('A0 80' + ff(55))))).toBe('unsupported length coding 80 of tag A0 at offset 0');
    expect(reason(decodeNscRecord(bytes('A0 04 80 05 00 00' + ff(51))))).toBe('in A0: tag 80 at offset 2 has length 5 beyond the end (2 bytes left)');
  });
  it('DL COUNT (tag 83) of 3 octets → "downlink NAS COUNT (tag 83) must be 4 bytes, got 3"; missing → "… missing"', () => {
    expect(reason(decodeNscRecord(record(`80 01 01 81 20 ${kamf} 82 04 00000001 83 03 000002 84 01 22`)))).toBe('downlink NAS COUNT (tag 83) must be 4 bytes, got 3');
    expect(reason(decodeNscRecord(record(`80 01 01 81 20 ${kamf} 82 04 00000001 84 01 22`)))).toBe('downlink NAS COUNT (tag 83) missing');
  });
  it('NAS algorithms: a reserved integrity identifier (low nibble 8) is refused as well as a ciphering one', () => {
    expect(reason(decodeNscRecord(record(`80 01 01 81 20 ${kamf} 82 04 00000001 83 04 00000002 84 01 28`)))).toBe('selected NAS algorithms byte 28 names a reserved algorithm (identifiers are 0..7)');
    expect(reason(decodeNscRecord(record(`80 01 01 81 20 ${kamf} 82 04 00000001 83 04 00000002 84 01 77`)))).toBe('valid');
  });
  it('EPS NAS algorithms (tag 85): 2 octets → "must be 1 bytes, got 2"; a reserved identifier → named; 85 absent → null', () => {
    const base = `80 01 01 81 20 ${kamf} 82 04 00000001 83 04 00000002 84 01 22`;
    expect(reason(decodeNscRecord(record(`${base} 85 02 11 11`)))).toBe('selected EPS NAS algorithms (tag 85) must be 1 bytes, got 2');
    expect(reason(decodeNscRecord(record(`${base} 85 01 18`)))).toBe('selected EPS NAS algorithms byte 18 names a reserved algorithm (identifiers are 0..7)');
    expect(decodeNscRecord(record(`${base} 85 01 11`))).toMatchObject({ valid: true, epsNasAlgs: { ciphering: 1, integrity: 1 } });
    expect(decodeNscRecord(record(base))).toMatchObject({ valid: true, epsNasAlgs: null });
  });
  it('inspect: only the marker of encodeNscRecord(…, "invalid") gives content back (KSI 111 in b3–b1, content KSI in b7–b5, b8 and b4 zero)', () => {
    const body = `81 20 ${kamf} 82 04 00000001 83 04 00000002 84 01 22`;
    // 07 with a whole context: content KSI 0, marked invalid (a TS 31.102 reader sees "no key")
    expect(inspectNscRecord(record(`80 01 07 ${body}`))).toMatchObject({ valid: false, content: { ngKsi: 0 }, reason: "ngKSI 07: KSI '111', no valid 5G NAS security context" });
    // a valid record is not "marked": decodeNsc(…, readMarked) refuses it, inspect reports it valid
    expect(inspectNscRecord(record(`80 01 03 ${body}`))).toMatchObject({ valid: true, content: { ngKsi: 3 } });
    // KSI 0F (TSC 1 with 111): not the marker either
    expect(inspectNscRecord(record(`80 01 0F ${body}`)).content).toBeNull();
    // b7–b5 = 111 with '111' in b3–b1: no content KSI to read back
    expect(inspectNscRecord(record(`80 01 77 ${body}`)).content).toBeNull();
    // b8 set: not the marker of encodeNscRecord
    expect(inspectNscRecord(record(`80 01 97 ${body}`)).content).toBeNull();
    expect(inspectNscRecord(record(`80 01 27 ${body}`)).content).toMatchObject({ ngKsi: 2 });
  });
  it('a non-byte input is "not a byte string" for EF 5GAUTHKEYS and LOCI too, never a throw', () => {
    expect(decodeAuthKeys('x' as any)).toEqual({ valid: false, reason: 'not a byte string' });
    expect(decodeLoci(undefined as any)).toEqual({ valid: false, reason: 'not a byte string' });
  });
});

describe('DF5GS encoders refuse a missing object with an InputError naming it (not a TypeError)', () => {
  const ctx = { ngKsi: 1, kamf: new Uint8Array(32), ulNasCount: 0, dlNasCount: 0, nasAlgs: { ciphering: 0, integrity: 2 }, epsNasAlgs: null };
  it('EF 5GS3GPPNSC: context null or not an object; nasAlgs / epsNasAlgs null or not objects; record length and marked named', () => {
    expect(() => encodeNscRecord(null as any)).toThrow(/^context must be an object/);
    expect(() => encodeNscRecord(7 as any)).toThrow(/^context must be an object/);
    expect(() => encodeNscRecord({ ...ctx, nasAlgs: null as any })).toThrow(/^nasAlgs must be \{ciphering, integrity\}/);
    expect(() => encodeNscRecord({ ...ctx, nasAlgs: 34 as any })).toThrow(/^nasAlgs must be \{ciphering, integrity\}/);
    expect(() => encodeNscRecord({ ...ctx, epsNasAlgs: 'x' as any })).toThrow(/^epsNasAlgs must be \{ciphering, integrity\}/);
    expect(encodeNscRecord({ ...ctx, epsNasAlgs: undefined as any })[1]).toBe(0x34); // undefined = none: no tag 85
    expect(() => encodeNscRecord(ctx, 56)).toThrow(/^recordLength /);
    expect(() => encodeNoNscRecord(56)).toThrow(/^recordLength /);
    expect(() => encodeNscRecord(ctx, 57, 'stale' as any)).toThrow(/^marked must be 'valid' or 'invalid'/);
  });
  it('EF 5GAUTHKEYS and LOCI: keys / loci / tai null or not objects; the size and the TAC named', () => {
    expect(() => encodeAuthKeys(null as any)).toThrow(/^authKeys must be an object/);
    expect(() => encodeAuthKeys('k' as any)).toThrow(/^authKeys must be an object/);
    expect(() => encodeAuthKeys({ kausf: new Uint8Array(32), kseaf: new Uint8Array(32) }, 67)).toThrow(/^size /);
    expect(() => encodeNoAuthKeys(67)).toThrow(/^size /);
    const loci: Loci = { guti: null, tai: { plmn: new Uint8Array(3), tac: new Uint8Array(3) }, updateStatus: 0 };
    expect(() => encodeLoci(null as any)).toThrow(/^loci must be an object/);
    expect(() => encodeLoci(1 as any)).toThrow(/^loci must be an object/);
    expect(() => encodeLoci({ ...loci, tai: null as any })).toThrow(/^tai must be \{plmn, tac\}/);
    expect(() => encodeLoci({ ...loci, tai: 5 as any })).toThrow(/^tai must be \{plmn, tac\}/);
    expect(() => encodeLoci({ ...loci, tai: { plmn: new Uint8Array(3), tac: new Uint8Array(2) } })).toThrow(/^tai\.tac /);
  });
});

describe('deleted TAI (TS 24.501 9.11.3.8): TAC FFFFFE, or all zeros as read from a USIM — every octet counts', () => {
  const tai = (tac: string) => ({ plmn: bytes('00F110'), tac: bytes(tac) });
  it('FFFFFE and 000000 are deleted; one octet different in either is not', () => {
    expect(taiDeleted(tai('FFFFFE'))).toBe(true);
    expect(taiDeleted(tai('000000'))).toBe(true);
    for (const t of ['00FFFE', 'FF00FE', 'FFFFFF', 'FEFFFE', '010000', '000100', '000001', 'FF0000', '00FF00']) expect(taiDeleted(tai(t)), t).toBe(false);
  });
  it('after REGISTRATION REJECT the LOCI keeps the PLMN of the old TAI as a copy (changing one does not change the other)', () => {
    const from: Loci = { guti: new Uint8Array(13), tai: tai('000001'), updateStatus: 0 };
    const r = rejectedLoci(from);
    expect(r.tai.plmn).toEqual(bytes('00F110'));
    r.tai.plmn[0] = 0x99;
    expect(from.tai.plmn).toEqual(bytes('00F110'));
  });
});
