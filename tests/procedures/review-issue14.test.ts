// Regression tests from the independent review of the issue-14 work (EAP-AKA′, the conformance
// runner and the UE behaviour added for it). Each block names the rule it checks and quotes the
// clause; expected values come from the clause text, the network model (host/network, node:crypto)
// or the node:crypto reference, never from the UE firmware or host/ue.
import { describe, expect, it } from 'vitest';
import { SystemSimulator, SS_GUTI } from '../../host/conformance/ss.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import * as M from '../../host/nas/messages.js';
import { ref, kdfRef } from '../../host/reference/kdf.js';

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

describe('TS 24.007 11.2.4 / TS 24.501 9.11: optional IEs of REGISTRATION ACCEPT are skipped by their format (type 1 one octet, IEI 7- TLV-E)', () => {
  // Before the fix the UE skipped every IE other than 77/73 as a TLV (2 + octet 2): a type 1 IE
  // such as NSSAI inclusion mode (IEI A-, TS 24.501 8.2.7.1) before the SOR transparent container
  // (73, TLV-E) made it read the container at the wrong octet, so a valid SOR-MAC-IAUSF got no ACK
  // (TS 33.501 6.14.2.1: the UE verifies it and, ACK requested, returns SOR-MAC-IUE).
  it('a SOR container after a type 1 IE (A1) and an 8-bit TLV is still verified (A.17) and acknowledged (A.18)', () => {
    const ss = new SystemSimulator();
    ss.ueRegister();
    const c = ss.challenge(1);
    ss.send(ss.authenticationRequest(c));
    const nas = new NetworkNasContext(c.kamf, 1, 2, 2);
    ss.send(ss.smc(nas));
    ss.net = nas;
    const header = 0x08 | 0x04 | 0x02, counter = Uint8Array.of(0x00, 0x07);
    const list = Uint8Array.of(0x00, 0xf2, 0x10, 0x08, 0x00);
    const mac = kdfRef(c.kausf, 0x77, [Uint8Array.of(header), counter, list]).slice(16);
    const sor = Uint8Array.of(header, ...mac, ...counter, ...list);
    const accept = Uint8Array.of(...M.registrationAccept({ guti: SS_GUTI }), 0xa1, 0x16, 0x01, 0x01, 0x73, 0x00, sor.length, ...sor);
    const u = ss.decode(ss.send(ss.protect(accept)).sent);
    expect(u.plain[2]).toBe(M.MT.REGISTRATION_COMPLETE);
    expect([...u.plain.slice(3, 7)]).toEqual([0x73, 0x00, 17, 0x01]);
    expect(u.plain.slice(7, 23)).toEqual(kdfRef(c.kausf, 0x78, [Uint8Array.of(0x01), counter]).slice(16));
    expect(ss.ue.guti).toEqual(SS_GUTI); // the 5G-GUTI (77) before them is still taken
  });
});

describe('TS 24.501 9.11.3.32 / 8.2.12: a DEREGISTRATION REQUEST without a usable context carries ngKSI 111 "no key is available"', () => {
  // Before the fix, usimRemoved() put the ngKSI octet of the current slot into the message even when
  // the slot was empty (its 0) — announcing key set 0 the network never assigned; deregister() already
  // sent 111. TS 24.501 5.5.2.2.1: USIM removal → DEREGISTRATION REQUEST "switch off".
  it('USIM removed before any security context: plain DEREGISTRATION REQUEST, switch off, ngKSI 7', () => {
    const ss = new SystemSimulator();
    const sent = ss.nas.usimRemoved();
    expect([sent[0], sent[1], sent[2]]).toEqual([0x7e, 0x00, 0x45]); // plain 5GMM, DEREGISTRATION REQUEST (UE originating)
    expect(sent[3] >> 4).toBe(7);
    expect(sent[3] & 0x0f).toBe(0x09); // switch off (bit 4), 3GPP access (01)
  });
});
