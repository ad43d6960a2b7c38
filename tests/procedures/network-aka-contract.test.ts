// The 5G AKA network peers (host/network/ausf.ts: AUSF and SEAF; host/network/udm.ts: UDM/ARPF) by
// their documented contract, for what the end-to-end agreement of tests/procedures/aka.test.ts does
// not observe (issue 16: Stryker survivors): the trace names every message as TS 33.501 6.1.3.2
// (Figure 6.1.3.2-1) and 6.1.3.3.2 name them, with the keys each side holds at that step; calls out
// of order are refused (NetworkStateError), bad input names its field (InputError).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../host/errors.js';
import { Ausf, NetworkStateError, Seaf } from '../../host/network/ausf.js';
import { Udm } from '../../host/network/udm.js';
import { Trace } from '../../host/trace.js';
import { ContextStore } from '../../host/ue/context-store.js';
import { ME_IMAGE_TYPE, MeStorage } from '../../host/ue/me-storage.js';
import { UeAka, servingNetworkName, type AuthenticationFailure, type AuthenticationResponse } from '../../host/ue/ue-aka.js';
import { AtomicStore, MemoryMedium } from '../../host/storage/atomic-store.js';
import { Usim } from '../../host/usim/usim.js';
import { UeFirmware } from '../../host/firmware/ue-firmware.js';
import { toHex } from '../helpers.js';

const SNN = servingNetworkName('001', '01');
const SUPI = '001010000000077';
const rnd = (n: number) => new Uint8Array(randomBytes(n));

function world() {
  const k = rnd(16), opc = rnd(16);
  const usim = Usim.create(new MemoryMedium(8192), { supi: SUPI, k, opc });
  const cs = new ContextStore(MeStorage.open(AtomicStore.open(new MemoryMedium(4096), { type: ME_IMAGE_TYPE })));
  cs.powerOn(usim.storage);
  const ue = new UeAka({ usim, kd: new UeFirmware().keys, contextStore: cs });
  const trace = new Trace();
  const udm = new Udm(trace);
  udm.provision({ supi: SUPI, algorithm: 'milenage', k, opc });
  const ausf = new Ausf(udm);
  const seaf = new Seaf(ausf, SNN);
  return { k, opc, ue, trace, udm, ausf, seaf };
}
const response = (r: AuthenticationResponse | AuthenticationFailure) => {
  if (r.message !== 'AUTHENTICATION RESPONSE') throw new Error(`expected a response, got #${r.cause}`);
  return r;
};
const failure = (r: AuthenticationResponse | AuthenticationFailure) => {
  if (r.message !== 'AUTHENTICATION FAILURE') throw new Error('expected a failure');
  return r;
};
const steps = (t: Trace, from = 0) => t.steps.slice(from).map((s) => ({ clause: s.clause, event: s.event, keys: Object.keys(s.values).sort() }));

describe('TS 33.501 Figure 6.1.3.2-1: every message named as the clause names it, with the keys of that step', () => {
  it('a successful 5G AKA: SEAF → AUSF → UDM and back, the NAS Authentication Request/Response, KAMF', () => {
    const w = world();
    const req = w.seaf.startAuthentication(SUPI, { ngKsi: 3 });
    const resp = response(w.ue.handleAuthenticationRequest(req, SNN));
    const net = w.seaf.handleAuthenticationResponse(resp.resStar);
    expect(net.result).toBe('success');
    const s = steps(w.trace);
    const id = /\[([0-9a-f]{16})\]/.exec(s[4].event)![1]; // the AUSF's authentication context id: 8 random octets
    expect(s).toEqual([
      { clause: 'TS 33.501 6.1.3.2 step 1', event: `SEAF → AUSF: Nausf_UEAuthentication_Authenticate Request (SUPI ${SUPI}, SNN ${SNN})`, keys: [] },
      { clause: 'TS 33.501 6.1.3.2 step 2', event: `AUSF → UDM: Nudm_UEAuthentication_Get Request (SUPI ${SUPI}, SNN ${SNN})`, keys: [] },
      { clause: 'TS 33.501 6.1.3.2 step 3', event: `UDM/ARPF: 5G HE AV for ${SUPI} (milenage)`, keys: ['ak', 'autn', 'ck', 'ik', 'kausf', 'rand', 'sqn', 'xres', 'xres_star'] },
      { clause: 'TS 33.501 6.1.3.2 step 4', event: 'UDM → AUSF: Nudm_UEAuthentication_Get Response (5G HE AV)', keys: ['autn', 'kausf', 'rand', 'xres_star'] },
      { clause: 'TS 33.501 6.1.3.2 step 5', event: `AUSF: stores XRES*, KAUSF; HXRES* (A.5), KSEAF (A.6) [${id}]`, keys: ['hxres_star', 'kseaf'] },
      { clause: 'TS 33.501 6.1.3.2 step 6', event: 'AUSF → SEAF: Nausf_UEAuthentication_Authenticate Response (5G SE AV)', keys: ['autn', 'hxres_star', 'rand'] },
      { clause: 'TS 33.501 6.1.3.2 step 7', event: 'SEAF → UE: Authentication Request (ngKSI 3)', keys: ['abba', 'autn', 'rand'] },
      { clause: 'TS 33.501 6.1.3.2 step 9', event: 'UE → SEAF: Authentication Response; SEAF: HRES* = HXRES*', keys: ['hres_star', 'hxres_star', 'res_star'] },
      { clause: 'TS 33.501 6.1.3.2 step 10', event: 'SEAF → AUSF: Nausf_UEAuthentication_Authenticate Request (RES*)', keys: ['res_star'] },
      { clause: 'TS 33.501 6.1.3.2 step 11', event: `AUSF: RES* = XRES* [${id}]`, keys: ['res_star', 'xres_star'] },
      { clause: 'TS 33.501 6.1.3.2 step 12', event: 'AUSF → SEAF: Nausf_UEAuthentication_Authenticate Response (success, SUPI, KSEAF)', keys: ['kseaf'] },
      { clause: 'TS 33.501 6.1.3.2 step 12', event: 'SEAF: KAMF (A.7) for ngKSI 3', keys: ['abba', 'kamf', 'kseaf'] },
    ]);
    // the values are the keys themselves (hex): the AV the UE answered, the KAMF both sides hold
    const v = w.trace.steps.map((t) => t.values);
    expect([v[6].rand, v[6].autn, v[6].abba]).toEqual([toHex(req.rand), toHex(req.autn), '0000']);
    expect([v[7].res_star, v[8].res_star, v[9].res_star]).toEqual([toHex(resp.resStar), toHex(resp.resStar), toHex(resp.resStar)]);
    expect(net.result === 'success' && [v[10].kseaf, v[11].kamf]).toEqual([toHex(net.kseaf), toHex(net.kamf)]);
    expect(v[9].xres_star).toBe(toHex(resp.resStar));
    expect(v[3].kausf).toBe(toHex(resp.context.kausf));
    expect(v[4].kseaf).toBe(toHex(resp.context.kseaf));
  });

  it('HRES* ≠ HXRES* at the SEAF: failure, the AUSF is not asked (step 9)', () => {
    const w = world();
    w.ue.handleAuthenticationRequest(w.seaf.startAuthentication(SUPI), SNN);
    const n = w.trace.steps.length;
    expect(w.seaf.handleAuthenticationResponse(rnd(16))).toEqual({ result: 'failure', reason: 'HRES* does not equal HXRES*' });
    expect(steps(w.trace, n)).toEqual([
      { clause: 'TS 33.501 6.1.3.2 step 9', event: 'UE → SEAF: Authentication Response; SEAF: HRES* ≠ HXRES*', keys: ['hres_star', 'hxres_star', 'res_star'] },
    ]);
  });

  it('RES* ≠ XRES* at the AUSF: failure, no KAUSF kept for the SUPI (step 11)', () => {
    const w = world();
    const { authCtxId } = w.ausf.authenticate(SUPI, SNN);
    const n = w.trace.steps.length;
    expect(w.ausf.confirm(authCtxId, rnd(16))).toEqual({ result: 'failure', reason: 'RES* does not equal XRES*' });
    expect(steps(w.trace, n)).toEqual([{ clause: 'TS 33.501 6.1.3.2 step 11', event: `AUSF: RES* ≠ XRES* [${authCtxId}]`, keys: ['res_star', 'xres_star'] }]);
    expect(w.ausf.kausf(SUPI)).toBeUndefined();
    expect(() => w.ausf.confirm(authCtxId, rnd(16))).toThrow(NetworkStateError); // that run is over
  });
});

describe('TS 33.501 6.1.3.3.2 synchronisation failure, as traced', () => {
  it('#21 with AUTS: Authentication Failure, SEAF → AUSF (RAND, AUTS), AUSF → UDM, MAC-S verified, then a new 5G SE AV', () => {
    const w = world();
    response(w.ue.handleAuthenticationRequest(w.seaf.startAuthentication(SUPI), SNN));
    w.seaf.handleAuthenticationResponse(new Uint8Array(16)); // ends that run
    w.udm.provision({ supi: SUPI, algorithm: 'milenage', k: w.k, opc: w.opc }); // SEQ_HE back to 0
    const stale = w.seaf.startAuthentication(SUPI, { ngKsi: 2 });
    const f = failure(w.ue.handleAuthenticationRequest(stale, SNN));
    const n = w.trace.steps.length;
    const again = w.seaf.handleAuthenticationFailure(f.cause, f.auts)!;
    const s = steps(w.trace, n);
    expect(s.slice(0, 4)).toEqual([
      { clause: 'TS 24.501 5.4.1.3.5', event: 'UE → SEAF: Authentication Failure (5GMM cause #21)', keys: ['auts'] },
      { clause: 'TS 33.501 6.1.3.3.2', event: 'SEAF → AUSF: Nausf_UEAuthentication_Authenticate Request (synchronisation failure indication, RAND, AUTS)', keys: ['auts', 'rand'] },
      { clause: 'TS 33.501 6.1.3.3.2', event: 'AUSF → UDM: Nudm_UEAuthentication_Get Request (synchronisation failure: RAND, AUTS)', keys: ['auts', 'rand'] },
      { clause: 'TS 33.501 6.1.3.3.2', event: `UDM/ARPF: resynchronisation for ${SUPI}: MAC-S verified`, keys: ['ak_star', 'auts', 'rand', 'sqn_ms'] },
    ]);
    expect(w.trace.steps[n + 1].values).toEqual({ rand: toHex(stale.rand), auts: toHex(f.auts!) });
    expect(s[4].clause).toBe('TS 33.501 6.1.3.2 step 2'); // the new vector, same SUPI and SNN
    expect(s.at(-1)!.event).toBe('SEAF → UE: Authentication Request (ngKSI 2)');
    expect(again.ngKsi).toBe(2);
    // the new request answers: the AUTS resynchronised SQN_HE
    expect(response(w.ue.handleAuthenticationRequest(again, SNN)).message).toBe('AUTHENTICATION RESPONSE');
  });

  it('an AUTS whose MAC-S fails: traced as FAILED, no new request; any other cause ends the run untraced beyond the failure', () => {
    const w = world();
    response(w.ue.handleAuthenticationRequest(w.seaf.startAuthentication(SUPI), SNN));
    w.seaf.handleAuthenticationResponse(new Uint8Array(16));
    w.udm.provision({ supi: SUPI, algorithm: 'milenage', k: w.k, opc: w.opc });
    const f = failure(w.ue.handleAuthenticationRequest(w.seaf.startAuthentication(SUPI), SNN));
    const auts = f.auts!.slice(); auts[13] ^= 1;
    const n = w.trace.steps.length;
    expect(w.seaf.handleAuthenticationFailure(21, auts)).toBeNull();
    expect(w.trace.steps.at(-1)!.event).toBe(`UDM/ARPF: resynchronisation for ${SUPI}: MAC-S FAILED`);
    expect(w.trace.steps.length).toBe(n + 4);
    w.seaf.startAuthentication(SUPI);
    const m = w.trace.steps.length;
    expect(w.seaf.handleAuthenticationFailure(20)).toBeNull();
    expect(steps(w.trace, m)).toEqual([{ clause: 'TS 24.501 5.4.1.3.5', event: 'UE → SEAF: Authentication Failure (5GMM cause #20)', keys: [] }]);
    w.seaf.startAuthentication(SUPI);
    const a = w.trace.steps.length;
    expect(w.seaf.handleAuthenticationFailure(20, new Uint8Array(14))).toBeNull(); // an AUTS only means something with #21
    expect(steps(w.trace, a)).toEqual([{ clause: 'TS 24.501 5.4.1.3.5', event: 'UE → SEAF: Authentication Failure (5GMM cause #20)', keys: ['auts'] }]);
    w.seaf.startAuthentication(SUPI);
    expect(w.seaf.handleAuthenticationFailure(21)).toBeNull(); // #21 without AUTS: nothing to resynchronise
  });
});

describe('calls out of order and bad input', () => {
  it('no Authentication Request outstanding → NetworkStateError naming the SEAF; an unknown AUSF context id → naming the AUSF', () => {
    const w = world();
    expect(() => w.seaf.handleAuthenticationResponse(rnd(16))).toThrow(new NetworkStateError('SEAF: no Authentication Request outstanding'));
    expect(() => w.seaf.handleAuthenticationFailure(21, rnd(14))).toThrow(NetworkStateError);
    expect(() => w.ausf.confirm('00', rnd(16))).toThrow(new NetworkStateError('AUSF: no authentication in progress with id "00"'));
    expect(() => w.ausf.resynchronise('00', rnd(14))).toThrow(NetworkStateError);
    const { authCtxId } = w.ausf.authenticate(SUPI, SNN);
    expect(w.ausf.resynchronise(authCtxId, rnd(14))).toBeNull(); // random AUTS: MAC-S fails
    expect(() => w.ausf.resynchronise(authCtxId, rnd(14))).toThrow(NetworkStateError); // the run is over
  });

  it('ngKSI must be 0..6 (TS 24.501 9.11.3.32: 7 means no key is available); ABBA 0x0000 by default (TS 33.501 A.7.1)', () => {
    const w = world();
    for (const ngKsi of [-1, 7, 1.5]) {
      let err: unknown;
      try { w.seaf.startAuthentication(SUPI, { ngKsi }); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).field).toBe('ngKsi');
      expect((err as Error).message).toBe(`ngKsi must be 0..6, got ${ngKsi}`);
    }
    expect(w.trace.steps).toEqual([]); // refused before anything was sent
    for (const ngKsi of [0, 6]) expect(w.seaf.startAuthentication(SUPI, { ngKsi }).ngKsi).toBe(ngKsi);
    const r = w.seaf.startAuthentication(SUPI);
    expect([r.ngKsi, toHex(r.abba)]).toEqual([0, '0000']);
  });

  it('the request the SEAF sends is a copy: changing it does not change what the SEAF checks against', () => {
    const w = world();
    const req = w.seaf.startAuthentication(SUPI, { ngKsi: 1 });
    const sent = { rand: req.rand.slice(), autn: req.autn.slice(), abba: req.abba.slice() };
    const resp = response(w.ue.handleAuthenticationRequest(req, SNN));
    req.rand.fill(0); req.autn.fill(0); req.abba.fill(9);
    const net = w.seaf.handleAuthenticationResponse(resp.resStar);
    expect(net.result).toBe('success');
    expect(net.result === 'success' && toHex(net.abba)).toBe(toHex(sent.abba));
    expect(w.ausf.kausf(SUPI)).toEqual(resp.context.kausf);
    w.ausf.kausf(SUPI)!.fill(0); // kausf() gives a copy
    expect(w.ausf.kausf(SUPI)).toEqual(resp.context.kausf);
  });
});
