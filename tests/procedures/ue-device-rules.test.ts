// The whole UE as the procedure models drive it (host/ue/ue-device.ts): its input contract (a bad
// message names the field, TS 24.501 8.2.x for what each message must carry), what it writes to the
// USIM (TS 31.102 4.4.11.2 EF 5GS3GPPLOCI), and the trace lines a user reads (README shows traces).
// Expected bytes are composed here from the clauses; messages come from host/nas/messages.ts and
// the network models (node:crypto), never from the UE under test.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { World, guti, SUBSCRIBER } from '../../host/scenarios/setup.js';
import { Amf } from '../../host/network/amf.js';
import { UeDevice } from '../../host/ue/ue-device.js';
import { InputError } from '../../host/errors.js';
import * as M from '../../host/nas/messages.js';
import { toHex } from '../helpers.js';
import { flip, step, steps } from './trace-steps.js';

afterEach(() => vi.restoreAllMocks());

const G = guti(0x01, 0x00000101);
/** A UE registered at an AMF (5G AKA, SMC, REGISTRATION ACCEPT with G), and that AMF. */
function registered(seed = 11) {
  const w = new World(seed);
  const amf = new Amf('AMF', w.trace);
  w.initialRegistration(amf, G);
  return { w, amf, nas: amf.find(G)!.nas };
}
const fieldOf = (f: () => unknown) => { try { f(); } catch (e) { expect(e).toBeInstanceOf(InputError); return (e as InputError).field; } return 'no error'; };
const RAND = Uint8Array.from({ length: 16 }, (_, i) => i), AUTN = Uint8Array.from({ length: 16 }, (_, i) => 0x80 + i);
/** EAP-Request/AKA'-Challenge header only (RFC 9048 / RFC 5448: code 1, type 50, subtype 1): enough to name the message. */
const EAP_REQ = Uint8Array.of(0x01, 0x01, 0x00, 0x08, 0x32, 0x01, 0x00, 0x00);
/** EAP-Success (RFC 3748 4.2: code 3, length 4). */
const EAP_SUCCESS = Uint8Array.of(0x03, 0x01, 0x00, 0x04);

describe('UeDevice input contract: a bad message names the field (TS 24.501 8.2.1, 8.2.3, 8.2.5)', () => {
  it('AUTHENTICATION REQUEST for 5G AKA must carry RAND and AUTN (8.2.1), and no EAP message (EAP-AKA′ has its own entry)', () => {
    const ue = new World(12).ue;
    const noAutn = Uint8Array.of(0x7e, 0x00, 0x56, 0x01, 0x02, 0x00, 0x00, 0x21, ...RAND);
    const noRand = Uint8Array.of(0x7e, 0x00, 0x56, 0x01, 0x02, 0x00, 0x00, 0x20, 0x10, ...AUTN);
    expect(fieldOf(() => ue.authenticationRequest(noAutn))).toBe('AUTN');
    expect(fieldOf(() => ue.authenticationRequest(noRand))).toBe('RAND');
    expect(fieldOf(() => ue.authenticationRequest(M.authenticationRequestEap({ ngKsi: 1, abba: Uint8Array.of(0, 0), eap: EAP_REQ })))).toBe('EAP message');
    expect(steps(ue.trace.steps, /^AUTHENTICATION/)).toEqual([]);
    // the one-line error names the field and the clause (README: faults are normal input)
    expect(() => ue.authenticationRequest(noAutn)).toThrow('AUTN is missing from the AUTHENTICATION REQUEST (5G AKA, TS 24.501 8.2.1)');
    expect(() => ue.authenticationRequest(noRand)).toThrow('RAND is missing from the AUTHENTICATION REQUEST (5G AKA, TS 24.501 8.2.1)');
    expect(() => ue.authenticationRequest(M.authenticationRequestEap({ ngKsi: 1, abba: Uint8Array.of(0, 0), eap: EAP_REQ }))).toThrow('EAP message this AUTHENTICATION REQUEST runs EAP-AKA′: use authenticationRequestEap');
  });

  it('TS 33.501 6.1.3.2: a 5G AKA AUTHENTICATION RESPONSE is the UE\'s step, with RES* and the new partial native context\'s ngKSI', () => {
    const w = new World(12);
    w.initialRegistration(new Amf('AMF', w.trace), G);
    expect(step(w.trace.steps, /^AUTHENTICATION RESPONSE \(RES\*\)/)).toMatchObject({ from: 'UE', clause: 'TS 33.501 6.1.3.2, A.2/A.4/A.6/A.7', values: { ngKsi: 1 } });
    expect(Object.keys(step(w.trace.steps, /^AUTHENTICATION RESPONSE \(RES\*\)/).values).sort()).toEqual(['kausf', 'kseaf', 'ngKsi', 'resStar']);
  });

  it('AUTHENTICATION REQUEST for EAP-AKA′ must carry the EAP message (8.2.1), a native ngKSI 0..6 (9.11.3.32) and an ABBA of at least 2 octets (9.11.3.10)', () => {
    const ue = new World(12).ue;
    expect(fieldOf(() => ue.authenticationRequestEap(M.authenticationRequest({ ngKsi: 1, abba: Uint8Array.of(0, 0), rand: RAND, autn: AUTN })))).toBe('EAP message');
    expect(fieldOf(() => ue.authenticationRequestEap(M.authenticationRequestEap({ ngKsi: 7, abba: Uint8Array.of(0, 0), eap: EAP_REQ })))).toBe('ngKsi');
    expect(fieldOf(() => ue.authenticationRequestEap(M.authenticationRequestEap({ ngKsi: 6, abba: Uint8Array.of(0), eap: EAP_REQ })))).toBe('abba');
    expect(steps(ue.trace.steps, /^AUTHENTICATION/)).toEqual([]);
  });

  it('AUTHENTICATION REJECT (8.2.5): another message is refused; a reject ends the EAP-AKA′ run and says so', () => {
    const ue = new World(12).ue;
    expect(fieldOf(() => ue.authenticationReject(M.identityRequest(1)))).toBe('message');
    ue.authenticationReject(M.authenticationReject(Uint8Array.of(0x04, 0x01, 0x00, 0x04)));
    expect(step(ue.trace.steps, /^AUTHENTICATION REJECT/)).toMatchObject({ from: 'UE', event: 'AUTHENTICATION REJECT: EAP-AKA′ run ended, pending KAUSF wiped', clause: 'TS 24.501 5.4.1.2.2.10' });
  });

  it('AUTHENTICATION RESULT with EAP-Success and no ABBA, after no EAP-AKA′ AUTHENTICATION REQUEST: refused naming the ABBA (TS 24.501 5.4.1.2.2.8 takes it from the request)', () => {
    const ue = new World(12).ue;
    expect(fieldOf(() => ue.authenticationResult(M.authenticationResult({ ngKsi: 1, eap: EAP_SUCCESS })))).toBe('ABBA');
    expect(ue.context('new').type).toBe('none');
  });

  it('AUTHENTICATION RESULT with EAP-Failure (TS 24.501 5.4.1.2.2.9): the run ends, no new context', () => {
    const ue = new World(12).ue;
    expect(ue.authenticationResult(M.authenticationResult({ ngKsi: 1, eap: Uint8Array.of(0x04, 0x01, 0x00, 0x04) }))).toEqual({ result: 'failure' });
    expect(step(ue.trace.steps, /^AUTHENTICATION RESULT/)).toMatchObject({ from: 'UE', event: 'AUTHENTICATION RESULT (EAP-Failure): authentication failed, no new context', clause: 'TS 24.501 5.4.1.2.2.9' });
    expect(ue.context('new').type).toBe('none');
  });
});

describe('UeDevice: REGISTRATION REQUEST and IDENTITY RESPONSE as traced (TS 24.501 5.5.1, 5.4.3; TS 33.501 6.12.4)', () => {
  it('initial registration without a context: unprotected, ngKSI 111 in the message, the SUCI as identity; the trace says "unprotected"', () => {
    const ue = new World(13).ue;
    const rr = ue.registrationRequest(M.REG_TYPE.INITIAL);
    expect(rr.count).toBeNull();
    const p = M.parseRegistrationRequest(rr.message);
    expect([p.ngKsi, toHex(p.identity)]).toEqual([7, toHex(ue.suci())]);
    expect(step(ue.trace.steps, /^REGISTRATION REQUEST/)).toMatchObject({ from: 'UE', event: 'REGISTRATION REQUEST (initial), unprotected', clause: 'TS 24.501 5.5.1, TS 33.501 6.9.3', values: { ngKsi: null, ulCountRegistrationRequest: null } });
  });

  it('mobility registration updating with the current context: integrity protected, its ngKSI and 5G-GUTI; the trace names the type and the UL COUNT', () => {
    const { w } = registered();
    const rr = w.ue.registrationRequest(M.REG_TYPE.MOBILITY_UPDATING);
    expect(rr.count).toBe(1);
    const p = M.parseRegistrationRequest(rr.message.subarray(7));
    expect([p.ngKsi, toHex(p.identity)]).toEqual([1, toHex(G)]);
    expect(steps(w.trace.steps, /^REGISTRATION REQUEST/).at(-1)).toMatchObject({ from: 'UE', event: 'REGISTRATION REQUEST (mobility registration updating), integrity protected', values: { ngKsi: 1, ulCountRegistrationRequest: 1, identity: toHex(G) } });
  });

  it('TS 33.501 6.12.4: IDENTITY RESPONSE with the SUCI, unprotected (TS 24.501 4.4.4.3)', () => {
    const ue = new World(13).ue;
    const r = ue.identityRequest();
    expect([r[0], r[1], r[2]]).toEqual([0x7e, 0x00, 0x5c]); // plain 5GMM, IDENTITY RESPONSE (TS 24.501 9.7)
    expect(toHex(r)).toContain(toHex(ue.suci()));
    expect(step(ue.trace.steps, /^IDENTITY RESPONSE/)).toMatchObject({ from: 'UE', event: 'IDENTITY RESPONSE (SUCI), unprotected', clause: 'TS 33.501 6.12.4; TS 24.501 5.4.3.3' });
  });
});

describe('UeDevice: the registration outcome on the USIM (TS 31.102 4.4.11.2; TS 33.501 6.8.1.1.2.1)', () => {
  it('REGISTRATION ACCEPT with a 5G-GUTI: EF 5GS3GPPLOCI = 00 0B ‖ 5G-GUTI ‖ last visited TAI (PLMN ‖ TAC 000001) ‖ 5GS update status 00 (5U1 UPDATED)', () => {
    const { w } = registered();
    expect(toHex(w.ue.usimLociBytes()!)).toBe('000b' + toHex(G) + '00f110' + '000001' + '00');
    expect(step(w.trace.steps, /^Registration complete/)).toMatchObject({ from: 'UE', event: 'Registration complete: new context committed; USIM/ME get the new KAMF and ngKSI, marked invalid while registered; old context wiped', clause: 'TS 33.501 6.9.3, 6.8.1.1.2.1 (stored copy invalid while registered)' });
  });

  it('an ACCEPT without a new 5G-GUTI (TS 24.501 8.2.7: the IE is optional) keeps the 5G-GUTI the UE has, on the USIM too (a modelling choice), and the trace says so', () => {
    const { w, nas } = registered();
    w.ue.registrationRequest(M.REG_TYPE.MOBILITY_UPDATING);
    const acc = nas.protectDownlink(2, M.registrationAccept({}));
    expect(w.ue.registrationAccepted(M.parseRegistrationAccept(w.ue.downlink(acc.message)).guti)).toBe('committed');
    expect(toHex(w.ue.guti!)).toBe(toHex(G));
    expect(toHex(w.ue.usimLociBytes()!).slice(0, 26)).toBe('000b' + toHex(G));
    expect(steps(w.trace.steps, /^Registration complete/).at(-1)!.event).toBe('Registration complete (no new 5G-GUTI: the old one stays): new context committed; USIM/ME get the new KAMF and ngKSI, marked invalid while registered; old context wiped');
  });

  it('TS 33.501 6.8.1.1.2.1: a failed initial registration stores the context valid (the attempt to leave RM-DEREGISTERED failed); a failed mobility registration leaves it invalid (still RM-REGISTERED) — the trace names which', () => {
    const { w } = registered();
    w.ue.registrationRequest(M.REG_TYPE.MOBILITY_UPDATING);
    w.ue.registrationFailed('test');
    expect(steps(w.trace.steps, /^Registration failed \(test\)/).at(-1)).toMatchObject({ from: 'UE', event: 'Registration failed (test): new context deleted, old context current again', clause: 'TS 33.501 6.9.3 with the seed 000 change, 6.8.1.1.2.1 (still RM-REGISTERED: stored copy stays invalid)' });
    expect(w.ue.storedSummary().usimValid).toBe(false);
    expect(w.ue.usimContext()).toBeNull();
    const ue = w.ue;
    ue.powerLoss();
    const w2 = new World(11);
    w2.initialRegistration(new Amf('AMF', w2.trace), G);
    // power cycle, then an initial registration that fails
    w2.ue.powerLoss();
    w2.ue = w2.newUe();
    w2.ue.registrationRequest(M.REG_TYPE.INITIAL);
    w2.ue.registrationFailed('no answer');
    expect(steps(w2.trace.steps, /^Registration failed \(no answer\)/).at(-1)!.clause).toBe('TS 33.501 6.9.3 with the seed 000 change, 6.8.1.1.2.1 (failed attempt to leave RM-DEREGISTERED: stored valid)');
  });

  it('REGISTRATION REJECT #3/#6/#7 (TS 24.501 5.5.1.3.5): every slot wiped, the stored copy and 5G-GUTI deleted, the USIM invalid for 5GS — the trace names the cause', () => {
    const { w } = registered();
    w.ue.registrationRequest(M.REG_TYPE.MOBILITY_UPDATING);
    w.ue.registrationRejectedDeleteAll(6);
    for (const s of ['current', 'new', 'non-current', 'mapped'] as const) expect(w.ue.contextHeader(s).type).toBe('none');
    expect([w.ue.guti, w.ue.usimInvalidFor5gs, w.ue.storedSummary()]).toEqual([null, true, { usimKamf: null, usimNgKsi: null, usimValid: false }]);
    expect(step(w.trace.steps, /^REGISTRATION REJECT #6:/)).toMatchObject({ from: 'UE', clause: 'TS 24.501 5.5.1.3.5; TS 33.501 6.8.1.1.1', event: 'REGISTRATION REJECT #6: 5G NAS security context, stored copy, KAUSF/KSEAF, 5G-GUTI and last visited TAI deleted; 5U3 ROAMING NOT ALLOWED; USIM invalid for 5GS until switch-off' });
  });
});

describe('UeDevice: power-on and the SECURITY MODE COMMAND as traced', () => {
  it('TS 33.501 6.8.1.1.2.1: power-on loads a context stored valid into CURRENT with its COUNTs, and the 5G-GUTI from EF 5GS3GPPLOCI', () => {
    const { w } = registered();
    const before = w.ue.context('current');
    w.ue.store.deregister('switch-off', w.ue.storedForm());
    const ue = w.newUe();
    const c = ue.context('current');
    expect([c.type, toHex(c.kamf), c.ngKsi, c.nea, c.nia, c.ulCount['3gpp'], c.dlCount['3gpp']]).toEqual(['full-native', toHex(before.kamf), 1, 2, 2, before.ulCount['3gpp'], before.dlCount['3gpp']]);
    expect(toHex(ue.guti!)).toBe(toHex(G));
    expect(steps(w.trace.steps, /^Power-on:/).at(-1)).toMatchObject({ from: 'UE', clause: 'TS 33.501 6.8.1.1.2.1', values: { kamf: toHex(before.kamf), ngKsi: 1, ulCount: before.ulCount['3gpp'] } });
  });

  it('storedForm: the EF 5GS3GPPNSC fields of the current context — ngKSI, KAMF, UL/DL NAS COUNT, NAS algorithms, EPS NAS algorithms split into ciphering (high nibble) and integrity (low nibble)', () => {
    const { w } = registered();
    const c = w.ue.context('current');
    expect(w.ue.storedForm()).toEqual({ ngKsi: 1, kamf: c.kamf, ulNasCount: c.ulCount['3gpp'], dlNasCount: c.dlCount['3gpp'], nasAlgs: { ciphering: 2, integrity: 2 }, epsNasAlgs: c.epsAlgs ? { ciphering: c.epsAlgs >> 4, integrity: c.epsAlgs & 15 } : null });
    expect(w.ue.storedForm({ ...c, ngKsi: 9, epsAlgs: 0x31 })).toMatchObject({ ngKsi: 1, epsNasAlgs: { ciphering: 3, integrity: 1 } });
    expect(w.ue.storedForm({ ...c, epsAlgs: 0 }).epsNasAlgs).toBeNull();
  });

  it('traceKeys off (README: the trace then shows only counts, identifiers and outcomes): a completed SMC traces no KAMF, KNASint or KgNB', () => {
    const w = new World(14);
    w.ue.traceKeys = false;
    w.initialRegistration(new Amf('AMF', w.trace), G);
    const done = step(w.trace.steps, /^SECURITY MODE COMPLETE/);
    expect(Object.keys(done.values).sort()).toEqual(['newKamf', 'ngKsi', 'oldContextKept', 'responseUlCount', 'smcDlCount'].sort());
    const on = registered(14);
    expect(Object.keys(step(on.w.trace.steps, /^SECURITY MODE COMPLETE/).values)).toEqual(expect.arrayContaining(['kamf', 'knasint', 'kgnb']));
  });

  it('TS 33.501 6.7.2 / TS 24.501 5.4.2.5: an SMC that fails its integrity check is answered by SECURITY MODE REJECT #24 protected with the previous context, and the trace names the integrity check', () => {
    const { w, amf, nas } = registered();
    const smc = w.securityModeCommand(amf, nas);
    const r = w.ue.securityModeCommand(flip(smc, 2));
    expect(r).toMatchObject({ result: 'reject', cause: 24 });
    expect(steps(w.trace.steps, /^SECURITY MODE REJECT #24/).at(-1)).toMatchObject({ from: 'UE', clause: 'TS 33.501 6.7.2; TS 24.501 5.4.2.5', event: 'SECURITY MODE REJECT #24 (protected with the previous context, ngKSI 1): the SECURITY MODE COMMAND failed its integrity check; no context changed', values: { cause: 24, ngKsi: 1 } });
  });

  it('TS 24.501 5.4.2.5 "#23 UE security capabilities mismatch": replayed capabilities of another length also count as a mismatch', () => {
    const { w, amf, nas } = registered();
    const r = w.ue.securityModeCommand(flip(w.securityModeCommand(amf, nas, { caps: Uint8Array.of(0xf0, 0xf0, 0x00) }), 2));
    expect(r).toMatchObject({ result: 'reject', cause: 23 });
    const same = w.ue.securityModeCommand(flip(w.securityModeCommand(amf, nas, { caps: Uint8Array.of(0xf0, 0xf0) }), 2));
    expect(same).toMatchObject({ result: 'reject', cause: 24 });
  });

  it('TS 33.501 6.4.3.1 replay protection: an SMC replayed after it was accepted is answered by SECURITY MODE REJECT naming the replay check', () => {
    const { w, amf, nas } = registered();
    const smc = w.securityModeCommand(amf, nas);
    w.ue.securityModeCommand(smc);
    expect(w.ue.securityModeCommand(smc)).toMatchObject({ result: 'reject' });
    expect(steps(w.trace.steps, /^SECURITY MODE REJECT #\d+ \(/).at(-1)!.event).toMatch(/failed its replay check; no context changed$/);
  });

  it('a SECURITY MODE COMMAND the firmware cannot parse is not a MAC or replay failure: its error reaches the caller (no REJECT sent)', () => {
    const { w } = registered();
    expect(() => w.ue.securityModeCommand(Uint8Array.of(0x7e, 0x00))).toThrow();
    expect(steps(w.trace.steps, /^SECURITY MODE REJECT/)).toEqual([]);
  });
});

describe('UeDevice: EPS and the stored record as traced', () => {
  it('TS 33.501 8.5.2 "the UE deletes any mapped 5G context and keeps the native one": entering EPS reports what it had', () => {
    const { w } = registered();
    expect(w.ue.enteredEps()).toEqual({ hadMapped: false, nativeKept: true });
    expect(step(w.trace.steps, /^In EPS:/)).toMatchObject({ from: 'UE', clause: 'TS 33.501 8.5.2', event: 'In EPS: mapped 5G context deleted; native 5G context kept', values: { hadMapped: false, nativeKept: true } });
    const fresh = new World(15).ue;
    expect(fresh.enteredEps()).toEqual({ hadMapped: false, nativeKept: false });
  });

  it('the stored record summary reads the USIM: KAMF and ngKSI of the content, marked invalid while registered', () => {
    const { w } = registered();
    expect(w.ue.storedSummary()).toEqual({ usimKamf: toHex(w.ue.context('current').kamf), usimNgKsi: 1, usimValid: false });
    expect(new World(16).ue.storedSummary()).toEqual({ usimKamf: null, usimNgKsi: null, usimValid: false });
    expect(SUBSCRIBER.supi).toBe(w.ue.usim.supi);
  });
});
