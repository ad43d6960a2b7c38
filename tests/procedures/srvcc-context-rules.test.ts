// The UE's security context rules around a 5G → UTRAN SRVCC (TS 33.501 SRVCC annex, KASME_SRVCC by
// A.21, CKSRVCC ‖ IKSRVCC by TS 33.401 A.12). Expected keys come from the node:crypto reference
// (host/reference/kdf.ts), never from the firmware under test.
import { describe, expect, it } from 'vitest';
import { UeFirmware } from '../../host/firmware/ue-firmware.js';
import { UeInterworking } from '../../host/firmware/ue-interworking.js';
import { Amf } from '../../host/network/amf.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { ref } from '../../host/reference/kdf.js';
import { World, guti } from '../../host/scenarios/setup.js';
import * as M from '../../host/nas/messages.js';
import { hex, toHex } from '../helpers.js';
import { CAPS, KAMF, NGKSI, REGISTRATION_REQUEST } from './registered-ue.js';

/** A UE with KAMF as its full native current context (ngKSI 2, NEA2/NIA2). */
function ueWithNativeContext(ulCount?: number, dlCount?: number) {
  const ue = new UeFirmware();
  ue.configure({ ueSecurityCapabilities: CAPS });
  ue.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
  if (ulCount !== undefined) ue.setCounts('current', '3gpp', ulCount, dlCount!, true);
  return ue;
}

// "After a 5G → UTRAN SRVCC session ends the UE must run a successful (re)authentication in 5GS
// before accessing 5G again" (TS 33.501 SRVCC annex).
describe('TS 33.501 SRVCC: after a completed 5G → UTRAN SRVCC the UE re-authenticates before using a 5G context again', () => {
  it('an SMC naming the kept non-current native context is not accepted', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: hex('11'.repeat(32)), ngKsi: 0x08 | 3, type: 'mapped', nea: 2, nia: 2 });
    ue.install('non-current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('non-current', '3gpp', 9, 4, true);
    const iw = new UeInterworking(ue);
    iw.srvccHoCommand({ dlLsb4: 1 });
    iw.srvccOutcome('completed');
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 5;
    const msg = net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS })).message;
    let result: string;
    try { result = ue.securityModeCommand(msg).result; } catch { result = 'refused'; }
    expect(result).not.toBe('complete');
    expect(toHex(ue.read('current').kamf)).not.toBe(toHex(KAMF));
  });

  it('the rule survives a power cycle: the stored pre-SRVCC context does not protect the next REGISTRATION REQUEST', () => {
    const w = new World(21);
    w.initialRegistration(new Amf('source AMF', w.trace), guti(1, 0x301));
    const iw = new UeInterworking(w.ue.fw);
    iw.srvccHoCommand({ dlLsb4: (w.ue.fw.read('current').dlCount['3gpp'] + 1) & 15 });
    w.ue.srvccOutcome('completed');                                        // the UE device: firmware + storage
    expect(() => w.ue.fw.protect('current', '3gpp', 1, REGISTRATION_REQUEST)).toThrow(); // refused before the power cycle
    w.ue = w.newUe();                                                      // power cycle: the RAM flag is lost
    expect(w.ue.registrationRequest(M.REG_TYPE.INITIAL).count).toBeNull();
  });
});

// "If the SRVCC HO fails, the mapped SRVCC context is discarded" (TS 33.501 SRVCC annex, step 5).
describe('TS 33.501 SRVCC: a failed SRVCC leaves no SRVCC key material in the module', () => {
  it('KASME_SRVCC (the key CK/IK derive from) is not left in module memory after srvcc_outcome(failed)', () => {
    const ue = ueWithNativeContext();
    const iw = new UeInterworking(ue);
    const k = iw.srvccHoCommand({ dlLsb4: 3 });
    iw.srvccOutcome('failed');
    const mem = Buffer.from(ue.memory());
    expect(mem.indexOf(Buffer.from(ref.kasmeSrvcc(KAMF, k.dlCount)))).toBe(-1);
  });
});

// "The HO command carries the 4 LSB of the DL NAS COUNT. The UE estimates the full DL COUNT from
// them, computes A.21, then A.12 with COUNT 0" (TS 33.501 SRVCC annex, step 4).
describe('TS 33.501 SRVCC: the DL NAS COUNT from its 4 LSB is the smallest COUNT above the last accepted one', () => {
  it('last DL 0x1f, LSB 0xf → 0x2f, KASME_SRVCC = A.21(KAMF, 0x2f), CK ‖ IK = TS 33.401 A.12(KASME_SRVCC, 0), KSI = ngKSI; LSB 0 → 0x20', () => {
    const k = new UeInterworking(ueWithNativeContext(0, 0x1f)).srvccHoCommand({ dlLsb4: 0x0f });
    expect(k.dlCount).toBe(0x2f);
    const kasme = ref.kasmeSrvcc(KAMF, 0x2f);
    expect(toHex(k.amfKey!)).toBe(toHex(kasme));
    const { ck, ik } = ref.ckIkSrvcc(kasme, 0);
    expect([toHex(k.ck), toHex(k.ik)]).toEqual([toHex(ck), toHex(ik)]);
    expect(k.ksi).toBe(NGKSI & 7);
    expect(new UeInterworking(ueWithNativeContext(0, 0x1f)).srvccHoCommand({ dlLsb4: 0 }).dlCount).toBe(0x20);
  });
});

describe('UeDevice.traceKeys off: the SRVCC trace step carries no key', () => {
  it('srvccHoCommand with traceKeys = false: the trace step has dlCount and ksi, no ck/ik/kasmeSrvcc', () => {
    const w = new World(31);
    w.initialRegistration(new Amf('source AMF', w.trace), guti(1, 0x311));
    w.ue.traceKeys = false;
    const dl = (w.ue.fw.header('current').dlCount['3gpp'] + 1) & 15;
    w.ue.srvccHoCommand({ dlLsb4: dl, variant: 'mme-derive', fc: 0x74 });
    const step = w.trace.steps.at(-1)!;
    expect(step.event).toMatch(/CKSRVCC/);
    expect(Object.keys(step.values)).toEqual(expect.arrayContaining(['dlCount', 'ksi']));
    for (const k of ['ck', 'ik', 'kasmeSrvcc']) expect(step.values).not.toHaveProperty(k);
  });
});
