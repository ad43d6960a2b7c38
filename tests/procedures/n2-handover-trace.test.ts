// `ue-keys run n2-handover` prints the scenario's trace (host/scenarios/n2-handover.ts): each step of
// TS 33.501 6.9.2.3.4 with who did it, to whom, the clause and the values. These tests read that
// trace for the three outcomes (KACF 1 accepted, NAS-MAC failure, a container naming no context)
// and check its key values against the node:crypto reference (A.13 KAMF′, A.9 KgNB).
import { describe, expect, it } from 'vitest';
import { runN2Handover } from '../../host/scenarios/n2-handover.js';
import { ref } from '../../host/reference/kdf.js';
import { NO_COUNT } from '../../host/types.js';
import { hex, toHex } from '../helpers.js';
import { step } from './trace-steps.js';

describe('trace of run n2-handover (TS 33.501 6.9.2.3.4)', () => {
  it('KACF 1 accepted: the UE step carries KAMF′ = A.13(KAMF, 0x01, DL COUNT), its ngKSI, KNASint and the temporary KgNB = A.9(KAMF′, 2^32−1); the target AMF verifies the Registration Request and answers with REGISTRATION ACCEPT to the UE; the result says both hold the same keys', () => {
    const r = runN2Handover({ kacf: true });
    const s = r.summary, kamfPrime = ref.kamfPrime(hex(s.kamf), 1, s.dlCount);
    const ue = step(r.trace, /^NASC verified; KAMF′ = A\.13\(KAMF, 0x01, DL COUNT from the SQN\); COUNTs 0; temporary KgNB$/);
    expect([ue.from, ue.clause]).toEqual(['UE', 'TS 33.501 6.9.2.3.4']);
    expect(ue.values).toEqual({ dlCount: s.dlCount, kamf: toHex(kamfPrime), ngKsi: s.ngKsiOld, knasint: s.ue!.knasInt, kgnb: toHex(ref.kgnb(kamfPrime, NO_COUNT, 1)) });
    const acc = step(r.trace, /^Registration Request verified; REGISTRATION ACCEPT \(new 5G-GUTI\)$/);
    expect([acc.from, acc.to, typeof acc.values.dlCount, typeof acc.message]).toEqual(['target AMF', 'UE', 'number', 'string']);
    expect(r.trace.at(-1)).toMatchObject({ from: 'UE', event: 'Result: UE and target AMF hold the same keys' });
    expect(r.trace.some((x) => x.from === 'source AMF') && r.trace.some((x) => x.from === 'target AMF')).toBe(true);
  });
  it('KACF 0 accepted: the UE step says the algorithms were applied and the DL COUNT set, with no KgNB', () => {
    const r = runN2Handover();
    const ue = step(r.trace, /^NASC verified; algorithms applied; DL COUNT set$/);
    expect([ue.values.kgnb, ue.values.kamf, ue.values.dlCount]).toEqual([null, r.summary.kamf, r.summary.dlCount]);
    expect(r.summary.network.kgnb).toBeNull();
  });
  it('NAS-MAC failure: the UE records the abort with every slot unchanged, the source AMF\'s next downlink is verified with the old context, the result says so; the USIM keeps the old KAMF', () => {
    const r = runN2Handover({ macFailure: true });
    const ue = step(r.trace, /^NASC NAS-MAC verification FAILED: handover aborted, the old context kept unchanged$/);
    expect([ue.from, ue.clause, ue.values]).toEqual(['UE', 'TS 33.501 6.9.2.3.4', { slotsUnchanged: true }]);
    const dl = step(r.trace, /^Downlink NAS message with the old context verified by the UE \(handover aborted\)$/);
    expect([dl.from, dl.to, typeof dl.values.dlCount]).toEqual(['source AMF', 'UE', 'number']);
    expect(r.trace.at(-1)).toMatchObject({ from: 'UE', event: 'Result: handover aborted, old context kept' });
    expect([r.summary.registrationAfterHandover, r.summary.usimKamf]).toEqual(['not run', r.summary.kamf]); // the USIM keeps the old KAMF
  });
  it('a container naming ngKSI 9 (no context the UE holds): the abort names the ngKSI', () => {
    const r = runN2Handover({ kacf: true, nascNgKsi: 9, seed: 2 });
    const ue = step(r.trace, /^NASC names ngKSI 9, a context the UE does not hold: handover aborted, the old context kept unchanged$/);
    expect([ue.from, ue.clause, ue.values]).toEqual(['UE', 'TS 33.501 6.9.2.3.4', { slotsUnchanged: true }]);
  });
});
