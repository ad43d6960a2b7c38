// `run mobility` (host/scenarios/mobility.ts) ends with a verdict line and a summary a user reads to
// see whether UE and network still agree after a mobility registration (TS 33.501 6.9.3 as amended
// by seed 000; TS 24.501 5.5.1.3; TS 23.502 4.2.2.2.2). These tests read that verdict, the serving
// AMF, what the source AMF learned and holds, and the trace's actor names for each documented path,
// so a verdict that stops turning when its condition changes is seen. The expected texts are the
// documented output; the rule each path follows is quoted in the test name.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runMobility, type MobilityOptions } from '../../host/scenarios/mobility.js';
import { World } from '../../host/scenarios/setup.js';
import { Amf } from '../../host/network/amf.js';
import { UeDevice } from '../../host/ue/ue-device.js';
import { steps } from './trace-steps.js';

const run = (o: MobilityOptions) => runMobility({ seed: 1, ...o });
const pick = (s: ReturnType<typeof run>['summary']) => ({ outcome: s.outcome, servingAmf: s.servingAmf, aligned: s.aligned, learned: s.sourceAmfLearned, holds: s.sourceAmfHolds, verdict: s.verdict });

afterEach(() => vi.restoreAllMocks());

describe('run mobility: the verdict of each documented path', () => {
  it('6.9.3 (target AMF), seed 000 RegistrationStatusUpdate (success): the target AMF serves with KAMF′, the source AMF is told and deletes the kept context', () => {
    const r = run({});
    expect(pick(r.summary)).toEqual({ outcome: 'accept', servingAmf: 'target', aligned: true, learned: 'success (RegistrationStatusUpdate)', holds: 'nothing', verdict: 'aligned: UE and target AMF hold the same KAMF' });
    expect(r.trace.at(-1)).toMatchObject({ from: 'UE', event: 'Result: aligned: UE and target AMF hold the same KAMF' });
    expect(steps(r.trace, /^Mobility registration completed: deletes the kept 5G security context$/)[0]?.from).toBe('source AMF');
  });

  it('TS 24.501 5.5.1.3.5 (REGISTRATION REJECT #111, not a deleting cause): the UE rolls back, the source AMF is told of the failure and keeps its current context — UE and source aligned', () => {
    expect(pick(run({ outcome: 'reject' }).summary)).toEqual({ outcome: 'reject', servingAmf: 'source', aligned: true, learned: 'failure (RegistrationStatusUpdate)', holds: 'current context ngKSI 1', verdict: 'aligned: UE and source AMF hold the same KAMF' });
  });

  it('TS 24.501 5.5.1.3.5 #3: "consider the USIM as invalid for 5GS services until switching off" — the UE holds no context; with fallback requested no REGISTRATION REQUEST goes to the source AMF (no fallback)', () => {
    const s = run({ outcome: 'reject', rejectCause: 3 }).summary;
    expect([s.usimInvalidFor5gs, s.ueCurrentKamf, s.rejectCause, s.verdict]).toEqual([true, null, 3,
      'the UE holds no 5G NAS security context (deleted) and its USIM is invalid for 5GS services until switch-off: after power-on it registers with the SUCI and ngKSI 111 and is authenticated']);
    const f = run({ outcome: 'reject', rejectCause: 3, fallback: true });
    expect(f.summary.verdict).toBe('the UE holds no 5G NAS security context (deleted) and its USIM is invalid for 5GS services until switch-off (no fallback): after power-on it registers with the SUCI and ngKSI 111 and is authenticated');
    expect(steps(f.trace, /^No fallback: the USIM is invalid for 5GS services/)[0]).toMatchObject({ from: 'UE', clause: 'TS 24.501 5.5.1.3.5' });
  });

  it('seed 000 (keep policy): after a T3510 expiry the UE falls back and the source AMF verifies the re-registration with the context the UE kept', () => {
    expect(pick(run({ outcome: 'timeout', fallback: true }).summary)).toEqual({ outcome: 'timeout', servingAmf: 'source', aligned: true, learned: 'failure (RegistrationStatusUpdate)', holds: 'current context ngKSI 1', verdict: 'aligned: the source AMF verified the re-registration with the context the UE kept' });
  });

  it('6.9.3 before the change (delete policy): the fallback fails at the source AMF (MAC failure) — misaligned, re-authentication needed; the source AMF learned nothing (it had no context left to tell)', () => {
    const s = run({ outcome: 'timeout', fallback: true, sourcePolicy: 'delete' }).summary;
    expect([s.outcome, s.servingAmf, s.aligned, s.sourceAmfLearned, s.verdict]).toEqual(['timeout', 'source', false, 'nothing', 'misaligned: the source AMF had deleted its context (MAC failure), re-authentication needed']);
  });

  it('TS 33.501 6.4.3.1 (a NAS COUNT never reused with the same key): without horizontal derivation the target AMF\'s REGISTRATION REJECT used the DL COUNT the source AMF uses next with the same KAMF — the verdict names the misaligned COUNTs', () => {
    const s = run({ outcome: 'reject', horizontal: false, fallback: true }).summary;
    expect([s.fallbackDownlinkReplayed, s.sourceAmfHolds, s.verdict]).toEqual([true, 'current context ngKSI 1 + a non-current context',
      'aligned keys, misaligned COUNTs: the source AMF verified the re-registration, but its DL NAS COUNT had been used by the target AMF with the same KAMF']);
  });

  it('6.9.3 c with the source AMF holding no context: after a T3510 expiry no AMF holds a context for the UE (servingAmf null)', () => {
    const r = run({ noContext: true, outcome: 'timeout' });
    expect(pick(r.summary)).toEqual({ outcome: 'timeout', servingAmf: null, aligned: false, learned: 'nothing', holds: 'nothing', verdict: 'no AMF holds a context for the UE' });
    expect(r.summary.identification).toBe(true);
    expect(steps(r.trace, /^Has lost every UE context/)[0]?.from).toBe('source AMF');
  });

  it('TS 33.501 6.8.1.1.2.1 (a power loss after the verified SMC: no valid stored context, ngKSI 111): re-authenticated by the target AMF, or by the source AMF when the UE falls back', () => {
    const t = run({ powerCycle: true }).summary;
    expect([t.outcome, t.powerCycleAt, t.servingAmf, t.aligned, t.verdict]).toEqual(['power-cycle', 'after-smc', 'target', true, 'aligned: after the power loss the UE had no valid stored context, sent ngKSI 111 and was authenticated by the target AMF']);
    const s = run({ powerCycle: true, fallback: true }).summary;
    expect([s.servingAmf, s.verdict]).toEqual(['source', 'aligned: after the power loss the UE had no valid stored context, sent ngKSI 111 and was authenticated by the source AMF']);
  });

  it('a power loss once the procedure ended: at the target AMF after an accept, at the source AMF after a failed registration', () => {
    const a = run({ powerCycleAt: 'registered' }).summary;
    expect([a.outcome, a.powerCycle, a.servingAmf, a.verdict]).toEqual(['accept', true, 'target', 'aligned: after the power loss the UE had no valid stored context, sent ngKSI 111 and was authenticated by the target AMF']);
    const f = run({ powerCycleAt: 'registered', outcome: 'timeout' }).summary;
    expect([f.outcome, f.servingAmf, f.verdict]).toEqual(['timeout', 'source', 'aligned: after the power loss the UE had no valid stored context, sent ngKSI 111 and was authenticated by the source AMF']);
  });

  it('TS 33.501 6.7.2 / TS 24.501 5.4.2.5 (SECURITY MODE REJECT): the registration is aborted (smc-rejected) and the UE stays aligned with the source AMF, which was told of the failure', () => {
    for (const smcFault of ['bad-mac', 'caps-mismatch', 'unknown-ngksi'] as const) {
      const r = run({ smcFault });
      expect(pick(r.summary)).toEqual({ outcome: 'smc-rejected', servingAmf: 'source', aligned: true, learned: 'failure (RegistrationStatusUpdate)', holds: 'current context ngKSI 1', verdict: 'aligned: UE and source AMF hold the same KAMF' });
      expect(r.summary.smcResult).toBe('reject');
      expect(steps(r.trace, /^SECURITY MODE REJECT #\d+ received: the registration is aborted$/)[0]?.from).toBe('target AMF');
    }
  });

  it('actor names (host/trace.ts Actor; the trace is user-visible): the registration before the move is the source AMF\'s, the context transfer request and the SMC the target AMF\'s', () => {
    const t = run({}).trace;
    expect(steps(t, /^Authentication succeeded; KAMF for ngKSI 1$/)[0]?.from).toBe('source AMF');
    expect(steps(t, /^Namf_Communication_UEContextTransfer/)[0]).toMatchObject({ from: 'target AMF', to: 'source AMF', clause: 'TS 33.501 6.9.3 a' });
    expect(steps(t, /^SECURITY MODE COMMAND \(HDP = 1/)[0]).toMatchObject({ from: 'target AMF', to: 'UE' });
    expect(steps(t, /^Also holds a stored non-current 5G security context \(modelled\)$/)[0]).toMatchObject({ from: 'source AMF', clause: 'TS 33.501 6.9.3' });
    for (const x of t) expect(['UE', 'USIM', 'AUSF', 'source AMF', 'target AMF']).toContain(x.from);
  });
});

describe('run mobility: verdicts that turn on a fault', () => {
  it('a SECURITY MODE COMPLETE that fails the target AMF\'s verification (TS 33.501 6.7.2): outcome security-failed, the UE falls back to its old context', () => {
    let registered = false;
    const reg = World.prototype.initialRegistration, smc = UeDevice.prototype.securityModeCommand;
    vi.spyOn(World.prototype, 'initialRegistration').mockImplementation(function (this: World, ...a) { reg.apply(this, a); registered = true; });
    vi.spyOn(UeDevice.prototype, 'securityModeCommand').mockImplementation(function (this: UeDevice, m) {
      const r = smc.call(this, m);
      if (!registered) return r;
      const response = r.response.slice(); response[2] ^= 1;
      return { ...r, response };
    });
    const r = run({});
    expect(pick(r.summary)).toEqual({ outcome: 'security-failed', servingAmf: 'source', aligned: true, learned: 'failure (RegistrationStatusUpdate)', holds: 'current context ngKSI 1', verdict: 'aligned: UE and source AMF hold the same KAMF' });
    expect(r.summary.smcResult).toBe('complete');
    expect(steps(r.trace, /^SECURITY MODE COMPLETE failed verification$/)[0]?.from).toBe('target AMF');
    expect(steps(r.trace, /^SECURITY MODE COMPLETE verified/)).toEqual([]);
  });

  it('modelling choice (README: "A kept context that hears nothing expires after 60 s", KEPT_CONTEXT_TIMER_S): a target AMF that never sends RegistrationStatusUpdate leaves the source AMF\'s kept context to expire', () => {
    vi.spyOn(Amf.prototype, 'registrationStatusUpdate').mockImplementation(() => {});
    const r = run({ outcome: 'timeout' });
    expect([r.summary.sourceAmfLearned, r.summary.sourceAmfHolds, r.summary.sourceAmfKamf]).toEqual(['nothing: kept context expired (60 s)', 'nothing', null]);
    expect(steps(r.trace, /^No RegistrationStatusUpdate within 60 s: the kept 5G security context expires and is deleted$/)[0]?.from).toBe('source AMF');
  });
});
