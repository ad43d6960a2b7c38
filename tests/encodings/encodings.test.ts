// Encodings real tools read: the null-scheme SUCI (TS 24.501 9.11.3.4), the 5G-GUTI → GUTI
// mapping (TS 23.003 2.10.2.1.2) and the NAS-EPS TAU Request of 5GS → EPS idle mobility
// (TS 24.301 9.1, 9.5; TS 33.501 8.6.1). Expected octets are written out from the clause layouts
// (and, for the SUCI, a byte string Wireshark 4.0 decodes as MCC 001 / MNC 01 / MSIN 0000000001);
// MACs are recomputed with the node:crypto reference, never with the firmware.
import { describe, expect, it } from 'vitest';
import { suciNullScheme, mappedEpsGuti, encodePlmn } from '../../host/nas/identity.js';
import { encodeGuti } from '../../host/nas/messages.js';
import * as M from '../../host/nas/messages.js';
import { parseEpsProtected, parseTauRequest } from '../../host/nas/eps.js';
import { runMobility } from '../../host/scenarios/mobility.js';
import { runInterworking } from '../../host/scenarios/interworking.js';
import { ref } from '../../host/reference/kdf.js';
import { nia2Ref } from '../../host/reference/nas.js';
import { InputError } from '../../host/errors.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { InterworkingMme } from '../../host/network/mme.js';
import { Trace } from '../../host/trace.js';
import { guti } from '../../host/scenarios/setup.js';
import { hex, toHex } from '../helpers.js';

describe('SUCI, null scheme (TS 24.501 9.11.3.4; TS 33.501 6.12.2)', () => {
  it('IMSI 001010000000001, 2-digit MNC: "SUPI format IMSI, type SUCI; MCC/MNC; routing indicator; protection scheme id 0; home network public key id 0; MSIN" = 01 00f110 f0ff 00 00 0000000010', () => {
    expect(toHex(suciNullScheme('001010000000001', 2))).toBe('0100f110f0ff00000000000010');
  });
  it('3-digit MNC (IMSI 310410123456789, MNC 410): MNC digit 3 fills the half octet that is F for 2 digits; odd MSIN ends in F', () => {
    expect(toHex(suciNullScheme('310410123456789', 3))).toBe('01130014f0ff000021436587f9');
    expect(toHex(encodePlmn('310', '41'))).toBe('13f014');
  });
  it('routing indicator digits are BCD, unused digits F (TS 24.501 9.11.3.4: "If the routing indicator is shorter than 4 digits, the remaining digits shall be coded as 1111")', () => {
    expect(toHex(suciNullScheme('001010000000001', 2, '17').subarray(4, 6))).toBe('71ff');
    expect(toHex(suciNullScheme('001010000000001', 2, '1234').subarray(4, 6))).toBe('2143');
  });
  it('bad input names the field', () => {
    expect(() => suciNullScheme('00101x', 2)).toThrow(InputError);
    expect(() => suciNullScheme('001010000000001', 4)).toThrow(/^mncDigits /);
    expect(() => suciNullScheme('001010000000001', 2, '12345')).toThrow(/^routingIndicator /);
  });
  it('the initial Registration Request of a run carries that SUCI, not the SUPI in ASCII', () => {
    const step = runMobility({ seed: 1 }).trace.find((s) => s.message && s.event.startsWith('REGISTRATION REQUEST (initial)'))!;
    const r = M.parseRegistrationRequest(hex(step.message!));
    expect(toHex(r.identity)).toBe('0100f110f0ff00000000000010');
    expect(r.ngKsi).toBe(M.NGKSI_NO_KEY);
  });
});

describe('5G-GUTI → GUTI (TS 23.003 2.10.2.1.2) in an EPS mobile identity (TS 24.301 9.9.3.12)', () => {
  it('"MME Group ID = AMF Region ID ‖ 8 MSB of AMF Set ID; MME Code = 2 LSB of AMF Set ID ‖ AMF Pointer; M-TMSI = 5G-TMSI"', () => {
    const g = encodeGuti({ plmn: hex('00f110'), amfRegionId: 0xa5, amfSetId: 0x3c7, amfPointer: 0x2b, tmsi: 0xdeadbeef });
    // region A5, set 11 1100 0111, pointer 10 1011 → MMEGI A5 F1, MMEC 11‖101011 = EB
    expect(toHex(mappedEpsGuti(g))).toBe('f600f110a5f1ebdeadbeef');
  });
});

describe('5GS → EPS idle: the TAU Request is NAS-EPS (TS 24.301 9.1) protected with the 5G context (TS 33.501 8.6.1)', () => {
  const run = runInterworking({ to: 'eps', mode: 'idle', seed: 3 });
  const step = run.trace.find((s) => s.message && s.event.startsWith('TRACKING AREA UPDATE REQUEST'))!;
  const msg = hex(step.message!);
  it('octet 1 = security header type 1 ‖ protocol discriminator 7 (0x17), then NAS-MAC, SQN = 8 LSB of the UL NAS COUNT, then the plain TAU', () => {
    expect(msg[0]).toBe(0x17);
    const p = parseEpsProtected(msg)!;
    expect(p.sqn).toBe((step.values.ulCount as number) & 0xff);
    const tau = parseTauRequest(p.plain);
    expect(tau.oldGuti[0] & 7).toBe(6);
    expect(tau.mappedGuti).toBe(true);
    expect(tau.ksi).toBe(0x08 | (step.values.eKsi as number));
  });
  it('TS 24.301 9.5 / TS 33.501 8.6.1: NAS-MAC = 128-NIA2(5G KNASint, 5G UL NAS COUNT, BEARER 3GPP, uplink) over SQN ‖ TAU', () => {
    const { knasint } = ref.nasKeys(hex(run.summary.kamf), 2, 2);
    const mac = nia2Ref(knasint, step.values.ulCount as number, 1, 0, msg.subarray(5), (msg.length - 5) * 8);
    expect(toHex(msg.subarray(1, 5))).toBe(toHex(mac));
  });
  it('the MME model accepts it and refuses the same bytes in a 5GS frame (7E 01 …), a changed old GUTI or a changed KSI', () => {
    expect(run.summary.agree).toBe(true);
    const ctx = () => {
      const nas = new NetworkNasContext(hex(run.summary.kamf), run.summary.ue.ksi, 2, 2);
      nas.ulLast['3gpp'] = (step.values.ulCount as number) - 1;
      return { supi: '001010000000001', guti: guti(0x01, 0x00000401), nas, ueSecurityCapabilities: Uint8Array.of(0xf0, 0xf0), transferPending: false };
    };
    const mme = () => new InterworkingMme(new Trace());
    expect(mme().tauFrom5g(ctx(), msg, 0x22)?.ulCountTau).toBe(step.values.ulCount);
    expect(mme().tauFrom5g(ctx(), Uint8Array.of(0x7e, 0x01, ...msg.subarray(1)), 0x22)).toBeNull();
    for (const at of [6 + 2, 6 + 14]) { // KSI octet, last octet of the M-TMSI
      const bad = msg.slice(); bad[at] ^= 0x01;
      expect(mme().tauFrom5g(ctx(), bad, 0x22)).toBeNull();
    }
  });
});

describe('EPS → 5GS idle (TS 33.501 8.2)', () => {
  it('"The UE shall also include the 5G GUTI and the ngKSI that identify a current 5G security context … and integrity protect the Registration Request using … the current 5G NAS security context": ngKSI = that of the native context whose KNASint made the MAC', () => {
    for (const seed of [1, 2, 3]) {
      const run = runInterworking({ to: '5gs', mode: 'idle', seed });
      const step = run.trace.find((s) => s.message && s.event.startsWith('REGISTRATION REQUEST (mobility registration updating, TAU inside)'))!;
      const msg = hex(step.message!);
      expect(msg[1]).toBe(1); // integrity protected
      const rr = M.parseRegistrationRequest(msg.subarray(7));
      const native = hex(run.summary.kamf);
      const initialSmc = run.trace.find((s) => s.event.startsWith('SECURITY MODE COMMAND') && s.values.kamf === run.summary.kamf)!;
      expect(rr.ngKsi).toBe(Number(/ngKSI (\d+)/.exec(initialSmc.event)![1])); // the native ngKSI, TSC native
      expect(rr.ngKsi & 0x08).toBe(0);
      const { knasint } = ref.nasKeys(native, 2, 2);
      const count = step.values.ulCountRegistrationRequest as number;
      expect(toHex(msg.subarray(2, 6))).toBe(toHex(nia2Ref(knasint, count, 1, 0, msg.subarray(6), (msg.length - 6) * 8)));
      expect(run.summary.deletionRules.join('\n')).toMatch(/Registration Request ngKSI \d+ = ngKSI of the context that protected it \(TS 33.501 8.2\): true/);
    }
  });
});
