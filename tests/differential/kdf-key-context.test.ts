// The caller-owned KDF key context (issue 12; host/firmware/kdf-key.ts, the kdf export's modes
// fc = 0x200 "make" and fc = 0x100 | FC "derive with it", assembly/me/abi/kdf.ts). Checked against
// node:crypto's HMAC-SHA-256 as the TS 33.220 B.2 KDF defines it ("derived key =
// HMAC-SHA-256 (Key , S)", S = FC ‖ P0 ‖ L0 ‖ … ‖ Pn ‖ Ln, Li two octets), on random keys, FCs and
// parameter lists; plus issue 17's rule for it (nothing key-derived in module memory after any call
// returns, a disposed context wiped) and the export's refusals (a status, and no byte of memory
// changed). Runs against both builds (tests/vitest.config.mjs).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash, createHmac } from 'node:crypto';
import { UE_FILE } from '../helpers.js';
import { instantiateSync } from '../../host/firmware/loader.js';
import { KeyDerivation } from '../../host/firmware/keys.js';
import { InputError, StateError } from '../../host/errors.js';

/** TS 33.220 B.2.0 on node:crypto: HMAC-SHA-256(Key, FC ‖ P0 ‖ L0 ‖ …). */
function kdfNode(key: Uint8Array, code: number, params: Uint8Array[]): string {
  const h = createHmac('sha256', key).update(Uint8Array.of(code));
  for (const p of params) h.update(p).update(Uint8Array.of(p.length >> 8, p.length & 0xff));
  return h.digest('hex');
}
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** `n` seeded pseudo-random bytes (node:crypto SHA-256 of a label, counter mode). */
function seeded(label: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i * 32 < n; i++) out.set(createHash('sha256').update(`${label}/${i}`).digest().subarray(0, Math.min(32, n - i * 32)), i * 32);
  return out;
}
/** Where any 8-byte window of `secret` occurs in `image` (−1: nowhere). */
function hit(image: Uint8Array, secret: Uint8Array): number {
  const buf = Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  for (let i = 0; i + 8 <= secret.length; i++) { const at = buf.indexOf(Buffer.from(secret.subarray(i, i + 8))); if (at >= 0) return at; }
  return -1;
}
/** The context bytes a KdfKey holds (private: the tests look at what dispose() must wipe), as its
 *  64 octets: KdfKey keeps them as 16 native-endian words. */
const ctxOf = (k: object): Uint8Array => { const w = (k as { ctx: Uint32Array }).ctx; return new Uint8Array(w.buffer, w.byteOffset, w.byteLength); };

const params = fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 6 });

describe('TS 33.220 B.2 KDF through a caller-owned key context, vs node:crypto', () => {
  const api = new KeyDerivation(instantiateSync(UE_FILE));

  it('derive(fc, params) = HMAC-SHA-256(key, S) for random keys of 0–100 octets, any FC, any parameters', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 100 }), fc.nat({ max: 255 }), params, (key, code, ps) => {
      const k = api.kdfKey(key);
      try { expect(hex(k.derive(code, ps))).toBe(kdfNode(key, code, ps)); } finally { k.dispose(); }
    }), { numRuns: 500 });
  });

  it('keys longer than a SHA-256 block are hashed first (RFC 2104 2: "applications that use keys longer than B bytes will first hash the key")', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 65, maxLength: 300 }), fc.nat({ max: 255 }), params, (key, code, ps) => {
      const k = api.kdfKey(key);
      expect(hex(k.derive(code, ps))).toBe(kdfNode(key, code, ps));
    }), { numRuns: 100 });
  });

  it('one context serves many derivations, interleaved with other keys and with kdf()', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.array(fc.tuple(fc.nat({ max: 255 }), params), { minLength: 1, maxLength: 5 }), (a, b, calls) => {
        const ka = api.kdfKey(a), kb = api.kdfKey(b);
        for (const [code, ps] of calls) {
          expect(hex(ka.derive(code, ps))).toBe(kdfNode(a, code, ps));
          expect(hex(api.kdf(b, code, ps))).toBe(kdfNode(b, code, ps));
          expect(hex(kb.derive(code, ps))).toBe(kdfNode(b, code, ps));
        }
      }), { numRuns: 100 });
  });

  it('the context is not the key: 64 octets of chaining state, different per key', () => {
    const key = seeded('ctx-not-key', 32);
    const c1 = ctxOf(api.kdfKey(key)), c2 = ctxOf(api.kdfKey(seeded('ctx-other', 32)));
    expect(c1.length).toBe(64);
    expect(hit(c1, key)).toBe(-1);
    expect(hex(c1)).not.toBe(hex(c2));
    expect(hex(ctxOf(api.kdfKey(key)))).toBe(hex(c1)); // a function of the key alone
  });
});

describe('issue 17: the module keeps nothing of a key context', () => {
  it('after kdfKey(), every derive() and dispose(): no 8 bytes of the key, the context or an output anywhere in the 64 KiB image', () => {
    const api = new KeyDerivation(instantiateSync(UE_FILE));
    const key = seeded('hygiene-key', 32), p0 = seeded('hygiene-p0', 40);
    const k = api.kdfKey(key);
    const ctx = ctxOf(k).slice();
    for (const [what, secret] of [['key', key], ['context', ctx]] as const) expect(hit(api.memoryImage(), secret), `${what} after kdfKey`).toBe(-1);
    const outs: Uint8Array[] = [];
    for (let fcv = 0x69; fcv < 0x6d; fcv++) {
      outs.push(k.derive(fcv, [p0]));
      const image = api.memoryImage();
      for (const [what, secret] of [['key', key], ['context', ctx], ...outs.map((o, i) => [`output ${i}`, o] as const)] as const) {
        expect(hit(image, secret), `${what} after derive(0x${fcv.toString(16)})`).toBe(-1);
      }
    }
    k.dispose();
    expect(ctxOf(k).every((b) => b === 0), 'dispose() zeroes the context').toBe(true);
    expect(k.alive).toBe(false);
  });

  it('a derive refused by the host checks leaves no context bytes in memory', () => {
    const api = new KeyDerivation(instantiateSync(UE_FILE));
    const k = api.kdfKey(seeded('refused-key', 32));
    const ctx = ctxOf(k).slice();
    expect(() => k.derive(0x6c, [new Uint8Array(4040)])).toThrow(InputError); // 64 + 8 + 4040 + 3 > 4096: does not fit with the context
    expect(() => k.derive(0x6c, [new Uint8Array(0x10000)])).toThrow(InputError);
    expect(hit(api.memoryImage(), ctx)).toBe(-1);
  });
});

describe('refusals', () => {
  it('host: a disposed context derives nothing (StateError, ERR_STATE) and changes no memory; bad fc, params and key name the field', () => {
    const api = new KeyDerivation(instantiateSync(UE_FILE));
    const k = api.kdfKey(seeded('disposed', 32));
    k.dispose();
    const before = Buffer.from(api.memoryImage());
    expect(() => k.derive(0x6c, [new Uint8Array(4)])).toThrow(StateError);
    expect(before.equals(api.memoryImage()), 'memory unchanged').toBe(true);
    k.dispose(); // idempotent
    const live = api.kdfKey(seeded('live', 32));
    for (const bad of [0x100, -1, 1.5, 256, '1', null]) {
      expect(() => live.derive(bad as number, []), String(bad)).toThrow(/^fc /);
    }
    expect(() => live.derive(0x6c, [Uint8Array.of(1), [1, 2] as unknown as Uint8Array])).toThrow(/^params\[1\]/);
    expect(() => live.derive(0x6c, 'x' as unknown as Uint8Array[])).toThrow(/^params /);
    expect(() => api.kdfKey('k' as unknown as Uint8Array)).toThrow(/^key /);
    expect(() => api.kdfKey(new Uint8Array(4097))).toThrow(/^key /);
  });

  it('ABI: wrong context length → ERR_LENGTH, unknown mode or a make call with parameters → ERR_VALUE, a context past the mailbox → ERR_RANGE; none changes a byte of memory', () => {
    const fw = instantiateSync(UE_FILE);
    fw.begin();
    const c = fw.put(seeded('abi', 64)), p = fw.put(seeded('abi-p', 8)), t = fw.reserve(8);
    fw.putU32(t, p); fw.putU32(t + 4, 8);
    const cases: Array<[string, number[], number]> = [
      ['context of 63 octets', [c, 63, 0x16c, t, 1], 2],
      ['context of 65 octets', [c, 65, 0x16c, t, 1], 2],
      ['context of 32 octets', [c, 32, 0x100, t, 1], 2],
      ['mode 0x200 with an FC', [c, 32, 0x201, 0, 0], 3],
      ['mode 0x300', [c, 64, 0x36c, t, 1], 3],
      ['fc 2^32 − 1', [c, 64, 0xffffffff, t, 1], 3],
      ['make with a parameter', [c, 32, 0x200, t, 1], 3],
      ['context past the mailbox end', [fw.inLen - 60, 64, 0x16c, t, 1], 1],
      ['parameter table past the mailbox', [c, 64, 0x16c, fw.inLen - 4, 1], 1],
    ];
    for (const [what, args, status] of cases) {
      const before = Buffer.from(fw.snapshot());
      expect(fw.tryCall('kdf', ...args), what).toBe(status);
      expect(before.equals(fw.snapshot()), `${what}: memory unchanged`).toBe(true);
    }
  });

  it('ABI: make (fc 0x200) returns the context at IO_OUT[0..64) and derive-with-context equals the plain KDF (fc 0x100 | FC)', () => {
    const fw = instantiateSync(UE_FILE);
    const key = seeded('abi-key', 32), p0 = seeded('abi-p0', 35);
    fw.begin();
    expect(fw.tryCall('kdf', fw.put(key), 32, 0x200, 0, 0)).toBe(0);
    const ctx = fw.take(0, 64);
    expect(fw.take(64, 32).every((b) => b === 0), 'nothing past the context').toBe(true);
    fw.clearMailboxes();
    fw.begin();
    const c = fw.put(ctx), p = fw.put(p0), t = fw.reserve(8);
    fw.putU32(t, p); fw.putU32(t + 4, p0.length);
    expect(fw.tryCall('kdf', c, 64, 0x100 | 0x6a, t, 1)).toBe(0);
    expect(hex(fw.take(0, 32))).toBe(kdfNode(key, 0x6a, [p0]));
  });
});
