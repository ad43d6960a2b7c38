// Regression tests from an independent spec-conformance review. Each FINDING block below describes
// a defect the review found (as it was found) and was fixed in the same session; the tests pin the
// corrected behaviour. Expected values come from the project's spec digest,
// the seed change request (seeds/000) and the node:crypto reference (host/reference/kdf.ts), never
// from the firmware under test.
import { describe, expect, it } from 'vitest';
import { UeFirmware, SLOTS } from '../../host/firmware/ue-firmware.js';
import { UeInterworking } from '../../host/firmware/ue-interworking.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { runMobility } from '../../host/scenarios/mobility.js';
import { World, guti } from '../../host/scenarios/setup.js';
import { Amf } from '../../host/network/amf.js';
import { ref } from '../../host/reference/kdf.js';
import * as M from '../../host/nas/messages.js';
import { hex, toHex } from '../helpers.js';

const CAPS = Uint8Array.of(0xe0, 0xe0);
const KAMF = hex('7d861852b42a86b596fe22c8f50b9b895a1e21716b61b8d122785e25bafc0d07');
const NGKSI = 2;
const RR = Uint8Array.of(0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d, 0x01, 0x00, 0xf1, 0x10);

/** A UE with a full native current context (ngKSI 2, NEA2/NIA2, UL 5, last DL 3) that has just
 *  sent an integrity-protected mobility Registration Request (UL NAS COUNT 5). */
function ueAfterRegistrationRequest() {
  const ue = new UeFirmware();
  ue.configure({ ueSecurityCapabilities: CAPS, imeisv: Uint8Array.of(0x93, 0x10, 0x32, 0x54, 0x76, 0x98, 0x10, 0x32, 0xf4) });
  ue.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
  ue.setCounts('current', '3gpp', 5, 3, true);
  const rr = ue.registrationRequest(RR);
  return { ue, rrCount: rr.count! };
}

/** SHT-3 SECURITY MODE COMMAND protected by an AMF holding `kamf`. */
function smc(kamf: Uint8Array, ngKsi: number, o: { hdp?: boolean } = {}) {
  const net = new NetworkNasContext(kamf, ngKsi, 2, 2);
  const plain = M.securityModeCommand({ nea: 2, nia: 2, ngKsi, replayedCaps: CAPS, imeisvRequest: true, hdp: o.hdp, epsAlgs: 0x22 });
  return { net, message: net.protectDownlink(3, plain).message };
}

const slots = (ue: UeFirmware) => SLOTS.map((s) => toHex(ue.rawSlot(s)));

// ---------------------------------------------------------------------------------------------
// FINDING 1 (firmware, assembly/nas/smc.ts HDP branch): the received ngKSI is not checked.
// Seed 000 / digest §4.3 item 2: "the UE shall derive a new key KAMF from the current active KAMF
// identified by the received ngKSI in the NAS Security Mode Command message". An HDP = 1 SMC whose
// ngKSI identifies no context the UE holds cannot be processed: SECURITY MODE REJECT #24
// (digest §4.3 item 7), nothing taken into use. The firmware derives KAMF′ from the current
// context whatever ngKSI arrives and takes the context into use under the foreign ngKSI.
// ---------------------------------------------------------------------------------------------
describe('FINDING 1: HDP = 1 SMC must name the current KAMF by its ngKSI', () => {
  it('an HDP SMC with an ngKSI that identifies no UE context is rejected with #24, current context unchanged', () => {
    const { ue, rrCount } = ueAfterRegistrationRequest();
    const kamfPrime = ref.kamfPrime(KAMF, 0, rrCount);
    const before = ue.read('current');
    const r = ue.securityModeCommand(smc(kamfPrime, 5 /* not the current ngKSI 2 */, { hdp: true }).message);
    expect([r.result, r.cause]).toEqual(['reject', 24]);
    expect(toHex(ue.read('current').kamf)).toBe(toHex(before.kamf));
    expect(ue.read('current').ngKsi).toBe(NGKSI);
  });
  it('pins the conforming case: HDP SMC with the current ngKSI → KAMF′ = A.13(KAMF, 0x00, COUNT of the RR), ngKSI kept', () => {
    const { ue, rrCount } = ueAfterRegistrationRequest();
    expect(rrCount).toBe(5);
    const kamfPrime = ref.kamfPrime(KAMF, 0, 5);
    const r = ue.securityModeCommand(smc(kamfPrime, NGKSI, { hdp: true }).message);
    expect(r.result).toBe('complete');
    const cur = ue.read('current');
    expect(toHex(cur.kamf)).toBe(toHex(kamfPrime));
    expect(cur.ngKsi).toBe(NGKSI);
    expect(cur.ulCount['3gpp']).toBe(1);           // COUNTs reset; SMC Complete used UL 0
    expect(cur.dlCount['3gpp']).toBe(0);           // SMC verified with DL 0
    expect(toHex(cur.kgnb)).toBe(toHex(ref.kgnb(kamfPrime, 0, 1)));
    expect(toHex(ue.read('non-current').kamf)).toBe(toHex(KAMF)); // old one kept until the outcome
  });
});

// ---------------------------------------------------------------------------------------------
// FINDING 2 (model, host/scenarios/mobility.ts: `newNgKsi = (old.ngKsi + 1) % 7` used for the
// KAMF′ context). Seed 000, 6.9.3: "The ngKSI for the newly derived KAMF key is defined such as
// the value field and the type field are taken from the ngKSI of the current KAMF. The source
// AMF shall transfer the new KAMF, the new ngKSI …". The target AMF ignores transfer.ngKsi and
// invents another ngKSI; tests/procedures/mobility.test.ts even pins `ngKsiNew !== ngKsiOld`. The run only
// "works" because of Finding 1.
// ---------------------------------------------------------------------------------------------
describe('FINDING 2: mobility model — ngKSI of KAMF′ is the ngKSI of the current KAMF', () => {
  it('after a committed horizontal derivation the UE, the USIM and the target AMF use the old ngKSI', () => {
    const { summary: s } = runMobility({ horizontal: true, outcome: 'accept', seed: 11 });
    expect(s.kamfNew).toBe(toHex(ref.kamfPrime(hex(s.kamfOld), 0, s.ulCountRegistrationRequest!)));
    expect(s.ngKsiNew).toBe(s.ngKsiOld);
    expect(s.usimNgKsi).toBe(s.ngKsiOld);
  });
  it('an HDP SMC carrying an unknown ngKSI is rejected with #24 (the existing test only tries horizontal: false)', () => {
    const { summary: s } = runMobility({ horizontal: true, smcFault: 'unknown-ngksi', seed: 12 });
    expect([s.smcResult, s.smcCause]).toEqual(['reject', 24]);
    expect(s.ueCurrentKamf).toBe(s.kamfOld);
  });
});

// ---------------------------------------------------------------------------------------------
// FINDING 3 (firmware, assembly/nas/smc.ts: the "native non-current while mapped is current"
// branch does not test FLAG_REAUTH_REQUIRED). Digest §2 SRVCC: "after a 5G→UTRAN SRVCC … the UE
// must run a successful (re)authentication in 5GS before accessing 5G again". The HDP and the
// "current ngKSI" branches refuse while the flag is set, but an SMC naming the kept native
// context re-activates a pre-SRVCC 5G context (and answers with a COMPLETE protected by it).
// 3b (host, host/ue/ue-device.ts + host/ue/context-store.ts): FLAG_REAUTH_REQUIRED lives only in
// UE_STATE (RAM); nothing marks the stored native context on the USIM/NVM invalid when the SRVCC
// completes, so after a power cycle the pre-SRVCC KAMF is loaded and protects the next request.
// ---------------------------------------------------------------------------------------------
describe('FINDING 3: re-authentication rule after SRVCC', () => {
  it('after a completed SRVCC an SMC naming the non-current native context is not accepted', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    const mappedKamf = hex('11'.repeat(32));
    ue.install('current', { kamf: mappedKamf, ngKsi: 0x08 | 3, type: 'mapped', nea: 2, nia: 2 });
    ue.install('non-current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('non-current', '3gpp', 9, 4, true);
    const iw = new UeInterworking(ue);
    iw.srvccHoCommand({ dlLsb4: 1 });
    iw.srvccOutcome('completed');
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 5;
    const plain = M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS });
    const msg = net.protectDownlink(3, plain).message;
    let result: string;
    try { result = ue.securityModeCommand(msg).result; } catch { result = 'refused'; }
    expect(result).not.toBe('complete');
    expect(toHex(ue.read('current').kamf)).not.toBe(toHex(KAMF));
  });
  it('the rule survives a power cycle: after a completed SRVCC the stored pre-SRVCC context is not used again', () => {
    const w = new World(21);
    w.initialRegistration(new Amf('source AMF', w.trace), guti(1, 0x301));
    const iw = new UeInterworking(w.ue.fw);
    iw.srvccHoCommand({ dlLsb4: (w.ue.fw.read('current').dlCount['3gpp'] + 1) & 15 });
    w.ue.srvccOutcome('completed');                                        // the UE device: firmware + storage
    expect(() => w.ue.fw.protect('current', '3gpp', 1, RR)).toThrow();   // refused before the power cycle
    w.ue = w.newUe();                                                      // power cycle: the RAM flag is lost
    // the first Registration Request after power-on must not be protected with the pre-SRVCC KAMF
    expect(w.ue.registrationRequest(M.REG_TYPE.INITIAL).count).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// FINDING 4 (firmware hygiene, assembly/context/srvcc.ts + crypto/hmac.ts): srvccDerive wipes its
// KASME_SRVCC scratch, but the KDF's HMAC key cache (HMAC_KEY region) still holds KASME_SRVCC as
// the key of the A.12 step; srvccDelete() wipes only SRVCC_CTX. After a failed SRVCC (digest §2:
// "the mapped SRVCC context is discarded") CKSRVCC ‖ IKSRVCC = 33.401 A.12(KASME_SRVCC, 0) can
// still be recomputed from module memory. Low severity (same class as the wiped-context scans in
// tests/procedures/srvcc.test.ts, which only look for CK/IK themselves).
// ---------------------------------------------------------------------------------------------
describe('FINDING 4: no SRVCC key material left after a failed SRVCC', () => {
  it('KASME_SRVCC (the key CK/IK derive from) is not left in module memory after srvcc_outcome(failed)', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
    const iw = new UeInterworking(ue);
    const k = iw.srvccHoCommand({ dlLsb4: 3 });
    iw.srvccOutcome('failed');
    const mem = Buffer.from(ue.memory());
    expect(mem.indexOf(Buffer.from(ref.kasmeSrvcc(KAMF, k.dlCount)))).toBe(-1);
  });
});

// ---------------------------------------------------------------------------------------------
// Edge-case pins (pass): malformed/truncated SMCs never trap and never change a slot or UE_STATE.
// ---------------------------------------------------------------------------------------------
describe('robustness pins', () => {
  it('every truncation of a valid HDP SMC returns an error status, no trap, no state change', () => {
    const { ue, rrCount } = ueAfterRegistrationRequest();
    const { message } = smc(ref.kamfPrime(KAMF, 0, rrCount), NGKSI, { hdp: true });
    const before = slots(ue), state = toHex(ue.rawState());
    for (let len = 0; len < message.length; len++) {
      const fw = ue.module.begin();
      const off = fw.put(message);
      const st = fw.tryCall('smc_process', off, len, 1);
      expect(st, `length ${len}`).not.toBe(0);
      expect(slots(ue), `length ${len}`).toEqual(before);
      expect(toHex(ue.rawState()), `length ${len}`).toBe(state);
    }
    // the full message still works afterwards (nothing was consumed)
    expect(ue.securityModeCommand(message).result).toBe('complete');
  });
  it('SMCs with lying IE lengths (caps LV, TLV, TLV-E past the end) are FORMAT errors without state change', () => {
    const { ue } = ueAfterRegistrationRequest();
    const before = slots(ue), state = toHex(ue.rawState());
    const hdr = [0x7e, 0x03, 0, 0, 0, 0, 0x00];
    const bodies = [
      [0x7e, 0x00, 0x5d, 0x22, 0x02, 0xff, 0xe0, 0xe0],             // caps LV 255
      [0x7e, 0x00, 0x5d, 0x22, 0x02, 0x02, 0xe0, 0xe0, 0x36],       // TLV with no length
      [0x7e, 0x00, 0x5d, 0x22, 0x02, 0x02, 0xe0, 0xe0, 0x36, 0x09, 0x01], // TLV length past the end
      [0x7e, 0x00, 0x5d, 0x22, 0x02, 0x02, 0xe0, 0xe0, 0x78, 0xff, 0xff], // TLV-E 65535
      [0x7e, 0x00, 0x5d, 0x22, 0x02, 0x02, 0xe0, 0xe0, 0x57],       // TV cut
      [0x7e, 0x00, 0x5d, 0x22, 0x02, 0x02, 0xe0, 0xe0, 0x36, 0x00], // Additional 5G sec info, length 0
    ];
    for (const b of bodies) {
      const fw = ue.module.begin();
      const m = Uint8Array.from([...hdr, ...b]);
      const st = fw.tryCall('smc_process', fw.put(m), m.length, 1);
      expect(st, toHex(m)).toBe(9); // STATUS_ERR_FORMAT
      expect(slots(ue)).toEqual(before);
      expect(toHex(ue.rawState())).toBe(state);
    }
  });
  it('random garbage of every length up to 1024 at smc_process / nas_unprotect never traps', () => {
    const { ue } = ueAfterRegistrationRequest();
    let seed = 0x12345678;
    const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed >>> 24; };
    const before = slots(ue);
    for (let len = 0; len <= 1024; len += 7) {
      const m = new Uint8Array(len).map(rnd);
      if (len > 1) { m[0] = 0x7e; m[1] = len % 2 ? 0x03 : 0x02; }
      const fw = ue.module.begin();
      const off = fw.put(m);
      expect(() => fw.tryCall('smc_process', off, len, 1)).not.toThrow();
      expect(() => fw.tryCall('nas_unprotect', 0, 1, off, len)).not.toThrow();
    }
    // an unauthenticated SMC may at most draw a SECURITY MODE REJECT (one UL COUNT); the keys stay
    expect(toHex(ue.read('current').kamf)).toBe(toHex(KAMF));
    expect(slots(ue).slice(1)).toEqual(before.slice(1));
  });
  it('SRVCC DL COUNT from 4 LSB: the smallest COUNT above the last accepted one (and KASME_SRVCC = A.21 of it)', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 0, 0x1f, true);
    const iw = new UeInterworking(ue);
    const k = iw.srvccHoCommand({ dlLsb4: 0x0f });
    expect(k.dlCount).toBe(0x2f);
    const kasme = ref.kasmeSrvcc(KAMF, 0x2f);
    expect(toHex(k.amfKey!)).toBe(toHex(kasme));
    const { ck, ik } = ref.ckIkSrvcc(kasme, 0);
    expect([toHex(k.ck), toHex(k.ik)]).toEqual([toHex(ck), toHex(ik)]);
    expect(k.ksi).toBe(NGKSI & 7);
    const k2 = new UeInterworking((() => { const u = new UeFirmware(); u.configure({ ueSecurityCapabilities: CAPS });
      u.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 }); u.setCounts('current', '3gpp', 0, 0x1f, true); return u; })())
      .srvccHoCommand({ dlLsb4: 0 });
    expect(k2.dlCount).toBe(0x20);
  });
  it('DL replay: the same protected message is accepted once, the second time ERR_REPLAY', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    const m = net.protectDownlink(2, M.registrationAccept({})).message;
    expect(ue.unprotect('current', '3gpp', m).count).toBe(0);
    expect(() => ue.unprotect('current', '3gpp', m)).toThrow(/replay/i);
    // SQN wrap: delivered in order, the estimate carries the overflow past 255
    for (let i = 1; i <= 300; i++) expect(ue.unprotect('current', '3gpp', net.protectDownlink(2, M.registrationAccept({})).message).count).toBe(i);
    // a message whose COUNT is more than 255 ahead of the last accepted one cannot be estimated (8-bit SQN):
    for (let i = 0; i < 256; i++) net.protectDownlink(2, M.registrationAccept({}));
    expect(() => ue.unprotect('current', '3gpp', net.protectDownlink(2, M.registrationAccept({})).message)).toThrow();
  });
});
