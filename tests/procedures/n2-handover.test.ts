// N2 handover keys (TS 33.501 6.9.2.3.3/6.9.2.3.4, A.13 with DIRECTION 0x01, A.9 with 2^32−1):
// UE firmware against the node:crypto target-AMF model and the reference KDF on random KAMF,
// ngKSI and DL COUNTs; a container whose MAC (or any covered octet) is wrong aborts the handover
// with every UE slot unchanged.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UeFirmware, SLOTS } from '../../host/firmware/ue-firmware.js';
import { UeInterworking } from '../../host/firmware/ue-interworking.js';
import { n2HandoverTarget, buildNasc } from '../../host/network/mme.js';
import { NO_COUNT } from '../../host/types.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import type { AmfUeContext } from '../../host/network/amf.js';
import { Trace } from '../../host/trace.js';
import { runN2Handover } from '../../host/scenarios/n2-handover.js';
import { ref } from '../../host/reference/kdf.js';
import { cmacSubkeys } from '../../host/reference/nas.js';
import { CountWrapError, FirmwareError, MacFailureError } from '../../host/errors.js';
import * as M from '../../host/nas/messages.js';
import { hex, toHex } from '../helpers.js';

const CAPS = Uint8Array.of(0xf0, 0xf0);
const ue = new UeFirmware();
ue.configure({ ueSecurityCapabilities: CAPS });
const iw = new UeInterworking(ue);
const slots = () => SLOTS.map((s) => toHex(ue.rawSlot(s)));

function setup(kamf: Uint8Array, ngKsi: number, ul: number, lastDl: number | null, dlNext: number): AmfUeContext {
  for (const s of SLOTS) ue.wipe(s);
  ue.install('current', { kamf, ngKsi, type: ngKsi & 8 ? 'mapped' : 'full-native', nea: 2, nia: 2 });
  ue.setCounts('current', '3gpp', ul, lastDl ?? 0, lastDl !== null);
  const nas = new NetworkNasContext(kamf, ngKsi, 2, 2);
  nas.dlNext['3gpp'] = dlNext; nas.ulLast['3gpp'] = ul - 1;
  return { supi: '001010000000001', guti: Uint8Array.of(1), nas, ueSecurityCapabilities: CAPS, transferPending: false };
}

const arb = fc.record({
  kamf: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  ngKsi: fc.nat({ max: 6 }).chain((v) => fc.constantFrom(v, v | 8)), // native or mapped (TSC)
  ul: fc.integer({ min: 1, max: 0xfff000 }),
  last: fc.option(fc.nat({ max: 0xfffe00 }), { nil: null }),
  gap: fc.integer({ min: 1, max: 256 }),
  kacf: fc.boolean(), nea: fc.constantFrom(0, 2),
});

describe('N2 handover: UE = target AMF model = reference (random KAMF, ngKSI, COUNTs, KACF)', () => {
  it('KACF 1: KAMF′ = A.13(KAMF, 0x01, DL COUNT) keeping the ngKSI (value and type), COUNTs 0, temporary KgNB; KACF 0: KAMF kept, DL COUNT set', () => {
    fc.assert(fc.property(arb, (x) => {
      const dl = x.last === null ? x.gap - 1 : x.last + x.gap;
      const src = setup(x.kamf, x.ngKsi, x.ul, x.last, dl);
      const t = n2HandoverTarget(src, { kacf: x.kacf, nea: x.nea, nia: 2 }, new Trace());
      expect(t.nasc[6]).toBe(dl & 0xff);
      expect(src.nas.dlNext['3gpp']).toBe(dl + 1);
      const out = iw.n2Handover(t.nasc);
      expect(out).toEqual({ kacf: x.kacf, ngKsi: x.ngKsi, dlCount: dl });
      const cur = ue.read('current');
      const kamf = x.kacf ? ref.kamfPrime(x.kamf, 1, dl) : x.kamf;
      expect(toHex(cur.kamf)).toBe(toHex(kamf));
      expect(toHex(t.nas.kamf)).toBe(toHex(kamf));
      expect(toHex(cur.knasint)).toBe(toHex(ref.nasKeys(kamf, x.nea, 2).knasint));
      expect([cur.nea, cur.nia]).toEqual([x.nea, 2]);
      if (x.kacf) {
        expect([cur.ngKsi, t.nas.ngKsi, cur.ulCount['3gpp'], cur.dlAccepted['3gpp']]).toEqual([x.ngKsi, x.ngKsi, 0, false]);
        expect(toHex(cur.kgnb)).toBe(toHex(ref.kgnb(kamf, NO_COUNT, 1)));
      } else {
        expect([cur.ngKsi, cur.ulCount['3gpp'], cur.dlCount['3gpp']]).toEqual([x.ngKsi, x.ul, dl]);
      }
      // the next uplink message verifies at the target AMF
      const up = ue.protect('current', '3gpp', 1, M.registrationReject(0));
      expect(t.nas.verifyUplink(up.message)?.count).toBe(up.count);
    }), { numRuns: 300 });
  });
  it('8-LSB estimate at the wrap: last accepted 0xFF, SQN 0x00 → DL COUNT 0x100; last 0x1FF, SQN 0xFF → 0x2FF', () => {
    for (const [last, dl] of [[0xff, 0x100], [0x1ff, 0x2ff], [0x1ff, 0x200]] as const) {
      const t = n2HandoverTarget(setup(hex('77'.repeat(32)), 1, 3, last, dl), { kacf: true }, new Trace());
      expect(iw.n2Handover(t.nasc).dlCount).toBe(dl);
      expect(toHex(ue.read('current').kamf)).toBe(toHex(ref.kamfPrime(hex('77'.repeat(32)), 1, dl)));
    }
  });
  it('an estimate past the 24-bit NAS COUNT is refused', () => {
    const t = n2HandoverTarget(setup(hex('78'.repeat(32)), 1, 3, 0xffffff, 0x1000000), { kacf: false }, new Trace());
    expect(() => iw.n2Handover(t.nasc)).toThrow(CountWrapError);
  });
});

describe('TS 33.501 6.9.2.3.3/6.9.2.3.4: the ngKSI of the container names the KAMF', () => {
  it('6.9.2.3.3 "KAMF′ keeps the value and type of the ngKSI of the KAMF it was derived from": the target AMF puts the source ngKSI in the container (before: old + 1)', () => {
    for (const ngKsi of [0, 3, 6, 8 | 2]) {
      const t = n2HandoverTarget(setup(hex('5a'.repeat(32)), ngKsi, 2, 1, 2), { kacf: true }, new Trace());
      expect([t.nas.ngKsi, t.nasc[5] & 0x0f, t.nasc[5] & 0x10]).toEqual([ngKsi, ngKsi, 0x10]);
    }
  });
  it('6.9.2.3.4 the UE derives from the KAMF identified by the ngKSI in the container and refuses a container naming no context it holds (valid MAC; every slot unchanged)', () => {
    fc.assert(fc.property(arb, fc.nat({ max: 15 }), (x, other) => {
      fc.pre((other & 7) !== 7 && other !== x.ngKsi);
      const dl = x.last === null ? x.gap - 1 : x.last + x.gap;
      const t = n2HandoverTarget(setup(x.kamf, x.ngKsi, x.ul, x.last, dl), { kacf: x.kacf, containerNgKsi: other, nea: x.nea }, new Trace());
      const before = slots();
      expect(() => iw.n2Handover(t.nasc)).toThrow(FirmwareError);
      expect(() => iw.n2Handover(t.nasc)).not.toThrow(MacFailureError); // refused for the KSI, not the MAC
      expect(slots()).toEqual(before);
    }), { numRuns: 200 });
  });
});

describe('scenario (run n2-handover --nasc-ngksi N): TS 33.501 6.9.2.3.4, a container naming no context the UE holds', () => {
  for (const [kacf, ksi] of [[true, 9], [true, 2], [false, 5], [true, 7]] as const) {
    it(`KACF ${kacf ? 1 : 0}, container ngKSI ${ksi} (UE holds ngKSI 1): handover aborted, every slot unchanged`, () => {
      const s = runN2Handover({ kacf, nascNgKsi: ksi, seed: 2 }).summary;
      expect([s.ngKsiOld, s.aborted, s.abortReason, s.slotsUnchanged, s.ue]).toEqual([1, true, 'ngksi-names-no-context', true, null]);
    });
  }
  it('a container naming the UE\'s own ngKSI goes through (the fault flag with the right value changes nothing)', () => {
    const s = runN2Handover({ kacf: true, nascNgKsi: 1, seed: 2 }).summary;
    expect([s.aborted, s.abortReason, s.agree]).toEqual([false, null, true]);
  });
});

describe('NASC verification failure: the handover is aborted and the old context kept unchanged', () => {
  it('any flipped bit of the container (MAC, algorithms, KACF/ngKSI, SQN) leaves every slot as it was (random)', () => {
    fc.assert(fc.property(arb, fc.nat({ max: 55 }), (x, bit) => {
      const dl = x.last === null ? x.gap - 1 : x.last + x.gap;
      const t = n2HandoverTarget(setup(x.kamf, x.ngKsi, x.ul, x.last, dl), { kacf: x.kacf, nea: x.nea }, new Trace());
      const nasc = t.nasc.slice();
      nasc[bit >> 3] ^= 0x80 >> (bit & 7);
      const before = slots();
      expect(() => iw.n2Handover(nasc)).toThrow(FirmwareError);
      expect(slots()).toEqual(before);
    }), { numRuns: 300 });
  });
  it('a MAC computed with the OLD KNASint under KACF = 1 fails (the container is verified with the new key)', () => {
    const kamf = hex('79'.repeat(32)), src = setup(kamf, 2, 4, 3, 5);
    const before = slots();
    const nasc = buildNasc(src.nas.knasint, 2, 2, 0x10 | 2, 5);
    expect(() => iw.n2Handover(nasc)).toThrow(MacFailureError);
    expect(slots()).toEqual(before);
  });
  for (const kacf of [true, false]) {
    it(`scenario (KACF ${kacf ? 1 : 0}) with a corrupted MAC: aborted, slots unchanged, the source AMF still works`, () => {
      const s = runN2Handover({ kacf, macFailure: true }).summary;
      expect([s.aborted, s.abortReason, s.slotsUnchanged, s.agree, s.ue, s.ueDlCountEstimate]).toEqual([true, 'nas-mac', true, false, null, null]);
    });
  }
});

describe('scenario: ue-keys run n2-handover', () => {
  it('--kacf: both sides hold KAMF′ = A.13(KAMF, 0x01, DL COUNT); the mobility registration commits it to the USIM', () => {
    const s = runN2Handover({ kacf: true }).summary;
    const kamfPrime = ref.kamfPrime(hex(s.kamf), 1, s.dlCount);
    expect([s.ue!.kamf, s.network.kamf, s.usimKamf]).toEqual([toHex(kamfPrime), toHex(kamfPrime), toHex(kamfPrime)]);
    expect(s.ue!.kgnb).toBe(toHex(ref.kgnb(kamfPrime, NO_COUNT, 1)));
    expect([s.ue!.ngKsi, s.network.ngKsi]).toEqual([s.ngKsiOld, s.ngKsiOld]); // 6.9.2.3.3: KAMF′ keeps the ngKSI of KAMF
    expect([s.agree, s.aborted, s.registrationAfterHandover, s.nascSqn, s.ueDlCountEstimate]).toEqual([true, false, 'verified', s.dlCount & 0xff, s.dlCount]);
  });
  it('without --kacf: the same KAMF and ngKSI continue', () => {
    const s = runN2Handover().summary;
    expect([s.ue!.kamf, s.network.kamf, s.ue!.ngKsi, s.agree, s.registrationAfterHandover]).toEqual([s.kamf, s.kamf, s.ngKsiOld, true, 'verified']);
  });
});

// TS 33.501 6.9.2.3.4 (UE handling): with KACF = 1 the UE derives KAMF′, verifies the NAS-MAC
// "and on success set[s] the NAS COUNTs to 0" — all of them, so the non-3GPP access's COUNTs of the
// old context must not carry over to KAMF′ (a mutant removing that reset is in the issue 16 runner's sample).
describe('N2 handover with KACF = 1: the non-3GPP NAS COUNTs restart at 0 under KAMF′ too', () => {
  it('old context with non-3GPP UL 7 / DL 5 (accepted): after the HO, UL 0, DL 0, no DL accepted, on both accesses', () => {
    const kamf = hex('3c'.repeat(32));
    const src = setup(kamf, 2, 9, 4, 6);
    ue.setCounts('current', 'non3gpp', 7, 5, true);
    const t = n2HandoverTarget(src, { kacf: true, nea: 2, nia: 2 }, new Trace());
    expect(iw.n2Handover(t.nasc)).toEqual({ kacf: true, ngKsi: 2, dlCount: 6 });
    const cur = ue.read('current');
    expect(toHex(cur.kamf)).toBe(toHex(ref.kamfPrime(kamf, 1, 6)));
    expect([cur.ulCount.non3gpp, cur.dlCount.non3gpp, cur.dlAccepted.non3gpp]).toEqual([0, 0, false]);
    expect([cur.ulCount['3gpp'], cur.dlCount['3gpp'], cur.dlAccepted['3gpp']]).toEqual([0, 0, false]);
  });
});

describe('TS 24.501 5.4.2.3 / TS 33.501 5.5.2: 5G-IA0 only for an emergency — also in a NAS transparent container', () => {
  // A container selecting 5G-IA0 carries an all-zero NAS-MAC anyone can write; taking it would put
  // the UE on a context without integrity protection. The SMC refuses 5G-IA0 outside an emergency;
  // the N2 (6.9.2.3.4) and S1→N1 (8.4) containers are refused the same way, nothing changes.
  const kamf = Uint8Array.from({ length: 32 }, (_, i) => 0x3c ^ i);
  it('N2 handover container with 5G-IA0 (KACF 0 and 1): ERR_ALGORITHM, every slot unchanged; accepted in an emergency', () => {
    for (const kacf of [false, true]) {
      const src = setup(kamf, 1, 5, 3, 4);
      const t = n2HandoverTarget(src, { kacf, nea: 0, nia: 0 }, new Trace());
      expect([...t.nasc.subarray(0, 4)]).toEqual([0, 0, 0, 0]); // 5G-IA0: the NAS-MAC is all zeros
      const before = slots();
      expect(() => iw.n2Handover(t.nasc)).toThrow(FirmwareError);
      expect(slots()).toEqual(before);
      ue.configure({ ueSecurityCapabilities: CAPS, emergency: true });
      try { expect(iw.n2Handover(t.nasc).kacf).toBe(kacf); } finally { ue.configure({ ueSecurityCapabilities: CAPS }); }
    }
  });
  it('S1 mode → N1 mode container with 5G-IA0: ERR_ALGORITHM, every slot unchanged', () => {
    for (const s of SLOTS) ue.wipe(s);
    const before = slots();
    const nasc = buildNasc(new Uint8Array(16), 0, 0, 1, 0);
    expect(() => iw.epsTo5gHo({ kasme: kamf, nh: kamf.map((b) => b ^ 0xff), nasc })).toThrow(FirmwareError);
    expect(slots()).toEqual(before);
  });
});

// The fast build keeps the 128-NIA2 subkeys K1 ‖ K2 of a slot's KNASint in the slot (bytes 160..191,
// flag at byte 7; assembly/me/context/slots.ts). An N2 handover container may select other
// algorithms and, with KACF = 1, a new KAMF′ (TS 33.501 6.9.2.3.4): KNASint changes with either
// (A.8), so the subkeys must be those of the new KNASint under 128-NIA2 (SP 800-38B 6.1, node:crypto)
// and zero (retired key material) under any other algorithm. The small build never keeps them.
describe('N2 handover: the NIA2 subkeys a slot keeps follow its KNASint (TS 33.501 6.9.2.3.4, A.8)', () => {
  const fast = ue.module.file === 'ue-fast';
  const kept = () => { const s = ue.rawSlot('current'); return { flag: s[7], sub: toHex(s.subarray(160, 192)) }; };
  const zero = { flag: 0, sub: '00'.repeat(32) };
  for (const kacf of [false, true]) {
    // the network model is AES-only (node:crypto), so the other algorithm is 5G-IA0, taken in an emergency (TS 33.501 5.5.2)
    it(`KACF ${kacf ? 1 : 0}: NIA2 → container selecting 5G-IA0 (zeroed) → NIA2 again (the new KNASint's subkeys)`, () => {
      const kamf = Uint8Array.from({ length: 32 }, (_, i) => 0x5a ^ (i * 3));
      const src = setup(kamf, 2, 9, 4, 6);
      expect(kept()).toEqual(fast ? { flag: 1, sub: toHex(cmacSubkeys(ref.nasKeys(kamf, 2, 2).knasint)) } : zero);
      const to3 = n2HandoverTarget(src, { kacf, nea: 2, nia: 0 }, new Trace());
      ue.configure({ ueSecurityCapabilities: CAPS, emergency: true });
      try { iw.n2Handover(to3.nasc); } finally { ue.configure({ ueSecurityCapabilities: CAPS }); }
      expect(kept()).toEqual(zero);
      const now = ue.read('current').kamf; // KAMF′ = A.13(KAMF, 0x01, DL COUNT) with KACF 1, else KAMF
      expect(toHex(now)).toBe(toHex(kacf ? ref.kamfPrime(kamf, 1, 6) : kamf));
      const back = n2HandoverTarget({ ...src, nas: to3.nas }, { kacf, nea: 2, nia: 2 }, new Trace());
      iw.n2Handover(back.nasc);
      const after = ue.read('current').kamf;
      expect(kept()).toEqual(fast ? { flag: 1, sub: toHex(cmacSubkeys(ref.nasKeys(after, 2, 2).knasint)) } : zero);
    });
  }
});

// "Retired keys are zeroed" (project rule) and TS 33.501 6.9.2.3.4 (on a NAS-MAC failure the UE
// keeps its contexts unchanged): the KAMF′ = A.13 candidate a failed container made is nowhere in
// memory afterwards. Modelling choice (n2-handover.ts: "KAMF′ replaces the current context"): a
// successful N2 handover keeps no old context as non-current. Found by the firmware mutation
// runner (issue 16): leaving the candidate slot unwiped, and keeping the old context, survived.
describe('N2 handover: a refused candidate leaves no KAMF′ behind; an accepted one keeps no old context', () => {
  it('KACF 1, MAC from the old KNASint (refused): KAMF′ = A.13(KAMF, 0x01, DL COUNT 5) in none of the 64 KiB', () => {
    const kamf = hex('6b'.repeat(32)), src = setup(kamf, 2, 4, 3, 5);
    const nasc = buildNasc(src.nas.knasint, 2, 2, 0x10 | 2, 5);
    expect(() => iw.n2Handover(nasc)).toThrow(MacFailureError);
    const kamfPrime = ref.kamfPrime(kamf, 0x01, 5);
    expect(Buffer.from(ue.memory()).indexOf(Buffer.from(kamfPrime.subarray(0, 16)))).toBe(-1);
  });
  it('KACF 1 accepted: slot NON_CURRENT stays empty (all zero), the current slot holds KAMF′', () => {
    const kamf = hex('6c'.repeat(32)); setup(kamf, 2, 4, 3, 5);
    const kamfPrime = ref.kamfPrime(kamf, 0x01, 5);
    const knasint = ref.algKey(kamfPrime, 2, 2);
    const nasc = buildNasc(knasint, 2, 2, 0x10 | 2, 5);
    expect(iw.n2Handover(nasc).kacf).toBe(true);
    expect(toHex(ue.read('current').kamf)).toBe(toHex(kamfPrime));
    expect(ue.rawSlot('non-current').every((b) => b === 0)).toBe(true);
  });
});
