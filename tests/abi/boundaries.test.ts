// Boundary and behaviour tests that a mutation campaign (issue 16) showed missing: each one kills a
// one-line bug that survived the whole suite. Every expected value comes from the clause text and
// an independent computation (node:crypto HMAC written out here, or the node:crypto network model
// host/network/nas-security.ts), never from the firmware under test.
import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { KeyDerivation } from '../../host/firmware/keys.js';
import { instantiateSync } from '../../host/firmware/loader.js';
import { UeFirmware } from '../../host/firmware/ue-firmware.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { CountWrapError, MacFailureError, ReplayError } from '../../host/errors.js';
import * as M from '../../host/nas/messages.js';
import { hex, runCli, toHex, UE_FILE, UE_VECTORS_FILE } from '../helpers.js';

const KEY = hex('7d861852b42a86b596fe22c8f50b9b895a1e21716b61b8d122785e25bafc0d07');

// ---------------------------------------------------------------------------------------------
// TS 33.401 A.5: "FC = 0x13; P0 = Target physical cell ID; L0 = length of PCI (0x00 0x02);
// P1 = EARFCN-DL; L1 = length of EARFCN-DL (i.e. 0x00 0x02 if EARFCN-DL is between 0 and 65535,
// and 0x00 0x03 if EARFCN-DL is between 65536 and 262143)".
// ---------------------------------------------------------------------------------------------
describe('TS 33.401 A.5 KeNB*: L1 is 2 octets up to EARFCN-DL 65535 and 3 octets from 65536', () => {
  const api = new KeyDerivation(instantiateSync(UE_FILE));
  // S = FC ‖ PCI (2 octets) ‖ 0x00 0x02 ‖ EARFCN-DL (2 or 3 octets) ‖ 0x00 0x02|0x03, spelled out.
  const expected = (pci: number, s: string) => createHmac('sha256', KEY).update(Buffer.from('13' + pci.toString(16).padStart(4, '0') + '0002' + s, 'hex')).digest('hex');
  const cases: Array<[number, string]> = [
    [0, '00000002'],
    [65534, 'fffe0002'],
    [65535, 'ffff0002'],          // last 2-octet value
    [65536, '0100000003'],        // first 3-octet value
    [65537, '0100010003'],
    [262143, '03ffff0003'],       // largest EARFCN (18 bits)
  ];
  for (const [earfcn, s] of cases) {
    it(`EARFCN-DL ${earfcn} → P1 ‖ L1 = ${s}`, () => {
      expect(toHex(api.kenbStar({ key: KEY, pci: 17, earfcnDl: earfcn }))).toBe(expected(17, s));
    });
  }
  it('EARFCN-DL 262144 (19 bits) is refused, nothing derived', () => {
    expect(() => api.kenbStar({ key: KEY, pci: 17, earfcnDl: 262144 })).toThrow(/earfcnDl/);
  });
});

// ---------------------------------------------------------------------------------------------
// TS 24.501 4.4.3.1: the NAS COUNT is a 24-bit value, NAS OVERFLOW (16 MSB) ‖ NAS SQN (8 LSB);
// "when the NAS SQN wraps around, the NAS OVERFLOW is incremented" and the receiver estimates the
// COUNT of a received message from its SQN and the last accepted COUNT. TS 33.501 6.4.3.1: a
// COUNT is never reused with the same key, so once NAS OVERFLOW would exceed 0xFFFF the message is
// refused (the AMF must re-key, 6.9.4.2).
// ---------------------------------------------------------------------------------------------
describe('TS 24.501 4.4.3.1 DL NAS COUNT estimation at the overflow boundaries', () => {
  const KAMF = Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + 5) & 0xff);
  /** A UE whose last accepted DL COUNT is `last`, and a network about to send COUNT `next`. */
  function at(last: number, next: number) {
    const ue = new UeFirmware();
    ue.install('current', { kamf: KAMF, ngKsi: 1, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 0, last, true);
    const net = new NetworkNasContext(KAMF, 1, 2, 2);
    net.dlNext['3gpp'] = next;
    return { ue, m: net.protectDownlink(2, Uint8Array.of(0x7e, 0, 0x54, 0x99)) };
  }
  const accepted: Array<[number, number, string]> = [
    [0xfffe10, 0xffff05, 'SQN 0x05 ≤ last SQN 0x10: the SQN wrapped, overflow 0xFFFE + 1 = 0xFFFF (the largest)'],
    [0xfffe10, 0xffff10, 'SQN equal to the last SQN: wrapped, overflow + 1'],
    [0xfffe10, 0xfffe11, 'SQN 0x11 > last SQN 0x10: same overflow'],
    [0xffff05, 0xffff06, 'in the last overflow value, a higher SQN is accepted'],
    [0xffff05, 0xffffff, 'the very last COUNT 0xFFFFFF is accepted'],
    [0x0000ff, 0x000100, 'first overflow increment: last 0xFF, SQN 0x00 → 0x100'],
  ];
  for (const [last, next, why] of accepted) {
    it(`last 0x${last.toString(16)}, network COUNT 0x${next.toString(16)}: accepted with COUNT 0x${next.toString(16)} (${why})`, () => {
      const { ue, m } = at(last, next);
      expect(ue.unprotect('current', '3gpp', m.message).count).toBe(next);
      expect(ue.read('current').dlCount['3gpp']).toBe(next);
    });
  }
  it('last 0xffff05 and SQN 0x05 again would need NAS OVERFLOW 0x10000: refused as a COUNT wrap, context unchanged', () => {
    const ue = new UeFirmware();
    ue.install('current', { kamf: KAMF, ngKsi: 1, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 0, 0xffff05, true);
    const net = new NetworkNasContext(KAMF, 1, 2, 2); net.dlNext['3gpp'] = 0xfffe05; // an SQN of 0x05, whatever overflow
    const m = net.protectDownlink(1, Uint8Array.of(0x7e, 0, 0x54));
    const before = toHex(ue.rawSlot('current'));
    expect(() => ue.unprotect('current', '3gpp', m.message)).toThrow(CountWrapError);
    expect(toHex(ue.rawSlot('current'))).toBe(before);
  });
  it('last 0xfffe10: the message with COUNT 0xfffe10 itself is a replay, not a wrap', () => {
    const { ue } = at(0xfffe10, 0xfffe11);
    const net = new NetworkNasContext(KAMF, 1, 2, 2); net.dlNext['3gpp'] = 0xfffe10;
    expect(() => ue.unprotect('current', '3gpp', net.protectDownlink(2, Uint8Array.of(0x7e, 0, 0x54)).message)).toThrow(ReplayError);
  });
});

// ---------------------------------------------------------------------------------------------
// TS 24.501 5.4.2.3 / 9.11.3.12: Additional 5G security information, octet 3 "bit 1 = HDP
// (horizontal derivation parameter), bit 2 = RINMR (retransmission of initial NAS message
// request)". With HDP = 0 the UE takes the context the ngKSI identifies into use (no KAMF′); with
// RINMR = 1 "the UE shall include the entire unciphered initial NAS message in the NAS message
// container IE" of the SECURITY MODE COMPLETE.
// ---------------------------------------------------------------------------------------------
describe('TS 24.501 5.4.2.3 SMC with RINMR = 1 and HDP = 0', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  const RR = Uint8Array.of(0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d, 0x01, 0x00, 0xf1, 0x10, 0x00, 0x00, 0x00, 0x00, 0x21, 0x43, 0x65);
  function run(rinmr: boolean) {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KEY, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 5, 3, true);
    const rr = ue.registrationRequest(RR);
    expect(rr.count).toBe(5); // the initial message went out integrity protected
    const net = new NetworkNasContext(KEY, 2, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const smc = net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 2, replayedCaps: CAPS, rinmr, hdp: false }));
    const r = ue.securityModeCommand(smc.message);
    const complete = net.verifyUplink(r.response);
    return { ue, r, complete };
  }
  it('RINMR = 1, HDP = 0: the UE does not derive KAMF′ and sends the whole initial message in the NAS message container', () => {
    const { ue, r, complete } = run(true);
    expect([r.result, r.rinmr, r.hdp, r.newKamf]).toEqual(['complete', true, false, false]);
    expect(toHex(ue.read('current').kamf)).toBe(toHex(KEY));             // the same KAMF, no KAMF′
    expect(complete, 'the COMPLETE verifies with the unchanged KAMF at the network').not.toBeNull();
    expect(complete!.count).toBe(6);                                     // the COUNT after the RR's
    expect(toHex(M.parseSecurityModeComplete(complete!.plain).nasContainer ?? new Uint8Array())).toBe(toHex(RR));
  });
  it('RINMR = 0, HDP = 0 after a protected initial message: no NAS message container', () => {
    const { r, complete } = run(false);
    expect([r.result, r.rinmr, r.hdp]).toEqual(['complete', false, false]);
    expect(M.parseSecurityModeComplete(complete!.plain).nasContainer).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// TS 24.501 5.4.2.3: when the SMC takes a new KAMF into use "the UE shall set the downlink NAS
// COUNT ... to the value used in the successful integrity check of the SECURITY MODE COMMAND"
// (with HDP = 1: both COUNTs 0), and 4.4.3.1/TS 33.501 6.4.3.1: a DL COUNT is accepted only once.
// So the SMC's own bytes, replayed as an ordinary integrity-protected message (security header
// type 1 instead of 3; the MAC covers SQN ‖ message, not the header type), are a replay.
// ---------------------------------------------------------------------------------------------

describe('TS 24.501 5.4.2.3 + 4.4.3.1: the DL COUNT an SMC verified with counts as accepted', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  const asPlainProtected = (smc: Uint8Array) => { const m = smc.slice(); m[1] = 1; return m; };
  it('HDP = 1 (new KAMF′, COUNTs reset): the SMC replayed as a protected message is rejected as a replay', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KEY, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 5, 3, true);
    ue.registrationRequest(Uint8Array.of(0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d, 0x01, 0x00, 0xf1, 0x10));
    // KAMF′ = A.13: HMAC-SHA-256(KAMF, 0x72 ‖ 0x00 ‖ 0x00 0x01 ‖ UL COUNT 5 ‖ 0x00 0x04)
    const kamfPrime = new Uint8Array(createHmac('sha256', KEY).update(Buffer.from('72000001000000050004', 'hex')).digest());
    const net = new NetworkNasContext(kamfPrime, 2, 2, 2);
    const smc = net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 2, replayedCaps: CAPS, hdp: true }));
    const r = ue.securityModeCommand(smc.message);
    expect([r.result, r.newKamf, r.dlCount]).toEqual(['complete', true, 0]);
    expect(toHex(ue.read('current').kamf)).toBe(toHex(kamfPrime));
    const before = toHex(ue.rawSlot('current'));
    expect(() => ue.unprotect('current', '3gpp', asPlainProtected(smc.message))).toThrow(ReplayError);
    expect(toHex(ue.rawSlot('current'))).toBe(before);
    // the next real downlink message (COUNT 1) is accepted
    expect(ue.unprotect('current', '3gpp', net.protectDownlink(2, Uint8Array.of(0x7e, 0, 0x42)).message).count).toBe(1);
  });
  /** A UE holding a new partial native context from authentication (ngKSI 4) and the SMC that takes it into use. */
  function newContextSmc() {
      const ue = new UeFirmware();
      ue.configure({ ueSecurityCapabilities: CAPS });
      ue.install('new', { kamf: KEY, ngKsi: 4, type: 'partial-native' });
      const net = new NetworkNasContext(KEY, 4, 2, 2);
      const smc = net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 4, replayedCaps: CAPS }));
    return { ue, net, smc };
  }
  it('new partial native context from authentication: the SMC replayed as a protected message is rejected as a replay', () => {
    const { ue, smc } = newContextSmc();
    const r = ue.securityModeCommand(smc.message);
    expect([r.result, r.newKamf]).toEqual(['complete', true]);
    expect(() => ue.unprotect('current', '3gpp', asPlainProtected(smc.message))).toThrow(ReplayError);
  });
  it('a forged message with the SMC COUNT is a MAC failure, not accepted', () => {
    const { ue, net, smc } = newContextSmc();
    ue.securityModeCommand(smc.message);
    const forged = asPlainProtected(smc.message); forged[forged.length - 1] ^= 1;
    expect(() => ue.unprotect('current', '3gpp', forged)).toThrow(MacFailureError);
  });
});

// ---------------------------------------------------------------------------------------------
// Project CLI contract (README "CLI", issue 17): no command at all prints the usage on stderr
// (stdout stays empty, so a pipe never mistakes it for output) and exits with code 2, like every
// other usage error.
// ---------------------------------------------------------------------------------------------
describe('CLI contract: usage errors exit 2', () => {
  it('no command: usage on stderr, nothing on stdout, exit status 2', () => {
    const r = runCli([]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Commands:');
    expect(r.out).toBe('');
  });
  it('an unknown command: one line naming COMMAND on stderr, exit status 2', () => {
    const r = runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('COMMAND');
  });
});

// ---------------------------------------------------------------------------------------------
// TS 24.501 5.4.2.5 / 8.2.27 / 9.7: SECURITY MODE REJECT is EPD 0x7E, security header 0, message
// type 0x5F, then the 5GMM cause (#23 UE security capabilities mismatch, #24 unspecified). TS 33.501
// 6.7.2: it is protected with the previous context if there is one, otherwise sent unprotected.
// ---------------------------------------------------------------------------------------------
describe('TS 24.501 5.4.2.5 SECURITY MODE REJECT as sent', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  it('no current context: unprotected, exactly 7E 00 5F 18 (cause #24) for an ngKSI the UE does not hold', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    const net = new NetworkNasContext(KEY, 3, 2, 2);
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 3, replayedCaps: CAPS })).message);
    expect([r.result, r.cause, r.ulCount]).toEqual(['reject', 24, null]);
    expect(toHex(r.response)).toBe('7e005f18');
  });
  it('with a current context: protected with it (SHT 2), and the network reads 7E 00 5F 17 (cause #23) for replayed capabilities that differ', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KEY, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 9, 4, true);
    const net = new NetworkNasContext(KEY, 2, 2, 2);
    net.dlNext['3gpp'] = 5; net.ulLast['3gpp'] = 8;
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 2, replayedCaps: Uint8Array.of(0xe0, 0x60) })).message);
    expect([r.result, r.cause, r.ulCount]).toEqual(['reject', 23, 9]);
    expect(r.response[1]).toBe(2);
    const v = net.verifyUplink(r.response);
    expect(v, 'the REJECT verifies with the previous (current) context').not.toBeNull();
    expect([v!.count, toHex(v!.plain)]).toEqual([9, '7e005f17']);
  });
});

// ---------------------------------------------------------------------------------------------
// TS 33.501 D.3.1.3: 128-NIA3 is 128-EIA3 (ETSI/SAGE EEA3&EIA3 spec, 4.4): with z_i the 32 keystream
// bits from bit i, "T = ⊕ z_i over i < LENGTH with M[i] = 1; T = T ⊕ z_LENGTH; MAC = T ⊕
// z_(32(L−1))", L = ⌈LENGTH/32⌉ + 2. The published test sets have no LENGTH that is a multiple of
// 32, where the appended bit falls on the first bit of a new word; here the formula is computed in
// the test from the ZUC keystream (itself checked against the official ZUC sets in
// nas-vectors.test.ts) and compared with the firmware's 128-NIA3.
// ---------------------------------------------------------------------------------------------
describe('TS 33.501 D.3.1.3 128-NIA3 when LENGTH is a multiple of 32', () => {
  const ue = instantiateSync(UE_FILE), vec = instantiateSync(UE_VECTORS_FILE);
  const key = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff);
  function eia3(count: number, bearer: number, direction: number, msg: Uint8Array, length: number): string {
    const c = [count >>> 24, (count >>> 16) & 0xff, (count >>> 8) & 0xff, count & 0xff];
    const iv = Uint8Array.from([c[0], c[1], c[2], c[3], bearer << 3, 0, 0, 0, c[0] ^ (direction << 7), c[1], c[2], c[3], bearer << 3, 0, direction << 7, 0]);
    const L = Math.ceil(length / 32) + 2;
    vec.begin();
    const k = vec.put(key), v = vec.put(iv);
    vec.call('zuc_keystream', k, v, 0, L);
    let ks = 0n;
    for (const b of vec.take(0, 4 * L)) ks = (ks << 8n) | BigInt(b);
    const total = BigInt(32 * L);
    const z = (i: number) => Number((ks >> (total - BigInt(i) - 32n)) & 0xffffffffn) >>> 0;
    let t = 0;
    for (let i = 0; i < length; i++) if ((msg[i >> 3] >> (7 - (i & 7))) & 1) t = (t ^ z(i)) >>> 0;
    t = (t ^ z(length)) >>> 0;
    return ((t ^ z(32 * (L - 1))) >>> 0).toString(16).padStart(8, '0');
  }
  const msg = Uint8Array.from({ length: 40 }, (_, i) => (i * 113 + 7) & 0xff);
  for (const length of [32, 64, 96, 256, 320, 31, 33, 1]) {
    it(`LENGTH ${length} bits`, () => {
      ue.begin();
      const k = ue.put(key), m = ue.put(msg);
      ue.call('nas_mac', 3, k, 0x12345678, 1, 1, m, length);
      expect(toHex(ue.take(0, 4))).toBe(eia3(0x12345678, 1, 1, msg, length));
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Issue 16 firmware survivors (host/tools/mutate-firmware.mjs): UE_STATE as the ue_state_read
// export returns it. The layout is the ABI documented at the head of assembly/me/context/ue-state.ts
// and relied on by the host (host/firmware/ue-firmware.ts reads the flags at octet 32): [32] flags
// (EMERGENCY 0x01, REGISTERING 0x02, REG_COUNT 0x04), [36] u32 UL NAS COUNT of the Registration
// Request (TS 33.501 6.9.3: the A.13 input), [40] its access, [44] the length of the initial
// message kept for RINMR, [48] ABBA length, [49] ABBA as last received in an SMC (TS 24.501
// 8.2.25: the Additional 5G security information / ABBA IE 0x38).
// ---------------------------------------------------------------------------------------------
describe('UE_STATE layout as read by the host (ue_state_read, assembly/me/context/ue-state.ts)', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  const RR = Uint8Array.of(0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d, 0x01, 0x00, 0xf1, 0x10, 0x00);
  it('flags octet 32 (EMERGENCY | REGISTERING | REG_COUNT = 0x07), RR UL COUNT at 36, access at 40, initial length at 44', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS, emergency: true });
    expect(ue.rawState()[32], 'EMERGENCY only, before any registration').toBe(0x01);
    ue.install('current', { kamf: KEY, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 0x0a0b0c, 3, true);
    expect(ue.registrationRequest(RR).count).toBe(0x0a0b0c);
    const s = ue.rawState(), v = new DataView(s.buffer, s.byteOffset);
    expect([s[32], s[33], s[34], s[35]]).toEqual([0x07, 0, 0, 0]);
    expect(v.getUint32(36, true)).toBe(0x0a0b0c);
    expect(v.getUint32(40, true)).toBe(1);          // 3GPP access
    expect(v.getUint32(44, true)).toBe(RR.length);
  });
  it('a Registration Request sent without a context records no UL COUNT: octet 36 back to 0 and REG_COUNT clear (TS 33.501 6.9.3: the A.13 input is the COUNT of a protected request)', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KEY, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 0x0304, 3, true);
    expect(ue.registrationRequest(RR).count).toBe(0x0304);
    ue.registrationComplete(false);
    ue.wipe('current');
    expect(ue.registrationRequest(RR).count).toBeNull();
    const s = ue.rawState(), v = new DataView(s.buffer, s.byteOffset);
    expect(v.getUint32(36, true)).toBe(0);
    expect(s[32] & 0x04).toBe(0);
  });
  it('a re-configuration with shorter UE security capabilities leaves no octet of the longer ones: [0] length, [1..9) the value zero-padded (TS 24.501 9.11.3.54: 2–8 octets)', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: Uint8Array.of(0xf0, 0xf0, 0xc0, 0x40, 0x11, 0x22, 0x33, 0x44) });
    expect(toHex(ue.rawState().subarray(0, 9))).toBe('08f0f0c040112233' + '44');
    ue.configure({ ueSecurityCapabilities: Uint8Array.of(0xe0, 0xa0) });
    expect(toHex(ue.rawState().subarray(0, 9))).toBe('02e0a0' + '000000000000');
  });
  it('an accepted SMC with ABBA 0x0102 stores length 2 at octet 48 and the ABBA at 49; nothing outside UE_STATE changes', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KEY, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 9, 4, true);
    const fw = ue.module;
    const srvcc = fw.constant('SRVCC_CTX_PTR'), srvccLen = fw.constant('SRVCC_CTX_LEN');
    const srvccBefore = toHex(ue.memory().subarray(srvcc, srvcc + srvccLen));
    const net = new NetworkNasContext(KEY, 2, 2, 2);
    net.dlNext['3gpp'] = 5; net.ulLast['3gpp'] = 8;
    const abba = Uint8Array.of(0x01, 0x02);
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 2, replayedCaps: CAPS, abba })).message);
    expect(r.result).toBe('complete');
    const s = ue.rawState();
    expect([s[48], s[49], s[50], s[51]]).toEqual([2, 0x01, 0x02, 0]);
    expect(toHex(ue.memory().subarray(srvcc, srvcc + srvccLen)), 'SRVCC_CTX (the region below UE_STATE)').toBe(srvccBefore);
  });
  it('an accepted SMC without the ABBA IE (optional, TS 24.501 8.2.25) leaves the stored ABBA as it was: length 0 and no octet at 49', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KEY, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 9, 4, true);
    const before = ue.rawState();
    const net = new NetworkNasContext(KEY, 2, 2, 2);
    net.dlNext['3gpp'] = 5; net.ulLast['3gpp'] = 8;
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 2, replayedCaps: CAPS })).message);
    expect(r.result).toBe('complete');
    const s = ue.rawState();
    expect([s[48], s[49], s[50]], 'ABBA length and octets').toEqual([before[48], before[49], before[50]]);
    expect(s[48]).toBe(0);
  });
  it('OLD_KEPT (0x08) is its own bit of octet 32: set by an HDP SMC during a registration (TS 33.501 6.9.3), cleared by the outcome; EMERGENCY (0x01) never touched', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KEY, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 5, 3, true);
    expect(ue.registrationRequest(RR).count).toBe(5);
    // KAMF′ = A.13: HMAC-SHA-256(KAMF, 0x72 ‖ 0x00 ‖ 0x00 0x01 ‖ UL COUNT 5 ‖ 0x00 0x04)
    const kamfPrime = new Uint8Array(createHmac('sha256', KEY).update(Buffer.from('72000001000000050004', 'hex')).digest());
    const net = new NetworkNasContext(kamfPrime, 2, 2, 2);
    const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 2, replayedCaps: CAPS, hdp: true })).message);
    expect([r.result, r.newKamf, r.oldKept]).toEqual(['complete', true, true]);
    expect(ue.rawState()[32] & 0x09, 'OLD_KEPT set, EMERGENCY clear').toBe(0x08);
    ue.registrationComplete(true);
    expect(ue.rawState()[32] & 0x09, 'both clear after the outcome').toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Project rule (README "Firmware rules", issue 16): a rejected call changes no state. TS 24.501
// 4.4.3.1: the UE must not send with a wrapped NAS COUNT, so an SMC whose SECURITY MODE COMPLETE
// would need UL NAS COUNT 2^24 fails (COUNT wrap) — and the candidate context the SMC built
// (keys of the selected algorithms) must be wiped: every octet of CTX_SLOTS as before the call.
// ---------------------------------------------------------------------------------------------
describe('SMC refused because the COMPLETE would wrap the UL NAS COUNT: no state change, no candidate left', () => {
  const CAPS = Uint8Array.of(0xe0, 0xe0);
  it('same KAMF, UL NAS COUNT 2^24, an SMC carrying an ABBA: CountWrapError, CTX_SLOTS and UE_STATE (incl. the stored ABBA) byte-identical to before', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KEY, ngKsi: 2, type: 'full-native', nea: 1, nia: 1 });
    ue.setCounts('current', '3gpp', 0x1000000, 4, true);
    const fw = ue.module;
    const [sp, se] = [fw.constant('CTX_SLOTS_PTR'), fw.constant('CTX_SLOTS_PTR') + fw.constant('CTX_SLOTS_LEN')];
    const before = toHex(ue.memory().subarray(sp, se)), state = toHex(ue.rawState());
    const net = new NetworkNasContext(KEY, 2, 2, 2);
    net.dlNext['3gpp'] = 5;
    const smc = net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 2, replayedCaps: CAPS, abba: Uint8Array.of(0x01, 0x02) }));
    expect(() => ue.securityModeCommand(smc.message)).toThrow(CountWrapError);
    expect(toHex(ue.memory().subarray(sp, se)), 'CTX_SLOTS after the refused SMC').toBe(before);
    expect(toHex(ue.rawState())).toBe(state);
  });
});

// eps_to_5g_idle (assembly/me/procedures/interworking.ts): KASME is an input key and is wiped from the
// mailbox (32 octets, README "Secrets in module memory"); the octets after it are another input's
// and stay as the host wrote them (a call writes only what its contract names).
describe('eps_to_5g_idle wipes exactly the 32 KASME octets of the mailbox', () => {
  it('KASME zeroed, the marker right after it untouched', () => {
    const ue = new UeFirmware();
    const fw = ue.module.begin();
    const k = fw.put(new Uint8Array(32).fill(0x5a));
    fw.put(Uint8Array.of(0xa5, 0xa5, 0xa5, 0xa5));
    expect(fw.tryCall('eps_to_5g_idle', k, 2, 7)).toBe(0);
    const inPtr = fw.constant('IO_IN_PTR'), mem = ue.memory();
    expect(Buffer.from(mem.subarray(inPtr + k, inPtr + k + 32)).every((b) => b === 0)).toBe(true);
    expect(Array.from(mem.subarray(inPtr + k + 32, inPtr + k + 36))).toEqual([0xa5, 0xa5, 0xa5, 0xa5]);
    ue.module.clearMailboxes();
  });
});
