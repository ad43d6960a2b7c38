// How the mobility scenario registers the UE again (host/scenarios/re-registration.ts): identification
// (TS 33.501 6.12.4), power loss and power-on (6.8.1.1.2.1), the fallback to the source AMF with the
// kept context (6.9.3 with seed 000's change). These tests drive identify / powerCycle /
// fallbackToSource on a World directly and read the steps, the AMF's contexts and the outcome
// against the clauses: identities composed by hand from TS 24.501 9.11.3.4 / 8.2.21, keys from the
// trace of the authentication that made them (the AMF's own step), replay outcomes from TS 33.501
// 6.4.3.2. The fault-injection block (vi.spyOn) breaks one thing and checks the guard turns.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { World } from '../../host/scenarios/setup.js';
import { Amf } from '../../host/network/amf.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { UeDevice } from '../../host/ue/ue-device.js';
import { MacFailureError } from '../../host/errors.js';
import {
  GUTI_SOURCE, GUTI_SOURCE_2, GUTI_TARGET, GUTI_TARGET_2, fallbackToSource, identify, powerCycle,
} from '../../host/scenarios/re-registration.js';
import type { TraceStep } from '../../host/trace.js';
import { toHex } from '../helpers.js';
import { steps, step } from './trace-steps.js';

const SUPI = '001010000000001';
/** 5GS mobile identity, type 5G-GUTI (TS 24.501 9.11.3.4): f2, MCC/MNC 001/01 = 00 f1 10, AMF Region
 *  ID, AMF Set ID 1 ‖ AMF Pointer 1 (10 + 6 bits) = 00 41, 5G-TMSI. */
const gutiHex = (region: string, tmsi: string) => `f200f110${region}0041${tmsi}`;
/** The KAMF the AMF itself logged for the authentication with this ngKSI (its own step, TS 33.501 6.1.3.2). */
const kamfLogged = (t: TraceStep[], ngKsi: number) => step(t, new RegExp(`^Authentication succeeded; KAMF for ngKSI ${ngKsi}$`)).values.kamf as string;
const since = (w: World, n: number) => w.trace.steps.slice(n);

function registeredAtSource(seed = 3) {
  const w = new World(seed);
  const S = new Amf('source AMF', w.trace, { horizontal: true, retention: 'keep' });
  w.initialRegistration(S, GUTI_SOURCE, 1);
  const kamf = toHex(S.find(GUTI_SOURCE)!.nas.kamf);
  return { w, S, kamf, n: w.trace.steps.length };
}

describe('the scenario\'s 5G-GUTIs (TS 24.501 9.11.3.4)', () => {
  it('source 0x01/0x101, target 0x02/0x202, then 0x01/0x102 and 0x02/0x203 for the re-registrations', () => {
    expect([GUTI_SOURCE, GUTI_TARGET, GUTI_SOURCE_2, GUTI_TARGET_2].map(toHex)).toEqual([
      gutiHex('01', '00000101'), gutiHex('02', '00000202'), gutiHex('01', '00000102'), gutiHex('02', '00000203'),
    ]);
  });
});

describe('identify (TS 33.501 6.12.4 "the AMF … shall initiate the identification procedure")', () => {
  it('IDENTITY REQUEST for the SUCI (TS 24.501 8.2.21: 7E 00 5B, identity type 1 = SUCI) goes to the UE, then the UDM resolves the SUCI', () => {
    const { w, S, n } = registeredAtSource();
    expect(identify(w, S)).toBe(true);
    const t = since(w, n);
    expect(step(t, /^No UE context could be retrieved: IDENTITY REQUEST \(SUCI\)$/)).toMatchObject({ from: 'source AMF', to: 'UE', clause: 'TS 33.501 6.12.4, 6.9.3 c', message: '7e005b01', values: {} });
    expect(step(t, /^IDENTITY RESPONSE \(SUCI\), unprotected$/).from).toBe('UE');
    expect(step(t, /^SUCI received: the UDM resolves it to the SUPI, then primary authentication$/)).toMatchObject({ from: 'source AMF', clause: 'TS 33.501 6.12.4', values: {} });
    expect(t.findIndex((x) => /^IDENTITY RESPONSE/.test(x.event))).toBeGreaterThan(t.findIndex((x) => /^No UE context/.test(x.event)));
  });
});

describe('powerCycle (TS 33.501 6.8.1.1.2.1)', () => {
  it('"If the stored context is valid … the UE shall use it": after a deregistration (stored valid) the power-on loads it, the Registration Request goes out integrity protected with its ngKSI, and the AMF that holds the context verifies it — no authentication', () => {
    const { w, S, kamf, n } = registeredAtSource();
    w.ue.store.deregister('normal');
    const a = powerCycle(w, S, 'source');
    expect(a).toEqual({ ngKsiSent: 1, authenticated: false, registeredAt: 'source', downlinkReplayed: false });
    const t = since(w, n);
    expect(step(t, /^Registration Request verified with the context it holds \(the UE loaded a valid stored context\)$/)).toMatchObject({ from: 'source AMF', clause: 'TS 33.501 6.8.1.1.2.1', values: { ulCount: 1 } });
    const acc = step(t, /^REGISTRATION ACCEPT$/);
    expect([acc.from, acc.to, acc.values, typeof acc.message]).toEqual(['source AMF', 'UE', { dlCount: 2 }, 'string']);
    expect(steps(t, /AUTHENTICATION|IDENTITY|authenticates the UE/)).toEqual([]);
    expect(toHex(w.ue.context('current').kamf)).toBe(kamf);
  });
  it('TS 33.501 6.4.3.2 (replay protection): the loaded context\'s AMF sends its ACCEPT with a DL NAS COUNT the UE already accepted — the UE discards it and reports the replay (downlinkReplayed)', () => {
    const { w, S, n } = registeredAtSource();
    w.ue.store.deregister('normal');
    S.find(GUTI_SOURCE)!.nas.dlNext['3gpp'] = 0; // the SMC's DL COUNT, accepted before
    const a = powerCycle(w, S, 'source');
    expect(a).toEqual({ ngKsiSent: 1, authenticated: false, registeredAt: 'source', downlinkReplayed: true });
    expect(step(since(w, n), /^REGISTRATION ACCEPT discarded: its DL NAS COUNT was already used with this KAMF \(replay\)$/)).toMatchObject({ from: 'UE', clause: 'TS 33.501 6.4.3.2', values: {} });
    expect(steps(since(w, n), /^Registration failed \(REGISTRATION ACCEPT discarded\)/)).toHaveLength(1);
  });
  it('a valid stored context the AMF does not hold: "Cannot verify the Registration Request", identification, then 5G AKA with ngKSI 3 and a new 5G-GUTI (target: 0x02/0x203)', () => {
    const { w, n } = registeredAtSource();
    w.ue.store.deregister('normal');
    const T = new Amf('target AMF', w.trace);
    const a = powerCycle(w, T, 'target');
    expect(a).toEqual({ ngKsiSent: 1, authenticated: true, registeredAt: 'target', downlinkReplayed: false });
    const t = since(w, n);
    expect(step(t, /^Cannot verify the Registration Request: authenticates the UE$/)).toMatchObject({ from: 'target AMF', clause: 'TS 33.501 6.8.1.2.1, 6.1.3' });
    expect(steps(t, /^No UE context could be retrieved: IDENTITY REQUEST/)).toHaveLength(1);
    const kamf = kamfLogged(t, 3);
    expect([...T.contexts.keys()]).toEqual([toHex(GUTI_TARGET_2)]);
    expect(toHex(T.find(GUTI_TARGET_2)!.nas.kamf)).toBe(kamf);
    expect([T.find(GUTI_TARGET_2)!.supi, T.find(GUTI_TARGET_2)!.nas.ngKsi]).toEqual([SUPI, 3]);
    expect(toHex(w.ue.context('current').kamf)).toBe(kamf);
    expect(toHex(w.ue.guti!)).toBe(gutiHex('02', '00000203'));
    const acc = step(t, /^REGISTRATION ACCEPT \(new 5G-GUTI\)$/);
    expect([acc.from, acc.to, acc.values]).toEqual(['target AMF', 'UE', { dlCount: 1 }]); // SMC at DL COUNT 0
  });
  it('"If … the stored context is invalid … the UE sends ngKSI 111": registered (stored copy invalid) then power loss — unprotected request; the AMF that knows the 5G-GUTI skips identification, deletes every old context of the SUPI and files the new one under 0x01/0x102', () => {
    const { w, S, kamf: old, n } = registeredAtSource();
    S.add({ supi: SUPI, guti: GUTI_TARGET, nas: S.find(GUTI_SOURCE)!.nas, ueSecurityCapabilities: w.ue.caps }); // a second stale context of the same SUPI
    S.add({ supi: '001010000000002', guti: GUTI_TARGET_2, nas: S.find(GUTI_SOURCE)!.nas, ueSecurityCapabilities: w.ue.caps }); // another subscriber's
    const a = powerCycle(w, S, 'source');
    expect(a).toEqual({ ngKsiSent: 7, authenticated: true, registeredAt: 'source', downlinkReplayed: false });
    const t = since(w, n);
    expect(step(t, /^Registration Request with ngKSI 111 \(no key available\): authenticates the UE$/)).toMatchObject({ from: 'source AMF', clause: 'TS 33.501 6.8.1.2.1, 6.1.3', values: {} });
    expect(steps(t, /IDENTITY REQUEST/)).toEqual([]);
    const kamf = kamfLogged(t, 3);
    expect(kamf).not.toBe(old);
    expect([...S.contexts.keys()].sort()).toEqual([toHex(GUTI_SOURCE_2), toHex(GUTI_TARGET_2)].sort());
    expect(toHex(S.find(GUTI_SOURCE_2)!.nas.kamf)).toBe(kamf);
    expect(S.find(GUTI_TARGET_2)!.supi).toBe('001010000000002');
    expect(toHex(w.ue.guti!)).toBe(gutiHex('01', '00000102'));
  });
});

describe('fallbackToSource (TS 33.501 6.9.3 with the seed 000 change)', () => {
  it('a source AMF that kept the context verifies the mobility Registration Request with it, re-files it under the new 5G-GUTI 0x01/0x102 and the UE accepts', () => {
    const { w, S, kamf, n } = registeredAtSource();
    const nas = S.find(GUTI_SOURCE)!.nas;
    expect(fallbackToSource(w, S)).toBe(true);
    const t = since(w, n);
    expect(step(t, /^Falls back: registers to the source AMF with the old 5G-GUTI and the kept context$/)).toMatchObject({ from: 'UE', clause: 'TS 33.501 6.9.3 with the seed 000 change' });
    expect(step(t, /^Registration Request verified with the context it kept$/)).toMatchObject({ from: 'source AMF', clause: 'TS 33.501 6.9.3 with the seed 000 change', values: { kamf, ulCount: 1 } });
    const acc = step(t, /^REGISTRATION ACCEPT \(new 5G-GUTI\)$/);
    expect([acc.from, acc.to, acc.values]).toEqual(['source AMF', 'UE', { dlCount: 2 }]);
    expect([...S.contexts.keys()]).toEqual([toHex(GUTI_SOURCE_2)]);
    expect(S.find(GUTI_SOURCE_2)!.nas).toBe(nas);
    expect(S.find(GUTI_SOURCE_2)!.supi).toBe(SUPI);
    expect(toHex(w.ue.guti!)).toBe(gutiHex('01', '00000102'));
    expect(steps(t, /AUTHENTICATION|IDENTITY/)).toEqual([]);
  });
  it('TS 33.501 6.4.3.2: the kept context\'s ACCEPT reuses a DL NAS COUNT the UE accepted (the other AMF used it with the same KAMF) — discarded as a replay, the context stays under the old 5G-GUTI', () => {
    const { w, S, n } = registeredAtSource();
    S.find(GUTI_SOURCE)!.nas.dlNext['3gpp'] = 1;
    expect(fallbackToSource(w, S)).toBe('verified-but-downlink-replayed');
    expect(step(since(w, n), /^REGISTRATION ACCEPT from the source AMF discarded: /)).toMatchObject({
      from: 'UE', clause: 'TS 33.501 6.4.3.2', event: 'REGISTRATION ACCEPT from the source AMF discarded: its DL NAS COUNT was already used with this KAMF by the target AMF (replay)',
    });
    expect([...S.contexts.keys()]).toEqual([toHex(GUTI_SOURCE)]);
    expect(steps(since(w, n), /^Registration failed \(REGISTRATION ACCEPT discarded\)/)).toHaveLength(1);
  });
  it('a source AMF whose context no longer verifies (another KAMF): MAC failure, no identification (it knows the 5G-GUTI), 5G AKA with ngKSI (1 + 2) mod 7 = 3, the new context replaces the old under 0x01/0x102', () => {
    const { w, S, kamf: old, n } = registeredAtSource();
    const c = S.find(GUTI_SOURCE)!;
    S.add({ ...c, nas: new NetworkNasContext(new Uint8Array(32).fill(0x5a), c.nas.ngKsi, c.nas.nea, c.nas.nia) });
    expect(fallbackToSource(w, S)).toBe(false);
    const t = since(w, n);
    expect(step(t, /^Cannot verify the Registration Request \(no 5G security context: MAC failure\) — re-authentication needed$/)).toMatchObject({ from: 'source AMF', clause: 'TS 33.501 6.9.3', values: {} });
    expect(steps(t, /IDENTITY REQUEST/)).toEqual([]);
    const kamf = kamfLogged(t, 3);
    expect(kamf).not.toBe(old);
    expect(step(t, /^REGISTRATION ACCEPT \(new 5G-GUTI\) after re-authentication$/)).toMatchObject({ from: 'source AMF', to: 'UE' });
    expect([...S.contexts.keys()]).toEqual([toHex(GUTI_SOURCE_2)]);
    expect(toHex(S.find(GUTI_SOURCE_2)!.nas.kamf)).toBe(kamf);
    expect(S.find(GUTI_SOURCE_2)!.supi).toBe(SUPI);
    expect(toHex(w.ue.context('current').kamf)).toBe(kamf);
  });
  it('a source AMF without any context: identification (6.12.4) before the 5G AKA', () => {
    const { w, S, n } = registeredAtSource();
    S.contexts.clear();
    expect(fallbackToSource(w, S)).toBe(false);
    const t = since(w, n);
    expect(steps(t, /^No UE context could be retrieved: IDENTITY REQUEST/)).toHaveLength(1);
    expect(toHex(S.find(GUTI_SOURCE_2)!.nas.kamf)).toBe(kamfLogged(t, 3));
  });
});

// Guards and verdicts of the re-registration steps: each must turn when the thing it checks goes
// wrong. These runs break one thing on purpose.
describe('re-registration reports what goes wrong', () => {
  afterEach(() => vi.restoreAllMocks());

  it('power-on with ngKSI 111 and an authentication that fails: the run stops with that reason', () => {
    const { w, S } = registeredAtSource();
    vi.spyOn(World.prototype, 'authenticate').mockReturnValue(null);
    expect(() => powerCycle(w, S, 'source')).toThrow('re-registration after power-on: authentication failed');
  });
  it('power-on, then an SMC the UE rejects: the run stops ("SMC failed")', () => {
    const { w, S } = registeredAtSource();
    vi.spyOn(UeDevice.prototype, 'securityModeCommand').mockReturnValue({ result: 'reject', cause: 24, response: Uint8Array.of(0x7e, 0, 0x5f, 24), ulCount: null } as unknown as ReturnType<UeDevice['securityModeCommand']>);
    expect(() => powerCycle(w, S, 'source')).toThrow('re-registration after power-on: SMC failed');
  });
  it('power-on, then a SECURITY MODE COMPLETE the AMF cannot verify: the run stops ("SMC failed")', () => {
    const { w, S } = registeredAtSource();
    const smc = UeDevice.prototype.securityModeCommand;
    vi.spyOn(UeDevice.prototype, 'securityModeCommand').mockImplementation(function (this: UeDevice, m: Uint8Array) {
      const r = smc.call(this, m);
      if (r.result === 'complete') r.response[r.response.length - 1] ^= 1;
      return r;
    });
    expect(() => powerCycle(w, S, 'source')).toThrow('re-registration after power-on: SMC failed');
  });
  it('power-on with a loaded context: a downlink error other than replay / MAC failure is not swallowed', () => {
    const { w, S } = registeredAtSource();
    w.ue.store.deregister('normal');
    vi.spyOn(UeDevice.prototype, 'downlink').mockImplementation(() => { throw new RangeError('boom'); });
    expect(() => powerCycle(w, S, 'source')).toThrow('boom');
  });
  it('fallback: an ACCEPT that fails its integrity check is discarded and named so ("integrity check failed")', () => {
    const { w, S, n } = registeredAtSource();
    vi.spyOn(UeDevice.prototype, 'downlink').mockImplementation(() => { throw new MacFailureError(3, 'nas_verify', 'MAC failure'); });
    expect(fallbackToSource(w, S)).toBe('verified-but-downlink-replayed');
    expect(step(since(w, n), /^REGISTRATION ACCEPT from the source AMF discarded: integrity check failed$/)).toMatchObject({ from: 'UE', clause: 'TS 33.501 6.4.3.2' });
  });
  it('fallback: a downlink error other than replay / MAC failure is not swallowed', () => {
    const { w, S } = registeredAtSource();
    vi.spyOn(UeDevice.prototype, 'downlink').mockImplementation(() => { throw new RangeError('boom'); });
    expect(() => fallbackToSource(w, S)).toThrow('boom');
  });
  it('fallback with re-authentication: an authentication that fails leaves the source AMF without a new context and sends no ACCEPT', () => {
    const { w, S, n } = registeredAtSource();
    S.contexts.clear();
    vi.spyOn(World.prototype, 'authenticate').mockReturnValue(null);
    expect(fallbackToSource(w, S)).toBe(false);
    expect(steps(since(w, n), /REGISTRATION ACCEPT/)).toEqual([]);
    expect(S.contexts.size).toBe(0);
  });
  it('fallback with re-authentication: an SMC the UE rejects, or a COMPLETE that does not verify, sends no ACCEPT and files no context', () => {
    for (const fault of ['reject', 'bad-complete'] as const) {
      const { w, S, n } = registeredAtSource();
      S.contexts.clear();
      const smc = UeDevice.prototype.securityModeCommand;
      vi.spyOn(UeDevice.prototype, 'securityModeCommand').mockImplementation(function (this: UeDevice, m: Uint8Array) {
        const r = smc.call(this, m);
        if (fault === 'reject') return { ...r, result: 'reject', cause: 24 } as unknown as typeof r;
        if (r.result === 'complete') r.response[r.response.length - 1] ^= 1;
        return r;
      });
      expect(fallbackToSource(w, S), fault).toBe(false);
      expect(steps(since(w, n), /REGISTRATION ACCEPT/), fault).toEqual([]);
      expect(S.contexts.size, fault).toBe(0);
      vi.restoreAllMocks();
    }
  });
});
