// USIM file system, ME NVM with the SUPI, and the power-on/registration rules of TS 33.501
// 6.8.1.1.2.1 / 6.8.1.1.1 / 6.9.3 / 6.2.2.2, including a power loss at every write
// step of every storage operation.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../host/errors.js';
import { AtomicStore, FileMedium, MemoryMedium, PowerLossError, type Medium } from '../../host/storage/atomic-store.js';
import { encodeNscRecord, inspectNscRecord, type AuthKeys, type StoredNsc } from '../../host/usim/files.js';
import { USIM_IMAGE_TYPE, UsimStorage, initUsimImage, type Access } from '../../host/usim/usim-storage.js';
import { ME_IMAGE_TYPE, MeStorage, MeStorageStateError, openMeImageFile } from '../../host/ue/me-storage.js';
import { CorruptImageError, ImageBusyError, NotAnImageError } from '../../host/storage/errors.js';
import { ContextStateError, ContextStore } from '../../host/ue/context-store.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const ff = (n: number) => 'FF'.repeat(n);
const fill = (n: number, v: number) => new Uint8Array(n).fill(v);

const SUPI_A = '001010000000001';
const SUPI_B = '001010000000002';
const A: StoredNsc = { ngKsi: 1, kamf: fill(32, 0xaa), ulNasCount: 5, dlNasCount: 3, nasAlgs: { ciphering: 1, integrity: 2 }, epsNasAlgs: { ciphering: 2, integrity: 2 } };
const A2: StoredNsc = { ...A, ulNasCount: 9, dlNasCount: 7 };
const B: StoredNsc = { ngKsi: 2, kamf: fill(32, 0xbb), ulNasCount: 0, dlNasCount: 0, nasAlgs: { ciphering: 2, integrity: 2 }, epsNasAlgs: null };
const B2: StoredNsc = { ...B, ulNasCount: 4, dlNasCount: 4 };
const K: AuthKeys = { kausf: fill(32, 0xc1), kseaf: fill(32, 0xd2) };
const K2: AuthKeys = { kausf: fill(32, 0xe3), kseaf: fill(32, 0xf4) };
// Record of A composed by hand from the tag table of TS 31.102 4.4.11.4.
const A_RECORD = `A0 37 80 01 01 81 20 ${'AA'.repeat(32)} 82 04 00000005 83 04 00000003 84 01 12 85 01 22`;
const INVALID_RECORD = `A0 03 80 01 07 ${ff(52)}`;
// A marked invalid with its content kept: KSI '111' in b3-b1 (TS 33.501 6.2.2.2 / 31.102 EPSNSC analogue), A's KSI 1 in b7-b5.
const A_RECORD_INVALID = A_RECORD.replace('80 01 01', '80 01 17');

/** One power source shared by the USIM and the ME media; `arm(k)` cuts it after k more steps. */
class Power {
  steps = 0;
  cutAt = Infinity;
  dead = false;
  arm(k: number) { this.cutAt = this.steps + k; }
}
class CutMedium implements Medium {
  constructor(readonly inner: Medium, readonly p: Power) {}
  get size() { return this.inner.size; }
  read(o: number, l: number) { if (this.p.dead) throw new PowerLossError(this.p.steps); return this.inner.read(o, l); }
  write(o: number, d: Uint8Array) {
    if (this.p.dead || this.p.steps >= this.p.cutAt) { this.p.dead = true; throw new PowerLossError(this.p.steps); }
    this.inner.write(o, d);
    this.p.steps++;
  }
}

function newUsim(supi: string, services?: number[]): MemoryMedium {
  const m = new MemoryMedium(4096);
  initUsimImage(AtomicStore.open(m, { type: USIM_IMAGE_TYPE }), { supi, services, cardState: fill(48, 0x99) });
  return m;
}
/** Power-on: fresh objects on the media, as a new process would make. */
function boot(usimM: Medium | null, meM: Medium, access: Access = '3gpp') {
  const usim = usimM ? UsimStorage.open(AtomicStore.open(usimM, { type: USIM_IMAGE_TYPE })) : null;
  const me = MeStorage.open(AtomicStore.open(meM, { type: ME_IMAGE_TYPE }));
  const cs = new ContextStore(me, { access });
  const r = cs.powerOn(usim);
  return { cs, r, usim, me };
}
const copyOf = (m: MemoryMedium) => { const c = new MemoryMedium(m.size); c.bytes.set(m.bytes); return c; };
const mediumHas = (m: MemoryMedium, secret: Uint8Array) => Buffer.from(m.bytes).includes(Buffer.from(secret));
/** A card with SUPI_A and an empty ME NVM, powered on, that completed a registration storing `ctx`
 *  (marked invalid: the UE is registered) — `switchOff` then stores it valid and leaves the UE off. */
function registered(ctx: StoredNsc, access: Access = '3gpp', switchOff = false) {
  const usimM = newUsim(SUPI_A), meM = new MemoryMedium(4096);
  const s = boot(usimM, meM, access);
  s.cs.beginRegistration();
  s.cs.registrationCompleted(ctx);
  if (switchOff) s.cs.deregister('switch-off');
  return { usimM, meM, s };
}

describe('USIM image (TS 31.102 DF5GS, EF IMSI, EF UST)', () => {
  it('creates the EFs of services n°122/n°123 with the SAIP default contents', () => {
    const u = UsimStorage.open(AtomicStore.open(newUsim(SUPI_A), { type: USIM_IMAGE_TYPE }));
    expect(u.supi).toBe(SUPI_A);
    expect(hex(u.readBinary(0x6f07))).toBe('080910100000000010');
    expect(hex(u.readBinary(0x6f38))).toBe('00'.repeat(15) + '0600');
    for (const fid of [0x4f01, 0x4f02]) expect(hex(u.readBinary(fid))).toBe(`${ff(16)}00000001`);
    expect(u.recordCount(0x4f03)).toBe(1);
    expect(hex(u.readRecord(0x4f03, 1))).toBe(ff(57));
    expect(hex(u.readRecord(0x4f04, 1))).toBe(ff(57));
    expect(hex(u.readBinary(0x4f05))).toBe(ff(110));
    expect(u.readCardState()).toEqual(fill(48, 0x99));
    expect(u.readNsc('3gpp')).toEqual({ valid: false, reason: "empty record ('FF'): no context stored" });
  });

  it('service n°136 gives EF 5GS3GPPNSC two records of 62 bytes', () => {
    const u = UsimStorage.open(AtomicStore.open(newUsim(SUPI_A, [122, 123, 136]), { type: USIM_IMAGE_TYPE }));
    expect(u.recordCount(0x4f03)).toBe(2);
    expect(u.recordLength(0x4f03)).toBe(62);
    expect(u.recordLength(0x4f04)).toBe(57);
    u.updateRecord(0x4f03, 2, encodeNscRecord(A, 62));
    expect(u.readNsc('3gpp', 2)).toEqual({ valid: true, ...A });
    expect(u.readNsc('3gpp', 1)?.valid).toBe(false);
  });

  it('a USIM without n°122/n°123 has no DF5GS EFs', () => {
    const u = UsimStorage.open(AtomicStore.open(newUsim(SUPI_A, []), { type: USIM_IMAGE_TYPE }));
    for (const fid of [0x4f01, 0x4f02, 0x4f03, 0x4f04, 0x4f05]) expect(u.hasEf(fid)).toBe(false);
    expect(u.readNsc('3gpp')).toBeNull();
    expect(u.readAuthKeys()).toBeNull();
    expect(() => u.readBinary(0x4f05)).toThrow(InputError);
  });

  it('validates updates and options', () => {
    const m = newUsim(SUPI_A);
    const u = UsimStorage.open(AtomicStore.open(m, { type: USIM_IMAGE_TYPE }));
    expect(() => u.updateRecord(0x4f03, 1, fill(56, 0))).toThrow(/must be 57 bytes, got 56/);
    expect(() => u.updateRecord(0x4f03, 2, fill(57, 0))).toThrow(/record/);
    expect(() => u.updateBinary(0x4f05, fill(68, 0))).toThrow(/must be 110 bytes/);
    expect(() => initUsimImage(u.store, { supi: SUPI_A })).toThrow(/already holds/);
    expect(() => initUsimImage(AtomicStore.open(new MemoryMedium(4096), { type: USIM_IMAGE_TYPE }), { supi: '12' })).toThrow(InputError);
    expect(() => initUsimImage(AtomicStore.open(new MemoryMedium(4096), { type: USIM_IMAGE_TYPE }), { supi: SUPI_A, services: [136] })).toThrow(/136/);
    expect(() => UsimStorage.open(AtomicStore.open(new MemoryMedium(4096), { type: USIM_IMAGE_TYPE }))).toThrow(/blank/);
    expect(() => AtomicStore.open(m, { type: ME_IMAGE_TYPE })).toThrow(/USIM/);
  });

  it('USIM and ME images persist in files across fresh objects (a new process)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ue-keys-usim-'));
    try {
      const usimPath = join(dir, 'usim.img');
      const mePath = join(dir, 'me.img');
      initUsimImage(AtomicStore.open(FileMedium.create(usimPath, 8192), { type: USIM_IMAGE_TYPE }), { supi: SUPI_A });
      const s1 = boot(new FileMedium(usimPath), FileMedium.create(mePath, 8192));
      s1.cs.beginRegistration();
      s1.cs.registrationCompleted(A);
      s1.cs.storeAuthKeys(K);
      s1.cs.deregister('switch-off'); // leaves RM-REGISTERED: stored valid (6.8.1.1.1)
      const s2 = boot(new FileMedium(usimPath), new FileMedium(mePath));
      expect(s2.r).toMatchObject({ context: A, source: 'usim', reason: 'loaded' });
      expect(s2.cs.loadAuthKeys()).toEqual({ valid: true, ...K });
      expect(hex(s2.usim!.readRecord(0x4f03, 1))).toBe(hex(bytes(A_RECORD)));
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('ME NVM stored with the SUPI (TS 24.501 C.1, TS 33.501 6.2.2.2)', () => {
  function meWithContext(supi: string): MemoryMedium {
    const meM = new MemoryMedium(4096);
    const s = boot(newUsim(supi, []), meM);
    s.cs.beginRegistration();
    s.cs.registrationCompleted(A);
    s.cs.storeAuthKeys(K);
    s.cs.deregister('switch-off');
    return meM;
  }

  it('keeps and uses the parameters with the same SUPI', () => {
    const meM = meWithContext(SUPI_A);
    const s = boot(newUsim(SUPI_A, []), meM);
    expect(s.r).toMatchObject({ context: A, source: 'me', reason: 'loaded', me: { deleted: false, reason: 'supi-match' } });
    expect(s.me.storedSupi).toBe(SUPI_A);
    expect(s.cs.loadAuthKeys()).toEqual({ valid: true, ...K });
  });

  it('deletes everything when the inserted USIM has another SUPI', () => {
    const meM = meWithContext(SUPI_A);
    const s = boot(newUsim(SUPI_B, []), meM);
    expect(s.r).toMatchObject({ context: null, me: { deleted: true, reason: 'supi-mismatch' } });
    expect(s.me.store.names()).toEqual([]);
    expect(mediumHas(meM, A.kamf)).toBe(false);
    expect(mediumHas(meM, K.kausf)).toBe(false);
    // Putting the first USIM back does not bring anything back.
    expect(boot(newUsim(SUPI_A, []), meM).r.context).toBeNull();
  });

  it('deletes everything at power-up without a USIM, and when the USIM is removed', () => {
    const meM = meWithContext(SUPI_A);
    const s = boot(null, meM);
    expect(s.r).toMatchObject({ context: null, reason: 'no USIM', me: { deleted: true, reason: 'no-usim' } });
    expect(s.me.store.names()).toEqual([]);
    const meM2 = meWithContext(SUPI_A);
    const s2 = boot(newUsim(SUPI_A, []), meM2);
    s2.cs.usimRemoved();
    expect(s2.cs.state).toBe('off');
    expect(boot(newUsim(SUPI_A, []), meM2).r.context).toBeNull();
  });

  it('refuses reads and writes before a USIM is bound', () => {
    const me = MeStorage.open(AtomicStore.open(new MemoryMedium(4096), { type: ME_IMAGE_TYPE }));
    expect(() => me.readNsc('3gpp')).toThrow(MeStorageStateError);
    expect(() => me.update([{ item: 'authKeys', keys: K }])).toThrow(MeStorageStateError);
    expect(() => me.powerOn('imsi')).toThrow(InputError);
  });

  it('stores items with the SUPI in the image (layout: SUPI, NSC/<access>, 5GAUTHKEYS)', () => {
    const s = boot(newUsim(SUPI_A, []), meWithContext(SUPI_A));
    expect(s.me.store.names()).toEqual(['5GAUTHKEYS', 'NSC/3gpp', 'SUPI']);
    expect(Buffer.from(s.me.store.read('SUPI')!).toString('ascii')).toBe(SUPI_A);
    expect(hex(s.me.store.read('NSC/3gpp')!)).toBe(hex(bytes(A_RECORD)));
  });
});

describe('power-on and registration rules (TS 33.501 6.8.1.1.2.1, 6.8.1.1.1, 6.9.3)', () => {
  it('loads only a context marked valid; marks it invalid during registration; a crash leaves none', () => {
    const usimM = newUsim(SUPI_A);
    const meM = new MemoryMedium(4096);
    let s = boot(usimM, meM);
    expect(s.r).toMatchObject({ context: null, source: 'usim' });
    s.cs.beginRegistration();
    s.cs.registrationCompleted(A);
    s.cs.deregister('switch-off');
    expect(hex(s.usim!.readRecord(0x4f03, 1))).toBe(hex(bytes(A_RECORD)));

    s = boot(usimM, meM);
    expect(s.r).toMatchObject({ context: A, source: 'usim', reason: 'loaded' });
    s.cs.beginRegistration();
    expect(hex(s.usim!.readRecord(0x4f03, 1))).toBe(hex(bytes(A_RECORD_INVALID)));
    expect(s.cs.current).toEqual(A); // still current in RAM

    s = boot(usimM, meM); // power lost while registering
    expect(s.r.context).toBeNull();
    expect(s.r.reason).toContain("KSI '111'");
  });

  it("TS 33.501 6.8.1.1.2.1: the stored copy stays marked invalid while registered ('marks the stored copy invalid' … until the UE leaves RM-REGISTERED); a power loss then loads nothing", () => {
    const { usimM, meM, s } = registered(A);
    expect(s.cs.state).toBe('registered');
    expect(hex(s.usim!.readRecord(0x4f03, 1))).toBe(hex(bytes(A_RECORD_INVALID)));
    expect(inspectNscRecord(s.usim!.readRecord(0x4f03, 1))).toEqual({ valid: false, content: A, reason: expect.stringContaining("KSI '111'") });
    s.cs.powerLoss();
    expect(boot(usimM, meM).r).toMatchObject({ context: null, reason: expect.stringContaining("KSI '111'") });
  });

  it('TS 33.501 6.8.1.1.2.1 "If the attempt to transition away from RM DEREGISTERED state … fails, the ME shall store the (possibly updated) 5G NAS security context … and mark it as valid": a failed initial registration writes it back valid, COUNTs included', () => {
    let { usimM, meM, s } = registered(A, '3gpp', true);
    s = boot(usimM, meM);
    s.cs.beginRegistration();
    s.cs.registrationFailed(A2);
    expect(s.cs.state).toBe('deregistered');
    expect(boot(usimM, meM).r.context).toEqual(A2);
  });

  it('replaces KAMF and ngKSI on completion (seed 000), marked invalid; the old key is gone', () => {
    let { usimM, meM, s } = registered(A, '3gpp', true);
    s = boot(usimM, meM);
    s.cs.beginRegistration();
    s.cs.registrationCompleted(B);
    expect(s.cs.state).toBe('registered');
    expect(s.cs.stored()).toEqual({ valid: false, content: B, location: 'usim' });
    expect(mediumHas(usimM, A.kamf)).toBe(false);
    s.cs.deregister('normal');
    expect(boot(usimM, meM).r.context).toEqual(B);
  });

  it('TS 33.501 6.8.1.1.2.1 (stored copy invalid while RM-REGISTERED; only a failed attempt to leave RM-DEREGISTERED is stored valid): a failed MOBILITY registration keeps the copy invalid, content and COUNTs updated', () => {
    const usimM = newUsim(SUPI_A), meM = new MemoryMedium(4096);
    const s = boot(usimM, meM);
    s.cs.beginRegistration();
    s.cs.registrationCompleted(A);
    s.cs.beginRegistration('mobility');
    expect(s.cs.stored()).toEqual({ valid: false, content: A, location: 'usim' });
    s.cs.registrationFailed(A2);
    expect(s.cs.state).toBe('registered');
    expect(s.cs.stored()).toEqual({ valid: false, content: A2, location: 'usim' });
    expect(hex(s.usim!.readRecord(0x4f03, 1))).toBe(hex(bytes(A_RECORD_INVALID.replace('82 04 00000005 83 04 00000003', '82 04 00000009 83 04 00000007'))));
    // Negative control: the same record marked valid is what a failed INITIAL registration writes (test above)
    expect(inspectNscRecord(bytes(A_RECORD.replace('82 04 00000005 83 04 00000003', '82 04 00000009 83 04 00000007'))).valid).toBe(true);
    s.cs.beginRegistration('mobility');
    expect(s.usim!.readNsc('3gpp')).toMatchObject({ valid: false });
    s.cs.registrationCompleted(B);
    expect(s.cs.stored()).toEqual({ valid: false, content: B, location: 'usim' });
  });

  it('TS 33.501 6.8.1.1.2.1: a power loss after a failed mobility registration finds no valid copy (the UE sends ngKSI 111), so no UL COUNT of the kept KAMF is reused', () => {
    const usimM = newUsim(SUPI_A), meM = new MemoryMedium(4096);
    const s = boot(usimM, meM);
    s.cs.beginRegistration();
    s.cs.registrationCompleted(A);
    s.cs.beginRegistration('mobility');
    s.cs.registrationFailed(A2);
    s.cs.powerLoss();
    expect(boot(usimM, meM).r).toMatchObject({ context: null, reason: expect.stringContaining("KSI '111'") });
  });

  it('deregistration: normal and switch-off store the context valid; reject removes context and KAUSF/KSEAF', () => {
    let { usimM, meM, s } = registered(B);
    s.cs.storeAuthKeys(K);
    s.cs.deregister('normal', B2);
    expect(s.cs.state).toBe('deregistered');
    expect(boot(usimM, meM).r.context).toEqual(B2);

    s = boot(usimM, meM);
    s.cs.beginRegistration();
    s.cs.registrationCompleted(A);
    s.cs.deregister('switch-off', A2);
    expect(s.cs.state).toBe('off');
    expect(s.cs.current).toBeNull();
    expect(boot(usimM, meM).r.context).toEqual(A2);

    s = boot(usimM, meM);
    s.cs.deregister('reject');
    expect(hex(s.usim!.readRecord(0x4f03, 1))).toBe(hex(bytes(INVALID_RECORD)));
    expect(hex(s.usim!.readBinary(0x4f05))).toBe(ff(110));
    expect(boot(usimM, meM).r.context).toBeNull();
  });

  it('a deregistration without a full native context marks the stored copy invalid', () => {
    const { usimM, meM, s } = registered(A);
    s.cs.deregister('normal', null);
    expect(boot(usimM, meM).r.context).toBeNull();
  });

  it('never stores a NIA0 (null integrity) context', () => {
    const { usimM, meM, s } = registered({ ...B, nasAlgs: { ciphering: 0, integrity: 0 } });
    expect(hex(s.usim!.readRecord(0x4f03, 1))).toBe(hex(bytes(INVALID_RECORD)));
    s.cs.deregister('normal');
    expect(boot(usimM, meM).r.context).toBeNull();
  });

  it('stores KAUSF/KSEAF in EF 5GAUTHKEYS when present (n°123), else in ME NVM', () => {
    const onCard = boot(newUsim(SUPI_A), new MemoryMedium(4096));
    onCard.cs.storeAuthKeys(K);
    expect(hex(onCard.usim!.readBinary(0x4f05))).toBe(hex(bytes(`80 20 ${'C1'.repeat(32)} 81 20 ${'D2'.repeat(32)} ${ff(42)}`)));
    expect(onCard.me.readAuthKeys()).toBeNull();
    onCard.cs.deleteAuthKeys();
    expect(onCard.cs.loadAuthKeys()).toMatchObject({ valid: false });

    const meM = new MemoryMedium(4096);
    const inMe = boot(newUsim(SUPI_A, [122]), meM);
    inMe.cs.storeAuthKeys(K);
    expect(inMe.me.readAuthKeys()).toEqual({ valid: true, ...K });
    expect(inMe.cs.nscLocation).toBe('usim');
  });

  it('keeps the 5G-GUTI/TAI in EF 5GS3GPPLOCI, or in ME NVM without n°122', () => {
    const loci = { guti: bytes('000BF200F110CAFE4112345678'), tai: { plmn: bytes('00F110'), tac: bytes('000001') }, updateStatus: 0 as const };
    const card = boot(newUsim(SUPI_A), new MemoryMedium(4096));
    card.cs.storeLoci(loci);
    expect(hex(card.usim!.readBinary(0x4f01))).toBe('000BF200F110CAFE411234567800F11000000100');
    const meM = new MemoryMedium(4096);
    const usimM = newUsim(SUPI_A, []);
    boot(usimM, meM).cs.storeLoci(loci);
    expect(boot(usimM, meM).cs.loadLoci()).toEqual({ valid: true, ...loci });
    expect(boot(newUsim(SUPI_B, []), meM).cs.loadLoci()).toBeNull();
  });

  describe('TS 24.501 5.5.1.3.5 #3/#6/#7: "set the 5GS update status to 5U3 ROAMING NOT ALLOWED … delete any 5G-GUTI, last visited registered TAI, TAI list and ngKSI … consider the USIM as invalid for 5GS services until switching off or the UICC containing the USIM is removed"', () => {
    const loci = { guti: bytes('000BF200F110CAFE4112345678'), tai: { plmn: bytes('00F110'), tac: bytes('000001') }, updateStatus: 0 as const };
    // Expected EF 5GS3GPPLOCI, composed by hand: 5G-GUTI 'FF'×13 (TS 31.102 4.4.11.2: no GUTI); TAI deleted = the
    // deleted TAI's PLMN with TAC 'FFFFFE' (TS 24.501 9.11.3.8 "all bits of the tracking area code shall be set to
    // one with the exception of the least significant bit"); byte 20 = 02 "roaming not allowed" (5U3).
    const REJECTED_LOCI = `${ff(13)} 00F110 FFFFFE 02`;
    it('EF 5GS3GPPLOCI is rewritten in the same USIM transaction as the context and KAUSF/KSEAF', () => {
      const usimM = newUsim(SUPI_A), meM = new MemoryMedium(4096);
      const s = boot(usimM, meM);
      s.cs.beginRegistration();
      s.cs.registrationCompleted(A);
      s.cs.storeAuthKeys(K);
      s.cs.storeLoci(loci);
      const before = s.cs.writes.length;
      s.cs.deregister('reject');
      expect(hex(s.usim!.readBinary(0x4f01))).toBe(hex(bytes(REJECTED_LOCI)));
      expect(hex(s.usim!.readRecord(0x4f03, 1))).toBe(hex(bytes(INVALID_RECORD)));
      expect(s.cs.writes.slice(before)).toEqual([
        { medium: 'usim', item: 'nsc', action: 'mark-invalid' }, { medium: 'usim', item: 'authKeys', action: 'delete' }, { medium: 'usim', item: 'loci', action: 'write-valid' }]);
      expect(s.cs.loadLoci()).toMatchObject({ valid: true, guti: null, updateStatus: 2 });
    });
    it('without EF 5GS3GPPLOCI (no n°122) the ME NVM copy gets the same content', () => {
      const usimM = newUsim(SUPI_A, []), meM = new MemoryMedium(4096);
      const s = boot(usimM, meM);
      s.cs.storeLoci(loci);
      s.cs.deregister('reject');
      const l = boot(usimM, meM).cs.loadLoci()!;
      expect(l).toMatchObject({ valid: true, guti: null, updateStatus: 2 });
      expect(l.valid && hex(l.tai.plmn) + hex(l.tai.tac)).toBe('00F110FFFFFE');
    });
    it('no registration starts while the USIM is invalid; power-on (switch-off/on) or USIM removal ends it', () => {
      const usimM = newUsim(SUPI_A), meM = new MemoryMedium(4096);
      const s = boot(usimM, meM);
      s.cs.deregister('reject');
      expect(s.cs.usimInvalidFor5gs).toBe(true);
      const rec = hex(s.usim!.readRecord(0x4f03, 1));
      expect(() => s.cs.beginRegistration()).toThrow(/invalid for 5GS services.*5\.5\.1\.3\.5/);
      expect([s.cs.state, hex(s.usim!.readRecord(0x4f03, 1))]).toEqual(['deregistered', rec]); // refused: nothing changed
      const t = boot(usimM, meM);
      expect(t.cs.usimInvalidFor5gs).toBe(false);
      expect(() => t.cs.beginRegistration()).not.toThrow();
      const u = boot(usimM, meM);
      u.cs.deregister('reject');
      u.cs.usimRemoved();
      expect(u.cs.usimInvalidFor5gs).toBe(false);
    });
  });

  it('TS 33.501 6.8.1.1.1 "no copy … in NV when the USIM holds it": the ME copy is deleted AFTER the USIM write; a cut between leaves both and the USIM wins', () => {
    const meM = new MemoryMedium(4096);
    const s1 = boot(newUsim(SUPI_A, []), meM);
    s1.cs.beginRegistration();
    s1.cs.registrationCompleted(A);
    s1.cs.deregister('switch-off');
    expect(s1.me.hasNsc('3gpp')).toBe(true);
    const usimM = newUsim(SUPI_A); // same SUPI, a USIM with EF 5GS3GPPNSC
    const s2 = boot(usimM, meM);
    expect(s2.r).toMatchObject({ context: null, source: 'usim' });
    s2.cs.beginRegistration();
    s2.cs.registrationCompleted(B);
    expect(s2.cs.writes.filter((w) => w.item === 'nsc')).toEqual([
      { medium: 'usim', item: 'nsc', action: 'write-invalid' },
      { medium: 'me', item: 'nsc', action: 'delete' },
    ]);
    expect(s2.me.hasNsc('3gpp')).toBe(false);
    expect(mediumHas(meM, A.kamf)).toBe(false);
  });

  it('a power cut between the USIM write and the ME deletion: both media hold a record, power-on uses the USIM one', () => {
    const meM = new MemoryMedium(4096);
    const s1 = boot(newUsim(SUPI_A, []), meM);
    s1.cs.beginRegistration();
    s1.cs.registrationCompleted(A);
    s1.cs.deregister('switch-off');
    const usim0 = newUsim(SUPI_A);
    const s0 = boot(copyOf(usim0), copyOf(meM));
    s0.cs.beginRegistration();
    const usimSteps = (() => { const p = new Power(); const u = copyOf(usim0), m = copyOf(meM); const s = boot(new CutMedium(u, p), m); const b = p.steps; s.cs.beginRegistration(); s.cs.registrationCompleted(B); s.cs.deregister('normal'); return p.steps - b; })();
    expect(usimSteps).toBeGreaterThan(0);
    // cut every USIM step of a completion + deregistration with the ME copy still there: power-on never loads A from the ME
    for (let cut = 0; cut <= usimSteps; cut++) {
      const u = copyOf(usim0), m = copyOf(meM), p = new Power();
      const s = boot(new CutMedium(u, p), m);
      s.cs.beginRegistration();
      p.arm(cut);
      try { s.cs.registrationCompleted(B); s.cs.deregister('normal'); } catch (e) { expect(e).toBeInstanceOf(PowerLossError); }
      const after = boot(u, m).r;
      expect(after.source).toBe('usim');
      expect([null, hex(encodeNscRecord(B))]).toContain(after.context ? hex(encodeNscRecord(after.context)) : null);
    }
  });

  it('keeps the two access types apart (EF 5GS3GPPNSC vs EF 5GSN3GPPNSC)', () => {
    const { usimM, meM, s } = registered(B, 'non3gpp', true);
    expect(s.usim!.readNsc('non3gpp')).toEqual({ valid: true, ...B });
    expect(boot(usimM, meM, '3gpp').r.context).toBeNull();
    expect(boot(usimM, meM, 'non3gpp').r.context).toEqual(B);
  });

  it('refuses calls out of order', () => {
    const s = boot(newUsim(SUPI_A), new MemoryMedium(4096));
    expect(() => s.cs.registrationCompleted(A)).toThrow(ContextStateError);
    expect(() => s.cs.beginRegistration('mobility')).toThrow(ContextStateError);
    s.cs.beginRegistration();
    expect(() => s.cs.beginRegistration()).toThrow(ContextStateError);
    expect(() => s.cs.registrationCompleted({ ...A, kamf: fill(31, 0) })).toThrow(/kamf must be 32 bytes, got 31/);
    const none = boot(null, new MemoryMedium(4096));
    expect(() => none.cs.beginRegistration()).toThrow(ContextStateError);
  });
});

// ---------------------------------------------------------------------------------------------
// Power loss at every write step of every storage operation.

/** What a power-on sees: the context it loads (valid only), KAUSF/KSEAF, and the record content held (valid or not). */
type Obs = { ctx: string; keys: string; held: string };
const obsOf = (c: StoredNsc | null, k: AuthKeys | null, held: StoredNsc | null = c): Obs =>
  ({ ctx: c ? hex(encodeNscRecord(c)) : 'none', keys: k ? hex(k.kausf) + hex(k.kseaf) : 'none', held: held ? hex(encodeNscRecord(held)) : 'none' });
function observe(usimM: Medium, meM: Medium, access: Access = '3gpp'): Obs {
  const s = boot(usimM, meM, access);
  const k = s.cs.loadAuthKeys();
  return obsOf(s.r.context, k && k.valid ? k : null, s.cs.stored()?.content ?? null);
}

interface Scenario {
  name: string;
  /** Runs on fresh media before the power-loss loop (no cut). */
  prepare: (cs: ContextStore) => void;
  /** Steps of the tested session before the power is armed. */
  pre?: (cs: ContextStore) => void;
  op: (cs: ContextStore) => void;
  states: Obs[]; // allowed observations: [old, new] (or [old, mid, new] across two stores)
}
const none = obsOf(null, null);
const reg = (c: StoredNsc) => (cs: ContextStore) => { cs.beginRegistration(); cs.registrationCompleted(c); };
/** Registered, then switched off: the context stored valid (6.8.1.1.1). */
const stored = (c: StoredNsc) => (cs: ContextStore) => { reg(c)(cs); cs.deregister('switch-off'); };
const SCENARIOS: Scenario[] = [
  { name: 'beginRegistration marks the stored copy invalid', prepare: stored(A), op: (cs) => cs.beginRegistration(), states: [obsOf(A, null), obsOf(null, null, A)] },
  { name: 'registrationFailed writes back the updated context', prepare: stored(A), pre: (cs) => cs.beginRegistration(), op: (cs) => cs.registrationFailed(A2), states: [obsOf(null, null, A), obsOf(A2, null)] },
  { name: 'registrationCompleted stores a new context', prepare: () => {}, pre: (cs) => cs.beginRegistration(), op: (cs) => cs.registrationCompleted(B), states: [none, obsOf(null, null, B)] },
  { name: 'mobility registrationCompleted replaces KAMF/ngKSI', prepare: () => {}, pre: (cs) => { reg(A)(cs); cs.beginRegistration('mobility'); }, op: (cs) => cs.registrationCompleted(B), states: [obsOf(null, null, A), obsOf(null, null, B)] },
  { name: 'deregister(normal) stores the current COUNTs', prepare: () => {}, pre: reg(B), op: (cs) => cs.deregister('normal', B2), states: [obsOf(null, null, B), obsOf(B2, null)] },
  { name: 'storeAuthKeys replaces KAUSF/KSEAF', prepare: (cs) => cs.storeAuthKeys(K), op: (cs) => cs.storeAuthKeys(K2), states: [obsOf(null, K), obsOf(null, K2)] },
  { name: 'deregister(reject) removes context and keys together', prepare: (cs) => { reg(B)(cs); cs.storeAuthKeys(K); }, op: (cs) => cs.deregister('reject'), states: [obsOf(null, K, B), none] },
];

function runScenario(sc: Scenario, services: number[], states: Obs[]): number {
  const usim0 = newUsim(SUPI_A, services);
  const me0 = new MemoryMedium(4096);
  sc.prepare(boot(usim0, me0).cs);
  const session = (cut: number) => {
    const usimM = copyOf(usim0);
    const meM = copyOf(me0);
    const p = new Power();
    const s = boot(new CutMedium(usimM, p), new CutMedium(meM, p));
    sc.pre?.(s.cs);
    const before = p.steps;
    p.arm(cut);
    try { sc.op(s.cs); } catch (e) { expect(e).toBeInstanceOf(PowerLossError); }
    return { usimM, meM, steps: p.steps - before, lost: p.dead };
  };
  const n = session(Infinity).steps;
  expect(n).toBeGreaterThan(0);
  const at = (o: Obs) => states.findIndex((x) => x.ctx === o.ctx && x.keys === o.keys && x.held === o.held);
  const seen: number[] = [];
  for (let cut = 0; cut <= n; cut++) {
    const r = session(cut);
    expect(r.lost).toBe(cut < n);
    const o = observe(r.usimM, r.meM);
    expect(states, `${sc.name}: cut after ${cut} of ${n} steps`).toContainEqual(o);
    // Never back: once a later state is visible, a later cut never shows an earlier one.
    if (seen.length) expect(at(o)).toBeGreaterThanOrEqual(seen[seen.length - 1]);
    seen.push(at(o));
  }
  expect(seen[0]).toBe(0);
  expect(seen[seen.length - 1]).toBe(states.length - 1);
  return n;
}

describe('power loss after every write step of every storage operation', () => {
  for (const sc of SCENARIOS) {
    it(`USIM files: ${sc.name}`, () => { runScenario(sc, [122, 123], sc.states); });
    it(`ME NVM: ${sc.name}`, () => { runScenario(sc, [], sc.states); });
  }

  it('split placement (context on the USIM, keys in ME): reject goes old → context gone → both gone', () => {
    const sc = SCENARIOS.find((s) => s.name.startsWith('deregister(reject)'))!;
    runScenario(sc, [122], [obsOf(null, K, B), obsOf(null, K), none]);
  });

  it('the ME deletion at power-on with another SUPI is all or nothing', () => {
    const me0 = new MemoryMedium(4096);
    const usimA = newUsim(SUPI_A, []);
    const s0 = boot(usimA, me0);
    reg(A)(s0.cs);
    s0.cs.storeAuthKeys(K);
    s0.cs.deregister('switch-off');
    const usimB = newUsim(SUPI_B, []);
    for (let cut = 0; cut < 40; cut++) {
      const meM = copyOf(me0);
      const p = new Power();
      p.arm(cut);
      try { boot(copyOf(usimB), new CutMedium(meM, p)); } catch (e) { expect(e).toBeInstanceOf(PowerLossError); }
      expect([obsOf(A, K), none]).toContainEqual(observe(copyOf(usimA), copyOf(meM)));
      expect(observe(copyOf(usimB), copyOf(meM))).toEqual(none); // the other USIM never sees them
    }
  });
});

// Issue 17: the ME NVM image follows the USIM image's rules (host/storage/atomic-store.ts).
describe('ME NVM image file: refused when invalid, never rewritten; 0600; one writer; retired keys gone', () => {
  const withDir = (f: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'ue-keys-me-'));
    try { f(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
  };
  const loci = { guti: fill(13, 0x21), tai: { plmn: bytes('00f110'), tac: bytes('000001') }, updateStatus: 0 as const };

  it('created with mode 0600; a second opener waits the bound and gets "image busy"; close releases', () => withDir((dir) => {
    const path = join(dir, 'me.img');
    const f = openMeImageFile(path);
    try {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      f.me.powerOn(SUPI_A);
      f.me.update([{ item: 'authKeys', keys: K }]);
      expect(() => openMeImageFile(path, { waitMs: 100 })).toThrow(ImageBusyError);
    } finally { f.close(); }
    const g = openMeImageFile(path);
    try { g.me.powerOn(SUPI_A); expect(g.me.readAuthKeys()).toEqual({ valid: true, ...K }); } finally { g.close(); }
  }));

  it('a newest generation with a bad checksum → CorruptImageError, and a non-image → NotAnImageError; both files untouched', () => withDir((dir) => {
    const path = join(dir, 'me.img');
    const f = openMeImageFile(path);
    f.me.powerOn(SUPI_A);
    f.me.update([{ item: 'loci', access: '3gpp', loci }]);
    f.me.update([{ item: 'loci', access: '3gpp', loci: { ...loci, updateStatus: 1 } }]);
    f.close();
    const img = readFileSync(path);
    img[4096 * (img[5] === 0x00 && img[6] === 0xff ? 0 : 1) + 56 + 7] ^= 0x40; // a payload byte of the newest generation
    writeFileSync(path, img);
    const before = readFileSync(path).toString('hex');
    expect(() => openMeImageFile(path)).toThrow(CorruptImageError);
    expect(() => openMeImageFile(path)).toThrow(/^image corrupt: .*me\.img: the newest generation \(2, bank 1\)/);
    expect(readFileSync(path).toString('hex')).toBe(before);
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'x'.repeat(8192));
    expect(() => openMeImageFile(notes)).toThrow(NotAnImageError);
    expect(() => openMeImageFile(notes)).toThrow(/notes\.txt is not a ME NVM image/);
    expect(readFileSync(notes, 'utf8')).toBe('x'.repeat(8192));
  }));

  it('another SUPI at power-on (TS 33.501 6.2.2.2): the deleted KAUSF/KSEAF are nowhere in the file; a LOCI-only update keeps the previous generation', () => withDir((dir) => {
    const path = join(dir, 'me.img');
    const f = openMeImageFile(path);
    try {
      f.me.powerOn(SUPI_A);
      f.me.update([{ item: 'authKeys', keys: K }]);
      f.me.update([{ item: 'loci', access: '3gpp', loci }]);
      const file = () => readFileSync(path);
      expect(file().includes(Buffer.from(K.kausf))).toBe(true);
      expect(AtomicStore.inspect(f.medium, { type: ME_IMAGE_TYPE }).banks.map((b) => b.state)).toEqual(['intact', 'intact']);
      expect(f.me.powerOn(SUPI_B)).toEqual({ deleted: true, reason: 'supi-mismatch' });
      expect(file().includes(Buffer.from(K.kausf))).toBe(false);
      expect(file().includes(Buffer.from(K.kseaf))).toBe(false);
    } finally { f.close(); }
  }));
});
