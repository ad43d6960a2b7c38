// host/ue/ue-eps-aka.ts rule by rule (EPS AKA on the UE, TS 33.401 6.1.1; TS 24.301 5.4.2, 8.2.7),
// with a scripted USIM so each AUTHENTICATE outcome (TS 33.102 6.3.3) can be chosen and the
// arrays the card hands over can be watched. KASME is checked against node:crypto (TS 33.401 A.2
// with the TS 33.220 B.2 KDF), never against the code under test.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadSync } from '../../host/index.js';
import type { AuthResult } from '../../host/firmware/usim-module.js';
import type { UeDevice } from '../../host/ue/ue-device.js';
import { EPS_MT_AKA, UeEpsAka } from '../../host/ue/ue-eps-aka.js';

const kd = loadSync();
const SN_ID = Uint8Array.of(0x00, 0xf1, 0x10); // PLMN 001/01 (TS 24.301 9.9.3.32 coding)
const rnd = (n: number) => new Uint8Array(randomBytes(n));
const zero = (a: Uint8Array) => a.every((b) => b === 0);

/** TS 33.401 A.2: KASME = HMAC-SHA-256(CK ‖ IK, FC 0x10 ‖ SN id ‖ 0x0003 ‖ SQN⊕AK ‖ 0x0006). */
function kasmeRef(ck: Uint8Array, ik: Uint8Array, snId: Uint8Array, sqnXorAk: Uint8Array): Uint8Array {
  const s = Buffer.concat([Buffer.of(0x10), snId, Buffer.of(0, 3), sqnXorAk, Buffer.of(0, 6)]);
  return new Uint8Array(createHmac('sha256', Buffer.concat([ck, ik])).update(s).digest());
}

/** A UE with a scripted card: records the RAND/AUTN given to AUTHENTICATE and the wipe_scratch calls. */
function ueWith(next: () => AuthResult) {
  const seen: { rand: Uint8Array; autn: Uint8Array }[] = [];
  let wipes = 0;
  const keys = { kasme: (a: Parameters<typeof kd.kasme>[0]) => kd.kasme(a), wipeScratch: () => { wipes++; kd.wipeScratch(); } };
  const ue = { usim: { supi: '001010123456789', authenticate: (rand: Uint8Array, autn: Uint8Array) => { seen.push({ rand: rand.slice(), autn: autn.slice() }); return next(); } }, fw: { keys } };
  return { aka: new UeEpsAka(ue as unknown as UeDevice, SN_ID), seen, wipes: () => wipes };
}
/** EMM AUTHENTICATION REQUEST (TS 24.301 8.2.7): PD 7, MT 0x52, NAS KSI (low half octet), RAND, AUTN as LV. */
function request(opts: { ksiOctet?: number; amfBit?: 0 | 1 } = {}) {
  const rand = rnd(16), autn = rnd(16);
  autn[6] = opts.amfBit === 0 ? autn[6] & 0x7f : autn[6] | 0x80;
  return { rand, autn, bytes: Uint8Array.of(0x07, EPS_MT_AKA.AUTHENTICATION_REQUEST, opts.ksiOctet ?? 0x02, ...rand, 16, ...autn) };
}
const ok = () => ({ kind: 'ok' as const, res: rnd(8), ck: rnd(16), ik: rnd(16) });

describe('EMM AUTHENTICATION REQUEST format (TS 24.301 8.2.7; AUTN an LV of 16 octets, 9.9.3.2)', () => {
  it('a 36-octet request is accepted; a shorter one, another PD or message type, or an AUTN length other than 16 → AUTHENTICATION FAILURE #96 "invalid mandatory information", the USIM not asked', () => {
    const t = ueWith(ok);
    const { bytes } = request();
    expect(bytes.length).toBe(36);
    const bad = [bytes.slice(0, 35), Uint8Array.of(0x17, ...bytes.subarray(1)), Uint8Array.of(0x07, EPS_MT_AKA.AUTHENTICATION_RESPONSE, ...bytes.subarray(2)),
      Uint8Array.of(...bytes.subarray(0, 19), 15, ...bytes.subarray(20))];
    for (const b of bad) expect([...t.aka.authenticationRequest(b)]).toEqual([0x07, EPS_MT_AKA.AUTHENTICATION_FAILURE, 96]);
    expect(t.seen).toHaveLength(0);
    expect(t.aka.authenticationRequest(bytes)[1]).toBe(EPS_MT_AKA.AUTHENTICATION_RESPONSE);
    expect(t.seen).toHaveLength(1);
  });
  it('RAND is octets 4–19 and AUTN the 16 octets after its length octet; the eKSI is the low half octet (the high half is spare)', () => {
    const t = ueWith(ok);
    const r = request({ ksiOctet: 0xf5 });
    t.aka.authenticationRequest(r.bytes);
    expect([[...t.seen[0].rand], [...t.seen[0].autn]]).toEqual([[...r.rand], [...r.autn]]);
    expect(t.aka.context!.eKsi).toBe(5);
  });
});

describe('EPS AKA outcomes (TS 24.301 5.4.2.6, TS 33.401 6.1.1/6.1.2)', () => {
  it('success: AUTHENTICATION RESPONSE = PD 7, 0x53, RES as LV; KASME = TS 33.401 A.2 (node:crypto); CK, IK and RES wiped; the firmware scratch wiped', () => {
    const r = ok(), want = { res: [...r.res], kasme: [] as number[] };
    const t = ueWith(() => r);
    const q = request();
    want.kasme = [...kasmeRef(r.ck, r.ik, SN_ID, q.autn.subarray(0, 6))];
    const out = t.aka.authenticationRequest(q.bytes);
    expect([...out]).toEqual([0x07, 0x53, 8, ...want.res]);
    expect([...t.aka.context!.kasme]).toEqual(want.kasme);
    expect(t.aka.context!.eKsi).toBe(2);
    expect([zero(r.ck), zero(r.ik), zero(r.res)]).toEqual([true, true, true]);
    expect(t.wipes()).toBe(1);
  });
  it('a new EPS AKA replaces the context and zeroes the old KASME (retired keys are zeroed)', () => {
    const t = ueWith(ok);
    t.aka.authenticationRequest(request().bytes);
    const old = t.aka.context!.kasme;
    expect(zero(old)).toBe(false);
    t.aka.authenticationRequest(request({ ksiOctet: 3 }).bytes);
    expect(zero(old)).toBe(true);
    expect(t.aka.context!.eKsi).toBe(3);
  });
  it('MAC failure → #20; AMF separation bit 0 → #26 "non-EPS authentication unacceptable" with CK, IK, RES wiped; synch failure → #21 with AUTS (IEI 0x30, TS 24.301 8.2.5); no context in each case', () => {
    expect([...ueWith(() => ({ kind: 'mac-failure' })).aka.authenticationRequest(request().bytes)]).toEqual([0x07, 0x5c, 20]);
    const r = ok();
    const t = ueWith(() => r);
    expect([...t.aka.authenticationRequest(request({ amfBit: 0 }).bytes)]).toEqual([0x07, 0x5c, 26]);
    expect([zero(r.ck), zero(r.ik), zero(r.res), t.aka.context]).toEqual([true, true, true, null]);
    const auts = rnd(14);
    const s = ueWith(() => ({ kind: 'sync-failure', auts }));
    expect([...s.aka.authenticationRequest(request().bytes)]).toEqual([0x07, 0x5c, 21, 0x30, 14, ...auts]);
    expect(s.aka.context).toBeNull();
    // the separation bit is checked before synchronisation (the module's order)
    expect([...s.aka.authenticationRequest(request({ amfBit: 0 }).bytes)]).toEqual([0x07, 0x5c, 26]);
  });
});
