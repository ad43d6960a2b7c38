// `run srvcc` (host/scenarios/srvcc.ts) is also the project's detector for a broken J.1: each guard
// and verdict of the scenario must turn when the thing it checks goes wrong. These runs break one
// thing on purpose in the UE or the network model (vi.spyOn on the model's classes, the real call
// kept for everything else) and read the verdict the user sees: the summary and the trace. Expected
// values come from the clause, the documented actor names (host/trace.ts `Actor`) and the
// node:crypto NIA2 reference, never from the scenario.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runSrvcc } from '../../host/scenarios/srvcc.js';
import { World, guti } from '../../host/scenarios/setup.js';
import { SrvccAmf, MmeSrvcc, MscServer, type PsToCsRequest } from '../../host/network/msc.js';
import type { AmfUeContext } from '../../host/network/amf.js';
import { nia2Ref } from '../../host/reference/nas.js';
import { UeDevice } from '../../host/ue/ue-device.js';
import { toHex } from '../helpers.js';
import { steps, step, flip } from './trace-steps.js';

const REAUTH = /^Registration Request not protected with the old context \/ re-authentication required after SRVCC: runs 5G AKA$/;
const ACCEPT_NEW = /^REGISTRATION ACCEPT with the new context$/;

/** True once the initial registration of the run is over (the faults below hit what follows it). */
let registered = false;
function armAfterInitialRegistration(): void {
  registered = false;
  const orig = World.prototype.initialRegistration;
  vi.spyOn(World.prototype, 'initialRegistration').mockImplementation(function (this: World, ...a) { orig.apply(this, a); registered = true; });
}
/** The AMF's UE context, captured when the SRVCC handover completes. */
function captureAmfContext(): { ctx: AmfUeContext | null } {
  const box: { ctx: AmfUeContext | null } = { ctx: null };
  const orig = SrvccAmf.prototype.handoverCompleted;
  vi.spyOn(SrvccAmf.prototype, 'handoverCompleted').mockImplementation(function (this: SrvccAmf, c) { box.ctx = c; orig.call(this, c); });
  return box;
}

afterEach(() => vi.restoreAllMocks());

describe('run srvcc: the start-up check and the documented names', () => {
  it('TS 33.501 6.7.2: after the NAS SMC the UE and the AMF use the same KAMF — a run where the UE holds another KAMF stops at start-up instead of deriving SRVCC keys from mismatched contexts', () => {
    armAfterInitialRegistration();
    const ctx = UeDevice.prototype.context;
    let once = true;
    vi.spyOn(UeDevice.prototype, 'context').mockImplementation(function (this: UeDevice, ...a) {
      const c = ctx.apply(this, a);
      if (registered && once) { once = false; return { ...c, kamf: flip(c.kamf) }; }
      return c;
    });
    expect(() => runSrvcc({ seed: 1 })).toThrow(/^UE and AMF do not share a KAMF after the initial registration$/);
  });

  it('the documented defaults (runSrvcc: "mme-derive, FC 0x7D, success"): outcome success, so re-authentication is required; on success neither side deletes the mapped context (it protects the CS call)', () => {
    const s = runSrvcc({ seed: 1 }).summary;
    expect([s.variant, s.fc, s.outcome, s.reauthRequired]).toEqual(['mme-derive', 0x7d, 'success', true]);
    expect([s.ue.mappedContextDeleted, s.msc.mappedContextDeleted]).toEqual([false, false]);
  });

  it('actor names (host/trace.ts Actor; the trace is user-visible): the registration and the SRVCC step are the AMF\'s, the MSC server answers the MME (J.1 step 3) — or the AMF in the draft direct variant', () => {
    for (const [variant, sender] of [['mme-derive', 'MME'], ['mme-concat', 'MME'], ['direct', 'AMF']] as const) {
      const t = runSrvcc({ seed: 1, variant }).trace;
      expect(step(t, /^Authentication succeeded; KAMF for ngKSI 1$/).from).toBe('AMF');
      expect(step(t, /^SECURITY MODE COMMAND \(HDP = 0, ngKSI 1, 128-NEA2\/128-NIA2\)$/)).toMatchObject({ from: 'AMF', to: 'UE' });
      expect(step(t, /^Handover Required \(SRVCC\): derives /).from).toBe('AMF');
      expect(step(t, /^PS to CS HO request received; stores the mapped SRVCC context/)).toMatchObject({ from: 'MSC server', to: sender });
      const actors = new Set(t.flatMap((x) => (x.to ? [x.from, x.to] : [x.from])));
      for (const a of actors) expect(['UE', 'USIM', 'AUSF', 'AMF', 'MME', 'MSC server']).toContain(a);
    }
  });
});

describe('run srvcc: what reaches the MSC server and what the UE estimates (J.1 steps 3–4)', () => {
  it('J.1: "the MSC server should never know the KAMF" — an MME that forwards KAMF to an MSC server that does not refuse it is reported (kamfSentToMsc true)', () => {
    let kamf: Uint8Array | null = null;
    const hr = SrvccAmf.prototype.handoverRequired, ps = MmeSrvcc.prototype.psToCs, msc = MscServer.prototype.psToCsHandoverRequest;
    vi.spyOn(SrvccAmf.prototype, 'handoverRequired').mockImplementation(function (this: SrvccAmf, c, ...a) { kamf = c.nas.kamf.slice(); return hr.call(this, c, ...a); });
    vi.spyOn(MmeSrvcc.prototype, 'psToCs').mockImplementation(function (this: MmeSrvcc, s) { return { ...ps.call(this, s), kamf: kamf! } as PsToCsRequest; });
    vi.spyOn(MscServer.prototype, 'psToCsHandoverRequest').mockImplementation(function (this: MscServer, ue, req, from) {
      const { kamf: _dropped, ...allowed } = req as PsToCsRequest & { kamf?: Uint8Array };
      return msc.call(this, ue, allowed, from);
    });
    const s = runSrvcc({ seed: 1 }).summary;
    expect(s.kamfSentToMsc).toBe(true);
    expect(s.agree).toBe(true); // the keys still agree: the finding is the leak alone
  });

  it('J.1 step 4: the UE estimates the DL NAS COUNT from the 4 LSB — a UE whose estimate is not the AMF\'s COUNT does not agree with the network even with the same CK, IK and KSI', () => {
    const ho = UeDevice.prototype.srvccHoCommand;
    vi.spyOn(UeDevice.prototype, 'srvccHoCommand').mockImplementation(function (this: UeDevice, a) { const k = ho.call(this, a); return { ...k, dlCount: k.dlCount + 16 }; });
    const r = runSrvcc({ seed: 1 });
    expect([r.summary.ue.ck, r.summary.ue.ik, r.summary.ue.ksi]).toEqual([r.summary.msc.ck, r.summary.msc.ik, r.summary.msc.ksi]);
    expect(r.summary.agree).toBe(false);
    expect(r.trace.at(-1)!.event).toBe('Result: UE and MSC server DO NOT hold the same CKSRVCC/IKSRVCC/KSISRVCC');
  });
});

describe('run srvcc: back in NR after the call (J.1: re-authentication before the 5G context is used)', () => {
  it('modelling choice: only the firmware\'s J.1 refusal (StateError) counts as refusing the old context — any other failure of that downlink (here once, the first after the call) stops the run instead of passing as the refusal', () => {
    armAfterInitialRegistration();
    const down = UeDevice.prototype.downlink;
    let once = true;
    vi.spyOn(UeDevice.prototype, 'downlink').mockImplementation(function (this: UeDevice, m) {
      if (registered && once) { once = false; throw new Error('radio link failure (injected)'); }
      return down.call(this, m);
    });
    expect(() => runSrvcc({ seed: 1 })).toThrow(/^radio link failure \(injected\)$/);
  });

  it('modelling choice: likewise for the uplink — an uplink that fails for another reason than the J.1 refusal stops the run', () => {
    armAfterInitialRegistration();
    const up = UeDevice.prototype.uplink;
    let once = true;
    vi.spyOn(UeDevice.prototype, 'uplink').mockImplementation(function (this: UeDevice, ...a) {
      if (registered && once) { once = false; throw new Error('uplink failure (injected)'); }
      return up.apply(this, a);
    });
    expect(() => runSrvcc({ seed: 1 })).toThrow(/^uplink failure \(injected\)$/);
  });

  it('J.1: a UE that sends its Registration Request protected with the old 5G context (a NAS COUNT used) has not refused the old context: fiveGRefusedBeforeReauth false', () => {
    armAfterInitialRegistration();
    const rr = UeDevice.prototype.registrationRequest;
    vi.spyOn(UeDevice.prototype, 'registrationRequest').mockImplementation(function (this: UeDevice, ...a) {
      const r = rr.apply(this, a);
      return registered ? { ...r, count: 5 } : r;
    });
    const s = runSrvcc({ seed: 1 }).summary;
    expect(s.fiveGRefusedBeforeReauth).toBe(false);
    expect(s.reauthenticated).toBe(true); // the message itself is still unprotected: the AMF authenticates
  });

  it('an AMF that forgets the SRVCC re-authentication flag (against J.1) still authenticates a UE whose Registration Request it cannot verify with the old context (TS 24.501 4.4.4.3: no integrity-protected message, so primary authentication, TS 33.501 6.1.3.2)', () => {
    vi.spyOn(SrvccAmf.prototype, 'requiresReauthentication').mockReturnValue(false);
    const r = runSrvcc({ seed: 1 });
    expect([r.summary.fiveGRefusedBeforeReauth, r.summary.reauthenticated, r.summary.fiveGUsableAfterReauth]).toEqual([true, true, true]);
    expect(step(r.trace, REAUTH).from).toBe('AMF');
    expect(steps(r.trace, ACCEPT_NEW)).toHaveLength(1);
  });

  it('J.1 broken on both sides — an AMF without the flag and a UE that protects its Registration Request with the old context (NIA2 over the old KNASint, node:crypto): the old context is used again and the run reports no re-authentication', () => {
    armAfterInitialRegistration();
    const box = captureAmfContext();
    vi.spyOn(SrvccAmf.prototype, 'requiresReauthentication').mockReturnValue(false);
    const rr = UeDevice.prototype.registrationRequest;
    vi.spyOn(UeDevice.prototype, 'registrationRequest').mockImplementation(function (this: UeDevice, ...a) {
      const r = rr.apply(this, a);
      if (!registered || !box.ctx) return r;
      // TS 24.501 9.1 / TS 33.501 6.4.3.1: SHT 1, MAC over SQN ‖ message with the next UL COUNT
      const nas = box.ctx.nas, count = nas.ulLast['3gpp'] + 1;
      const sqnAndBody = Uint8Array.from([count & 0xff, ...r.message]);
      const mac = nia2Ref(nas.knasint, count, 1, 0, sqnAndBody, sqnAndBody.length * 8);
      return { ...r, message: Uint8Array.from([0x7e, 0x01, ...mac, ...sqnAndBody]), count };
    });
    const r = runSrvcc({ seed: 1 });
    expect([r.summary.fiveGRefusedBeforeReauth, r.summary.reauthenticated, r.summary.fiveGUsableAfterReauth]).toEqual([false, false, true]);
    expect(steps(r.trace, REAUTH)).toEqual([]);
    expect(steps(r.trace, ACCEPT_NEW)).toEqual([]);
  });

  it('TS 33.501 6.1.3.2 step 11: a re-authentication whose RES* does not match fails — no new context, 5G not usable (J.1: never the old one instead)', () => {
    armAfterInitialRegistration();
    const auth = UeDevice.prototype.authenticationRequest;
    vi.spyOn(UeDevice.prototype, 'authenticationRequest').mockImplementation(function (this: UeDevice, m) {
      const r = auth.call(this, m);
      return registered && 'resStar' in r ? { ...r, resStar: flip(r.resStar) } : r;
    });
    const r = runSrvcc({ seed: 1 });
    expect([r.summary.fiveGRefusedBeforeReauth, r.summary.reauthenticated, r.summary.fiveGUsableAfterReauth]).toEqual([true, false, false]);
    expect(steps(r.trace, ACCEPT_NEW)).toEqual([]);
  });

  it('TS 33.501 6.7.2: the new context is taken into use only with a SECURITY MODE COMPLETE — a UE that rejects the SMC after the re-authentication leaves 5G unusable', () => {
    armAfterInitialRegistration();
    const smc = UeDevice.prototype.securityModeCommand;
    vi.spyOn(UeDevice.prototype, 'securityModeCommand').mockImplementation(function (this: UeDevice, m) {
      const r = smc.call(this, m);
      return registered ? { ...r, result: 'reject' as const, cause: 24 } : r;
    });
    const r = runSrvcc({ seed: 1 });
    expect([r.summary.reauthenticated, r.summary.fiveGUsableAfterReauth]).toEqual([true, false]);
    expect(steps(r.trace, ACCEPT_NEW)).toEqual([]);
  });

  it('TS 33.501 6.7.2: a SECURITY MODE COMPLETE whose NAS-MAC does not verify with the new context does not activate it — 5G stays unusable', () => {
    armAfterInitialRegistration();
    const smc = UeDevice.prototype.securityModeCommand;
    vi.spyOn(UeDevice.prototype, 'securityModeCommand').mockImplementation(function (this: UeDevice, m) {
      const r = smc.call(this, m);
      return registered ? { ...r, response: flip(r.response, 2) } : r;
    });
    const r = runSrvcc({ seed: 1 });
    expect([r.summary.reauthenticated, r.summary.fiveGUsableAfterReauth]).toEqual([true, false]);
    expect(steps(r.trace, ACCEPT_NEW)).toEqual([]);
  });

  it('modelling choice: the REGISTRATION ACCEPT after the re-authentication gives the UE its 5G-GUTI again, and the UE processes it', () => {
    const got: (string | null)[] = [];
    const acc = UeDevice.prototype.registrationAccepted;
    vi.spyOn(UeDevice.prototype, 'registrationAccepted').mockImplementation(function (this: UeDevice, g) { got.push(g ? toHex(g) : null); return acc.call(this, g); });
    runSrvcc({ seed: 1 });
    const g = toHex(guti(0x01, 0x00000301));
    expect(got).toEqual([g, g]); // the initial registration, then the one after the call
  });

  it('TS 24.501 4.4.4 / TS 33.501 6.4.3: a REGISTRATION ACCEPT whose NAS-MAC fails at the UE (corrupted on the way) leaves 5G unusable, and the trace says so', () => {
    let armed = false;
    const re = SrvccAmf.prototype.reauthenticated;
    vi.spyOn(SrvccAmf.prototype, 'reauthenticated').mockImplementation(function (this: SrvccAmf, c) { armed = true; re.call(this, c); });
    const down = UeDevice.prototype.downlink;
    vi.spyOn(UeDevice.prototype, 'downlink').mockImplementation(function (this: UeDevice, m) { return down.call(this, armed ? flip(m, 2) : m); });
    const r = runSrvcc({ seed: 1 });
    expect([r.summary.reauthenticated, r.summary.fiveGUsableAfterReauth]).toEqual([true, false]);
    expect(step(r.trace, /^5G still not usable$/)).toMatchObject({ from: 'UE', values: { kamf: null } });
    expect(steps(r.trace, /^5G usable again/)).toEqual([]);
  });

  it('modelling choice: a REGISTRATION ACCEPT the UE cannot take for another reason than a key/firmware error stops the run (not reported as "not usable")', () => {
    let armed = false;
    const re = SrvccAmf.prototype.reauthenticated;
    vi.spyOn(SrvccAmf.prototype, 'reauthenticated').mockImplementation(function (this: SrvccAmf, c) { armed = true; re.call(this, c); });
    const down = UeDevice.prototype.downlink;
    vi.spyOn(UeDevice.prototype, 'downlink').mockImplementation(function (this: UeDevice, m) {
      if (armed) throw new Error('modem crash (injected)');
      return down.call(this, m);
    });
    expect(() => runSrvcc({ seed: 1 })).toThrow(/^modem crash \(injected\)$/);
  });
});
