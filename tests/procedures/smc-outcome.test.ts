// The SECURITY MODE COMMAND outcome record (assembly/nas/smc.ts, README "ABI": smc_process writes
// result, cause, flags, ngKSI, response length, the DL NAS COUNT the SMC verified with and the UL
// NAS COUNT of the response at IO_OUT[0..16), the response at IO_OUT + 16). Found by the firmware
// mutation runner (issue 16): every flag value (HDP, IMEISV requested, new KAMF, EPS algorithms,
// old context kept), the ngKSI and DL COUNT offsets, the "no EPS algorithms" marker and the
// parsing of replayed UE security capabilities longer than 2 octets survived every suite, because
// no test read those fields when they are set. The SMCs are built and protected by the independent
// network model; the expected values are what the SMC carries and what TS 24.501 5.4.2.3 says.
import { describe, expect, it } from 'vitest';
import { UeFirmware } from '../../host/firmware/ue-firmware.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { ref } from '../../host/reference/kdf.js';
import * as M from '../../host/nas/messages.js';
import { toHex } from '../helpers.js';
import { nia3Ref } from '../../host/reference/zuc.js';
import { cmacSubkeys, nia2Ref } from '../../host/reference/nas.js';
import { UeInterworking } from '../../host/firmware/ue-interworking.js';
import { tauRequest } from '../../host/scenarios/interworking.js';
import { guti } from '../../host/scenarios/setup.js';

const KAMF = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 19) & 0xff);
const NGKSI = 2;
const RR = Uint8Array.of(0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d, 0x01, 0x00, 0xf1, 0x10, 0x00, 0x00, 0x00, 0x00, 0x21, 0x43, 0x65);

/** A UE with a current native context (ngKSI 2, UL 5, last DL 3) that sent an integrity-protected
 *  REGISTRATION REQUEST with UL COUNT 5; `caps` are its UE security capabilities (2–8 octets,
 *  TS 24.501 9.11.3.54: 5G-EA, 5G-IA, then optionally EEA, EIA …). */
function ueAfterRegistrationRequest(caps: Uint8Array) {
  const ue = new UeFirmware();
  ue.configure({ ueSecurityCapabilities: caps });
  ue.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
  ue.setCounts('current', '3gpp', 5, 3, true);
  expect(ue.registrationRequest(RR).count).toBe(5);
  return ue;
}

describe('TS 24.501 5.4.2.3 SMC outcome record: every field as the SMC and the clause determine it', () => {
  it('HDP = 1, IMEISV request, selected EPS algorithms: KAMF′ taken into use (TS 33.501 6.9.3), COUNTs from 0', () => {
    const CAPS = Uint8Array.of(0xe0, 0xe0);
    const ue = ueAfterRegistrationRequest(CAPS);
    const kamfPrime = ref.kamfPrime(KAMF, 0, 5); // TS 33.501 A.13 with the RR's UL COUNT 5
    const net = new NetworkNasContext(kamfPrime, NGKSI, 2, 2);
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS, imeisvRequest: true, hdp: true, epsAlgs: 0x22 })).message);
    expect({ result: r.result, cause: r.cause, hdp: r.hdp, rinmr: r.rinmr, imeisvRequested: r.imeisvRequested, newKamf: r.newKamf, epsAlgs: r.epsAlgs, ngKsi: r.ngKsi, dlCount: r.dlCount, ulCount: r.ulCount })
      .toEqual({ result: 'complete', cause: 0, hdp: true, rinmr: false, imeisvRequested: true, newKamf: true, epsAlgs: true, ngKsi: NGKSI, dlCount: 0, ulCount: 0 });
    // the old context is kept (as non-current) until the registration outcome, and says so
    expect(r.oldKept).toBe(true);
    expect(toHex(ue.read('non-current').kamf)).toBe(toHex(KAMF));
    expect(net.verifyUplink(r.response)?.count).toBe(0);
  });
  it('no optional IE, the current KAMF (HDP = 0): no flag set, DL COUNT 4 as sent, UL COUNT 6 after the RR', () => {
    const CAPS = Uint8Array.of(0xe0, 0xe0);
    const ue = ueAfterRegistrationRequest(CAPS);
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS })).message);
    expect({ result: r.result, cause: r.cause, hdp: r.hdp, rinmr: r.rinmr, imeisvRequested: r.imeisvRequested, newKamf: r.newKamf, epsAlgs: r.epsAlgs, oldKept: r.oldKept, ngKsi: r.ngKsi, dlCount: r.dlCount, ulCount: r.ulCount })
      .toEqual({ result: 'complete', cause: 0, hdp: false, rinmr: false, imeisvRequested: false, newKamf: false, epsAlgs: false, oldKept: false, ngKsi: NGKSI, dlCount: 4, ulCount: 6 });
    expect(net.verifyUplink(r.response)?.count).toBe(6);
  });
  it('replayed UE security capabilities of 4 octets (5G-EA, 5G-IA, EEA, EIA) equal to the UE\'s: COMPLETE', () => {
    const CAPS = Uint8Array.of(0xe0, 0xe0, 0xc0, 0x40);
    const ue = ueAfterRegistrationRequest(CAPS);
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS, epsAlgs: 0x22 })).message);
    expect([r.result, r.epsAlgs, r.dlCount]).toEqual(['complete', true, 4]);
  });
  for (const announced of [0x20, 0x05]) it(`replayed UE security capabilities announced as ${announced} octets, 2 present at the end of the message: STATUS_ERR_FORMAT, memory unchanged`, () => {
    const CAPS = Uint8Array.of(0xe0, 0xe0);
    const ue = ueAfterRegistrationRequest(CAPS);
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const plain = M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS });
    plain[5] = announced; // length octet of the LV; 2 octets present
    const msg = net.protectDownlink(3, plain).message; // a valid MAC: only the format is wrong
    const fw = ue.module, m = fw.begin().put(msg), before = fw.snapshot();
    expect(fw.tryCall('smc_process', m, msg.length, 1)).toBe(fw.constant('STATUS_ERR_FORMAT'));
    const after = fw.snapshot();
    expect(Buffer.compare(Buffer.from(after.subarray(fw.outPtr)), Buffer.from(before.subarray(fw.outPtr)))).toBe(0);
  });
});

describe('SMC optional IEs the UE does not know are skipped (assembly/nas/smc.ts: TS 24.007 comprehension rules)', () => {
  // A type 1 IE (IEI 0x8- to 0xF-, one octet) and a TLV-E IE (IEI 0x7-, two length octets), neither
  // defined for the SECURITY MODE COMMAND, placed before the IMEISV request IE. Their values are
  // chosen so that a parser taking 0x7B as TLV (one length octet) reads a bogus length past the end.
  function run(extra: number[]) {
    const CAPS = Uint8Array.of(0xe0, 0xe0);
    const ue = ueAfterRegistrationRequest(CAPS);
    ue.configure({ ueSecurityCapabilities: CAPS, imeisv: Uint8Array.of(0x93, 0x10, 0x32, 0x54, 0x76, 0x98, 0x10, 0x32, 0xf4) });
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const plain = Uint8Array.from([...M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS }), ...extra, 0xe1]);
    return ue.securityModeCommand(net.protectDownlink(3, plain).message);
  }
  it('an unknown type 1 IE (0xA5): skipped, the IMEISV request after it is honoured', () => {
    const r = run([0xa5]);
    expect([r.result, r.imeisvRequested]).toEqual(['complete', true]);
  });
  it('an unknown TLV-E IE (0x7B, length 0x0001, value 0xE1): skipped whole, the IMEISV request after it is honoured', () => {
    const r = run([0x7b, 0x00, 0x01, 0xe1]);
    expect([r.result, r.imeisvRequested]).toEqual(['complete', true]);
  });
});

describe('SMC optional IEs at the end of the message: exact fit accepted, one octet short → STATUS_ERR_FORMAT (smc.ts: "not a well-formed SMC; discarded, nothing changed")', () => {
  // The last IE of the message, after the mandatory part; the MAC is valid, only the format differs.
  function status(tail: number[]) {
    const CAPS = Uint8Array.of(0xe0, 0xe0);
    const ue = ueAfterRegistrationRequest(CAPS);
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const msg = net.protectDownlink(3, Uint8Array.from([...M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS }), ...tail])).message;
    const fw = ue.module, m = fw.begin().put(msg);
    return fw.tryCall('smc_process', m, msg.length, 1);
  }
  const FORMAT = new UeFirmware().module.constant('STATUS_ERR_FORMAT');
  const cases: Array<[string, number[], 'ok' | 'format']> = [
    ['TLV-E 0x7B with length 0, ending at the last octet', [0x7b, 0x00, 0x00], 'ok'],
    ['TLV-E 0x7B with length 2 and 2 value octets', [0x7b, 0x00, 0x02, 0xaa, 0xbb], 'ok'],
    ['TLV-E 0x7B with length 2 and 1 value octet', [0x7b, 0x00, 0x02, 0xaa], 'format'],
    ['TLV-E 0x7B with one length octet only', [0x7b, 0x00], 'format'],
    ['TLV 0x40 with length 0, ending at the last octet', [0x40, 0x00], 'ok'],
    ['TLV 0x40 with length 2 and 2 value octets', [0x40, 0x02, 0xaa, 0xbb], 'ok'],
    ['TLV 0x40 with length 2 and 1 value octet', [0x40, 0x02, 0xaa], 'format'],
    ['TLV 0x40 with no length octet', [0x40], 'format'],
    ['Selected EPS NAS security algorithms (TV, 0x57) complete', [0x57, 0x22], 'ok'],
    ['Selected EPS NAS security algorithms (TV, 0x57) without its value octet', [0x57], 'format'],
  ];
  for (const [name, tail, want] of cases) {
    it(`${name}: ${want === 'ok' ? 'STATUS_OK (COMPLETE)' : 'STATUS_ERR_FORMAT'}`, () => {
      expect(status(tail)).toBe(want === 'ok' ? 0 : FORMAT);
    });
  }
});

describe('TS 24.501 5.4.2.3 SMC: more fields and boundaries the suite never reached', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  function smcOn(ue: UeFirmware, kamf: Uint8Array, a: Partial<Parameters<typeof M.securityModeCommand>[0]>, tail: number[] = [], dlNext = 4) {
    const net = new NetworkNasContext(kamf, NGKSI, a.nea ?? 2, 2);
    net.dlNext['3gpp'] = dlNext; net.ulLast['3gpp'] = 5;
    const plain = Uint8Array.from([...M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS, ...a }), ...tail]);
    return net.protectDownlink(3, plain).message;
  }
  it('an unknown TLV IE (0x40, length 0) directly before the IMEISV request: the IMEISV request is honoured', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    const r = ue.securityModeCommand(smcOn(ue, KAMF, {}, [0x40, 0x00, 0xe1]));
    expect([r.result, r.imeisvRequested]).toEqual(['complete', true]);
  });
  it('Selected EPS NAS security algorithms 0x00 (EEA0, EIA0) is an EPS algorithm selection too: flag set', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    const r = ue.securityModeCommand(smcOn(ue, KAMF, { epsAlgs: 0x00 }));
    expect([r.result, r.epsAlgs]).toEqual(['complete', true]);
  });
  it('ABBA of 15 octets (ABBA_MAX of assembly/context/ue-state.ts, the storage the UE has for it: a modelling choice, TS 24.501 9.11.3.10 sets no maximum) accepted; 16 octets: STATUS_ERR_FORMAT', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    expect(ue.securityModeCommand(smcOn(ue, KAMF, { abba: new Uint8Array(15).fill(0x11) })).result).toBe('complete');
    const ue2 = ueAfterRegistrationRequest(CAPS);
    const msg = smcOn(ue2, KAMF, { abba: new Uint8Array(16).fill(0x11) });
    const m = ue2.module.begin().put(msg);
    expect(ue2.module.tryCall('smc_process', m, msg.length, 1)).toBe(ue2.module.constant('STATUS_ERR_FORMAT'));
  });
  it('HDP = 1 over 3GPP access: the new context starts with UL 1 (after the COMPLETE), DL 0 accepted; non-3GPP UL 0, DL 0, none accepted', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    const kamfPrime = ref.kamfPrime(KAMF, 0, 5);
    const net = new NetworkNasContext(kamfPrime, NGKSI, 2, 2);
    ue.setCounts('current', 'non3gpp', 9, 7, true); // the old context's non-3GPP COUNTs must not carry over
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS, hdp: true })).message);
    expect(r.result).toBe('complete');
    const c = ue.read('current');
    expect({ ul: c.ulCount, dl: c.dlCount, acc: c.dlAccepted }).toEqual({ ul: { '3gpp': 1, non3gpp: 0 }, dl: { '3gpp': 0, non3gpp: 0 }, acc: { '3gpp': true, non3gpp: false } });
  });
  it('SMC selecting 128-NEA3 (ZUC) with 128-NIA2: accepted (TS 33.501 5.11.1.1: NEA3 is one of the four)', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    const net = new NetworkNasContext(KAMF, NGKSI, 0, 2); // the SMC itself is integrity protected only
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 3, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS })).message);
    expect(r.result).toBe('complete');
    expect(ue.read('current').nea).toBe(3);
  });
});

describe('TS 24.501 5.4.2.5: replayed UE security capabilities that differ from the UE\'s → SECURITY MODE REJECT #23', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  it('HDP = 1 SMC replaying other capabilities: REJECT #23, the current context unchanged, KAMF′ nowhere in memory', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    const kamfPrime = ref.kamfPrime(KAMF, 0, 5);
    const net = new NetworkNasContext(kamfPrime, NGKSI, 2, 2);
    const before = ue.read('current');
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: Uint8Array.of(0xe0, 0xc0), hdp: true })).message);
    expect([r.result, r.cause]).toEqual(['reject', 23]);
    // unchanged except the UL COUNT the REJECT used when it went out protected with this context (TS 33.501 6.7.2)
    const after = ue.read('current');
    expect({ ...after, ulCount: null }).toEqual({ ...before, ulCount: null });
    expect(after.ulCount['3gpp']).toBe(before.ulCount['3gpp'] + (r.ulCount === null ? 0 : 1));
    const mem = Buffer.from(ue.memory());
    expect(mem.indexOf(Buffer.from(kamfPrime)), 'KAMF′ left in memory').toBe(-1);
  });
  it('replayed capabilities one octet longer than the UE\'s (same first two octets): REJECT #23', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: Uint8Array.of(0xe0, 0xe0, 0x00) })).message);
    expect([r.result, r.cause]).toEqual(['reject', 23]);
  });
});

describe('TS 33.501 6.7.2 / A.9: the context an accepted SMC takes into use', () => {
  it('current KAMF, EPS algorithms 0x22: stored EPS algorithms 0x22, NCC 0, KgNB = A.9(KAMF, UL NAS COUNT of the COMPLETE, 3GPP)', () => {
    const CAPS = Uint8Array.of(0xe0, 0xe0);
    const ue = ueAfterRegistrationRequest(CAPS);
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS, epsAlgs: 0x22 })).message);
    expect([r.result, r.ulCount]).toEqual(['complete', 6]);
    const c = ue.read('current');
    expect({ epsAlgs: c.epsAlgs, ncc: c.ncc, kgnb: toHex(c.kgnb) }).toEqual({ epsAlgs: 0x22, ncc: 0, kgnb: toHex(ref.kgnb(KAMF, 6, 1)) });
  });
});

describe('SMC outcome flags are separate bits: each one set alone leaves HDP (bit 1) clear', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  const flags = (r: ReturnType<UeFirmware['securityModeCommand']>) => ({ hdp: r.hdp, rinmr: r.rinmr, imeisvRequested: r.imeisvRequested, newKamf: r.newKamf, epsAlgs: r.epsAlgs, oldKept: r.oldKept });
  it('IMEISV request and EPS algorithms with the current KAMF: only those two flags', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    ue.configure({ ueSecurityCapabilities: CAPS, imeisv: Uint8Array.of(0x93, 0x10, 0x32, 0x54, 0x76, 0x98, 0x10, 0x32, 0xf4) });
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS, imeisvRequest: true, epsAlgs: 0x11 })).message);
    expect(r.result).toBe('complete');
    expect(flags(r)).toEqual({ hdp: false, rinmr: false, imeisvRequested: true, newKamf: false, epsAlgs: true, oldKept: false });
  });
  it('a new partial native context (5G AKA during the registration) taken into use, HDP = 0: new KAMF and old context kept, HDP clear', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    const K2 = Uint8Array.from({ length: 32 }, (_, i) => (i * 5 + 200) & 0xff);
    ue.install('new', { kamf: K2, ngKsi: 3, type: 'partial-native' });
    const net = new NetworkNasContext(K2, 3, 2, 2);
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 3, replayedCaps: CAPS })).message);
    expect([r.result, r.ngKsi, r.dlCount, r.ulCount]).toEqual(['complete', 3, 0, 0]);
    expect(flags(r)).toEqual({ hdp: false, rinmr: false, imeisvRequested: false, newKamf: true, epsAlgs: false, oldKept: true });
    expect(toHex(ue.read('current').kamf)).toBe(toHex(K2));
    expect(ue.read('current').type).toBe('full-native'); // TS 33.501 6.2.3.2: partial → full on a successful SMC
    expect(toHex(ue.read('non-current').kamf)).toBe(toHex(KAMF));
  });
});

// The Selected EPS NAS security algorithms IE of a SECURITY MODE COMMAND (TS 24.501 9.11.3.25,
// IEI 0x57) is stored in the 5G NAS security context for later mobility to EPS: the mapped EPS
// context takes its EPS NAS algorithms from the earlier 5G SMC (TS 33.501 8.5.2 / 8.6.1; project
// digest, 3gpp-facts "5G→EPS idle"). Its octet is coded as in TS 24.301 9.9.3.23: ciphering in
// bits 7–5, integrity in bits 3–1, where 000 is EEA0 (null ciphering) and EIA0 (null integrity) —
// so 0x00 is a selection like any other, not "no selection". An SMC on the current KAMF that
// selects EEA0/EIA0 after an earlier one selected 128-EEA2/128-EIA2 must therefore replace them,
// and the mapped EPS NAS keys (TS 33.401 A.7) are then those of algorithm 0.
describe('TS 24.501 5.4.2.3: the Selected EPS NAS security algorithms of the last SMC are stored, 0 (EEA0/EIA0) included', () => {
  it('SMC 1 selects EPS 0x22, SMC 2 on the same KAMF selects EPS 0x00 (128-EEA0/EIA0 value 0): the context holds 0x00, the mapped EPS keys are A.7 with algorithm 0', () => {
    const CAPS = Uint8Array.of(0xe0, 0xe0);
    const ue = ueAfterRegistrationRequest(CAPS);
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const r1 = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS, epsAlgs: 0x22 })).message);
    expect([r1.result, r1.epsAlgs, r1.newKamf]).toEqual(['complete', true, false]);
    expect(ue.read('current').epsAlgs).toBe(0x22);
    net.ulLast['3gpp'] = 6;
    const r2 = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS, epsAlgs: 0x00 })).message);
    expect([r2.result, r2.epsAlgs, r2.newKamf, r2.dlCount, r2.ulCount]).toEqual(['complete', true, false, 5, 7]);
    expect(ue.read('current').epsAlgs).toBe(0x00);
    // 5G → EPS idle mobility with that context: the EPS NAS keys the UE maps are those of EEA0/EIA0
    const u = new UeInterworking(ue).epsMapIdle(tauRequest(NGKSI, guti(0x01, 0x00000401)));
    expect(u.count).toBe(8);
    const kasme = ref.kasmePrime(KAMF, 'idle', 8); // TS 33.501 A.14.1
    expect(toHex(u.kasmePrime)).toBe(toHex(kasme));
    expect(toHex(u.knasEnc)).toBe(toHex(ref.epsAlgKey(kasme, 1, 0)));
    expect(toHex(u.knasInt)).toBe(toHex(ref.epsAlgKey(kasme, 2, 0)));
  });
});

// Issue 17 ("nothing secret stays in module memory after a call returns") for the SMC: the
// candidate context (slot 4 of CTX_SLOTS, internal: ctx_read refuses it) holds the keys of a context
// that is not in use yet, and NAS_MSG the plain SMC and the plain response. Whatever the outcome —
// COMPLETE (the candidate moved into CURRENT), SECURITY MODE REJECT (#24 for an unknown ngKSI or a
// not allowed algorithm, #23 for other replayed capabilities, TS 24.501 5.4.2.5) or a discarded
// message (bad NAS-MAC, TS 24.501 4.4.4.2) — both regions are all zero when smc_process returns.
describe('issue 17: after every SMC outcome the candidate slot and NAS_MSG are all zero', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  const regions = (ue: UeFirmware) => {
    const fw = ue.module, mem = ue.memory();
    const slots = fw.constant('CTX_SLOTS_PTR'), slotLen = fw.constant('CTX_SLOTS_LEN') / 5;
    const nas = fw.constant('NAS_MSG_PTR'), nasLen = fw.constant('NAS_MSG_LEN');
    return {
      candidate: mem.subarray(slots + 4 * slotLen, slots + 5 * slotLen).some((b) => b !== 0),
      nasMsg: mem.subarray(nas, nas + nasLen).some((b) => b !== 0),
    };
  };
  const clean = { candidate: false, nasMsg: false };
  const smc = (kamf: Uint8Array, a: Partial<Parameters<typeof M.securityModeCommand>[0]>, dlNext = 4) => {
    const net = new NetworkNasContext(kamf, a.ngKsi ?? NGKSI, a.nea ?? 2, a.nia ?? 2);
    net.dlNext['3gpp'] = dlNext; net.ulLast['3gpp'] = 5;
    return net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS, ...a })).message;
  };
  it('COMPLETE on the current KAMF with IMEISV request and EPS algorithms', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    expect(ue.securityModeCommand(smc(KAMF, { imeisvRequest: true, epsAlgs: 0x22 })).result).toBe('complete');
    expect(regions(ue)).toEqual(clean);
  });
  it('COMPLETE with HDP = 1 (KAMF′ made in the candidate slot, TS 33.501 6.9.3)', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    expect(ue.securityModeCommand(smc(ref.kamfPrime(KAMF, 0, 5), { hdp: true }, 0)).result).toBe('complete');
    expect(regions(ue)).toEqual(clean);
  });
  it('REJECT #23: replayed capabilities differ after a valid NAS-MAC (the candidate was filled and verified)', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    const r = ue.securityModeCommand(smc(KAMF, { replayedCaps: Uint8Array.of(0xe0, 0xc0) }));
    expect([r.result, r.cause]).toEqual(['reject', 23]);
    expect(regions(ue)).toEqual(clean);
  });
  it('REJECT #24: an ngKSI the UE has no context for', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    const r = ue.securityModeCommand(smc(KAMF, { ngKsi: 5 }));
    expect([r.result, r.cause]).toEqual(['reject', 24]);
    expect(regions(ue)).toEqual(clean);
  });
  it('discarded: a NAS-MAC that does not verify (the candidate was filled, then refused)', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    const msg = smc(KAMF, {});
    msg[2] ^= 0x01;
    const fw = ue.module, m = fw.begin().put(msg);
    expect(fw.tryCall('smc_process', m, msg.length, 1)).toBe(fw.constant('STATUS_ERR_MAC'));
    expect(regions(ue)).toEqual(clean);
  });
});

// The SECURITY MODE REJECT outcome record (README "ABI", assembly/nas/smc.ts), read raw from IO_OUT
// as smc_process leaves it: result 1, the 5GMM cause (TS 24.501 9.11.3.2: #24 "security mode
// rejected, unspecified"), the SMC's flags and ngKSI, the response length, DL COUNT 0xffffffff (the
// SMC was not taken into use) and the UL NAS COUNT the REJECT went out with — or 0xffffffff when it
// went out unprotected. TS 33.501 6.7.2: the REJECT "shall be protected with the previous, if any,
// 5G NAS security context … If no 5G NAS security context existed prior …, the NAS Security Mode
// Reject message shall remain unprotected." The network model (not the firmware) checks the MAC.
describe('TS 24.501 5.4.2.5 / TS 33.501 6.7.2: the SECURITY MODE REJECT record, field by field', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  const REJECT_24 = '7e005f18'; // EPD 5GMM, plain header, SECURITY MODE REJECT (0x5f), cause #24
  const record = (ue: UeFirmware) => {
    const h = ue.module.take(0, 16), v = new DataView(h.buffer);
    return { result: h[0], cause: h[1], flags: h[2], ngKsi: h[3], respLen: v.getUint32(4, true), dl: v.getUint32(8, true), ul: v.getUint32(12, true) };
  };
  it('unknown ngKSI 5 with a current context (UL 6 next): protected REJECT #24 at UL COUNT 6; flags IMEISV 0x04 | EPS 0x10, ngKSI 5', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    const net = new NetworkNasContext(KAMF, 5, 2, 2);
    const msg = net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 5, replayedCaps: CAPS, imeisvRequest: true, epsAlgs: 0x22 })).message;
    const fw = ue.module, m = fw.begin().put(msg);
    expect(fw.tryCall('smc_process', m, msg.length, 1)).toBe(0);
    expect(record(ue)).toEqual({ result: 1, cause: 24, flags: 0x14, ngKsi: 5, respLen: 7 + 4, dl: 0xffffffff, ul: 6 });
    const resp = fw.take(16, 11);
    const cur = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    cur.ulLast['3gpp'] = 5;
    const v = cur.verifyUplink(resp);
    expect(v && { count: v.count, sht: v.sht, plain: toHex(v.plain) }).toEqual({ count: 6, sht: 2, plain: REJECT_24 });
    expect(toHex(fw.take(16 + 11, 8)), 'IO_OUT after the response').toBe('00'.repeat(8));
    expect(ue.read('current').ulCount['3gpp']).toBe(7);
    fw.clearMailboxes();
  });
  it('no 5G NAS security context at all: unprotected REJECT #24, respLen 4, UL COUNT 0xffffffff, HDP flag 0x01 and ngKSI 3 as received', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    const net = new NetworkNasContext(KAMF, 3, 2, 2);
    const msg = net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 3, replayedCaps: CAPS, hdp: true })).message;
    const fw = ue.module, m = fw.begin().put(msg);
    expect(fw.tryCall('smc_process', m, msg.length, 1)).toBe(0);
    expect(record(ue)).toEqual({ result: 1, cause: 24, flags: 0x01, ngKsi: 3, respLen: 4, dl: 0xffffffff, ul: 0xffffffff });
    expect(toHex(fw.take(16, 4 + 4))).toBe(REJECT_24 + '00000000');
    fw.clearMailboxes();
  });
  it('smc_reject (#23 after a failed integrity check, cause parsed by the host): protected with the current context, ngKSI 7 ("no key"), no flags', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    const fw = ue.module;
    expect(fw.tryCall('smc_reject', 23, 1)).toBe(0);
    expect(record(ue)).toEqual({ result: 1, cause: 23, flags: 0, ngKsi: 7, respLen: 11, dl: 0xffffffff, ul: 6 });
    const cur = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    cur.ulLast['3gpp'] = 5;
    expect(toHex(cur.verifyUplink(fw.take(16, 11))?.plain ?? new Uint8Array())).toBe('7e005f17');
    fw.clearMailboxes();
  });
});

// Which contexts survive an SMC that takes another one into use (assembly/nas/smc.ts "Take the new
// context into use"; TS 33.501 6.2.3.2: a UE holds at most one current and one non-current native
// 5G NAS security context; TS 24.501 5.4.2.3: when the SMC activates a native context while a
// mapped one is current, the mapped context is deleted). Every slot is read after the SMC, and a
// deleted context's KAMF must be nowhere in the 64 KiB page (issue 17).
describe('TS 24.501 5.4.2.3 / TS 33.501 6.2.3.2: the contexts kept and deleted when an SMC takes a context into use', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  const K_NATIVE = Uint8Array.from({ length: 32 }, (_, i) => 0x11 + i), K_MAPPED = Uint8Array.from({ length: 32 }, (_, i) => 0x91 ^ (7 * i));
  const K_NEW = Uint8Array.from({ length: 32 }, (_, i) => 0x3c ^ (11 * i));
  const TSC = 0x08; // type of security context flag of the ngKSI: mapped (TS 24.501 9.11.3.32)
  const fresh = () => { const ue = new UeFirmware(); ue.configure({ ueSecurityCapabilities: CAPS }); return ue; };
  const smcWith = (kamf: Uint8Array, ngKsi: number, dlNext = 0) => {
    const net = new NetworkNasContext(kamf, ngKsi, 2, 2);
    net.dlNext['3gpp'] = dlNext;
    return { net, msg: net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi, replayedCaps: CAPS })).message };
  };
  const where = (ue: UeFirmware, k: Uint8Array) => Buffer.from(ue.memory()).indexOf(Buffer.from(k));
  it('the non-current native context activated while a mapped one is current: native current, mapped deleted, non-current empty', () => {
    const ue = fresh();
    ue.install('current', { kamf: K_MAPPED, ngKsi: TSC | 1, type: 'mapped', nea: 2, nia: 2 });
    ue.install('non-current', { kamf: K_NATIVE, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('non-current', '3gpp', 4, 2, true);
    const { msg } = smcWith(K_NATIVE, 2, 3);
    const r = ue.securityModeCommand(msg);
    expect([r.result, r.newKamf, r.oldKept]).toEqual(['complete', true, false]);
    const c = ue.read('current');
    expect([c.type, c.ngKsi, toHex(c.kamf)]).toEqual(['full-native', 2, toHex(K_NATIVE)]);
    expect(ue.read('non-current').type).toBe('none');
    expect(where(ue, K_MAPPED), 'the mapped KAMF left in memory').toBe(-1);
  });
  it('the mapped context of EPS → 5G idle mobility (slot MAPPED) activated while a native one is current: mapped current, native non-current, MAPPED empty', () => {
    const ue = fresh();
    ue.install('current', { kamf: K_NATIVE, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    ue.install('mapped', { kamf: K_MAPPED, ngKsi: TSC | 3, type: 'mapped', nea: 0, nia: 0 });
    const { msg } = smcWith(K_MAPPED, TSC | 3);
    const r = ue.securityModeCommand(msg);
    expect([r.result, r.newKamf]).toEqual(['complete', true]);
    const c = ue.read('current'), nc = ue.read('non-current');
    expect([c.type, c.ngKsi, toHex(c.kamf), c.ulCount['3gpp']]).toEqual(['mapped', TSC | 3, toHex(K_MAPPED), 1]);
    expect([nc.type, nc.ngKsi, toHex(nc.kamf)]).toEqual(['full-native', 2, toHex(K_NATIVE)]);
    expect(ue.read('mapped').type).toBe('none');
    // the KAMF lives once (in CURRENT): the MAPPED slot's copy is gone
    expect(Buffer.from(ue.memory()).toString('hex').split(toHex(K_MAPPED)).length - 1).toBe(1);
  });
  it('a new partial native context (after a primary authentication) activated outside a registration: new context current, the old one deleted, NEW empty', () => {
    const ue = fresh();
    ue.install('current', { kamf: K_NATIVE, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    ue.install('new', { kamf: K_NEW, ngKsi: 4, type: 'partial-native' });
    const { msg } = smcWith(K_NEW, 4);
    const r = ue.securityModeCommand(msg);
    expect([r.result, r.newKamf, r.oldKept]).toEqual(['complete', true, false]);
    const c = ue.read('current');
    expect([c.type, c.ngKsi, toHex(c.kamf)]).toEqual(['full-native', 4, toHex(K_NEW)]);
    expect([ue.read('new').type, ue.read('non-current').type]).toEqual(['none', 'none']);
    expect(where(ue, K_NATIVE), 'the old KAMF left in memory').toBe(-1);
    expect(Buffer.from(ue.memory()).toString('hex').split(toHex(K_NEW)).length - 1).toBe(1);
  });
  it('the same during a registration (REGISTRATION REQUEST sent with the old context): the old one is kept as non-current until the outcome', () => {
    const ue = fresh();
    ue.install('current', { kamf: K_NATIVE, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 5, 3, true);
    expect(ue.registrationRequest(RR).count).toBe(5);
    ue.install('new', { kamf: K_NEW, ngKsi: 4, type: 'partial-native' });
    const r = ue.securityModeCommand(smcWith(K_NEW, 4).msg);
    expect([r.result, r.newKamf, r.oldKept]).toEqual(['complete', true, true]);
    expect([ue.read('current').ngKsi, toHex(ue.read('non-current').kamf), ue.read('new').type]).toEqual([4, toHex(K_NATIVE), 'none']);
  });
});

// TS 33.501 5.11.1.2 / 6.7.2: 128-NIA3 (ZUC) is one of the integrity algorithms an SMC may select.
// The network model of host/network speaks AES only, so this SMC is protected by hand with the
// independent ZUC of host/reference/zuc.ts (written from the ETSI/SAGE EIA3 document, checked
// against its test data) and KNASint = TS 33.501 A.8 from the reference KDF (node:crypto); the
// COMPLETE is checked the same way: 128-NIA3 at UL COUNT 6, DIRECTION 0, BEARER 1 (3GPP access),
// 5G-EA0 so its body is the plain message.
describe('TS 33.501 5.11.1.2: an SMC selecting 128-NIA3 (with 5G-EA0) is accepted and the COMPLETE is protected with 128-NIA3', () => {
  it('MAC of the SMC and of the COMPLETE as the independent ZUC computes them', () => {
    const CAPS = Uint8Array.of(0xe0, 0xe0);
    const ue = ueAfterRegistrationRequest(CAPS);
    const { knasint } = ref.nasKeys(KAMF, 0, 3);
    const plain = M.securityModeCommand({ nea: 0, nia: 3, ngKsi: NGKSI, replayedCaps: CAPS });
    const dl = 4, sqnBody = Uint8Array.of(dl, ...plain);
    const smc = Uint8Array.of(0x7e, 0x03, ...nia3Ref(knasint, dl, 1, 1, sqnBody), ...sqnBody);
    const r = ue.securityModeCommand(smc);
    expect([r.result, r.cause, r.dlCount, r.ulCount]).toEqual(['complete', 0, 4, 6]);
    const c = ue.read('current');
    expect([c.nea, c.nia, toHex(c.knasint)]).toEqual([0, 3, toHex(knasint)]);
    // the COMPLETE: EPD, SHT 4 (integrity protected and ciphered with new context), MAC, SQN 6, body
    const resp = r.response;
    expect([resp[0], resp[1], resp[6]]).toEqual([0x7e, 0x04, 6]);
    expect(toHex(resp.subarray(2, 6))).toBe(toHex(nia3Ref(knasint, 6, 1, 0, resp.subarray(6))));
    expect(toHex(resp.subarray(7, 10))).toBe('7e005e'); // SECURITY MODE COMPLETE, plain under 5G-EA0
  });
});

// TS 24.501 5.4.2.3 (emergency): an SMC with ngKSI "000" that selects 5G-IA0 and 5G-EA0 while the
// UE is in an emergency makes the UE take a locally generated KAMF into use (TS 33.501 10.2.2: the
// null algorithms are for unauthenticated emergency sessions); its value is all zero here (a
// modelling choice of assembly/nas/smc.ts, README). It is a new KAMF: COUNTs from 0, the "new
// KAMF" flag set, and outside a registration the previous current context is deleted. The mapped
// slot holds a context whose HMAC pads are kept beside its KAMF (kdf/kdf.ts), so a KAMF taken from
// any neighbouring octets would not be zero.
describe('TS 24.501 5.4.2.3: emergency SMC (ngKSI 000, 5G-IA0/5G-EA0) → locally generated KAMF as a new full native context', () => {
  it('COMPLETE; current = full native, ngKSI 0, 5G-EA0/5G-IA0, KAMF all zero, UL 1 / DL 0 accepted; flag new KAMF; the old current context deleted', () => {
    const CAPS = Uint8Array.of(0xe0, 0xe0);
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS, emergency: true });
    ue.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 5, 3, true);
    ue.install('mapped', { kamf: Uint8Array.from({ length: 32 }, (_, i) => 0x77 ^ i), ngKsi: 0x08 | 1, type: 'mapped', nea: 2, nia: 2 });
    // 5G-IA0: the NAS-MAC field is all zero (TS 33.501 D.3.1 / 5G-IA0), SQN 0, DL COUNT 0
    const plain = M.securityModeCommand({ nea: 0, nia: 0, ngKsi: 0, replayedCaps: CAPS });
    const smc = Uint8Array.of(0x7e, 0x03, 0, 0, 0, 0, 0, ...plain);
    const r = ue.securityModeCommand(smc);
    expect({ result: r.result, cause: r.cause, newKamf: r.newKamf, oldKept: r.oldKept, ngKsi: r.ngKsi, dlCount: r.dlCount, ulCount: r.ulCount })
      .toEqual({ result: 'complete', cause: 0, newKamf: true, oldKept: false, ngKsi: 0, dlCount: 0, ulCount: 0 });
    const c = ue.read('current');
    expect({ type: c.type, ngKsi: c.ngKsi, nea: c.nea, nia: c.nia, kamf: toHex(c.kamf), ul: c.ulCount['3gpp'], dl: c.dlCount['3gpp'], acc: c.dlAccepted['3gpp'] })
      .toEqual({ type: 'full-native', ngKsi: 0, nea: 0, nia: 0, kamf: '00'.repeat(32), ul: 1, dl: 0, acc: true });
    expect(ue.read('non-current').type).toBe('none');
    expect(Buffer.from(ue.memory()).indexOf(Buffer.from(KAMF)), 'the old KAMF left in memory').toBe(-1);
  });
});

describe('SMC rules around the locally generated KAMF, new-KAMF COUNTs and the other slots', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  const slotsAndLow = (ue: UeFirmware) => {
    const fw = ue.module, mem = ue.memory();
    const base = fw.constant('CTX_SLOTS_PTR'), len = fw.constant('CTX_SLOTS_LEN') / 5;
    return { slot: (i: number) => toHex(mem.subarray(base + i * len, base + (i + 1) * len)), low: toHex(mem.subarray(0, fw.inPtr).filter((b) => b !== 0)) };
  };
  // assembly/nas/smc.ts: the emergency KAMF (all zero) is no key the AMF holds; an SMC selecting a
  // non-null algorithm with it can only be forged (anyone can compute its NAS keys), so it is
  // refused (TS 24.501 5.4.2.3 / TS 33.501 10.2.2: the null algorithms serve unauthenticated
  // emergency only) — a modelling choice of this project, README "Modelling choices".
  it('with the emergency context current, an SMC (ngKSI 0) selecting 128-NEA2/128-NIA2 MACed with keys of the all-zero KAMF: REJECT #24, current unchanged, candidate slot zero', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS, emergency: true });
    const plain0 = M.securityModeCommand({ nea: 0, nia: 0, ngKsi: 0, replayedCaps: CAPS });
    expect(ue.securityModeCommand(Uint8Array.of(0x7e, 0x03, 0, 0, 0, 0, 0, ...plain0)).result).toBe('complete');
    const before = ue.read('current');
    const net = new NetworkNasContext(new Uint8Array(32), 0, 2, 2);
    net.dlNext['3gpp'] = 1;
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 0, replayedCaps: CAPS })).message);
    expect([r.result, r.cause]).toEqual(['reject', 24]);
    const after = ue.read('current');
    expect({ ...after, ulCount: null }).toEqual({ ...before, ulCount: null });
    expect(slotsAndLow(ue).slot(4), 'the candidate slot').toBe('00'.repeat(256));
  });
  // TS 33.501 6.4.5: the NAS COUNTs of a KAMF are reset only when a new KAMF is taken into use — and
  // then they are (TS 24.501 5.4.2.3; 8.2 for the mapped context of EPS → 5G idle mobility: 5G NAS
  // COUNTs 0). A mapped slot whose COUNTs are not 0 (a restored image, a second SMC) must not carry
  // them into the new current context, on either access.
  for (const access of ['3gpp', 'non3gpp'] as const) it(`activating the MAPPED slot whose COUNTs are 3GPP UL 9 / DL 7 and non-3GPP UL 4 / DL 2 (both DL accepted), SMC over ${access}: the new current context starts from 0 on both accesses`, () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    const kMapped = Uint8Array.from({ length: 32 }, (_, i) => 0x5e ^ (3 * i));
    ue.install('mapped', { kamf: kMapped, ngKsi: 0x08 | 2, type: 'mapped', nea: 0, nia: 0 });
    ue.setCounts('mapped', '3gpp', 9, 7, true);
    ue.setCounts('mapped', 'non3gpp', 4, 2, true);
    const net = new NetworkNasContext(kMapped, 0x08 | 2, 2, 2);
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 0x08 | 2, replayedCaps: CAPS }), access).message, access);
    expect([r.result, r.newKamf, r.dlCount, r.ulCount]).toEqual(['complete', true, 0, 0]);
    const c = ue.read('current');
    const other = access === '3gpp' ? 'non3gpp' : '3gpp';
    // the access of the SMC: its COMPLETE used UL 0, the SMC's DL 0 accepted; the other access: nothing yet
    expect({ ul: c.ulCount[access], dl: c.dlCount[access], acc: c.dlAccepted[access] }).toEqual({ ul: 1, dl: 0, acc: true });
    expect({ ul: c.ulCount[other], dl: c.dlCount[other], acc: c.dlAccepted[other] }).toEqual({ ul: 0, dl: 0, acc: false });
  });
  // An SMC on the current KAMF changes the current context only (assembly/nas/smc.ts; README "ABI":
  // exports write only inside the documented memory map, nothing below IO_IN).
  it('an SMC on the current KAMF leaves the NEW, NON_CURRENT and MAPPED slots byte for byte (HMAC pads included) and writes nothing below IO_IN', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    ue.install('mapped', { kamf: Uint8Array.from({ length: 32 }, (_, i) => 0xd1 ^ i), ngKsi: 0x08 | 1, type: 'mapped', nea: 2, nia: 2 });
    ue.install('non-current', { kamf: Uint8Array.from({ length: 32 }, (_, i) => 0x2a ^ (9 * i)), ngKsi: 3, type: 'full-native', nea: 2, nia: 2 });
    ue.install('new', { kamf: Uint8Array.from({ length: 32 }, (_, i) => 0x6b ^ (5 * i)), ngKsi: 4, type: 'partial-native' });
    const before = slotsAndLow(ue);
    expect(before.low).toBe('');
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    expect(ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS })).message).result).toBe('complete');
    const after = slotsAndLow(ue);
    for (const i of [1, 2, 3]) expect(after.slot(i), `slot ${i}`).toBe(before.slot(i));
    expect(after.low, 'non-zero octets below IO_IN').toBe('');
  });
});

describe('SMC: only the all-zero KAMF is the local emergency one; the COMPLETE record is written whole, into IO_OUT only', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  // assembly/nas/smc.ts refuses non-null algorithms with the locally generated (all-zero) KAMF; a
  // KAMF with a single non-zero octet anywhere is a real one, and an SMC on it must be accepted.
  for (const pos of [0, 7, 8, 15, 16, 23, 24, 31]) it(`a current KAMF that is zero except octet ${pos}: SMC with 128-NEA2/128-NIA2 accepted`, () => {
    const kamf = new Uint8Array(32); kamf[pos] = 0x01;
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
    const net = new NetworkNasContext(kamf, NGKSI, 2, 2);
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS })).message);
    expect([r.result, r.cause]).toEqual(['complete', 0]);
  });
  // README "ABI": the host writes the request into IO_IN, the export writes its results at IO_OUT;
  // nothing says IO_OUT is clean before a call, so every field of the record must be written.
  it('IO_OUT pre-filled with 0xff and the rest of IO_IN with 0x5a: record = result 0, cause 0, flags 0, ngKSI 2, DL 4, UL 6; IO_IN unchanged; nothing below IO_IN', () => {
    const ue = ueAfterRegistrationRequest(CAPS);
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const msg = net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS })).message;
    const fw = ue.module;
    fw.putAt(0, new Uint8Array(fw.inLen).fill(0x5a));
    const m = fw.inLen - msg.length; // the SMC ends at the last octet of IO_IN
    fw.putAt(m, msg);
    fw.putAt(fw.outPtr - fw.inPtr, new Uint8Array(fw.outLen).fill(0xff)); // IO_OUT, addressed from IO_IN
    const inBefore = toHex(fw.snapshot().subarray(fw.inPtr, fw.inPtr + fw.inLen));
    expect(fw.tryCall('smc_process', m, msg.length, 1)).toBe(0);
    const h = fw.take(0, 16), v = new DataView(h.buffer);
    expect({ result: h[0], cause: h[1], flags: h[2], ngKsi: h[3], dl: v.getUint32(8, true), ul: v.getUint32(12, true) })
      .toEqual({ result: 0, cause: 0, flags: 0, ngKsi: NGKSI, dl: 4, ul: 6 });
    const resp = fw.take(16, v.getUint32(4, true));
    expect(net.verifyUplink(resp)?.count).toBe(6);
    const after = fw.snapshot();
    expect(toHex(after.subarray(fw.inPtr, fw.inPtr + fw.inLen)) === inBefore, 'IO_IN unchanged').toBe(true);
    expect(toHex(after.subarray(0, fw.inPtr).filter((b) => b !== 0)), 'non-zero octets below IO_IN').toBe('');
    fw.clearMailboxes();
  });
});

// The ABBA IE is optional in the SMC (TS 24.501 8.2.25); the UE keeps the ABBA it last received
// for the next KAMF derivation (TS 33.501 A.7.1), so an SMC without it must not clear a stored one.
describe('TS 24.501 8.2.25: an SMC without the ABBA IE keeps the ABBA a previous SMC stored', () => {
  it('SMC 1 with ABBA 0x0102 → stored (UE_STATE octets 48–50 = 2, 01, 02); SMC 2 without ABBA → still 2, 01, 02', () => {
    const CAPS = Uint8Array.of(0xe0, 0xe0);
    const ue = ueAfterRegistrationRequest(CAPS);
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    expect(ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS, abba: Uint8Array.of(0x01, 0x02) })).message).result).toBe('complete');
    expect([...ue.rawState().subarray(48, 51)]).toEqual([2, 0x01, 0x02]);
    net.ulLast['3gpp'] = 6;
    expect(ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS })).message).result).toBe('complete');
    expect([...ue.rawState().subarray(48, 51)]).toEqual([2, 0x01, 0x02]);
  });
});

describe('TS 33.501 6.7.2 NOTE 3 and the unprotected REJECT: nothing but the record and response changes', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  // A REJECT that must be protected with the current context whose UL NAS COUNT is spent cannot be
  // sent: STATUS_ERR_COUNT_WRAP (the UE releases the NAS connection instead), and a refused call
  // changes no state — the contexts stay and NAS_MSG (where the REJECT was built) is all zero.
  it('current context with UL COUNT 2^24 (spent), SMC naming an unknown ngKSI: STATUS_ERR_COUNT_WRAP, slots unchanged, NAS_MSG zero', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 0x1000000, 3, true);
    const before = ue.rawSlot('current');
    const net = new NetworkNasContext(KAMF, 5, 2, 2);
    const msg = net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 5, replayedCaps: CAPS })).message;
    const fw = ue.module, m = fw.begin().put(msg);
    expect(fw.tryCall('smc_process', m, msg.length, 1)).toBe(fw.constant('STATUS_ERR_COUNT_WRAP'));
    const mem = ue.memory(), nas = fw.constant('NAS_MSG_PTR');
    expect(toHex(mem.subarray(nas, nas + fw.constant('NAS_MSG_LEN')).filter((b) => b !== 0)), 'NAS_MSG').toBe('');
    fw.clearMailboxes();
    expect(toHex(ue.rawSlot('current'))).toBe(toHex(before));
  });
  it('unprotected REJECT (no context) over an IO_OUT pre-filled with 0xff: exactly the 4 octets 7e 00 5f 18 after the record, the next octet untouched', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    const net = new NetworkNasContext(KAMF, 3, 2, 2);
    const msg = net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 3, replayedCaps: CAPS })).message;
    const fw = ue.module, m = fw.begin().put(msg);
    fw.putAt(fw.outPtr - fw.inPtr, new Uint8Array(fw.outLen).fill(0xff)); // IO_OUT, addressed from IO_IN
    expect(fw.tryCall('smc_process', m, msg.length, 1)).toBe(0);
    expect(toHex(fw.take(0, 4))).toBe('0118' + '00' + '03'); // REJECT, #24, no flags, ngKSI 3
    expect(toHex(fw.take(16, 5))).toBe('7e005f18ff');
    fw.clearMailboxes();
  });
});

// The fast build keeps the 128-NIA2 subkeys of a slot's KNASint in the slot (bytes 160..191, flag
// at byte 7; assembly/me/context/slots.ts). TS 33.501 A.8 binds KNASint to the selected integrity
// algorithm, so an SMC that changes the algorithm replaces the key, and the subkeys must follow:
// made for the new key when it is 128-NIA2 (SP 800-38B 6.1: L = AES-128(K, 0^128), K1 = dbl(L),
// K2 = dbl(K1), computed here with node:crypto), zeroed as retired key material otherwise.
describe('TS 33.501 A.8 / SP 800-38B 6.1: the NIA2 subkeys a slot keeps follow its KNASint across SMCs', () => {
  const subkeys = (k: Uint8Array) => toHex(cmacSubkeys(k));
  // 128-NIA2 (node:crypto AES-CMAC reference) or 128-NIA3 (the independent ZUC)
  const mac = (nia: number, key: Uint8Array, count: number, dir: number, m: Uint8Array) =>
    nia === 2 ? nia2Ref(key, count, 1, dir, m, m.length * 8) : nia3Ref(key, count, 1, dir, m);
  it('NIA2 → SMC selecting NIA3 (subkeys zeroed) → NIA2 (subkeys of the new KNASint) → NIA3 → NIA2; SMC and uplink MACs as the references compute them after each', () => {
    const CAPS = Uint8Array.of(0xe0, 0xe0);
    const ue = ueAfterRegistrationRequest(CAPS);
    const fast = ue.module.file === 'ue-fast';
    const kept = () => { const s = ue.rawSlot('current'); return { flag: s[7], sub: toHex(s.subarray(160, 192)) }; };
    const zero = '00'.repeat(32);
    expect(kept()).toEqual(fast ? { flag: 1, sub: subkeys(ref.nasKeys(KAMF, 2, 2).knasint) } : { flag: 0, sub: zero });
    let dl = 4;
    for (const nia of [3, 2, 3, 2]) {
      const { knasint } = ref.nasKeys(KAMF, 2, nia);
      const sqnBody = Uint8Array.of(dl, ...M.securityModeCommand({ nea: 2, nia, ngKsi: NGKSI, replayedCaps: CAPS }));
      const r = ue.securityModeCommand(Uint8Array.of(0x7e, 0x03, ...mac(nia, knasint, dl, 1, sqnBody), ...sqnBody));
      expect([r.result, r.dlCount]).toEqual(['complete', dl++]);
      expect(kept()).toEqual(fast && nia === 2 ? { flag: 1, sub: subkeys(knasint) } : { flag: 0, sub: zero });
      // the COMPLETE and a later uplink message (integrity only) carry the MAC of the new KNASint
      expect(toHex(r.response.subarray(2, 6))).toBe(toHex(mac(nia, knasint, r.ulCount, 0, r.response.subarray(6))));
      const out = ue.protect('current', '3gpp', 1, Uint8Array.of(0x7e, 0x00, 0x43));
      expect(toHex(out.message.subarray(2, 6))).toBe(toHex(mac(nia, knasint, out.count, 0, out.message.subarray(6))));
    }
  });
});

// TS 24.501 8.2.26 / 5.4.2.3: the SECURITY MODE COMPLETE carries the IMEISV when the SMC requests
// it and, with RINMR = 1, "the entire initial NAS message" in the NAS message container. smc.ts
// builds it without a length check because the largest one always fits NAS_MSG and IO_OUT: IMEISV
// of 15 octets (ue_configure's IMEISV_MAX) and an initial message of 1,024 octets (INITIAL_MSG,
// registration_request's limit) — 3 + 3 + 15 + 3 + 1,024 = 1,048 octets. This is that largest one.
describe('TS 24.501 5.4.2.3 / 8.2.26: the largest SECURITY MODE COMPLETE (IMEISV 15 octets, a 1,024-octet initial message resent for RINMR)', () => {
  it('COMPLETE of 1,048 plain octets, 1,055 protected: the whole initial message and the IMEISV in it, as the network verifies and deciphers it', () => {
    const CAPS = Uint8Array.of(0xe0, 0xe0);
    const imeisv = Uint8Array.from({ length: 15 }, (_, i) => 0x10 + i);
    const rr = Uint8Array.from({ length: 1024 }, (_, i) => (i < RR.length ? RR[i] : (i * 7 + 1) & 0xff));
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS, imeisv });
    ue.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 5, 3, true);
    expect(ue.registrationRequest(rr).count).toBe(5);
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS, imeisvRequest: true, rinmr: true })).message);
    expect([r.result, r.imeisvRequested, r.rinmr, r.response.length]).toEqual(['complete', true, true, 1055]);
    const v = net.verifyUplink(r.response);
    expect(v?.count).toBe(6);
    const want = Buffer.concat([Buffer.of(0x7e, 0x00, 0x5e, 0x77, 0x00, 15), imeisv, Buffer.of(0x71, 0x04, 0x00), rr]);
    expect(toHex(v!.plain)).toBe(toHex(want));
  });
});

// The SECURITY MODE REJECT (TS 24.501 5.4.2.5) is built in NAS_MSG and written to IO_OUT + 16,
// nowhere else: the project's rule (smc.ts: "a refused SMC changes no state"), not the clause's. Two things it must not
// touch: the initial NAS message kept for RINMR (INITIAL_MSG, declared right below NAS_MSG; TS 24.501
// 5.4.2.3: the COMPLETE of a later SMC carries "the entire initial NAS message") and the memory
// below IO_IN, which no export writes (README "Memory map").
describe('modelling choice (smc.ts "a refused SMC changes no state", README memory map): a SECURITY MODE REJECT (TS 24.501 5.4.2.5) writes only its record and response', () => {
  it('a 1,024-octet initial message, an SMC rejected (#24, unknown ngKSI), then an SMC with RINMR: the COMPLETE resends the initial message whole, last octet included; nothing below IO_IN written', () => {
    const CAPS = Uint8Array.of(0xe0, 0xe0);
    const rr = Uint8Array.from({ length: 1024 }, (_, i) => (i < RR.length ? RR[i] : (i * 5 + 0x33) & 0xff | 0x01));
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 5, 3, true);
    expect(ue.registrationRequest(rr).count).toBe(5);
    const fw = ue.module;
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const unknown = new NetworkNasContext(KAMF, 5, 2, 2);
    const rej = ue.securityModeCommand(unknown.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 5, replayedCaps: CAPS })).message);
    expect([rej.result, rej.cause]).toEqual(['reject', 24]);
    expect(toHex(ue.memory().subarray(0, fw.inPtr).filter((b) => b !== 0)), 'memory below IO_IN').toBe('');
    expect(net.verifyUplink(rej.response)?.count, 'the REJECT protected with the current context').toBe(6);
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: NGKSI, replayedCaps: CAPS, rinmr: true })).message);
    expect(r.result).toBe('complete');
    const v = net.verifyUplink(r.response);
    expect(toHex(v!.plain)).toBe(toHex(Buffer.concat([Buffer.of(0x7e, 0x00, 0x5e, 0x71, 0x04, 0x00), rr])));
  });
});

// The registration state the SMC reads (assembly/me/procedures/registration.ts, its documented
// contract; UE_STATE layout in assembly/me/context/ue-state.ts: [32] flags, [36] UL NAS COUNT of
// the last Registration Request, [40] its access, [44] the length of the initial message kept in
// INITIAL_MSG). TS 33.501 6.9.3: the UL NAS COUNT of the REGISTRATION REQUEST is the A.13 input of
// KAMF′ when the SMC has HDP = 1, so it is recorded only for a protected request; TS 24.501
// 5.4.2.3: the initial message is kept for RINMR (and sent whole when it went out unprotected).
// Found by the firmware mutation runner (issue 16): the stores of the "no COUNT" values, the
// access, the clearing at the outcome and the wipe of the kept message survived every suite.
describe('registration_request / registration_complete: the UE_STATE fields and INITIAL_MSG (procedures/registration.ts contract, TS 33.501 6.9.3, TS 24.501 5.4.2.3)', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  const FLAG = { REGISTERING: 0x02, REG_COUNT: 0x04, OLD_KEPT: 0x08 };
  function state(ue: UeFirmware) {
    const fw = ue.module;
    expect(fw.tryCall('ue_state_read')).toBe(0);
    const s = fw.take(0, 128), v = new DataView(s.buffer);
    return { flags: s[32], regCount: v.getUint32(36, true), regAccess: v.getUint32(40, true), initialLen: v.getUint32(44, true) };
  }
  const initialMsg = (ue: UeFirmware) => {
    const fw = ue.module, p = fw.constant('INITIAL_MSG_PTR');
    return ue.memory().slice(p, p + fw.constant('INITIAL_MSG_LEN'));
  };
  function send(ue: UeFirmware, msg: Uint8Array, access: number) {
    const fw = ue.module, m = fw.begin().put(msg);
    new Uint8Array(fw.raw.memory.buffer).fill(0xa5, fw.outPtr, fw.outPtr + 64);
    expect(fw.tryCall('registration_request', m, msg.length, access)).toBe(0);
    const out = fw.take(0, 16), v = new DataView(out.buffer);
    return { len: v.getUint32(0, true), count: v.getUint32(4, true), body: fw.take(16, v.getUint32(0, true)) };
  }
  const LONG = Uint8Array.from({ length: 300 }, (_, i) => (i < RR.length ? RR[i] : (i * 7 + 0x41) & 0xff | 0x01));

  it('protected on 3GPP access (UL COUNT 5) → COUNT 5, access 1, REGISTERING and REG_COUNT set; then, with no usable context, a plain one on non-3GPP access → the message unprotected, COUNT 0xFFFFFFFF in the record, REG_COUNT 0 and its flag clear, access 2', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 5, 3, true);
    const a = send(ue, LONG, 1);
    expect([a.len, a.count]).toEqual([LONG.length + 7, 5]);
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    net.ulLast['3gpp'] = 4;
    expect(toHex(net.verifyUplink(a.body)!.plain)).toBe(toHex(LONG));
    expect(state(ue)).toEqual({ flags: FLAG.REGISTERING | FLAG.REG_COUNT, regCount: 5, regAccess: 1, initialLen: LONG.length });
    expect(ue.module.tryCall('ctx_wipe', 0)).toBe(0); // no current context any more
    const b = send(ue, RR, 2);
    expect([b.len, b.count, toHex(b.body)]).toEqual([RR.length, 0xffffffff, toHex(RR)]);
    expect(state(ue)).toEqual({ flags: FLAG.REGISTERING, regCount: 0, regAccess: 2, initialLen: RR.length });
  });

  it('INITIAL_MSG holds the last message and zeros after it: a 300-octet request, then a 17-octet one, leaves nothing of the first', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    send(ue, LONG, 1);
    expect(toHex(initialMsg(ue).subarray(0, LONG.length))).toBe(toHex(LONG));
    send(ue, RR, 1);
    const kept = initialMsg(ue);
    expect(toHex(kept.subarray(0, RR.length))).toBe(toHex(RR));
    expect(kept.subarray(RR.length).every((b) => b === 0), 'INITIAL_MSG after the 17 octets').toBe(true);
    expect(state(ue).initialLen).toBe(RR.length);
  });

  for (const accepted of [1, 0]) it(`registration_complete(${accepted}) without a kept context: REGISTERING, REG_COUNT and OLD_KEPT clear, REG_COUNT 0, no initial message kept (length 0, INITIAL_MSG all zero); the current context unchanged`, () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 5, 3, true);
    send(ue, LONG, 1);
    const before = ue.rawSlot('current');
    expect(ue.module.tryCall('registration_complete', accepted)).toBe(0);
    const s = state(ue);
    expect({ flags: s.flags, regCount: s.regCount, initialLen: s.initialLen }).toEqual({ flags: 0, regCount: 0, initialLen: 0 });
    expect(initialMsg(ue).every((b) => b === 0), 'INITIAL_MSG').toBe(true);
    expect(toHex(ue.rawSlot('current'))).toBe(toHex(before));
    expect(ue.module.tryCall('registration_complete', accepted), 'no registration in progress any more').toBe(ue.module.constant('STATUS_ERR_STATE'));
  });
});
