// EAP-AKA′ key chain on the UE (issue 14): the firmware export derive_eap_aka_prime through the
// typed API and the CLI, checked against
//   - the RFC 5448 Appendix C test cases (tests/vectors/rfc5448-eap-aka-prime.json),
//   - TS 35.208 Test Set 19 (the RFC's cases 1 and 2 are its MILENAGE outputs),
//   - an independent node:crypto implementation (host/reference/eap-aka-prime.ts) on random inputs,
// plus its boundary: refused inputs change no memory, and no key byte stays in the module.
// No CLI runs here (the firmware mutation runner uses this file as a fast suite); the CLI contract
// is in tests/cli/eap-aka-prime-cli.test.ts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { instantiateSync } from '../../host/firmware/loader.js';
import { KeyDerivation } from '../../host/firmware/keys.js';
import { InputError } from '../../host/errors.js';
import { eapAkaPrimeRef, prfPrime } from '../../host/reference/eap-aka-prime.js';
import { hex, toHex, vectorCases, UE_FILE } from '../helpers.js';

const api = new KeyDerivation(instantiateSync(UE_FILE));
const rfc = vectorCases('rfc5448-eap-aka-prime.json');
const OUT_KEYS = ['ckPrime', 'ikPrime', 'kEncr', 'kAut', 'kRe', 'msk', 'emsk', 'kausf'] as const;
const hexAll = (r: Record<string, Uint8Array>) => Object.fromEntries(OUT_KEYS.map((k) => [k, toHex(r[k])]));

/** The RFC case's published outputs, plus KAUSF as TS 33.501 6.1.3.1 defines it from EMSK. */
function published(v: any): Record<string, string> {
  return { ckPrime: v.CK_prime, ikPrime: v.IK_prime, kEncr: v.K_encr, kAut: v.K_aut, kRe: v.K_re, msk: v.MSK, emsk: v.EMSK, kausf: v.EMSK.slice(0, 64) };
}

describe('RFC 5448 Appendix C test cases (official vectors)', () => {
  for (const v of rfc) {
    it(`RFC 5448 Appendix C ${v.id} (network name ${v.network_name}): CK′, IK′, K_encr, K_aut, K_re, MSK, EMSK; KAUSF = 256 MSB of EMSK`, () => {
      // TS 33.501 6.1.3.1: "the AUSF and the UE shall derive KAUSF as the 256 most significant bits of EMSK".
      const r = api.eapAkaPrime({ ck: hex(v.CK), ik: hex(v.IK), snn: v.network_name, sqnXorAk: hex(v.SQN_xor_AK), identity: v.Identity });
      expect(hexAll(r)).toEqual(published(v));
    });
    it(`${v.id}: the node:crypto reference reproduces the published values too (so it can be the oracle below)`, () => {
      const r = eapAkaPrimeRef(hex(v.CK), hex(v.IK), v.network_name, hex(v.SQN_xor_AK), v.Identity);
      expect(hexAll(r as any)).toEqual(published(v));
    });
  }
  it('cases 1 and 2 are TS 35.208 Test Set 19: RES = f2, CK = f3, IK = f4, AUTN = (SQN ⊕ f5) ‖ AMF ‖ f1 of the official set', () => {
    const ts19 = vectorCases('ts35208-milenage.json').find((c: any) => c.id === 'Test Set 19');
    for (const v of rfc.slice(0, 2)) {
      expect([v.RAND, v.RES, v.CK, v.IK]).toEqual([ts19.RAND, ts19.f2, ts19.f3, ts19.f4]);
      const sqnXorAk = hex(ts19.SQN).map((b: number, i: number) => b ^ hex(ts19.f5)[i]);
      expect(toHex(sqnXorAk) + ts19.AMF + ts19.f1).toBe(v.AUTN);
      expect(v.SQN_xor_AK).toBe(v.AUTN.slice(0, 12));
    }
  });
});

describe('PRF′ (RFC 9048 3.4.1) in the reference, against its definition written out with HMAC', () => {
  it('T1 = HMAC(K, S ‖ 0x01), T2 = HMAC(K, T1 ‖ S ‖ 0x02), output truncated to the length asked', () => {
    const k = Buffer.alloc(32, 7), s = Buffer.from("EAP-AKA'x");
    const t1 = createHmac('sha256', k).update(Buffer.concat([s, Buffer.of(1)])).digest();
    const t2 = createHmac('sha256', k).update(Buffer.concat([t1, s, Buffer.of(2)])).digest();
    expect(toHex(prfPrime(k, s, 40))).toBe(toHex(Buffer.concat([t1, t2.subarray(0, 8)])));
  });
});

describe('differential: firmware vs the independent node:crypto reference on random inputs', () => {
  const b16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
  const snn = fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), fc.constantFrom('5G:mnc093.mcc208.3gppnetwork.org'))
    .filter((s) => new TextEncoder().encode(s.normalize('NFKC')).length > 0);
  // Identity lengths cross the SHA-256 block boundaries of T(i-1) ‖ S ‖ i (32 + 8 + len + 1 octets).
  const identity = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 300 }),
    fc.string({ minLength: 1, maxLength: 100 }).filter((s) => s.length > 0),
    fc.stringMatching(/^0[0-9]{15}@nai\.5gc\.mnc0[0-9]{2}\.mcc[0-9]{3}\.3gppnetwork\.org$/));
  it('500 random (CK, IK, SNN, SQN ⊕ AK, identity): all eight outputs equal', () => {
    fc.assert(fc.property(b16, b16, snn, fc.uint8Array({ minLength: 6, maxLength: 6 }), identity, (ck, ik, s, x, id) => {
      expect(hexAll(api.eapAkaPrime({ ck, ik, snn: s, sqnXorAk: x, identity: id }))).toEqual(hexAll(eapAkaPrimeRef(ck, ik, s, x, id) as any));
    }), { numRuns: 500 });
  });
  it('identity lengths at every SHA-256 padding boundary (1, 14–16, 22–24, 78–80, 1024 octets)', () => {
    const ck = hex('11'.repeat(16)), ik = hex('22'.repeat(16)), x = hex('a0a0a0a0a0a0');
    for (const n of [1, 14, 15, 16, 22, 23, 24, 78, 79, 80, 1024]) {
      const id = new Uint8Array(n).map((_, i) => (i * 37 + n) & 0xff);
      expect(hexAll(api.eapAkaPrime({ ck, ik, snn: 'WLAN', sqnXorAk: x, identity: id })), `identity ${n} octets`).toEqual(hexAll(eapAkaPrimeRef(ck, ik, 'WLAN', x, id) as any));
    }
  });
});

describe('inputs: named errors on the host, status codes and no state change in the firmware', () => {
  const base = { ck: hex('5349fbe098649f948f5d2e973a81c00f'), ik: hex('9744871ad32bf9bbd1dd5ce54e3e2e5a'), snn: 'WLAN', sqnXorAk: hex('bb52e91c747a'), identity: '0555444333222111' };
  it.each([
    ['identity', { identity: '' }, 'identity must not be empty'],
    ['identity', { identity: new Uint8Array(0) }, 'identity must be 1–1024 bytes, got 0'],
    ['identity', { identity: 'x'.repeat(1025) }, 'identity must be at most 1024 bytes'],
    ['identity', { identity: 5 }, 'identity must be a Uint8Array'],
    ['snn', { snn: '' }, 'snn must not be empty'],
    ['ck', { ck: new Uint8Array(15) }, 'ck must be 16 bytes, got 15'],
    ['sqnXorAk', { sqnXorAk: new Uint8Array(7) }, 'sqnXorAk must be 6 bytes, got 7'],
  ])('a bad %s is an InputError naming it', (_field, patch, msg) => {
    let err: unknown;
    try { api.eapAkaPrime({ ...base, ...(patch as object) } as any); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(InputError);
    expect(String((err as Error).message)).toContain(msg);
  });
  it('raw export: identity or network name out of the mailbox → ERR_RANGE, empty → ERR_LENGTH; memory byte-identical after each', () => {
    const fw = instantiateSync(UE_FILE);
    const put = () => { fw.begin(); return { k: fw.put(new Uint8Array(32).fill(3)), s: fw.put(new TextEncoder().encode('WLAN')), x: fw.put(new Uint8Array(6)), i: fw.put(new TextEncoder().encode('id')) }; };
    const cases: Array<[string, (o: ReturnType<typeof put>) => number[], number]> = [
      ['identity past IO_IN', (o) => [o.k, o.s, 4, o.x, 4095, 2], 1],
      ['identity length wraps', (o) => [o.k, o.s, 4, o.x, o.i, 0xffffffff], 1],
      ['empty identity', (o) => [o.k, o.s, 4, o.x, o.i, 0], 2],
      ['empty network name', (o) => [o.k, o.s, 0, o.x, o.i, 2], 2],
      ['CK ‖ IK past IO_IN', (o) => [4090, o.s, 4, o.x, o.i, 2], 1],
    ];
    for (const [what, args, status] of cases) {
      const o = put();
      const before = fw.snapshot();
      expect(fw.tryCall('derive_eap_aka_prime', ...args(o)), what).toBe(status);
      expect(Buffer.from(fw.snapshot()).equals(Buffer.from(before)), `memory changed: ${what}`).toBe(true);
    }
    const o = put();
    expect(fw.tryCall('derive_eap_aka_prime', o.k, o.s, 4, o.x, o.i, 2)).toBe(0);
  });
  it('raw export (a C or emulator host that never clears the mailboxes): OUT holds CK′ ‖ IK′ ‖ MK and nothing past octet 240; TMP, KDF_S, HMAC_KEY, HMAC_WORK all zero', () => {
    const fw = instantiateSync(UE_FILE);
    const v = rfc[2];
    fw.begin();
    const k = fw.put(hex(v.CK + v.IK)), s = fw.put(new TextEncoder().encode(v.network_name)), x = fw.put(hex(v.SQN_xor_AK)), i = fw.put(new TextEncoder().encode(v.Identity));
    expect(fw.tryCall('derive_eap_aka_prime', k, s, v.network_name.length, x, i, v.Identity.length)).toBe(0);
    expect(toHex(fw.take(0, 240))).toBe(v.CK_prime + v.IK_prime + v.K_encr + v.K_aut + v.K_re + v.MSK + v.EMSK);
    const m = fw.snapshot(), out = fw.constant('IO_OUT_PTR');
    // T7's second half (PRF′ output past MK) is not key material anyone asked for: wiped.
    expect(m.subarray(out + 240, out + fw.constant('IO_OUT_LEN')).every((b) => b === 0), 'IO_OUT past 240').toBe(true);
    for (const region of ['TMP', 'KDF_S', 'HMAC_KEY', 'HMAC_WORK']) {
      const p = fw.constant(`${region}_PTR`);
      expect(m.subarray(p, p + fw.constant(`${region}_LEN`)).every((b) => b === 0), region).toBe(true);
    }
  });
});

describe('nothing secret stays in module memory (README "Secrets in module memory")', () => {
  /** Any 8-byte window of any secret in `image`. */
  const hit = (image: Uint8Array, secrets: Record<string, Uint8Array>): string | null => {
    const buf = Buffer.from(image);
    for (const [name, s] of Object.entries(secrets)) for (let i = 0; i + 8 <= s.length; i++) if (buf.indexOf(Buffer.from(s.subarray(i, i + 8))) >= 0) return `${name}[${i}..${i + 8})`;
    return null;
  };
  it('after an accepted call and after a call refused once the keys were in the mailbox: no CK, IK, CK′, IK′ or MK byte run', () => {
    const fw = instantiateSync(UE_FILE);
    const k = new KeyDerivation(fw);
    const ck = hex('0f1e2d3c4b5a69788796a5b4c3d2e1f0'), ik = hex('f1e2d3c4b5a6978879605a4b3c2d1e0f');
    const r = k.eapAkaPrime({ ck, ik, snn: '5G:mnc093.mcc208.3gppnetwork.org', sqnXorAk: hex('0102030405ff'), identity: 'imsi-208930000000001' });
    const secrets = { ck, ik, ...r };
    expect(hit(k.memoryImage(), secrets)).toBeNull();
    expect(() => k.eapAkaPrime({ ck, ik, snn: 'WLAN', sqnXorAk: hex('0102030405ff'), identity: '' })).toThrow(InputError);
    expect(hit(k.memoryImage(), secrets)).toBeNull();
    for (const region of ['IO_IN', 'IO_OUT', 'HMAC_KEY', 'KDF_S', 'TMP', 'HMAC_WORK']) {
      const p = fw.constant(`${region}_PTR`), n = fw.constant(`${region}_LEN`);
      expect(k.memoryImage().subarray(p, p + n).every((b) => b === 0), region).toBe(true);
    }
  });
});

// The peer's AT_MAC work in one export (eap_aka_prime_challenge; assembly/me/kdf/eap_aka_prime.ts
// eapAkaPrimeMacs). RFC 9048 3.4.2 (updating RFC 5448 3.4.2): "AT_MAC ... is calculated with
// HMAC-SHA-256-128" keyed with K_aut; RFC 4187 10.15: over the whole EAP packet "with the MAC
// field set to zero". TS 33.501 6.1.3.1: KAUSF = the 256 most significant bits of EMSK. Expected
// values: K_aut and EMSK as published in RFC 5448 Appendix C, the MACs by node:crypto HMAC.
// The export's contract (abi/derive.ts): OUT[0..16) = the response's MAC, OUT[16..48) = KAUSF,
// nothing else of the chain left anywhere; a request MAC that does not verify → STATUS_ERR_MAC
// (5), OUT all zeros — a rejected call changes no state.
describe('EAP-AKA′ challenge (RFC 9048 3.4.2 AT_MAC = HMAC-SHA-256-128 with K_aut; TS 33.501 6.1.3.1 KAUSF)', () => {
  const mac128 = (key: Uint8Array, m: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(m).digest().subarray(0, 16));
  /** An EAP packet of `n` octets (code, id, length, type 50, subtype 1, …) with its AT_MAC value
   *  (octets 12..28) zero, as the export takes it. */
  const packet = (code: number, n: number) => {
    const p = new Uint8Array(n).map((_, i) => (i * 29 + code * 7 + 1) & 0xff);
    p.set([code, 7, n >> 8, n & 0xff, 50, 1, 0, 0], 0); p.fill(0, 12, 28);
    return p;
  };
  /** Runs the raw export for RFC case `v`; returns its status, the memory before and after. */
  function run(v: any, req: Uint8Array, mac: Uint8Array, rsp: Uint8Array) {
    const fw = instantiateSync(UE_FILE);
    fw.begin();
    const k = fw.put(hex(v.CK + v.IK)), s = fw.put(new TextEncoder().encode(v.network_name)), x = fw.put(hex(v.SQN_xor_AK));
    const i = fw.put(new TextEncoder().encode(v.Identity)), r = fw.put(req), m = fw.put(mac), o = fw.put(rsp);
    const before = fw.snapshot();
    const st = fw.tryCall('eap_aka_prime_challenge', k, s, v.network_name.length, x, i, v.Identity.length, r, req.length, m, o, rsp.length);
    return { fw, st, before, after: fw.snapshot() };
  }
  for (const v of rfc) {
    it(`${v.id}: a request MACed with the published K_aut verifies; OUT = HMAC-SHA-256-128(K_aut, response) ‖ EMSK[0..32), nothing else of the chain anywhere`, () => {
      const req = packet(1, 60 + rfc.indexOf(v) * 17), rsp = packet(2, 40);
      const { fw, st, before, after } = run(v, req, mac128(hex(v.K_aut), req), rsp);
      expect(st).toBe(0);
      const out = fw.constant('IO_OUT_PTR'), outLen = fw.constant('IO_OUT_LEN');
      expect(toHex(after.subarray(out, out + 16))).toBe(toHex(mac128(hex(v.K_aut), rsp)));
      expect(toHex(after.subarray(out + 16, out + 48))).toBe(v.EMSK.slice(0, 64));
      // K_aut, MK, CK′ and IK′ never leave: IO_OUT past KAUSF and every scratch region are zero, and
      // no byte outside IO_OUT[0..48) differs from the page before the call.
      expect(after.subarray(out + 48, out + outLen).every((b) => b === 0), 'IO_OUT past octet 48').toBe(true);
      for (const region of ['TMP', 'KDF_S', 'HMAC_KEY', 'HMAC_WORK']) {
        const p = fw.constant(`${region}_PTR`);
        expect(after.subarray(p, p + fw.constant(`${region}_LEN`)).every((b) => b === 0), region).toBe(true);
      }
      const changed = [...after.keys()].filter((a) => after[a] !== before[a] && (a < out || a >= out + 48));
      expect(changed.map((a) => '0x' + a.toString(16)).slice(0, 4), 'bytes changed outside IO_OUT[0..48)').toEqual([]);
    });
  }
  it('a request whose AT_MAC does not verify (one bit flipped): STATUS_ERR_MAC and the whole page as before the call', () => {
    const v = rfc[1];
    const req = packet(1, 72), rsp = packet(2, 40), mac = mac128(hex(v.K_aut), req);
    mac[15] ^= 0x80;
    const { st, before, after } = run(v, req, mac, rsp);
    expect(st).toBe(5);
    const changed = [...after.keys()].filter((a) => after[a] !== before[a]);
    expect(changed.map((a) => '0x' + a.toString(16)).slice(0, 4), 'bytes changed by the refused call').toEqual([]);
  });
});
