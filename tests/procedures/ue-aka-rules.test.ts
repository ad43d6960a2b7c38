// host/ue/ue-aka.ts rule by rule, with a scripted USIM (the UsimCard interface: SUPI and
// AUTHENTICATE) so each AUTHENTICATE outcome of TS 33.102 6.3.3 can be chosen and the arrays the
// card hands over can be watched. The key values themselves are checked end to end against the
// network model in tests/procedures/aka.test.ts; here: the input checks, the failure order of
// TS 24.501 5.4.1.3.5, the wipes the module documents ("CK and IK are wiped after use"; the
// project's rule "retired keys are zeroed") and the copies its getters document.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadSync } from '../../host/index.js';
import { InputError } from '../../host/errors.js';
import type { AuthResult } from '../../host/firmware/usim-module.js';
import type { KeyDerivation } from '../../host/firmware/keys.js';
import {
  AkaStateError, CAUSE_MAC_FAILURE, CAUSE_NON_5G_AUTHENTICATION_UNACCEPTABLE, CAUSE_SYNCH_FAILURE, UeAka, servingNetworkName,
  type AuthenticationFailure, type AuthenticationRequest, type AuthenticationResponse, type UsimCard,
} from '../../host/ue/ue-aka.js';

const kd = loadSync();
const SNN = '5G:mnc001.mcc001.3gppnetwork.org';
const SUPI = '001010123456789';
const rnd = (n: number) => new Uint8Array(randomBytes(n));
const zero = (a: Uint8Array) => a.every((b) => b === 0);

/** A card that answers AUTHENTICATE with `next()` and counts the calls. */
function card(next: () => AuthResult): UsimCard & { calls: number } {
  return { supi: SUPI, calls: 0, authenticate(this: { calls: number }) { this.calls++; return next(); } };
}
/** An AUTN whose AMF separation bit (TS 33.102 Annex H: bit 0 of the AMF, the most significant bit of AUTN octet 7 counted from 1 — index 6 here) is `bit`. */
function autn(bit: 0 | 1): Uint8Array { const a = rnd(16); a[6] = bit ? a[6] | 0x80 : a[6] & 0x7f; return a; }
const request = (over: Partial<AuthenticationRequest> = {}): AuthenticationRequest =>
  ({ ngKsi: 1, abba: Uint8Array.of(0, 0), rand: rnd(16), autn: autn(1), ...over });
const okResult = () => ({ kind: 'ok' as const, res: rnd(16), ck: rnd(16), ik: rnd(16) });
const asResponse = (r: AuthenticationResponse | AuthenticationFailure) => {
  if (r.message !== 'AUTHENTICATION RESPONSE') throw new Error(`expected a response, got #${r.cause}`);
  return r;
};

describe('serving network name (TS 33.501 6.1.1.4, TS 24.501 9.12.1: "5G:mnc<MNC>.mcc<MCC>.3gppnetwork.org", a 2-digit MNC padded to 3)', () => {
  it('2- and 3-digit MNCs', () => {
    expect(servingNetworkName('001', '01')).toBe('5G:mnc001.mcc001.3gppnetwork.org');
    expect(servingNetworkName('234', '15')).toBe('5G:mnc015.mcc234.3gppnetwork.org');
    expect(servingNetworkName('310', '410')).toBe('5G:mnc410.mcc310.3gppnetwork.org');
  });
  it('an MCC that is not exactly 3 digits, or an MNC that is not 2 or 3 digits, is refused naming the field', () => {
    for (const mcc of ['31', '3101', 'x310', '310x', '']) expect(() => servingNetworkName(mcc, '01')).toThrow(/^mcc must be 3 digits, got /);
    for (const mnc of ['1', '1234', 'x01', '01x', '']) expect(() => servingNetworkName('001', mnc)).toThrow(/^mnc must be 2 or 3 digits, got /);
  });
});

describe('AUTHENTICATION REQUEST fields are checked before the USIM is asked (TS 24.501 8.2.1)', () => {
  it('request not an object, ngKSI outside 0..6 or not an integer, ABBA under 2 octets (9.11.3.10), empty or non-string SNN → InputError naming the field; AUTHENTICATE not run', () => {
    const c = card(okResult);
    const ue = new UeAka({ usim: c, kd });
    const call = (req: unknown, snn: unknown = SNN) => () => ue.handleAuthenticationRequest(req as AuthenticationRequest, snn as string);
    expect(call(null)).toThrow(/^request must be an object$/);
    expect(call('x')).toThrow(/^request must be an object$/);
    for (const ngKsi of [-1, 7, 1.5]) expect(call(request({ ngKsi }))).toThrow(/^ngKsi must be a native KSI 0\.\.6/);
    expect(call(request({ abba: Uint8Array.of(0) }))).toThrow(/^abba must be at least 2 bytes/);
    expect(call(request(), '')).toThrow(/^snn must be a non-empty string$/);
    expect(call(request(), 5)).toThrow(/^snn must be a non-empty string$/);
    expect(c.calls).toBe(0);
    expect(ue.pending).toBeNull();
  });
  it('ngKSI 0 and 6 are native KSIs (the bounds are inclusive)', () => {
    const ue = new UeAka({ usim: card(okResult), kd });
    expect(asResponse(ue.handleAuthenticationRequest(request({ ngKsi: 0 }), SNN)).context.ngKsi).toBe(0);
    expect(asResponse(ue.handleAuthenticationRequest(request({ ngKsi: 6 }), SNN)).context.ngKsi).toBe(6);
  });
});

describe('TS 24.501 5.4.1.3.5 failure causes (their order between #26 and #21 is the module\'s, a modelling choice) and the wipes of CK, IK and RES', () => {
  it('TS 33.501 6.1.3.2: a successful AUTHENTICATE with the AMF separation bit 0 → #26; RES, CK and IK handed over by the USIM are zeroed, nothing pending', () => {
    const r = okResult();
    const ue = new UeAka({ usim: card(() => r), kd });
    const f = ue.handleAuthenticationRequest(request({ autn: autn(0) }), SNN) as AuthenticationFailure;
    expect([f.message, f.cause, f.auts]).toEqual(['AUTHENTICATION FAILURE', CAUSE_NON_5G_AUTHENTICATION_UNACCEPTABLE, undefined]);
    expect([zero(r.res), zero(r.ck), zero(r.ik)]).toEqual([true, true, true]);
    expect(ue.pending).toBeNull();
  });
  it('the module\'s order: the separation bit is checked before synchronisation — a stale SQN with the bit 0 gives #26 without AUTS', () => {
    const ue = new UeAka({ usim: card(() => ({ kind: 'sync-failure', auts: rnd(14) })), kd });
    const f = ue.handleAuthenticationRequest(request({ autn: autn(0) }), SNN) as AuthenticationFailure;
    expect([f.cause, f.auts]).toEqual([CAUSE_NON_5G_AUTHENTICATION_UNACCEPTABLE, undefined]);
    const g = ue.handleAuthenticationRequest(request({ autn: autn(1) }), SNN) as AuthenticationFailure;
    expect([g.cause, g.causeName, g.auts?.length]).toEqual([CAUSE_SYNCH_FAILURE, 'synch failure', 14]);
    const m = new UeAka({ usim: card(() => ({ kind: 'mac-failure' })), kd }).handleAuthenticationRequest(request({ autn: autn(0) }), SNN) as AuthenticationFailure;
    expect([m.cause, m.causeName]).toEqual([CAUSE_MAC_FAILURE, 'MAC failure']);
  });
  it('"CK and IK are wiped after use": after AUTHENTICATION RESPONSE the USIM\'s RES, CK and IK arrays are all zero', () => {
    const r = okResult();
    const ue = new UeAka({ usim: card(() => r), kd });
    asResponse(ue.handleAuthenticationRequest(request(), SNN));
    expect([zero(r.res), zero(r.ck), zero(r.ik)]).toEqual([true, true, true]);
  });
});

describe('the partial native context (TS 33.501 6.2.3.2) is the module\'s own: getters and adoptPartial copy', () => {
  it('the ABBA kept is a copy of the request\'s; pending/current/acceptSmc return copies', () => {
    const ue = new UeAka({ usim: card(okResult), kd });
    const req = request({ abba: Uint8Array.of(0, 0) });
    ue.handleAuthenticationRequest(req, SNN);
    req.abba.fill(0xaa);
    const p = ue.pending!;
    expect([...p.abba]).toEqual([0, 0]);
    const kausf = p.kausf.slice(), kseaf = p.kseaf.slice();
    p.abba.fill(1); p.kausf.fill(1); p.kseaf.fill(1);
    const q = ue.pending!;
    expect([[...q.abba], [...q.kausf], [...q.kseaf]]).toEqual([[0, 0], [...kausf], [...kseaf]]);
    ue.acceptSmc().kausf.fill(2);
    const c = ue.current!;
    expect([...c.kausf]).toEqual([...kausf]);
    c.kausf.fill(3); c.kseaf.fill(3);
    expect([[...ue.current!.kausf], [...ue.current!.kseaf]]).toEqual([[...kausf], [...kseaf]]);
  });
  it('adoptPartial keeps a copy of the caller\'s context (KAMF included) and returns another', () => {
    const ue = new UeAka({ usim: card(okResult), kd });
    const c = { ngKsi: 3, abba: Uint8Array.of(0, 0), kausf: rnd(32), kseaf: rnd(32), kamf: rnd(32) };
    const want = [[...c.abba], [...c.kausf], [...c.kseaf], [...c.kamf]];
    const back = ue.adoptPartial(c);
    back.kamf!.fill(0); back.kausf.fill(0);
    c.abba.fill(9); c.kausf.fill(9); c.kseaf.fill(9); c.kamf.fill(9);
    const p = ue.pending!;
    expect([[...p.abba], [...p.kausf], [...p.kseaf], [...p.kamf!]]).toEqual(want);
    p.kamf!.fill(7);
    expect([...ue.pending!.kamf!]).toEqual(want[3]);
  });
  it('adoptPartial: ngKSI must be a native KSI 0..6 (0 and 6 accepted), else InputError naming ngKsi and the pending context is kept', () => {
    const ue = new UeAka({ usim: card(okResult), kd });
    const c = (ngKsi: number) => ({ ngKsi, abba: Uint8Array.of(0, 0), kausf: rnd(32), kseaf: rnd(32) });
    expect(ue.adoptPartial(c(0)).ngKsi).toBe(0);
    expect(ue.adoptPartial(c(6)).ngKsi).toBe(6);
    for (const k of [-1, 7, 2.5]) expect(() => ue.adoptPartial(c(k))).toThrow(/^ngKsi must be a native KSI 0\.\.6, got /);
    expect(ue.pending!.ngKsi).toBe(6);
  });
  it('acceptSmc refusals name the rule (no partial context; another ngKSI); without a ContextStore the SMC still makes the keys current', () => {
    const ue = new UeAka({ usim: card(okResult), kd });
    expect(() => ue.acceptSmc()).toThrow(AkaStateError);
    expect(() => ue.acceptSmc()).toThrow(/^acceptSmc: no partial native 5G NAS security context from a 5G AKA run$/);
    ue.handleAuthenticationRequest(request({ ngKsi: 4 }), SNN);
    expect(() => ue.acceptSmc(5)).toThrow(/^acceptSmc: the SMC names ngKSI 5, the partial context has ngKSI 4$/);
    expect(ue.acceptSmc(4).ngKsi).toBe(4);
    expect(ue.current!.ngKsi).toBe(4);
    expect(ue.pending).toBeNull();
  });
});

describe('retired keys are zeroed (project rule; TS 33.501 6.2.2.2: a new partial context replaces the pending one)', () => {
  it('a second 5G AKA run, discardPending (SMC rejected, TS 24.501 5.4.2.5) and adoptPartial zero the KAUSF and KSEAF the firmware returned for the replaced context', () => {
    const outs: { kausf?: Uint8Array; kseaf?: Uint8Array }[] = [];
    const spy = { aka5g: (a: Parameters<KeyDerivation['aka5g']>[0]) => { const k = kd.aka5g(a); outs.push(k); return k; } } as unknown as KeyDerivation;
    const ue = new UeAka({ usim: card(okResult), kd: spy });
    ue.handleAuthenticationRequest(request(), SNN);
    expect(zero(outs[0].kausf!) || zero(outs[0].kseaf!)).toBe(false);
    ue.handleAuthenticationRequest(request({ ngKsi: 2 }), SNN);
    expect([zero(outs[0].kausf!), zero(outs[0].kseaf!)]).toEqual([true, true]);
    expect(zero(outs[1].kausf!)).toBe(false);
    ue.discardPending();
    expect([zero(outs[1].kausf!), zero(outs[1].kseaf!)]).toEqual([true, true]);
    expect(ue.pending).toBeNull();
    ue.handleAuthenticationRequest(request({ ngKsi: 3 }), SNN);
    ue.adoptPartial({ ngKsi: 5, abba: Uint8Array.of(0, 0), kausf: rnd(32), kseaf: rnd(32) });
    expect([zero(outs[2].kausf!), zero(outs[2].kseaf!)]).toEqual([true, true]);
    expect(ue.pending!.ngKsi).toBe(5);
  });
});
