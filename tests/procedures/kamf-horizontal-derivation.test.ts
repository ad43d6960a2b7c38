// Horizontal KAMF derivation at mobility registration update (TS 33.501 6.9.3, as changed by seed
// CR 000). Expected keys come from the node:crypto reference (host/reference/kdf.ts), never from the
// firmware under test.
import { describe, expect, it } from 'vitest';
import { ref } from '../../host/reference/kdf.js';
import { runMobility } from '../../host/scenarios/mobility.js';
import { hex, toHex } from '../helpers.js';
import { KAMF, NGKSI, protectedSmc, ueAfterRegistrationRequest } from './registered-ue.js';

// TS 33.501 6.9.3: "If the UE receives the K_AMF_change_flag set to 1 in the NAS Security Mode
// Command message, then the UE shall derive a new key KAMF from the current active KAMF identified
// by the received ngKSI in the NAS Security Mode Command message using the uplink NAS COUNT value that
// was sent in the Registration Request message. The UE shall assign the received ngKSI in the NAS
// Security Mode Command message to the ngKSI of the new derived KAMF."
describe('TS 33.501 6.9.3 (UE): KAMF′ derives from the current KAMF identified by the SMC\'s ngKSI', () => {
  it('an HDP = 1 SMC whose ngKSI identifies no UE context is rejected with #24 (TS 24.501 5.4.2.5), the current context unchanged', () => {
    const { ue, rrCount } = ueAfterRegistrationRequest();
    const kamfPrime = ref.kamfPrime(KAMF, 0, rrCount);
    const before = ue.read('current');
    const r = ue.securityModeCommand(protectedSmc(kamfPrime, 5 /* not the current ngKSI 2 */, { hdp: true }).message);
    expect([r.result, r.cause]).toEqual(['reject', 24]);
    expect(toHex(ue.read('current').kamf)).toBe(toHex(before.kamf));
    expect(ue.read('current').ngKsi).toBe(NGKSI);
  });

  it('an HDP = 1 SMC with the current ngKSI: KAMF′ = A.13(KAMF, 0x00, UL NAS COUNT of the REGISTRATION REQUEST), ngKSI kept, COUNTs reset, the old context kept until the outcome', () => {
    const { ue, rrCount } = ueAfterRegistrationRequest();
    expect(rrCount).toBe(5);
    const kamfPrime = ref.kamfPrime(KAMF, 0, 5);
    const r = ue.securityModeCommand(protectedSmc(kamfPrime, NGKSI, { hdp: true }).message);
    expect(r.result).toBe('complete');
    const cur = ue.read('current');
    expect(toHex(cur.kamf)).toBe(toHex(kamfPrime));
    expect(cur.ngKsi).toBe(NGKSI);
    expect(cur.ulCount['3gpp']).toBe(1);           // COUNTs reset; SECURITY MODE COMPLETE used UL 0
    expect(cur.dlCount['3gpp']).toBe(0);           // the SMC verified with DL 0
    expect(toHex(cur.kgnb)).toBe(toHex(ref.kgnb(kamfPrime, 0, 1)));
    expect(toHex(ue.read('non-current').kamf)).toBe(toHex(KAMF));
  });
});

// TS 33.501 6.9.3 (network): "The ngKSI for the newly derived KAMF key is defined such as the value
// field and the type field are taken from the ngKSI of the current KAMF. The source AMF shall
// transfer the new KAMF, the new ngKSI …".
describe('TS 33.501 6.9.3 (mobility model): the ngKSI of KAMF′ is the ngKSI of the current KAMF', () => {
  it('after a committed horizontal derivation the UE, the USIM and the target AMF use the old ngKSI', () => {
    const { summary: s } = runMobility({ horizontal: true, outcome: 'accept', seed: 11 });
    expect(s.kamfNew).toBe(toHex(ref.kamfPrime(hex(s.kamfOld), 0, s.ulCountRegistrationRequest!)));
    expect(s.ngKsiNew).toBe(s.ngKsiOld);
    expect(s.usimNgKsi).toBe(s.ngKsiOld);
  });

  it('a horizontal-derivation SMC carrying an unknown ngKSI is rejected with #24; the UE keeps the old KAMF', () => {
    const { summary: s } = runMobility({ horizontal: true, smcFault: 'unknown-ngksi', seed: 12 });
    expect([s.smcResult, s.smcCause]).toEqual(['reject', 24]);
    expect(s.ueCurrentKamf).toBe(s.kamfOld);
  });
});
