// The constant tables the firmware computes in its wasm start function instead of shipping them
// (crypto/aes.ts, crypto/sha256.ts, crypto/snow3g.ts): right after instantiation, before any export
// has run, each one must hold exactly the values the specification publishes. The expected values
// are the published tables (FIPS 197 Figure 7, FIPS 180-4 4.2.2 / 5.3.3, SNOW 3G Doc 2 Annex) or,
// where the spec defines a table by a formula only (MULalpha, DIValpha), that formula evaluated
// here naively for every input byte.
import { describe, expect, it } from 'vitest';
import { wasmBytes, type ModuleName } from '../../host/firmware/loader.js';
import { staticLayout } from '../../host/inspect/layout.js';
import { hex } from '../helpers.js';

/** Memory of a fresh instance (start function run, no export called) and the named block in it. */
function freshBlock(module: ModuleName, name: string): Uint8Array {
  const block = staticLayout(module).blocks.find((b) => b.name === name);
  if (!block) throw new Error(`${module}: no static block ${name}`);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes(module)), {});
  return new Uint8Array((inst.exports.memory as WebAssembly.Memory).buffer, block.ptr, block.len).slice();
}
const u32le = (b: Uint8Array, i: number) => new DataView(b.buffer, b.byteOffset).getUint32(4 * i, true);

/** FIPS 197 Figure 7, the S-box, row x = high nibble. */
const FIPS197_SBOX = hex(
  '637c777bf26b6fc53001672bfed7ab76ca82c97dfa5947f0add4a2af9ca472c0b7fd9326363ff7cc34a5e5f171d83115' +
  '04c723c31896059a071280e2eb27b27509832c1a1b6e5aa0523bd6b329e32f8453d100ed20fcb15b6acbbe394a4c58cf' +
  'd0efaafb434d338545f9027f503c9fa851a3408f929d38f5bcb6da2110fff3d2cd0c13ec5f974417c4a77e3d645d1973' +
  '60814fdc222a908846eeb814de5e0bdbe0323a0a4906245cc2d3ac629195e479e7c8376d8dd54ea96c56f4ea657aae08' +
  'ba78252e1ca6b4c6e8dd741f4bbd8b8a703eb5664803f60e613557b986c11d9ee1f8981169d98e949b1e87e9ce5528df' +
  '8ca1890dbfe6426841992d0fb054bb16');

/** FIPS 180-4 4.2.2, K0..K63, and 5.3.3, H(0). */
const FIPS180_K = (
  '428a2f98 71374491 b5c0fbcf e9b5dba5 3956c25b 59f111f1 923f82a4 ab1c5ed5 d807aa98 12835b01 243185be 550c7dc3 72be5d74 80deb1fe 9bdc06a7 c19bf174 ' +
  'e49b69c1 efbe4786 0fc19dc6 240ca1cc 2de92c6f 4a7484aa 5cb0a9dc 76f988da 983e5152 a831c66d b00327c8 bf597fc7 c6e00bf3 d5a79147 06ca6351 14292967 ' +
  '27b70a85 2e1b2138 4d2c6dfc 53380d13 650a7354 766a0abb 81c2c92e 92722c85 a2bfe8a1 a81a664b c24b8b70 c76c51a3 d192e819 d6990624 f40e3585 106aa070 ' +
  '19a4c116 1e376c08 2748774c 34b0bcb5 391c0cb3 4ed8aa4a 5b9cca4f 682e6ff3 748f82ee 78a5636f 84c87814 8cc70208 90befffa a4506ceb bef9a3f7 c67178f2'
).split(' ').map((w) => parseInt(w, 16));
const FIPS180_H0 = '6a09e667 bb67ae85 3c6ef372 a54ff53a 510e527f 9b05688c 1f83d9ab 5be0cd19'.split(' ').map((w) => parseInt(w, 16));

/** SNOW 3G (UEA2&UIA2 Doc 2), the S-box S_Q used by S2. */
const SNOW3G_SQ = hex(
  '25247367d7ae5c30a4ee6ecb7db582dbe48e48494f5d6a787088e85f5e8465e2d8e9cced402f112857d2ace34a151bb9' +
  'b28085a62e024729074b0ec151aa89d4ca0146b3efdd447bc27fbec39f204c6483a2684213b441cdbac6bb6d4d7121f4' +
  '8db0e593fe8fe6cf43453122373696fabc0f08521d551ac54e23697a92ff5b5aeb9a1ca9d17e0dfc508ab662f50af8dc' +
  '033c0c39f1b8f33df2d597668132a00006cef6eab717f78c79d6a7bf8b3f1f536375352c60fd27d394a57ca105582dbd' +
  'd9c7af6b540be03804c89de714b1879cdf6ff9da2ac459167491ab266176342bad99fb72ec3312de983bc09b3e18103a' +
  '56e177c91e9e95a39019a86c09d0f086');

/** xtime (FIPS 197 4.2.1): multiplication by {02} modulo x^8 + x^4 + x^3 + x + 1. */
const xtime = (b: number) => ((b << 1) & 0xff) ^ (b & 0x80 ? 0x1b : 0);
/** MULxPOW(V, i, c) (SNOW 3G Doc 2, 3.1.2): MULx(V, c) (3.1.1) applied i times. */
function mulxPow(v: number, i: number, c: number): number {
  for (let k = 0; k < i; k++) v = ((v << 1) & 0xff) ^ (v & 0x80 ? c : 0);
  return v;
}

describe('tables computed at instantiation hold the published values before any export runs', () => {
  for (const module of ['ue', 'usim'] as const) {
    it(`${module}: AES T0[x] = [{02}·S(x), S(x), S(x), {03}·S(x)] with S the FIPS 197 Figure 7 S-box`, () => {
      const t0 = freshBlock(module, 'T0');
      for (let x = 0; x < 256; x++) {
        const s = FIPS197_SBOX[x], s2 = xtime(s);
        expect([...t0.subarray(4 * x, 4 * x + 4)], `T0[${x}]`).toEqual([s2, s, s, s2 ^ s]);
      }
    });
  }

  it('SHA-256 K0..K63: "the first thirty-two bits of the fractional parts of the cube roots of the first sixty-four prime numbers" (FIPS 180-4 4.2.2)', () => {
    const k = freshBlock('ue', 'K');
    expect(Array.from({ length: 64 }, (_, i) => u32le(k, i))).toEqual(FIPS180_K);
  });

  it('SHA-256 H(0): the fractional parts of the square roots of the first eight primes (FIPS 180-4 5.3.3)', () => {
    const iv = freshBlock('ue', 'IV');
    expect(Array.from({ length: 8 }, (_, i) => u32le(iv, i))).toEqual(FIPS180_H0);
  });

  it('SNOW 3G S_Q = the published table (Doc 2: S_Q(x) = g49(x) ⊕ 0x25 over GF(2^8) mod x^8 + x^6 + x^5 + x^3 + 1)', () => {
    expect(Buffer.from(freshBlock('ue', 'SQ')).toString('hex')).toBe(Buffer.from(SNOW3G_SQ).toString('hex'));
  });

  // Doc 2, 3.4.2: MULα(c) = MULxPOW(c, 23, 0xA9) || MULxPOW(c, 245, 0xA9) || MULxPOW(c, 48, 0xA9) ||
  // MULxPOW(c, 239, 0xA9); 3.4.3: DIVα(c) = MULxPOW(c, 16, 0xA9) || MULxPOW(c, 39, 0xA9) ||
  // MULxPOW(c, 6, 0xA9) || MULxPOW(c, 64, 0xA9). The firmware keeps the value for every low nibble
  // (entries 0..15) and every high nibble (entries 16..31); by linearity these give every byte.
  for (const [name, pows] of [['MULalphaNib', [23, 245, 48, 239]], ['DIValphaNib', [16, 39, 6, 64]]] as const) {
    it(`SNOW 3G ${name}: MULxPOW per Doc 2 for every nibble, and the XOR of the two nibbles gives every byte`, () => {
      const t = freshBlock('ue', name);
      const word = (c: number) => pows.reduce((w, i) => ((w << 8) | mulxPow(c, i, 0xa9)) >>> 0, 0);
      for (let j = 0; j < 16; j++) {
        expect(u32le(t, j), `${name}[${j}]`).toBe(word(j));
        expect(u32le(t, 16 + j), `${name}[16 + ${j}]`).toBe(word(j << 4));
      }
      for (let c = 0; c < 256; c++) expect((u32le(t, c & 15) ^ u32le(t, 16 + (c >> 4))) >>> 0, `${name}(${c})`).toBe(word(c));
    });
  }

  it('the release binaries ship none of these tables as data (they exist only after instantiation)', () => {
    for (const [module, names] of [['ue', ['T0', 'K', 'IV', 'SQ', 'MULalphaNib', 'DIValphaNib']], ['usim', ['T0']]] as const) {
      const kinds = new Map(staticLayout(module).blocks.map((b) => [b.name, b.kind]));
      for (const n of names) expect(kinds.get(n), `${module} ${n}`).toBe('table');
    }
  });
});
