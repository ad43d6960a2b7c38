// `ue-keys run interworking` prints the scenario's trace and summary (host/scenarios/interworking.ts):
// each step of TS 33.501 8.2–8.6 with who did it, to whom, the clause and the values. These tests
// read the steps the scenario itself writes for the four transitions and check their values
// against the clauses through the node:crypto reference KDF (A.14.1, A.14.2, A.15.1, A.15.2, A.8,
// A.9; TS 33.401 A.3, A.4, A.7) and against identities composed by hand from TS 23.003 / TS 24.301 /
// TS 24.501 — never against values the scenario computed. The last block breaks one thing on
// purpose (vi.spyOn) and checks that the scenario's verdicts turn.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runInterworking, tauRequest } from '../../host/scenarios/interworking.js';
import { InterworkingMme, TSC_MAPPED } from '../../host/network/mme.js';
import { Amf } from '../../host/network/amf.js';
import { UeDevice } from '../../host/ue/ue-device.js';
import { UeFirmware } from '../../host/firmware/ue-firmware.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { guti } from '../../host/scenarios/setup.js';
import { NO_COUNT } from '../../host/types.js';
import { ref } from '../../host/reference/kdf.js';
import { parseEpsProtected, parseTauRequest } from '../../host/nas/eps.js';
import type { TraceStep } from '../../host/trace.js';
import { hex, toHex } from '../helpers.js';
import { steps, step } from './trace-steps.js';

/** The 5G-GUTI of the scenario (PLMN 001/01, AMF Region ID 0x01, AMF Set ID 1, AMF Pointer 1,
 *  5G-TMSI 0x00000401) as the 5GS mobile identity IE value (TS 24.501 9.11.3.4, Figure 9.11.3.4.1):
 *  octet 1 = 1111 0 010 (type 5G-GUTI), MCC/MNC 00 f1 10, AMF Region ID 01, AMF Set ID (10 bits)
 *  ‖ AMF Pointer (6 bits) = 0000000001 000001 = 00 41, 5G-TMSI 00000401. */
const FIVEG_GUTI = 'f200f11001004100000401';
/** The GUTI mapped from it (TS 23.003 2.10.2.1.2: MMEGI = AMF Region ID ‖ 8 MSB of the AMF Set ID
 *  = 01 00, MMEC = 2 LSB of the AMF Set ID ‖ AMF Pointer = 01 000001 = 41, M-TMSI = 5G-TMSI) as the
 *  EPS mobile identity IE value (TS 24.301 9.9.3.12: octet 1 = 1111 0 110, type GUTI). */
const MAPPED_GUTI = 'f600f11001004100000401';
/** EPS algorithms the scenario's SMC selects (EEA2/EIA2) and the 5G ones (128-NEA2/128-NIA2). */
const EEA = 2, EIA = 2, NEA = 2, NIA = 2;
const kamfOf = (t: TraceStep[]) => step(t, /^Authentication succeeded; KAMF for ngKSI 1$/).values.kamf as string;

describe('run interworking: 5GS → EPS idle mobility (TS 33.501 8.5.2, 8.6.1, A.14.1)', () => {
  const run = () => {
    const r = runInterworking({ to: 'eps', mode: 'idle', seed: 7 });
    const s = r.summary, t = r.trace;
    return { r, s, t };
  };
  it('TS 33.501 8.6.1 "the UE shall derive K′ASME … using the UL NAS COUNT of the TAU request": the UE\'s TAU step carries K′ASME = A.14.1(KAMF, its UL COUNT), the EPS NAS keys = TS 33.401 A.7 (EEA2/EIA2), eKSI = the ngKSI and the GUTI mapped from the 5G-GUTI (TS 23.003 2.10.2.1.2)', () => {
    const { r, s, t } = run();
    const kamf = kamfOf(t);
    expect(s.kamf).toBe(kamf);
    const tau = step(t, /^TRACKING AREA UPDATE REQUEST \(NAS-EPS, old GUTI mapped from the 5G-GUTI\) integrity protected with the current 5G context; K′ASME = A\.14\.1\(KAMF, its UL NAS COUNT\); EPS NAS keys$/);
    expect([tau.from, tau.to, tau.clause]).toEqual(['UE', 'MME', 'TS 33.501 8.6.1, A.14.1; TS 24.301 4.4.2.3, 9.1; TS 23.003 2.10.2.1.2']);
    const ul = tau.values.ulCount as number;
    const kasme = ref.kasmePrime(hex(kamf), 'idle', ul);
    expect(tau.values).toEqual({ ulCount: ul, eKsi: 1, mappedGuti: MAPPED_GUTI, kasmePrime: toHex(kasme), knasEnc: toHex(ref.epsAlgKey(kasme, 1, EEA)), knasInt: toHex(ref.epsAlgKey(kasme, 2, EIA)) });
    // the message the trace shows is that TAU: integrity protected (SHT 1), KSI = TSC mapped | ngKSI, old GUTI mapped
    const framed = parseEpsProtected(hex(tau.message!))!;
    const p = parseTauRequest(framed.plain);
    expect([framed.sht, p.ksi, toHex(p.oldGuti), p.mappedGuti]).toEqual([1, TSC_MAPPED | 1, MAPPED_GUTI, true]);
    // the AMF's 5G context verifies it with the same UL COUNT (TS 33.501 8.6.1; TS 24.301 9.1)
    expect(new NetworkNasContext(hex(kamf), 1, NEA, NIA).verifyUplinkEps(hex(tau.message!))?.count).toBe(ul);
    expect(step(t, /^Context Request with the TAU Request$/)).toMatchObject({ from: 'MME', to: 'AMF', clause: 'TS 23.502 4.11.1.3.2', values: {} });
    expect(step(t, /^TRACKING AREA UPDATE ACCEPT \(protected with the mapped EPS context\)$/)).toMatchObject({ from: 'MME', to: 'UE', values: {} });
  });
  it('summary: the COUNT of A.14.1 is the TAU\'s UL NAS COUNT; UE and network hold the same K′ASME and EPS NAS keys; no KeNB/NH/K′AMF/KgNB; eKSI = ngKSI 1', () => {
    const { r, s, t } = run();
    const ul = step(t, /^TRACKING AREA UPDATE REQUEST/).values.ulCount as number;
    const kasme = ref.kasmePrime(hex(s.kamf), 'idle', ul);
    const keys = { kasmePrime: toHex(kasme), knasEnc: toHex(ref.epsAlgKey(kasme, 1, EEA)), knasInt: toHex(ref.epsAlgKey(kasme, 2, EIA)), kenb: null, nh: null, kamfPrime: null, kgnb: null, ksi: 1 };
    expect(s).toMatchObject({ to: 'eps', mode: 'idle', count: ul, countLsb8: null, ueCountEstimate: null, agree: true, auth: '5g-aka' });
    expect(s.ue).toEqual(keys);
    expect(s.network).toEqual(keys);
  });
  it('TS 33.501 8.5.2: after the move to EPS the mapped 5G context is deleted and the native one kept; the result line says the keys agree', () => {
    const { r, s, t } = run();
    expect(s.deletionRules).toEqual(['mapped 5G context deleted after the move to EPS (8.5.2): true (none was present)', 'native 5G context kept for the return: true']);
    expect(s.slots).toEqual({ current: 'full-native', nonCurrent: 'none', mapped: 'none' });
    expect(t.at(-1)).toMatchObject({ from: 'UE', event: 'Result: UE and network derived identical keys', values: {} });
    expect(r.text).toContain('Result: UE and network derived identical keys');
  });
});

describe('run interworking: 5GS → EPS handover (TS 33.501 8.3.2, A.14.2; TS 33.401 A.3, A.4)', () => {
  const run = () => {
    const r = runInterworking({ to: 'eps', mode: 'ho', seed: 7 });
    const s = r.summary, t = r.trace;
    return { r, s, t };
  };
  it('TS 33.501 8.3.2 "the source AMF … includes the 8 least significant bits of the downlink NAS COUNT in the HO command": the AMF\'s step to the UE carries them, and the UE\'s estimate is that DL COUNT', () => {
    const { r, s, t } = run();
    // SMC at DL COUNT 0, REGISTRATION ACCEPT at 1: the K′ASME of the handover uses the next, 2
    expect(step(t, /^SECURITY MODE COMMAND \(HDP = 0, ngKSI 1/).values.dlCount).toBe(0);
    expect(s.count).toBe(2);
    expect(step(t, /^HO command \(via the gNB\) with the 8 LSB of the DL NAS COUNT$/)).toMatchObject({ from: 'AMF', to: 'UE', clause: 'TS 33.501 8.3.2', values: { dlLsb8: 2 } });
    expect([s.countLsb8, s.ueCountEstimate]).toEqual([2, 2]);
    expect(s.deletionRules[0]).toBe('UE 5G DL NAS COUNT set to the estimate 2 (TS 33.501 8.3.2): true');
    expect(s.deletionRules.slice(1)).toEqual(['mapped 5G context deleted after the move to EPS (8.5.2): true (none was present)', 'native 5G context kept for the return: true']);
  });
  it('TS 33.501 8.3.2 / A.14.2 with TS 33.401 A.3 (COUNT 2^32−1) and A.4 (NH twice, NCC 2): the UE step holds K′ASME, the EPS NAS keys, KeNB and NH from the reference', () => {
    const { r, s, t } = run();
    const kasme = ref.kasmePrime(hex(kamfOf(t)), 'ho', 2), kenb = ref.kenb(kasme, NO_COUNT);
    const nh = ref.nhEps(kasme, ref.nhEps(kasme, kenb));
    const u = step(t, /^Estimates the DL NAS COUNT from 8 LSB \(above the last accepted; becomes its 5G DL COUNT\); K′ASME, KeNB, NH \(NCC 2\)$/);
    expect([u.from, u.clause]).toEqual(['UE', 'TS 33.501 8.3.2, A.14.2']);
    const keys = { kasmePrime: toHex(kasme), knasEnc: toHex(ref.epsAlgKey(kasme, 1, EEA)), knasInt: toHex(ref.epsAlgKey(kasme, 2, EIA)), kenb: toHex(kenb), nh: toHex(nh) };
    expect(u.values).toEqual({ dlCount: 2, ...keys });
    expect(s.ue).toEqual({ ...keys, kamfPrime: null, kgnb: null, ksi: 1 });
    expect(s.network).toEqual(s.ue);
    expect([s.agree, s.to, s.mode]).toEqual([true, 'eps', 'ho']);
    expect(t.at(-1)!.event).toBe('Result: UE and network derived identical keys');
  });
});

describe('run interworking: EPS → 5GS idle mobility (TS 33.501 8.2, 8.6.2, A.15.1)', () => {
  const run = () => {
    const r = runInterworking({ to: '5gs', mode: 'idle', seed: 7 });
    const s = r.summary, t = r.trace;
    const tauUl = step(t, /^TRACKING AREA UPDATE REQUEST/).values.ulCount as number;
    const kasme = ref.kasmePrime(hex(kamfOf(t)), 'idle', tauUl);
    // the MME's mapped EPS context starts after the TAU (UL COUNT + 1); the scenario then sends two
    // more uplink EPS NAS messages ("In EPS: two more uplink EPS NAS messages")
    const ulEps = tauUl + 1 + 2;
    return { r, s, t, tauUl, kasme, ulEps };
  };
  it('TS 33.501 8.2 "the UE shall … integrity protect the Registration Request using the current 5G NAS security context … include the ngKSI": the REGISTRATION REQUEST step carries ngKSI 1, the native KAMF, the 5G-GUTI; the AMF\'s model verifies it', () => {
    const { r, s, t, tauUl, kasme, ulEps } = run();
    expect(step(t, /^In EPS: two more uplink EPS NAS messages$/)).toMatchObject({ from: 'UE', values: { ulEpsCount: ulEps } });
    const rr = step(t, /^REGISTRATION REQUEST \(mobility registration updating, TAU inside\) with the ngKSI of the context protecting it, integrity protected$/);
    expect([rr.from, rr.to, rr.clause]).toEqual(['UE', 'target AMF', 'TS 33.501 8.2']);
    expect(rr.values).toEqual({ ulCountRegistrationRequest: tauUl + 1, ngKsi: 1, kamf: kamfOf(t), identity: FIVEG_GUTI, ulEpsCount: ulEps });
    expect(new NetworkNasContext(hex(kamfOf(t)), 1, NEA, NIA).verifyUplink(hex(rr.message!))?.count).toBe(tauUl + 1);
    expect(s.deletionRules).toContain('Registration Request ngKSI 1 = ngKSI of the context that protected it (TS 33.501 8.2): true');
    expect(step(t, /^No 5G context for the UE's 5G-GUTI here: the Registration Request is treated as unprotected; mapped context from the MME$/))
      .toMatchObject({ from: 'target AMF', clause: 'TS 33.501 8.2', values: {} });
  });
  it('TS 33.501 8.6.2 / A.15.1 "K′AMF … using the UL EPS NAS COUNT of the TAU": the UE\'s MAPPED slot holds K′AMF from the reference, ngKSI = eKSI | TSC mapped', () => {
    const { r, s, t, tauUl, kasme, ulEps } = run();
    const kamfPrime = ref.kamfFromKasmeIdle(kasme, ulEps);
    expect(step(t, /^K′AMF = A\.15\.1\(KASME, UL EPS NAS COUNT of the TAU\) into the MAPPED slot$/))
      .toMatchObject({ from: 'UE', clause: 'TS 33.501 8.6.2, A.15.1', values: { ulEpsCount: ulEps, kamfPrime: toHex(kamfPrime), ngKsi: TSC_MAPPED | 1 } });
  });
  it('TS 33.501 8.6.2 with TS 24.501 5.4.2.3: the SMC with the mapped ngKSI activates the mapped context (COUNTs from 0, KgNB = A.9 at UL COUNT 0); UE and AMF hold the same K′AMF, NAS keys and KgNB; the native context waits as non-current', () => {
    const { r, s, t, tauUl, kasme, ulEps } = run();
    const kamfPrime = ref.kamfFromKasmeIdle(kasme, ulEps), nas = ref.nasKeys(kamfPrime, NEA, NIA), kgnb = ref.kgnb(kamfPrime, 0, 1);
    const smc = step(t, /^SECURITY MODE COMMAND with the mapped ngKSI: mapped context activated \(current\), COUNTs from 0$/);
    expect([smc.from, smc.clause]).toEqual(['UE', 'TS 33.501 8.6.2, TS 24.501 5.4.2.3']);
    expect(smc.values).toEqual({ kamf: toHex(kamfPrime), ngKsi: TSC_MAPPED | 1, knasint: toHex(nas.knasint), kgnb: toHex(kgnb), smcComplete: true });
    const keys = { kasmePrime: null, knasEnc: toHex(nas.knasenc), knasInt: toHex(nas.knasint), kenb: null, nh: null, kamfPrime: toHex(kamfPrime), kgnb: toHex(kgnb), ksi: TSC_MAPPED | 1 };
    expect(s.ue).toEqual(keys);
    expect(s.network).toEqual(keys);
    expect(s).toMatchObject({ to: '5gs', mode: 'idle', count: ulEps, countLsb8: null, ueCountEstimate: null, agree: true });
    expect(s.slots).toEqual({ current: 'mapped', nonCurrent: 'full-native', mapped: 'none' });
    expect(s.deletionRules.slice(3)).toEqual([
      'mapped 5G context activated by the SMC with ngKSI 9 (TSC mapped): current = mapped',
      'MAPPED slot emptied once taken into use: true',
      'native 5G context after the registration completed: full-native',
    ]);
  });
});

describe('run interworking: EPS → 5GS handover (TS 33.501 8.4, A.15.2, A.9)', () => {
  const run = () => {
    const r = runInterworking({ to: '5gs', mode: 'ho', seed: 7 });
    const s = r.summary, t = r.trace;
    const tauUl = step(t, /^TRACKING AREA UPDATE REQUEST/).values.ulCount as number;
    const kasme = ref.kasmePrime(hex(kamfOf(t)), 'idle', tauUl), ulEps = tauUl + 1 + 2;
    const kenb = ref.kenb(kasme, ulEps), nh = ref.nhEps(kasme, kenb);
    const kamfPrime = ref.kamfFromKasmeHo(kasme, nh), nas = ref.nasKeys(kamfPrime, NEA, NIA), kgnb = ref.kgnb(kamfPrime, NO_COUNT, 1);
    return { r, s, t, tauUl, kasme, ulEps, kenb, nh, kamfPrime, nas, kgnb };
  };
  it('TS 33.401 A.3 / A.4 in E-UTRAN: the UE step holds KeNB = A.3(KASME, UL NAS COUNT) and NH = A.4(KASME, KeNB) (NCC 1)', () => {
    const { r, s, t, tauUl, kasme, ulEps, kenb, nh, kamfPrime, nas, kgnb } = run();
    expect(step(t, /^EPS AS keys \(connected in E-UTRAN\): KeNB, NH \(NCC 1\)$/)).toMatchObject({ from: 'UE', clause: 'TS 33.401 A.3, A.4', values: { kenb: toHex(kenb), nh: toHex(nh) } });
    expect(step(t, /^Forward Relocation Request: KASME, NH, NCC, eKSI$/)).toMatchObject({ from: 'MME', to: 'target AMF', clause: 'TS 33.501 8.4', values: { ncc: 1 } });
  });
  it('TS 33.501 8.4 "K′AMF … from KASME and NH" (A.15.2) with the temporary KgNB = A.9(K′AMF, 2^32−1): the UE step holds them; the mapped context is current, the native KAMF non-current', () => {
    const { r, s, t, tauUl, kasme, ulEps, kenb, nh, kamfPrime, nas, kgnb } = run();
    const u = step(t, /^NASC verified; K′AMF = A\.15\.2\(KASME, NH\); mapped context current, native non-current; temporary KgNB = A\.9\(K′AMF, 2\^32−1\)$/);
    expect([u.from, u.clause]).toEqual(['UE', 'TS 33.501 8.4, A.15.2, A.9']);
    expect(u.values).toEqual({ kamfPrime: toHex(kamfPrime), ngKsi: TSC_MAPPED | 1, knasint: toHex(nas.knasint), kgnb: toHex(kgnb), nonCurrentKamf: kamfOf(t) });
    const keys = { kasmePrime: null, knasEnc: toHex(nas.knasenc), knasInt: toHex(nas.knasint), kenb: null, nh: toHex(nh), kamfPrime: toHex(kamfPrime), kgnb: toHex(kgnb), ksi: TSC_MAPPED | 1 };
    expect(s.ue).toEqual(keys);
    expect(s.network).toEqual(keys);
    expect(s).toMatchObject({ to: '5gs', mode: 'ho', count: null, countLsb8: null, ueCountEstimate: null, agree: true });
  });
  it('TS 24.501 5.4.2.3: an SMC naming the native ngKSI makes the non-current native context current and deletes the mapped one; the step says so and the rules read true', () => {
    const { r, s, t, tauUl, kasme, ulEps, kenb, nh, kamfPrime, nas, kgnb } = run();
    const back = step(t, /^SECURITY MODE COMMAND with the native ngKSI 1: the non-current native context becomes current; the mapped one is deleted$/);
    expect([back.from, back.clause, back.values]).toEqual(['UE', 'TS 24.501 5.4.2.3, TS 33.501 8.4', { kamf: kamfOf(t), smcComplete: true }]);
    expect(s.deletionRules.slice(2)).toEqual([
      'after the handover: current = mapped, non-current = full-native (the native context moved to NON_CURRENT, 8.4)',
      'non-current native 5G context becomes current when an SMC names its ngKSI (TS 24.501 5.4.2.3): true',
      'mapped 5G context deleted when the native one is activated: true',
    ]);
    expect(s.slots).toEqual({ current: 'full-native', nonCurrent: 'none', mapped: 'none' });
  });
});

describe('tauRequest (TS 24.301 8.2.29, 4.4.2.3): NAS key set identifier = TSC mapped | ngKSI, old GUTI mapped', () => {
  it('only the 3 bits of the ngKSI go into the KSI; the old GUTI is the one mapped from the 5G-GUTI, type "mapped"', () => {
    const g = guti(0x01, 0x00000401);
    expect(toHex(g)).toBe(FIVEG_GUTI);
    const p = parseTauRequest(tauRequest(0x0d, g));
    expect([p.ksi, toHex(p.oldGuti), p.mappedGuti]).toEqual([TSC_MAPPED | 5, MAPPED_GUTI, true]);
  });
});

// The scenario's verdicts and guards are what a user reads when a firmware or network change breaks
// 8.x: each must turn when the thing it checks goes wrong. These runs break one thing on purpose.
describe('run interworking reports what goes wrong', () => {
  afterEach(() => vi.restoreAllMocks());
  const flip = (b: Uint8Array) => { const c = b.slice(); c[0] ^= 1; return c; };

  it('an MME whose K′ASME differs from the UE\'s (handover): agree false, the result says DERIVED DIFFERENT KEYS', () => {
    const orig = InterworkingMme.prototype.handoverFrom5g;
    vi.spyOn(InterworkingMme.prototype, 'handoverFrom5g').mockImplementation(function (this: InterworkingMme, ...a) {
      const n = orig.apply(this, a);
      return { ...n, kasme: flip(n.kasme) };
    });
    const r = runInterworking({ to: 'eps', mode: 'ho', seed: 7 });
    expect(r.summary.agree).toBe(false);
    expect(r.trace.at(-1)).toMatchObject({ from: 'UE', event: 'Result: UE and network DERIVED DIFFERENT KEYS' });
  });
  it('TS 33.501 8.6.1: an AMF that cannot verify the TAU Request stops the run with that reason', () => {
    vi.spyOn(InterworkingMme.prototype, 'tauFrom5g').mockReturnValue(null);
    expect(() => runInterworking({ to: 'eps', mode: 'idle', seed: 7 })).toThrow('the AMF could not verify the TAU Request');
  });
  it('UE and AMF without a shared KAMF after the initial registration: the run stops before any interworking step', () => {
    const find = Amf.prototype.find;
    vi.spyOn(Amf.prototype, 'find').mockImplementation(function (this: Amf, g: Uint8Array) {
      const c = find.call(this, g);
      return c && { ...c, nas: new NetworkNasContext(flip(c.nas.kamf), c.nas.ngKsi, c.nas.nea, c.nas.nia) };
    });
    expect(() => runInterworking({ to: 'eps', mode: 'idle', seed: 7 })).toThrow('UE and AMF do not share a KAMF after the initial registration');
  });
  it('EPS → 5GS idle: an SMC COMPLETE the AMF cannot verify leaves the network without a KgNB (null), so the keys no longer agree', () => {
    const verify = NetworkNasContext.prototype.verifyUplink;
    vi.spyOn(NetworkNasContext.prototype, 'verifyUplink').mockImplementation(function (this: NetworkNasContext, m: Uint8Array) {
      return (this.ngKsi & TSC_MAPPED) ? null : verify.call(this, m);
    });
    const r = runInterworking({ to: '5gs', mode: 'idle', seed: 7 });
    expect(r.summary.network.kgnb).toBeNull();
    expect(r.summary.agree).toBe(false);
    expect(step(r.trace, /^SECURITY MODE COMMAND with the mapped ngKSI/).values.smcComplete).toBe(false);
  });
  it('EPS → 5GS handover: an SMC COMPLETE of the native context that does not verify turns the "becomes current" rule false', () => {
    const verify = NetworkNasContext.prototype.verifyUplink;
    let n = 0;
    vi.spyOn(NetworkNasContext.prototype, 'verifyUplink').mockImplementation(function (this: NetworkNasContext, m: Uint8Array) {
      return ++n > 1 && !(this.ngKsi & TSC_MAPPED) ? null : verify.call(this, m);
    });
    const r = runInterworking({ to: '5gs', mode: 'ho', seed: 7 });
    expect(r.summary.deletionRules).toContain('non-current native 5G context becomes current when an SMC names its ngKSI (TS 24.501 5.4.2.3): false');
    expect(step(r.trace, /^SECURITY MODE COMMAND with the native ngKSI 1/).values.smcComplete).toBe(false);
  });
});

describe('run interworking: EPS → 5GS idle with no usable 5G context left (TS 33.501 8.2, TS 24.501 4.4.6)', () => {
  afterEach(() => vi.restoreAllMocks());
  it('TS 33.501 8.2 "If the UE has no current 5G NAS security context, the Registration Request is sent unprotected" with ngKSI 111: the step says unprotected, carries no KAMF, the rule reads true; the mapped context is activated and no native context remains', () => {
    // fault: the native 5G context is lost while in EPS (wiped after the move to EPS)
    const entered = UeDevice.prototype.enteredEps;
    vi.spyOn(UeDevice.prototype, 'enteredEps').mockImplementation(function (this: UeDevice) {
      const r = entered.call(this);
      this.fw.wipe('current');
      return r;
    });
    const r = runInterworking({ to: '5gs', mode: 'idle', seed: 7 });
    const rr = step(r.trace, /^REGISTRATION REQUEST \(mobility registration updating, TAU inside\) with the ngKSI of the context protecting it, unprotected$/);
    expect(rr.values).toMatchObject({ ulCountRegistrationRequest: null, ngKsi: 7, kamf: null, identity: FIVEG_GUTI });
    expect(r.summary.deletionRules).toContain('Registration Request ngKSI 7 = ngKSI of the context that protected it (TS 33.501 8.2): true');
    expect(r.summary.deletionRules).toContain('native 5G context after the registration completed: deleted (firmware: kept as non-current until the registration completed, then wiped)');
    expect(r.summary.slots).toEqual({ current: 'mapped', nonCurrent: 'none', mapped: 'none' });
  });
  it('TS 24.501 5.4.2.5: a UE that rejects the SMC with the mapped ngKSI — the step names the REJECT and its cause', () => {
    const smc = UeFirmware.prototype.securityModeCommand;
    let calls = 0; // the first SMC is the initial registration's
    vi.spyOn(UeFirmware.prototype, 'securityModeCommand').mockImplementation(function (this: UeFirmware, ...a: Parameters<UeFirmware['securityModeCommand']>) {
      const res = smc.apply(this, a);
      return ++calls === 1 ? res : { ...res, result: 'reject', cause: 24 } as unknown as typeof res;
    });
    const r = runInterworking({ to: '5gs', mode: 'idle', seed: 7 });
    expect(step(r.trace, /^SECURITY MODE COMMAND with the mapped ngKSI: /)).toMatchObject({ event: 'SECURITY MODE COMMAND with the mapped ngKSI: REJECT #24', values: { smcComplete: false } });
  });
});
