// The sample world every scenario starts from (host/scenarios/setup.ts): the seeded random source
// (README: "the same seed gives the same keys in every run"), the subscriber override of
// `ue-keys run … --supi --k --opc`, the 5G-GUTIs (TS 24.501 9.11.3.4), the authentication label of
// the summaries, and the World's own AKA / SMC steps as the trace shows them. Expected bytes are
// computed here with node:crypto or written from the clause, never taken from setup.ts.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SUBSCRIBER, World, authLabel, guti, randomSource, withSubscriber } from '../../host/scenarios/setup.js';
import { Amf } from '../../host/network/amf.js';
import { EapAusf, Seaf } from '../../host/network/index.js';
import { UeDevice } from '../../host/ue/ue-device.js';
import * as M from '../../host/nas/messages.js';
import { toHex } from '../helpers.js';
import { step, steps } from './trace-steps.js';

const sha = (s: string) => createHash('sha256').update(s).digest();

afterEach(() => vi.restoreAllMocks());

describe('randomSource (README: a run with --seed is reproducible byte for byte)', () => {
  it('seeded: SHA-256("ue-keys seed <seed> <counter>") blocks, 32 octets each, the counter running on across calls', () => {
    const r = randomSource(7);
    expect(toHex(r(40))).toBe(toHex(Buffer.concat([sha('ue-keys seed 7 0'), sha('ue-keys seed 7 1').subarray(0, 8)])));
    expect(toHex(r(32))).toBe(toHex(sha('ue-keys seed 7 2')));
    expect(toHex(r(3))).toBe(toHex(sha('ue-keys seed 7 3').subarray(0, 3)));
    expect(toHex(randomSource(0)(16))).toBe(toHex(sha('ue-keys seed 0 0').subarray(0, 16)));
  });

  it('without a seed: node:crypto random bytes of the length asked, different every call and every source', () => {
    const r = randomSource();
    const a = r(32), b = r(32);
    expect([a.length, b.length, r(5).length]).toEqual([32, 32, 5]);
    expect(toHex(a)).not.toBe(toHex(b));
    expect(toHex(randomSource()(32))).not.toBe(toHex(randomSource()(32)));
    // a World without a seed: its modelled network state is random too
    expect(toHex(new World().random(32))).not.toBe(toHex(new World().random(32)));
  });

  it('a World with a seed: the modelled network state uses its own stream (seed + 2^32), not the UDM\'s RANDs', () => {
    const w = new World(1);
    expect(toHex(w.random(32))).toBe(toHex(sha('ue-keys seed 4294967297 0')));
  });
});

describe('withSubscriber (`ue-keys run … --supi --k --opc`)', () => {
  it('the SUPI gives MCC (3 digits) and a 2-digit MNC; K and OPc replace the sample\'s; the sample subscriber is back afterwards, also after a throw', () => {
    const before = { ...SUBSCRIBER };
    const k = Uint8Array.from({ length: 16 }, (_, i) => i), opc = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 - i);
    const calc = () => Uint8Array.of(1);
    const inside = withSubscriber({ supi: '310150123456789', k, opc, suciCalculation: calc }, () => ({ ...SUBSCRIBER }));
    expect(inside).toEqual({ supi: '310150123456789', mcc: '310', mnc: '15', k, opc, suciCalculation: calc });
    expect(SUBSCRIBER).toEqual(before);
    expect(() => withSubscriber({ supi: '999990000000001' }, () => { throw new Error('boom'); })).toThrow('boom');
    expect(SUBSCRIBER).toEqual(before);
    // nothing given: the sample subscriber as it is
    expect(withSubscriber({}, () => ({ ...SUBSCRIBER }))).toEqual(before);
  });

  it('a World made inside uses the subscriber: the UE\'s MNC length and SUCI calculation come from it', () => {
    const calc = vi.fn(() => Uint8Array.of(0x01, 0x02));
    const w = withSubscriber({ supi: '310150123456789', suciCalculation: calc }, () => new World(3));
    expect(w.ue.mncDigits).toBe(2);
    expect(toHex(w.ue.suci())).toBe('0102');
    expect(calc).toHaveBeenCalledWith('310150123456789', 2);
    expect(w.snn).toBe('5G:mnc015.mcc310.3gppnetwork.org');
  });
});

describe('the scenario\'s 5G-GUTIs and labels', () => {
  it('TS 24.501 9.11.3.4: 5G-GUTI = F2 ‖ PLMN 00 F1 10 ‖ AMF Region ID ‖ AMF Set ID (10 bits) = 1 ‖ AMF Pointer (6 bits) = 1 ‖ 5G-TMSI', () => {
    expect(toHex(guti(0x01, 0x00000101))).toBe('f2' + '00f110' + '01' + '0041' + '00000101');
    expect(toHex(guti(0xab, 0xdeadbeef))).toBe('f2' + '00f110' + 'ab' + '0041' + 'deadbeef');
  });

  it('the summaries\' auth field (TS 33.501 6.1.3): 5G AKA, or EAP-AKA′ with where its EAP-Success went', () => {
    expect([authLabel({}), authLabel({ auth: '5g-aka' }), authLabel({ auth: 'eap-aka-prime' }), authLabel({ auth: 'eap-aka-prime', eapSuccessIn: 'smc' }), authLabel({ auth: 'eap-aka-prime', eapSuccessIn: 'result' })])
      .toEqual(['5g-aka', '5g-aka', 'eap-aka-prime (EAP-Success in the SMC)', 'eap-aka-prime (EAP-Success in the SMC)', 'eap-aka-prime (EAP-Success in AUTHENTICATION RESULT)']);
  });
});

describe('World: the initial registration and its steps (TS 33.501 6.1.3.2, 6.7.2)', () => {
  it('initialRegistration: 5G AKA, SMC (HDP = 0, 128-NEA2/128-NIA2), REGISTRATION ACCEPT with the 5G-GUTI — each step named by the AMF that runs it', () => {
    const w = new World(5);
    const amf = new Amf('source AMF', w.trace);
    const g = guti(0x01, 0x42);
    w.initialRegistration(amf, g, 3);
    const auth = step(w.trace.steps, /^Authentication succeeded; KAMF for ngKSI 3$/);
    expect(auth).toMatchObject({ from: 'source AMF', clause: 'TS 33.501 6.1.3.2' });
    expect(step(w.trace.steps, /^SECURITY MODE COMMAND/)).toMatchObject({ from: 'source AMF', to: 'UE', clause: 'TS 33.501 6.7.2', event: 'SECURITY MODE COMMAND (HDP = 0, ngKSI 3, 128-NEA2/128-NIA2)', values: { kamf: auth.values.kamf, dlCount: 0 } });
    expect(step(w.trace.steps, /^REGISTRATION ACCEPT/)).toMatchObject({ from: 'source AMF', to: 'UE', event: 'REGISTRATION ACCEPT (new 5G-GUTI)', values: { guti: toHex(g) } });
    const ctx = amf.find(g)!;
    expect([toHex(ctx.nas.kamf), ctx.nas.ngKsi, ctx.nas.nea, ctx.nas.nia, ctx.supi, toHex(ctx.ueSecurityCapabilities), ctx.transferPending]).toEqual([auth.values.kamf, 3, 2, 2, SUBSCRIBER.supi, 'f0f0', false]);
    expect([toHex(w.ue.context('current').kamf), w.ue.context('current').ngKsi, toHex(w.ue.guti!)]).toEqual([auth.values.kamf, 3, toHex(g)]);
    // default ngKSI 1
    const w1 = new World(5);
    w1.initialRegistration(new Amf('AMF', w1.trace), g);
    expect(w1.ue.context('current').ngKsi).toBe(1);
  });

  it('TS 24.501 5.4.2.2/5.4.2.3: the World\'s SECURITY MODE COMMAND requests the IMEISV, so the SECURITY MODE COMPLETE carries the UE\'s IMEISV (9.11.3.4 type 101)', () => {
    const w = new World(9);
    const amf = new Amf('AMF', w.trace);
    w.ue.registrationRequest(M.REG_TYPE.INITIAL);
    const nas = w.authenticate(amf, 1)!;
    const r = w.ue.securityModeCommand(w.securityModeCommand(amf, nas));
    const plain = nas.verifyUplink(r.response)!.plain;
    expect(toHex(plain)).toContain('0009' + '4553012000000010f2');
  });

  it('initialRegistration fails loudly when the UE cannot be authenticated or the SMC fails (a scenario never starts from a half-registered UE)', () => {
    const w = new World(6);
    vi.spyOn(Seaf.prototype, 'handleAuthenticationResponse').mockReturnValue({ result: 'failure', reason: 'injected' } as never);
    expect(() => w.initialRegistration(new Amf('AMF', w.trace), guti(1, 1))).toThrow('initial registration: authentication failed');
    vi.restoreAllMocks();
    const w2 = new World(6);
    const smc = UeDevice.prototype.securityModeCommand;
    vi.spyOn(UeDevice.prototype, 'securityModeCommand').mockImplementation(function (this: UeDevice, m) { const r = smc.call(this, m); const response = r.response.slice(); response[3] ^= 1; return { ...r, response }; });
    expect(() => w2.initialRegistration(new Amf('AMF', w2.trace), guti(1, 1))).toThrow('initial registration: SMC failed');
    vi.restoreAllMocks();
    // a SECURITY MODE REJECT is a failed SMC even when the network could verify its bytes
    const w3 = new World(6);
    vi.spyOn(UeDevice.prototype, 'securityModeCommand').mockImplementation(function (this: UeDevice, m) { return { ...smc.call(this, m), result: 'reject', cause: 24 } as never; });
    expect(() => w3.initialRegistration(new Amf('AMF', w3.trace), guti(1, 1))).toThrow('initial registration: SMC failed');
  });

  it('TS 33.501 6.1.3.3.2 (synchronisation failure): the SEAF answers an AUTHENTICATION FAILURE #21 with AUTS by one more AUTHENTICATION REQUEST after the resynchronisation; a second synch failure, or a failure without AUTS (#20 MAC failure), ends the authentication (null)', () => {
    const req = UeDevice.prototype.authenticationRequest;
    // A synch failure made by the USIM itself: the same AUTHENTICATION REQUEST a second time carries an SQN it already accepted
    const replayed = (times: number) => {
      let n = 0;
      vi.spyOn(UeDevice.prototype, 'authenticationRequest').mockImplementation(function (this: UeDevice, m) {
        if (n++ >= times) return req.call(this, m);
        req.call(this, m);
        const r = req.call(this, m);
        expect(r).toMatchObject({ message: 'AUTHENTICATION FAILURE', cause: 21 });
        return r;
      });
      return () => n;
    };
    const w = new World(8);
    const calls = replayed(1);
    w.ue.registrationRequest(M.REG_TYPE.INITIAL);
    const nas = w.authenticate(new Amf('AMF', w.trace), 2);
    expect(nas).not.toBeNull();
    expect(calls()).toBe(2);
    expect(step(w.trace.steps, /^Authentication succeeded; KAMF for ngKSI 2$/).values.kamf).toBe(toHex(nas!.kamf));
    vi.restoreAllMocks();

    const w2 = new World(8);
    const calls2 = replayed(5);
    w2.ue.registrationRequest(M.REG_TYPE.INITIAL);
    expect(w2.authenticate(new Amf('AMF', w2.trace), 2)).toBeNull();
    expect(calls2()).toBe(2);
    expect(steps(w2.trace.steps, /^Authentication succeeded/)).toEqual([]);
    vi.restoreAllMocks();

    const w3 = new World(8);
    vi.spyOn(UeDevice.prototype, 'authenticationRequest').mockReturnValue({ message: 'AUTHENTICATION FAILURE', cause: 20, causeName: 'MAC failure' } as never);
    const failure = vi.spyOn(Seaf.prototype, 'handleAuthenticationFailure');
    w3.ue.registrationRequest(M.REG_TYPE.INITIAL);
    expect(w3.authenticate(new Amf('AMF', w3.trace), 2)).toBeNull();
    expect(failure).toHaveBeenCalledTimes(1);
  });
});

describe('World with EAP-AKA′ (TS 33.501 6.1.3.1; `ue-keys run … --auth eap-aka-prime --eap-success smc|result`)', () => {
  it('defaults: 5G AKA, and for EAP-AKA′ the EAP-Success in the SECURITY MODE COMMAND (TS 38.508-1 4.9.8)', () => {
    const w = new World(1);
    expect([w.auth, w.eapSuccessIn]).toEqual(['5g-aka', 'smc']);
    const e = new World(1, { auth: 'eap-aka-prime' });
    expect([e.auth, e.eapSuccessIn]).toEqual(['eap-aka-prime', 'smc']);
    expect(new World(1, { auth: 'eap-aka-prime', eapSuccessIn: 'result' }).eapSuccessIn).toBe('result');
  });

  it('TS 24.501 5.4.1.2.2.8 (--eap-success result): the EAP-Success goes in an AUTHENTICATION RESULT with the ABBA; the SMC then carries none', () => {
    const w = new World(21, { auth: 'eap-aka-prime', eapSuccessIn: 'result' });
    w.initialRegistration(new Amf('AMF', w.trace), guti(1, 21));
    const req = steps(w.trace.steps, /^AUTHENTICATION REQUEST \(/);
    expect(req.length).toBeGreaterThan(0);
    for (const r of req) expect(r).toMatchObject({ from: 'AMF', to: 'UE', clause: 'TS 24.501 5.4.1.2.2.2; TS 33.501 6.1.3.1', event: expect.stringMatching(/^AUTHENTICATION REQUEST \(EAP-Request\/AKA′-\S+, ngKSI 1\)$/) });
    const ok = step(w.trace.steps, /^Authentication succeeded \(EAP-AKA′\)/);
    expect(ok).toMatchObject({ from: 'AMF', event: 'Authentication succeeded (EAP-AKA′); KAMF for ngKSI 1', clause: 'TS 33.501 6.1.3.1 step 10, A.7' });
    expect(toHex(w.ue.context('current').kamf)).toBe(ok.values.kamf);
    expect(Object.keys(ok.values).sort()).toEqual(['kamf', 'kseaf']);
    expect(step(w.trace.steps, /^AUTHENTICATION RESULT \(EAP-Success, ABBA\)$/)).toMatchObject({ from: 'AMF', to: 'UE', clause: 'TS 24.501 5.4.1.2.2.8' });
    expect(steps(w.trace.steps, /^SECURITY MODE COMMAND/).map((x) => x.event)).toEqual(['SECURITY MODE COMMAND (HDP = 0, ngKSI 1, 128-NEA2/128-NIA2)']);
  });

  it('TS 38.508-1 4.9.8 (--eap-success smc, the default): no AUTHENTICATION RESULT; the SMC carries the EAP-Success and the ABBA, and the trace says so', () => {
    const w = new World(21, { auth: 'eap-aka-prime' });
    w.initialRegistration(new Amf('AMF', w.trace), guti(1, 21));
    expect(steps(w.trace.steps, /^AUTHENTICATION RESULT/)).toEqual([]);
    expect(step(w.trace.steps, /^SECURITY MODE COMMAND \(EAP-Success, ABBA/).event).toBe('SECURITY MODE COMMAND (EAP-Success, ABBA, HDP = 0, ngKSI 1, 128-NEA2/128-NIA2)');
  });

  it('TS 24.501 5.4.1.2.2.10: an EAP-Failure from the AUSF (the UE refused a corrupted AT_MAC) is sent in an AUTHENTICATION REJECT; the authentication gives no context', () => {
    const w = new World(22, { auth: 'eap-aka-prime' });
    w.eapChallenge = { corruptMac: true };
    w.ue.registrationRequest(M.REG_TYPE.INITIAL);
    expect(w.authenticate(new Amf('AMF', w.trace), 1)).toBeNull();
    expect(step(w.trace.steps, /^AUTHENTICATION REJECT \(EAP-Failure\): /)).toMatchObject({ from: 'AMF', to: 'UE', clause: 'TS 24.501 5.4.1.2.2.10' });
    expect(steps(w.trace.steps, /^Authentication succeeded/)).toEqual([]);
  });

  it('modelling choice: an EAP exchange that never ends (the AUSF keeps sending EAP-Requests) is given up after four AUTHENTICATION REQUESTs', () => {
    const w = new World(23, { auth: 'eap-aka-prime' });
    const request = Uint8Array.of(0x01, 0x01, 0x00, 0x08, 0x32, 0x01, 0x00, 0x00); // EAP-Request/AKA'-Challenge header (RFC 9048)
    vi.spyOn(EapAusf.prototype, 'handleResponse').mockReturnValue({ kind: 'request', eap: request } as never);
    vi.spyOn(UeDevice.prototype, 'authenticationRequestEap').mockReturnValue({ response: M.authenticationResponseEap(Uint8Array.of(0x02, 0x01, 0x00, 0x04)) } as never);
    w.ue.registrationRequest(M.REG_TYPE.INITIAL);
    expect(w.authenticate(new Amf('AMF', w.trace), 1)).toBeNull();
    expect(steps(w.trace.steps, /^AUTHENTICATION REQUEST \(/)).toHaveLength(4);
  });
});
