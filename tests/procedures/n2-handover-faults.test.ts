// `run n2-handover` (host/scenarios/n2-handover.ts) is also the project's detector for a broken
// N2 handover: each guard and verdict of the scenario must turn when the thing it checks goes
// wrong. These runs break one thing on purpose in the UE or the network model (vi.spyOn, the real
// call kept for everything else) and read the verdict the user sees: the summary and the trace.
// Expected values come from TS 33.501 6.9.2.3.4 and the documented actor names (host/trace.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runN2Handover } from '../../host/scenarios/n2-handover.js';
import { World, guti } from '../../host/scenarios/setup.js';
import { UeDevice } from '../../host/ue/ue-device.js';
import { UeFirmware } from '../../host/firmware/ue-firmware.js';
import { ContextStore } from '../../host/ue/context-store.js';
import { ValueStatusError } from '../../host/errors.js';
import { toHex } from '../helpers.js';
import { steps, step, flip } from './trace-steps.js';


/** True once the UE has processed the handover's container (the faults below hit what follows). */
let handedOver = false;
function armAfterHandover(): void {
  handedOver = false;
  const orig = UeDevice.prototype.n2Handover;
  vi.spyOn(UeDevice.prototype, 'n2Handover').mockImplementation(function (this: UeDevice, nasc) {
    try { return orig.call(this, nasc); } finally { handedOver = true; }
  });
}

afterEach(() => vi.restoreAllMocks());

describe('run n2-handover: the start-up check and the documented names', () => {
  it('TS 33.501 6.7.2: after the NAS SMC the UE and the source AMF use the same KAMF — a run where the UE holds another KAMF stops at start-up', () => {
    let registered = false, once = true;
    const reg = World.prototype.initialRegistration, ctx = UeDevice.prototype.context;
    vi.spyOn(World.prototype, 'initialRegistration').mockImplementation(function (this: World, ...a) { reg.apply(this, a); registered = true; });
    vi.spyOn(UeDevice.prototype, 'context').mockImplementation(function (this: UeDevice, ...a) {
      const c = ctx.apply(this, a);
      if (registered && once) { once = false; return { ...c, kamf: flip(c.kamf) }; }
      return c;
    });
    expect(() => runN2Handover({ seed: 1 })).toThrow(/^UE and source AMF do not share a KAMF after the initial registration$/);
  });

  it('actor names (host/trace.ts Actor; the trace is user-visible): the registration before the handover is the source AMF\'s', () => {
    const t = runN2Handover({ seed: 1, kacf: true }).trace;
    expect(step(t, /^Authentication succeeded; KAMF for ngKSI 1$/).from).toBe('source AMF');
    expect(step(t, /^SECURITY MODE COMMAND \(HDP = 0, ngKSI 1, 128-NEA2\/128-NIA2\)$/)).toMatchObject({ from: 'source AMF', to: 'UE' });
    expect(step(t, /^REGISTRATION ACCEPT \(new 5G-GUTI\)$/)).toMatchObject({ from: 'source AMF', to: 'UE' });
    for (const x of t) expect(['UE', 'USIM', 'AUSF', 'source AMF', 'target AMF']).toContain(x.from);
  });
});

describe('run n2-handover: the abort verdicts (TS 33.501 6.9.2.3.4)', () => {
  it('modelling choice: the abort is reported as "names no context" only when the container\'s ngKSI is not the UE\'s — another firmware refusal with the right ngKSI stops the run instead of being misreported', () => {
    vi.spyOn(UeDevice.prototype, 'n2Handover').mockImplementation(() => { throw new ValueStatusError(3, 'n2_handover', 'refused (injected)'); });
    expect(() => runN2Handover({ seed: 1, kacf: true })).toThrow(/refused \(injected\)/);
  });

  it('6.9.2.3.4: on a NAS-MAC failure the UE keeps its contexts unchanged — a UE that changed one slot anyway is reported (slotsUnchanged false in the summary and the trace)', () => {
    let armed = false;
    const n2 = UeDevice.prototype.n2Handover, raw = UeFirmware.prototype.rawSlot;
    vi.spyOn(UeDevice.prototype, 'n2Handover').mockImplementation(function (this: UeDevice, nasc) {
      try { return n2.call(this, nasc); } finally { armed = true; }
    });
    vi.spyOn(UeFirmware.prototype, 'rawSlot').mockImplementation(function (this: UeFirmware, s) {
      const b = raw.call(this, s);
      if (armed) { armed = false; return flip(b, 40); }
      return b;
    });
    const r = runN2Handover({ seed: 1, macFailure: true });
    expect([r.summary.aborted, r.summary.abortReason, r.summary.slotsUnchanged]).toEqual([true, 'nas-mac', false]);
    expect(step(r.trace, /^NASC NAS-MAC verification FAILED/).values).toEqual({ slotsUnchanged: false });
  });

  it('an aborted handover is never reported as agreement: agree false (no UE keys to compare)', () => {
    const s = runN2Handover({ seed: 1, macFailure: true }).summary;
    expect([s.aborted, s.ue, s.agree]).toEqual([true, null, false]);
  });
});

describe('run n2-handover: after the container (the mobility registration at the target AMF)', () => {
  it('TS 33.501 6.4.3 / TS 24.501 4.4.4: a Registration Request whose NAS-MAC fails at the target AMF is not accepted — registrationAfterHandover failed, the trace says so', () => {
    armAfterHandover();
    const rr = UeDevice.prototype.registrationRequest;
    vi.spyOn(UeDevice.prototype, 'registrationRequest').mockImplementation(function (this: UeDevice, ...a) {
      const r = rr.apply(this, a);
      return handedOver ? { ...r, message: flip(r.message, 2) } : r;
    });
    const r = runN2Handover({ seed: 1, kacf: true });
    expect(r.summary.registrationAfterHandover).toBe('failed');
    expect(step(r.trace, /^Registration Request FAILED verification$/).from).toBe('target AMF');
    expect(steps(r.trace, /^Registration Request verified; REGISTRATION ACCEPT/)).toEqual([]);
  });

  it('a UE holding other keys than the target AMF after the handover is reported: agree false, the result says they DIFFER', () => {
    armAfterHandover();
    const ctx = UeDevice.prototype.context;
    vi.spyOn(UeDevice.prototype, 'context').mockImplementation(function (this: UeDevice, ...a) {
      const c = ctx.apply(this, a);
      return handedOver ? { ...c, knasint: flip(c.knasint) } : c;
    });
    const r = runN2Handover({ seed: 1, kacf: true });
    expect(r.summary.agree).toBe(false);
    expect(r.trace.at(-1)).toMatchObject({ from: 'UE', event: 'Result: UE and target AMF DIFFER' });
  });

  it('the REGISTRATION ACCEPT of the target AMF gives the UE the new 5G-GUTI (the trace step says "new 5G-GUTI"), and the UE takes it', () => {
    const got: (string | null)[] = [];
    const acc = UeDevice.prototype.registrationAccepted;
    vi.spyOn(UeDevice.prototype, 'registrationAccepted').mockImplementation(function (this: UeDevice, g) { got.push(g ? toHex(g) : null); return acc.call(this, g); });
    runN2Handover({ seed: 1, kacf: true });
    expect(got).toEqual([toHex(guti(0x01, 0x00000501)), toHex(guti(0x02, 0x00000502))]);
  });

  it('modelling choice: with no USIM record to read (ContextStore.stored() null: no card) the summary says usimKamf null instead of failing', () => {
    vi.spyOn(ContextStore.prototype, 'stored').mockReturnValue(null);
    const s = runN2Handover({ seed: 1, kacf: true }).summary;
    expect([s.registrationAfterHandover, s.usimKamf]).toEqual(['verified', null]);
  });
});
