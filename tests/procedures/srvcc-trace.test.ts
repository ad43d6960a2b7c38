// `ue-keys run srvcc` prints the scenario's trace (host/scenarios/srvcc.ts): each step of TS 33.501
// J.1 (5G → UTRAN CS SRVCC) with who did it, to whom, the clause and the values. These tests read
// the scenario's own steps for a completed and a failed handover and for the key-separation
// findings, and check their values against the clause (J.1 step 1: the AMF increases the DL NAS
// COUNT by one after the derivation; step 4: the HO command carries its 4 LSB) and against the
// node:crypto references (A.7 KAMF, A.21 KASME_SRVCC).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runSrvcc } from '../../host/scenarios/srvcc.js';
import { ref } from '../../host/reference/kdf.js';
import { SUBSCRIBER } from '../../host/scenarios/setup.js';
import { MscServer } from '../../host/network/msc.js';
import { UeDevice } from '../../host/ue/ue-device.js';
import { StateError } from '../../host/errors.js';
import { hex, toHex } from '../helpers.js';
import { steps, step } from './trace-steps.js';

const RESULT_SAME = 'Result: UE and MSC server hold the same CKSRVCC/IKSRVCC/KSISRVCC';

describe('trace of run srvcc (TS 33.501 J.1)', () => {
  it('completed: Handover Required at the AMF (J.1 step 1), the HO command to the UE with the 4 LSB of the DL NAS COUNT (step 4), the CS call and its end, then back in NR the old context refused at DL COUNT + 1, 5G AKA, and the new KAMF = A.7 of the new KSEAF', () => {
    const r = runSrvcc({ seed: 1 });
    const s = r.summary, t = r.trace;
    expect(step(t, /^Handover Required \(SRVCC to UTRAN CS\) from the gNB$/)).toMatchObject({ from: 'AMF', clause: 'TS 33.501 J.1 step 1', values: {} });
    const ho = step(t, /^HO command \(via the gNB\) with the 4 LSB of the DL NAS COUNT$/);
    expect([ho.from, ho.to, ho.clause, ho.values]).toEqual(['AMF', 'UE', 'TS 33.501 J.1 step 4', { dlLsb4: s.dlCount & 0x0f }]);
    expect(step(t, /^SRVCC completed: CS call in UTRAN with CKSRVCC\/IKSRVCC; 5G needs a new authentication before use$/)).toMatchObject({ from: 'UE', clause: 'TS 33.501 J.1', values: {} });
    expect(step(t, /^CS call ended: CS security context deleted; returns to NR coverage$/)).toMatchObject({ from: 'UE', values: {} });
    // the first downlink tried with the old context is the AMF's next one: DL COUNT + 1 (J.1 step 1)
    const refused = step(t, /^Refuses to use the old 5G context \(downlink not accepted, uplink not protected\): re-authentication first$/);
    expect([refused.from, refused.clause, refused.values]).toEqual(['UE', 'TS 33.501 J.1', { dlCountTried: s.dlCount + 1 }]);
    expect(steps(t, /rule violated/)).toEqual([]);
    expect(step(t, /^Registration Request not protected with the old context \/ re-authentication required after SRVCC: runs 5G AKA$/)).toMatchObject({ from: 'AMF', clause: 'TS 33.501 J.1, 6.1.3.2', values: {} });
    // the new context: SMC at DL COUNT 0, so REGISTRATION ACCEPT at 1
    const acc = step(t, /^REGISTRATION ACCEPT with the new context$/);
    expect([acc.from, acc.to, acc.values, typeof acc.message]).toEqual(['AMF', 'UE', { dlCount: 1 }, 'string']);
    const a7 = step(t, /^SEAF: KAMF \(A\.7\) for ngKSI 2$/).values as { kseaf: string; abba: string };
    const newKamf = toHex(ref.kamf(hex(a7.kseaf), SUBSCRIBER.supi, hex(a7.abba)));
    expect(newKamf).not.toBe(s.kamf);
    expect(step(t, /^5G usable again with the new KAMF from the re-authentication$/)).toMatchObject({ from: 'UE', values: { kamf: newKamf } });
    expect(t.at(-1)).toMatchObject({ from: 'UE', event: RESULT_SAME, values: {} });
    expect(steps(t, /KEY SEPARATION/)).toEqual([]);
  });

  it('not completed: the UE returns to NR, deletes the mapped context (memory scan clean), and the AMF\'s next downlink, at DL COUNT + 1, is verified with the 5G context; no re-authentication', () => {
    const r = runSrvcc({ seed: 1, outcome: 'failure' });
    const s = r.summary, t = r.trace;
    expect(step(t, /^SRVCC handover not completed \(e\.g\. UTRAN access failed\): returns to NR$/)).toMatchObject({ from: 'UE', values: {} });
    const del = step(t, /^Deletes the mapped SRVCC context \(wiped\); the 5G context stays in use$/);
    expect([del.from, del.clause, del.values]).toEqual(['UE', 'TS 33.501 J.1 / draft X.1', { mappedContextValid: false, memoryScanClean: true }]);
    const next = step(t, /^Next downlink NAS message after the failed SRVCC \(COUNT after the increment\) verified by the UE$/);
    expect([next.from, next.to, next.values]).toEqual(['AMF', 'UE', { dlCount: s.dlCount + 1 }]);
    expect(steps(t, /re-authentication|CS call ended: CS security context/)).toEqual([]);
    expect(t.at(-1)).toMatchObject({ from: 'UE', event: RESULT_SAME });
  });

  it('direct (seed 003 draft variant): CK ‖ IK = KDF(KAMF, 0x7D, DL COUNT) is A.21\'s KASME_SRVCC for the same KAMF and COUNT — the MSC server step reports the finding', () => {
    const r = runSrvcc({ seed: 1, variant: 'direct' });
    const s = r.summary;
    expect(s.msc.ck + s.msc.ik).toBe(toHex(ref.kasmeSrvcc(hex(s.kamf), s.dlCount)));
    expect(s.ckIkEqualsKasmeSrvcc).toBe(true);
    expect(step(r.trace, /^KEY SEPARATION FINDING: CK ‖ IK equals KASME_SRVCC = A\.21\(KAMF, DL COUNT\) of the MME variants for the same KAMF and COUNT$/))
      .toMatchObject({ from: 'MSC server', clause: 'TS 33.501 A.21 (model finding)', values: {} });
    expect(r.trace.at(-1)!.event).toBe(RESULT_SAME);
  });

  it('FC 0x74 (A.14.2\'s FC) in the AMF step: the result names the key-separation failure', () => {
    const r = runSrvcc({ seed: 1, fc: 0x74 });
    expect(r.trace.at(-1)).toMatchObject({ from: 'UE', event: `${RESULT_SAME}; KEY SEPARATION FAILURE (FC 0x74 = A.14.2)` });
    expect(r.summary.ckIkEqualsKasmeSrvcc).toBe(false);
  });
});

// The scenario's verdicts are what a user reads when a firmware or network change breaks J.1: each
// one must turn when the thing it checks goes wrong. These runs break one thing on purpose.
describe('run srvcc reports what goes wrong (the verdicts read the keys, the memory scan and the J.1 refusal)', () => {
  const flip = (b: Uint8Array) => { const c = b.slice(); c[0] ^= 1; return c; };
  afterEach(() => vi.restoreAllMocks());

  for (const field of ['ck', 'ik', 'ksi'] as const) {
    it(`an MSC server that stores another ${field.toUpperCase()} than the UE derived: agree false, the result says DO NOT hold the same`, () => {
      const orig = MscServer.prototype.psToCsHandoverRequest;
      vi.spyOn(MscServer.prototype, 'psToCsHandoverRequest').mockImplementation(function (this: MscServer, ...a) {
        const c = orig.apply(this, a);
        return field === 'ksi' ? { ...c, ksi: (c.ksi + 1) % 7 } : { ...c, [field]: flip(c[field]) };
      });
      const r = runSrvcc({ seed: 1 });
      expect(r.summary.agree).toBe(false);
      expect(r.trace.at(-1)!.event).toBe('Result: UE and MSC server DO NOT hold the same CKSRVCC/IKSRVCC/KSISRVCC');
    });
  }

  for (const key of ['ck', 'ik'] as const) {
    it(`failed handover: a UE memory image that still holds ${key.toUpperCase()}SRVCC makes the scan report it (ueMemoryClean false, memoryScanClean false)`, () => {
      let held: Uint8Array | null = null;
      const ho = UeDevice.prototype.srvccHoCommand, image = UeDevice.prototype.memoryImage;
      vi.spyOn(UeDevice.prototype, 'srvccHoCommand').mockImplementation(function (this: UeDevice, ...a) { const k = ho.apply(this, a); held = k[key].slice(); return k; });
      vi.spyOn(UeDevice.prototype, 'memoryImage').mockImplementation(function (this: UeDevice) {
        const m = image.call(this);
        return held ? Uint8Array.from([...m, ...held]) : m;
      });
      const r = runSrvcc({ seed: 1, outcome: 'failure' });
      expect(r.summary.ueMemoryClean).toBe(false);
      expect(step(r.trace, /^Deletes the mapped SRVCC context/).values).toEqual({ mappedContextValid: false, memoryScanClean: false });
    });
  }

  it('a UE that accepts a downlink with the old 5G context after the call (against J.1): the trace says the rule was violated, fiveGRefusedBeforeReauth false', () => {
    const down = UeDevice.prototype.downlink;
    let first = true;
    vi.spyOn(UeDevice.prototype, 'downlink').mockImplementation(function (this: UeDevice, m: Uint8Array) {
      try { return down.call(this, m); } catch (e) { if (first && e instanceof StateError) { first = false; return new Uint8Array(0); } throw e; }
    });
    const r = runSrvcc({ seed: 1 });
    expect(r.summary.fiveGRefusedBeforeReauth).toBe(false);
    expect(step(r.trace, /^USED the old 5G context \(rule violated\)$/)).toMatchObject({ from: 'UE', clause: 'TS 33.501 J.1' });
  });

  it('a UE that protects an uplink with the old 5G context after the call (against J.1): fiveGRefusedBeforeReauth false', () => {
    const up = UeDevice.prototype.uplink;
    let first = true;
    vi.spyOn(UeDevice.prototype, 'uplink').mockImplementation(function (this: UeDevice, p: Uint8Array, sht?: 1 | 2 | 4) {
      try { return up.call(this, p, sht); } catch (e) { if (first && e instanceof StateError) { first = false; return { message: new Uint8Array(0), count: 0 } as unknown as ReturnType<UeDevice['uplink']>; } throw e; }
    });
    const r = runSrvcc({ seed: 1 });
    expect(r.summary.fiveGRefusedBeforeReauth).toBe(false);
    expect(steps(r.trace, /rule violated/)).toHaveLength(1);
  });
});
