/**
 * Independent reference of every key derivation, written with node:crypto only. It shares no code
 * with the firmware path (no mailbox, no module): tests use it as an oracle and the network
 * models (AUSF, SEAF, AMF, MME, MSC) use it as their own key hierarchy.
 */
import { createHash, createHmac } from 'node:crypto';

const be = (v: number, octets: number): Buffer => {
  const b = Buffer.alloc(octets);
  for (let i = 0; i < octets; i++) b[octets - 1 - i] = Math.floor(v / 2 ** (8 * i)) & 0xff;
  return b;
};

/** TS 33.220 B.2: HMAC-SHA-256(key, FC ‖ P0 ‖ L0 ‖ … ‖ Pn ‖ Ln). */
export function kdfRef(key: Uint8Array, fc: number, params: Uint8Array[]): Uint8Array {
  const parts: Buffer[] = [Buffer.from([fc])];
  for (const p of params) parts.push(Buffer.from(p), be(p.length, 2));
  return new Uint8Array(createHmac('sha256', key).update(Buffer.concat(parts)).digest());
}

const lsb128 = (k: Uint8Array): Uint8Array => k.slice(16, 32);
const str = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.normalize('NFKC'), 'utf8'));
const cat = (a: Uint8Array, b: Uint8Array): Uint8Array => new Uint8Array(Buffer.concat([a, b]));
const int = (v: number, octets: number): Uint8Array => new Uint8Array(be(v, octets));

export const ref = {
  kausf: (ck: Uint8Array, ik: Uint8Array, snn: string, sqnXorAk: Uint8Array) => kdfRef(cat(ck, ik), 0x6a, [str(snn), sqnXorAk]),
  ckIkPrime: (ck: Uint8Array, ik: Uint8Array, ani: string, sqnXorAk: Uint8Array) => {
    const k = kdfRef(cat(ck, ik), 0x20, [str(ani), sqnXorAk]);
    return { ckPrime: k.slice(0, 16), ikPrime: k.slice(16) };
  },
  resStar: (ck: Uint8Array, ik: Uint8Array, snn: string, rand: Uint8Array, res: Uint8Array) => lsb128(kdfRef(cat(ck, ik), 0x6b, [str(snn), rand, res])),
  hresStar: (rand: Uint8Array, resStar: Uint8Array) => lsb128(new Uint8Array(createHash('sha256').update(rand).update(resStar).digest())),
  kseaf: (kausf: Uint8Array, snn: string) => kdfRef(kausf, 0x6c, [str(snn)]),
  kamf: (kseaf: Uint8Array, supiDigitsOrNai: string, abba: Uint8Array) => kdfRef(kseaf, 0x6d, [str(supiDigitsOrNai), abba]),
  algKey: (key: Uint8Array, distinguisher: number, algId: number) => lsb128(kdfRef(key, 0x69, [int(distinguisher, 1), int(algId, 1)])),
  nasKeys: (kamf: Uint8Array, nea: number, nia: number) => ({
    knasenc: lsb128(kdfRef(kamf, 0x69, [int(1, 1), int(nea, 1)])),
    knasint: lsb128(kdfRef(kamf, 0x69, [int(2, 1), int(nia, 1)])),
  }),
  kgnb: (kamf: Uint8Array, ulCount: number, accessType: 1 | 2 = 1) => kdfRef(kamf, 0x6e, [int(ulCount, 4), int(accessType, 1)]),
  nh: (kamf: Uint8Array, sync: Uint8Array) => kdfRef(kamf, 0x6f, [sync]),
  kngRanStar: (key: Uint8Array, target: 'gnb' | 'ng-enb', pci: number, arfcnDl: number) =>
    kdfRef(key, target === 'gnb' ? 0x70 : 0x71, [int(pci, 2), int(arfcnDl, 3)]),
  kamfPrime: (kamf: Uint8Array, direction: number, count: number) => kdfRef(kamf, 0x72, [int(direction, 1), int(count, 4)]),
  kasmePrime: (kamf: Uint8Array, mode: 'idle' | 'ho', count: number) => kdfRef(kamf, mode === 'idle' ? 0x73 : 0x74, [int(count, 4)]),
  kamfFromKasmeIdle: (kasme: Uint8Array, ulCount: number) => kdfRef(kasme, 0x75, [int(ulCount, 4)]),
  kamfFromKasmeHo: (kasme: Uint8Array, nh: Uint8Array) => kdfRef(kasme, 0x76, [nh]),
  ksn: (key: Uint8Array, snCounter: number) => kdfRef(key, 0x79, [int(snCounter, 2)]),
  kasmeSrvcc: (kamf: Uint8Array, dlCount: number) => kdfRef(kamf, 0x7d, [int(dlCount, 4)]),
  kasme: (ck: Uint8Array, ik: Uint8Array, snId: Uint8Array, sqnXorAk: Uint8Array) => kdfRef(cat(ck, ik), 0x10, [snId, sqnXorAk]),
  kenb: (kasme: Uint8Array, ulCount: number) => kdfRef(kasme, 0x11, [int(ulCount, 4)]),
  nhEps: (kasme: Uint8Array, sync: Uint8Array) => kdfRef(kasme, 0x12, [sync]),
  kenbStar: (key: Uint8Array, pci: number, earfcnDl: number) => kdfRef(key, 0x13, [int(pci, 2), int(earfcnDl, earfcnDl > 0xffff ? 3 : 2)]),
  epsAlgKey: (key: Uint8Array, distinguisher: number, algId: number) => lsb128(kdfRef(key, 0x15, [int(distinguisher, 1), int(algId, 1)])),
  ckIkSrvcc: (kasme: Uint8Array, dlCount: number) => {
    const k = kdfRef(kasme, 0x1a, [int(dlCount, 4)]);
    return { ck: k.slice(0, 16), ik: k.slice(16) };
  },
  sKgnb: (kenb: Uint8Array, scgCounter: number) => kdfRef(kenb, 0x1c, [int(scgCounter, 2)]),
};
