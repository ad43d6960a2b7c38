// The locally generated KAMF of an emergency registration (TS 24.501 5.4.2.3, TS 33.501 10.2.2), the
// UE driven by the conformance system simulator (host/conformance/ss.ts). Expected values come from
// the clause text, the network model (host/network, node:crypto) or the node:crypto reference, never
// from the UE firmware or host/ue.
import { describe, expect, it } from 'vitest';
import { SystemSimulator, SS_GUTI } from '../../host/conformance/ss.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import * as M from '../../host/nas/messages.js';
import { ref } from '../../host/reference/kdf.js';

/** A UE in an emergency registration that has taken the locally generated KAMF into use: the SS's
 *  SMC with ngKSI 000, 5G-IA0 and 5G-EA0 (TS 24.501 5.4.2.3) was completed. */
function ueWithLocalKamf() {
  const ss = new SystemSimulator();
  ss.ue.fw.configure({ ueSecurityCapabilities: ss.ue.caps, imeisv: ss.nas.imeisv, emergency: true });
  ss.ueRegister(M.REG_TYPE.INITIAL);
  const nas0 = new NetworkNasContext(new Uint8Array(32), 0, 0, 0);
  const u = ss.decode(ss.send(ss.smc(nas0)).sent, nas0);
  expect(u.plain[2]).toBe(M.MT.SECURITY_MODE_COMPLETE);
  ss.net = nas0;
  return ss;
}

/** SECURITY MODE REJECT #24 (protected, if at all, with the null context in use: 5G-IA0, MAC 0),
 *  and the null-algorithm context still the current one. */
function expectRefused(ss: SystemSimulator, sent: Uint8Array | null) {
  expect(sent).not.toBeNull();
  const plain = sent![1] === 0 ? sent! : sent!.subarray(7);
  expect([plain[2], plain[3]]).toEqual([M.MT.SECURITY_MODE_REJECT, 24]);
  expect(ss.ue.fw.read('current')).toMatchObject({ type: 'full-native', ngKsi: 0, nia: 0, nea: 0 });
}

describe('TS 24.501 5.4.2.3 / TS 33.501 10.2.2: the locally generated KAMF of an emergency SMC serves 5G-IA0/5G-EA0 only', () => {
  // TS 24.501 5.4.2.3: with ngKSI "000" and 5G-IA0/5G-EA0 the UE takes a *locally generated* KAMF
  // into use — a key the AMF does not hold. The model makes it all zero (README: a modelling
  // choice), so a later SMC that selects a real algorithm with it would verify for anyone who
  // builds it: before the fix the UE answered SECURITY MODE COMPLETE to an SMC with ngKSI 0 and
  // 128-NIA2/128-NEA2 MACed under KNASint = A.8(0^256), and from then on accepted NAS messages
  // "integrity protected" with a public key, even after the emergency ended.
  for (const endEmergency of [false, true]) {
    it(`an SMC selecting 128-NIA2/128-NEA2 with ngKSI 0 keyed from the all-zero KAMF is refused${endEmergency ? ' after the emergency' : ''}; the null context stays`, () => {
      const ss = ueWithLocalKamf();
      if (endEmergency) ss.ue.fw.configure({ ueSecurityCapabilities: ss.ue.caps, imeisv: ss.nas.imeisv, emergency: false });
      const forged = new NetworkNasContext(new Uint8Array(32), 0, 2, 2);
      forged.dlNext['3gpp'] = 1; // above the emergency SMC's DL COUNT 0, so only the key decides
      expectRefused(ss, ss.send(ss.smc(forged)).sent);
    });
  }

  it('nor with HDP = 1: KAMF′ = A.13(0^256, 0, UL COUNT of the REGISTRATION REQUEST) is as public (TS 33.501 6.9.3)', () => {
    const ss = ueWithLocalKamf();
    ss.send(ss.protect(M.registrationAccept({ guti: SS_GUTI })));
    const rr = ss.decode(ss.ueRegister(M.REG_TYPE.MOBILITY_UPDATING));
    expect(rr.count).not.toBeNull();
    const forged = new NetworkNasContext(ref.kamfPrime(new Uint8Array(32), 0, rr.count!), 0, 2, 2);
    expectRefused(ss, ss.send(ss.smc(forged, { hdp: true })).sent);
  });

  it('the locally generated KAMF itself is still accepted with ngKSI 000 and 5G-IA0/5G-EA0 (the rule above does not block the emergency case)', () => {
    const ss = ueWithLocalKamf();
    const u = ss.decode(ss.send(ss.smc(ss.net!)).sent);
    expect(u.plain[2]).toBe(M.MT.SECURITY_MODE_COMPLETE);
  });
});

// TS 33.501 6.2.2.2 / TS 24.501 5.4.2.1: KAUSF (and KSEAF) of a 5G AKA become valid only when the SMC
// takes the new partial native context into use. An emergency SMC with ngKSI 000 and 5G-IA0/5G-EA0
// takes the locally generated KAMF instead (5.4.2.3), even when the AKA that failed at the network
// (RES* not accepted, TS 38.523-1 11.4.1) also used ngKSI 0: the AKA's keys stay pending and are not
// stored (review finding: the host compared ngKSIs only and stored them).
describe('TS 33.501 6.2.2.2: an emergency SMC does not validate the pending 5G AKA of the same ngKSI', () => {
  it('AKA with ngKSI 0 answered, then the emergency SMC (ngKSI 0, 5G-IA0/5G-EA0): the partial context stays pending in slot NEW, no EF 5GAUTHKEYS write', () => {
    const ss = new SystemSimulator();
    ss.ue.fw.configure({ ueSecurityCapabilities: ss.ue.caps, imeisv: ss.nas.imeisv, emergency: true });
    ss.ueRegister(M.REG_TYPE.INITIAL);
    const c = ss.challenge(0);
    const a = ss.decode(ss.send(ss.authenticationRequest(c)).sent, null);
    expect(a.plain[2]).toBe(M.MT.AUTHENTICATION_RESPONSE);
    expect(ss.ue.aka.pending?.ngKsi).toBe(0);
    const nas0 = new NetworkNasContext(new Uint8Array(32), 0, 0, 0);
    const u = ss.decode(ss.send(ss.smc(nas0)).sent, nas0);
    expect(u.plain[2]).toBe(M.MT.SECURITY_MODE_COMPLETE);
    expect(ss.ue.fw.read('current')).toMatchObject({ type: 'full-native', ngKsi: 0, nia: 0, nea: 0 });
    expect(ss.ue.aka.pending?.ngKsi).toBe(0);                       // not accepted by this SMC
    expect(ss.ue.fw.header('new')).toMatchObject({ type: 'partial-native', ngKsi: 0 });
    expect(ss.ue.trace.steps.some((s) => /EF 5GAUTHKEYS/.test(s.event))).toBe(false);
  });
});
