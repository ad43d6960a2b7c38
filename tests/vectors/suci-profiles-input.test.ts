// SUCI Profile A/B (host/network/suci-profiles.ts): the input contract of loadHomeNetworkKey,
// homeNetworkPublicKey, concealSupi and deconcealSuci ("Errors are InputErrors naming the field"),
// and the SIDF's BCD check after a verified MAC (TS 33.501 C.3.1: the scheme input of an IMSI is the
// MSIN in packed BCD, TS 24.501 Figure 9.11.3.4.3a). The crafted scheme outputs are built here with
// node:crypto from the published C.4.3.1 intermediate values (EK, ICB, MK, ephemeral public key) —
// never with the code under test.
import { describe, expect, it } from 'vitest';
import { createCipheriv, createHmac, generateKeyPairSync, createECDH } from 'node:crypto';
import {
  concealSupi, deconcealSuci, homeNetworkPublicKey, loadHomeNetworkKey, type ConcealedSuci,
} from '../../host/network/suci-profiles.js';
import { InputError } from '../../host/errors.js';
import { hex, toHex, vectorCases } from '../helpers.js';

const C4 = vectorCases('suci-ts33501-annexC4.json');
const A = C4.find((v: any) => v.scheme === 1), B = C4.find((v: any) => v.scheme === 2);
const keyA = () => loadHomeNetworkKey(A.home_network_private_key, 1);
const pubA = { scheme: 1 as const, hnKeyId: 0, publicKey: hex(A.home_network_public_key) };
const pubB = { scheme: 2 as const, hnKeyId: 0, publicKey: hex(B.home_network_public_key_compressed) };
const suciA = (over: Partial<ConcealedSuci> = {}): ConcealedSuci => ({ scheme: 1, hnKeyId: 0, mcc: '274', mnc: '012', routingIndicator: '0', schemeOutput: hex(A.scheme_output), ...over });

/** The InputError `f` throws: its field and message. */
function inputError(f: () => unknown): { field: string; message: string } {
  try { f(); } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return { field: (e as InputError).field, message: (e as Error).message };
  }
  throw new Error('expected an InputError');
}

describe('SUCI input contract: every refusal is an InputError naming the field (module contract)', () => {
  it('protection scheme: 1 (Profile A) or 2 (Profile B) only (TS 33.501 C.1)', () => {
    expect(inputError(() => concealSupi('001010000000001', { ...pubA, scheme: 3 as 1 }))).toEqual({ field: 'hnPublicKey scheme', message: 'hnPublicKey scheme must be 1 (Profile A) or 2 (Profile B) (TS 33.501 C.1), got 3' });
    expect(inputError(() => concealSupi('001010000000001', { ...pubA, scheme: '1' as unknown as 1 })).message).toMatch(/got string$/);
    expect(inputError(() => deconcealSuci(suciA({ scheme: 0 as 1 }), keyA())).field).toBe('scheme');
    expect(inputError(() => deconcealSuci(suciA(), { ...keyA(), scheme: 3 as 1 })).field).toBe('hnKey scheme');
  });
  it('octet strings must be Uint8Arrays: the public key, the ephemeral private key, the scheme output', () => {
    expect(inputError(() => concealSupi('001010000000001', { ...pubA, publicKey: [1, 2] as unknown as Uint8Array }))).toEqual({ field: 'hnPublicKey', message: 'hnPublicKey must be a Uint8Array, got object' });
    expect(inputError(() => concealSupi('001010000000001', { ...pubA, publicKey: null as unknown as Uint8Array })).message).toBe('hnPublicKey must be a Uint8Array, got null');
    expect(inputError(() => concealSupi('001010000000001', pubA, 'ab' as unknown as Uint8Array)).field).toBe('ephemeralPrivateKey');
    expect(inputError(() => deconcealSuci(suciA({ schemeOutput: 'ab' as unknown as Uint8Array }), keyA())).field).toBe('schemeOutput');
  });
  it('digit strings: SUPI 6..15 digits, MCC 3 digits, MNC 2..3, routing indicator 1..4 digits (TS 23.003 2.2, 2.2B) — anchored at both ends', () => {
    expect(inputError(() => concealSupi('12345', pubA)).field).toBe('supi');
    expect(inputError(() => concealSupi('00101000000000x', pubA)).field).toBe('supi');
    for (const ri of ['x1', '12345', ''])
      expect(inputError(() => concealSupi('001010000000001', pubA, undefined, { routingIndicator: ri })).field, ri).toBe('routingIndicator');
    for (const mcc of ['a001', '0012', '01'])
      expect(inputError(() => deconcealSuci(suciA({ mcc }), keyA())).field, mcc).toBe('mcc');
    expect(inputError(() => deconcealSuci(suciA({ routingIndicator: 'x1' }), keyA())).field).toBe('routingIndicator');
  });
  it('objects: the SUCI, the home network key and the public key must be objects', () => {
    expect(inputError(() => deconcealSuci(null as unknown as ConcealedSuci, keyA()))).toEqual({ field: 'suci', message: 'suci must be an object, got null' });
    expect(inputError(() => deconcealSuci('x' as unknown as ConcealedSuci, keyA())).message).toBe('suci must be an object, got string');
    expect(inputError(() => deconcealSuci(suciA(), null as never)).field).toBe('hnKey');
    expect(inputError(() => deconcealSuci(suciA(), 'k' as never)).field).toBe('hnKey');
    expect(inputError(() => deconcealSuci(suciA(), { scheme: 1, privateKey: 'k', publicKey: new Uint8Array(32) } as never)).field).toBe('hnKey');
    expect(inputError(() => concealSupi('001010000000001', null as never))).toEqual({ field: 'hnPublicKey', message: 'hnPublicKey must be an object, got null' });
    expect(inputError(() => concealSupi('001010000000001', 'k' as never)).message).toBe('hnPublicKey must be an object, got string');
  });
  it('Profile B public key: a P-256 point, 33 octets compressed (02/03) or 65 uncompressed (04) — other lengths or prefixes refused (SEC 1 2.3.3)', () => {
    const c = hex(B.home_network_public_key_compressed), u = hex(B.home_network_public_key_uncompressed);
    const bad = [Uint8Array.of(4, ...c.subarray(1)), Uint8Array.of(2, ...u.subarray(1)), Uint8Array.of(...c, 0), u.subarray(0, 64), Uint8Array.of(5, ...c.subarray(1))];
    for (const pk of bad)
      expect(inputError(() => concealSupi('001010000000001', { ...pubB, publicKey: pk })).message, toHex(pk).slice(0, 4) + ' ' + pk.length).toMatch(/^hnPublicKey must be a P-256 point, 33 octets compressed \(02\/03\) or 65 uncompressed \(04\), got \d+ octets$/);
    // both accepted forms conceal (and the SIDF reads them back)
    for (const pk of [c, u]) expect(deconcealSuci(concealSupi('274012001002086', { ...pubB, publicKey: pk }, undefined, { mncDigits: 3 }), loadHomeNetworkKey(B.home_network_private_key, 2)).supi).toBe('274012001002086');
  });
});

describe('loadHomeNetworkKey: text in, key of the right curve out (module contract)', () => {
  it('text only: a number or null is refused naming hnKey and its type', () => {
    expect(inputError(() => loadHomeNetworkKey(42 as unknown as string, 1))).toEqual({ field: 'hnKey', message: 'hnKey must be text (PEM or 64 hex digits), got number' });
    expect(inputError(() => loadHomeNetworkKey(null as unknown as string, 1)).message).toBe('hnKey must be text (PEM or 64 hex digits), got null');
  });
  it('hex: an optional leading 0x only; "0x" inside the digits is refused; the count of hex digits is reported', () => {
    expect(toHex(loadHomeNetworkKey('0x' + A.home_network_private_key, 1).publicKey)).toBe(A.home_network_public_key);
    const k = A.home_network_private_key;
    expect(inputError(() => loadHomeNetworkKey(k.slice(0, 32) + '0x' + k.slice(32), 1)).field).toBe('hnKey');
    expect(inputError(() => loadHomeNetworkKey('zzzz', 1)).message).toBe('hnKey must be a PEM private key or 64 hex digits (32 octets), got 0 hex digits and 4 other characters');
  });
  it('PEM of the other curve names what it holds: an X25519 key for scheme 2, a P-256 key for scheme 1, an Ed25519 key', () => {
    const pem = (k: ReturnType<typeof generateKeyPairSync>['privateKey']) => k.export({ format: 'pem', type: 'pkcs8' }) as string;
    expect(inputError(() => loadHomeNetworkKey(pem(generateKeyPairSync('x25519').privateKey), 2)).message).toBe('hnKey holds an x25519 key; scheme 2 (Profile B) needs P-256 (secp256r1, TS 33.501 C.3.4.2)');
    expect(inputError(() => loadHomeNetworkKey(pem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey), 1)).message).toBe('hnKey holds an EC key on prime256v1; scheme 1 (Profile A) needs X25519 (TS 33.501 C.3.4.1)');
    expect(inputError(() => loadHomeNetworkKey(pem(generateKeyPairSync('ed25519').privateKey), 1)).message).toBe('hnKey holds a ed25519 key; scheme 1 (Profile A) needs X25519 (TS 33.501 C.3.4.1)');
  });
  it('a P-256 PKCS #8 PEM for scheme 2 loads; its public key is node:crypto\'s compressed point', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const d = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
    const ecdh = createECDH('prime256v1'); ecdh.setPrivateKey(d);
    const k = loadHomeNetworkKey(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, 2);
    expect(toHex(k.publicKey)).toBe(ecdh.getPublicKey('hex', 'compressed'));
  });
  it('homeNetworkPublicKey hands out a copy: changing it does not change the key', () => {
    const k = keyA();
    const p = homeNetworkPublicKey(k, 7);
    p.publicKey.fill(0);
    expect(toHex(k.publicKey)).toBe(A.home_network_public_key);
    expect(p.hnKeyId).toBe(7);
  });
});

describe('SIDF: the deciphered scheme input must be packed BCD (TS 33.501 C.3.1, TS 24.501 Figure 9.11.3.4.3a)', () => {
  /** A Profile A scheme output for `plain`, built from the published C.4.3.1 EK/ICB/MK and ephemeral
   *  public key with node:crypto (AES-128-CTR, HMAC-SHA-256 first 8 octets; C.3.2). */
  const craft = (plain: string) => {
    const c = createCipheriv('aes-128-ctr', hex(A.eph_enc_key), hex(A.icb));
    const ct = Buffer.concat([c.update(hex(plain)), c.final()]);
    const tag = createHmac('sha256', hex(A.eph_mac_key)).update(ct).digest().subarray(0, 8);
    return Uint8Array.from(Buffer.concat([hex(A.eph_public_key), ct, tag]));
  };
  it('the crafting reproduces the published scheme output for the published scheme input (so the MAC of a crafted one verifies)', () => {
    expect(toHex(craft(A.scheme_input))).toBe(A.scheme_output);
  });
  for (const [plain, why] of [['0a', 'a low nibble above 9'], ['a0', 'a high nibble above 9 before the end'], ['f110', '1111 filler before the last octet'], ['21a3', 'a low nibble above 9 in a later octet']]) {
    it(`scheme input ${plain} (${why}): refused after the MAC verified, naming schemeOutput`, () => {
      expect(inputError(() => deconcealSuci(suciA({ schemeOutput: craft(plain) }), keyA()))).toEqual({ field: 'schemeOutput', message: 'schemeOutput deciphers (MAC verified) to a scheme input that is not packed BCD (TS 33.501 C.3.1)' });
    });
  }
  it('valid BCD with the 1111 filler in the last octet only: MSIN 123 from 21 f3', () => {
    expect(deconcealSuci(suciA({ schemeOutput: craft('21f3') }), keyA())).toEqual({ supi: '274012123', msin: '123' });
  });
});
