// The source-AMF model (host/network/amf.ts) by its documented contract (issue 16: Stryker
// survivors): the context transfer of TS 33.501 6.9.3 b–d (find the UE by 5G-GUTI, verify the
// forwarded Registration Request, send KAMF′ = A.13(KAMF, DIRECTION 0x00, its UL NAS COUNT) with
// keyAmfHDerivationInd or the current KAMF), the non-current context rule of 6.9.3, the retention
// policy with the seed 000 change (keep until RegistrationStatusUpdate, TS 23.502 4.2.2.2.2) and the
// kept-context timer (a modelling choice, README). Expected keys are computed here with node:crypto
// HMAC-SHA-256 (TS 33.220 B.2 with the A.13 layout), never by the model.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Amf, KEPT_CONTEXT_TIMER_S } from '../../host/network/amf.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { nia2Ref } from '../../host/reference/nas.js';
import { Trace } from '../../host/trace.js';
import { toHex } from '../helpers.js';

const GUTI = Uint8Array.of(0xf2, 0x00, 0xf1, 0x10, 0xca, 0xfe, 0x00, 0x00, 0x00, 0x01);
const OTHER = Uint8Array.of(0xf2, 0x00, 0xf1, 0x10, 0xca, 0xfe, 0x00, 0x00, 0x00, 0x02);
const KAMF = Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i);
const CAPS = Uint8Array.of(0xa0, 0xa0);

/** TS 33.501 A.13 with the TS 33.220 B.2 KDF: S = 0x72 ‖ DIRECTION ‖ 00 01 ‖ COUNT ‖ 00 04. */
function a13(kamf: Uint8Array, direction: number, count: number): string {
  const s = Buffer.from([0x72, direction, 0, 1, count >>> 24, (count >>> 16) & 0xff, (count >>> 8) & 0xff, count & 0xff, 0, 4]);
  return createHmac('sha256', kamf).update(s).digest('hex');
}

/** A Registration Request integrity protected by the UE (TS 24.501 9.1.1: EPD 7E, SHT 1, MAC,
 *  SQN, plain message; 128-NIA2 over SQN ‖ message with the UL COUNT, bearer 1, direction 0). */
function protectedRr(nas: NetworkNasContext, count: number, badMac = false): Uint8Array {
  const sqnAndBody = Uint8Array.of(count & 0xff, 0x7e, 0x00, 0x41, 0x03, 0x00);
  const mac = nia2Ref(nas.knasint, count, 1, 0, sqnAndBody, sqnAndBody.length * 8);
  if (badMac) mac[0] ^= 1;
  return Uint8Array.of(0x7e, 0x01, ...mac, ...sqnAndBody);
}

function source(policy: ConstructorParameters<typeof Amf>[2] = {}, ul = 4, withNonCurrent = false) {
  const trace = new Trace();
  const amf = new Amf('source AMF', trace, policy);
  const nas = new NetworkNasContext(KAMF, 3, 2, 2);
  nas.ulLast['3gpp'] = ul - 1; nas.dlNext['3gpp'] = 9;
  const nonCurrent = withNonCurrent ? new NetworkNasContext(new Uint8Array(32).fill(0x77), 5, 2, 2) : undefined;
  amf.add({ supi: '001010000000001', guti: GUTI, nas, ueSecurityCapabilities: CAPS, nonCurrent });
  return { trace, amf, nas, rr: protectedRr(nas, ul), nonCurrent };
}
const last = (t: Trace) => t.steps.at(-1)!;

describe('TS 33.501 6.9.3 b: the source AMF answers the context transfer only for a UE it holds, after verifying the forwarded Registration Request', () => {
  it('an unknown 5G-GUTI: refused with the reason, traced with the GUTI, the held context untouched', () => {
    const { trace, amf, rr } = source();
    expect(amf.contextTransfer(OTHER, rr)).toEqual({ ok: false, reason: 'no UE context for this 5G-GUTI' });
    expect([last(trace).from, last(trace).event, last(trace).values]).toEqual(['source AMF', 'Context transfer refused: no UE context for this 5G-GUTI', { guti: toHex(OTHER) }]);
    expect(amf.find(GUTI)!.transferPending).toBe(false);
  });

  it('a Registration Request failing its integrity check: refused, traced with clause 6.9.3 b, no KAMF sent, the context kept and not pending', () => {
    const { trace, amf, nas } = source();
    const r = amf.contextTransfer(GUTI, protectedRr(nas, 4, true));
    expect(r).toEqual({ ok: false, reason: 'integrity check of the forwarded Registration Request failed' });
    expect([last(trace).event, last(trace).clause, last(trace).values]).toEqual(['Integrity check of the forwarded Registration Request FAILED', 'TS 33.501 6.9.3 b', { kamf: toHex(KAMF) }]);
    expect(amf.find(GUTI)!.transferPending).toBe(false);
    expect(trace.steps.some((s) => /verified/.test(s.event))).toBe(false);
  });
});

describe('TS 33.501 6.9.3 c: KAMF′ = A.13(KAMF, DIRECTION 0x00, UL NAS COUNT of the Registration Request) with keyAmfHDerivationInd, or the current KAMF', () => {
  it('horizontal derivation is the default policy: KAMF′ from the Registration Request\'s UL COUNT (node:crypto A.13), the ngKSI of KAMF, traced with A.13', () => {
    const { trace, amf, rr } = source({}, 0x1_23);
    const r = amf.contextTransfer(GUTI, rr);
    if (!r.ok) throw new Error(r.reason);
    expect(r.keyAmfHDerivationInd).toBe(true);
    expect(toHex(r.kamf)).toBe(a13(KAMF, 0, 0x1_23));
    expect([r.supi, r.ngKsi, r.nea, r.nia, toHex(r.ueSecurityCapabilities)]).toEqual(['001010000000001', 3, 2, 2, toHex(CAPS)]);
    const step = trace.steps.find((s) => s.clause === 'TS 33.501 6.9.3 b ii, A.13')!;
    expect(step.event).toBe('Registration Request verified; derives KAMF′ (horizontal derivation)');
    expect(step.values).toEqual({ ulCountRegistrationRequest: 0x1_23, kamf: toHex(KAMF), kamfPrime: a13(KAMF, 0, 0x1_23), ngKsi: 3 });
  });

  it('without horizontal derivation the current KAMF goes, no KAMF′ is derived or traced', () => {
    const { trace, amf, rr } = source({ horizontal: false }, 7);
    const r = amf.contextTransfer(GUTI, rr);
    if (!r.ok) throw new Error(r.reason);
    expect([r.keyAmfHDerivationInd, toHex(r.kamf)]).toEqual([false, toHex(KAMF)]);
    const step = trace.steps.find((s) => s.clause === 'TS 33.501 6.9.3 b i')!;
    expect(step.event).toBe('Registration Request verified; transfers the current KAMF');
    expect(step.values).toEqual({ ulCountRegistrationRequest: 7, kamf: toHex(KAMF), ngKsi: 3 });
  });

  it('TS 23.502 4.2.2.2.2 step 5: the transfer carries the 3GPP-access UL NAS COUNT just verified and the next DL NAS COUNT', () => {
    const { amf, rr } = source({}, 12);
    const r = amf.contextTransfer(GUTI, rr);
    if (!r.ok) throw new Error(r.reason);
    expect([r.ulLast, r.dlNext]).toEqual([12, 9]);
  });
});

describe('TS 33.501 6.9.3 "the source AMF shall in this case also delete any stored non-current 5G security context, and not transfer any non-current 5G security context"', () => {
  it('with KAMF′ derived: the non-current context is deleted, traced with its KAMF and ngKSI, and not sent', () => {
    const { trace, amf, rr, nonCurrent } = source({}, 4, true);
    const r = amf.contextTransfer(GUTI, rr);
    if (!r.ok) throw new Error(r.reason);
    expect('nonCurrent' in r).toBe(false);
    expect(amf.find(GUTI)!.nonCurrent).toBeNull();
    const step = trace.steps.find((s) => /non-current/.test(s.event))!;
    expect([step.clause, step.values]).toEqual(['TS 33.501 6.9.3', { nonCurrentKamf: toHex(nonCurrent!.kamf), ngKsi: 5 }]);
  });

  it('without horizontal derivation (modelling choice: 6.9.3 forbids it only when KAMF′ was derived) the non-current context goes as a copy, and the source keeps its own', () => {
    const { amf, rr, nonCurrent } = source({ horizontal: false }, 4, true);
    const r = amf.contextTransfer(GUTI, rr);
    if (!r.ok || !r.nonCurrent) throw new Error('expected a non-current context in the transfer');
    expect([toHex(r.nonCurrent.kamf), r.nonCurrent.ngKsi]).toEqual([toHex(nonCurrent!.kamf), 5]);
    r.nonCurrent.kamf.fill(0); // the target's copy is the target's: wiping it leaves the source's key
    expect(toHex(amf.find(GUTI)!.nonCurrent!.kamf)).toBe('77'.repeat(32));
  });
});

describe('retention of the transferred context (TS 33.501 6.9.3 with the seed 000 change; TS 23.502 4.2.2.2.2 RegistrationStatusUpdate)', () => {
  it('policy keep (the default): the context stays, pending, until the outcome is reported', () => {
    const { trace, amf, rr } = source();
    amf.contextTransfer(GUTI, rr);
    expect(amf.find(GUTI)!.transferPending).toBe(true);
    expect([last(trace).event, last(trace).clause]).toEqual(['Keeps its 5G security context until the mobility registration completes (retention policy: keep)', 'TS 33.501 6.9.3 with the seed 000 change']);
  });

  it('policy delete (the text before the change): the context is gone right after the transfer', () => {
    const { trace, amf, rr } = source({ retention: 'delete' });
    expect(amf.contextTransfer(GUTI, rr).ok).toBe(true);
    expect(amf.find(GUTI)).toBeUndefined();
    expect(amf.kamfOf(GUTI)).toBeNull();
    expect([last(trace).event, last(trace).clause]).toEqual(['Deletes the 5G security context it held (retention policy: delete)', 'TS 33.501 6.9.3 (before the change)']);
  });

  it('RegistrationStatusUpdate success: the kept context is deleted; failure: it stays and is no longer pending', () => {
    const ok = source();
    ok.amf.contextTransfer(GUTI, ok.rr);
    ok.amf.registrationStatusUpdate(GUTI, true);
    expect(ok.amf.find(GUTI)).toBeUndefined();
    expect([last(ok.trace).event, last(ok.trace).clause]).toEqual(['Mobility registration completed: deletes the kept 5G security context', 'TS 33.501 6.9.3 with the seed 000 change']);

    const ko = source();
    ko.amf.contextTransfer(GUTI, ko.rr);
    ko.amf.registrationStatusUpdate(GUTI, false);
    expect(ko.amf.find(GUTI)!.transferPending).toBe(false);
    expect(toHex(ko.amf.kamfOf(GUTI)!)).toBe(toHex(KAMF));
    expect([last(ko.trace).event, last(ko.trace).values]).toEqual(['Mobility registration failed: keeps the 5G security context', { kamf: toHex(KAMF) }]);
  });

  it('a RegistrationStatusUpdate for a 5G-GUTI the AMF does not hold changes nothing and traces nothing', () => {
    const { trace, amf } = source();
    const n = trace.steps.length;
    for (const success of [true, false]) amf.registrationStatusUpdate(OTHER, success);
    expect(trace.steps.length).toBe(n);
    expect(amf.contexts.size).toBe(1);
  });

  it(`modelling choice (README): a kept context with no RegistrationStatusUpdate expires after ${KEPT_CONTEXT_TIMER_S} s; a context not pending, or an unknown 5G-GUTI, is left alone`, () => {
    const { trace, amf, rr } = source();
    const n = trace.steps.length;
    amf.expireKeptContext(GUTI); // not transferred: not pending
    amf.expireKeptContext(OTHER);
    expect([amf.find(GUTI) !== undefined, trace.steps.length]).toEqual([true, n]);
    amf.contextTransfer(GUTI, rr);
    amf.expireKeptContext(GUTI);
    expect(amf.find(GUTI)).toBeUndefined();
    expect([last(trace).event, last(trace).clause]).toEqual([`No RegistrationStatusUpdate within ${KEPT_CONTEXT_TIMER_S} s: the kept 5G security context expires and is deleted`, 'modelling choice (README)']);
  });
});
