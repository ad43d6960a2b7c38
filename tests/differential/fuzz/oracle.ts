// What the fuzz campaigns check answers against: the node:crypto reference (host/reference, no
// code shared with the firmware path) and the no-key-material rule of issue 17.
import { ref, kdfRef } from '../../../host/reference/kdf.js';

const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const x = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A flag of a derivation: bytes of a fixed length, an integer range, or text. */
export type FlagGen = { kind: 'hex'; len: number; secret: boolean; range?: readonly [number, number] } | { kind: 'int'; min: number; max: number } | { kind: 'text'; what: 'snn' | 'supi' };
export interface DerivationCase {
  name: string;
  flags: Record<string, FlagGen>;
  expect(a: Record<string, any>): Record<string, string>;
  /** The same derivation through the library: API field name per flag, and the call. */
  api: { fields: Record<string, string>; call(api: any, input: unknown): Record<string, Uint8Array> };
}

const key = (len: number, secret = true, range?: readonly [number, number]): FlagGen => ({ kind: 'hex', len, secret, range });
const int = (min: number, max: number): FlagGen => ({ kind: 'int', min, max });
const U32 = int(0, 0xffffffff);
const SNN: FlagGen = { kind: 'text', what: 'snn' };

/** `ue-keys derive NAME` rows with their expected outputs from host/reference (TS 33.501 /
 *  TS 33.401 Annex A written with node:crypto). Args: hex strings, numbers, text. */
export const DERIVE_CASES: DerivationCase[] = [
  { name: 'kausf', flags: { ck: key(16), ik: key(16), snn: SNN, 'sqn-xor-ak': key(6, false) }, expect: (a) => ({ kausf: x(ref.kausf(h(a.ck), h(a.ik), a.snn, h(a['sqn-xor-ak']))) }),
    api: { fields: { ck: 'ck', ik: 'ik', snn: 'snn', 'sqn-xor-ak': 'sqnXorAk' }, call: (api, o) => ({ kausf: api.kausf(o) }) } },
  { name: 'res-star', flags: { ck: key(16), ik: key(16), snn: SNN, rand: key(16, false), res: key(8, true, [4, 16]) }, expect: (a) => ({ res_star: x(ref.resStar(h(a.ck), h(a.ik), a.snn, h(a.rand), h(a.res))) }),
    api: { fields: { ck: 'ck', ik: 'ik', snn: 'snn', rand: 'rand', res: 'res' }, call: (api, o) => ({ res_star: api.resStar(o) }) } },
  { name: 'kseaf', flags: { kausf: key(32), snn: SNN }, expect: (a) => ({ kseaf: x(ref.kseaf(h(a.kausf), a.snn)) }),
    api: { fields: { kausf: 'kausf', snn: 'snn' }, call: (api, o) => ({ kseaf: api.kseaf(o) }) } },
  { name: 'kamf', flags: { kseaf: key(32), supi: { kind: 'text', what: 'supi' }, abba: key(2, false, [2, 1024]) }, expect: (a) => ({ kamf: x(ref.kamf(h(a.kseaf), a.supi, h(a.abba))) }),
    api: { fields: { kseaf: 'kseaf', supi: 'supi', abba: 'abba' }, call: (api, o) => ({ kamf: api.kamf(o) }) } },
  { name: 'nas-keys', flags: { kamf: key(32), nea: int(0, 15), nia: int(0, 15) }, expect: (a) => { const r = ref.nasKeys(h(a.kamf), a.nea, a.nia); return { knasenc: x(r.knasenc), knasint: x(r.knasint) }; },
    api: { fields: { kamf: 'kamf', nea: 'nea', nia: 'nia' }, call: (api, o) => api.nasKeys(o) } },
  { name: 'kgnb', flags: { kamf: key(32), 'ul-count': U32 }, expect: (a) => ({ kgnb: x(ref.kgnb(h(a.kamf), a['ul-count'], 1)) }),
    api: { fields: { kamf: 'kamf', 'ul-count': 'ulCount' }, call: (api, o) => ({ kgnb: api.kgnb(o) }) } },
  { name: 'nh', flags: { kamf: key(32), sync: key(32) }, expect: (a) => ({ nh: x(ref.nh(h(a.kamf), h(a.sync))) }),
    api: { fields: { kamf: 'kamf', sync: 'sync' }, call: (api, o) => ({ nh: api.nh(o) }) } },
  { name: 'kamf-prime', flags: { kamf: key(32), direction: int(0, 1), count: U32 }, expect: (a) => ({ kamf_prime: x(ref.kamfPrime(h(a.kamf), a.direction, a.count)) }),
    api: { fields: { kamf: 'kamf', direction: 'direction', count: 'count' }, call: (api, o) => ({ kamf_prime: api.kamfPrime(o) }) } },
  { name: 'kasme-srvcc', flags: { kamf: key(32), 'dl-count': U32 }, expect: (a) => ({ kasme_srvcc: x(ref.kasmeSrvcc(h(a.kamf), a['dl-count'])) }),
    api: { fields: { kamf: 'kamf', 'dl-count': 'dlCount' }, call: (api, o) => ({ kasme_srvcc: api.kasmeSrvcc(o) }) } },
  { name: 'kasme', flags: { ck: key(16), ik: key(16), 'sn-id': key(3, false), 'sqn-xor-ak': key(6, false) }, expect: (a) => ({ kasme: x(ref.kasme(h(a.ck), h(a.ik), h(a['sn-id']), h(a['sqn-xor-ak']))) }),
    api: { fields: { ck: 'ck', ik: 'ik', 'sn-id': 'snId', 'sqn-xor-ak': 'sqnXorAk' }, call: (api, o) => ({ kasme: api.kasme(o) }) } },
  { name: 'kenb', flags: { kasme: key(32), 'ul-count': U32 }, expect: (a) => ({ kenb: x(ref.kenb(h(a.kasme), a['ul-count'])) }),
    api: { fields: { kasme: 'kasme', 'ul-count': 'ulCount' }, call: (api, o) => ({ kenb: api.kenb(o) }) } },
  { name: 'nh-eps', flags: { kasme: key(32), sync: key(32) }, expect: (a) => ({ nh: x(ref.nhEps(h(a.kasme), h(a.sync))) }),
    api: { fields: { kasme: 'kasme', sync: 'sync' }, call: (api, o) => ({ nh: api.nhEps(o) }) } },
  { name: 's-kgnb', flags: { kenb: key(32), 'scg-counter': int(0, 0xffff) }, expect: (a) => ({ s_kgnb: x(ref.sKgnb(h(a.kenb), a['scg-counter'])) }),
    api: { fields: { kenb: 'kenb', 'scg-counter': 'scgCounter' }, call: (api, o) => ({ s_kgnb: api.sKgnb(o) }) } },
];

export const kdfExpect = (k: string, fc: number, params: string[]): string => x(kdfRef(h(k), fc, params.map(h)));

/** Hex windows (16 digits = 8 bytes, step 2) of every secret input: none may appear in an error. */
export function secretWindows(secrets: string[]): string[] {
  const w: string[] = [];
  for (const s of secrets) {
    const t = s.toLowerCase().replace(/[^0-9a-f]/g, '');
    for (let i = 0; i + 16 <= t.length; i += 2) w.push(t.slice(i, i + 16));
  }
  return w;
}

/** The first secret window found in `text` (lower-cased), or undefined. */
export function leaked(text: string, windows: string[]): string | undefined {
  const t = text.toLowerCase();
  return windows.find((w) => t.includes(w));
}

/** Names the hostile property names a lookup by plain object would trip on. */
export const PROTO_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
