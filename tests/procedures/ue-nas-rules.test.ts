// The UE's 5GMM message handling (host/ue/ue-nas.ts) rule by rule: the integrity rule of TS 24.501
// 4.4.4.3, the procedures a downlink message belongs to and the UE-initiated ones. Written for the
// survivors of the Stryker run over host/ue/ue-nas.ts (issue 16). Every network message is built here
// or by the system simulator (host/conformance/ss.ts: node:crypto network model), every expected
// octet comes from the clause text (TS 24.501 8.2, 9.11; TS 31.102 4.4.11.2) or the node:crypto
// reference KDF, never from host/ue or the UE firmware.
import { describe, expect, it, vi } from 'vitest';
import { SystemSimulator, SS_GUTI, SS_GUTI_2 } from '../../host/conformance/ss.js';
import { UeInterworking } from '../../host/firmware/ue-interworking.js';
import * as M from '../../host/nas/messages.js';
import { kdfRef } from '../../host/reference/kdf.js';
import { FID_5GS3GPPLOCI } from '../../host/usim/files.js';
import { processedUnprotected } from '../../host/ue/ue-nas.js';
import { UeKeysError } from '../../host/errors.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';

const IDENTITY_REQUEST_SUCI = Uint8Array.of(0x7e, 0x00, 0x5b, 0x01); // 8.2.21, identity type 001 SUCI
const plain5gmm = (mt: number, ...rest: number[]) => Uint8Array.of(0x7e, 0x00, mt, ...rest);
/** The discard lines the UE wrote to the trace. */
const discards = (ss: SystemSimulator) => ss.trace.steps.filter((s) => s.event.startsWith('Downlink message discarded'));

/** The UE answers an unprotected IDENTITY REQUEST (SUCI) only while no secure exchange is established on
 *  the connection (TS 24.501 4.4.4.3): true when it answered. */
function answersPlainIdentityRequest(ss: SystemSimulator): boolean {
  const r = ss.send(IDENTITY_REQUEST_SUCI);
  return r.discarded === null && r.sent !== null && r.sent[2] === 0x5c;
}

describe('TS 24.501 4.4.4.3: the messages a UE processes without integrity protection', () => {
  // "… IDENTITY REQUEST (if requested identification parameter is SUCI), AUTHENTICATION REQUEST,
  // AUTHENTICATION RESULT, AUTHENTICATION REJECT, REGISTRATION REJECT (if the 5GMM cause is not #76),
  // DEREGISTRATION ACCEPT (for non switch off) and SERVICE REJECT (if the 5GMM cause is not #76)"
  it('the listed message types are processed, IDENTITY REQUEST only for SUCI, the rejects only without #76', () => {
    expect(processedUnprotected(IDENTITY_REQUEST_SUCI)).toBe(true);
    expect(processedUnprotected(plain5gmm(0x5b, 0x05))).toBe(false); // IMEISV
    expect(processedUnprotected(plain5gmm(0x56, 0x01))).toBe(true); // AUTHENTICATION REQUEST
    expect(processedUnprotected(plain5gmm(0x5a, 0x01))).toBe(true); // AUTHENTICATION RESULT
    expect(processedUnprotected(plain5gmm(0x58))).toBe(true); // AUTHENTICATION REJECT
    expect(processedUnprotected(plain5gmm(0x44, 11))).toBe(true); // REGISTRATION REJECT #11
    expect(processedUnprotected(plain5gmm(0x44, 76))).toBe(false);
    expect(processedUnprotected(plain5gmm(0x4d, 22))).toBe(true); // SERVICE REJECT #22
    expect(processedUnprotected(plain5gmm(0x4d, 76))).toBe(false);
    expect(processedUnprotected(plain5gmm(0x46))).toBe(true); // DEREGISTRATION ACCEPT (UE originating)
  });
  it('every other message type is not processed unprotected (REGISTRATION ACCEPT, CONFIGURATION UPDATE COMMAND, DEREGISTRATION REQUEST)', () => {
    expect(processedUnprotected(plain5gmm(0x42, 0x01, 0x01))).toBe(false);
    expect(processedUnprotected(plain5gmm(0x54))).toBe(false);
    expect(processedUnprotected(plain5gmm(0x47, 0x01))).toBe(false);
  });
  it('only a plain 5GMM message (security header type 0, at least 3 octets) can be in the list', () => {
    expect(processedUnprotected(Uint8Array.of(0x7e, 0x01, 0x5b, 0x01))).toBe(false); // header type 1
    expect(processedUnprotected(Uint8Array.of(0x7e, 0x00))).toBe(false);
  });
});

describe('TS 24.501 4.4.4.3: what the UE does with a downlink message before and after secure exchange', () => {
  it('a new UE is 5GMM-DEREGISTERED without secure exchange: an unprotected IDENTITY REQUEST (SUCI) is answered', () => {
    const ss = new SystemSimulator();
    expect(ss.nas.state).toBe('5GMM-DEREGISTERED');
    expect(answersPlainIdentityRequest(ss)).toBe(true);
  });
  it('a message shorter than a 5GMM header or of another protocol discriminator is discarded as unsupported, with a trace line', () => {
    const ss = new SystemSimulator();
    for (const m of [Uint8Array.of(0x7e, 0x00), Uint8Array.of(0x2e, 0x00, 0x5b, 0x01)]) {
      const r = ss.send(m);
      expect(r).toEqual({ sent: null, discarded: 'unsupported', plain: null });
    }
    const d = discards(ss);
    expect(d).toHaveLength(2);
    expect(d[0].from).toBe('UE');
    expect(d[0].event).toBe('Downlink message discarded: unsupported');
    expect(d[0].clause).toBe('TS 24.501 4.4.4.3 / 5.5.2.2.6');
    expect(d[0].values).toEqual({});
  });
  it('an unprotected message not in the list is discarded before secure exchange, and names the reason', () => {
    const ss = new SystemSimulator();
    ss.ueRegister();
    const r = ss.send(M.registrationAccept({ guti: SS_GUTI }));
    expect(r.discarded).toBe('unprotected and not in the 4.4.4.3 list');
    expect(r.sent).toBeNull();
    expect(ss.nas.state).toBe('5GMM-REGISTERED-INITIATED');
  });
  it('an integrity-protected message of a type the UE does not handle is discarded as unsupported', () => {
    const ss = new SystemSimulator();
    ss.register();
    const plain = plain5gmm(0x68, 0x00); // 5GMM STATUS-like, not handled by the model
    const r = ss.send(ss.protect(plain));
    expect(r.discarded).toBe('unsupported');
    expect(r.plain).toEqual(plain);
  });
  it('an error that is not a NAS check failure is not turned into a discard (only a failed check is discarded)', () => {
    const ss = new SystemSimulator();
    ss.register();
    const spy = vi.spyOn(ss.ue, 'downlink').mockImplementation(() => { throw new TypeError('internal'); });
    expect(() => ss.send(ss.protect(IDENTITY_REQUEST_SUCI))).toThrow(TypeError);
    spy.mockRestore();
    const ss2 = new SystemSimulator();
    ss2.secure();
    vi.spyOn(ss2.ue, 'authenticationResult').mockImplementation(() => { throw new TypeError('internal'); });
    expect(() => ss2.send(ss2.protect(plain5gmm(0x5a, 0x01, 0x00, 0x04, 0x03, 0x01, 0x00, 0x04)))).toThrow(TypeError);
    const ss3 = new SystemSimulator();
    ss3.ueRegister();
    vi.spyOn(ss3.ue, 'securityModeCommand').mockImplementation(() => { throw new TypeError('internal'); });
    expect(() => ss3.send(Uint8Array.of(0x7e, 0x03, 0, 0, 0, 0, 0))).toThrow(TypeError);
  });
  it('a SECURITY MODE COMMAND the firmware refuses as malformed is discarded as failing the integrity check', () => {
    const ss = new SystemSimulator();
    ss.ueRegister();
    const r = ss.send(Uint8Array.of(0x7e, 0x03, 0, 0, 0, 0, 0));
    expect(r).toEqual({ sent: null, discarded: 'integrity check failed', plain: null });
  });
  it('a SECURITY MODE COMMAND the UE rejects establishes no secure exchange: a following unprotected IDENTITY REQUEST (SUCI) is still answered', () => {
    const ss = new SystemSimulator();
    ss.ueRegister();
    const c = ss.challenge(1);
    ss.send(ss.authenticationRequest(c));
    const nas = new NetworkNasContext(c.kamf, 1, 2, 2);
    // replayed UE security capabilities that differ from the UE's: SECURITY MODE REJECT #23 (5.4.2.5)
    const r = ss.send(ss.smc(nas, { caps: Uint8Array.of(0x80, 0x80) }));
    expect(ss.decode(r.sent, null).plain[2]).toBe(M.MT.SECURITY_MODE_REJECT);
    expect(answersPlainIdentityRequest(ss)).toBe(true);
  });
  it('the reaction to a SECURITY MODE COMMAND reports the plain NAS message after the 7-octet security header', () => {
    const ss = new SystemSimulator();
    ss.ueRegister();
    const c = ss.challenge(1);
    ss.send(ss.authenticationRequest(c));
    const nas = new NetworkNasContext(c.kamf, 1, 2, 2);
    const smc = ss.smc(nas);
    const r = ss.send(smc);
    expect(r.plain).toEqual(smc.slice(7));
    expect(r.plain![2]).toBe(M.MT.SECURITY_MODE_COMMAND);
  });
});

describe('TS 24.501 5.5.2.2.6: messages received while a UE-initiated de-registration is in progress', () => {
  it('AUTHENTICATION REQUEST and SECURITY MODE COMMAND are ignored, with the reason', () => {
    const ss = new SystemSimulator();
    const c = ss.register();
    ss.nas.deregister(false);
    expect(ss.nas.state).toBe('5GMM-DEREGISTERED-INITIATED');
    const a = ss.send(ss.protect(ss.authenticationRequest(ss.challenge(2))));
    expect(a.discarded).toBe('ignored during de-registration');
    const s = ss.send(ss.smc(new NetworkNasContext(c.kamf, 1, 2, 2)));
    expect(s).toEqual({ sent: null, discarded: 'ignored during de-registration', plain: null });
  });
  it('DEREGISTRATION ACCEPT ends it: 5GMM-DEREGISTERED and the full native context stored marked valid (TS 33.501 6.8.1.1.1)', () => {
    const ss = new SystemSimulator();
    ss.register();
    ss.nas.deregister(false);
    const accept = plain5gmm(0x46);
    const r = ss.send(ss.protect(accept));
    expect(r).toEqual({ sent: null, discarded: null, plain: accept });
    expect(ss.nas.state).toBe('5GMM-DEREGISTERED');
    expect(ss.ue.store.stored()!.valid).toBe(true);
  });
  it('a DEREGISTRATION ACCEPT without a de-registration in progress changes nothing: still registered, stored copy still invalid', () => {
    const ss = new SystemSimulator();
    ss.register();
    ss.send(ss.protect(plain5gmm(0x46)));
    expect(ss.nas.state).toBe('5GMM-REGISTERED');
    expect(ss.ue.store.stored()!.valid).toBe(false);
  });
});

describe('TS 24.501 5.4.1.3.5 c): an ngKSI already associated with a 5G NAS security context → AUTHENTICATION FAILURE #71', () => {
  it('a partial native context in CURRENT with that ngKSI counts as in use', () => {
    const ss = new SystemSimulator();
    ss.ueRegister();
    ss.ue.fw.install('current', { kamf: new Uint8Array(32).fill(0x11), ngKsi: 3, type: 'partial-native' });
    const r = ss.send(ss.authenticationRequest(ss.challenge(3)));
    // AUTHENTICATION FAILURE (8.2.4): 5GMM cause #71 "ngKSI already in use" (9.11.3.2)
    expect([...r.sent!.slice(0, 4)]).toEqual([0x7e, 0x00, 0x59, 71]);
  });
});

describe('TS 24.501 5.4.3.3: IDENTITY RESPONSE for the requested identity type (protected, after secure exchange)', () => {
  const identityOf = (ss: SystemSimulator, type: number) => {
    const p = ss.decode(ss.send(ss.protect(plain5gmm(0x5b, type))).sent).plain;
    expect(p[2]).toBe(0x5c);
    return p.slice(5, 5 + ((p[3] << 8) | p[4]));
  };
  it('5G-GUTI requested: the 5G-GUTI the network assigned; IMEI requested (not modelled) with a 5G-GUTI held: still "No identity"', () => {
    const ss = new SystemSimulator();
    ss.register();
    expect(identityOf(ss, 2)).toEqual(SS_GUTI);
    expect(identityOf(ss, 3)).toEqual(Uint8Array.of(0x00));
  });
  it('5G-GUTI requested before any was assigned, or IMEI (not modelled): "No identity" (type 000, 9.11.3.4)', () => {
    const ss = new SystemSimulator();
    ss.secure();
    expect(identityOf(ss, 2)).toEqual(Uint8Array.of(0x00));
    expect(identityOf(ss, 3)).toEqual(Uint8Array.of(0x00));
  });
});

describe('TS 24.501 5.4.1.3.5: after AUTHENTICATION REJECT the UE has no 5G NAS security context left', () => {
  it('a following unprotected IDENTITY REQUEST (SUCI) is processed again (no secure exchange), 5GMM-DEREGISTERED', () => {
    const ss = new SystemSimulator();
    ss.secure();
    ss.send(ss.protect(plain5gmm(0x58)));
    expect(ss.nas.state).toBe('5GMM-DEREGISTERED');
    expect(answersPlainIdentityRequest(ss)).toBe(true);
  });
});

// TS 31.102 4.4.11.2 EF 5GS3GPPLOCI: bytes 1–13 5G-GUTI, 14–19 last visited registered TAI (PLMN 3,
// TAC 3), byte 20 5GS update status (0 5U1 UPDATED, 1 5U2 NOT UPDATED, 2 5U3 ROAMING NOT ALLOWED).
const PLMN_SS = [0x00, 0xf1, 0x10];
describe('TS 24.501 5.5.1.2.5 / 5.5.1.3.5: REGISTRATION REJECT by cause', () => {
  it('#74: 5G-GUTI, TAI (PLMN kept, TAC deleted) and ngKSI deleted, 5U3, 5GMM-DEREGISTERED, no reply', () => {
    const ss = new SystemSimulator();
    ss.register();
    ss.ueRegister(M.REG_TYPE.MOBILITY_UPDATING);
    const rej = M.registrationReject(74);
    const r = ss.send(ss.protect(rej));
    expect(r).toEqual({ sent: null, discarded: null, plain: rej });
    expect(ss.nas.state).toBe('5GMM-DEREGISTERED');
    expect(ss.ue.store.state).toBe('deregistered');
    const loci = ss.loci()!;
    expect([...loci.slice(13, 19)]).toEqual([...PLMN_SS, 0xff, 0xff, 0xfe]);
    expect(loci[19]).toBe(2);
    expect(ss.ue.store.stored()!.valid).toBe(false);
    expect(answersPlainIdentityRequest(ss)).toBe(true);
  });
  it('#74 on an initial registration: the stored copy is marked invalid exactly once (no extra de-registration write)', () => {
    const ss = new SystemSimulator();
    ss.ueRegister();
    const before = ss.ue.store.writes.length;
    ss.send(M.registrationReject(74));
    const nsc = ss.ue.store.writes.slice(before).filter((w) => w.item === 'nsc');
    expect(nsc).toEqual([{ medium: 'usim', item: 'nsc', action: 'mark-invalid' }]);
  });
  it('#9: 5U2 NOT UPDATED, and the UE starts an initial registration at once with ngKSI 111 (no key)', () => {
    const ss = new SystemSimulator();
    ss.register();
    ss.ueRegister(M.REG_TYPE.MOBILITY_UPDATING);
    const r = ss.send(ss.protect(M.registrationReject(9)));
    expect(r.sent).not.toBeNull();
    expect([...r.sent!.slice(0, 3)]).toEqual([0x7e, 0x00, 0x41]); // plain REGISTRATION REQUEST
    expect(r.sent![3]).toBe((7 << 4) | 0x08 | 0x01); // ngKSI 111, FOR 1, initial registration
    expect(ss.loci()![19]).toBe(1);
    expect(ss.nas.state).toBe('5GMM-REGISTERED-INITIATED');
  });
  it('another cause (#11) on an initial registration: the attempt failed, the kept context is stored valid again (TS 33.501 6.8.1.1.2.1)', () => {
    const ss = new SystemSimulator();
    ss.register();
    ss.nas.deregister(true);
    ss.powerOn();
    ss.ueRegister();
    expect(ss.ue.store.stored()!.valid).toBe(false);
    const rej = M.registrationReject(11);
    const r = ss.send(rej);
    expect(r).toEqual({ sent: null, discarded: null, plain: rej });
    expect(ss.nas.state).toBe('5GMM-DEREGISTERED');
    const s = ss.ue.store.stored()!;
    expect(s.valid).toBe(true);
    expect(s.content!.ngKsi).toBe(1);
    expect(ss.trace.steps.some((t) => t.event.startsWith('Registration failed (REGISTRATION REJECT #11)'))).toBe(true);
  });
  // TS 24.501 5.5.1.2.5 / 5.5.1.3.5: a REGISTRATION REJECT is the network's answer to a REGISTRATION
  // REQUEST. Once registered with none in progress, a (protected) REGISTRATION REJECT is not compatible
  // with the protocol state: the UE must not apply the cause's deletions halfway (it threw a
  // firmware StateError after wiping every slot, left 5GMM-REGISTERED with its 5G-GUTI); it is
  // discarded and nothing changes (the model sends no 5GMM STATUS: README, a modelling choice).
  for (const cause of [3, 9, 11, 74]) {
    it(`REGISTRATION REJECT #${cause} while 5GMM-REGISTERED with no registration in progress: discarded, the context, state and 5G-GUTI unchanged`, () => {
      const ss = new SystemSimulator();
      ss.register();
      expect(ss.nas.state).toBe('5GMM-REGISTERED');
      const kamf = ss.ue.fw.read('current').kamf, guti = ss.ue.guti, loci = ss.loci();
      const rej = M.registrationReject(cause);
      const r = ss.send(ss.protect(rej));
      expect(r.discarded).toBe('REGISTRATION REJECT with no registration in progress');
      expect(r.sent).toBeNull();
      expect(ss.nas.state).toBe('5GMM-REGISTERED');
      expect(ss.ue.fw.read('current').kamf).toEqual(kamf);
      expect(ss.ue.guti).toEqual(guti);
      expect(ss.loci()).toEqual(loci);
      expect(ss.ue.usimInvalidFor5gs).toBe(false);
    });
  }
  it('#74 with an unreadable stored EF 5GS3GPPLOCI (reserved update status): the TAI is written deleted with no PLMN (FF FF FF)', () => {
    const ss = new SystemSimulator();
    ss.ueRegister();
    // TS 31.102 4.4.11.2 with byte 20 = 07 (reserved): not a valid record
    ss.ue.usim.storage.updateBinary(FID_5GS3GPPLOCI, Uint8Array.of(...new Array(13).fill(0xff), 0x00, 0xf1, 0x10, 0x00, 0x00, 0x01, 0x07));
    ss.send(M.registrationReject(74));
    expect([...ss.loci()!.slice(13, 20)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 2]);
  });
  it('another cause after secure exchange: the connection ends, a following unprotected IDENTITY REQUEST (SUCI) is processed', () => {
    const ss = new SystemSimulator();
    ss.secure();
    ss.send(ss.protect(M.registrationReject(11)));
    expect(ss.nas.state).toBe('5GMM-DEREGISTERED');
    expect(answersPlainIdentityRequest(ss)).toBe(true);
  });
});

describe('TS 24.501 5.4.4.3: CONFIGURATION UPDATE COMMAND', () => {
  // 8.2.19: optional IEs in any order; 77 5G-GUTI (TLV-E), 43/44 network names (TLV), D- indication (type 1)
  const cuc = (...ies: number[]) => plain5gmm(0x54, ...ies);
  const gutiIe = (g: Uint8Array) => [0x77, 0x00, g.length, ...g];
  it('a new 5G-GUTI between other IEs, no indication: stored and used, nothing sent', () => {
    const ss = new SystemSimulator();
    ss.register();
    const r = ss.send(ss.protect(cuc(0x43, 0x02, 0x41, 0x42, ...gutiIe(SS_GUTI_2), 0x44, 0x01, 0x41)));
    expect(r.sent).toBeNull();
    expect(ss.ue.guti).toEqual(SS_GUTI_2);
    const p = ss.decode(ss.send(ss.protect(plain5gmm(0x5b, 2))).sent).plain;
    expect(p.slice(5)).toEqual(SS_GUTI_2);
  });
  it('the indication after the 5G-GUTI IE is still read: 5G-GUTI stored and CONFIGURATION UPDATE COMPLETE sent', () => {
    const ss = new SystemSimulator();
    ss.register();
    const u = ss.decode(ss.send(ss.protect(cuc(...gutiIe(SS_GUTI_2), 0xd1))).sent);
    expect([...u.plain]).toEqual([0x7e, 0x00, 0x55]);
    expect(ss.ue.guti).toEqual(SS_GUTI_2);
  });
  it('acknowledgement requested (bit 1): CONFIGURATION UPDATE COMPLETE, protected', () => {
    const ss = new SystemSimulator();
    ss.register();
    const u = ss.decode(ss.send(ss.protect(cuc(0xd1))).sent);
    expect(u.sht).toBe(2);
    expect([...u.plain]).toEqual([0x7e, 0x00, 0x55]);
  });
  it('registration requested (bit 2) without acknowledgement: only the mobility REGISTRATION REQUEST, with the next UL NAS COUNT', () => {
    const ss = new SystemSimulator();
    ss.register();
    const lastUl = ss.uplink[ss.uplink.length - 1][6]; // REGISTRATION COMPLETE's sequence number
    const sent = ss.send(ss.protect(cuc(0xd2))).sent!;
    // 9.1.1: octet 7 of a protected message is the sequence number (the 8 LSB of the UL NAS COUNT)
    expect(sent[6]).toBe((lastUl + 1) & 0xff);
    expect(ss.nas.state).toBe('5GMM-REGISTERED-INITIATED');
  });
});

describe('TS 24.501 5.6.1.5: SERVICE REJECT', () => {
  it('#22 (congestion): no reply, the UE stays 5GMM-REGISTERED', () => {
    const ss = new SystemSimulator();
    ss.register();
    const rej = plain5gmm(0x4d, 22);
    const r = ss.send(ss.protect(rej));
    expect(r).toEqual({ sent: null, discarded: null, plain: rej });
    expect(ss.nas.state).toBe('5GMM-REGISTERED');
  });
  it('#28 (restricted service area): a mobility REGISTRATION REQUEST', () => {
    const ss = new SystemSimulator();
    ss.register();
    const r = ss.send(ss.protect(plain5gmm(0x4d, 28)));
    expect(ss.decode(r.sent).plain[2]).toBe(0x41);
    expect(ss.nas.state).toBe('5GMM-REGISTERED-INITIATED');
  });
});

describe('TS 24.501 5.6.1.2 / 8.2.16: SERVICE REQUEST', () => {
  it('carries the 5G-S-TMSI of the 5G-GUTI (9.11.3.4: type 100, AMF Set ID, AMF Pointer, 5G-TMSI) and opens a new connection', () => {
    const ss = new SystemSimulator();
    ss.register();
    const { message } = ss.nas.serviceRequest(1);
    const p = ss.decode(message).plain;
    expect(p[2]).toBe(0x4c);
    expect(p[3]).toBe((1 << 4) | 1); // service type 1 data ‖ ngKSI 1
    // SS_GUTI: AMF Set ID 1, AMF Pointer 1, 5G-TMSI 0x00001001 → 00 41 | 00 00 10 01
    expect([...p.slice(4)]).toEqual([0x00, 0x07, 0xf4, 0x00, 0x41, 0x00, 0x00, 0x10, 0x01]);
    // a new NAS signalling connection: no secure exchange on it yet (4.4.4.3 is per connection)
    expect(answersPlainIdentityRequest(ss)).toBe(true);
  });
  it('is refused without a 5G-GUTI (the UE must be registered)', () => {
    const ss = new SystemSimulator();
    ss.secure();
    expect(() => ss.nas.serviceRequest(1)).toThrow(UeKeysError);
    expect(() => ss.nas.serviceRequest(1)).toThrow(/5G-GUTI/);
  });
});

describe('TS 24.501 5.5.2.2.1 / TS 33.501 6.8.1.1.1: UE-initiated de-registration', () => {
  it('without a context: plain DEREGISTRATION REQUEST, normal de-registration, ngKSI 111; 5GMM-DEREGISTERED-INITIATED', () => {
    const ss = new SystemSimulator();
    const sent = ss.nas.deregister(false);
    expect([...sent.slice(0, 4)]).toEqual([0x7e, 0x00, 0x45, (7 << 4) | 0x01]);
    expect(ss.nas.state).toBe('5GMM-DEREGISTERED-INITIATED');
  });
  it('switch off: protected, the full native context stored valid, storage off, 5GMM-DEREGISTERED, no secure exchange left', () => {
    const ss = new SystemSimulator();
    ss.register();
    const u = ss.decode(ss.nas.deregister(true));
    expect(u.macOk).toBe(true);
    expect(u.plain[3]).toBe((1 << 4) | 0x08 | 0x01);
    expect(ss.ue.store.state).toBe('off');
    expect(ss.nas.state).toBe('5GMM-DEREGISTERED');
    const s = ss.ue.store.stored()!;
    expect(s.valid).toBe(true);
    expect(s.content!.ngKsi).toBe(1);
    expect(answersPlainIdentityRequest(ss)).toBe(true);
  });
  it('local de-registration: the full native context stored valid, 5GMM-DEREGISTERED, no secure exchange left', () => {
    const ss = new SystemSimulator();
    ss.register();
    ss.nas.localDeregistration();
    expect(ss.nas.state).toBe('5GMM-DEREGISTERED');
    expect(ss.ue.store.stored()!.valid).toBe(true);
    expect(answersPlainIdentityRequest(ss)).toBe(true);
  });
  it('USIM removed after registration: 5GMM-DEREGISTERED, no secure exchange left', () => {
    const ss = new SystemSimulator();
    ss.register();
    expect(ss.decode(ss.nas.usimRemoved()).plain[3] & 0x08).toBe(0x08);
    expect(ss.nas.state).toBe('5GMM-DEREGISTERED');
    expect(ss.send(IDENTITY_REQUEST_SUCI).discarded).toBeNull();
  });
});

describe('TS 24.501 5.5.2.2.1: a mapped 5G NAS security context in use protects the DEREGISTRATION REQUEST', () => {
  // TS 24.501 4.4.2.1: a mapped context (from EPS, TS 33.501 8.x) is a 5G NAS security context the UE
  // uses; its ngKSI has TSC = 1 (9.11.3.32). Only a full native one is stored (TS 33.501 6.8.1.1.1).
  function withMapped() {
    const ss = new SystemSimulator();
    ss.register();
    ss.ue.fw.install('current', { kamf: new Uint8Array(32).fill(0x22), ngKsi: 0x08 | 3, type: 'mapped', nea: 2, nia: 2 });
    return ss;
  }
  it('normal de-registration: protected (security header type ≠ 0), ngKSI TSC 1 value 3', () => {
    const ss = withMapped();
    const sent = ss.nas.deregister(false);
    expect(sent[1] & 0x0f).not.toBe(0);
  });
  it('switch off: protected, and the mapped context is not stored (the stored copy stays invalid)', () => {
    const ss = withMapped();
    const sent = ss.nas.deregister(true);
    expect(sent[1] & 0x0f).not.toBe(0);
    expect(ss.ue.store.stored()!.valid).toBe(false);
  });
  it('local de-registration: the mapped context is not stored (only a full native one is, 6.8.1.1.1)', () => {
    const ss = withMapped();
    ss.nas.localDeregistration();
    expect(ss.ue.store.stored()!.valid).toBe(false);
  });
  it('USIM removal: protected', () => {
    const ss = withMapped();
    expect(ss.nas.usimRemoved()[1] & 0x0f).not.toBe(0);
  });
});

describe('TS 33.501 J.1: after a completed SRVCC the 5G context may not be used until a new 5G AKA', () => {
  function afterSrvcc() {
    const ss = new SystemSimulator();
    ss.register();
    const iw = new UeInterworking(ss.ue.fw);
    iw.srvccHoCommand({ dlLsb4: (ss.ue.fw.header('current').dlCount['3gpp'] + 1) & 15 });
    ss.ue.srvccOutcome('completed');
    return ss;
  }
  it('local de-registration stores no valid context', () => {
    const ss = afterSrvcc();
    ss.nas.localDeregistration();
    expect(ss.ue.store.stored()!.valid).toBe(false);
  });
  it('switch off: a plain DEREGISTRATION REQUEST with ngKSI 111, and no valid stored context', () => {
    const ss = afterSrvcc();
    const sent = ss.nas.deregister(true);
    expect([...sent.slice(0, 4)]).toEqual([0x7e, 0x00, 0x45, (7 << 4) | 0x08 | 0x01]);
    expect(ss.ue.store.stored()!.valid).toBe(false);
  });
  it('USIM removal: a plain DEREGISTRATION REQUEST with ngKSI 111', () => {
    const ss = afterSrvcc();
    const sent = ss.nas.usimRemoved();
    expect([...sent.slice(0, 4)]).toEqual([0x7e, 0x00, 0x45, (7 << 4) | 0x08 | 0x01]);
  });
});

describe('TS 24.501 5.4.3.5: transmission failure of the IDENTITY RESPONSE during an initial registration', () => {
  it('restarts the initial registration (a new REGISTRATION REQUEST); other messages or states: nothing', () => {
    const ss = new SystemSimulator();
    ss.ueRegister();
    expect(ss.nas.transmissionFailure(0x5e)).toBeNull(); // SECURITY MODE COMPLETE: nothing to do here
    const m = ss.nas.transmissionFailure(0x5c);
    expect(m).not.toBeNull();
    expect([...m!.slice(0, 3)]).toEqual([0x7e, 0x00, 0x41]);
    expect(ss.trace.steps.some((s) => s.event.includes('IDENTITY RESPONSE not sent (lower layer failure)'))).toBe(true);
    const ss2 = new SystemSimulator();
    ss2.register();
    expect(ss2.nas.transmissionFailure(0x5c)).toBeNull(); // 5GMM-REGISTERED: not an initial registration
  });
});

describe('TS 33.501 6.14.2.1 / TS 24.501 9.11.3.51: the SOR transparent container of REGISTRATION ACCEPT', () => {
  const LIST = [0x00, 0xf2, 0x10, 0x08, 0x00];
  // CounterSoR with a non-zero first octet, so a MAC compared over one octet too many differs
  const COUNTER = Uint8Array.of(0x01, 0x05);
  /** SOR header (9.11.3.51: bit 1 data type, bit 2 list indication, bit 3 list type, bit 4 ACK), SOR-MAC-IAUSF
   *  = 128 LSB of A.17 from the reference KDF over header, CounterSoR and the list, then CounterSoR, list. */
  function sor(kausf: Uint8Array, header: number, list: number[] = LIST, counter: Uint8Array = COUNTER) {
    const mac = kdfRef(kausf, 0x77, [Uint8Array.of(header), counter, ...(list.length ? [Uint8Array.from(list)] : [])]).slice(16);
    return Uint8Array.of(header, ...mac, ...counter, ...list);
  }
  function accept(container: Uint8Array, o: { result?: number; after?: number[] } = {}) {
    return Uint8Array.of(0x7e, 0x00, 0x42, 0x01, o.result ?? 0x01, 0x77, 0x00, SS_GUTI.length, ...SS_GUTI,
      0x73, container.length >> 8, container.length & 0xff, ...container, ...(o.after ?? []));
  }
  const ack = (kausf: Uint8Array, counter = COUNTER) => [0x73, 0x00, 17, 0x01, ...kdfRef(kausf, 0x78, [Uint8Array.of(0x01), counter]).slice(16)];
  const complete = (ss: SystemSimulator, m: Uint8Array) => [...ss.decode(ss.send(ss.protect(m)).sent).plain];

  it('followed by another IE (TLV), after a registration result with "SMS allowed": verified and acknowledged', () => {
    const ss = new SystemSimulator();
    const c = ss.secure();
    expect(complete(ss, accept(sor(c.kausf, 0x0e), { result: 0x09, after: [0x79, 0x00, 0x01, 0x00] }))).toEqual([0x7e, 0x00, 0x43, ...ack(c.kausf)]);
  });
  it('without a list (19 octets, the minimum): verified over header and CounterSoR only, acknowledged', () => {
    const ss = new SystemSimulator();
    const c = ss.secure();
    expect(complete(ss, accept(sor(c.kausf, 0x08, [])))).toEqual([0x7e, 0x00, 0x43, ...ack(c.kausf)]);
  });
  it('shorter than 19 octets: not used, even with a MAC over what it holds', () => {
    const ss = new SystemSimulator();
    const c = ss.secure();
    const header = 0x08, counter = Uint8Array.of(0x05);
    const mac = kdfRef(c.kausf, 0x77, [Uint8Array.of(header), counter]).slice(16);
    expect(complete(ss, accept(Uint8Array.of(header, ...mac, ...counter)))).toEqual([0x7e, 0x00, 0x43]);
  });
  it('SOR data type 1 (an acknowledgement) in the downlink: not used', () => {
    const ss = new SystemSimulator();
    const c = ss.secure();
    expect(complete(ss, accept(sor(c.kausf, 0x0f)))).toEqual([0x7e, 0x00, 0x43]);
  });
  it('no acknowledgement requested (bit 4 = 0): a valid container gets no ACK', () => {
    const ss = new SystemSimulator();
    const c = ss.secure();
    expect(complete(ss, accept(sor(c.kausf, 0x06)))).toEqual([0x7e, 0x00, 0x43]);
  });
  it('after a power cycle the KAUSF stored in EF 5GAUTHKEYS verifies it; with no KAUSF stored there is no ACK', () => {
    const ss = new SystemSimulator();
    const c = ss.register();
    ss.nas.deregister(true);
    ss.powerOn();
    ss.ueRegister();
    expect(complete(ss, accept(sor(c.kausf, 0x0e)))).toEqual([0x7e, 0x00, 0x43, ...ack(c.kausf)]);
    ss.nas.deregister(true);
    ss.powerOn();
    ss.ue.store.deleteAuthKeys();
    ss.ueRegister();
    expect(complete(ss, accept(sor(c.kausf, 0x0e)))).toEqual([0x7e, 0x00, 0x43]);
  });
});


describe('TS 24.501 5.4.1.3.5: AUTHENTICATION REJECT after a network-initiated authentication while 5GMM-REGISTERED (5.4.1.1)', () => {
  // "the UE shall set the update status to 5U3 ROAMING NOT ALLOWED, delete the stored 5G-GUTI, TAI list,
  // last visited registered TAI and ngKSI … consider the USIM as invalid for 5GS services … enter
  // 5GMM-DEREGISTERED". Before the fix the UE asked the firmware for a registration outcome although
  // no registration was in progress, and receive() threw a StateError halfway through the deletions.
  it('deletes the context, the 5G-GUTI and the stored copy, writes 5U3, enters 5GMM-DEREGISTERED, without an error', () => {
    const ss = new SystemSimulator();
    ss.register();
    const rej = plain5gmm(0x58);
    const r = ss.send(ss.protect(rej));
    expect(r).toEqual({ sent: null, discarded: null, plain: rej });
    expect(ss.nas.state).toBe('5GMM-DEREGISTERED');
    expect(ss.ue.fw.header('current').type).toBe('none');
    expect(ss.ue.guti).toBeNull();
    expect(ss.ue.store.stored()!.valid).toBe(false);
    expect(ss.loci()![19]).toBe(2); // TS 31.102 4.4.11.2 byte 20: 5U3 ROAMING NOT ALLOWED
    expect(ss.ue.usimInvalidFor5gs).toBe(true);
  });
});
