// The SRVCC network model (host/network/msc.ts) by its documented contract (issue 16: Stryker
// survivors): the AMF step on Handover Required (TS 33.501 J.1 step 1, A.21: KASME_SRVCC =
// KDF(KAMF, 0x7D, DL NAS COUNT), then DL NAS COUNT + 1; ngKSI → eKSI / KSISRVCC), the draft
// variants of seed 003 as named options, MME_SRVCC (J.1 step 3, TS 33.401 A.12 with DL NAS COUNT 0),
// the MSC server that "should never know the KAMF" (J.1), and the refusals naming their field.
// Expected keys are computed here with node:crypto HMAC-SHA-256 (TS 33.220 B.2), never by the model.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../host/errors.js';
import type { AmfUeContext } from '../../host/network/amf.js';
import { FC_A21, MmeSrvcc, MscServer, SrvccAmf, type AmfSrvccStep, type PsToCsRequest } from '../../host/network/msc.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { guti } from '../../host/scenarios/setup.js';
import { Trace } from '../../host/trace.js';
import { toHex } from '../helpers.js';

const KAMF = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 ^ i);
const CAPS = Uint8Array.of(0xf0, 0xf0, 0xc0, 0x40);
const u32 = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
function kdf(key: Uint8Array, fc: number, p0: number[]): string {
  return createHmac('sha256', key).update(Buffer.from([fc, ...p0, p0.length >> 8, p0.length & 0xff])).digest('hex');
}
function ue(ngKsi = 3, dlNext = 0x2_17, tmsi = 0x501): AmfUeContext {
  const nas = new NetworkNasContext(KAMF, ngKsi, 2, 2);
  nas.dlNext['3gpp'] = dlNext;
  return { supi: '001010000000001', guti: guti(0x01, tmsi), nas, ueSecurityCapabilities: CAPS, transferPending: false };
}
const refusal = (f: () => unknown): InputError => {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(InputError); return e as InputError; }
  throw new Error('expected an InputError');
};

describe('TS 33.501 J.1 step 1 / A.21: the AMF derives KASME_SRVCC = KDF(KAMF, 0x7D, current DL NAS COUNT), then increments the DL NAS COUNT', () => {
  it('published procedure (mme-derive): the key, the COUNT before + 1, ngKSI → eKSI, the UE security capabilities, no key-separation warning, traced with J.1/A.21', () => {
    const trace = new Trace();
    const amf = new SrvccAmf('AMF', trace);
    const c = ue();
    const s = amf.handoverRequired(c, 'mme-derive');
    const key = kdf(KAMF, 0x7d, u32(0x2_17));
    expect(FC_A21).toBe(0x7d);
    expect([s.variant, s.fc, s.dlCount, toHex(s.kasmeSrvcc!), s.ckIk, s.eKsi, s.ksiSrvcc, toHex(s.ueSecurityCapabilities), s.keySeparationWarning])
      .toEqual(['mme-derive', 0x7d, 0x2_17, key, null, 3, null, toHex(CAPS), false]);
    expect(c.nas.dlNext['3gpp']).toBe(0x2_18);
    expect(trace.steps.length).toBe(1);
    const t = trace.steps[0];
    expect([t.from, t.event, t.clause]).toEqual(['AMF', 'Handover Required (SRVCC): derives KASME_SRVCC (A.21); ngKSI → eKSI; then DL NAS COUNT + 1', 'TS 33.501 J.1 step 1, A.21']);
    expect(t.values).toEqual({ kamf: toHex(KAMF), dlCount: 0x2_17, kasmeSrvcc: key, ksi: 3, dlCountNext: 0x2_18 });
  });

  it('draft variants (seed 003): mme-concat gives the same key to the MME; direct uses it as CK ‖ IK with ngKSI → KSISRVCC; both traced as the draft', () => {
    const trace = new Trace();
    const amf = new SrvccAmf('AMF', trace);
    const key = kdf(KAMF, 0x7d, u32(0x2_17));
    const concat = amf.handoverRequired(ue(), 'mme-concat');
    expect([toHex(concat.kasmeSrvcc!), concat.eKsi, concat.ksiSrvcc]).toEqual([key, 3, null]);
    expect([trace.steps[0].event, trace.steps[0].clause]).toEqual(['Handover Required (SRVCC): derives KASME_SRVCC (A.21); ngKSI → eKSI; then DL NAS COUNT + 1', 'draft annex X.1 (seed 003)']);
    const direct = amf.handoverRequired(ue(6), 'direct');
    expect([direct.kasmeSrvcc, toHex(direct.ckIk!), direct.eKsi, direct.ksiSrvcc]).toEqual([null, key, null, 6]);
    expect([trace.steps[1].event, trace.steps[1].clause]).toEqual(['Handover Required (SRVCC): derives CKSRVCC ‖ IKSRVCC from KAMF (draft, AMF–MSC server interface, FC 0x7d); ngKSI → KSISRVCC', 'draft annex X.1 (seed 003)']);
    expect(trace.steps[1].values).toEqual({ kamf: toHex(KAMF), dlCount: 0x2_17, ckIk: key, ksi: 6, dlCountNext: 0x2_18 });
  });

  it('another FC (draft) is KDF(KAMF, FC, DL NAS COUNT); FC 0x74 collides with A.14.2 (K′ASME of a 5G→EPS handover) and is flagged as a key-separation failure (the reason A.21 got 0x7D)', () => {
    const trace = new Trace();
    const amf = new SrvccAmf('AMF', trace);
    const other = amf.handoverRequired(ue(), 'mme-derive', 0x7e);
    expect([toHex(other.kasmeSrvcc!), other.keySeparationWarning]).toEqual([kdf(KAMF, 0x7e, u32(0x2_17)), false]);
    expect([trace.steps[0].event, trace.steps[0].clause]).toEqual(['Handover Required (SRVCC): derives the SRVCC key with FC 0x7e (draft); ngKSI → eKSI; then DL NAS COUNT + 1', 'draft annex X.1 (seed 003)']);
    amf.handoverRequired(ue(), 'direct', 0x0a); // the FC is printed as two hex digits
    expect(trace.steps.at(-1)!.event).toBe('Handover Required (SRVCC): derives CKSRVCC ‖ IKSRVCC from KAMF (draft, AMF–MSC server interface, FC 0x0a); ngKSI → KSISRVCC');
    const n = trace.steps.length;
    const bad = amf.handoverRequired(ue(), 'mme-derive', 0x74);
    expect([toHex(bad.kasmeSrvcc!), bad.keySeparationWarning]).toEqual([kdf(KAMF, 0x74, u32(0x2_17)), true]);
    expect(trace.steps.length).toBe(n + 2);
    expect(trace.steps[n].values.keySeparationWarning).toBe('the key equals K′ASME of a 5G→EPS handover (A.14.2) for this KAMF and COUNT');
    expect([trace.steps[n + 1].event, trace.steps[n + 1].clause]).toEqual(['KEY SEPARATION FAILURE: FC 0x74 reuses the A.14.2 input space, so a new FC (0x7D, A.21) was needed', 'TS 33.501 A.21']);
  });

  it('the FC must be one octet (0..255), refused naming fc; a DL NAS COUNT above 2^24 − 1 would wrap (TS 33.501 6.9.4.2): refused, the COUNT unchanged', () => {
    const amf = new SrvccAmf('AMF', new Trace());
    for (const fc of [-1, 256, 1.5]) {
      const e = refusal(() => amf.handoverRequired(ue(), 'mme-derive', fc));
      expect([e.field, e.message]).toEqual(['fc', `fc must be one octet, got ${fc}`]);
    }
    expect(amf.handoverRequired(ue(), 'mme-derive', 0).fc).toBe(0);
    expect(amf.handoverRequired(ue(), 'mme-derive', 255).fc).toBe(255);
    expect(amf.handoverRequired(ue(3, 0xffffff), 'mme-derive').dlCount).toBe(0xffffff);
    const c = ue(3, 0x1000000);
    expect(() => amf.handoverRequired(c, 'mme-derive')).toThrow('DL NAS COUNT would wrap: the AMF must re-key first (TS 33.501 6.9.4.2)');
    expect(c.nas.dlNext['3gpp']).toBe(0x1000000);
  });

  it('direct variant: the AMF\'s own PS to CS request carries CK = the first 128 bits, IK = the last 128, KSISRVCC, the capabilities and the COUNT; an MME variant step is refused naming variant', () => {
    const amf = new SrvccAmf('AMF', new Trace());
    const key = kdf(KAMF, 0x7d, u32(0x2_17));
    const r = amf.directRequest(amf.handoverRequired(ue(), 'direct'));
    expect([toHex(r.ck), toHex(r.ik), r.ksi, toHex(r.ueSecurityCapabilities), r.dlCount]).toEqual([key.slice(0, 32), key.slice(32), 3, toHex(CAPS), 0x2_17]);
    const e = refusal(() => amf.directRequest(amf.handoverRequired(ue(), 'mme-derive')));
    expect([e.field, e.message]).toEqual(['variant', 'variant direct request needs the direct variant']);
    const noKsi = { ...amf.handoverRequired(ue(), 'direct'), ksiSrvcc: null } as AmfSrvccStep;
    expect(refusal(() => amf.directRequest(noKsi)).field).toBe('variant');
  });

  it('J.1: after a completed SRVCC the UE must be (re)authenticated before its 5G context is used again — per UE, until a successful authentication', () => {
    const trace = new Trace();
    const amf = new SrvccAmf('AMF', trace);
    const a = ue(3, 0, 0x501), b = ue(3, 0, 0x502);
    expect(amf.requiresReauthentication(a)).toBe(false);
    amf.handoverCompleted(a);
    expect([amf.requiresReauthentication(a), amf.requiresReauthentication(b)]).toEqual([true, false]);
    expect([trace.steps[0].from, trace.steps[0].event, trace.steps[0].clause]).toEqual(['AMF', 'SRVCC completed: the UE must be (re)authenticated before its 5G context is used again', 'TS 33.501 J.1']);
    amf.reauthenticated(a);
    expect(amf.requiresReauthentication(a)).toBe(false);
  });
});

describe('TS 33.501 J.1 step 3: MME_SRVCC — CKSRVCC ‖ IKSRVCC = TS 33.401 A.12(KASME_SRVCC, NAS downlink COUNT 0), eKSI → KSISRVCC', () => {
  it('mme-derive: A.12 with COUNT 0 (FC 0x1A), CK the first 16 octets, IK the last 16; traced towards the MSC server', () => {
    const trace = new Trace();
    const s = new SrvccAmf('AMF', trace).handoverRequired(ue(), 'mme-derive');
    const r = new MmeSrvcc(trace).psToCs(s);
    const k = kdf(s.kasmeSrvcc!, 0x1a, u32(0));
    expect([toHex(r.ck), toHex(r.ik), r.ksi, toHex(r.ueSecurityCapabilities), r.dlCount]).toEqual([k.slice(0, 32), k.slice(32), 3, toHex(CAPS), 0x2_17]);
    const t = trace.steps.at(-1)!;
    expect([t.from, t.to, t.event, t.clause]).toEqual(['MME', 'MSC server', 'Derives CKSRVCC ‖ IKSRVCC = TS 33.401 A.12(KASME_SRVCC, DL NAS COUNT 0); eKSI → KSISRVCC', 'TS 33.501 J.1 step 3, TS 33.401 A.12']);
    expect(t.values).toEqual({ kasmeSrvcc: toHex(s.kasmeSrvcc!), ck: toHex(r.ck), ik: toHex(r.ik), ksi: 3 });
  });

  it('mme-concat (draft): the received key split as CK ‖ IK; a direct-variant step is refused naming variant', () => {
    const trace = new Trace();
    const amf = new SrvccAmf('AMF', trace);
    const s = amf.handoverRequired(ue(), 'mme-concat');
    const r = new MmeSrvcc(trace).psToCs(s);
    expect([toHex(r.ck), toHex(r.ik)]).toEqual([toHex(s.kasmeSrvcc!.subarray(0, 16)), toHex(s.kasmeSrvcc!.subarray(16))]);
    expect([trace.steps.at(-1)!.event, trace.steps.at(-1)!.clause]).toEqual(['Treats the received key as CKSRVCC ‖ IKSRVCC (draft); eKSI → KSISRVCC', 'draft X.1.1 step 4 (seed 003)']);
    const e = refusal(() => new MmeSrvcc(trace).psToCs(amf.handoverRequired(ue(), 'direct')));
    expect([e.field, e.message]).toEqual(['variant', 'variant MME_SRVCC needs an MME variant']);
    expect(refusal(() => new MmeSrvcc(trace).psToCs({ ...s, eKsi: null })).field).toBe('variant');
  });
});

describe('J.1 "the MSC server should never know the KAMF": it accepts CK, IK, KSI and the UE security capability only', () => {
  const req = (): PsToCsRequest => ({ ck: new Uint8Array(16).fill(1), ik: new Uint8Array(16).fill(2), ksi: 4, ueSecurityCapabilities: CAPS.slice(), dlCount: 7 });

  it('stores copies of CK, IK and the capabilities with the KSI, answers the sender, traced with J.1', () => {
    const trace = new Trace();
    const msc = new MscServer(trace);
    const r = req();
    const c = msc.psToCsHandoverRequest('ue1', r, 'MME');
    r.ck.fill(0); r.ik.fill(0); r.ueSecurityCapabilities.fill(0); // the sender's buffers are the sender's
    expect([toHex(c.ck), toHex(c.ik), c.ksi, toHex(c.ueSecurityCapabilities)]).toEqual(['01'.repeat(16), '02'.repeat(16), 4, toHex(CAPS)]);
    expect(msc.contexts.get('ue1')).toBe(c);
    const t = trace.steps.at(-1)!;
    expect([t.from, t.to, t.clause, t.values]).toEqual(['MSC server', 'MME', 'TS 33.501 J.1', { ck: '01'.repeat(16), ik: '02'.repeat(16), ksi: 4 }]);
    expect(t.event).toBe('PS to CS HO request received; stores the mapped SRVCC context (CK, IK, KSISRVCC, UE security capability); PS to CS HO response');
  });

  it('refusals name the field: any other field (a KAMF above all), CK or IK not 16 octets, a KSI outside 0–6; nothing stored', () => {
    const msc = new MscServer(new Trace());
    const e = refusal(() => msc.psToCsHandoverRequest('ue1', { ...req(), kamf: KAMF } as PsToCsRequest, 'AMF'));
    expect([e.field, e.message]).toEqual(['kamf', 'kamf must not reach the MSC server (it receives CK, IK, KSI and the UE security capability only)']);
    for (const [field, bad] of [['ck', { ck: new Uint8Array(15) }], ['ik', { ik: new Uint8Array(32) }], ['ck', { ck: [...new Uint8Array(16)] }]] as const) {
      const f = refusal(() => msc.psToCsHandoverRequest('ue1', { ...req(), ...bad } as unknown as PsToCsRequest, 'MME'));
      expect([f.field, f.message]).toEqual([field, `${field} must be 16 bytes`]);
    }
    for (const ksi of [-1, 7, 2.5]) {
      const f = refusal(() => msc.psToCsHandoverRequest('ue1', { ...req(), ksi }, 'MME'));
      expect([f.field, f.message]).toEqual(['ksi', `ksi must be 0–6, got ${ksi}`]);
    }
    expect(msc.contexts.size).toBe(0);
    for (const ksi of [0, 6]) expect(msc.psToCsHandoverRequest('ue1', { ...req(), ksi }, 'MME').ksi).toBe(ksi);
  });

  it('J.1 step 5 / draft X.1.1: a handover that did not complete deletes the mapped context; the end of the call releases it; both traced', () => {
    const trace = new Trace();
    const msc = new MscServer(trace);
    msc.psToCsHandoverRequest('ue1', req(), 'MME');
    msc.psToCsHandoverRequest('ue2', req(), 'MME');
    msc.handoverFailed('ue1');
    expect([...msc.contexts.keys()]).toEqual(['ue2']);
    expect([trace.steps.at(-1)!.from, trace.steps.at(-1)!.event, trace.steps.at(-1)!.clause]).toEqual(['MSC server', 'SRVCC handover not completed: deletes the mapped SRVCC context (CKSRVCC, IKSRVCC, KSISRVCC)', 'TS 33.501 J.1 / draft X.1.1']);
    msc.callEnded('ue2');
    expect(msc.contexts.size).toBe(0);
    expect([trace.steps.at(-1)!.from, trace.steps.at(-1)!.event]).toEqual(['MSC server', 'CS call ended: releases the SRVCC security context']);
  });

  it('J.1: SRVCC from UTRAN back to 5G is not allowed — always refused with the reason, traced', () => {
    const trace = new Trace();
    const r = new MscServer(trace).srvccToNr('ue1');
    const reason = 'SRVCC from UTRAN to 5G is not allowed (TS 33.501 J.1); the UE returns by registering in 5GS with a new authentication';
    expect(r).toEqual({ ok: false, reason });
    const t = trace.steps.at(-1)!;
    expect([t.from, t.event, t.clause, t.values]).toEqual(['MSC server', `Refuses SRVCC back to 5G: ${reason}`, 'TS 33.501 J.1', { ue: 'ue1' }]);
  });
});
