/**
 * SNOW 3G and the two 3GPP algorithms built on it — 128-EEA1 (= 128-NEA1, UEA2 f8 with the EPS/5G
 * inputs) and 128-EIA1 (= 128-NIA1, UIA2 f9) — written in plain TypeScript from ETSI/SAGE
 * "Specification of the 3GPP Confidentiality and Integrity Algorithms UEA2 & UIA2", Document 1
 * (f8 3, f9 4) and Document 2 (SNOW 3G 3, 4), and TS 33.401 B.1.2 / B.2.2 for the 128-bit
 * inputs. Every table is computed from its definition: S_R is the AES S-box (FIPS 197 5.1.1),
 * S_Q = g49(x) ⊕ 0x25 over GF(2^8) mod x^8+x^6+x^5+x^3+1, MULα/DIVα from MULxPOW with 0xA9
 * (Doc 2 3.4). node:crypto has no SNOW 3G, so the conformance SS uses this one; it shares no code
 * with the firmware and is checked against the TS 33.401 Annex C / Document 3 test data in
 * tests/vectors/conformance-references.test.ts.
 */

const mulx = (v: number, c: number) => ((v & 0x80) ? ((v << 1) ^ c) : (v << 1)) & 0xff;
const mulxPow = (v: number, i: number, c: number) => { for (; i > 0; i--) v = mulx(v, c); return v; };
/** a·b in GF(2^8) for the field of MULx(., c). */
function gmul(a: number, b: number, c: number): number {
  let r = 0;
  for (let i = 7; i >= 0; i--) { r = mulx(r, c); if ((b >> i) & 1) r ^= a; }
  return r;
}
const gpow = (a: number, e: number, c: number) => { let r = 1; for (let i = 0; i < e; i++) r = gmul(r, a, c); return r; };
const rotl8 = (b: number, k: number) => ((b << k) | (b >>> (8 - k))) & 0xff;

const SR = new Uint8Array(256), SQ = new Uint8Array(256);
const MULA = new Uint32Array(256), DIVA = new Uint32Array(256);
for (let x = 0; x < 256; x++) {
  // AES S-box: inverse in GF(2^8) mod x^8+x^4+x^3+x+1 (MULx constant 0x1B), then the affine map
  const inv = x === 0 ? 0 : gpow(x, 254, 0x1b);
  SR[x] = inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63;
  let g = 0;
  for (const e of [1, 9, 13, 15, 33, 41, 45, 47, 49]) g ^= gpow(x, e, 0x69);
  SQ[x] = g ^ 0x25;
  MULA[x] = ((mulxPow(x, 23, 0xa9) << 24) | (mulxPow(x, 245, 0xa9) << 16) | (mulxPow(x, 48, 0xa9) << 8) | mulxPow(x, 239, 0xa9)) >>> 0;
  DIVA[x] = ((mulxPow(x, 16, 0xa9) << 24) | (mulxPow(x, 39, 0xa9) << 16) | (mulxPow(x, 6, 0xa9) << 8) | mulxPow(x, 64, 0xa9)) >>> 0;
}

/** S1 (Doc 2, 3.3.1) over S_R with MULx(., 0x1B), or S2 (3.3.2) over S_Q with MULx(., 0x69). */
function sbox(w: number, s: Uint8Array, c: number): number {
  const a = s[w >>> 24], b = s[(w >>> 16) & 0xff], d = s[(w >>> 8) & 0xff], e = s[w & 0xff];
  const r0 = mulx(a, c) ^ b ^ d ^ mulx(e, c) ^ e;
  const r1 = mulx(a, c) ^ a ^ mulx(b, c) ^ d ^ e;
  const r2 = a ^ mulx(b, c) ^ b ^ mulx(d, c) ^ e;
  const r3 = a ^ b ^ mulx(d, c) ^ d ^ mulx(e, c);
  return ((r0 << 24) | (r1 << 16) | (r2 << 8) | r3) >>> 0;
}

/** SNOW 3G keystream generator (Doc 2, 4): key words k0..k3 and IV words IV0..IV3 as the spec names them. */
export class Snow3g {
  private s: number[];
  private r1 = 0; private r2 = 0; private r3 = 0;

  constructor(k: [number, number, number, number], iv: [number, number, number, number]) {
    const [k0, k1, k2, k3] = k, [iv0, iv1, iv2, iv3] = iv, one = 0xffffffff;
    this.s = [k0 ^ one, k1 ^ one, k2 ^ one, k3 ^ one, k0, k1, k2, k3, k0 ^ one, (k1 ^ one ^ iv3), (k2 ^ one ^ iv2), k3 ^ one, k0 ^ iv1, k1, k2, k3 ^ iv0].map((x) => x >>> 0);
    for (let i = 0; i < 32; i++) this.lfsr(this.fsm());
    this.fsm();
    this.lfsr(null);
  }

  private fsm(): number {
    const s = this.s;
    const f = ((((s[15] + this.r1) >>> 0) ^ this.r2) >>> 0);
    const r = (this.r2 + ((this.r3 ^ s[5]) >>> 0)) >>> 0;
    this.r3 = sbox(this.r2, SQ, 0x69);
    this.r2 = sbox(this.r1, SR, 0x1b);
    this.r1 = r;
    return f;
  }

  private lfsr(f: number | null): void {
    const s = this.s;
    let v = (((s[0] << 8) >>> 0) ^ MULA[s[0] >>> 24] ^ s[2] ^ (s[11] >>> 8) ^ DIVA[s[11] & 0xff]) >>> 0;
    if (f !== null) v = (v ^ f) >>> 0;
    s.shift(); s.push(v);
  }

  words(n: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < n; i++) { const f = this.fsm(); out.push((f ^ this.s[0]) >>> 0); this.lfsr(null); }
    return out;
  }
}

const be32 = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
/** K = k3 ‖ k2 ‖ k1 ‖ k0 with k3 the first four octets (Doc 1 3.4 / 4.4). */
const keyWords = (key: Uint8Array): [number, number, number, number] => [be32(key, 12), be32(key, 8), be32(key, 4), be32(key, 0)];

/** 128-EEA1 / 128-NEA1 = f8 (Doc 1, 3) with COUNT, BEARER, DIRECTION (TS 33.401 B.1.2). */
export function nea1Ref(key: Uint8Array, count: number, bearer: number, direction: number, message: Uint8Array, bits = message.length * 8): Uint8Array {
  const iv2 = ((bearer << 27) | (direction << 26)) >>> 0;
  const ks = new Snow3g(keyWords(key), [iv2, count >>> 0, iv2, count >>> 0]).words(Math.ceil(bits / 32));
  const out = new Uint8Array(Math.ceil(bits / 8));
  for (let i = 0; i < out.length; i++) out[i] = message[i] ^ ((ks[i >>> 2] >>> (24 - 8 * (i & 3))) & 0xff);
  if (bits % 8) out[out.length - 1] &= (0xff << (8 - (bits % 8))) & 0xff;
  return out;
}

const M64 = (1n << 64n) - 1n;
const mul64x = (v: bigint) => ((v & (1n << 63n)) ? ((v << 1n) & M64) ^ 0x1bn : (v << 1n) & M64);
function mul64(v: bigint, p: bigint): bigint {
  let r = 0n;
  for (let i = 0n; i < 64n; i++) { if ((p >> i) & 1n) r ^= v; v = mul64x(v); }
  return r;
}

/** 128-EIA1 / 128-NIA1 = f9 (Doc 1, 4) with FRESH = BEARER ‖ 0^27 (TS 33.401 B.2.2). */
export function nia1Ref(key: Uint8Array, count: number, bearer: number, direction: number, message: Uint8Array, bits = message.length * 8): Uint8Array {
  const fresh = (bearer << 27) >>> 0;
  const z = new Snow3g(keyWords(key), [(fresh ^ (direction << 15)) >>> 0, (count ^ (direction << 31)) >>> 0, fresh, count >>> 0]).words(5);
  const p = (BigInt(z[0]) << 32n) | BigInt(z[1]), q = (BigInt(z[2]) << 32n) | BigInt(z[3]);
  const d = Math.ceil(bits / 64) + 1;
  let evalV = 0n;
  for (let i = 0; i < d - 1; i++) {
    let m = 0n;
    for (let j = 0; j < 64; j++) {
      const bit = i * 64 + j;
      m = (m << 1n) | (bit < bits ? BigInt((message[bit >>> 3] >>> (7 - (bit & 7))) & 1) : 0n);
    }
    evalV = mul64(evalV ^ m, p);
  }
  evalV ^= BigInt(bits);
  evalV = mul64(evalV, q);
  const mac = (Number(evalV >> 32n) ^ z[4]) >>> 0;
  return Uint8Array.of(mac >>> 24, (mac >>> 16) & 0xff, (mac >>> 8) & 0xff, mac & 0xff);
}
