/**
 * Independent reference of the EAP-AKA′ key hierarchy (TS 33.501 6.1.3.1 and A.3; RFC 9048 3.3
 * and 3.4.1, which update RFC 5448), written with node:crypto only. It shares no code with the
 * firmware path: the tests use it as an oracle and the AUSF model uses it as its own key chain.
 */
import { createHmac } from 'node:crypto';
import { kdfRef } from './kdf.js';

/** RFC 9048 3.4.1: PRF′(K, S) = T1 ‖ T2 ‖ …, T1 = HMAC-SHA-256(K, S ‖ 0x01),
 *  Tn = HMAC-SHA-256(K, T(n-1) ‖ S ‖ n), truncated to `len` octets (n ≤ 255). */
export function prfPrime(key: Uint8Array, s: Uint8Array, len: number): Uint8Array {
  if (len > 255 * 32) throw new RangeError('PRF′ gives at most 255 blocks');
  const out = Buffer.alloc(len);
  let t: Buffer = Buffer.alloc(0);
  for (let n = 1, at = 0; at < len; n++, at += 32) {
    t = createHmac('sha256', key).update(t).update(s).update(Buffer.of(n)).digest();
    t.copy(out, at, 0, Math.min(32, len - at));
  }
  return new Uint8Array(out);
}

export interface EapAkaPrimeKeys {
  ckPrime: Uint8Array; ikPrime: Uint8Array;
  kEncr: Uint8Array; kAut: Uint8Array; kRe: Uint8Array; msk: Uint8Array; emsk: Uint8Array;
  /** TS 33.501 6.1.3.1: the 256 most significant bits of EMSK. */
  kausf: Uint8Array;
}

/** The whole chain from the USIM's CK, IK. `ani` is the access network identity (the serving
 *  network name in 5G: a character string, UTF-8 after NFKC as TS 33.220 B.2.1.2 asks for KDF
 *  parameters); `identity` the EAP peer identity, as octets or as a UTF-8 string (used as is). */
export function eapAkaPrimeRef(ck: Uint8Array, ik: Uint8Array, ani: string, sqnXorAk: Uint8Array, identity: string | Uint8Array): EapAkaPrimeKeys {
  // TS 33.501 A.3 / TS 33.402 A.2: FC = 0x20, P0 = access network identity, P1 = SQN ⊕ AK.
  const k = kdfRef(Buffer.concat([ck, ik]), 0x20, [Buffer.from(ani.normalize('NFKC'), 'utf8'), sqnXorAk]);
  const ckPrime = k.slice(0, 16), ikPrime = k.slice(16, 32);
  // RFC 9048 3.3: MK = PRF′(IK′ ‖ CK′, "EAP-AKA'" ‖ Identity), 1664 bits.
  const id = typeof identity === 'string' ? Buffer.from(identity, 'utf8') : Buffer.from(identity);
  const mk = prfPrime(Buffer.concat([ikPrime, ckPrime]), Buffer.concat([Buffer.from("EAP-AKA'", 'ascii'), id]), 208);
  const emsk = mk.slice(144, 208);
  return {
    ckPrime, ikPrime,
    kEncr: mk.slice(0, 16), kAut: mk.slice(16, 48), kRe: mk.slice(48, 80), msk: mk.slice(80, 144), emsk,
    kausf: emsk.slice(0, 32),
  };
}
