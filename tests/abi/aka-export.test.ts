// The UE's 5G AKA as ONE firmware call (export aka_5g, host/firmware/keys.ts aka5g; issue 11): after
// the USIM's answer the ME derives RES* (TS 33.501 A.4), KAUSF (A.2), KSEAF (A.6) and KAMF (A.7)
// and "a new partial native 5G NAS security context" is created for the received ngKSI (TS 33.501
// 6.1.3.2 step 7; 6.2.3.2: "created by primary authentication … no SMC run yet"). The KAMF goes
// straight into slot NEW; KAUSF and KSEAF leave the module only when the caller asks (to store them
// in EF 5GAUTHKEYS, TS 33.501 6.2.2.2). Expected values: host/reference/kdf.ts (node:crypto).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UeFirmware, SLOTS } from '../../host/firmware/ue-firmware.js';
import { ref } from '../../host/reference/kdf.js';
import { InputError } from '../../host/errors.js';
import { toHex } from '../helpers.js';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const SNN = '5G:mnc001.mcc001.3gppnetwork.org';
const slots = (ue: UeFirmware) => SLOTS.map((s) => toHex(ue.rawSlot(s)));
const has = (mem: Uint8Array, key: Uint8Array) => Buffer.from(mem).indexOf(Buffer.from(key.subarray(0, 8))) >= 0;

function inputs(o: Partial<{ ck: Uint8Array; ik: Uint8Array; rand: Uint8Array; res: Uint8Array; sqnXorAk: Uint8Array; supi: string; abba: Uint8Array; ngKsi: number }> = {}) {
  return {
    ck: Uint8Array.from({ length: 16 }, (_, i) => i + 1), ik: Uint8Array.from({ length: 16 }, (_, i) => 0xf0 - i),
    snn: SNN, rand: Uint8Array.from({ length: 16 }, (_, i) => i * 7), res: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
    sqnXorAk: Uint8Array.of(0, 0, 0, 0, 0x12, 0x34), supi: '001010000000001', abba: Uint8Array.of(0, 0), ngKsi: 3, ...o,
  };
}

describe('TS 33.501 6.1.3.2 step 7: RES*, KAUSF, KSEAF, KAMF in one call, KAMF into slot NEW', () => {
  it('RES* = A.4, KAUSF = A.2, KSEAF = A.6 (authKeys), slot NEW = partial native {ngKSI, KAMF = A.7} (random inputs)', () => {
    const ue = new UeFirmware();
    fc.assert(fc.property(bytes(16), bytes(16), bytes(16), fc.integer({ min: 4, max: 16 }), bytes(6), fc.integer({ min: 0, max: 6 }),
      fc.uint8Array({ minLength: 2, maxLength: 8 }), (ck, ik, rand, resLen, sqnXorAk, ngKsi, abba) => {
        const res = rand.slice(0, resLen);
        const k = ue.keys.aka5g({ ck, ik, snn: SNN, rand, res, sqnXorAk, supi: 'imsi-001010123456789', abba, ngKsi, authKeys: true });
        const kausf = ref.kausf(ck, ik, SNN, sqnXorAk), kseaf = ref.kseaf(kausf, SNN);
        expect(toHex(k.resStar)).toBe(toHex(ref.resStar(ck, ik, SNN, rand, res)));
        expect([toHex(k.kausf!), toHex(k.kseaf!)]).toEqual([toHex(kausf), toHex(kseaf)]);
        const slot = ue.read('new');
        // A.7: P0 = the SUPI value only (TS 33.501 A.7.0: the IMSI digits, no type prefix)
        expect([slot.type, slot.ngKsi, toHex(slot.kamf)]).toEqual(['partial-native', ngKsi, toHex(ref.kamf(kseaf, '001010123456789', abba))]);
      }), { numRuns: 40 });
  });

  it('without authKeys only RES* comes out: KAUSF and KSEAF are nowhere in module memory afterwards', () => {
    const ue = new UeFirmware();
    const a = inputs();
    const k = ue.keys.aka5g({ ...a, authKeys: false });
    expect(Object.keys(k)).toEqual(['resStar']);
    const kausf = ref.kausf(a.ck, a.ik, SNN, a.sqnXorAk), kseaf = ref.kseaf(kausf, SNN);
    const mem = ue.memory();
    expect(has(mem, kausf), 'KAUSF in memory').toBe(false);
    expect(has(mem, kseaf), 'KSEAF in memory').toBe(false);
    expect(toHex(ue.read('new').kamf)).toBe(toHex(ref.kamf(kseaf, a.supi, a.abba)));
  });

  it('with authKeys, once the call returned (mailboxes wiped) KAUSF and KSEAF are not in module memory either', () => {
    const ue = new UeFirmware();
    const a = inputs({ ngKsi: 0 });
    const k = ue.keys.aka5g({ ...a, authKeys: true });
    const mem = ue.memory();
    expect(has(mem, k.kausf!)).toBe(false);
    expect(has(mem, k.kseaf!)).toBe(false);
  });

  it('TS 33.501 6.2.3.2 (partial native: "always non-current"): the new context replaces an earlier partial one; CURRENT, NON_CURRENT, MAPPED untouched', () => {
    const ue = new UeFirmware();
    const cur = Uint8Array.from({ length: 32 }, (_, i) => i + 100);
    ue.install('current', { kamf: cur, ngKsi: 1, type: 'full-native', nea: 2, nia: 2 });
    ue.install('new', { kamf: new Uint8Array(32).fill(9), ngKsi: 5, type: 'partial-native' });
    const before = slots(ue);
    const a = inputs({ ngKsi: 4 });
    ue.keys.aka5g(a);
    const after = slots(ue);
    expect([after[0], after[2], after[3]]).toEqual([before[0], before[2], before[3]]);
    const n = ue.read('new');
    expect([n.type, n.ngKsi, n.ulCount['3gpp'], n.dlAccepted['3gpp']]).toEqual(['partial-native', 4, 0, false]);
    expect(toHex(n.kamf)).toBe(toHex(ref.kamf(ref.kseaf(ref.kausf(a.ck, a.ik, SNN, a.sqnXorAk), SNN), a.supi, a.abba)));
  });
});

describe('aka_5g output layout (raw export, mailboxes read before the host clears them)', () => {
  const ue = new UeFirmware();
  function call(flags: number) {
    const fw = ue.module.begin();
    const a = inputs();
    const ckIk = fw.put(new Uint8Array([...a.ck, ...a.ik])), snn = fw.put(new TextEncoder().encode(SNN)), rand = fw.put(a.rand);
    const res = fw.put(a.res), sqn = fw.put(a.sqnXorAk), supi = fw.put(new TextEncoder().encode(a.supi)), abba = fw.put(a.abba);
    expect(fw.tryCall('aka_5g', ckIk, snn, SNN.length, rand, res, a.res.length, sqn, supi, a.supi.length, abba, a.abba.length, a.ngKsi, flags)).toBe(0);
    const kausf = ref.kausf(a.ck, a.ik, SNN, a.sqnXorAk);
    return { out: fw.take(0, 96), resStar: ref.resStar(a.ck, a.ik, SNN, a.rand, a.res), kausf, kseaf: ref.kseaf(kausf, SNN) };
  }
  it('flags 1: RES* at [0..16), KAUSF at [16..48), KSEAF at [48..80)', () => {
    ue.module.clearMailboxes();
    const r = call(1);
    expect([toHex(r.out.subarray(0, 16)), toHex(r.out.subarray(16, 48)), toHex(r.out.subarray(48, 80))]).toEqual([toHex(r.resStar), toHex(r.kausf), toHex(r.kseaf)]);
    ue.module.clearMailboxes();
  });
  it('flags 0: RES* at [0..16), [16..80) all zeros (KAUSF and KSEAF do not reach the mailbox), nothing written from [80..)', () => {
    ue.module.clearMailboxes();
    // an earlier call leaves octets in IO_OUT past 80 (EAP-AKA′ chain: OUT[0..240)), not cleared here
    const fw = ue.module.begin();
    const ckIk = fw.put(new Uint8Array(32).fill(3)), ani = fw.put(new TextEncoder().encode(SNN)), sqn = fw.put(new Uint8Array(6)), id = fw.put(new TextEncoder().encode('001010000000001'));
    expect(fw.tryCall('derive_eap_aka_prime', ckIk, ani, SNN.length, sqn, id, 15)).toBe(0);
    const tail = toHex(fw.take(80, 16));
    expect(tail).not.toBe('00'.repeat(16));
    const r = call(0);
    expect(toHex(r.out.subarray(0, 16))).toBe(toHex(r.resStar));
    expect(toHex(r.out.subarray(16, 80))).toBe('00'.repeat(64));
    expect(toHex(r.out.subarray(80, 96))).toBe(tail);
    ue.module.clearMailboxes();
  });
});

describe('aka_5g refuses bad input before anything changes (a rejected call changes no state)', () => {
  const ue = new UeFirmware();
  ue.install('new', { kamf: new Uint8Array(32).fill(7), ngKsi: 2, type: 'partial-native' });
  /** Raw call past the host's checks: every argument laid out as aka5g lays it out. */
  function raw(o: { snnLen?: number; resLen?: number; supiLen?: number; abbaLen?: number; ngKsi?: number; flags?: number; sqnOff?: number } = {}): number {
    const fw = ue.module.begin();
    const ckIk = fw.put(new Uint8Array(32).fill(1)), snn = fw.put(new TextEncoder().encode(SNN)), rand = fw.put(new Uint8Array(16));
    const res = fw.put(new Uint8Array(16)), sqn = fw.put(new Uint8Array(6)), supi = fw.put(new TextEncoder().encode('001010000000001')), abba = fw.put(new Uint8Array(8));
    try {
      return fw.tryCall('aka_5g', ckIk, snn, o.snnLen ?? SNN.length, rand, res, o.resLen ?? 8, o.sqnOff ?? sqn, supi, o.supiLen ?? 15, abba, o.abbaLen ?? 2, o.ngKsi ?? 1, o.flags ?? 1);
    } finally { ue.module.clearMailboxes(); }
  }
  const cases: Array<[string, Parameters<typeof raw>[0], number]> = [
    ['ngKSI 7 ("no key is available", TS 24.501 9.11.3.32): STATUS_ERR_VALUE', { ngKsi: 7 }, 3],
    ['flags beyond AKA_F_AUTH_KEYS: STATUS_ERR_VALUE', { flags: 2 }, 3],
    ['ABBA of 1 octet (TS 24.501 9.11.3.10: at least 2): STATUS_ERR_LENGTH', { abbaLen: 1 }, 2],
    ['empty SUPI: STATUS_ERR_LENGTH', { supiLen: 0 }, 2],
    ['RES of 3 octets (TS 33.102: 32–128 bits): STATUS_ERR_LENGTH', { resLen: 3 }, 2],
    ['RES of 17 octets: STATUS_ERR_LENGTH', { resLen: 17 }, 2],
    ['empty serving network name: STATUS_ERR_LENGTH', { snnLen: 0 }, 2],
    ['SQN ⊕ AK past the mailbox: STATUS_ERR_RANGE', { sqnOff: 4091 }, 1],
  ];
  for (const [name, o, status] of cases) {
    it(name, () => {
      const before = slots(ue), state = toHex(ue.rawState());
      expect(raw(o)).toBe(status);
      expect(slots(ue)).toEqual(before);
      expect(toHex(ue.rawState())).toBe(state);
    });
  }
  // TS 33.501 A.7: S = FC ‖ SUPI ‖ L0 ‖ ABBA ‖ L1 is built in KDF_S (4,608 octets). SUPI and ABBA
  // may overlap in IO_IN, so each one inside the 4,096-octet mailbox does not bound S (review
  // finding: 4,096 + 4,096 octets overran KDF_S and wiped the context slots and UE_STATE).
  for (const [supiLen, abbaLen] of [[4096, 4096], [2000, 2700]] as const) {
    it(`SUPI of ${supiLen} and ABBA of ${abbaLen} octets over the same mailbox bytes: S does not fit KDF_S → STATUS_ERR_LENGTH, module memory unchanged`, () => {
      const fw = ue.module.begin();
      const ckIk = fw.put(new Uint8Array(32).fill(1)), snn = fw.put(new TextEncoder().encode(SNN)), rand = fw.put(new Uint8Array(16));
      const res = fw.put(new Uint8Array(16)), sqn = fw.put(new Uint8Array(6));
      const before = ue.memory().slice();
      try {
        expect(fw.tryCall('aka_5g', ckIk, snn, SNN.length, rand, res, 8, sqn, 0, supiLen, 0, abbaLen, 1, 1)).toBe(2);
        expect(Buffer.compare(Buffer.from(ue.memory()), Buffer.from(before))).toBe(0);
      } finally { ue.module.clearMailboxes(); }
    });
  }
  it('the same call with good values is accepted (the cases above differ from it in one field)', () => {
    expect(raw()).toBe(0);
    expect(ue.read('new').ngKsi).toBe(1);
  });
  it('SQN ⊕ AK in the last 6 octets of the mailbox (offset 4090) is inside it: accepted', () => {
    expect(raw({ sqnOff: 4090, ngKsi: 6 })).toBe(0);
    expect(ue.read('new').ngKsi).toBe(6);
  });
  it('host wrapper: fields named in InputError', () => {
    expect(() => ue.keys.aka5g({ ...inputs(), ngKsi: 7 })).toThrow(InputError);
    expect(() => ue.keys.aka5g({ ...inputs(), sqnXorAk: new Uint8Array(5) })).toThrow(/^sqnXorAk /);
    expect(() => ue.keys.aka5g({ ...inputs(), abba: new Uint8Array(1) })).toThrow(/^abba /);
  });
});
