// The USIM module's stateless MILENAGE/TUAK exports at the edge of the request mailbox (README "The
// firmware ABI": offsets are relative to IO_IN, "the export checks every offset, length and value
// first", "a rejected call writes nothing"; "USIM module": same conventions). Each input field
// has its length from the algorithm — K 128 bits (MILENAGE, TS 35.206 2) or 128/256 (TUAK, TS 35.231
// 5.1), OP/OPc 128, TOP/TOPc 256, RAND 128, SQN 48, AMF 16 bits (TS 33.102 6.3.2) — so a field
// that ends exactly at the last octet of IO_IN is accepted and one that runs one octet past it is
// refused with STATUS_ERR_RANGE. TUAK's Keccak iteration count is an octet of at least 1, i.e.
// 1..255 (the module's documented range, assembly/usim/abi.ts configStatus, after TS 35.231 5.1). Found by the firmware mutation runner (issue 16): each length of the
// range checks one octet longer (K 16 → 17, RAND_LEN, OPC_LEN, TOPC_LEN) and `iter > 0xff` → `>=`
// survived every suite. Expected outputs come from the reference models (host/reference/,
// written from the specifications with node:crypto), never from the module.
import { describe, expect, it } from 'vitest';
import { instantiateSync } from '../../host/firmware/loader.js';
import { milenageOpc, milenageRef } from '../../host/reference/milenage.js';
import { tuakRef, tuakTopcRef } from '../../host/reference/tuak.js';
import { toHex } from '../helpers.js';

const card = instantiateSync('usim');
// the status codes of README "Status codes" (the USIM module has the ME module's; it exports none)
const ERR_RANGE = 1, ERR_VALUE = 3;
const OUT_OPC = card.constant('OUT_OPC_OFF'), OUT_MAC_A = card.constant('OUT_MAC_A_OFF'), OUT_MAC_S = card.constant('OUT_MAC_S_OFF');
const OUT_RES = card.constant('OUT_RES_OFF'), OUT_CK = card.constant('OUT_CK_OFF'), OUT_IK = card.constant('OUT_IK_OFF');
const OUT_AK = card.constant('OUT_AK_OFF'), OUT_AK_STAR = card.constant('OUT_AK_STAR_OFF');

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (seed + i * 37) & 0xff);
const K16 = bytes(16, 0x46), K32 = bytes(32, 0x13), OP = bytes(16, 0xcd), TOP = bytes(32, 0x5a);
const RAND = bytes(16, 0x23), SQN = bytes(6, 0xff), AMF = Uint8Array.of(0x80, 0x00);
const OPC = milenageOpc(K16, OP);
/** TUAK `params`: iterations, MAC 8, RES 8, CK 16, IK 16 octets (assembly/usim/abi.ts tIter … tIk). */
const tuakParams = (iterations: number) => (iterations | (8 << 8) | (8 << 16) | (1 << 24) | (1 << 28)) >>> 0;

interface Field { name: string; value: Uint8Array }
/**
 * Puts every field at the start of IO_IN except `last`, which is put to end at IO_IN's last octet
 * (`past` = 0) or one octet beyond it (`past` = 1, its first octets then start one later, so the
 * field's range runs past IO_IN). Returns the offsets in field order and IO_OUT before the call.
 */
function place(fields: Field[], last: number, past: 0 | 1) {
  card.begin();
  const mem = new Uint8Array(card.raw.memory.buffer);
  mem.fill(0, card.inPtr, card.inPtr + card.inLen);
  mem.fill(0x3c, card.outPtr, card.outPtr + card.outLen);
  let at = 0;
  const offs = fields.map((f, i) => {
    if (i === last) return 0;
    const o = at; card.putAt(o, f.value); at += f.value.length; return o;
  });
  const end = card.inLen - fields[last].value.length;
  if (past) mem.set(fields[last].value.subarray(0, fields[last].value.length - 1), card.inPtr + end + 1);
  else card.putAt(end, fields[last].value);
  offs[last] = end + past;
  return { offs, outBefore: mem.slice(card.outPtr, card.outPtr + card.outLen) };
}
const out = (off: number, n: number) => toHex(card.take(off, n));
const outNow = () => new Uint8Array(card.raw.memory.buffer).slice(card.outPtr, card.outPtr + card.outLen);

const milenage = milenageRef(K16, OPC, RAND, SQN, AMF);
const tuak16 = tuakRef(K16, tuakTopcRef(K16, TOP, 1), RAND, SQN, AMF, { iterations: 1 });
const tuak32 = tuakRef(K32, tuakTopcRef(K32, TOP, 1), RAND, SQN, AMF, { iterations: 1 });

interface Case {
  name: string; fields: Field[];
  call: (o: number[]) => number;
  check: () => void;
}
const CASES: Case[] = [
  {
    name: 'milenage_opc (TS 35.206 4.1: OPc = OP ⊕ E[OP]K)', fields: [{ name: 'K', value: K16 }, { name: 'OP', value: OP }],
    call: (o) => card.tryCall('milenage_opc', o[0], o[1]),
    check: () => expect(out(OUT_OPC, 16)).toBe(toHex(OPC)),
  },
  {
    name: 'milenage_f1 (f1, f1*)',
    fields: [{ name: 'K', value: K16 }, { name: 'OPc', value: OPC }, { name: 'RAND', value: RAND }, { name: 'SQN', value: SQN }, { name: 'AMF', value: AMF }],
    call: (o) => card.tryCall('milenage_f1', o[0], o[1], o[2], o[3], o[4]),
    check: () => expect([out(OUT_MAC_A, 8), out(OUT_MAC_S, 8)]).toEqual([toHex(milenage.macA), toHex(milenage.macS)]),
  },
  {
    name: 'milenage_f2345 (f2–f5, f5*)', fields: [{ name: 'K', value: K16 }, { name: 'OPc', value: OPC }, { name: 'RAND', value: RAND }],
    call: (o) => card.tryCall('milenage_f2345', o[0], o[1], o[2]),
    check: () => expect([out(OUT_RES, 8), out(OUT_CK, 16), out(OUT_IK, 16), out(OUT_AK, 6), out(OUT_AK_STAR, 6)])
      .toEqual([milenage.res, milenage.ck, milenage.ik, milenage.ak, milenage.akStar].map(toHex)),
  },
  ...[K16, K32].map((k): Case => ({
    name: `tuak_topc, K ${k.length * 8} bits (TS 35.231 6.1)`, fields: [{ name: 'K', value: k }, { name: 'TOP', value: TOP }],
    call: (o) => card.tryCall('tuak_topc', o[0], k.length, o[1], 1),
    check: () => expect(out(OUT_OPC, 32)).toBe(toHex(tuakTopcRef(k, TOP, 1))),
  })),
  ...[[K16, tuak16], [K32, tuak32]].map(([k, want]): Case => ({
    name: `tuak_f1, K ${(k as Uint8Array).length * 8} bits`,
    fields: [{ name: 'K', value: k as Uint8Array }, { name: 'TOPc', value: tuakTopcRef(k as Uint8Array, TOP, 1) }, { name: 'RAND', value: RAND }, { name: 'SQN', value: SQN }, { name: 'AMF', value: AMF }],
    call: (o) => card.tryCall('tuak_f1', o[0], (k as Uint8Array).length, o[1], o[2], o[3], o[4], tuakParams(1)),
    check: () => expect([out(OUT_MAC_A, 8), out(OUT_MAC_S, 8)]).toEqual([toHex((want as typeof tuak16).macA), toHex((want as typeof tuak16).macS)]),
  })),
  ...[[K16, tuak16], [K32, tuak32]].map(([k, want]): Case => ({
    name: `tuak_f2345, K ${(k as Uint8Array).length * 8} bits`,
    fields: [{ name: 'K', value: k as Uint8Array }, { name: 'TOPc', value: tuakTopcRef(k as Uint8Array, TOP, 1) }, { name: 'RAND', value: RAND }],
    call: (o) => card.tryCall('tuak_f2345', o[0], (k as Uint8Array).length, o[1], o[2], tuakParams(1)),
    check: () => {
      const w = want as typeof tuak16;
      expect([out(OUT_RES, 8), out(OUT_CK, 16), out(OUT_IK, 16), out(OUT_AK, 6), out(OUT_AK_STAR, 6)])
        .toEqual([w.res, w.ck, w.ik, w.ak, w.akStar].map(toHex));
    },
  })),
];

describe('USIM stateless exports: a field may end at the last octet of IO_IN; one octet further is refused and writes nothing', () => {
  for (const c of CASES) {
    c.fields.forEach((f, i) => {
      it(`${c.name}: ${f.name} (${f.value.length} octets) ending at IO_IN's last octet → OK and the reference outputs`, () => {
        const { offs } = place(c.fields, i, 0);
        expect(c.call(offs)).toBe(0);
        c.check();
      });
      it(`${c.name}: ${f.name} running one octet past IO_IN → STATUS_ERR_RANGE, IO_OUT unchanged`, () => {
        const { offs, outBefore } = place(c.fields, i, 1);
        expect(c.call(offs)).toBe(ERR_RANGE);
        expect(toHex(outNow())).toBe(toHex(outBefore));
      });
    });
  }
});

describe('TUAK iterations are 1..255 (TS 35.231 5.1)', () => {
  const topc255 = tuakTopcRef(K16, TOP, 255);
  it('tuak_topc with 255 iterations → OK and the reference TOPc', () => {
    card.begin();
    const k = card.put(K16), t = card.put(TOP);
    expect(card.tryCall('tuak_topc', k, 16, t, 255)).toBe(0);
    expect(out(OUT_OPC, 32)).toBe(toHex(topc255));
  });
  it('256 iterations do not fit TUAK\'s 8-bit count: tuak_topc → STATUS_ERR_VALUE, IO_OUT unchanged; 0 likewise', () => {
    for (const iterations of [0, 256]) {
      card.begin();
      const k = card.put(K16), t = card.put(TOP);
      const before = outNow();
      expect(card.tryCall('tuak_topc', k, 16, t, iterations)).toBe(ERR_VALUE);
      expect(toHex(outNow())).toBe(toHex(before));
    }
  });
});
