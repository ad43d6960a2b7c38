// The FAST build (issue 12: build/ue-fast.wasm, build/usim-fast.wasm; assembly/crypto/variant.ts)
// against outside references beyond the official vector sets (those run against both builds in the
// parameterised suites, tests/vitest.config.mjs): the UEA2 sets through 128-NEA1, node:crypto and the independent references of
// host/reference on many lengths, the memory hygiene of issue 17 (no key bytes left in the page
// after a call), and the promise that both builds are one firmware: same exports with the same
// signatures, same memory-map constants, one fixed page, zero imports, MVP only.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { instantiateSync, wasmBytes, type Firmware, type ModuleFile } from '../../host/firmware/loader.js';
import { KeyDerivation } from '../../host/firmware/keys.js';
import { nasCipher, nasMac } from '../../host/firmware/nas-algorithms.js';
import { UsimModule } from '../../host/firmware/usim-module.js';
import { kdfRef } from '../../host/reference/kdf.js';
import { nea2Ref, nia2Ref } from '../../host/reference/nas.js';
import { nea1Ref, nia1Ref } from '../../host/reference/snow3g.js';
import { nea3Ref, nia3Ref } from '../../host/reference/zuc.js';
import { milenageOpc, milenageRef } from '../../host/reference/milenage.js';
import { tuakRef, tuakTopcRef } from '../../host/reference/tuak.js';
import { readWasm } from '../../host/inspect/wasm.js';
import { inspect } from '../abi/wasm-props.js';
import { hex, toHex, vectorCases } from '../helpers.js';

const fast = instantiateSync('ue-fast');
const small = instantiateSync('ue');
const api = new KeyDerivation(instantiateSync('ue-fast'));
const usim = new UsimModule(instantiateSync('usim-fast'));

/** The first `bits` bits of `b` as hex, later bits of the last byte cleared. */
function bitsHex(b: Uint8Array, bits: number): string {
  const out = b.slice(0, Math.ceil(bits / 8));
  if (bits % 8) out[out.length - 1] &= 0xff << (8 - (bits % 8));
  return toHex(out);
}
const u32 = (h: string): number => parseInt(h, 16) >>> 0;

/** Seeded bytes (node:crypto SHA-256 in counter mode), so a failure is reproducible. */
function seeded(label: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i * 32 < n; i++) out.set(createHash('sha256').update(`${label}/${i}`).digest().subarray(0, Math.min(32, n - i * 32)), i * 32);
  return out;
}

describe('one firmware, two builds: the fast modules have the small modules\' interface', () => {
  const pairs: Array<[ModuleFile, ModuleFile]> = [['ue', 'ue-fast'], ['usim', 'usim-fast']];
  for (const [s, f] of pairs) {
    it(`${f}.wasm exports the same names as ${s}.wasm, each function with the same signature`, () => {
      const sig = (m: ModuleFile) => {
        const info = readWasm(wasmBytes(m));
        return Object.fromEntries(info.exports.map((e) => {
          if (e.kind !== 0) return [e.name, `kind ${e.kind}`];
          const t = info.types[info.funcTypes[e.index - info.importedFuncs]];
          return [e.name, `(${t.params.join(',')}) -> (${t.results.join(',')})`];
        }));
      };
      const a = sig(s), b = sig(f);
      expect(Object.keys(a).length).toBeGreaterThan(5);
      expect(b).toEqual(a);
    });
    it(`${f}.wasm has the same memory-map constants (every exported global) as ${s}.wasm`, () => {
      const consts = (m: ModuleFile) => {
        const inst = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes(m)), {});
        return Object.fromEntries(Object.entries(inst.exports).filter(([, v]) => v instanceof WebAssembly.Global).map(([k, v]) => [k, Number((v as WebAssembly.Global).value)]));
      };
      const a = consts(s), b = consts(f);
      expect(Object.keys(a)).toContain('IO_IN_PTR');
      expect(b).toEqual(a);
    });
    it(`${f}.wasm: zero imports, one page (initial = maximum), no memory.grow, valid with every post-MVP feature off`, async () => {
      const x = await inspect(wasmBytes(f));
      expect(x).toMatchObject({ imports: 0, memMin: 1, memMax: 1, growSites: 0, mvpValid: true });
    });
  }
});

// The TS 33.401 Annex C sets run against the fast build in tests/vectors/nas-vectors.test.ts (|fast|);
// this one reads the UEA2 sets through nas_cipher, which the vector suite does not.
describe('fast build: UEA2 f8 test data (TS 35.217) through 128-NEA1', () => {
  for (const v of vectorCases('ts35217-uea2-uia2.json').filter((x: any) => x.plaintext !== undefined)) {
    it(`${v.source}: UEA2 f8 = 128-NEA1 with COUNT = COUNT-C`, () => {
      const c = nasCipher(fast, { alg: 1, key: hex(v.key), count: u32(v.count), bearer: v.bearer, direction: v.direction, message: hex(v.plaintext), bits: v.length_bits });
      expect(bitsHex(c, v.length_bits)).toBe(bitsHex(hex(v.ciphertext), v.length_bits));
    });
  }
});

/** Message lengths of the differential: the byte lengths, then bit lengths that are not a
 *  multiple of 8 around the 32-, 64- and 128-bit block and word edges. */
const BYTE_LENGTHS = [0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1500, 4000];
const BIT_LENGTHS = [1, 5, 31, 33, 63, 65, 95, 127, 129, 255, 257, 1001, 8191, 12001];
const REFS = {
  1: { nea: nea1Ref, nia: nia1Ref }, 2: { nea: nea2Ref, nia: nia2Ref }, 3: { nea: nea3Ref, nia: nia3Ref },
} as const;

describe('fast build: NEA/NIA 1–3 against node:crypto (NEA2/NIA2) and host/reference (SNOW 3G, ZUC), many lengths', () => {
  for (const alg of [1, 2, 3] as const) {
    it(`128-NEA${alg} and 128-NIA${alg}: lengths ${BYTE_LENGTHS.join(', ')} bytes and ${BIT_LENGTHS.join(', ')} bits, random key/COUNT/BEARER/DIRECTION`, () => {
      const lengths = [...BYTE_LENGTHS.map((n) => 8 * n), ...BIT_LENGTHS];
      for (const [i, bits] of lengths.entries()) {
        for (let rep = 0; rep < 3; rep++) {
          const key = seeded(`key${alg}/${i}/${rep}`, 16), msg = seeded(`msg${alg}/${i}/${rep}`, Math.ceil(bits / 8) + rep);
          const x = { alg, key, count: new DataView(seeded(`count/${i}/${rep}`, 4).buffer).getUint32(0), bearer: (i * 7 + rep) & 31, direction: (i + rep) & 1, message: msg, bits };
          const what = `alg ${alg}, ${bits} bits, rep ${rep}`;
          const c = nasCipher(fast, x);
          expect(toHex(c), what).toBe(toHex(REFS[alg].nea(key, x.count, x.bearer, x.direction, msg, bits)));
          expect(toHex(c), `${what}: small build`).toBe(toHex(nasCipher(small, x)));
          const m = nasMac(fast, x);
          expect(toHex(m), what).toBe(toHex(REFS[alg].nia(key, x.count, x.bearer, x.direction, msg, bits)));
          expect(toHex(m), `${what}: small build`).toBe(toHex(nasMac(small, x)));
        }
      }
    });
  }
  it('128-NIA2 and 128-NEA2 at every bit length 0..600 (CMAC block edges, CTR tail)', () => {
    const key = seeded('edge', 16), msg = seeded('edge-msg', 80);
    for (let bits = 0; bits <= 600; bits++) {
      const x = { alg: 2, key, count: 0x01020304 + bits, bearer: bits & 31, direction: bits & 1, message: msg, bits };
      expect(toHex(nasMac(fast, x)), `bits=${bits}`).toBe(toHex(nia2Ref(key, x.count, x.bearer, x.direction, msg, bits)));
      expect(toHex(nasCipher(fast, x)), `bits=${bits}`).toBe(toHex(nea2Ref(key, x.count, x.bearer, x.direction, msg, bits)));
    }
  });
  it('128-NEA1/NIA1 and 128-NEA3/NIA3 at every bit length 0..1,100 (the 16-word keystream batches of the fast build end at every position of the message)', () => {
    const key = seeded('edge13', 16), msg = seeded('edge13-msg', 140);
    for (const alg of [1, 3] as const) {
      for (let bits = 0; bits <= 1100; bits++) {
        const x = { alg, key, count: 0x0a0b0c0d + bits, bearer: bits & 31, direction: (bits >> 5) & 1, message: msg, bits };
        expect(toHex(nasMac(fast, x)), `NIA${alg} bits=${bits}`).toBe(toHex(REFS[alg].nia(key, x.count, x.bearer, x.direction, msg, bits)));
        expect(toHex(nasCipher(fast, x)), `NEA${alg} bits=${bits}`).toBe(toHex(REFS[alg].nea(key, x.count, x.bearer, x.direction, msg, bits)));
      }
    }
  });
  it('128-NEA3/NIA3 on messages up to 4,032 octets (host/reference/zuc): the fast ZUC round engine runs n = 16q + r rounds in one call, r = n mod 16 in a tail copy that leaves after round r; every r with q = 15 and q = 62, and a bit tail in each last word', () => {
    // NEA3 runs floor(LENGTH / 32) rounds in the engine, NIA3 floor(LENGTH / 32) (one per whole
    // message word, 128-EIA3 Doc 1 4.4); LENGTH = 32(16q + r) + t with t in 0..31 covers both.
    const key = seeded('zuc-long', 16), msg = seeded('zuc-long-msg', 4032);
    for (const q of [15, 62]) {
      for (let r = 0; r < 16; r++) {
        const bits = 32 * (16 * q + r) + ((r * 7) & 31);
        const x = { alg: 3, key, count: 0x5a5a0000 + bits, bearer: r, direction: q & 1, message: msg, bits };
        expect(toHex(nasMac(fast, x)), `NIA3 bits=${bits}`).toBe(toHex(nia3Ref(key, x.count, x.bearer, x.direction, msg, bits)));
        expect(toHex(nasCipher(fast, x)), `NEA3 bits=${bits}`).toBe(toHex(nea3Ref(key, x.count, x.bearer, x.direction, msg, bits)));
      }
    }
  });
  it('128-NEA2: the 64-bit counter carries across its low 32 bits (COUNT ‖ BEARER ‖ DIRECTION ‖ 0^26 ends in ffffffff after 2^26 blocks; here the carry is forced by COUNT = ffffffff with a long message)', () => {
    // T1 = COUNT ‖ BEARER ‖ DIRECTION ‖ 0^26 ‖ 0^64: the low 64 bits start at 0, so the carry out of
    // the low 32 bits never happens for NAS lengths; node:crypto's aes-128-ctr increments all 128
    // bits and still agrees on every length, which the cases above check. This case checks the
    // longest message the mailbox takes.
    const key = seeded('long', 16), msg = seeded('long-msg', 4000);
    const x = { alg: 2, key, count: 0xffffffff, bearer: 31, direction: 1, message: msg, bits: 32000 };
    expect(toHex(nasCipher(fast, x))).toBe(toHex(nea2Ref(key, x.count, 31, 1, msg, 32000)));
  });
});

// FIPS 180-4 and RFC 4231 sets: tests/vectors/kdf-vectors.test.ts (|fast|).
describe('fast build: SHA-256, HMAC-SHA-256 and the KDF', () => {
  it('SHA-256 against node:crypto for every length 0..300 (padding in one or two blocks) and 1500, 4000', () => {
    for (const n of [...Array.from({ length: 301 }, (_, i) => i), 1500, 4000]) {
      const m = seeded(`sha/${n}`, n);
      expect(toHex(api.sha256(m)), `n=${n}`).toBe(createHash('sha256').update(m).digest('hex'));
    }
  });
  it('HMAC-SHA-256 against node:crypto: keys of 0..100 bytes (hashed above 64), messages 0..200 bytes', () => {
    for (let i = 0; i < 120; i++) {
      const key = seeded(`hk/${i}`, (i * 13) % 101), msg = seeded(`hm/${i}`, (i * 29) % 201);
      expect(toHex(api.hmacSha256(key, msg)), `key ${key.length}, msg ${msg.length}`).toBe(createHmac('sha256', key).update(msg).digest('hex'));
    }
  });
  it('the generic KDF (TS 33.220 B.2) against the node:crypto reference: one to three parameters, S up to 300 bytes', () => {
    for (let i = 0; i < 60; i++) {
      const key = seeded(`kk/${i}`, 32), params = Array.from({ length: 1 + (i % 3) }, (_, j) => seeded(`kp/${i}/${j}`, (i * 17 + j * 41) % 100));
      const fc = 0x69 + (i % 10);
      expect(toHex(api.kdf(key, fc, params)), `case ${i}`).toBe(toHex(kdfRef(key, fc, params)));
    }
  });
});

// The TS 35.208 / TS 35.233 test sets: tests/vectors/usim-vectors.test.ts (|fast|).
describe('fast build (usim-fast.wasm): MILENAGE and TUAK on random inputs', () => {
  it('MILENAGE on 40 random inputs against host/reference/milenage.ts (node:crypto AES-128)', () => {
    for (let i = 0; i < 40; i++) {
      const k = seeded(`mk/${i}`, 16), op = seeded(`mop/${i}`, 16), rand = seeded(`mr/${i}`, 16), sqn = seeded(`ms/${i}`, 6), amf = seeded(`ma/${i}`, 2);
      const opc = milenageOpc(k, op);
      const r = milenageRef(k, opc, rand, sqn, amf);
      const o = usim.milenage({ k, op, rand, sqn, amf });
      expect([o.opc, o.macA, o.macS, o.res, o.ck, o.ik, o.ak, o.akStar].map(toHex))
        .toEqual([opc, r.macA, r.macS, r.res, r.ck, r.ik, r.ak, r.akStar].map(toHex));
    }
  });
  it('TUAK on random inputs, every length combination, 1–3 iterations against host/reference/tuak.ts', () => {
    let i = 0;
    for (const kBits of [128, 256]) for (const macBits of [64, 128, 256]) for (const resBits of [32, 64, 128, 256]) {
      const ckBits = (i & 1) ? 256 : 128, ikBits = (i & 2) ? 256 : 128, iterations = 1 + (i % 3);
      const k = seeded(`tk/${i}`, kBits / 8), top = seeded(`tt/${i}`, 32), rand = seeded(`tr/${i}`, 16), sqn = seeded(`ts/${i}`, 6), amf = seeded(`ta/${i}`, 2);
      const topc = tuakTopcRef(k, top, iterations);
      const r = tuakRef(k, topc, rand, sqn, amf, { iterations, macBits, resBits, ckBits, ikBits });
      const o = usim.tuak({ k, top, rand, sqn, amf, iterations, macBits, resBits, ckBits, ikBits });
      expect([o.opc, o.macA, o.macS, o.res, o.ck, o.ik, o.ak, o.akStar].map(toHex), `case ${i}`)
        .toEqual([topc, r.macA, r.macS, r.res, r.ck, r.ik, r.ak, r.akStar].map(toHex));
      i++;
    }
  });
});

/** Where in `image` any 8-byte window of `secret` occurs (−1: nowhere). */
function hit(image: Uint8Array, secrets: Record<string, Uint8Array>): string | null {
  const buf = Buffer.from(image);
  for (const [name, s] of Object.entries(secrets)) {
    const w = Math.min(8, s.length);
    for (let i = 0; i + w <= s.length; i++) {
      const at = buf.indexOf(Buffer.from(s.subarray(i, i + w)));
      if (at >= 0) return `${name}[${i}..${i + w}) at 0x${at.toString(16)}`;
    }
  }
  return null;
}

describe('fast build: no key bytes left in the page after a call returns (issue 17)', () => {
  it('NEA/NIA 1–3 (the key, keystream-derived state and tables do not hold KNASenc / KNASint)', () => {
    for (const alg of [1, 2, 3]) {
      const key = seeded(`hyg-key/${alg}`, 16), message = seeded(`hyg-msg/${alg}`, 200);
      const fw = instantiateSync('ue-fast');
      nasCipher(fw, { alg, key, count: 7, bearer: 3, direction: 1, message });
      expect(hit(fw.snapshot(), { key }), `NEA${alg}`).toBeNull();
      nasMac(fw, { alg, key, count: 7, bearer: 3, direction: 1, message });
      expect(hit(fw.snapshot(), { key }), `NIA${alg}`).toBeNull();
    }
  });
  it('the KDF, HMAC and SHA-256 exports: neither the key nor the derived key remains', () => {
    const a = new KeyDerivation(instantiateSync('ue-fast'));
    const key = seeded('hyg-kdf', 32), hk = seeded('hyg-hmac', 100);
    const out = a.kdf(key, 0x6c, [new TextEncoder().encode('5G:mnc093.mcc208.3gppnetwork.org')]);
    expect(hit(a.memoryImage(), { key, out })).toBeNull();
    const mac = a.hmacSha256(hk, seeded('hyg-m', 50));
    expect(hit(a.memoryImage(), { hk, mac })).toBeNull();
    const kamf = seeded('hyg-kamf', 32);
    const nas = a.nasKeys({ kamf, nea: 2, nia: 2 });
    expect(hit(a.memoryImage(), { kamf, knasenc: nas.knasenc, knasint: nas.knasint })).toBeNull();
  });
  it('MILENAGE and TUAK exports of usim-fast: K, OPc/TOPc and every output gone after the call', () => {
    const fw = instantiateSync('usim-fast');
    const u = new UsimModule(fw);
    const k = seeded('hyg-mk', 16), op = seeded('hyg-op', 16), rand = seeded('hyg-r', 16), sqn = seeded('hyg-s', 6), amf = seeded('hyg-a', 2);
    const o = u.milenage({ k, op, rand, sqn, amf });
    expect(hit(fw.snapshot(), { k, opc: o.opc, ck: o.ck, ik: o.ik, res: o.res, macA: o.macA })).toBeNull();
    const kt = seeded('hyg-tk', 32), top = seeded('hyg-top', 32);
    const t = u.tuak({ k: kt, top, rand, sqn, amf, iterations: 2, macBits: 128, resBits: 64, ckBits: 256, ikBits: 256 });
    expect(hit(fw.snapshot(), { kt, topc: t.opc, ck: t.ck, ik: t.ik, res: t.res, macA: t.macA })).toBeNull();
  });
  // crypto/hmac-fast.ts computes a KDF whose S fits one block (≤ 55 octets) in HMAC_WORK and wipes
  // its chaining values and blocks itself; the README memory map's rule for every scratch region
  // is "all zeros once any export has returned". S of 10, 55 (the last one-block length), 56 and
  // 300 octets, the key context and the NAS keys: afterwards the whole page is a fresh instance's.
  it('after the KDFs (one-block S ≤ 55 and longer, a key context, the NAS keys) the page is the page of a fresh instance: HMAC_WORK, HMAC_KEY and KDF_S back to zero', () => {
    const fresh = instantiateSync('ue-fast').snapshot();
    const fw = instantiateSync('ue-fast');
    const a = new KeyDerivation(fw), key = seeded('page-kdf', 32);
    for (const n of [10, 55, 56, 300]) {
      const p = seeded(`page-p${n}`, n - 3); // S = FC ‖ P0 ‖ L0: 1 + (n − 3) + 2 octets
      expect(toHex(a.kdf(key, 0x72, [p]))).toBe(toHex(kdfRef(key, 0x72, [p])));
    }
    const k = a.kdfKey(key);
    k.derive(0x72, [Uint8Array.of(1), Uint8Array.of(0, 0, 0, 5)]); k.dispose();
    a.nasKeys({ kamf: key, nea: 2, nia: 2 });
    const after = fw.snapshot();
    const changed: number[] = [];
    for (let i = 0; i < after.length; i++) if (after[i] !== fresh[i]) changed.push(i);
    expect(changed.length === 0 ? null : `first changed byte at 0x${changed[0].toString(16)}`).toBeNull();
  });
  it('the page after a call is the page of a fresh instance outside the mailboxes (only constant tables, no scratch left)', () => {
    const fresh = instantiateSync('ue-fast').snapshot();
    const fw = instantiateSync('ue-fast');
    for (const alg of [1, 2, 3]) {
      const x = { alg, key: randomBytes(16), count: 1, bearer: 2, direction: 0, message: randomBytes(1500) };
      nasCipher(fw, x); nasMac(fw, x);
    }
    const after = fw.snapshot();
    const changed: number[] = [];
    for (let i = 0; i < after.length; i++) if (after[i] !== fresh[i]) changed.push(i);
    expect(changed.length === 0 ? null : `first changed byte at 0x${changed[0].toString(16)}`).toBeNull();
  });
});
