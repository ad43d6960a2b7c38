// SRVCC from 5G to UTRAN CS (TS 33.501 Annex J / A.21, TS 33.401 A.12; the draft variants of
// seed 003). UE firmware against the node:crypto network models (AMF step, MME_SRVCC, MSC server)
// on random KAMF / COUNT / ngKSI; expected keys come from the models and host/reference, never
// from the firmware under test.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UeFirmware } from '../../host/firmware/ue-firmware.js';
import { UeInterworking, SRVCC_VARIANTS, type SrvccVariant } from '../../host/firmware/ue-interworking.js';
import { SrvccAmf, MmeSrvcc, MscServer, type PsToCsRequest } from '../../host/network/msc.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import type { AmfUeContext } from '../../host/network/amf.js';
import { Trace } from '../../host/trace.js';
import { runSrvcc } from '../../host/scenarios/srvcc.js';
import { kdfRef, ref } from '../../host/reference/kdf.js';
import { CountWrapError, InputError, StateError } from '../../host/errors.js';
import * as M from '../../host/nas/messages.js';
import { hex, toHex } from '../helpers.js';

const RUNS = { numRuns: 300 };
const CAPS = Uint8Array.of(0xf0, 0xf0);
const be32 = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
const contains = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay).indexOf(Buffer.from(needle)) >= 0;

const ue = new UeFirmware();
ue.configure({ ueSecurityCapabilities: CAPS });
const iw = new UeInterworking(ue);

/** A UE whose current context holds `kamf`, ngKSI and the last accepted DL COUNT (none: null). */
function ueWith(kamf: Uint8Array, ngKsi: number, lastDl: number | null): void {
  ue.install('current', { kamf, ngKsi, type: 'full-native', nea: 2, nia: 2 });
  ue.setCounts('current', '3gpp', 0, lastDl ?? 0, lastDl !== null);
}

/** The network side: an AMF context at DL COUNT `dl`, then the AMF step, MME_SRVCC / direct, MSC. */
function network(kamf: Uint8Array, ngKsi: number, dl: number, variant: SrvccVariant, fcv: number) {
  const trace = new Trace();
  const nas = new NetworkNasContext(kamf, ngKsi, 2, 2);
  nas.dlNext['3gpp'] = dl;
  const ctx: AmfUeContext = { supi: '001010000000001', guti: Uint8Array.of(1), nas, ueSecurityCapabilities: CAPS, transferPending: false };
  const amf = new SrvccAmf('AMF', trace), msc = new MscServer(trace);
  const step = amf.handoverRequired(ctx, variant, fcv);
  const req = variant === 'direct' ? amf.directRequest(step) : new MmeSrvcc(trace).psToCs(step);
  return { step, req, msc: msc.psToCsHandoverRequest('ue', req, 'MME'), mscServer: msc, nas };
}

/** The expected CK ‖ IK straight from the reference KDF (a second, model-free oracle). */
function expectedCkIk(kamf: Uint8Array, dl: number, variant: SrvccVariant, fcv: number): string {
  const key = fcv === 0x7d ? ref.kasmeSrvcc(kamf, dl) : kdfRef(kamf, fcv, [be32(dl)]);
  if (variant !== 'mme-derive') return toHex(key);
  const k = ref.ckIkSrvcc(key, 0);
  return toHex(k.ck) + toHex(k.ik);
}

const arb = fc.record({
  kamf: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  ngKsi: fc.nat({ max: 6 }),
  last: fc.option(fc.nat({ max: 0xffff00 }), { nil: null }),
  gap: fc.integer({ min: 1, max: 16 }),
  variant: fc.constantFrom(...SRVCC_VARIANTS),
  fc: fc.oneof(fc.constant(0x7d), fc.constant(0x74), fc.nat({ max: 0xff })),
});

describe('UE and network derive identical CK/IK/KSI (every variant, random KAMF and COUNT)', () => {
  it('firmware = AMF step → MME_SRVCC / direct → MSC server = reference, DL COUNT estimated from 4 LSB', () => {
    fc.assert(fc.property(arb, (x) => {
      const dl = x.last === null ? x.gap - 1 : x.last + x.gap; // none accepted: 0..15
      ueWith(x.kamf, x.ngKsi, x.last);
      const n = network(x.kamf, x.ngKsi, dl, x.variant, x.fc);
      const u = iw.srvccHoCommand({ dlLsb4: n.step.dlCount & 15, variant: x.variant, fc: x.fc });
      expect(u.dlCount).toBe(dl);
      expect(n.step.dlCount).toBe(dl);
      expect(n.nas.dlNext['3gpp']).toBe(dl + 1);              // the AMF increments AFTER deriving
      expect(toHex(u.ck)).toBe(toHex(n.msc.ck));
      expect(toHex(u.ik)).toBe(toHex(n.msc.ik));
      expect(u.ksi).toBe(n.msc.ksi);
      expect(n.msc.ksi).toBe(x.ngKsi);                          // ngKSI → eKSI → KSISRVCC
      expect(toHex(n.msc.ck) + toHex(n.msc.ik)).toBe(expectedCkIk(x.kamf, dl, x.variant, x.fc));
      expect(u.amfKey ? toHex(u.amfKey) : null).toBe(n.step.kasmeSrvcc ? toHex(n.step.kasmeSrvcc) : null);
      const held = iw.srvccRead();
      expect([held.valid, held.ksi, held.dlCount, held.fc, held.variant, toHex(held.ck)]).toEqual([true, x.ngKsi, dl, x.fc, x.variant, toHex(n.msc.ck)]);
      expect(ue.read('current').dlCount['3gpp']).toBe(dl);      // the UE moved past that DL COUNT too
    }), RUNS);
  });
});

describe('4-LSB DL COUNT estimate across wrap-around and gaps', () => {
  const cases: Array<[number | null, number]> = [
    [null, 0], [null, 15], [0x0e, 0x0f], [0x0f, 0x10], [0x0f, 0x1f], [0x0e, 0x1d], [0x10, 0x20],
    [0xff, 0x100], [0xff, 0x10f], [0xfa, 0x109], [0x1ff, 0x200], [0x1ff, 0x20e], [0xffff, 0x10000], [0xfffff0, 0xffffff],
  ];
  for (const [last, dl] of cases) {
    it(`last accepted ${last === null ? 'none' : '0x' + last.toString(16)}, AMF DL COUNT 0x${dl.toString(16)}`, () => {
      const kamf = hex('11'.repeat(32));
      ueWith(kamf, 3, last);
      const n = network(kamf, 3, dl, 'mme-derive', 0x7d);
      const u = iw.srvccHoCommand({ dlLsb4: dl & 15 });
      expect(u.dlCount).toBe(dl);
      expect(toHex(u.ck)).toBe(toHex(n.msc.ck));
    });
  }
  it('an estimate past the 24-bit NAS COUNT is refused (CountWrapError), nothing derived', () => {
    ueWith(hex('22'.repeat(32)), 1, 0xffffff);
    expect(() => iw.srvccHoCommand({ dlLsb4: 0 })).toThrow(CountWrapError);
  });
});

describe('FC 0x74 (the draft\'s "similar to 8.6.1" reading) is a key-separation failure', () => {
  it('for every variant the AMF-step key equals K′ASME of A.14.2 with FC 0x74, never with 0x7D (random KAMF/COUNT)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat({ max: 0xffff }), fc.constantFrom(...SRVCC_VARIANTS), (kamf, dl, variant) => {
      const a = network(kamf, 0, dl, variant, 0x74), b = network(kamf, 0, dl, variant, 0x7d);
      expect(a.step.keySeparationWarning).toBe(true);
      expect(b.step.keySeparationWarning).toBe(false);
      expect(toHex(a.step.kasmeSrvcc ?? a.step.ckIk!)).toBe(toHex(ref.kasmePrime(kamf, 'ho', dl)));
      // the UE side compares with its own firmware A.14.2; its value is the reference's
      expect(toHex(iw.kasmePrimeHo(kamf, dl))).toBe(toHex(ref.kasmePrime(kamf, 'ho', dl)));
    }), { numRuns: 100 });
  });
  for (const variant of SRVCC_VARIANTS) {
    it(`scenario ${variant}: warning on both sides with --fc 0x74, none with 0x7D`, () => {
      const bad = runSrvcc({ variant, fc: 0x74 }).summary, good = runSrvcc({ variant }).summary;
      expect([bad.ue.keySeparationWarning, bad.msc.keySeparationWarning, bad.agree]).toEqual([true, true, true]);
      expect([good.ue.keySeparationWarning, good.msc.keySeparationWarning, good.agree]).toEqual([false, false, true]);
    });
  }
});

describe('failure: the mapped SRVCC context is deleted and wiped', () => {
  for (const variant of SRVCC_VARIANTS) for (const fcv of [0x7d, 0x74]) {
    it(`${variant}, FC 0x${fcv.toString(16)}: after the failed HO no byte string of CKSRVCC/IKSRVCC is left in UE memory`, () => {
      ueWith(hex('5a'.repeat(16) + 'a5'.repeat(16)), 2, 0x40);
      const n = network(hex('5a'.repeat(16) + 'a5'.repeat(16)), 2, 0x43, variant, fcv);
      iw.srvccHoCommand({ dlLsb4: 3, variant, fc: fcv });
      iw.kasmePrimeHo(ue.read('current').kamf, 0x43); // the scenario's key-separation check runs too
      const held = ue.memory();
      expect(contains(held, n.msc.ck) && contains(held, n.msc.ik)).toBe(true); // the scan finds a held context
      iw.srvccOutcome('failed');
      n.mscServer.handoverFailed('ue');
      const mem = ue.memory();
      expect(contains(mem, n.msc.ck)).toBe(false);
      expect(contains(mem, n.msc.ik)).toBe(false);
      expect(iw.srvccRead().valid).toBe(false);
      expect(n.mscServer.contexts.has('ue')).toBe(false);
      expect(() => iw.srvccOutcome('failed')).toThrow(StateError); // nothing left to act on
    });
  }
  it('scenario --outcome failure: both sides deleted it, memory clean, 5G keeps working', () => {
    const s = runSrvcc({ outcome: 'failure' }).summary;
    expect([s.ue.mappedContextDeleted, s.msc.mappedContextDeleted, s.ueMemoryClean, s.reauthRequired]).toEqual([true, true, true, false]);
  });
});

describe('after a completed SRVCC the UE must be re-authenticated in 5GS before using 5G', () => {
  it('firmware: the old context is refused for every 5G use until an SMC activates a NEW context from 5G AKA', () => {
    const kamf = hex('33'.repeat(32)), net = new NetworkNasContext(kamf, 1, 2, 2);
    ueWith(kamf, 1, null);
    iw.srvccHoCommand({ dlLsb4: 0 });
    net.dlNext['3gpp'] = 1;
    iw.srvccOutcome('completed');
    iw.srvccOutcome('call-ended');
    expect(iw.srvccRead().valid).toBe(false);
    const plain = M.registrationReject(0);
    expect(() => ue.protect('current', '3gpp', 1, plain)).toThrow(StateError);
    expect(() => ue.unprotect('current', '3gpp', net.protectDownlink(2, plain).message)).toThrow(StateError);
    expect(() => iw.srvccHoCommand({ dlLsb4: 5 })).toThrow(StateError);
    expect(() => iw.epsMapHo(5)).toThrow(StateError);
    expect(ue.registrationRequest(M.registrationRequest({ type: 1, ngKsi: 7, identity: Uint8Array.of(1), ueSecurityCapabilities: CAPS })).count).toBeNull();
    // an SMC with the OLD ngKSI is rejected: it is no new authentication
    const old = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 1, replayedCaps: CAPS })).message);
    expect(old.result).toBe('reject');
    expect(() => ue.protect('current', '3gpp', 1, plain)).toThrow(StateError);
    // 5G AKA: a new partial native context, activated by its SMC → usable again
    const kamf2 = hex('44'.repeat(32)), fresh = new NetworkNasContext(kamf2, 2, 2, 2);
    ue.install('new', { kamf: kamf2, ngKsi: 2, type: 'partial-native' });
    const r = ue.securityModeCommand(fresh.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 2, replayedCaps: CAPS })).message);
    expect(r.result).toBe('complete');
    expect(fresh.verifyUplink(r.response)).not.toBeNull();
    ue.registrationComplete(true);
    const up = ue.protect('current', '3gpp', 1, plain);
    expect(fresh.verifyUplink(up.message)?.count).toBe(up.count);
  });
  it('scenario: refused before, re-authenticated (registration unprotected → AKA → SMC), usable after; no SRVCC back', () => {
    const s = runSrvcc({ outcome: 'success' }).summary;
    expect([s.reauthRequired, s.fiveGRefusedBeforeReauth, s.reauthenticated, s.fiveGUsableAfterReauth, s.srvccBackTo5gRefused]).toEqual([true, true, true, true, true]);
    expect(s.notSpecified.some((x) => /emergency/.test(x))).toBe(true);
  });
});

describe('published default end to end and the MSC server model', () => {
  it('KASME_SRVCC = A.21(KAMF, DL COUNT before the increment); CK ‖ IK = A.12(KASME_SRVCC, 0); the same on both sides', () => {
    const s = runSrvcc().summary;
    const kasme = ref.kasmeSrvcc(hex(s.kamf), s.dlCount);
    expect(s.kasmeSrvcc).toBe(toHex(kasme));
    expect(s.kasmeSrvcc).not.toBe(toHex(ref.kasmeSrvcc(hex(s.kamf), s.dlCount + 1)));
    const { ck, ik } = ref.ckIkSrvcc(kasme, 0);
    expect([s.ue.ck, s.ue.ik, s.msc.ck, s.msc.ik]).toEqual([toHex(ck), toHex(ik), toHex(ck), toHex(ik)]);
    expect([s.variant, s.fc, s.agree, s.kamfSentToMsc, s.ueDlCountEstimate, s.hoCommandLsb4]).toEqual(['mme-derive', 0x7d, true, false, s.dlCount, s.dlCount & 15]);
  });
  it('direct: no KASME_SRVCC, CK ‖ IK = KDF(KAMF, FC, DL COUNT) at the AMF', () => {
    const s = runSrvcc({ variant: 'direct' }).summary;
    expect(s.kasmeSrvcc).toBeNull();
    expect(s.ue.ck + s.ue.ik).toBe(toHex(ref.kasmeSrvcc(hex(s.kamf), s.dlCount)));
  });
  it('the MSC server refuses any field beyond CK, IK, KSI, UE security capability (a KAMF above all)', () => {
    const msc = new MscServer(new Trace());
    const req = { ck: new Uint8Array(16), ik: new Uint8Array(16), ksi: 1, ueSecurityCapabilities: CAPS, kamf: new Uint8Array(32) } as PsToCsRequest;
    expect(() => msc.psToCsHandoverRequest('ue', req, 'MME')).toThrow(/kamf must not reach the MSC server/);
    expect(msc.srvccToNr('ue').ok).toBe(false);
  });
  it('bad inputs name the field', () => {
    ueWith(hex('66'.repeat(32)), 1, 3);
    for (const [f, a] of [['dlLsb4', { dlLsb4: 16 }], ['variant', { dlLsb4: 1, variant: 'x' }], ['fc', { dlLsb4: 1, fc: 256 }]] as const) {
      expect(() => iw.srvccHoCommand(a as any)).toThrow(InputError);
      expect(() => iw.srvccHoCommand(a as any)).toThrow(new RegExp(`^${f} `));
    }
    expect(() => iw.srvccOutcome('maybe' as any)).toThrow(/^outcome /);
  });
});
