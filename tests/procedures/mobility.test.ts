// Mobility registration update with horizontal KAMF derivation (TS 33.501 6.9.3 as amended),
// end to end: UE firmware + USIM against the node:crypto AMF models. Expected keys come from the
// network models and the reference KDF, never from the UE.
import { describe, expect, it } from 'vitest';
import { runMobility } from '../../host/scenarios/mobility.js';
import { World, guti } from '../../host/scenarios/setup.js';
import { Amf } from '../../host/network/amf.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { UeInterworking } from '../../host/firmware/ue-interworking.js';
import { ref } from '../../host/reference/kdf.js';
import { MacFailureError } from '../../host/errors.js';
import * as M from '../../host/nas/messages.js';
import { hex, toHex } from '../helpers.js';

/** Does `needle` occur anywhere in `hay`? */
const contains = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay).indexOf(Buffer.from(needle)) >= 0;
/** EF 5GS3GPPNSC record, composed by hand from TS 31.102 4.4.11.4: A0 37 | 80 01 ngKSI |
 *  81 20 KAMF | 82 04 UL | 83 04 DL | 84 01 algs | 85 01 EPS algs; 57 bytes, no padding. */
const nscRecord = (ngKsi: number, kamf: string, ul: number, dl: number, marked: 'valid' | 'invalid' = 'valid') =>
  `a037` + `8001${(marked === 'valid' ? ngKsi : (ngKsi << 4) | 7).toString(16).padStart(2, '0')}` + `8120${kamf}` + `8204${ul.toString(16).padStart(8, '0')}` + `8304${dl.toString(16).padStart(8, '0')}` + `840122` + `850122`;

describe('scenario outcomes', () => {
  it('success with horizontal derivation: KAMF′ = A.13(KAMF, 0x00, UL COUNT of the Registration Request) on both sides; USIM gets KAMF′ with the ngKSI of the current KAMF', () => {
    const { summary: s } = runMobility({ horizontal: true, outcome: 'accept' });
    const expected = toHex(ref.kamfPrime(hex(s.kamfOld), 0, s.ulCountRegistrationRequest!));
    expect(s.kamfNew).toBe(expected);
    expect(s.ueCurrentKamf).toBe(expected);
    expect(s.targetAmfKamf).toBe(expected);
    expect(s.usimKamf).toBe(expected);
    expect(s.usimNgKsi).toBe(s.ngKsiNew);
    expect(s.ngKsiNew).toBe(s.ngKsiOld); // 6.9.3: KAMF′ takes the value and type of the current KAMF's ngKSI
    expect(s.sourceAmfKamf).toBeNull(); // deleted once told the registration completed
    expect(s.aligned).toBe(true);
    // EF 5GS3GPPNSC after commit: new ngKSI, KAMF′, UL COUNT 1 (SMC Complete used 0), DL COUNT 1 (the Accept),
    // marked invalid while registered (TS 33.501 6.8.1.1.2.1): KSI '111' in b3-b1, the content's KSI in b7-b5
    expect(s.usimNscRecord).toBe(nscRecord(s.ngKsiNew!, expected, 1, 1, 'invalid'));
    expect(s.usimValid).toBe(false);
  });
  it('the A.13 input is the COUNT of the Registration Request, not the COUNT after it', () => {
    const { summary: s } = runMobility({});
    expect(s.kamfNew).not.toBe(toHex(ref.kamfPrime(hex(s.kamfOld), 0, s.ulCountRegistrationRequest! + 1)));
  });
  it('success without horizontal derivation: the target AMF uses the transferred KAMF, no new key', () => {
    const { summary: s } = runMobility({ horizontal: false, outcome: 'accept' });
    expect(s.kamfNew).toBeNull();
    expect(s.ueCurrentKamf).toBe(s.kamfOld);
    expect(s.targetAmfKamf).toBe(s.kamfOld);
    expect(s.usimKamf).toBe(s.kamfOld);
    expect(s.aligned).toBe(true);
  });
  it('failure after a verified SMC (reject): the UE rolls back to the old context; USIM keeps the old KAMF and ngKSI', () => {
    const { summary: s } = runMobility({ outcome: 'reject', sourcePolicy: 'keep' });
    expect(s.smcResult).toBe('complete');
    expect(s.kamfNew).not.toBeNull();
    expect(s.ueCurrentKamf).toBe(s.kamfOld);
    expect(s.usimKamf).toBe(s.kamfOld);
    expect(s.usimNgKsi).toBe(s.ngKsiOld);
    expect(s.sourceAmfKamf).toBe(s.kamfOld);
    expect(s.aligned).toBe(true);
  });
  it('timeout: rollback, the old context is current and usable; stored back with its COUNTs but marked INVALID — the UE stays RM-REGISTERED (TS 33.501 6.8.1.1.2.1 stores it valid only when "the attempt to transition away from RM DEREGISTERED state … fails")', () => {
    const { summary: s } = runMobility({ outcome: 'timeout' });
    expect(s.outcome).toBe('timeout');
    expect(s.ueCurrentKamf).toBe(s.kamfOld);
    expect([s.usimKamf, s.usimValid]).toEqual([s.kamfOld, false]);
  });
  it('seed 000 "if the mobility registration procedure is failed and the UE does not get a new 5G-GUTI, the UE shall delete the new 5G NAS security context": an ACCEPT without a new 5G-GUTI is a success — KAMF′ committed, UE and target AMF aligned', () => {
    const { summary: s } = runMobility({ outcome: 'no-guti' });
    const expected = toHex(ref.kamfPrime(hex(s.kamfOld), 0, s.ulCountRegistrationRequest!));
    expect(s.outcome).toBe('accept');
    expect([s.ueCurrentKamf, s.targetAmfKamf, s.usimKamf]).toEqual([expected, expected, expected]);
    expect(s.servingAmf).toBe('target');
    expect(s.sourceAmfKamf).toBeNull(); // told the registration completed
    expect(s.aligned).toBe(true);
  });
  it('fallback to a source AMF that KEPT its context: it verifies the re-registration (aligned)', () => {
    const { summary: s } = runMobility({ outcome: 'reject', sourcePolicy: 'keep', fallback: true });
    expect(s.aligned).toBe(true);
    expect(s.ueCurrentKamf).toBe(s.kamfOld);
    expect(s.sourceAmfKamf).toBe(s.kamfOld);
    expect(s.usimKamf).toBe(s.kamfOld);
  });
  it('fallback to a source AMF that DELETED its context: MAC failure there, re-authentication (misaligned)', () => {
    const { summary: s, trace } = runMobility({ outcome: 'reject', sourcePolicy: 'delete', fallback: true });
    expect(s.aligned).toBe(false);
    expect(trace.some((t) => /Cannot verify the Registration Request/.test(t.event))).toBe(true);
    expect(s.ueCurrentKamf).not.toBe(s.kamfOld);       // a new KAMF from the re-authentication
    expect(s.ueCurrentKamf).toBe(s.sourceAmfKamf);      // … that both sides share afterwards
    expect(s.usimKamf).toBe(s.ueCurrentKamf);
  });
  it('the target AMF re-authenticates instead: a new KAMF from 5G AKA, not KAMF′', () => {
    const { summary: s } = runMobility({ targetPolicy: 'reauth' });
    expect(s.kamfNew).not.toBeNull();
    expect(s.kamfNew).not.toBe(toHex(ref.kamfPrime(hex(s.kamfOld), 0, s.ulCountRegistrationRequest!)));
    expect(s.ueCurrentKamf).toBe(s.targetAmfKamf);
    expect(s.usimKamf).toBe(s.targetAmfKamf);
  });
  it('TS 33.501 6.7.2 "The NAS Security Mode Reject message … shall be protected with the previous, if any, 5G NAS security context, i.e., the 5G NAS security context used prior to the failed NAS Security Mode Command message": an SMC failing its integrity check is answered by SECURITY MODE REJECT #24 (TS 24.501 5.4.2.5) under the old KAMF, SHT 2', () => {
    const { summary: s, trace } = runMobility({ smcFault: 'bad-mac' });
    expect([s.smcResult, s.smcCause, s.outcome]).toEqual(['reject', 24, 'smc-rejected']);
    const rej = trace.find((t) => t.from === 'UE' && /^SECURITY MODE REJECT #24 \(protected with the previous context/.test(t.event))!;
    const m = hex(rej.message!);
    expect(m[1]).toBe(2); // security header type 2: integrity protected and ciphered
    // The node:crypto AMF model with the KAMF of the source context (128-NEA2/128-NIA2) reads it
    const v = new NetworkNasContext(hex(s.kamfOld), s.ngKsiOld, 2, 2).verifyUplink(m);
    expect(v, 'the REJECT verifies under the KAMF used prior to the failed SMC').not.toBeNull();
    expect([toHex(v!.plain), v!.count]).toEqual(['7e005f18', s.ulCountRegistrationRequest! + 1]); // the next UL COUNT after the Registration Request
    expect(s.kamfNew).toBeNull();
    expect(s.ueCurrentKamf).toBe(s.kamfOld);
  });
  it('TS 33.501 6.7.2 "If no 5G NAS security context existed prior to the failed NAS Security Mode Command message, the NAS Security Mode Reject message shall remain unprotected": first SMC after a 5G AKA fails its MAC → exactly 7E 00 5F 18', () => {
    const w = new World(5);
    const rr = w.ue.registrationRequest(M.REG_TYPE.INITIAL);
    expect(rr.count).toBeNull(); // no context: the request itself went out plain
    const kamf = hex('5a'.repeat(32));
    w.ue.fw.install('new', { kamf, ngKsi: 2, type: 'partial-native' });
    const smc = new NetworkNasContext(kamf, 2, 2, 2).protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 2, replayedCaps: w.ue.caps })).message;
    smc[2] ^= 0x01; // MAC corrupted
    const r = w.ue.securityModeCommand(smc);
    expect([r.result, r.cause, r.ulCount, toHex(r.response)]).toEqual(['reject', 24, null, '7e005f18']);
  });
  it('TS 33.501 J.1 "After a 5G to UTRAN SRVCC session has terminated, a UE shall run a successfully (re)authentication in 5GS before allowed to access 5G" with 6.7.2: the pre-SRVCC context is no previous context, SECURITY MODE REJECT goes out plain (bad MAC #24, mismatched capabilities #23)', () => {
    const w = new World(22);
    w.initialRegistration(new Amf('source AMF', w.trace), guti(1, 0x302));
    const pre = w.ue.fw.read('current');
    const iw = new UeInterworking(w.ue.fw);
    iw.srvccHoCommand({ dlLsb4: (pre.dlCount['3gpp'] + 1) & 15 });
    w.ue.srvccOutcome('completed');
    const rr = w.ue.registrationRequest(M.REG_TYPE.MOBILITY_UPDATING);
    expect(rr.count).toBeNull();
    expect(M.parseRegistrationRequest(rr.plain).ngKsi).toBe(7);
    // a new 5G AKA: partial native context in NEW; its SMC fails, then one with mismatched capabilities
    const kamf = hex('6b'.repeat(32)), ngKsi = (pre.ngKsi + 1) % 7;
    w.ue.fw.install('new', { kamf, ngKsi, type: 'partial-native' });
    const net = new NetworkNasContext(kamf, ngKsi, 2, 2);
    const bad = net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi, replayedCaps: w.ue.caps })).message;
    bad[3] ^= 0x80;
    const r1 = w.ue.securityModeCommand(bad);
    expect([r1.result, r1.cause, r1.ulCount, toHex(r1.response)]).toEqual(['reject', 24, null, '7e005f18']);
    const caps = net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi, replayedCaps: Uint8Array.of(w.ue.caps[0] ^ 0x20, w.ue.caps[1]) })).message;
    const r2 = w.ue.securityModeCommand(caps);
    expect([r2.result, r2.cause, r2.ulCount, toHex(r2.response)]).toEqual(['reject', 23, null, '7e005f17']);
    // negative control: the same SMC before the SRVCC gets a REJECT protected with the (usable) context
    const w2 = new World(22);
    w2.initialRegistration(new Amf('source AMF', w2.trace), guti(1, 0x302));
    w2.ue.registrationRequest(M.REG_TYPE.MOBILITY_UPDATING);
    w2.ue.fw.install('new', { kamf, ngKsi, type: 'partial-native' });
    const r3 = w2.ue.securityModeCommand(bad);
    expect([r3.result, r3.response[1]]).toEqual(['reject', 2]);
  });
  it('SMC with mismatched replayed UE security capabilities: SECURITY MODE REJECT #23', () => {
    const { summary: s } = runMobility({ smcFault: 'caps-mismatch' });
    expect([s.smcResult, s.smcCause]).toEqual(['reject', 23]);
    expect(s.ueCurrentKamf).toBe(s.kamfOld);
  });
  it('SMC with an unknown ngKSI: SECURITY MODE REJECT #24', () => {
    const { summary: s } = runMobility({ smcFault: 'unknown-ngksi', horizontal: false });
    expect([s.smcResult, s.smcCause]).toEqual(['reject', 24]);
    expect(s.ueCurrentKamf).toBe(s.kamfOld);
  });
  it('TS 33.501 6.8.1.1.2.1 "If the stored context is … invalid … the UE sends ngKSI 111": a power loss after the verified SMC loads nothing, and the UE registers again with ngKSI 111 and a new 5G AKA', () => {
    const { summary: s, trace } = runMobility({ powerCycle: true });
    expect(s.smcResult).toBe('complete');
    expect(s.powerCycleAt).toBe('after-smc');
    expect(s.afterPowerOn).toEqual({ ngKsiSent: 7, authenticated: true, registeredAt: 'target', downlinkReplayed: false });
    const powerOn = trace.find((t) => /^Power-on: /.test(t.event) && t.n > trace.findIndex((x) => /POWER LOSS/.test(x.event)))!;
    expect(powerOn.values.kamf).toBeNull();
    const rr = trace.filter((t) => /REGISTRATION REQUEST \(initial\), unprotected/.test(t.event)).at(-1)!;
    expect(M.parseRegistrationRequest(hex(rr.message!)).ngKsi).toBe(7);
    expect(s.ueCurrentKamf).not.toBe(s.kamfOld);
    expect(s.ueCurrentKamf).not.toBe(s.kamfNew);
    expect(s.ueCurrentKamf).toBe(s.targetAmfKamf);
    expect(s.aligned).toBe(true);
  });
});

/** A world with the UE registered at a source AMF and a mobility Registration Request sent. */
function afterRegistrationRequest() {
  const w = new World();
  const sourceAmf = new Amf('source AMF', w.trace, { horizontal: true, retention: 'keep' });
  w.initialRegistration(sourceAmf, guti(1, 0x101));
  const old = w.ue.fw.read('current');
  const rr = w.ue.registrationRequest(M.REG_TYPE.MOBILITY_UPDATING);
  const t = sourceAmf.contextTransfer(guti(1, 0x101), rr.message);
  if (!t.ok) throw new Error(t.reason);
  return { w, sourceAmf, old, rr, t };
}
const slots = (w: World) => (['current', 'new', 'non-current', 'mapped'] as const).map((s) => toHex(w.ue.fw.rawSlot(s)));

describe('firmware state across the steps', () => {
  it('after the verified SMC the new context is current AND the old one is kept', () => {
    const { w, old, t } = afterRegistrationRequest();
    const net = new NetworkNasContext(t.kamf, t.ngKsi, 2, 2);
    const r = w.ue.securityModeCommand(w.securityModeCommand(new Amf('target AMF', w.trace), net, { hdp: true }));
    expect(r.result).toBe('complete');
    expect(r.oldKept).toBe(true);
    expect(toHex(w.ue.fw.read('current').kamf)).toBe(toHex(t.kamf));
    expect(toHex(w.ue.fw.read('non-current').kamf)).toBe(toHex(old.kamf));
    expect(w.ue.fw.read('current').ulCount['3gpp']).toBe(1); // SMC Complete went out with COUNT 0
    expect(toHex(w.ue.fw.read('current').kgnb)).toBe(toHex(ref.kgnb(t.kamf, 0, 1))); // initial KgNB, UL COUNT of the SMC Complete
  });
  it('an SMC with a bad MAC: smc_process changes nothing; the SECURITY MODE REJECT then changes only the UL COUNT it consumed (TS 33.501 6.7.2: protected with the previous context)', () => {
    const { w, old, t } = afterRegistrationRequest();
    const net = new NetworkNasContext(t.kamf, t.ngKsi, 2, 2);
    const before = slots(w), state = toHex(w.ue.fw.rawState());
    expect(() => w.ue.fw.securityModeCommand(w.securityModeCommand(new Amf('target AMF', w.trace), net, { hdp: true, corruptMac: true }))).toThrow(MacFailureError);
    expect(slots(w)).toEqual(before);
    const cur = w.ue.fw.read('current');
    const r = w.ue.securityModeCommand(w.securityModeCommand(new Amf('target AMF', w.trace), net, { hdp: true, corruptMac: true }));
    expect([r.result, r.cause, r.response[1]]).toEqual(['reject', 24, 2]); // protected with the previous context (TS 33.501 6.7.2)
    const v = new NetworkNasContext(old.kamf, old.ngKsi, 2, 2).verifyUplink(r.response);
    expect([toHex(v!.plain), v!.count]).toEqual(['7e005f18', cur.ulCount['3gpp']]);
    // no context changed but the UL COUNT the REJECT consumed
    expect(slots(w).slice(1)).toEqual(before.slice(1));
    const c2 = w.ue.fw.read('current');
    expect({ ...c2, ulCount: null }).toEqual({ ...cur, ulCount: null });
    expect(c2.ulCount['3gpp']).toBe(cur.ulCount['3gpp'] + 1);
    expect(toHex(w.ue.fw.rawState())).toBe(state);
  });
  it('an SMC that is rejected (#23) changes no slot but the UL COUNT the REJECT consumed (TS 33.501 6.7.2)', () => {
    const { w, t } = afterRegistrationRequest();
    const net = new NetworkNasContext(t.kamf, t.ngKsi, 2, 2);
    const cur = w.ue.fw.read('current');
    const before = slots(w);
    const r = w.ue.securityModeCommand(w.securityModeCommand(new Amf('target AMF', w.trace), net, { hdp: true, caps: Uint8Array.of(0x80, 0x80) }));
    expect([r.result, r.cause]).toEqual(['reject', 23]);
    const after = slots(w);
    expect(after.slice(1)).toEqual(before.slice(1));
    const c2 = w.ue.fw.read('current');
    expect(c2.ulCount['3gpp']).toBe(cur.ulCount['3gpp'] + 1);
    expect({ ...c2, ulCount: null }).toEqual({ ...cur, ulCount: null });
  });
  it('commit: no byte of the old KAMF, KNASint, KNASenc or KgNB remains anywhere in the 64 KiB of module memory', () => {
    const { w, old, t } = afterRegistrationRequest();
    const net = new NetworkNasContext(t.kamf, t.ngKsi, 2, 2);
    w.ue.securityModeCommand(w.securityModeCommand(new Amf('target AMF', w.trace), net, { hdp: true }));
    expect(contains(w.ue.fw.memory(), old.kamf)).toBe(true); // kept until the outcome
    const acc = net.protectDownlink(2, M.registrationAccept({ guti: guti(2, 0x202) }));
    w.ue.registrationAccepted(M.parseRegistrationAccept(w.ue.downlink(acc.message)).guti);
    const mem = w.ue.fw.memory();
    for (const [name, k] of Object.entries({ kamf: old.kamf, knasint: old.knasint, knasenc: old.knasenc, kgnb: old.kgnb })) {
      expect(contains(mem, k), `old ${name} still in memory`).toBe(false);
      expect(contains(mem, k.subarray(0, 8)), `8 bytes of the old ${name} still in memory`).toBe(false);
    }
    expect(contains(mem, t.kamf)).toBe(true);
  });
  it('rollback: no byte of KAMF′ or its NAS keys remains; the old context is current and works', () => {
    const { w, sourceAmf, old, t } = afterRegistrationRequest();
    const net = new NetworkNasContext(t.kamf, t.ngKsi, 2, 2);
    w.ue.securityModeCommand(w.securityModeCommand(new Amf('target AMF', w.trace), net, { hdp: true }));
    const fresh = w.ue.fw.read('current');
    w.ue.registrationFailed('test');
    const mem = w.ue.fw.memory();
    for (const [name, k] of Object.entries({ kamf: fresh.kamf, knasint: fresh.knasint, knasenc: fresh.knasenc, kgnb: fresh.kgnb })) {
      expect(contains(mem, k.subarray(0, 8)), `new ${name} still in memory`).toBe(false);
    }
    expect(toHex(w.ue.fw.read('current').kamf)).toBe(toHex(old.kamf));
    expect(w.ue.fw.read('non-current').type).toBe('none');
    // the kept context still talks to the source AMF
    const m = w.ue.fw.protect('current', '3gpp', 2, Uint8Array.of(0x7e, 0, 0x43));
    expect(sourceAmf.find(guti(1, 0x101))!.nas.verifyUplink(m.message)).not.toBeNull();
    // EF 5GS3GPPNSC after rollback: the old ngKSI and KAMF, with the COUNTs written back, marked invalid
    // (a failed mobility registration leaves the UE RM-REGISTERED; TS 33.501 6.8.1.1.2.1)
    const c = w.ue.fw.read('current');
    expect(toHex(w.ue.usimNscBytes()!)).toBe(nscRecord(old.ngKsi, toHex(old.kamf), c.ulCount['3gpp'] - 1, c.dlCount['3gpp'], 'invalid'));
  });
});

describe('many runs: UE and AMF models agree on every key', () => {
  it('5 runs per (horizontal × outcome × source policy × fallback) corner, fresh random AKA keys each', () => {
    for (let run = 0; run < 5; run++) for (const horizontal of [true, false]) for (const outcome of ['accept', 'no-guti', 'reject', 'timeout'] as const)
      for (const sourcePolicy of ['keep', 'delete'] as const) for (const fallback of [false, true]) {
        const { summary: s } = runMobility({ horizontal, outcome, sourcePolicy, fallback });
        if (s.kamfNew && horizontal) expect(s.kamfNew).toBe(toHex(ref.kamfPrime(hex(s.kamfOld), 0, s.ulCountRegistrationRequest!)));
        if (outcome === 'accept' || outcome === 'no-guti') expect(s.ueCurrentKamf).toBe(s.targetAmfKamf);
        if (s.aligned && !fallback) expect(s.ueCurrentKamf).toBe(s.servingAmf === 'target' ? s.targetAmfKamf : s.sourceAmfKamf);
        expect(s.usimKamf).toBe(s.ueCurrentKamf);
        if (fallback && outcome !== 'accept' && outcome !== 'no-guti') expect(s.aligned).toBe(sourcePolicy === 'keep');
      }
  }, 60_000); // 320 scenario runs
});
