/**
 * The table behind `ue-keys derive NAME`: one row per derivation with its clause, its flags
 * (names are part of the CLI contract: other tools script them) and the JSON keys it prints.
 * `ue-keys batch` uses the same rows, so a flag means the same thing everywhere.
 */
import type { KeyDerivation } from '../firmware/keys.js';
import { UsageError, type FlagSpec } from './args.js';

export interface Derivation {
  name: string;
  clause: string;
  flags: FlagSpec[];
  run(api: KeyDerivation, a: Record<string, any>): Record<string, Uint8Array>;
}

const hex = (name: string, len?: number | [number, number], required = true): FlagSpec => ({ name, kind: 'hex', len, required });
const num = (name: string, max = 0xffffffff, required = true): FlagSpec => ({ name, kind: 'num', max, required });
const text = (name: string): FlagSpec => ({ name, kind: 'text', required: true });
const oneOf = (name: string, values: string[], required = true): FlagSpec => ({ name, kind: 'enum', values, required });
const ALG_TYPES = ['nas-enc', 'nas-int', 'rrc-enc', 'rrc-int', 'up-enc', 'up-int'];
const KEY = 32;

export const DERIVATIONS: Derivation[] = [
  { name: 'kausf', clause: 'TS 33.501 A.2', flags: [hex('ck', 16), hex('ik', 16), text('snn'), hex('sqn-xor-ak', 6)],
    run: (api, a) => ({ kausf: api.kausf({ ck: a.ck, ik: a.ik, snn: a.snn, sqnXorAk: a['sqn-xor-ak'] }) }) },
  { name: 'ck-ik-prime', clause: 'TS 33.501 A.3 (TS 33.402 A.2)', flags: [hex('ck', 16), hex('ik', 16), text('snn'), hex('sqn-xor-ak', 6)],
    run: (api, a) => { const r = api.ckIkPrime({ ck: a.ck, ik: a.ik, snn: a.snn, sqnXorAk: a['sqn-xor-ak'] }); return { ck_prime: r.ckPrime, ik_prime: r.ikPrime }; } },
  // Output keys are the contract for this command: camelCase, in chain order.
  { name: 'eap-aka-prime', clause: 'TS 33.501 6.1.3.1, A.3; RFC 9048 3.3', flags: [hex('ck', 16), hex('ik', 16), text('snn'), hex('sqn-xor-ak', 6), text('identity')],
    run: (api, a) => api.eapAkaPrime({ ck: a.ck, ik: a.ik, snn: a.snn, sqnXorAk: a['sqn-xor-ak'], identity: a.identity }) },
  { name: 'res-star', clause: 'TS 33.501 A.4', flags: [hex('ck', 16), hex('ik', 16), text('snn'), hex('rand', 16), hex('res', [4, 16])],
    run: (api, a) => ({ res_star: api.resStar({ ck: a.ck, ik: a.ik, snn: a.snn, rand: a.rand, res: a.res }) }) },
  { name: 'hres-star', clause: 'TS 33.501 A.5', flags: [hex('rand', 16), hex('res-star', 16)],
    run: (api, a) => ({ hres_star: api.hresStar({ rand: a.rand, resStar: a['res-star'] }) }) },
  { name: 'kseaf', clause: 'TS 33.501 A.6', flags: [hex('kausf', KEY), text('snn')],
    run: (api, a) => ({ kseaf: api.kseaf({ kausf: a.kausf, snn: a.snn }) }) },
  { name: 'kamf', clause: 'TS 33.501 A.7', flags: [hex('kseaf', KEY), text('supi'), hex('abba', [2, 1024])],
    run: (api, a) => ({ kamf: api.kamf({ kseaf: a.kseaf, supi: a.supi, abba: a.abba }) }) },
  { name: 'nas-keys', clause: 'TS 33.501 A.8', flags: [hex('kamf', KEY), num('nea', 15), num('nia', 15)],
    run: (api, a) => api.nasKeys({ kamf: a.kamf, nea: a.nea, nia: a.nia }) },
  { name: 'alg-key', clause: 'TS 33.501 A.8', flags: [hex('key', KEY), oneOf('type', ALG_TYPES), num('alg', 15)],
    run: (api, a) => ({ alg_key: api.algKey({ key: a.key, distinguisher: ALG_TYPES.indexOf(a.type) + 1, algId: a.alg }) }) },
  { name: 'kgnb', clause: 'TS 33.501 A.9', flags: [hex('kamf', KEY), num('ul-count'), oneOf('access', ['3gpp', 'non3gpp'], false)],
    run: (api, a): Record<string, Uint8Array> => {
      const k = api.kgnb({ kamf: a.kamf, ulCount: a['ul-count'], access: a.access ?? '3gpp' });
      return a.access === 'non3gpp' ? { kn3iwf: k } : { kgnb: k };
    } },
  { name: 'nh', clause: 'TS 33.501 A.10', flags: [hex('kamf', KEY), hex('sync', KEY)],
    run: (api, a) => ({ nh: api.nh({ kamf: a.kamf, sync: a.sync }) }) },
  { name: 'kng-ran-star', clause: 'TS 33.501 A.11/A.12', flags: [hex('key', KEY), num('pci', 1007), num('arfcn', 3279165), oneOf('target', ['gnb', 'ng-enb'], false)],
    run: (api, a) => ({ kng_ran_star: api.kngRanStar({ key: a.key, target: a.target ?? 'gnb', pci: a.pci, arfcnDl: a.arfcn }) }) },
  { name: 'kamf-prime', clause: 'TS 33.501 A.13', flags: [hex('kamf', KEY), num('direction', 1), num('count')],
    run: (api, a) => ({ kamf_prime: api.kamfPrime({ kamf: a.kamf, direction: a.direction, count: a.count }) }) },
  { name: 'kasme-prime', clause: 'TS 33.501 A.14.1/A.14.2', flags: [hex('kamf', KEY), num('count'), oneOf('mode', ['idle', 'ho'])],
    run: (api, a) => ({ kasme_prime: api.kasmePrime({ kamf: a.kamf, mode: a.mode, count: a.count }) }) },
  { name: 'kamf-from-kasme', clause: 'TS 33.501 A.15.1/A.15.2', flags: [hex('kasme', KEY), oneOf('mode', ['idle', 'ho']), num('count', 0xffffffff, false), hex('nh', KEY, false)],
    run: (api, a) => {
      if (a.mode === 'idle') return { kamf_prime: api.kamfFromKasmeIdle({ kasme: a.kasme, ulCount: required(a, 'count') }) };
      return { kamf_prime: api.kamfFromKasmeHo({ kasme: a.kasme, nh: required(a, 'nh') }) };
    } },
  { name: 'ksn', clause: 'TS 33.501 A.16', flags: [hex('key', KEY), num('sn-counter', 0xffff)],
    run: (api, a) => ({ ksn: api.ksn({ key: a.key, snCounter: a['sn-counter'] }) }) },
  { name: 'kasme-srvcc', clause: 'TS 33.501 A.21', flags: [hex('kamf', KEY), num('dl-count')],
    run: (api, a) => ({ kasme_srvcc: api.kasmeSrvcc({ kamf: a.kamf, dlCount: a['dl-count'] }) }) },
  { name: 'kasme', clause: 'TS 33.401 A.2', flags: [hex('ck', 16), hex('ik', 16), hex('sn-id', 3), hex('sqn-xor-ak', 6)],
    run: (api, a) => ({ kasme: api.kasme({ ck: a.ck, ik: a.ik, snId: a['sn-id'], sqnXorAk: a['sqn-xor-ak'] }) }) },
  { name: 'kenb', clause: 'TS 33.401 A.3', flags: [hex('kasme', KEY), num('ul-count')],
    run: (api, a) => ({ kenb: api.kenb({ kasme: a.kasme, ulCount: a['ul-count'] }) }) },
  { name: 'nh-eps', clause: 'TS 33.401 A.4', flags: [hex('kasme', KEY), hex('sync', KEY)],
    run: (api, a) => ({ nh: api.nhEps({ kasme: a.kasme, sync: a.sync }) }) },
  { name: 'kenb-star', clause: 'TS 33.401 A.5', flags: [hex('key', KEY), num('pci', 503), num('earfcn', 262143)],
    run: (api, a) => ({ kenb_star: api.kenbStar({ key: a.key, pci: a.pci, earfcnDl: a.earfcn }) }) },
  { name: 'eps-alg-key', clause: 'TS 33.401 A.7', flags: [hex('key', KEY), oneOf('type', ALG_TYPES), num('alg', 15)],
    run: (api, a) => ({ alg_key: api.epsAlgKey({ key: a.key, distinguisher: ALG_TYPES.indexOf(a.type) + 1, algId: a.alg }) }) },
  { name: 'ck-ik-srvcc', clause: 'TS 33.401 A.12', flags: [hex('kasme', KEY), num('dl-count')],
    run: (api, a) => api.ckIkSrvcc({ kasme: a.kasme, dlCount: a['dl-count'] }) },
  { name: 's-kgnb', clause: 'TS 33.401 A.19', flags: [hex('kenb', KEY), num('scg-counter', 0xffff)],
    run: (api, a) => ({ s_kgnb: api.sKgnb({ kenb: a.kenb, scgCounter: a['scg-counter'] }) }) },
];

function required(a: Record<string, any>, flag: string): any {
  if (a[flag] === undefined) throw new UsageError(`--${flag}`, `is required with --mode ${a.mode}`);
  return a[flag];
}

export const derivationByName = (name: string): Derivation | undefined => DERIVATIONS.find((d) => d.name === name);
