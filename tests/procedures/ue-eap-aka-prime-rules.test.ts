// host/ue/ue-eap-aka-prime.ts rule by rule (the EAP-AKA′ peer: TS 33.501 6.1.3.1, RFC 9048, RFC 4187),
// without the UE device: a scripted USIM (the UsimCard interface) so each AUTHENTICATE outcome of
// TS 33.102 6.3.3 can be chosen and its arrays watched. Packets are written here octet by octet
// from the RFC 4187 8.1 / 10 layouts; AT_MAC, K_aut, KAUSF and KSEAF come from node:crypto
// (host/reference: HMAC-SHA-256 PRF′ and the TS 33.220 KDF), never from the code under test.
// tests/procedures/eap-aka-prime-procedure.test.ts runs the same peer end to end through UeDevice.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadSync } from '../../host/index.js';
import { InputError } from '../../host/errors.js';
import type { AuthResult } from '../../host/firmware/usim-module.js';
import { eapAkaPrimeRef } from '../../host/reference/eap-aka-prime.js';
import { ref } from '../../host/reference/kdf.js';
import { UeAka, type UsimCard } from '../../host/ue/ue-aka.js';
import { UeEapAkaPrime, suciNai } from '../../host/ue/ue-eap-aka-prime.js';

const kd = loadSync();
const SUPI = '001010000000001';
const SNN = '5G:mnc001.mcc001.3gppnetwork.org';
const ABBA = Uint8Array.of(0, 0);
const rnd = (n: number) => new Uint8Array(randomBytes(n));
const zero = (a: Uint8Array) => a.every((b) => b === 0);

// ---- RFC 4187 8.1: code, id, length(2), type 50, subtype, reserved(2), attributes
function packet(code: number, id: number, subtype: number, attrs: number[][], type = 50): Uint8Array {
  const body = attrs.flat(), len = 8 + body.length;
  return Uint8Array.of(code, id, len >> 8, len & 0xff, type, subtype, 0, 0, ...body);
}
const atFixed = (t: number, v: Uint8Array) => [t, 5, 0, 0, ...v]; // AT_RAND 1, AT_AUTN 2, AT_MAC 11 (RFC 4187 10.6, 10.7, 10.15)
const atKdf = (k: number) => [24, 1, k >> 8, k & 0xff];             // RFC 9048 3.2
function atKdfInput(name: string): number[] {                        // RFC 9048 3.1
  const b = [...Buffer.from(name, 'utf8')], pad = (4 - ((4 + b.length) % 4)) % 4;
  return [23, (4 + b.length + pad) / 4, b.length >> 8, b.length & 0xff, ...b, ...new Array(pad).fill(0)];
}
function attributes(p: Uint8Array): Array<[number, Uint8Array]> {
  const out: Array<[number, Uint8Array]> = [];
  for (let i = 8; i < p.length; i += p[i + 1] * 4) out.push([p[i], p.slice(i + 2, i + p[i + 1] * 4)]);
  return out;
}

/** A card whose AUTHENTICATE answers `next()`. */
const card = (next: () => AuthResult): UsimCard => ({ supi: SUPI, authenticate: () => next() });
const okResult = () => ({ kind: 'ok' as const, res: rnd(8), ck: rnd(16), ik: rnd(16) });
function peer(next: () => AuthResult = okResult, kdOver = kd) {
  const aka = new UeAka({ usim: card(next), kd: kdOver });
  return { aka, eap: new UeEapAkaPrime(aka, { mncDigits: () => 2 }) };
}

/** An EAP-Request/AKA′-Challenge for the card answer `r` (AT_MAC with K_aut from node:crypto). */
function challenge(r: { ck: Uint8Array; ik: Uint8Array }, o: { kdfs?: number[]; kdfInput?: string | null; amfBit?: 0 | 1; extra?: number[][]; omit?: number; id?: number } = {}) {
  const rand = rnd(16), autn = rnd(16);
  autn[6] = o.amfBit === 0 ? autn[6] & 0x7f : autn[6] | 0x80;
  const keys = eapAkaPrimeRef(r.ck, r.ik, SNN, autn.subarray(0, 6), SUPI);
  const attrs = [atFixed(1, rand), atFixed(2, autn), ...(o.kdfs ?? [1]).map(atKdf), ...(o.kdfInput === null ? [] : [atKdfInput(o.kdfInput ?? SNN)]), ...(o.extra ?? []), atFixed(11, new Uint8Array(16))]
    .filter((a) => a[0] !== o.omit);
  const eap = packet(1, o.id ?? 7, 1, attrs);
  const at = eap.length - 16;
  if (o.omit !== 11) eap.set(createHmac('sha256', keys.kAut).update(eap).digest().subarray(0, 16), at);
  return { eap, keys, rand, autn };
}

describe('SUCI in NAI form (TS 23.003 28.7.3; TS 33.501 Annex F.2)', () => {
  it('2- and 3-digit MNC; the routing indicator; a SUPI that is not 6..15 digits or an MNC length other than 2/3 → InputError naming the field', () => {
    expect(suciNai('001010000000001', 2)).toBe('type0.rid0.schid0.userid0000000001@5gc.mnc001.mcc001.3gppnetwork.org');
    expect(suciNai('310410123456789', 3, '12')).toBe('type0.rid12.schid0.userid123456789@5gc.mnc410.mcc310.3gppnetwork.org');
    for (const supi of ['12345', '1234567890123456', 'x00101000000001', '00101000000001x']) expect(() => suciNai(supi, 2)).toThrow(/^supi must be an IMSI of 6\.\.15 digits, got /);
    for (const n of [1, 4]) expect(() => suciNai(SUPI, n)).toThrow(new RegExp(`^mncDigits must be 2 or 3, got ${n}$`));
  });
});

describe('what the peer accepts (RFC 4187 8.1; TS 24.501 5.4.1.2.2)', () => {
  it('an AUTHENTICATION REQUEST carries an EAP-Request of type 50: another code or type → InputError naming "EAP code" / "EAP type"', () => {
    const { eap } = peer();
    expect(() => eap.handleRequest(packet(2, 1, 5, []), SNN)).toThrow(/^EAP code an AUTHENTICATION REQUEST carries an EAP-Request \(1\), got 2$/);
    expect(() => eap.handleRequest(packet(1, 1, 5, [], 23), SNN)).toThrow(/^EAP type must be 50 \(EAP-AKA′\), got 23$/);
  });
  it('a subtype the model does not handle (AKA-Notification, 12) → Client-Error code 0 saying so, not a challenge', () => {
    const a = peer().eap.handleRequest(packet(1, 4, 12, [atFixed(1, rnd(16))]), SNN);
    expect(a.outcome).toBe('client-error');
    expect(a.reason).toBe('subtype 12 is not modelled');
    expect([...a.eap]).toEqual([2, 4, 0, 12, 50, 14, 0, 0, 22, 1, 0, 0]); // AT_CLIENT_ERROR_CODE (22) = 0
  });
  it('EAP-Success: another code → InputError naming "EAP code"; without a successful challenge → InputError naming EAP-Success (TS 24.501 5.4.1.2.2.8)', () => {
    const { eap } = peer();
    expect(() => eap.handleSuccess(Uint8Array.of(4, 1, 0, 4), 1, ABBA, SNN)).toThrow(/^EAP code must be EAP-Success \(3\), got 4$/);
    expect(() => eap.handleSuccess(Uint8Array.of(3, 1, 0, 4), 1, ABBA, SNN)).toThrow(/^EAP-Success arrived without a successful EAP-AKA′ challenge/);
  });
});

describe('EAP-Request/AKA′-Challenge checks in the module\'s order (RFC 4187 6.3.1, RFC 9048 3.1/3.2)', () => {
  it('RFC 4187 6.3.1: a missing or malformed AT_RAND, AT_AUTN or AT_MAC, or an AT_KDF_INPUT whose length overruns → Client-Error code 0 naming the attribute', () => {
    const r = okResult();
    const cases: Array<[Uint8Array, RegExp]> = [
      [challenge(r, { omit: 1 }).eap, /^AT_RAND is missing/],
      [challenge(r, { omit: 2 }).eap, /^AT_AUTN is missing/],
      [challenge(r, { omit: 11 }).eap, /^AT_MAC is missing/],
      [packet(1, 7, 1, [[1, 4, 0, 0, ...rnd(12)], atFixed(2, rnd(16)), atKdf(1), atKdfInput(SNN), atFixed(11, rnd(16))]), /^AT_RAND must be 2 reserved \+ 16 octets/],
      [packet(1, 7, 1, [atFixed(1, rnd(16)), atFixed(2, rnd(16)), atKdf(1), [23, 2, 0, 9, 0x35, 0x47, 0, 0], atFixed(11, rnd(16))]), /^AT_KDF_INPUT actual length 9/],
    ];
    for (const [p, reason] of cases) {
      const a = peer(() => { throw new Error('the USIM must not be asked'); }).eap.handleRequest(p, SNN);
      expect([a.outcome, a.eap[5]]).toEqual(['client-error', 14]);
      expect(a.reason).toMatch(reason);
    }
  });
  it('RFC 9048 3.1/3.2: no AT_KDF_INPUT → Authentication-Reject for the missing name; no AT_KDF → Authentication-Reject for the missing KDF', () => {
    const r = okResult();
    const a = peer().eap.handleRequest(challenge(r, { kdfInput: null }).eap, SNN);
    expect([a.outcome, a.eap[5], a.reason]).toEqual(['authentication-reject', 2, 'AT_KDF_INPUT missing or empty (RFC 9048 3.1)']);
    const b = peer().eap.handleRequest(challenge(r, { kdfs: [] }).eap, SNN);
    expect([b.outcome, b.eap[5], b.reason]).toEqual(['authentication-reject', 2, 'no AT_KDF (RFC 9048 3.2)']);
    const c = peer().eap.handleRequest(challenge(r, { kdfs: [3, 2] }).eap, SNN);
    expect([c.outcome, c.reason]).toEqual(['authentication-reject', 'no supported KDF offered (AT_KDF 3, 2; RFC 9048 3.2)']);
  });
  it('RFC 9048 3.2 bidding-down protection: after negotiating from [2, 1] only [1, 2, 1] is accepted; [1], [1, 2], [1, 2, 3], [1, 2, 1, 5], [1, 3, 1], [2, 2, 1] → Authentication-Reject', () => {
    for (const kdfs of [[1], [1, 2], [1, 2, 3], [1, 2, 1, 5], [1, 3, 1], [2, 2, 1]]) {
      const r = okResult();
      const { eap } = peer(() => r);
      const n = eap.handleRequest(challenge(r, { kdfs: [2, 1] }).eap, SNN);
      expect([n.outcome, n.reason]).toEqual(['kdf-negotiation', 'AT_KDF 2 first; KDF 1 offered later: asked for it (RFC 9048 3.2)']);
      const a = eap.handleRequest(challenge(r, { kdfs }).eap, SNN);
      expect([kdfs, a.outcome, a.reason]).toEqual([kdfs, 'authentication-reject', `AT_KDF ${kdfs.join(', ')} after negotiating KDF 1 from 2, 1 (RFC 9048 3.2)`]);
      expect(eap.awaitingSuccess).toBe(false);
    }
    const r = okResult();
    const { eap } = peer(() => r);
    eap.handleRequest(challenge(r, { kdfs: [2, 1] }).eap, SNN);
    expect(eap.handleRequest(challenge(r, { kdfs: [1, 2, 1] }).eap, SNN).outcome).toBe('challenge');
  });
  it('RFC 9048 3.1: AT_KDF_INPUT other than the UE\'s serving network name → Authentication-Reject saying so', () => {
    const a = peer().eap.handleRequest(challenge(okResult(), { kdfInput: '5G:mnc002.mcc001.3gppnetwork.org' }).eap, SNN);
    expect([a.outcome, a.reason]).toEqual(['authentication-reject', 'AT_KDF_INPUT is not this UE\'s serving network name (RFC 9048 3.1)']);
  });
});

describe('the USIM\'s answer (TS 33.102 6.3.3) and the wipes', () => {
  it('MAC-A failure → Authentication-Reject; AMF separation bit 0 (TS 33.501 6.1.3.1) → Authentication-Reject with the card\'s RES, CK, IK zeroed; the bit is checked before the SQN', () => {
    const m = peer(() => ({ kind: 'mac-failure' })).eap.handleRequest(challenge(okResult()).eap, SNN);
    expect([m.outcome, m.reason]).toEqual(['authentication-reject', 'AUTN: MAC-A failure (RFC 4187 6.3.1)']);
    const r = okResult();
    const b = peer(() => r).eap.handleRequest(challenge(r, { amfBit: 0 }).eap, SNN);
    expect([b.outcome, b.reason]).toEqual(['authentication-reject', 'AUTN: AMF separation bit 0 (TS 33.501 6.1.3.1)']);
    expect([zero(r.res), zero(r.ck), zero(r.ik)]).toEqual([true, true, true]);
    const s = peer(() => ({ kind: 'sync-failure', auts: rnd(14) })).eap.handleRequest(challenge(okResult(), { amfBit: 0 }).eap, SNN);
    expect(s.outcome).toBe('authentication-reject');
  });
  it('RFC 4187 9.6: SQN not fresh → Synchronization-Failure with AT_AUTS and AT_KDF 1 (RFC 9048 3.2)', () => {
    const auts = rnd(14);
    const a = peer(() => ({ kind: 'sync-failure', auts })).eap.handleRequest(challenge(okResult(), { id: 9 }).eap, SNN);
    expect([a.outcome, a.reason, [...a.auts!]]).toEqual(['synchronization-failure', 'AUTN: SQN not fresh (RFC 4187 9.6)', [...auts]]);
    expect([a.eap[0], a.eap[1], a.eap[5]]).toEqual([2, 9, 4]);
    expect(attributes(a.eap).map(([t, v]) => [t, [...v]])).toEqual([[4, [...auts]], [24, [0, 1]]]);
  });
  it('a successful challenge: the answer\'s RES is the card\'s (a copy, kept after the card\'s arrays are wiped), KAUSF = EMSK[0..32) (node:crypto); changing the returned KAUSF does not change what EAP-Success derives from', () => {
    const r = okResult(), res = [...r.res];
    const { eap, aka } = peer(() => r);
    const c = challenge(r);
    const a = eap.handleRequest(c.eap, SNN);
    expect(a.outcome).toBe('challenge');
    expect([...a.res!]).toEqual(res);
    expect([...a.kausf!]).toEqual([...c.keys.kausf]);
    expect([zero(r.res), zero(r.ck), zero(r.ik)]).toEqual([true, true, true]); // "CK and IK are wiped after use"
    a.kausf!.fill(0);
    const p = eap.handleSuccess(Uint8Array.of(3, 7, 0, 4), 3, ABBA, SNN);
    const kseaf = ref.kseaf(c.keys.kausf, SNN);
    expect([[...p.kausf], [...p.kseaf], [...p.kamf!]]).toEqual([[...c.keys.kausf], [...kseaf], [...ref.kamf(kseaf, SUPI, ABBA)]]);
    expect(aka.pending!.ngKsi).toBe(3);
  });
  it('README "Secrets in module memory": after EAP-Success the ME module holds no 8 consecutive octets of KAUSF, KSEAF or KAMF', () => {
    const r = okResult();
    const { eap } = peer(() => r);
    const c = challenge(r);
    eap.handleRequest(c.eap, SNN);
    eap.handleSuccess(Uint8Array.of(3, 7, 0, 4), 1, ABBA, SNN);
    const img = Buffer.from(kd.memoryImage());
    const kseaf = ref.kseaf(c.keys.kausf, SNN);
    for (const key of [c.keys.kausf, kseaf, ref.kamf(kseaf, SUPI, ABBA)]) for (let i = 0; i + 8 <= key.length; i += 4) expect(img.indexOf(Buffer.from(key.subarray(i, i + 8)))).toBe(-1);
  });
  it('only a wrong AT_MAC becomes a Client-Error: a USIM answer the firmware refuses (CK of 15 octets) propagates as the firmware\'s InputError', () => {
    const r = { kind: 'ok' as const, res: rnd(8), ck: rnd(15), ik: rnd(16) };
    expect(() => peer(() => r).eap.handleRequest(challenge({ ck: rnd(16), ik: r.ik }).eap, SNN)).toThrow(InputError);
  });
});
