// `run mobility` (host/scenarios/mobility.ts), path by path: what the target AMF does with the
// context transfer (TS 33.501 6.9.3 as amended by seed 000), the SMC it sends, how each outcome is
// traced and summarised, and the options the summary echoes. Expected keys come from the reference
// KDF (node:crypto), expected texts are the documented trace and summary (README "run mobility").
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runMobility, type MobilityOptions } from '../../host/scenarios/mobility.js';
import { GUTI_SOURCE, GUTI_TARGET } from '../../host/scenarios/re-registration.js';
import { World } from '../../host/scenarios/setup.js';
import { Amf } from '../../host/network/amf.js';
import { UeDevice } from '../../host/ue/ue-device.js';
import { ref } from '../../host/reference/kdf.js';
import { hex, toHex } from '../helpers.js';
import { flip, step, steps } from './trace-steps.js';

const run = (o: MobilityOptions) => runMobility({ seed: 1, ...o });
/** The steps after the UE's mobility REGISTRATION REQUEST (the registration before the move is the source AMF's). */
const afterMove = (r: ReturnType<typeof run>) => r.trace.slice(r.trace.findIndex((s) => /^REGISTRATION REQUEST \(mobility/.test(s.event)));

afterEach(() => vi.restoreAllMocks());

describe('run mobility: the options the summary echoes', () => {
  it('README "run mobility" defaults: horizontal derivation, accept, source policy keep, target policy use, no fallback, no SMC fault, no power loss, the source AMF holds the context, 5G AKA', () => {
    const s = run({}).summary;
    expect([s.horizontal, s.outcome, s.sourcePolicy, s.targetPolicy, s.fallback, s.smcFault, s.powerCycle, s.powerCycleAt, s.noContext, s.rejectCause, s.identification, s.auth])
      .toEqual([true, 'accept', 'keep', 'use', false, null, false, null, false, null, false, '5g-aka']);
  });

  it('the options a user set come back in the summary as set', () => {
    const s = run({ horizontal: false, sourcePolicy: 'delete', targetPolicy: 'reauth', fallback: true, outcome: 'timeout', powerCycleAt: 'registered', noContext: true }).summary;
    expect([s.horizontal, s.sourcePolicy, s.targetPolicy, s.fallback, s.powerCycle, s.powerCycleAt, s.noContext]).toEqual([false, 'delete', 'reauth', true, true, 'registered', true]);
    expect(run({ smcFault: 'caps-mismatch' }).summary.smcFault).toBe('caps-mismatch');
  });

  it('REGISTRATION REJECT without a cause given: #111 (protocol error, unspecified; TS 24.501 9.11.3.2), not a deleting cause — the target AMF sends it protected to the UE', () => {
    const r = run({ outcome: 'reject' });
    expect(r.summary.rejectCause).toBe(111);
    expect(step(r.trace, /^REGISTRATION REJECT #/)).toMatchObject({ from: 'target AMF', to: 'UE', event: 'REGISTRATION REJECT #111', values: { cause: 111 } });
    expect(step(r.trace, /^Registration failed \(/).event).toBe('Registration failed (REGISTRATION REJECT #111): new context deleted, old context current again');
    const c = run({ outcome: 'reject', rejectCause: 9 });
    expect([c.summary.rejectCause, step(c.trace, /^REGISTRATION REJECT #/).event]).toEqual([9, 'REGISTRATION REJECT #9']);
    expect(c.summary.usimInvalidFor5gs).toBe(false);
  });
});

describe('run mobility: the target AMF and the transferred context (TS 33.501 6.9.3)', () => {
  it('6.9.3 "the source AMF shall derive a new key KAMF from the currently active KAMF and the uplink NAS COUNT value in the received Registration Request"; the target AMF "shall send the K_AMF_change_flag set to 1 … integrity protect the NAS Security Mode Command message with the new KNASint key" and "reset the NAS COUNTs to zero"', () => {
    const r = run({});
    const kamfPrime = toHex(ref.kamfPrime(hex(r.summary.kamfOld), 0, r.summary.ulCountRegistrationRequest!));
    expect(step(r.trace, /^Uses the received KAMF/)).toMatchObject({ from: 'target AMF', event: 'Uses the received KAMF′ (keyAmfHDerivationInd): new ngKSI, NAS keys', clause: 'TS 33.501 6.9.3, target AMF', values: { kamf: kamfPrime, ngKsi: 1 } });
    const smc = steps(afterMove(r), /^SECURITY MODE COMMAND/);
    expect(smc).toHaveLength(1);
    expect(smc[0]).toMatchObject({ from: 'target AMF', to: 'UE', event: 'SECURITY MODE COMMAND (HDP = 1, ngKSI 1, 128-NEA2/128-NIA2)', values: { kamf: kamfPrime, dlCount: 0 } });
    expect(step(r.trace, /^SECURITY MODE COMPLETE verified/)).toMatchObject({ from: 'target AMF', event: 'SECURITY MODE COMPLETE verified (UL COUNT 0)' });
    // the REGISTRATION ACCEPT follows the SMC (DL COUNT 0) under the new context
    expect(step(afterMove(r), /^REGISTRATION ACCEPT/)).toMatchObject({ from: 'target AMF', to: 'UE', event: 'REGISTRATION ACCEPT (new 5G-GUTI)', values: { dlCount: 1, guti: toHex(GUTI_TARGET) } });
    expect([r.summary.kamfNew, r.summary.smcResult, r.summary.ngKsiNew]).toEqual([kamfPrime, 'complete', 1]);
  });

  it('6.9.3 (no horizontal derivation): "the source AMF shall transfer current security context" — the target AMF uses it as it is: no SMC, and its REGISTRATION ACCEPT continues the source AMF\'s DL NAS COUNT (2, after the SMC at 0 and the accept at 1)', () => {
    const r = run({ horizontal: false });
    expect(step(r.trace, /^Uses the received KAMF/)).toMatchObject({ from: 'target AMF', event: 'Uses the received KAMF and context', clause: 'TS 33.501 6.9.3, target AMF', values: { kamf: r.summary.kamfOld, ngKsi: 1 } });
    expect(steps(afterMove(r), /^SECURITY MODE/)).toEqual([]);
    expect(step(afterMove(r), /^REGISTRATION ACCEPT/)).toMatchObject({ from: 'target AMF', values: { dlCount: 2 } });
    expect([r.summary.smcResult, r.summary.smcCause, r.summary.kamfNew, r.summary.ngKsiNew, r.summary.targetAmfKamf, r.summary.aligned]).toEqual(['none', null, null, null, r.summary.kamfOld, true]);
  });

  it('6.9.3 b i with an SMC fault: an SMC is sent only to show the fault (HDP = 0, the transferred KAMF); the UE rejects it (TS 24.501 5.4.2.5 #24)', () => {
    const r = run({ horizontal: false, smcFault: 'bad-mac' });
    expect(step(afterMove(r), /^SECURITY MODE COMMAND/)).toMatchObject({ from: 'target AMF', event: 'SECURITY MODE COMMAND (HDP = 0, ngKSI 1, 128-NEA2/128-NIA2) — MAC corrupted', values: { kamf: r.summary.kamfOld } });
    expect([r.summary.outcome, r.summary.smcResult, r.summary.smcCause]).toEqual(['smc-rejected', 'reject', 24]);
  });

  it('6.9.3 "If the target AMF, according to its local policy, decides to not use the KAMF received from the source AMF, it can perform a re-authentication procedure": a 5G AKA by the target AMF (the next ngKSI, 2: modelling choice), then an SMC with HDP = 0', () => {
    const r = run({ targetPolicy: 'reauth' });
    expect(step(r.trace, /^Local policy: re-authenticate the UE$/)).toMatchObject({ from: 'target AMF', clause: 'TS 33.501 6.9.3' });
    expect(steps(r.trace, /^Uses the received KAMF/)).toEqual([]);
    const auth = step(r.trace, /^Authentication succeeded; KAMF for ngKSI 2$/);
    expect(auth.from).toBe('target AMF');
    expect(step(afterMove(r), /^SECURITY MODE COMMAND/)).toMatchObject({ from: 'target AMF', event: 'SECURITY MODE COMMAND (HDP = 0, ngKSI 2, 128-NEA2/128-NIA2)', values: { kamf: auth.values.kamf } });
    expect([r.summary.kamfNew, r.summary.ngKsiNew, r.summary.identification, r.summary.outcome, r.summary.aligned]).toEqual([auth.values.kamf, 2, false, 'accept', true]);
    expect(r.summary.kamfNew).not.toBe(toHex(ref.kamfPrime(hex(r.summary.kamfOld), 0, r.summary.ulCountRegistrationRequest!)));
  });

  it('6.9.3 c with the source AMF holding no context: identification (6.12.4), then a 5G AKA by the target AMF with the next ngKSI (2)', () => {
    const r = run({ noContext: true });
    expect(steps(r.trace, /^Local policy: re-authenticate/)).toEqual([]);
    expect(step(r.trace, /^Authentication succeeded; KAMF for ngKSI 2$/).from).toBe('target AMF');
    expect([r.summary.identification, r.summary.ngKsiNew, r.summary.outcome, r.summary.servingAmf, r.summary.aligned]).toEqual([true, 2, 'accept', 'target', true]);
  });

  it('TS 24.501 5.4.2.5 via the SMC faults: replayed UE security capabilities that do not match → #23; an ngKSI the UE does not hold (current + 3 = 4) → #24; a corrupted MAC → #24', () => {
    const caps = run({ smcFault: 'caps-mismatch' });
    expect([caps.summary.smcCause, step(afterMove(caps), /^SECURITY MODE COMMAND/).event]).toEqual([23, 'SECURITY MODE COMMAND (HDP = 1, ngKSI 1, 128-NEA2/128-NIA2)']);
    const ksi = run({ smcFault: 'unknown-ngksi' });
    expect([ksi.summary.smcCause, step(afterMove(ksi), /^SECURITY MODE COMMAND/).event]).toEqual([24, 'SECURITY MODE COMMAND (HDP = 1, ngKSI 4, 128-NEA2/128-NIA2)']);
    const mac = run({ smcFault: 'bad-mac' });
    expect([mac.summary.smcCause, step(afterMove(mac), /^SECURITY MODE COMMAND/).event]).toEqual([24, 'SECURITY MODE COMMAND (HDP = 1, ngKSI 1, 128-NEA2/128-NIA2) — MAC corrupted']);
    for (const x of [caps, ksi, mac]) {
      expect(step(x.trace, /^SECURITY MODE REJECT #\d+ received/)).toMatchObject({ from: 'target AMF', event: `SECURITY MODE REJECT #${x.summary.smcCause} received: the registration is aborted` });
      expect(step(x.trace, /^Registration failed \(/).event).toBe('Registration failed (SECURITY MODE REJECT sent; the target AMF aborted the registration): new context deleted, old context current again');
      expect([x.summary.kamfNew, x.summary.ngKsiNew, x.summary.ueCurrentKamf]).toEqual([null, null, x.summary.kamfOld]);
      expect(steps(afterMove(x), /^REGISTRATION ACCEPT/)).toEqual([]);
    }
  });
});

describe('run mobility: how each outcome is traced', () => {
  it('a T3510 expiry (TS 24.501 5.5.1.3.7) — no answer reaches the UE; the target AMF tells the source AMF (Namf RegistrationStatusUpdate, TS 23.502 4.2.2.2.2: a modelling choice, seed 000 names no message); the UE rolls back (seed 000)', () => {
    const t = afterMove(run({ outcome: 'timeout' }));
    expect(step(t, /^\(no answer reaches the UE/)).toMatchObject({ from: 'target AMF', event: '(no answer reaches the UE: its T3510 expires)' });
    expect(step(t, /^No REGISTRATION COMPLETE/)).toMatchObject({ from: 'target AMF', to: 'source AMF', event: 'No REGISTRATION COMPLETE: the mobility registration failed', clause: 'TS 23.502 4.2.2.2.2 (RegistrationStatusUpdate; its use here follows seed 000)' });
    expect(step(t, /^Registration failed \(/)).toMatchObject({ from: 'UE', event: 'Registration failed (T3510 expiry): new context deleted, old context current again' });
    expect(steps(t, /^REGISTRATION (ACCEPT|REJECT)/)).toEqual([]);
  });

  it('a power loss after the verified SMC: no REGISTRATION COMPLETE, the target AMF abandons the registration and tells the source AMF (failure)', () => {
    const r = run({ powerCycle: true });
    expect(step(r.trace, /^\(the UE is gone/)).toMatchObject({ from: 'target AMF', event: '(the UE is gone: no REGISTRATION COMPLETE; the registration is abandoned)' });
    expect([r.summary.sourceAmfLearned, r.summary.afterPowerOn]).toEqual(['failure (RegistrationStatusUpdate)', { ngKsiSent: 7, authenticated: true, registeredAt: 'target', downlinkReplayed: false }]);
    expect(steps(afterMove(r), /^Registration failed/)).toEqual([]);
  });

  it('an ACCEPT without a new 5G-GUTI completes the registration (TS 24.501 8.2.7: the 5G-GUTI IE is optional; seed 000\'s failure rule does not apply) — the UE keeps its 5G-GUTI (a modelling choice), and the target AMF files the context under it', () => {
    const r = run({ outcome: 'no-guti' });
    expect(step(afterMove(r), /^REGISTRATION ACCEPT/)).toMatchObject({ from: 'target AMF', to: 'UE', event: 'REGISTRATION ACCEPT without a new 5G-GUTI', values: { guti: null, dlCount: 1 } });
    expect([r.summary.outcome, r.summary.servingAmf, r.summary.targetAmfKamf, r.summary.aligned]).toEqual(['accept', 'target', r.summary.kamfNew, true]);
    // EF 5GS3GPPLOCI (TS 31.102 4.4.11.2) starts with the 5G-GUTI as a mobile identity IE: 0B length, then the GUTI
    expect(r.summary.usimLoci!.slice(0, 2 + 2 * GUTI_SOURCE.length + 2)).toBe('000b' + toHex(GUTI_SOURCE));
    expect(run({}).summary.usimLoci!.slice(0, 2 + 2 * GUTI_TARGET.length + 2)).toBe('000b' + toHex(GUTI_TARGET));
  });

  it('fallback after an accept: nothing to fall back from — the UE sends no second REGISTRATION REQUEST', () => {
    const r = run({ fallback: true });
    expect(steps(r.trace, /^Falls back/)).toEqual([]);
    expect([r.summary.outcome, r.summary.servingAmf, r.summary.verdict]).toEqual(['accept', 'target', 'aligned: UE and target AMF hold the same KAMF']);
  });

  it('fallback after a SECURITY MODE REJECT (seed 000: the UE keeps the old context; the source AMF kept its own): the source AMF verifies the re-registration', () => {
    const r = run({ smcFault: 'bad-mac', fallback: true });
    expect(step(r.trace, /^Falls back/).from).toBe('UE');
    expect(step(r.trace, /^Registration Request verified with the context it kept$/).from).toBe('source AMF');
    expect([r.summary.outcome, r.summary.servingAmf, r.summary.aligned, r.summary.verdict]).toEqual(['smc-rejected', 'source', true, 'aligned: the source AMF verified the re-registration with the context the UE kept']);
  });

  it('a power loss once registered: after a failed registration whose source AMF kept nothing and no fallback, the UE registers again at the target AMF', () => {
    const r = run({ noContext: true, outcome: 'timeout', powerCycleAt: 'registered' });
    expect(r.summary.afterPowerOn).toEqual({ ngKsiSent: 7, authenticated: true, registeredAt: 'target', downlinkReplayed: false });
    expect([r.summary.servingAmf, r.summary.aligned]).toEqual(['target', true]);
    const f = run({ outcome: 'reject', sourcePolicy: 'delete', fallback: true, powerCycleAt: 'registered' });
    expect([f.summary.afterPowerOn?.registeredAt, f.summary.servingAmf]).toEqual(['source', 'source']);
  });
});

describe('run mobility: the source AMF in the summary', () => {
  it('6.9.3 "the source AMF shall in this case also delete any stored non-current 5G security context" — so the summary shows one only without horizontal derivation, next to the current context the source AMF keeps after a failure', () => {
    const h = run({ outcome: 'reject' }).summary;
    expect([h.sourceAmfHolds, h.sourceAmfNonCurrentKamf]).toEqual(['current context ngKSI 1', null]);
    const n = run({ outcome: 'reject', horizontal: false });
    const nc = step(n.trace, /^Also holds a stored non-current 5G security context/);
    // modelling choice: the non-current context has its own KAMF and the ngKSI current + 4
    expect(nc.values.ngKsi).toBe(5);
    expect(nc.values.nonCurrentKamf).not.toBe(n.summary.kamfOld);
    expect([n.summary.sourceAmfHolds, n.summary.sourceAmfNonCurrentKamf]).toEqual(['current context ngKSI 1 + a non-current context', nc.values.nonCurrentKamf]);
  });

  it('seed 000 keep policy: a context the source AMF still keeps for a pending transfer is summarised as kept (the target AMF never reported, the guard timer not run)', () => {
    vi.spyOn(Amf.prototype, 'registrationStatusUpdate').mockImplementation(() => {});
    vi.spyOn(Amf.prototype, 'expireKeptContext').mockImplementation(() => {});
    const s = run({ outcome: 'timeout' }).summary;
    expect([s.sourceAmfHolds, s.sourceAmfKamf]).toEqual(['kept context ngKSI 1', s.kamfOld]);
  });
});

describe('run mobility: verdicts that turn on a fault (fault injection)', () => {
  const targetKeyDiffers = () => {
    const kamfOf = Amf.prototype.kamfOf;
    vi.spyOn(Amf.prototype, 'kamfOf').mockImplementation(function (this: Amf, g) { const k = kamfOf.call(this, g); return k && this.name === 'target AMF' ? flip(k) : k; });
  };

  it('the verdict compares the UE\'s KAMF with the serving AMF\'s: a target AMF holding another KAMF is reported misaligned', () => {
    targetKeyDiffers();
    const s = run({}).summary;
    expect([s.servingAmf, s.aligned, s.verdict]).toEqual(['target', false, 'misaligned: UE and target AMF hold different KAMFs']);
  });

  it('after a power loss the verdict still compares keys: a target AMF holding another KAMF is reported misaligned', () => {
    targetKeyDiffers();
    const s = run({ powerCycleAt: 'registered' }).summary;
    expect([s.aligned, s.verdict]).toEqual([false, 'misaligned after the power loss']);
  });

  it('TS 33.501 6.8.1.1.2.1 with an orderly switch-off instead of the power loss (the context stored valid with its COUNTs): the UE loads it and the target AMF verifies its Registration Request — no authentication', () => {
    vi.spyOn(UeDevice.prototype, 'powerLoss').mockImplementation(function (this: UeDevice) { this.store.deregister('switch-off', this.storedForm()); });
    const s = run({ powerCycleAt: 'registered' }).summary;
    expect(s.afterPowerOn).toEqual({ ngKsiSent: 1, authenticated: false, registeredAt: 'target', downlinkReplayed: false });
    expect([s.aligned, s.verdict]).toEqual([true, 'aligned: after the power loss the UE loaded the context stored valid (with its COUNTs) and the target AMF verified it']);
  });

  it('TS 33.501 6.4.3.1 (a NAS COUNT never reused with the same key): without horizontal derivation, a context stored valid and loaded after power-on meets a source AMF whose DL COUNT the target AMF already used — the verdict names the misaligned COUNTs', () => {
    vi.spyOn(UeDevice.prototype, 'powerLoss').mockImplementation(function (this: UeDevice) { this.store.deregister('switch-off', this.storedForm()); });
    const s = run({ horizontal: false, outcome: 'reject', powerCycleAt: 'registered' }).summary;
    expect(s.afterPowerOn).toMatchObject({ authenticated: false, registeredAt: 'source', downlinkReplayed: true });
    expect([s.fallbackDownlinkReplayed, s.verdict]).toEqual([true, 'aligned keys, misaligned COUNTs: after the power loss the AMF verified the Registration Request, but its DL NAS COUNT had been used by the other AMF with the same KAMF']);
  });

  it('TS 24.501 5.5.1.3.5: a UE that deleted its context while its USIM stays valid for 5GS is told its next registration goes out with ngKSI 111', () => {
    vi.spyOn(UeDevice.prototype, 'usimInvalidFor5gs', 'get').mockReturnValue(false);
    const s = run({ outcome: 'reject', rejectCause: 7 }).summary;
    expect([s.ueCurrentKamf, s.ueCurrentNgKsi, s.verdict]).toEqual([null, null, 'the UE holds no 5G NAS security context (deleted): its next registration goes out with ngKSI 111 and is authenticated']);
  });
});

describe('run mobility: survivors of the Stryker run, each a rule of the trace or summary', () => {
  it('6.9.3 a "The target AMF sends a message to the source AMF, this message contains 5G-GUTI and the received Registration Request message": the trace shows the 5G-GUTI sent', () => {
    const r = run({});
    expect(step(r.trace, /^Namf_Communication_UEContextTransfer/).values).toEqual({ guti: toHex(GUTI_SOURCE) });
  });

  it('a completed SMC has no 5GMM cause: smcCause is null unless the UE sent SECURITY MODE REJECT', () => {
    const s = run({}).summary;
    expect([s.smcResult, s.smcCause]).toEqual(['complete', null]);
    expect(s.smcCause).toBeNull();
  });

  it('6.9.3 c then 6.12.4 with the target AMF unable to authenticate the UE: no security context with the target AMF — outcome security-failed, the UE rolls back, the source AMF is told', () => {
    const auth = World.prototype.authenticate;
    vi.spyOn(World.prototype, 'authenticate').mockImplementation(function (this: World, amf, ngKsi) { return amf.name === 'target AMF' ? null : auth.call(this, amf, ngKsi); });
    const r = run({ targetPolicy: 'reauth' });
    expect([r.summary.outcome, r.summary.smcResult, r.summary.sourceAmfLearned]).toEqual(['security-failed', 'none', 'failure (RegistrationStatusUpdate)']);
    expect(step(r.trace, /^Registration failed \(/).event).toBe('Registration failed (no security context with the target AMF): new context deleted, old context current again');
    expect(steps(afterMove(r), /^SECURITY MODE|^REGISTRATION ACCEPT/)).toEqual([]);
  });

  it('a power loss after the verified SMC ends the mobility registration: the UE powers on and registers once, with no fallback REGISTRATION REQUEST after it', () => {
    const r = run({ powerCycle: true, fallback: true });
    expect(steps(r.trace, /^Falls back/)).toEqual([]);
    expect(steps(afterMove(r), /^REGISTRATION REQUEST/).map((x) => x.event)).toEqual(['REGISTRATION REQUEST (mobility registration updating), integrity protected', 'REGISTRATION REQUEST (initial), unprotected']);
  });

  it('a power loss once registered after an accept: the UE registers again at the target AMF, where it is registered — even while the source AMF still holds a kept context (no RegistrationStatusUpdate yet)', () => {
    vi.spyOn(Amf.prototype, 'registrationStatusUpdate').mockImplementation(() => {});
    const s = run({ powerCycleAt: 'registered' }).summary;
    expect([s.outcome, s.afterPowerOn?.registeredAt, s.servingAmf]).toEqual(['accept', 'target', 'target']);
  });
});
