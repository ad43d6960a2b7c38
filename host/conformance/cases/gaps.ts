/**
 * Gaps G1–G14 of the digest: UE rules of TS 24.501 / TS 33.501 that the unread TS 38.523-1 test
 * cases probably exercise. These are requirement-based cases labelled by their clause — not
 * 38.523-1 test purposes.
 */
import * as M from '../../nas/messages.js';
import { NetworkNasContext } from '../../network/nas-security.js';
import { n2HandoverTarget } from '../../network/mme.js';
import { UeInterworking } from '../../firmware/ue-interworking.js';
import { MT5, IDENTITY_TYPE } from '../../ue/ue-nas.js';
import { ref } from '../../reference/kdf.js';
import { resyncSqnMs, sqnValue } from '../../reference/milenage.js';
import { SUBSCRIBER } from '../../scenarios/setup.js';
import { MacFailureError } from '../../errors.js';
import { check, same, SystemSimulator, SS_GUTI } from '../ss.js';
import { expectedSuci, parseNsc } from '../checks.js';
import type { TestPurpose } from '../types.js';
import { authenticationRejectCheck } from './36523-9.1.2.3.js';
import { hoToEps } from './interworking.js';
import { srvccCheck } from './38523-11.2.1.js';

const gap = (n: number, clause: string, title: string, checks: string, run: TestPurpose['run']): TestPurpose =>
  ({ id: `${clause} (G${n})`, scope: 'GAP', clause, title, checks, run });

/** An AUTHENTICATION FAILURE with `cause` and no partial context left. */
function authFailure(ss: SystemSimulator, m: Uint8Array | null, cause: number) {
  const u = ss.decode(m);
  check(u.plain[2] === M.MT.AUTHENTICATION_FAILURE && u.plain[3] === cause, `expected AUTHENTICATION FAILURE #${cause}, got type 0x${u.plain[2].toString(16)} cause ${u.plain[3]}`);
  check(ss.ue.fw.read('new').type === 'none', `a partial context was created despite #${cause}`);
  return u;
}

export const cases: TestPurpose[] = [
  gap(1, 'TS 24.501 5.4.1.3; TS 33.501 6.1.3.2', '5G AKA: RES*; a new partial native context for the received ngKSI, not current until the SMC',
    'RES* = A.4 (node:crypto); slot NEW holds KAMF = A.7(A.6(A.2)) with the received ngKSI, COUNTs 0; the current context unchanged; EF 5GAUTHKEYS still the old KAUSF until the SMC, the new one after',
    (ss) => {
      const c1 = ss.register(1);
      const c2 = ss.challenge(2);
      const u = ss.decode(ss.send(ss.protect(ss.authenticationRequest(c2))).sent);
      check(u.plain[2] === M.MT.AUTHENTICATION_RESPONSE && same(u.plain.slice(5, 21), c2.resStar), 'RES* is not A.4');
      const n = ss.ue.fw.read('new'), cur = ss.ue.fw.read('current');
      check(n.type === 'partial-native' && n.ngKsi === 2 && same(n.kamf, c2.kamf) && n.ulCount['3gpp'] === 0, 'no partial native context with the A.7 KAMF and ngKSI 2');
      check(same(cur.kamf, c1.kamf) && cur.ngKsi === 1, 'the current context changed before the SMC');
      const ak = ss.ue.store.loadAuthKeys();
      check(ak?.valid && same(ak.kausf, c1.kausf), 'KAUSF replaced before the SMC');
      const nas2 = new NetworkNasContext(c2.kamf, 2, 2, 2);
      ss.decode(ss.send(ss.smc(nas2)).sent, nas2);
      const ak2 = ss.ue.store.loadAuthKeys();
      check(ak2?.valid && same(ak2.kausf, c2.kausf) && same(ak2.kseaf, c2.kseaf), 'KAUSF/KSEAF of the new AKA not stored after the SMC');
      return 'RES* = A.4; partial native context (ngKSI 2, KAMF = A.7) non-current; KAUSF/KSEAF replaced only with the SMC';
    }),
  gap(2, 'TS 24.501 5.4.1.3.7', '5G AKA failures from the UE: #20 MAC failure, #21 synch failure + AUTS, #26 separation bit 0, #71 ngKSI already in use',
    'each AUTHENTICATION FAILURE with its cause (AUTS verified by the SS\'s MILENAGE f1*); no partial context; current context kept',
    (ss) => {
      const c1 = ss.register(1);
      authFailure(ss, ss.send(ss.protect(ss.authenticationRequest(ss.challenge(2, { corruptMac: true })))).sent, 20);
      const stale = ss.challenge(2, { sqn: sqnValue(c1.sqn) });
      const u = authFailure(ss, ss.send(ss.protect(ss.authenticationRequest(stale))).sent, 21);
      check(u.plain[4] === 0x30 && resyncSqnMs(SUBSCRIBER.k, SUBSCRIBER.opc, stale.rand, u.plain.slice(6, 20)), 'AUTS missing or MAC-S does not verify');
      authFailure(ss, ss.send(ss.protect(ss.authenticationRequest(ss.challenge(2, { amf: Uint8Array.of(0, 0) })))).sent, 26);
      authFailure(ss, ss.send(ss.protect(ss.authenticationRequest(ss.challenge(1)))).sent, 71);
      check(same(ss.ue.fw.read('current').kamf, c1.kamf), 'current context not kept');
      return '#20, #21 (AUTS verified), #26, #71 sent, protected; no partial context; current context kept';
    }),
  gap(3, 'TS 24.501 5.4.1.3.5', 'AUTHENTICATION REJECT: 5U3, 5G-GUTI, TAI list, last visited TAI and ngKSI deleted; USIM invalid',
    'EF 5GS3GPPNSC KSI 111; EF 5GS3GPPLOCI no 5G-GUTI, TAI deleted, 02; KAUSF/KSEAF deleted; no registration until switch-off', authenticationRejectCheck),
  gap(4, 'TS 24.501 5.4.2.3; TS 33.501 6.9.3', 'SMC with HDP = 1: KAMF′ = A.13(KAMF, 0, UL COUNT of the REGISTRATION REQUEST); COUNTs 0; old context kept until the registration completes',
    'COMPLETE verified with KAMF′ (node:crypto A.13) at UL COUNT 0; the stored copy still the old KAMF before REGISTRATION ACCEPT, KAMF′ after',
    (ss) => {
      const c = ss.register(1);
      const rr = ss.decode(ss.ueRegister(M.REG_TYPE.MOBILITY_UPDATING));
      const kamfP = ref.kamfPrime(c.kamf, 0, rr.count!);
      const nasP = new NetworkNasContext(kamfP, 1, 2, 2);
      const u = ss.decode(ss.send(ss.smc(nasP, { hdp: true })).sent, nasP);
      check(u.sht === 4 && u.count === 0 && u.plain[2] === M.MT.SECURITY_MODE_COMPLETE, 'COMPLETE not verified with KAMF′ at UL COUNT 0');
      const mid = ss.ue.store.stored();
      check(mid?.content && same(mid.content.kamf, c.kamf), 'the old context was replaced in storage before the registration completed');
      ss.net = nasP;
      ss.send(ss.protect(M.registrationAccept({ guti: SS_GUTI })));
      const end = ss.ue.store.stored();
      check(end?.content && same(end.content.kamf, kamfP), 'the stored KAMF is not KAMF′ after the registration completed');
      return `KAMF′ = A.13(KAMF, 0, ${rr.count}); COMPLETE MAC OK at UL COUNT 0; stored KAMF replaced only after REGISTRATION ACCEPT`;
    }),
  gap(5, 'TS 24.501 5.4.2.3', 'SMC with TSC = mapped: K′AMF from KASME, COUNTs reset; then a native ngKSI: the non-current native context becomes current, the mapped one is deleted',
    'COMPLETE verified with K′AMF = A.15.1 (node:crypto) at UL COUNT 0, mapped context current; SMC with native ngKSI 1 → native KAMF current again, slot MAPPED empty',
    (ss) => {
      const c = ss.register(1);
      const native = ss.net!;
      const kasme = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) & 0xff), ulEps = 7;
      new UeInterworking(ss.ue.fw).epsTo5gIdle({ kasme, eKsi: 3, ulEpsCount: ulEps });
      const kamfM = ref.kamfFromKasmeIdle(kasme, ulEps);
      const nasM = new NetworkNasContext(kamfM, 0x08 | 3, 2, 2);
      const u = ss.decode(ss.send(ss.smc(nasM)).sent, nasM);
      check(u.count === 0 && u.plain[2] === M.MT.SECURITY_MODE_COMPLETE, 'COMPLETE not verified with the mapped K′AMF at UL COUNT 0');
      const cur = ss.ue.fw.read('current');
      check(cur.type === 'mapped' && same(cur.kamf, kamfM) && cur.ngKsi === (0x08 | 3), 'the mapped context is not current');
      const u2 = ss.decode(ss.send(ss.smc(native)).sent, native);
      check(u2.plain[2] === M.MT.SECURITY_MODE_COMPLETE, 'SMC naming the native ngKSI not completed');
      const cur2 = ss.ue.fw.read('current');
      check(cur2.type === 'full-native' && same(cur2.kamf, c.kamf), 'the native context did not become current');
      check(ss.ue.fw.read('mapped').type === 'none' && !(['non-current', 'current'] as const).some((s) => ss.ue.fw.read(s).type === 'mapped'), 'the mapped context was not deleted');
      return 'mapped K′AMF (A.15.1) taken into use at UL COUNT 0; native ngKSI SMC → native current again, mapped deleted';
    }),
  gap(6, 'TS 24.501 5.4.2.2/5.4.2.3; TS 33.501 10.2', 'emergency: SMC with ngKSI 000 and 5G-IA0/5G-EA0 accepted; the stored context marked invalid, not overwritten with the null context',
    'COMPLETE with 5G-IA0 (MAC 0) in an emergency registration; after REGISTRATION ACCEPT the stored record is not valid and holds no null-algorithm context',
    (ss) => {
      ss.register(1);
      ss.nas.deregister(true);
      ss.powerOn();
      ss.ue.fw.configure({ ueSecurityCapabilities: ss.ue.caps, imeisv: ss.nas.imeisv, emergency: true });
      ss.ueRegister(M.REG_TYPE.INITIAL);
      const nas0 = new NetworkNasContext(new Uint8Array(32), 0, 0, 0);
      const r = ss.send(ss.smc(nas0));
      const u = ss.decode(r.sent, nas0);
      check(u.plain[2] === M.MT.SECURITY_MODE_COMPLETE, `5G-IA0 SMC in an emergency not completed (${r.discarded ?? `type 0x${u.plain[2].toString(16)}`})`);
      ss.net = nas0;
      ss.send(ss.protect(M.registrationAccept({})));
      const s = parseNsc(ss.nscRecord());
      check(s && s.ksi === 7, 'the stored context is still marked valid after the emergency (null) context');
      check(s.algs !== 0x00, 'the null-algorithm context was written to the USIM');
      return '5G-IA0/5G-EA0 SMC with ngKSI 0 accepted in an emergency; stored record invalid, no null context written';
    }),
  gap(7, 'TS 24.501 5.4.2.3', 'SMC with RINMR = 1 (or an initial message sent without a context): the whole initial message in the NAS message container of SECURITY MODE COMPLETE',
    'after a power cycle (REGISTRATION REQUEST integrity protected with the stored context), a new AKA and an SMC with RINMR = 1: the container holds the plain REGISTRATION REQUEST',
    (ss) => {
      ss.register(1);
      ss.nas.deregister(true);
      ss.powerOn();
      const rr = ss.ueRegister();
      check(rr[1] === 1, 'preamble: REGISTRATION REQUEST not integrity protected');
      const c2 = ss.challenge(2);
      ss.send(ss.authenticationRequest(c2));
      const nas2 = new NetworkNasContext(c2.kamf, 2, 2, 2);
      const u = ss.decode(ss.send(ss.smc(nas2, { rinmr: true })).sent, nas2);
      let container: Uint8Array | null = null;
      for (let i = 3; i + 3 <= u.plain.length;) { const l = (u.plain[i + 1] << 8) | u.plain[i + 2]; if (u.plain[i] === 0x71) container = u.plain.slice(i + 3, i + 3 + l); i += 3 + l; }
      check(same(container, rr.slice(7)), 'the NAS message container does not hold the whole REGISTRATION REQUEST');
      return 'RINMR = 1: SECURITY MODE COMPLETE carries the whole REGISTRATION REQUEST in the NAS message container';
    }),
  gap(8, 'TS 24.501 4.4.4.3', 'after secure exchange: a DL message failing the integrity check is discarded; unprotected messages processed only from the exception list and only before',
    'bad MAC → discarded, DL COUNT unchanged; plain CONFIGURATION UPDATE COMMAND after security → discarded; before security a plain IDENTITY REQUEST (IMEISV) is discarded, (SUCI) answered',
    (ss) => {
      ss.ueRegister();
      check(ss.send(Uint8Array.of(0x7e, 0x00, MT5.IDENTITY_REQUEST, IDENTITY_TYPE.IMEISV)).discarded !== null, 'a plain IDENTITY REQUEST (IMEISV) was processed before security');
      check(ss.send(Uint8Array.of(0x7e, 0x00, MT5.IDENTITY_REQUEST, IDENTITY_TYPE.SUCI)).sent !== null, 'a plain IDENTITY REQUEST (SUCI) was not answered before security');
      const ss2 = new SystemSimulator({ build: ss.build });
      ss2.register(1);
      const dl = ss2.ue.fw.read('current').dlCount['3gpp'];
      const bad = ss2.protect(Uint8Array.of(0x7e, 0x00, MT5.IDENTITY_REQUEST, IDENTITY_TYPE.IMEISV));
      bad[4] ^= 0x10;
      check(ss2.send(bad).discarded === 'integrity check failed', 'a message with a bad MAC was processed');
      check(ss2.ue.fw.read('current').dlCount['3gpp'] === dl, 'DL COUNT moved on a failed integrity check');
      check(ss2.send(Uint8Array.of(0x7e, 0x00, MT5.CONFIGURATION_UPDATE_COMMAND, 0xd1)).discarded === 'unprotected after secure exchange', 'a plain CONFIGURATION UPDATE COMMAND was processed after security');
      return 'bad MAC discarded (DL COUNT unchanged); plain messages after security discarded; before security only the 4.4.4.3 list (SUCI yes, IMEISV no)';
    }),
  gap(9, 'TS 24.501 4.4.3; TS 33.501 6.4.3', 'NAS COUNT: DL estimate from the 8-bit SQN with wrap, each COUNT accepted once, a separate pair per access',
    'the SS skips to DL COUNT 0x101 (SQN 01 ≤ last SQN → overflow + 1): accepted at 0x101; the same message again discarded (replay); non-3GPP COUNTs untouched',
    (ss) => {
      ss.register(1);
      const last = ss.ue.fw.read('current').dlCount['3gpp'];
      ss.net!.dlNext['3gpp'] = 0x100 + last;
      const m = ss.protect(Uint8Array.of(0x7e, 0x00, MT5.IDENTITY_REQUEST, IDENTITY_TYPE.IMEISV));
      const r = ss.send(m);
      check(r.sent !== null, 'the DL message after the SQN wrap was not accepted');
      const cur = ss.ue.fw.read('current');
      check(cur.dlCount['3gpp'] === 0x100 + last, `DL COUNT estimate ${cur.dlCount['3gpp']}, expected ${0x100 + last}`);
      check(ss.send(m).discarded !== null, 'a replayed DL message was accepted twice');
      check(cur.ulCount.non3gpp === 0 && cur.dlCount.non3gpp === 0, 'non-3GPP COUNTs moved');
      return `DL COUNT ${0x100 + last} estimated across the SQN wrap; replay discarded; non-3GPP pair untouched`;
    }),
  gap(10, 'TS 24.501 C.1; TS 33.501 6.8.1.1', 'power cycle: the full native context stored at switch-off, loaded at power-on only if valid, marked invalid while registering; SUPI check for ME storage',
    'USIM: stored valid at switch-off, loaded at power-on (same KAMF and UL COUNT), invalid during registration; ME NVM with another USIM (other SUPI): nothing loaded, ME items deleted, ngKSI 111 sent',
    (ss) => {
      const c = ss.register(1);
      ss.nas.deregister(true);
      const s = parseNsc(ss.nscRecord());
      ss.powerOn();
      const cur = ss.ue.fw.read('current');
      check(same(cur.kamf, c.kamf) && cur.ulCount['3gpp'] === s!.ul, 'the stored context was not loaded at power-on');
      ss.ueRegister();
      check(parseNsc(ss.nscRecord())!.ksi === 7, 'the stored copy is not invalid during registration');
      const me = new SystemSimulator({ services: [], build: ss.build });
      me.register(1);
      me.nas.deregister(true);
      check(me.ue.store.me.readNsc('3gpp')?.valid, 'preamble: ME NVM has no valid context');
      me.swapUsim('001010000000002', []);
      me.powerOn();
      check(me.ue.fw.read('current').type === 'none', 'a context stored for another SUPI was loaded');
      check(me.ue.store.me.readNsc('3gpp') === null && me.ue.store.me.readAuthKeys() === null, 'ME NVM items of the other SUPI not deleted');
      const rr = me.ueRegister();
      check(rr[1] === 0 && M.parseRegistrationRequest(rr).ngKsi === 7, 'REGISTRATION REQUEST with another USIM is not plain with ngKSI 111');
      return 'stored valid at switch-off, loaded at power-on, invalid while registering; another SUPI: ME NVM deleted, ngKSI 111';
    }),
  gap(11, 'TS 33.501 6.9.2.3.4', 'N2 handover with a NAS container: DL COUNT freshness; KACF = 1 → KAMF′; a MAC failure aborts and keeps the old context',
    'NASC with a corrupted MAC → MacFailureError, context unchanged; a NASC (KACF 0) repeating the last accepted SQN → DL COUNT estimated above it (+256), never the old COUNT; KACF = 1 → KAMF′ = A.13(KAMF, 1, DL COUNT), COUNTs 0',
    (ss) => {
      const c = ss.register(1);
      const ue = new UeInterworking(ss.ue.fw);
      const amfCtx = () => ({ supi: SUBSCRIBER.supi, guti: SS_GUTI, nas: ss.net!, ueSecurityCapabilities: ss.ue.caps, transferPending: false });
      const before = ss.ue.fw.rawSlot('current');
      let threw: unknown = null;
      try { ue.n2Handover(n2HandoverTarget(amfCtx(), { kacf: true, corruptMac: true }, ss.trace).nasc); } catch (e) { threw = e; }
      check(threw instanceof MacFailureError, 'a NASC with a bad MAC was accepted');
      check(same(ss.ue.fw.rawSlot('current'), before), 'the context changed after the aborted handover');
      // Freshness: a container whose SQN repeats the last accepted DL COUNT's 8 LSB is never taken
      // as that old COUNT: the UE estimates the next COUNT above it (accepted + 256).
      const accepted = ss.ue.fw.read('current').dlCount['3gpp'];
      ss.net!.dlNext['3gpp'] = accepted;
      ue.n2Handover(n2HandoverTarget(amfCtx(), { kacf: false }, ss.trace).nasc);
      const est = ss.ue.fw.read('current');
      check(est.dlCount['3gpp'] === accepted + 256 && same(est.kamf, c.kamf), `a container repeating DL COUNT ${accepted} set the DL COUNT to ${est.dlCount['3gpp']}, expected the fresh estimate ${accepted + 256}`);
      ss.net!.dlNext['3gpp'] = accepted + 257;
      const t = n2HandoverTarget(amfCtx(), { kacf: true }, ss.trace);
      ue.n2Handover(t.nasc);
      const cur = ss.ue.fw.read('current');
      check(same(cur.kamf, ref.kamfPrime(c.kamf, 1, t.dlCount)) && cur.ulCount['3gpp'] === 0, 'KAMF′ is not A.13(KAMF, 1, DL COUNT) with COUNTs 0');
      return `bad MAC → aborted, context kept; repeated SQN → fresh estimate (+256); KACF = 1 → KAMF′ = A.13(KAMF, 1, ${t.dlCount}), COUNTs 0`;
    }),
  gap(12, 'TS 33.501 8.6.2', 'S1→N1 idle with N26: K′AMF = A.15.1(KASME, UL EPS COUNT of the TAU), mapped ngKSI, COUNTs 0',
    'slot MAPPED: K′AMF = A.15.1 (node:crypto), ngKSI = TSC mapped ‖ eKSI, UL/DL COUNT 0',
    (ss) => {
      const kasme = Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + 1) & 0xff);
      new UeInterworking(ss.ue.fw).epsTo5gIdle({ kasme, eKsi: 2, ulEpsCount: 0x1234 });
      const m = ss.ue.fw.read('mapped');
      check(m.type === 'mapped' && same(m.kamf, ref.kamfFromKasmeIdle(kasme, 0x1234)) && m.ngKsi === (0x08 | 2), 'mapped context is not K′AMF = A.15.1 with ngKSI TSC mapped ‖ 2');
      check(m.ulCount['3gpp'] === 0 && m.dlCount['3gpp'] === 0, 'mapped context COUNTs not 0');
      return 'K′AMF = A.15.1(KASME, 0x1234), ngKSI 1010 (mapped ‖ 2), COUNTs 0';
    }),
  gap(13, 'TS 33.501 8.3.2', 'N1→S1 connected handover: K′ASME = A.14.2(KAMF, DL COUNT from nas-SecurityParamFromNR)',
    'K′ASME = A.14.2, KeNB = A.3(K′ASME, 2^32−1), EPS KNASint (node:crypto)',
    (ss) => { const c = ss.register(1); const { dl } = hoToEps(ss, c.kamf); return `K′ASME = A.14.2(KAMF, ${dl}); KeNB = A.3(K′ASME, 2^32−1)`; }),
  gap(14, 'TS 33.501 A.21, Annex J', '5G-SRVCC: KASME_SRVCC = A.21(KAMF, DL COUNT from 4 LSB), CK/IK_SRVCC = TS 33.401 A.12 with COUNT 0, KSI_SRVCC = ngKSI; discarded if the HO fails',
    'CK/IK_SRVCC (node:crypto A.21 → A.12); discarded after a failed HO; after a completed one the next registration is initial with ngKSI 111',
    (ss) => {
      const c = ss.register(1);
      const { iw } = srvccCheck(ss, c.kamf);
      iw.srvccOutcome('failed');
      check(!iw.srvccRead().valid, 'SRVCC context kept after the failed HO');
      srvccCheck(ss, c.kamf);
      ss.ue.srvccOutcome('completed');
      ss.nas.localDeregistration();
      const rr = ss.ueRegister();
      check(rr[1] === 0 && M.parseRegistrationRequest(rr).ngKsi === 7 && !same(M.parseRegistrationRequest(rr).identity, expectedSuci()) === !!ss.ue.guti, 'after SRVCC the REGISTRATION REQUEST is not plain with ngKSI 111');
      return 'CK/IK_SRVCC = A.12(A.21(KAMF, DL), 0), KSI = ngKSI; discarded on HO failure; after SRVCC ngKSI 111 (re-authentication)';
    }),
];
