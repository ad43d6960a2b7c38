// SUCI protection schemes Profile A (X25519) and Profile B (P-256), TS 33.501 Annex C.3, host-side
// (host/network/suci-profiles.ts, node:crypto), checked against
//   - the implementers' test data of Annex C.4.3.1 / C.4.4.1 (tests/vectors/suci-ts33501-annexC4.json),
//     on the UE side (published ephemeral key → published scheme output) and the SIDF side (back to the MSIN),
//   - node:crypto's own X25519 / P-256 ECDH for the published shared keys,
//   - round trips with random home network and ephemeral keys (fast-check),
// plus the SIDF's refusals: a MAC tag that does not verify, lengths, scheme mismatch, bad points,
// key files of the wrong curve — each an error naming the field and carrying no key bytes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createECDH, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, ECDH } from 'node:crypto';
import { inspect } from 'node:util';
import {
  concealSupi, deconcealSuci, homeNetworkPublicKey, loadHomeNetworkKey, SuciMacError,
  type ConcealedSuci, type HomeNetworkKey,
} from '../../host/network/suci-profiles.js';
import { suciNullScheme } from '../../host/nas/identity.js';
import { InputError } from '../../host/errors.js';
import { hex, toHex, vectorCases } from '../helpers.js';

const C4 = vectorCases('suci-ts33501-annexC4.json');
const A = C4.find((v: any) => v.scheme === 1), B = C4.find((v: any) => v.scheme === 2);

/** The published case as a ConcealedSuci (routing indicator and key id are not in C.4: 0 and 0). */
function publishedSuci(v: any, schemeOutput = hex(v.scheme_output)): ConcealedSuci {
  return { scheme: v.scheme, hnKeyId: 0, mcc: v.mcc, mnc: v.mnc, routingIndicator: '0', schemeOutput };
}
const hnKeyOf = (v: any): HomeNetworkKey => loadHomeNetworkKey(v.home_network_private_key, v.scheme);
/** An error's text and every field it keeps, for the "no key bytes" checks. */
const errorText = (f: () => unknown): string => {
  try { f(); } catch (e: any) { return `${e.message} ${e.field ?? ''} ${JSON.stringify(e.value ?? '')}`; }
  throw new Error('expected an error');
};

describe('TS 33.501 C.4 implementers\' test data (official vectors)', () => {
  it('the set holds both IMSI-based cases, Profile A (scheme 1) and Profile B (scheme 2)', () => {
    expect(C4.map((v: any) => v.id)).toEqual(['C.4.3.1 Profile A', 'C.4.4.1 Profile B']);
  });
  it('the published shared keys are X25519 / P-256 ECDH of the published keys (node:crypto, not the code under test)', () => {
    const x = (d: string) => createPrivateKey({ key: Buffer.from('302e020100300506032b656e04220420' + d, 'hex'), format: 'der', type: 'pkcs8' });
    const xPub = (p: string) => createPublicKey({ key: Buffer.from('302a300506032b656e032100' + p, 'hex'), format: 'der', type: 'spki' });
    expect(diffieHellman({ privateKey: x(A.eph_private_key), publicKey: xPub(A.home_network_public_key) }).toString('hex')).toBe(A.eph_shared_key);
    const p = ECDHFromPrivate(B.eph_private_key);
    expect(p.computeSecret(hex(B.home_network_public_key_compressed)).toString('hex')).toBe(B.eph_shared_key);
    expect(ECDHFromPrivate(B.home_network_private_key).computeSecret(hex(B.eph_public_key)).toString('hex')).toBe(B.eph_shared_key);
  });
  it('scheme input = the MSIN in packed BCD as in the 5GS mobile identity (C.3.1; C.4.2.1 null scheme: input 00012080F6 = output)', () => {
    // 274 012 001002086 with a 3-digit MNC: the null-scheme SUCI's scheme output is the scheme input of C.4.3.1/C.4.4.1
    expect(toHex(suciNullScheme('274012001002086', 3).subarray(8))).toBe(A.scheme_input);
    expect(B.scheme_input).toBe(A.scheme_input);
  });

  for (const v of [A, B]) {
    const name = v.scheme === 1 ? 'Profile A (X25519)' : 'Profile B (P-256)';
    it(`C.4 ${name}: the home network public key derived from the private key is the published one${v.scheme === 2 ? ' (compressed form)' : ''}`, () => {
      expect(toHex(hnKeyOf(v).publicKey)).toBe(v.scheme === 1 ? v.home_network_public_key : v.home_network_public_key_compressed);
    });
    it(`C.4 ${name}, UE side (C.3.2): the published ephemeral private key conceals MSIN 001002086 to the published scheme output = eph. public key ‖ ciphertext ‖ MAC tag`, () => {
      const pub = v.scheme === 1 ? v.home_network_public_key : v.home_network_public_key_uncompressed;
      const s = concealSupi('274012001002086', { scheme: v.scheme, hnKeyId: 0, publicKey: hex(pub) }, hex(v.eph_private_key), { mncDigits: 3 });
      expect(toHex(s.schemeOutput)).toBe(v.scheme_output);
      expect(toHex(s.schemeOutput)).toBe(v.eph_public_key + v.ciphertext + v.mac_tag);
      expect(s).toMatchObject({ scheme: v.scheme, hnKeyId: 0, mcc: '274', mnc: '012', routingIndicator: '0' });
    });
    it(`C.4 ${name}, SIDF side (C.3.3): the published scheme output deconceals with the home network private key to MSIN 001002086, SUPI 274012001002086`, () => {
      expect(deconcealSuci(publishedSuci(v), hnKeyOf(v))).toEqual({ supi: '274012001002086', msin: '001002086' });
    });
    it(`C.4 ${name}: a flipped bit anywhere in ciphertext or MAC tag → SuciMacError ("MAC tag does not verify"), nothing deciphered`, () => {
      const out = hex(v.scheme_output), eph = v.eph_public_key.length / 2;
      for (let i = eph; i < out.length; i++) for (const bit of [0x01, 0x80]) {
        const bad = out.slice(); bad[i] ^= bit;
        expect(() => deconcealSuci(publishedSuci(v, bad), hnKeyOf(v)), `octet ${i} bit ${bit}`).toThrow(SuciMacError);
      }
      expect(errorText(() => { const bad = out.slice(); bad[out.length - 1] ^= 1; deconcealSuci(publishedSuci(v, bad), hnKeyOf(v)); }))
        .toMatch(/^schemeOutput MAC tag does not verify/);
    });
    it(`C.4 ${name}: another home network private key of the same profile → SuciMacError (the shared secret differs, so does MK)`, () => {
      const other = v.scheme === 1 ? generateKeyPairSync('x25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const pem = other.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
      expect(() => deconcealSuci(publishedSuci(v), loadHomeNetworkKey(pem, v.scheme))).toThrow(SuciMacError);
    });
  }
});

/** A node:crypto ECDH object on P-256 from a hex private scalar (test oracle only). */
function ECDHFromPrivate(d: string) {
  const e = createECDH('prime256v1');
  e.setPrivateKey(Buffer.from(d, 'hex'));
  return e;
}

describe('round trips with random keys (UE conceals with the public key, SIDF deconceals with the private key)', () => {
  const mcc = fc.stringMatching(/^[0-9]{3}$/), mncDigits = fc.constantFrom(2 as const, 3 as const);
  const imsi = fc.tuple(mcc, mncDigits, fc.integer({ min: 1, max: 10 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 12 }))
    .map(([c, m, len, ds]) => ({ supi: (c + ds.join('')).slice(0, 3 + m + Math.min(len, 12 - m)), mncDigits: m }));
  const ri = fc.stringMatching(/^[0-9]{1,4}$/);
  for (const scheme of [1, 2] as const) {
    it(`Profile ${scheme === 1 ? 'A' : 'B'}: SUPI (MNC 2/3 digits, MSIN 1..10 digits, odd and even), routing indicator, key id survive conceal → deconceal; PEM and hex keys alike`, () => {
      const pair = scheme === 1 ? generateKeyPairSync('x25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
      const jwk = pair.privateKey.export({ format: 'jwk' });
      const key = loadHomeNetworkKey(pem, scheme), keyHex = loadHomeNetworkKey(Buffer.from(jwk.d!, 'base64url').toString('hex'), scheme);
      expect(toHex(keyHex.publicKey)).toBe(toHex(key.publicKey));
      fc.assert(fc.property(imsi, ri, fc.integer({ min: 0, max: 255 }), ({ supi, mncDigits: m }, r, id) => {
        const s = concealSupi(supi, homeNetworkPublicKey(key, id), undefined, { mncDigits: m, routingIndicator: r });
        expect(s.schemeOutput.length).toBe((scheme === 1 ? 32 : 33) + Math.ceil((supi.length - 3 - m) / 2) + 8);
        expect(s).toMatchObject({ scheme, hnKeyId: id, mcc: supi.slice(0, 3), mnc: supi.slice(3, 3 + m), routingIndicator: r });
        expect(deconcealSuci(s, keyHex)).toEqual({ supi, msin: supi.slice(3 + m) });
      }), { numRuns: 150 });
    });
    it(`Profile ${scheme === 1 ? 'A' : 'B'}: every SUCI is fresh (TS 33.501 6.12.2: a fresh ephemeral key each time) — two concealments of one SUPI share no ephemeral key or ciphertext`, () => {
      const key = loadHomeNetworkKey(scheme === 1 ? A.home_network_private_key : B.home_network_private_key, scheme);
      const a = concealSupi('001010123456789', homeNetworkPublicKey(key, 1)), b = concealSupi('001010123456789', homeNetworkPublicKey(key, 1));
      expect(toHex(a.schemeOutput.subarray(0, 32))).not.toBe(toHex(b.schemeOutput.subarray(0, 32)));
      expect(deconcealSuci(a, key).supi).toBe('001010123456789');
      expect(deconcealSuci(b, key).supi).toBe('001010123456789');
    });
  }
  it('Profile B ephemeral public key in the scheme output is always compressed (C.3.4.2: 02/03 ‖ x, 33 octets)', () => {
    const key = hnKeyOf(B);
    for (let i = 0; i < 20; i++) expect([2, 3]).toContain(concealSupi('001010123456789', homeNetworkPublicKey(key, 0)).schemeOutput[0]);
  });
});

describe('malformed input → an InputError naming the field, never key bytes', () => {
  const keyA = () => hnKeyOf(A), keyB = () => hnKeyOf(B);
  it('scheme mismatch: a Profile A SUCI with a Profile B key (and back) → "scheme is 1 (Profile A) but the home network key is for scheme 2"', () => {
    expect(() => deconcealSuci(publishedSuci(A), keyB())).toThrow(/^scheme is 1 \(Profile A\) but the home network key is for scheme 2 \(Profile B\)/);
    expect(() => deconcealSuci(publishedSuci(B), keyA())).toThrow(/^scheme is 2 \(Profile B\) but the home network key is for scheme 1/);
    expect(() => deconcealSuci({ ...publishedSuci(A), scheme: 0 as any }, keyA())).toThrow(/^scheme must be 1 \(Profile A\) or 2 \(Profile B\)/);
    expect(() => deconcealSuci({ ...publishedSuci(A), scheme: 3 as any }, keyA())).toThrow(/^scheme must be/);
  });
  it('scheme output length (C.1: 256/264-bit public key + 64-bit MAC + input, the input an MSIN of 1..5 octets): Profile A 41..45, Profile B 42..46 octets', () => {
    const out = hex(A.scheme_output);
    expect(() => deconcealSuci(publishedSuci(A, out.subarray(0, 40)), keyA())).toThrow(/^schemeOutput must be 41\.\.45 octets for Profile A .*got 40$/);
    expect(out.length).toBe(45); // the published output: 32 + 5 + 8, the longest Profile A output
    expect(() => deconcealSuci(publishedSuci(A, new Uint8Array(46)), keyA())).toThrow(/^schemeOutput must be 41\.\.45 octets .*got 46$/);
    expect(() => deconcealSuci(publishedSuci(B, new Uint8Array(41)), keyB())).toThrow(/^schemeOutput must be 42\.\.46 octets for Profile B .*got 41$/);
    expect(() => deconcealSuci(publishedSuci(B, new Uint8Array(47)), keyB())).toThrow(/^schemeOutput must be 42\.\.46 octets .*got 47$/);
    expect(() => deconcealSuci(publishedSuci(A, new Uint8Array(0)), keyA())).toThrow(/^schemeOutput must be 41/);
    expect(() => deconcealSuci({ ...publishedSuci(A), schemeOutput: A.scheme_output as any }, keyA())).toThrow(/^schemeOutput must be a Uint8Array/);
  });
  it('Profile B: an uncompressed ephemeral public key (04 ‖ x ‖ y) is refused — the scheme output always compresses it (C.3.4.2)', () => {
    const out = hex(B.eph_public_key_uncompressed + B.ciphertext + B.mac_tag);
    // 78 octets is too long anyway; the same point with first octet 04 in the 33-octet slot is refused by its prefix
    expect(() => deconcealSuci(publishedSuci(B, out), keyB())).toThrow(/^schemeOutput must be 42\.\.46/);
    const pref = hex(B.scheme_output); pref[0] = 4;
    expect(() => deconcealSuci(publishedSuci(B, pref), keyB())).toThrow(/^schemeOutput ephemeral public key must be a compressed P-256 point \(first octet 02 or 03.*got first octet 0x04/);
  });
  it('Profile B: an x with no point on P-256 → "schemeOutput ephemeral public key is not a point on P-256"', () => {
    const out = hex(B.scheme_output);
    // find an x that node:crypto cannot decompress (about half of all x are not on the curve)
    let found = 0;
    for (let x = 1; x < 50 && found < 3; x++) {
      const bad = out.slice(); bad.fill(0, 1, 33); bad[32] = x;
      let onCurve = true;
      try { ECDH.convertKey(bad.subarray(0, 33), 'prime256v1', undefined, undefined, 'uncompressed'); } catch { onCurve = false; }
      if (onCurve) continue;
      found++;
      expect(() => deconcealSuci(publishedSuci(B, bad), keyB())).toThrow(/^schemeOutput ephemeral public key is not a point on P-256$/);
    }
    expect(found).toBe(3);
  });
  it('Profile A: a low-order ephemeral public key (all zero, RFC 7748: Z = 0) → "gives no shared secret"', () => {
    const bad = hex(A.scheme_output); bad.fill(0, 0, 32);
    expect(() => deconcealSuci(publishedSuci(A, bad), keyA())).toThrow(/^schemeOutput ephemeral public key gives no shared secret \(Profile A/);
  });
  it('SUCI fields: hnKeyId 0..255, MCC 3 digits, MNC 2–3 digits, routing indicator 1..4 digits (TS 23.003 2.2B)', () => {
    const s = publishedSuci(A), k = keyA();
    expect(() => deconcealSuci({ ...s, hnKeyId: 256 }, k)).toThrow(/^hnKeyId must be an integer 0\.\.255/);
    expect(() => deconcealSuci({ ...s, hnKeyId: -1 }, k)).toThrow(/^hnKeyId /);
    expect(() => deconcealSuci({ ...s, hnKeyId: 1.5 }, k)).toThrow(/^hnKeyId /);
    expect(() => deconcealSuci({ ...s, mcc: '27' }, k)).toThrow(/^mcc must be 3 digits/);
    expect(() => deconcealSuci({ ...s, mnc: '0123' }, k)).toThrow(/^mnc must be 2 or 3 digits/);
    expect(() => deconcealSuci({ ...s, routingIndicator: '' }, k)).toThrow(/^routingIndicator must be 1\.\.4 digits/);
    expect(() => deconcealSuci({ ...s, routingIndicator: '12345' }, k)).toThrow(/^routingIndicator /);
    expect(() => deconcealSuci(null as any, k)).toThrow(/^suci must be an object/);
    expect(() => deconcealSuci(s, {} as any)).toThrow(/^hnKey must be a HomeNetworkKey/);
  });
  it('the key id and routing indicator are not inside the MAC: another value of either still deconceals (they route the SUCI, C.3 protects the MSIN only)', () => {
    expect(deconcealSuci({ ...publishedSuci(A), hnKeyId: 27, routingIndicator: '678' }, keyA()).supi).toBe('274012001002086');
  });
  it('an MSIN that with MCC and MNC exceeds the 15 digits of an IMSI (TS 23.003 2.2) is refused after deciphering', () => {
    // 10-digit MSIN with a 3-digit MNC: 16 digits
    const s = concealSupi('00101' + '1234567890', homeNetworkPublicKey(keyA(), 0), undefined, { mncDigits: 2 });
    expect(() => deconcealSuci({ ...s, mnc: '012' }, keyA())).toThrow(/^schemeOutput deciphers to a 10-digit MSIN: with MCC and MNC more than the 15 digits/);
  });

  it('loadHomeNetworkKey: hex with the wrong length, non-hex text → "hnKey must be a PEM private key or 64 hex digits", the digits counted, never shown', () => {
    const d = A.home_network_private_key;
    expect(() => loadHomeNetworkKey(d.slice(2), 1)).toThrow(/^hnKey must be a PEM private key or 64 hex digits \(32 octets\), got 62 hex digits$/);
    expect(() => loadHomeNetworkKey(d + '00', 1)).toThrow(/got 66 hex digits$/);
    expect(() => loadHomeNetworkKey(d.slice(0, 60) + 'zz!!', 1)).toThrow(/got 60 hex digits and 4 other characters$/);
    expect(errorText(() => loadHomeNetworkKey(d.slice(1), 2))).not.toMatch(new RegExp(d.slice(8, 24), 'i'));
    expect(() => loadHomeNetworkKey(42 as any, 1)).toThrow(/^hnKey must be text/);
    expect(() => loadHomeNetworkKey(d, 3 as any)).toThrow(/^scheme must be 1/);
    // surrounding whitespace, a 0x prefix and upper case are fine (C.4.4 prints the key in upper case)
    expect(toHex(loadHomeNetworkKey(`  0x${B.home_network_private_key.toUpperCase()}\n`, 2).publicKey)).toBe(B.home_network_public_key_compressed);
  });
  it('loadHomeNetworkKey: a P-256 scalar 0 or >= n is not a private key ("the scalar must be 1..n-1")', () => {
    expect(() => loadHomeNetworkKey('00'.repeat(32), 2)).toThrow(/^hnKey is not a P-256 private key: the scalar must be 1\.\.n-1/);
    expect(() => loadHomeNetworkKey('ff'.repeat(32), 2)).toThrow(/^hnKey is not a P-256 private key/);
    expect(() => loadHomeNetworkKey('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 2)).toThrow(/^hnKey is not a P-256 private key/);
    expect(toHex(loadHomeNetworkKey('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550', 2).publicKey)).toMatch(/^0[23]/); // n-1
  });
  it('loadHomeNetworkKey: PEM of the other curve, an RSA key, an encrypted or broken PEM → an error naming hnKey and the curve it needs', () => {
    const x = generateKeyPairSync('x25519').privateKey, p = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
    const pem = (k: any, type = 'pkcs8') => k.export({ format: 'pem', type }) as string;
    expect(() => loadHomeNetworkKey(pem(p), 1)).toThrow(/^hnKey holds an EC key on prime256v1; scheme 1 \(Profile A\) needs X25519/);
    expect(() => loadHomeNetworkKey(pem(x), 2)).toThrow(/^hnKey holds an x25519 key; scheme 2 \(Profile B\) needs P-256/);
    expect(() => loadHomeNetworkKey(pem(p384), 2)).toThrow(/^hnKey holds an EC key on secp384r1; scheme 2/);
    expect(loadHomeNetworkKey(pem(p, 'sec1'), 2).scheme).toBe(2); // "EC PRIVATE KEY" (openssl ecparam -genkey)
    const enc = p.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-128-cbc', passphrase: 'x' }) as string;
    expect(() => loadHomeNetworkKey(enc, 2)).toThrow(/^hnKey is an encrypted PEM/);
    expect(() => loadHomeNetworkKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', 1)).toThrow(/^hnKey is a PEM block node:crypto cannot read/);
    const pub = createPublicKey(x).export({ format: 'pem', type: 'spki' }) as string;
    expect(() => loadHomeNetworkKey(pub, 1)).toThrow(/^hnKey is a PEM block node:crypto cannot read as a private key/);
  });
  it('a HomeNetworkKey shows no key bytes when printed or serialised (KeyObject)', () => {
    const k = keyA();
    const shown = JSON.stringify(k) + inspect(k, { depth: 5 });
    expect(shown).not.toContain(A.home_network_private_key.slice(0, 16));
  });
  it('concealSupi: SUPI, public key, ephemeral key, MNC length, routing indicator are checked', () => {
    const pub = homeNetworkPublicKey(keyA(), 0), pubB = homeNetworkPublicKey(keyB(), 0);
    expect(() => concealSupi('12345', pub)).toThrow(/^supi must be an IMSI of 6\.\.15 digits/);
    expect(() => concealSupi('0010112345678901', pub)).toThrow(/^supi /);
    expect(() => concealSupi('00101', pub)).toThrow(/^supi /);
    expect(() => concealSupi('001010', pub, undefined, { mncDigits: 3 })).toThrow(/^supi has no MSIN after MCC and a 3-digit MNC/);
    expect(() => concealSupi('001010123456789', { ...pub, publicKey: new Uint8Array(31) })).toThrow(/^hnPublicKey must be a 32-octet X25519 public key .*got 31 octets/);
    expect(() => concealSupi('001010123456789', { ...pubB, publicKey: hex(B.home_network_public_key_compressed).subarray(1) })).toThrow(/^hnPublicKey must be a P-256 point, 33 octets compressed/);
    expect(() => concealSupi('001010123456789', { ...pub, scheme: 2 })).toThrow(/^hnPublicKey must be a P-256 point/);
    expect(() => concealSupi('001010123456789', { ...pub, hnKeyId: 300 })).toThrow(/^hnKeyId /);
    expect(() => concealSupi('001010123456789', { ...pub, scheme: 0 as any })).toThrow(/^hnPublicKey scheme must be 1/);
    expect(() => concealSupi('001010123456789', pub, new Uint8Array(31))).toThrow(/^ephemeralPrivateKey must be 32 octets, got 31/);
    expect(() => concealSupi('001010123456789', pubB, new Uint8Array(32))).toThrow(/^ephemeralPrivateKey is not a P-256 private key/);
    expect(() => concealSupi('001010123456789', pub, undefined, { mncDigits: 4 as any })).toThrow(/^mncDigits must be 2 or 3/);
    expect(() => concealSupi('001010123456789', pub, undefined, { routingIndicator: 'ab' })).toThrow(/^routingIndicator must be 1\.\.4 digits/);
    expect(() => concealSupi('001010123456789', null as any)).toThrow(/^hnPublicKey must be an object/);
  });
  it('every refusal above is an InputError (exit 2 in the CLI convention)', () => {
    expect(() => deconcealSuci(publishedSuci(A), keyB())).toThrow(InputError);
    expect(() => loadHomeNetworkKey('zz', 1)).toThrow(InputError);
    const bad = hex(A.scheme_output); bad[bad.length - 1] ^= 1;
    expect(() => deconcealSuci(publishedSuci(A, bad), keyA())).toThrow(InputError);
  });
});
