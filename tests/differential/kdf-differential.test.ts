// Differential: every derivation of the firmware against the independent node:crypto reference
// (host/reference/kdf.ts) on random inputs, 1,000 cases each, random lengths where the clause
// allows them. Plus the streaming SHA-256 split-point invariant.
import { describe, expect, it } from 'vitest';
import { UE_FILE } from '../helpers.js';
import fc from 'fast-check';
import { createHash, createHmac } from 'node:crypto';
import { instantiateSync } from '../../host/firmware/loader.js';
import { KeyDerivation } from '../../host/firmware/keys.js';
import { kdfRef, ref } from '../../host/reference/kdf.js';

const api = new KeyDerivation(instantiateSync(UE_FILE));
const RUNS = { numRuns: 1000 };
const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
const b16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const b6 = fc.uint8Array({ minLength: 6, maxLength: 6 });
const u32 = fc.nat({ max: 0xffffffff });
// Serving network names and SUPIs: printable strings of any length the mailbox allows, including
// non-ASCII (UTF-8 after NFKC, TS 33.220 B.2.1.2).
const snn = fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), fc.constantFrom('5G:mnc001.mcc001.3gppnetwork.org'))
  .filter((s) => new TextEncoder().encode(s.normalize('NFKC')).length > 0);
const eq = (a: Uint8Array, b: Uint8Array): void => { expect(Buffer.from(a).toString("hex")).toBe(Buffer.from(b).toString("hex")); };

describe('generic KDF vs node:crypto', () => {
  it('random key length, FC and parameter lists', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 100 }), fc.nat({ max: 255 }),
      fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { maxLength: 8 }),
      (k, code, params) => eq(api.kdf(k, code, params), kdfRef(k, code, params))), RUNS);
  });
  it('keys longer than a SHA-256 block are hashed first (RFC 2104)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 65, maxLength: 300 }), fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 3 }),
      (k, params) => eq(api.kdf(k, 0x6a, params), kdfRef(k, 0x6a, params))), { numRuns: 200 });
  });
});

describe('TS 33.501 Annex A vs node:crypto', () => {
  it('A.2 KAUSF', () => fc.assert(fc.property(b16, b16, snn, b6, (ck, ik, s, x) => eq(api.kausf({ ck, ik, snn: s, sqnXorAk: x }), ref.kausf(ck, ik, s, x))), RUNS));
  it('A.3 CK′/IK′', () => fc.assert(fc.property(b16, b16, snn, b6, (ck, ik, s, x) => {
    const a = api.ckIkPrime({ ck, ik, snn: s, sqnXorAk: x }), b = ref.ckIkPrime(ck, ik, s, x);
    eq(a.ckPrime, b.ckPrime); eq(a.ikPrime, b.ikPrime);
  }), RUNS));
  it('A.4 RES* (RES 4–16 octets)', () => fc.assert(fc.property(b16, b16, snn, b16, fc.uint8Array({ minLength: 4, maxLength: 16 }),
    (ck, ik, s, rand, res) => eq(api.resStar({ ck, ik, snn: s, rand, res }), ref.resStar(ck, ik, s, rand, res))), RUNS));
  it('A.5 HRES*', () => fc.assert(fc.property(b16, b16, (rand, rs) => eq(api.hresStar({ rand, resStar: rs }), ref.hresStar(rand, rs))), RUNS));
  it('A.6 KSEAF', () => fc.assert(fc.property(key, snn, (k, s) => eq(api.kseaf({ kausf: k, snn: s }), ref.kseaf(k, s))), RUNS));
  it('A.7 KAMF (IMSI digits or NAI, ABBA of any length ≥ 2)', () => fc.assert(fc.property(key,
    fc.oneof(fc.stringMatching(/^[0-9]{5,15}$/), fc.emailAddress()), fc.uint8Array({ minLength: 2, maxLength: 64 }),
    (k, supi, abba) => eq(api.kamf({ kseaf: k, supi, abba }), ref.kamf(k, supi, abba))), RUNS));
  it('A.7 KAMF strips the imsi-/nai- SUPI type prefix', () => fc.assert(fc.property(key, fc.stringMatching(/^[0-9]{15}$/),
    (k, digits) => eq(api.kamf({ kseaf: k, supi: `imsi-${digits}`, abba: new Uint8Array(2) }), ref.kamf(k, digits, new Uint8Array(2)))), { numRuns: 100 }));
  it('A.8 algorithm keys', () => fc.assert(fc.property(key, fc.integer({ min: 1, max: 6 }), fc.nat({ max: 15 }),
    (k, d, alg) => eq(api.algKey({ key: k, distinguisher: d, algId: alg }), ref.algKey(k, d, alg))), RUNS));
  it('A.8 NAS key pair', () => fc.assert(fc.property(key, fc.nat({ max: 15 }), fc.nat({ max: 15 }), (k, nea, nia) => {
    const a = api.nasKeys({ kamf: k, nea, nia }), b = ref.nasKeys(k, nea, nia);
    eq(a.knasenc, b.knasenc); eq(a.knasint, b.knasint);
  }), RUNS));
  it('A.9 KgNB / KN3IWF', () => fc.assert(fc.property(key, u32, fc.constantFrom<'3gpp' | 'non3gpp'>('3gpp', 'non3gpp'),
    (k, c, acc) => eq(api.kgnb({ kamf: k, ulCount: c, access: acc }), ref.kgnb(k, c, acc === '3gpp' ? 1 : 2))), RUNS));
  it('A.10 NH', () => fc.assert(fc.property(key, key, (k, s) => eq(api.nh({ kamf: k, sync: s }), ref.nh(k, s))), RUNS));
  it('A.11 KNG-RAN* (gNB)', () => fc.assert(fc.property(key, fc.nat({ max: 1007 }), fc.nat({ max: 3279165 }),
    (k, pci, arfcn) => eq(api.kngRanStar({ key: k, target: 'gnb', pci, arfcnDl: arfcn }), ref.kngRanStar(k, 'gnb', pci, arfcn))), RUNS));
  it('A.12 KNG-RAN* (ng-eNB)', () => fc.assert(fc.property(key, fc.nat({ max: 503 }), fc.nat({ max: 262143 }),
    (k, pci, arfcn) => eq(api.kngRanStar({ key: k, target: 'ng-enb', pci, arfcnDl: arfcn }), ref.kngRanStar(k, 'ng-enb', pci, arfcn))), RUNS));
  it('A.13 KAMF′', () => fc.assert(fc.property(key, fc.nat({ max: 1 }), u32,
    (k, d, c) => eq(api.kamfPrime({ kamf: k, direction: d, count: c }), ref.kamfPrime(k, d, c))), RUNS));
  it('A.14.1/A.14.2 K′ASME', () => fc.assert(fc.property(key, fc.constantFrom<'idle' | 'ho'>('idle', 'ho'), u32,
    (k, m, c) => eq(api.kasmePrime({ kamf: k, mode: m, count: c }), ref.kasmePrime(k, m, c))), RUNS));
  it('A.15.1 K′AMF (idle)', () => fc.assert(fc.property(key, u32, (k, c) => eq(api.kamfFromKasmeIdle({ kasme: k, ulCount: c }), ref.kamfFromKasmeIdle(k, c))), RUNS));
  it('A.15.2 K′AMF (handover)', () => fc.assert(fc.property(key, key, (k, nh) => eq(api.kamfFromKasmeHo({ kasme: k, nh }), ref.kamfFromKasmeHo(k, nh))), RUNS));
  it('A.16 KSN', () => fc.assert(fc.property(key, fc.nat({ max: 0xffff }), (k, c) => eq(api.ksn({ key: k, snCounter: c }), ref.ksn(k, c))), RUNS));
  it('A.21 KASME_SRVCC', () => fc.assert(fc.property(key, u32, (k, c) => eq(api.kasmeSrvcc({ kamf: k, dlCount: c }), ref.kasmeSrvcc(k, c))), RUNS));
});

describe('TS 33.401 Annex A vs node:crypto', () => {
  it('A.2 KASME', () => fc.assert(fc.property(b16, b16, fc.uint8Array({ minLength: 3, maxLength: 3 }), b6,
    (ck, ik, sn, x) => eq(api.kasme({ ck, ik, snId: sn, sqnXorAk: x }), ref.kasme(ck, ik, sn, x))), RUNS));
  it('A.3 KeNB', () => fc.assert(fc.property(key, u32, (k, c) => eq(api.kenb({ kasme: k, ulCount: c }), ref.kenb(k, c))), RUNS));
  it('A.4 NH', () => fc.assert(fc.property(key, key, (k, s) => eq(api.nhEps({ kasme: k, sync: s }), ref.nhEps(k, s))), RUNS));
  it('A.5 KeNB* (2- and 3-octet EARFCN)', () => fc.assert(fc.property(key, fc.nat({ max: 503 }), fc.nat({ max: 262143 }),
    (k, pci, e) => eq(api.kenbStar({ key: k, pci, earfcnDl: e }), ref.kenbStar(k, pci, e))), RUNS));
  it('A.7 algorithm keys', () => fc.assert(fc.property(key, fc.integer({ min: 1, max: 6 }), fc.nat({ max: 15 }),
    (k, d, alg) => eq(api.epsAlgKey({ key: k, distinguisher: d, algId: alg }), ref.epsAlgKey(k, d, alg))), RUNS));
  it('A.12 CKSRVCC ‖ IKSRVCC', () => fc.assert(fc.property(key, u32, (k, c) => {
    const a = api.ckIkSrvcc({ kasme: k, dlCount: c }), b = ref.ckIkSrvcc(k, c);
    eq(a.ck, b.ck); eq(a.ik, b.ik);
  }), RUNS));
  it('A.19 S-KgNB', () => fc.assert(fc.property(key, fc.nat({ max: 0xffff }), (k, c) => eq(api.sKgnb({ kenb: k, scgCounter: c }), ref.sKgnb(k, c))), RUNS));
});

describe('SHA-256 and HMAC vs node:crypto', () => {
  const msg = Uint8Array.from({ length: 200 }, (_, i) => (i * 131 + 7) & 0xff);
  const want = createHash('sha256').update(msg).digest('hex');
  it('streaming equals one-shot at every split point of a 200-byte input', () => {
    for (let i = 0; i <= 200; i++) {
      const s = api.sha256Stream();
      s.update(msg.subarray(0, i)); s.update(msg.subarray(i));
      expect(Buffer.from(s.digest()).toString('hex'), `split at ${i}`).toBe(want);
    }
  });
  it('streaming equals one-shot at every pair of split points (three pieces, partial blocks pending)', () => {
    for (let i = 0; i <= 200; i += 3) for (let j = i; j <= 200; j += 7) {
      const s = api.sha256Stream();
      s.update(msg.subarray(0, i)); s.update(msg.subarray(i, j)); s.update(msg.subarray(j));
      expect(Buffer.from(s.digest()).toString('hex'), `splits at ${i}, ${j}`).toBe(want);
    }
  });
  it('one-shot on random lengths 0–4096', () => fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }),
    (m) => { expect(Buffer.from(api.sha256(m)).toString('hex')).toBe(createHash('sha256').update(m).digest('hex')); }), { numRuns: 300 }));
  it('HMAC with alternating keys (the pad cache never serves a stale key)', () => fc.assert(fc.property(
    fc.array(fc.tuple(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 200 })), { minLength: 1, maxLength: 6 }),
    (pairs) => { for (const [k, m] of pairs) eq(api.hmacSha256(k, m), kdfRefHmac(k, m)); }), RUNS));
});

const kdfRefHmac = (k: Uint8Array, m: Uint8Array) => new Uint8Array(createHmac('sha256', k).update(m).digest());
