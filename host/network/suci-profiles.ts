/**
 * SUCI protection schemes Profile A and Profile B (TS 33.501 Annex C.3, ECIES) with node:crypto:
 * the home network's SIDF side (deconcealSuci, with the home network private key) and the UE side
 * (concealSupi, with the home network public key; for tests and scenarios).
 *
 * Both profiles (C.3.4): ephemeral ECDH → shared secret Z; ANSI X9.63 KDF with SHA-256 and
 * SharedInfo1 = the ephemeral public key as sent, keying data K = EK (16 octets) ‖ ICB (16) ‖ MK (32)
 * (C.3.2: leftmost enckeylen, middle icblen, rightmost mackeylen octets); AES-128 in CTR mode from
 * the ICB; MAC tag = the 8 most significant octets of HMAC-SHA-256(MK, ciphertext) (SharedInfo2
 * empty). Scheme output = ephemeral public key ‖ ciphertext ‖ MAC tag (C.3.2).
 *  - Profile A (C.3.4.1): X25519 (RFC 7748), ephemeral public key 32 octets, no prefix.
 *  - Profile B (C.3.4.2): P-256 with point compression, ephemeral public key 33 octets (02/03 ‖ x).
 * The scheme input of an IMSI SUPI is the MSIN in packed BCD, odd count padded with 1111 (C.3.1,
 * TS 24.501 Figure 9.11.3.4.3a). Only IMSI-type SUPIs are handled (the NAI form is out of scope).
 *
 * Errors are InputErrors naming the field; no message carries key bytes. Private keys are held as
 * node:crypto KeyObjects (console.log and JSON.stringify show no key material).
 */
import {
  KeyObject, createHash, createHmac, createCipheriv, createPrivateKey, createPublicKey, diffieHellman,
  generateKeyPairSync, timingSafeEqual, ECDH,
} from 'node:crypto';
import { InputError } from '../errors.js';

/** Protection scheme identifiers of Annex C.1: 0x1 = Profile A, 0x2 = Profile B. */
export type SuciProfile = 1 | 2;

/** A SUCI with protection scheme Profile A or B, as the 5GS mobile identity carries it
 *  (TS 24.501 9.11.3.4; TS 23.003 2.2B). */
export interface ConcealedSuci {
  scheme: SuciProfile; hnKeyId: number; mcc: string; mnc: string;
  routingIndicator: string; schemeOutput: Uint8Array;
}

/** The home network private key of one profile (the SIDF's; TS 33.501 6.12.2) and its public key
 *  in the form the UE is provisioned with (Profile A: 32 octets; Profile B: 33-octet compressed point). */
export interface HomeNetworkKey { scheme: SuciProfile; readonly privateKey: KeyObject; readonly publicKey: Uint8Array }

/** What the UE holds to conceal (TS 33.501 6.12.2, on the USIM: EF SUCI_Calc_Info, TS 31.102):
 *  the protection scheme, the home network public key identifier (0..255) and the public key
 *  (Profile A: 32 octets; Profile B: 33-octet compressed or 65-octet uncompressed point). */
export interface HomeNetworkPublicKey { scheme: SuciProfile; hnKeyId: number; publicKey: Uint8Array }

const NAME = { 1: 'Profile A', 2: 'Profile B' } as const;
/** Ephemeral public key length in the scheme output (C.1: 256 bits for A, 264 bits for B). */
const EPH_LEN = { 1: 32, 2: 33 } as const;
const ENC_KEY_LEN = 16, ICB_LEN = 16, MAC_KEY_LEN = 32, MAC_LEN = 8;
/** An IMSI has at most 15 digits (TS 23.003 2.2), so the MSIN at most 10 digits: 1..5 octets of BCD. */
const MSIN_OCTETS_MAX = 5;
/** Order of the P-256 base point (SEC 2 2.4.2): a private scalar d must satisfy 1 <= d < n. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

// DER wrappers around raw keys, so node:crypto builds KeyObjects without any PEM/JWK detour.
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex'); // RFC 8410 OneAsymmetricKey, id-X25519
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');
const P256_SEC1 = [Buffer.from('30310201010420', 'hex'), Buffer.from('a00a06082a8648ce3d030107', 'hex')]; // RFC 5915, prime256v1
const P256_SPKI = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'); // RFC 5480, uncompressed point

function profile(field: string, v: unknown): SuciProfile {
  if (v !== 1 && v !== 2) throw new InputError(field, `must be 1 (Profile A) or 2 (Profile B) (TS 33.501 C.1), got ${typeof v === 'number' ? v : typeof v}`, v);
  return v;
}
function bytesOf(field: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new InputError(field, `must be a Uint8Array, got ${v === null ? 'null' : typeof v}`, v);
  return v;
}
function digits(field: string, v: unknown, re: RegExp, what: string): string {
  if (typeof v !== 'string' || !re.test(v)) throw new InputError(field, `must be ${what}`, v);
  return v;
}
function hnKeyIdOf(v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 255) throw new InputError('hnKeyId', 'must be an integer 0..255 (TS 24.501 9.11.3.4: one octet)', v);
  return v as number;
}

function x25519Private(d: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([X25519_PKCS8, d]), format: 'der', type: 'pkcs8' });
}
function p256Private(field: string, d: Uint8Array): KeyObject {
  const v = BigInt('0x' + Buffer.from(d).toString('hex'));
  if (v === 0n || v >= P256_N) throw new InputError(field, 'is not a P-256 private key: the scalar must be 1..n-1 (SEC 2 2.4.2)');
  return createPrivateKey({ key: Buffer.concat([P256_SEC1[0], d, P256_SEC1[1]]), format: 'der', type: 'sec1' });
}
/** Raw public key of a private KeyObject: X25519 32 octets; P-256 the 33-octet compressed point. */
function rawPublic(priv: KeyObject, scheme: SuciProfile): Uint8Array {
  const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
  if (scheme === 1) return Uint8Array.from(spki.subarray(spki.length - 32));
  return Uint8Array.from(ECDH.convertKey(spki.subarray(spki.length - 65), 'prime256v1', undefined, undefined, 'compressed') as Buffer);
}
/** A public KeyObject from raw octets: X25519 32 octets; P-256 a compressed or uncompressed point
 *  on the curve (the decompression checks it, SEC 1 2.3.4). */
function publicKeyObject(field: string, scheme: SuciProfile, raw: Uint8Array): KeyObject {
  if (scheme === 1) {
    if (raw.length !== 32) throw new InputError(field, `must be a 32-octet X25519 public key (TS 33.501 C.3.4.1), got ${raw.length} octets`, raw);
    return createPublicKey({ key: Buffer.concat([X25519_SPKI, raw]), format: 'der', type: 'spki' });
  }
  if (!((raw.length === 33 && (raw[0] === 2 || raw[0] === 3)) || (raw.length === 65 && raw[0] === 4)))
    throw new InputError(field, `must be a P-256 point, 33 octets compressed (02/03) or 65 uncompressed (04), got ${raw.length} octets`, raw);
  let point: Buffer;
  try { point = ECDH.convertKey(raw, 'prime256v1', undefined, undefined, 'uncompressed') as Buffer; } catch {
    throw new InputError(field, 'is not a point on P-256');
  }
  return createPublicKey({ key: Buffer.concat([P256_SPKI, point]), format: 'der', type: 'spki' });
}

/**
 * The home network private key for `scheme` from text: 64 hex digits (the 32-octet X25519 private
 * key or P-256 scalar, as TS 33.501 C.4 prints them) or PEM (PKCS #8 "PRIVATE KEY" for either curve,
 * SEC 1 "EC PRIVATE KEY" for P-256, as `openssl genpkey` writes them). A key of the other curve,
 * an encrypted PEM or anything else → an InputError naming `hnKey`, never its content.
 */
export function loadHomeNetworkKey(text: string, scheme: 1 | 2): HomeNetworkKey {
  profile('scheme', scheme);
  if (typeof text !== 'string') throw new InputError('hnKey', `must be text (PEM or 64 hex digits), got ${text === null ? 'null' : typeof text}`, text);
  const t = text.trim();
  let privateKey: KeyObject;
  if (t.startsWith('-----BEGIN')) {
    if (/ENCRYPTED/.test(t.slice(0, 40))) throw new InputError('hnKey', 'is an encrypted PEM: give the key unencrypted (openssl pkey -in KEY -out PLAIN)');
    try { privateKey = createPrivateKey({ key: t, format: 'pem' }); } catch {
      throw new InputError('hnKey', 'is a PEM block node:crypto cannot read as a private key (expected PKCS #8 "PRIVATE KEY" or SEC 1 "EC PRIVATE KEY")');
    }
    const type = privateKey.asymmetricKeyType, curve = privateKey.asymmetricKeyDetails?.namedCurve;
    const got = type === 'ec' ? `an EC key on ${curve}` : `a${type === 'x25519' ? 'n' : ''} ${type} key`;
    if (scheme === 1 && type !== 'x25519') throw new InputError('hnKey', `holds ${got}; scheme 1 (Profile A) needs X25519 (TS 33.501 C.3.4.1)`);
    if (scheme === 2 && !(type === 'ec' && curve === 'prime256v1')) throw new InputError('hnKey', `holds ${got}; scheme 2 (Profile B) needs P-256 (secp256r1, TS 33.501 C.3.4.2)`);
  } else {
    const h = t.replace(/^0x/i, '');
    if (!/^[0-9a-fA-F]{64}$/.test(h)) {
      const n = (h.match(/[0-9a-fA-F]/g) ?? []).length;
      throw new InputError('hnKey', `must be a PEM private key or 64 hex digits (32 octets), got ${n} hex digits${n !== h.length ? ` and ${h.length - n} other characters` : ''}`);
    }
    const d = Uint8Array.from(Buffer.from(h, 'hex'));
    privateKey = scheme === 1 ? x25519Private(d) : p256Private('hnKey', d);
    d.fill(0);
  }
  return { scheme, privateKey, publicKey: rawPublic(privateKey, scheme) };
}

/** The public half of a home network key, as a UE is provisioned with it. */
export function homeNetworkPublicKey(key: HomeNetworkKey, hnKeyId: number): HomeNetworkPublicKey {
  return { scheme: key.scheme, hnKeyId: hnKeyIdOf(hnKeyId), publicKey: key.publicKey.slice() };
}

/** ANSI X9.63 KDF (SEC 1 3.6.1) with SHA-256: Hash(Z ‖ counter32 ‖ SharedInfo) for counter = 1, 2, …, truncated. */
function x963Kdf(z: Uint8Array, sharedInfo: Uint8Array, len: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 1; blocks.length * 32 < len; counter++) {
    const c = Buffer.alloc(4); c.writeUInt32BE(counter);
    blocks.push(createHash('sha256').update(z).update(c).update(sharedInfo).digest());
  }
  const k = Buffer.concat(blocks);
  for (const b of blocks) b.fill(0);
  return k.subarray(0, len);
}

/** EK, ICB, MK from Z (C.3.2), the cipher applied to `input` and the MAC tag over the ciphertext. */
function ecies(z: Uint8Array, ephPublic: Uint8Array, input: Uint8Array, direction: 'encrypt' | 'decrypt'): { output: Buffer; tag: Buffer; ciphertext: Uint8Array } {
  const k = x963Kdf(z, ephPublic, ENC_KEY_LEN + ICB_LEN + MAC_KEY_LEN);
  const ek = k.subarray(0, ENC_KEY_LEN), icb = k.subarray(ENC_KEY_LEN, ENC_KEY_LEN + ICB_LEN), mk = k.subarray(ENC_KEY_LEN + ICB_LEN);
  // CTR from the ICB (C.3.4: NIST SP 800-38A B.1 incrementing with m = 32): the scheme input of an
  // IMSI is at most 5 octets, one block, so no counter increment ever happens.
  const cipher = createCipheriv('aes-128-ctr', ek, icb);
  const output = Buffer.concat([cipher.update(input), cipher.final()]);
  const ciphertext = direction === 'encrypt' ? output : input;
  const tag = createHmac('sha256', mk).update(ciphertext).digest().subarray(0, MAC_LEN);
  k.fill(0);
  return { output, tag, ciphertext };
}

/** MSIN digits → packed BCD, first digit in the low nibble, odd count padded with 1111 (C.3.1). */
function msinBcd(msin: string): Uint8Array {
  const out = new Uint8Array((msin.length + 1) >> 1);
  for (let i = 0; i < msin.length; i++) out[i >> 1] |= (i & 1 ? +msin[i] << 4 : +msin[i]);
  if (msin.length & 1) out[out.length - 1] |= 0xf0;
  return out;
}
/** Packed BCD → MSIN digits; only the last high nibble may be the 1111 filler. */
function msinDigits(b: Uint8Array): string | null {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const lo = b[i] & 15, hi = b[i] >> 4;
    if (lo > 9) return null;
    s += lo;
    if (hi === 15 && i === b.length - 1) break;
    if (hi > 9) return null;
    s += hi;
  }
  return s;
}

function checkSuciFields(suci: ConcealedSuci): void {
  if (typeof suci !== 'object' || suci === null) throw new InputError('suci', `must be an object, got ${suci === null ? 'null' : typeof suci}`);
  profile('scheme', suci.scheme);
  hnKeyIdOf(suci.hnKeyId);
  digits('mcc', suci.mcc, /^[0-9]{3}$/, '3 digits');
  digits('mnc', suci.mnc, /^[0-9]{2,3}$/, '2 or 3 digits');
  digits('routingIndicator', suci.routingIndicator, /^[0-9]{1,4}$/, '1..4 digits (TS 23.003 2.2B)');
  bytesOf('schemeOutput', suci.schemeOutput);
}

/** The MAC tag of a concealed SUCI did not verify (TS 33.501 C.3.3): the wrong home network key,
 *  or the SUCI was altered. Nothing was deciphered. */
export class SuciMacError extends InputError {
  constructor(scheme: SuciProfile) {
    super('schemeOutput', `MAC tag does not verify (${NAME[scheme]}, TS 33.501 C.3.3): wrong home network private key, or the SUCI was altered`);
  }
}

/**
 * SIDF (TS 33.501 6.12.2, C.3.3): the SUPI of a Profile A/B SUCI with the home network private
 * key. Checks the lengths, the ephemeral public key (Profile B: a compressed point on P-256;
 * Profile A: not a low-order point), the MAC tag (before deciphering) and the BCD of the MSIN.
 */
export function deconcealSuci(suci: ConcealedSuci, key: HomeNetworkKey): { supi: string; msin: string } {
  checkSuciFields(suci);
  if (typeof key !== 'object' || key === null || !(key.privateKey instanceof KeyObject)) throw new InputError('hnKey', 'must be a HomeNetworkKey from loadHomeNetworkKey');
  profile('hnKey scheme', key.scheme);
  if (key.scheme !== suci.scheme) throw new InputError('scheme', `is ${suci.scheme} (${NAME[suci.scheme]}) but the home network key is for scheme ${key.scheme} (${NAME[key.scheme]})`);
  const s = suci.scheme, out = suci.schemeOutput, eph = EPH_LEN[s];
  const min = eph + 1 + MAC_LEN, max = eph + MSIN_OCTETS_MAX + MAC_LEN;
  if (out.length < min || out.length > max)
    throw new InputError('schemeOutput', `must be ${min}..${max} octets for ${NAME[s]} (${eph}-octet ephemeral public key, 1..${MSIN_OCTETS_MAX}-octet MSIN, ${MAC_LEN}-octet MAC tag; TS 33.501 C.1), got ${out.length}`, out);
  const ephPublic = out.subarray(0, eph), ciphertext = out.subarray(eph, out.length - MAC_LEN), tag = out.subarray(out.length - MAC_LEN);
  if (s === 2 && ephPublic[0] !== 2 && ephPublic[0] !== 3)
    throw new InputError('schemeOutput', `ephemeral public key must be a compressed P-256 point (first octet 02 or 03, TS 33.501 C.3.4.2), got first octet 0x${ephPublic[0].toString(16).padStart(2, '0')}`);
  const ephKey = publicKeyObject('schemeOutput ephemeral public key', s, ephPublic);
  let z: Buffer;
  try { z = diffieHellman({ privateKey: key.privateKey, publicKey: ephKey }); } catch {
    // X25519 with a low-order point gives Z = 0, which OpenSSL refuses (RFC 7748 6.1 check)
    throw new InputError('schemeOutput', `ephemeral public key gives no shared secret (${NAME[s]}: a low-order point)`);
  }
  const r = ecies(z, ephPublic, ciphertext, 'decrypt');
  z.fill(0);
  if (!timingSafeEqual(r.tag, tag)) { r.output.fill(0); throw new SuciMacError(s); }
  const msin = msinDigits(r.output);
  r.output.fill(0);
  if (msin === null) throw new InputError('schemeOutput', 'deciphers (MAC verified) to a scheme input that is not packed BCD (TS 33.501 C.3.1)');
  if (suci.mcc.length + suci.mnc.length + msin.length > 15) throw new InputError('schemeOutput', `deciphers to a ${msin.length}-digit MSIN: with MCC and MNC more than the 15 digits of an IMSI (TS 23.003 2.2)`);
  return { supi: suci.mcc + suci.mnc + msin, msin };
}

/**
 * UE side (TS 33.501 6.12.2, C.3.2): conceal an IMSI SUPI for the home network public key. The
 * ephemeral key pair is fresh (random) unless `ephemeralPrivateKey` (32 octets) is given — for the
 * C.4 test data and reproducible runs. `mncDigits` splits the SUPI into MCC ‖ MNC ‖ MSIN;
 * `routingIndicator` is 1..4 digits ("0" when the USIM holds none, TS 23.003 2.2B).
 */
export function concealSupi(supi: string, hnPublicKey: HomeNetworkPublicKey, ephemeralPrivateKey?: Uint8Array,
  options: { mncDigits?: 2 | 3; routingIndicator?: string } = {}): ConcealedSuci {
  digits('supi', supi, /^[0-9]{6,15}$/, 'an IMSI of 6..15 digits');
  if (typeof hnPublicKey !== 'object' || hnPublicKey === null) throw new InputError('hnPublicKey', `must be an object, got ${hnPublicKey === null ? 'null' : typeof hnPublicKey}`);
  const s = profile('hnPublicKey scheme', hnPublicKey.scheme);
  const hnKeyId = hnKeyIdOf(hnPublicKey.hnKeyId);
  const hnKey = publicKeyObject('hnPublicKey', s, bytesOf('hnPublicKey', hnPublicKey.publicKey));
  const mncDigits = options.mncDigits ?? 2;
  if (mncDigits !== 2 && mncDigits !== 3) throw new InputError('mncDigits', `must be 2 or 3, got ${mncDigits}`, mncDigits);
  const routingIndicator = digits('routingIndicator', options.routingIndicator ?? '0', /^[0-9]{1,4}$/, '1..4 digits (TS 23.003 2.2B)');
  const msin = supi.slice(3 + mncDigits);
  if (msin.length < 1) throw new InputError('supi', `has no MSIN after MCC and a ${mncDigits}-digit MNC`, supi);
  let eph: KeyObject;
  if (ephemeralPrivateKey === undefined) eph = s === 1 ? generateKeyPairSync('x25519').privateKey : generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  else {
    const d = bytesOf('ephemeralPrivateKey', ephemeralPrivateKey);
    if (d.length !== 32) throw new InputError('ephemeralPrivateKey', `must be 32 octets, got ${d.length}`, d);
    eph = s === 1 ? x25519Private(d) : p256Private('ephemeralPrivateKey', d);
  }
  const ephPublic = rawPublic(eph, s);
  const z = diffieHellman({ privateKey: eph, publicKey: hnKey });
  const input = msinBcd(msin);
  const r = ecies(z, ephPublic, input, 'encrypt');
  z.fill(0); input.fill(0);
  return {
    scheme: s, hnKeyId, mcc: supi.slice(0, 3), mnc: supi.slice(3, 3 + mncDigits), routingIndicator,
    schemeOutput: Uint8Array.from(Buffer.concat([ephPublic, r.output, r.tag])),
  };
}
