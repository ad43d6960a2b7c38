// The USIM as a device in this process (host/usim/usim.ts, host/usim/usim-storage.ts): personalising
// a card on a medium or a file, power-on, `show` (TS 31.102 files decoded, never K/OPc), `check`,
// power-off, and the card's file system (EF IMSI, EF UST, DF5GS EFs, TS 31.102 4.2/4.4.11). The
// CLI's process-level behaviour is in usim-image-files.test.ts; these cases run the library in
// process so that host mutation testing (issue 16, Stryker) sees them. AUTNs come from the
// node:crypto AuC (host/reference/milenage.ts), with the TS 35.208 Test Set 1 subscriber.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { generateAuthVector, sqnBytes } from '../../host/reference/milenage.js';
import { Usim, UsimPoweredOffError, checkUsimImage } from '../../host/usim/usim.js';
import {
  FID_IMSI, FID_UST, UsimStorage, initUsimImage, encodeImsi, decodeImsi, encodeUst, decodeUst,
  SERVICE_MULTIPLE_NSC_RECORDS,
} from '../../host/usim/usim-storage.js';
import { FID_5GAUTHKEYS, FID_5GS3GPPLOCI, FID_5GS3GPPNSC, FID_5GSN3GPPLOCI, FID_5GSN3GPPNSC, encodeNscRecord } from '../../host/usim/files.js';
import { AtomicStore } from '../../host/storage/atomic-store.js';
import { MemoryMedium } from '../../host/storage/medium.js';
import { ImageFileError, NotAnImageError } from '../../host/storage/errors.js';
import { ImageLock } from '../../host/storage/image-lock.js';
import { MAX_MEDIUM_SIZE } from '../../host/storage/medium.js';
import { InputError } from '../../host/errors.js';
import { hex, toHex } from '../helpers.js';

const K = '465b5ce8b199b49faa5f0a2ee238a6bc', OPC = 'cd63cb71954a9f4e48a5994e37a02baf', SUPI = '001010000000001';
const dir = mkdtempSync(join(tmpdir(), 'ue-keys-usim-card-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const av = (seq: number, ind = 0) => generateAuthVector(hex(K), hex(OPC), hex('b0112233445566778899aabbccdd' + seq.toString(16).padStart(2, '0') + ind.toString(16).padStart(2, '0')),
  sqnBytes((BigInt(seq) << 5n) | BigInt(ind)), hex('8000'));
const card = (opts: Partial<Parameters<typeof Usim.create>[1]> = {}) => Usim.create(new MemoryMedium(8192), { supi: SUPI, k: hex(K), opc: hex(OPC), ...opts });

describe('Usim.show: the files as TS 31.102 names them, the algorithm, the SQN state; never K or OPc', () => {
  it('a MILENAGE card with the default services (n°122, n°123): EF IMSI, EF UST, EF 5GS3GPPLOCI/5GSN3GPPLOCI, EF 5GS3GPPNSC/5GSN3GPPNSC record 1, EF 5GAUTHKEYS with their clauses', () => {
    const v = card().show();
    expect(v.supi).toBe(SUPI);
    expect(v.files.map((f) => [f.file, f.name, f.clause])).toEqual(expect.arrayContaining([
      ['EF6F07', 'EF IMSI', 'TS 31.102 4.2.2'], ['EF6F38', 'EF UST', 'TS 31.102 4.2.8'],
      ['EF4F01', 'EF 5GS3GPPLOCI', 'TS 31.102 4.4.11.2'], ['EF4F02', 'EF 5GSN3GPPLOCI', 'TS 31.102 4.4.11.3'],
      ['EF4F03#1', 'EF 5GS3GPPNSC', 'TS 31.102 4.4.11.4'], ['EF4F04#1', 'EF 5GSN3GPPNSC', 'TS 31.102 4.4.11.6'],
      ['EF4F05', 'EF 5GAUTHKEYS', 'TS 31.102 4.4.11.5'],
    ]));
    expect(v.files).toHaveLength(7);
    const f = Object.fromEntries(v.files.map((x) => [x.file, x]));
    expect(f.EF6F07).toMatchObject({ fid: '6F07', hex: toHex(encodeImsi(SUPI)), fields: { supi: SUPI } });
    expect(f.EF6F07.record).toBeUndefined();
    expect(f['EF4F03#1']).toMatchObject({ fid: '4F03', record: 1, fields: { valid: false, reason: "empty record ('FF'): no context stored" } });
    expect(f.EF6F38.fields).toEqual({ services: [122, 123] });
    // SAIP default LOCI FF×16 000000 01: no GUTI, PLMN FFFFFF, TAC 000000, not updated (hex strings, not bytes)
    expect(f.EF4F01.fields).toEqual({ valid: true, guti: null, tai: { plmn: 'ffffff', tac: '000000' }, updateStatus: 1 });
    expect(f.EF4F05.fields).toEqual({ valid: false, reason: "empty file ('FF'): no KAUSF/KSEAF stored" });
    expect(v.algorithm).toEqual({ name: 'milenage', kBits: 128, macBits: 64, resBits: 64, ckBits: 128, ikBits: 128 });
    expect(v.sqn).toMatchObject({ indBits: 5, delta: 2 ** 28, ageLimit: 0, sqnMs: '000000000000' });
    expect(v.sqn.seqMs).toHaveLength(32);
    expect(v.cardState.bytes).toBeGreaterThan(0);
    expect(v.cardState.note).toMatch(/not shown/);
    expect(JSON.stringify(v)).not.toContain(K);
    expect(JSON.stringify(v)).not.toContain(OPC);
    expect(v.imageSequence).toMatch(/^\d+$/);
  });
  it('a stored context is shown decoded with its KAMF in hex; a record that does not decode shows valid:false and why (never throws)', () => {
    const c = card();
    const kamf = new Uint8Array(32).fill(0xab);
    c.storage.updateRecord(FID_5GS3GPPNSC, 1, encodeNscRecord({ ngKsi: 2, kamf, ulNasCount: 5, dlNasCount: 6, nasAlgs: { ciphering: 2, integrity: 2 }, epsNasAlgs: null }));
    c.storage.updateRecord(FID_5GSN3GPPNSC, 1, Uint8Array.of(0xa0, 0x03, 0x99, 0x01, 0x00, ...new Uint8Array(52).fill(0xff)));
    const f = Object.fromEntries(c.show().files.map((x) => [x.file, x]));
    expect(f['EF4F03#1'].fields).toEqual({ valid: true, ngKsi: 2, kamf: toHex(kamf), ulNasCount: 5, dlNasCount: 6, nasAlgs: { ciphering: 2, integrity: 2 }, epsNasAlgs: null });
    expect(f['EF4F04#1'].fields).toEqual({ valid: false, reason: 'in A0: unexpected tag 99 at offset 2' });
  });
  it('a TUAK card shows its parameters (TS 35.231: iterations, MAC/RES/CK/IK lengths, K of 256 bits)', () => {
    const c = Usim.create(new MemoryMedium(8192), { supi: SUPI, k: new Uint8Array(32).fill(1), opc: new Uint8Array(32).fill(2), algo: 'tuak', tuak: { iterations: 3, macBits: 128, resBits: 256, ckBits: 256, ikBits: 256 } });
    expect(c.algorithm).toBe('tuak');
    expect(c.show().algorithm).toEqual({ name: 'tuak', kBits: 256, iterations: 3, macBits: 128, resBits: 256, ckBits: 256, ikBits: 256 });
    expect(card().algorithm).toBe('milenage');
  });
  it('the SQN parameters given at personalisation are the card\'s (TS 33.102 C.3: IND bits, Δ, age limit L)', () => {
    expect(card({ sqn: { indBits: 3, delta: 1000, ageLimit: 77 } }).show().sqn).toMatchObject({ indBits: 3, delta: 1000, ageLimit: 77 });
    expect(card({ sqn: { indBits: 3, delta: 1000, ageLimit: 77 } }).show().sqn.seqMs).toHaveLength(8);
  });
  it('service n°136 gives EF 5GS3GPPNSC two records of 62 octets (SAIP); without n°123 there is no EF 5GAUTHKEYS', () => {
    const c = card({ services: [122, SERVICE_MULTIPLE_NSC_RECORDS] });
    const files = c.show().files.map((f) => f.file);
    expect(files).toEqual(expect.arrayContaining(['EF4F03#1', 'EF4F03#2']));
    expect(files).not.toContain('EF4F05');
    expect(c.storage.recordCount(FID_5GS3GPPNSC)).toBe(2);
    expect(c.storage.recordLength(FID_5GS3GPPNSC)).toBe(62);
    expect(c.storage.recordLength(FID_5GSN3GPPNSC)).toBe(57);
    expect(c.storage.readAuthKeys()).toBeNull();
  });
});

describe('Usim.create / open / powerOff in process', () => {
  it('an "imsi-" prefix on the SUPI is accepted, in any case (TS 23.003 28.7.2 SUPI notation)', () => {
    expect(card({ supi: 'IMSI-001010000000002' }).supi).toBe('001010000000002');
    expect(card({ supi: 'imsi-001010000000003' }).supi).toBe('001010000000003');
  });
  it('options that are not an object → InputError "options"; a bad K leaves nothing written and the medium blank', () => {
    expect(() => Usim.create(new MemoryMedium(8192), null as any)).toThrow(/^options must be an object/);
    expect(() => Usim.create(new MemoryMedium(8192), 7 as any)).toThrow(/^options must be an object/);
    const m = new MemoryMedium(8192);
    expect(() => Usim.create(m, { supi: SUPI, k: new Uint8Array(15), opc: hex(OPC) })).toThrow(/^k must be 16 bytes/);
    expect(AtomicStore.open(m, { type: 'USIM' }).isBlank).toBe(true);
    expect(() => Usim.create(m, { supi: '12', k: hex(K), opc: hex(OPC) })).toThrow(/^supi must be an IMSI/);
    expect(AtomicStore.open(m, { type: 'USIM' }).isBlank).toBe(true);
  });
  it('a medium that already holds a card is not personalised again ("image already holds an image")', () => {
    const m = new MemoryMedium(8192);
    Usim.create(m, { supi: SUPI, k: hex(K), opc: hex(OPC) });
    expect(() => Usim.create(m, { supi: SUPI, k: hex(K), opc: hex(OPC) })).toThrow(/^image already holds an image/);
  });
  it('a card on a file: created, opened again after power-off with its SQN state, refused twice the same AUTN (TS 33.102 6.3.3)', () => {
    const img = join(dir, 'card.img');
    const c = Usim.create(img, { supi: SUPI, k: hex(K), opc: hex(OPC) });
    const v = av(3, 1);
    expect(c.authenticate(v.rand, v.autn).kind).toBe('ok');
    c.powerOff();
    expect(c.poweredOn).toBe(false);
    expect(() => c.authenticate(v.rand, v.autn)).toThrow(UsimPoweredOffError);
    expect(() => c.sqnState()).toThrow(/^USIM is powered off/);
    const again = Usim.open(img);
    try {
      expect(again.poweredOn).toBe(true);
      expect(again.supi).toBe(SUPI);
      expect(again.sqnState().seqMs[1]).toBe(3n);
      expect(again.authenticate(v.rand, v.autn).kind).toBe('sync-failure');
    } finally { again.powerOff(); }
    expect(checkUsimImage(img).banks.length).toBeGreaterThan(0);
    expect(checkUsimImage(img).message).toMatch(/^USIM image, generation \d+ in bank [01]/); // the store's kind names the card
  });
  it('create on a path: an existing file without force → EEXIST, with force it is replaced; a missing directory → ENOENT naming it; a file as directory → ENOTDIR; "" → InputError', () => {
    const img = join(dir, 'exists.img');
    writeFileSync(img, 'not an image');
    expect(() => Usim.create(img, { supi: SUPI, k: hex(K), opc: hex(OPC) })).toThrow(/already exists \(not replaced without force\)/);
    expect(readFileSync(img, 'utf8')).toBe('not an image');
    Usim.create(img, { supi: SUPI, k: hex(K), opc: hex(OPC), force: true }).powerOff();
    expect(Usim.open(img, { access: 'read' }).supi).toBe(SUPI);
    const missing = join(dir, 'no-such-dir', 'x.img');
    expect(() => Usim.create(missing, { supi: SUPI, k: hex(K), opc: hex(OPC) })).toThrow(/cannot create it: directory .*no-such-dir does not exist \(ENOENT\)/);
    const notDir = join(dir, 'plain-file');
    writeFileSync(notDir, '');
    try { Usim.create(join(notDir, 'x.img'), { supi: SUPI, k: hex(K), opc: hex(OPC) }); expect.unreachable(); } catch (e) {
      expect(e).toBeInstanceOf(ImageFileError);
      expect((e as ImageFileError).code).toBe('ENOTDIR');
      expect((e as Error).message).toMatch(/is not a directory \(ENOTDIR\)/);
    }
    expect(() => Usim.create('', { supi: SUPI, k: hex(K), opc: hex(OPC) })).toThrow(/^image must be a file path/);
    expect(() => Usim.create('a\0b', { supi: SUPI, k: hex(K), opc: hex(OPC) })).toThrow(/^image must be a file path/);
    expect(() => Usim.open('')).toThrow(/^image must be a file path/);
    expect(() => Usim.open('x\0y')).toThrow(InputError);
  });
  it('open of a file that is not a USIM image → NotAnImageError naming the path (read and write access)', () => {
    const img = join(dir, 'zeros.img');
    writeFileSync(img, new Uint8Array(8192));
    expect(() => Usim.open(img)).toThrow(NotAnImageError);
    expect(() => Usim.open(img, { access: 'read' })).toThrow(/is not a USIM image/);
    const small = join(dir, 'small.img');
    writeFileSync(small, new Uint8Array(10));
    expect(() => checkUsimImage(small)).toThrow(/is not a USIM image \(size 10 bytes\)/);
  });
  it('a medium with a blank store is not a card: Usim.open → InputError "image is blank"', () => {
    expect(() => Usim.open(new MemoryMedium(8192))).toThrow(/^image is blank \(no USIM personalised\)/);
  });
  it('a card whose image holds no card state (module never personalised) is refused at power-on', () => {
    const m = new MemoryMedium(8192);
    initUsimImage(AtomicStore.open(m, { type: 'USIM' }), { supi: SUPI });
    expect(() => Usim.open(m)).toThrow(/^image holds no card state/);
  });
});

describe('the card\'s file system (TS 31.102 4.2.2 EF IMSI, 4.2.8 EF UST, 4.4.11 DF5GS)', () => {
  const fresh = (opts: Partial<Parameters<typeof initUsimImage>[1]> = {}) => initUsimImage(AtomicStore.open(new MemoryMedium(8192), { type: 'USIM' }), { supi: SUPI, ...opts });
  it('initUsimImage: n°136 without n°122 is refused; record length 57..255; EF 5GAUTHKEYS at least 68 octets (SAIP default 110)', () => {
    expect(() => fresh({ services: [136] })).toThrow(/^services n°136 needs n°122/);
    expect(() => fresh({ nscRecordLength: 56 })).toThrow(/^nscRecordLength must be 57\.\.255, got 56/);
    expect(() => fresh({ nscRecordLength: 256 })).toThrow(/^nscRecordLength /);
    expect(fresh({ nscRecordLength: 255 }).recordLength(FID_5GS3GPPNSC)).toBe(255);
    expect(fresh({ nscRecordLength: 57 }).recordLength(FID_5GSN3GPPNSC)).toBe(57);
    expect(fresh({ nscRecordLength: 60 }).recordLength(FID_5GSN3GPPNSC)).toBe(60);
    expect(() => fresh({ authKeysSize: 67 })).toThrow(/^authKeysSize must be ≥ 68, got 67/);
    expect(() => fresh({ authKeysSize: 0x10000 })).toThrow(/^authKeysSize /);
    expect(fresh({ authKeysSize: 68 }).fileSize(FID_5GAUTHKEYS)).toBe(68);
    expect(fresh().fileSize(FID_5GAUTHKEYS)).toBe(110);
    expect(() => fresh({ cardState: 'x' as any })).toThrow(/^cardState must be a Uint8Array/);
    expect(fresh().readCardState()).toEqual(new Uint8Array(0));
  });
  it('without n°122 there is no EF 5GS3GPPNSC / LOCI: readNsc and readLoci give null; with it they decode', () => {
    const none = fresh({ services: [123] });
    expect(none.readNsc('3gpp')).toBeNull();
    expect(none.readLoci('non3gpp')).toBeNull();
    expect(none.hasEf(FID_5GS3GPPLOCI)).toBe(false);
    const s = fresh();
    expect(s.hasEf(FID_5GS3GPPNSC)).toBe(true); // linear fixed: record 1
    expect(s.hasEf(FID_5GSN3GPPLOCI)).toBe(true); // transparent
    expect(s.readNsc('non3gpp')).toMatchObject({ valid: false });
    expect(s.readLoci('3gpp')).toMatchObject({ valid: true, updateStatus: 1 });
    expect(s.readAuthKeys()).toMatchObject({ valid: false });
    expect(s.recordCount(FID_5GS3GPPLOCI)).toBe(0);
    expect(s.hasService(122)).toBe(true);
    expect(s.hasService(136)).toBe(false);
  });
  it('READ BINARY / READ RECORD of what does not exist, record 0 or 1.5 → InputError naming the EF or record', () => {
    const s = fresh();
    expect(() => s.readBinary(0x6f99)).toThrow(/^fid 6F99 is not a transparent EF of this USIM/);
    expect(() => s.readBinary(FID_5GS3GPPNSC)).toThrow(/^fid 4F03 is not a transparent EF/);
    expect(() => s.readRecord(FID_5GS3GPPNSC, 2)).toThrow(/^record 2 of EF 4F03 does not exist on this USIM/);
    expect(() => s.readRecord(FID_5GS3GPPNSC, 0)).toThrow(/^record must be an integer ≥ 1, got 0/);
    expect(() => s.readRecord(FID_5GS3GPPNSC, 1.5)).toThrow(/^record must be an integer ≥ 1/);
    expect(s.readRecord(FID_5GS3GPPNSC, 1)).toHaveLength(57);
  });
  it('UPDATE BINARY / UPDATE RECORD keep the size (TS 31.101); a wrong size or a non-byte value → InputError naming the EF; nothing is written', () => {
    const s = fresh();
    const seq = s.store.sequence;
    expect(() => s.updateBinary(FID_5GS3GPPLOCI, new Uint8Array(19))).toThrow(/^EF 4F01 must be 20 bytes, got 19/);
    expect(() => s.updateRecord(FID_5GS3GPPNSC, 1, new Uint8Array(58))).toThrow(/^EF 4F03 record 1 must be 57 bytes, got 58/);
    expect(() => s.updateBinary(FID_5GS3GPPLOCI, 'x' as any)).toThrow(/^EF 4F01 data must be a Uint8Array/);
    expect(() => s.updateCardState(null as any)).toThrow(/^cardState must be a Uint8Array/);
    expect(() => s.update([{ fid: FID_5GS3GPPLOCI, data: new Uint8Array(20) }, { fid: FID_5GS3GPPNSC, record: 1, data: new Uint8Array(3) }])).toThrow(/^EF 4F03 record 1 /);
    expect(s.store.sequence).toBe(seq);
    s.update([{ fid: FID_5GS3GPPLOCI, data: new Uint8Array(20).fill(1) }, { cardState: Uint8Array.of(9, 9) }]);
    expect(s.readBinary(FID_5GS3GPPLOCI)).toEqual(new Uint8Array(20).fill(1));
    expect(s.readCardState()).toEqual(Uint8Array.of(9, 9));
    expect(s.store.sequence).toBe(seq + 1n); // several writes, one transaction
  });
  it('an image without EF IMSI or EF UST is not a USIM; a blank store says so', () => {
    const st = AtomicStore.open(new MemoryMedium(8192), { type: 'USIM' });
    expect(() => UsimStorage.open(st)).toThrow(/^image is blank/);
    st.update([['EF6F07', encodeImsi(SUPI)]]);
    expect(() => UsimStorage.open(st)).toThrow(/^image lacks EF IMSI or EF UST/);
  });
  it('EF IMSI (TS 24.008 10.5.1.4): a wrong length, type, filler or digit is refused', () => {
    const ok = encodeImsi(SUPI);
    expect(decodeImsi(ok)).toBe(SUPI);
    expect(decodeImsi(encodeImsi('00101000000001'))).toBe('00101000000001'); // even: filler F
    expect(() => decodeImsi(ok.subarray(0, 8))).toThrow(/^EF IMSI is malformed/);
    expect(() => decodeImsi(Uint8Array.of(0, ...ok.subarray(1)))).toThrow(/^EF IMSI is malformed/);
    expect(() => decodeImsi(Uint8Array.of(9, ...ok.subarray(1)))).toThrow(/^EF IMSI is malformed/);
    const t = ok.slice(); t[1] = (t[1] & 0xf0) | 0x0a; // type 010
    expect(() => decodeImsi(t)).toThrow(/^EF IMSI identity type 2 is not IMSI/);
    const even = encodeImsi('00101000000001'); even[8] = (even[8] & 0x0f) | 0x30; // filler replaced by a digit
    expect(() => decodeImsi(even)).toThrow(/^EF IMSI even length without filler/);
    const d = ok.slice(); d[2] = 0xa0;
    expect(() => decodeImsi(d)).toThrow(/^EF IMSI has a non-decimal digit/);
  });
  it('EF UST (TS 31.102 4.2.8): at least 17 octets, longer when a service beyond 136 is set; numbers 1..255 only', () => {
    expect(encodeUst([1])).toHaveLength(17);
    expect(encodeUst([1])[0]).toBe(1);
    expect(encodeUst([8])[0]).toBe(0x80);
    expect(encodeUst([9])[1]).toBe(1);
    expect(encodeUst([137])).toHaveLength(18);
    expect(encodeUst([255])).toHaveLength(32);
    expect([...decodeUst(encodeUst([1, 8, 9, 122, 255]))]).toEqual([1, 8, 9, 122, 255]);
    expect(() => encodeUst([0])).toThrow(/^services service numbers are 1\.\.255, got 0/);
    expect(() => encodeUst([256])).toThrow(/^services /);
    expect(() => encodeUst([1.5])).toThrow(/^services /);
    expect(FID_IMSI).toBe(0x6f07);
    expect(FID_UST).toBe(0x6f38);
  });
});

describe('images this process may read but not lock, sizes that are no image, files the card does not know', () => {
  it('check and read-only open take the image lock when they can; a directory without write permission (EACCES/EPERM/EROFS) is read without it, any other lock error propagates', () => {
    const img = join(dir, 'nolock.img');
    Usim.create(img, { supi: SUPI, k: hex(K), opc: hex(OPC) }).powerOff();
    for (const code of ['EACCES', 'EPERM', 'EROFS']) {
      const spy = vi.spyOn(ImageLock, 'acquire').mockImplementation(() => { throw new ImageFileError(img, code, `cannot lock it (${code})`); });
      try {
        expect(checkUsimImage(img).banks.length, code).toBeGreaterThan(0);
        expect(Usim.open(img, { access: 'read' }).supi, code).toBe(SUPI);
        expect(() => Usim.open(img), `${code}: a writer needs the lock`).toThrow(new RegExp(`\\(${code}\\)`));
      } finally { spy.mockRestore(); }
    }
    const spy = vi.spyOn(ImageLock, 'acquire').mockImplementation(() => { throw new ImageFileError(img, 'EIO', 'cannot lock it (EIO)'); });
    try {
      expect(() => checkUsimImage(img)).toThrow(/\(EIO\)/);
      expect(() => Usim.open(img, { access: 'read' })).toThrow(/\(EIO\)/);
    } finally { spy.mockRestore(); }
  });
  it('a file larger than any image, or of a size no image has, is "not a USIM image" for check and for open (write access too), and is left as it was', () => {
    const big = join(dir, 'big.img');
    writeFileSync(big, new Uint8Array(MAX_MEDIUM_SIZE + 2));
    expect(() => checkUsimImage(big)).toThrow(/is not a USIM image \(larger than any image\)/);
    expect(() => Usim.open(big, { access: 'read' })).toThrow(/is not a USIM image \(larger than any image\)/);
    const odd = join(dir, 'odd.img');
    writeFileSync(odd, new Uint8Array(1001).fill(7));
    expect(() => Usim.open(odd)).toThrow(NotAnImageError);
    expect(() => Usim.open(odd)).toThrow(/odd\.img is not a USIM image \(medium size/);
    expect(readFileSync(odd)).toEqual(Buffer.alloc(1001, 7));
    // the lock was released: a writer can take the image at once
    expect(() => Usim.open(odd, { waitMs: 0 })).toThrow(NotAnImageError);
  });
  it('show: an EF the model does not name is listed as "EF <fid>", clause TS 31.102, no fields; image entries that are not EFs are not listed', () => {
    const c = card();
    c.storage.store.update([['EF6FAD', Uint8Array.of(0, 0, 0, 2)], ['notes', Uint8Array.of(1)]]);
    const files = c.show().files;
    expect(files.find((f) => f.file === 'EF6FAD')).toEqual({ file: 'EF6FAD', fid: '6FAD', name: 'EF 6FAD', clause: 'TS 31.102', hex: '00000002', fields: {} });
    expect(files.map((f) => f.file)).not.toContain('notes');
    expect(files.map((f) => f.file)).not.toContain('cardState');
  });
});

describe('card file system rules found unpinned by the host/usim Stryker run', () => {
  it('EF IMSI of a 6-digit SUPI: length 04, type/parity nibble 1 (even), F filler, the rest of the 9 octets FF (TS 31.102 4.2.2)', () => {
    expect(toHex(encodeImsi('001010'))).toBe('04011010f0ffffffff');
    expect(toHex(encodeImsi('0010101'))).toBe('0409101010ffffffff'); // odd count: parity 1, no filler
    expect(() => encodeImsi(1234567 as any)).toThrow(/^supi must be an IMSI of 6\.\.15 digits/); // digits as a number are not a SUPI string
  });
  it('EF UST: the last service of the table (bit 8 of the last octet, n°136 in 17 octets) is read back', () => {
    expect([...decodeUst(encodeUst([136]))]).toEqual([136]);
    expect([...decodeUst(encodeUst([1, 136]))]).toEqual([1, 136]);
  });
  it('an update that replaces a security context together with another EF erases the previous generation (TS 33.501 6.8.1.1.1: the old KAMF does not survive on the medium)', () => {
    const m = new MemoryMedium(8192);
    const c = Usim.create(m, { supi: SUPI, k: hex(K), opc: hex(OPC) });
    const ctx = (b: number) => encodeNscRecord({ ngKsi: 1, kamf: new Uint8Array(32).fill(b), ulNasCount: 0, dlNasCount: 0, nasAlgs: { ciphering: 2, integrity: 2 }, epsNasAlgs: null });
    c.storage.updateRecord(FID_5GS3GPPNSC, 1, ctx(0xab));
    const has = (b: number) => Buffer.from(m.bytes).includes(Buffer.alloc(32, b));
    expect(has(0xab)).toBe(true);
    c.storage.update([{ fid: FID_5GS3GPPLOCI, data: new Uint8Array(20).fill(0) }, { fid: FID_5GS3GPPNSC, record: 1, data: ctx(0xcd) }]);
    expect(has(0xcd)).toBe(true);
    expect(has(0xab)).toBe(false);
  });
});
