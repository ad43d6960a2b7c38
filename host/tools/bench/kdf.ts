/** KDF benchmarks (issue: ≥ 3× node:crypto with a reused key, ≥ 1.5× with a new key per call). */
import { createHmac } from 'node:crypto';
import { digest } from '@chainsafe/as-sha256';
import { instantiateSync } from '../../firmware/loader.js';
import { KeyDerivation } from '../../firmware/keys.js';
import { measure, table } from './harness.js';

/** S of A.13 KAMF′ (idle, UL COUNT 5): the typical short Annex A input. */
const DIR = Uint8Array.of(0), COUNT = Uint8Array.of(0, 0, 0, 5);
const buildS = (fc: number, params: Uint8Array[]): Buffer => {
  const parts: Buffer[] = [Buffer.of(fc)];
  for (const p of params) parts.push(Buffer.from(p), Buffer.of(p.length >> 8, p.length & 0xff));
  return Buffer.concat(parts);
};

/** HMAC-SHA-256 by hand on @chainsafe/as-sha256's one-shot digest (its streaming update is unsafe). */
function hmacAsSha256(key: Uint8Array, msg: Uint8Array): Uint8Array {
  const k0 = new Uint8Array(64); k0.set(key);
  const inner = new Uint8Array(64 + msg.length);
  for (let i = 0; i < 64; i++) inner[i] = k0[i] ^ 0x36;
  inner.set(msg, 64);
  const outer = new Uint8Array(96);
  for (let i = 0; i < 64; i++) outer[i] = k0[i] ^ 0x5c;
  outer.set(digest(inner), 64);
  return digest(outer);
}

export function benchKdf(): void {
  const api = new KeyDerivation(instantiateSync('ue'));
  const keys = Array.from({ length: 1024 }, (_, i) => Uint8Array.from({ length: 32 }, (_, j) => (i * 31 + j * 7) & 0xff));
  const key = keys[0];
  // Sanity: the three agree before anything is timed.
  const want = Buffer.from(createHmac('sha256', key).update(buildS(0x72, [DIR, COUNT])).digest()).toString('hex');
  if (Buffer.from(api.kdf(key, 0x72, [DIR, COUNT])).toString('hex') !== want) throw new Error('firmware KDF disagrees with node:crypto');
  if (Buffer.from(hmacAsSha256(key, buildS(0x72, [DIR, COUNT]))).toString('hex') !== want) throw new Error('as-sha256 HMAC disagrees');

  table('KDF (A.13 KAMF′ input), key reused every call', [
    measure('node:crypto createHmac', () => createHmac('sha256', key).update(buildS(0x72, [DIR, COUNT])).digest()),
    measure('ue.wasm kdf() via public API', () => api.kdf(key, 0x72, [DIR, COUNT])),
    measure('ue.wasm kamfPrime() via public API', (i) => api.kamfPrime({ kamf: key, direction: 0, count: i >>> 0 })),
    measure('HMAC on @chainsafe/as-sha256 digest', () => hmacAsSha256(key, buildS(0x72, [DIR, COUNT]))),
  ]);
  table('KDF (A.13 KAMF′ input), a new key every call', [
    measure('node:crypto createHmac', (i) => createHmac('sha256', keys[i & 1023]).update(buildS(0x72, [DIR, COUNT])).digest()),
    measure('ue.wasm kdf() via public API', (i) => api.kdf(keys[i & 1023], 0x72, [DIR, COUNT])),
    measure('HMAC on @chainsafe/as-sha256 digest', (i) => hmacAsSha256(keys[i & 1023], buildS(0x72, [DIR, COUNT]))),
  ]);
}
