/** TS 36.523-1 9.1.2.3 Authentication not accepted by the network / GUTI used / authentication
 *  reject and re-authentication (TS 24.301 5.4.2.3, 5.4.2.5; 5G analogue TS 24.501 5.4.1.3.5). */
import * as M from '../../nas/messages.js';
import { ContextStateError } from '../../ue/context-store.js';
import { check, same, SS_GUTI, type SystemSimulator } from '../ss.js';
import { parseLoci, parseNsc } from '../checks.js';
import type { TestPurpose } from '../types.js';
import { epsAka, epsAuthRequest, expectedKasme, EPS_MT_AKA } from './eps-aka.js';

/**
 * 5G analogue of the EPS TP (the digest's table: KSI → ngKSI in EF 5GS3GPPNSC tag 80 = 07, EF LOCI
 * byte 20 = 02): the UE registers with its 5G-GUTI after a power cycle, answers the challenge, and
 * AUTHENTICATION REJECT arrives. Checks: ngKSI, 5G-GUTI, last visited TAI deleted, 5U3, the USIM
 * invalid (no registration until switch-off), KAUSF/KSEAF deleted.
 */
export function authenticationRejectCheck(ss: SystemSimulator): string {
  ss.register(1);
  ss.nas.deregister(true);
  ss.powerOn();
  const rr = ss.ueRegister();
  check(same(M.parseRegistrationRequest(rr[1] === 0 ? rr : rr.slice(7)).identity, SS_GUTI), 'preamble: the initial NAS message does not carry the 5G-GUTI');
  const c = ss.challenge(2);
  ss.send(ss.authenticationRequest(c));
  const r = ss.send(Uint8Array.of(0x7e, 0x00, M.MT.AUTHENTICATION_REJECT));
  check(r.sent === null && r.discarded === null, 'AUTHENTICATION REJECT was not processed');
  const s = parseNsc(ss.nscRecord());
  check(s && s.ksi === 7, 'ngKSI not deleted (EF 5GS3GPPNSC tag 80 ≠ 07)');
  const l = parseLoci(ss.loci());
  check(l && l.guti === null && l.status === 2 && same(l.tai.slice(3), Uint8Array.of(0xff, 0xff, 0xfe)), `EF 5GS3GPPLOCI: 5G-GUTI ${l?.guti ? 'kept' : 'deleted'}, status ${l?.status}, expected deleted, TAI deleted, 02 roaming not allowed`);
  check((['current', 'new'] as const).every((x) => ss.ue.fw.read(x).type === 'none'), 'a NAS security context is still held');
  const ak = ss.ue.store.loadAuthKeys();
  check(!ak || !ak.valid, 'KAUSF/KSEAF not deleted');
  check(ss.nas.state === '5GMM-DEREGISTERED', `state ${ss.nas.state}, expected 5GMM-DEREGISTERED`);
  let refused = false;
  try { ss.ueRegister(); } catch (e) { refused = e instanceof ContextStateError; }
  check(refused, 'the UE registered again although the USIM is invalid until switch-off');
  ss.powerOn();
  const again = ss.ueRegister();
  check(again[1] === 0 && M.parseRegistrationRequest(again).ngKsi === 7, 'after switch-on the UE does not register afresh with ngKSI 111');
  return 'ngKSI deleted (tag 80 = 07), 5G-GUTI and TAI deleted, 5U3 (02), KAUSF/KSEAF deleted, USIM invalid until switch-off';
}

export const cases: TestPurpose[] = [
  {
    id: '36.523-1 9.1.2.3 TP1', scope: 'IN', clause: 'TS 24.301 5.4.2.5; 5G: TS 24.501 5.4.1.3.5',
    title: 'initial NAS message with a GUTI; AUTHENTICATION REJECT → EU3, GUTI/TAI/KSI deleted, USIM invalid',
    checks: '5G analogue (the digest\'s mapping): EF 5GS3GPPNSC tag 80 = 07, EF 5GS3GPPLOCI 5G-GUTI/TAI deleted and byte 20 = 02, USIM invalid until switch-off',
    run: authenticationRejectCheck,
  },
  {
    id: '36.523-1 9.1.2.3 TP2', scope: 'IN', clause: 'TS 24.301 5.4.2.3; TS 33.401 6.1.1, A.2',
    title: 'AUTHENTICATION REQUEST (EPS) → correct AUTHENTICATION RESPONSE and a new EPS security context',
    checks: 'EMM AUTHENTICATION RESPONSE with RES = the AuC\'s XRES (MILENAGE, node:crypto); new EPS context: KASME = TS 33.401 A.2(CK ‖ IK, SN id, SQN ⊕ AK), eKSI from the request (EPS SMC not modelled)',
    run(ss) {
      const aka = epsAka(ss);
      const c = ss.challenge(3);
      const r = aka.authenticationRequest(epsAuthRequest(c));
      check(r[1] === EPS_MT_AKA.AUTHENTICATION_RESPONSE, `expected EMM AUTHENTICATION RESPONSE, got type 0x${r[1].toString(16)}`);
      check(same(r.slice(3, 3 + r[2]), c.res), 'RES is not the AuC\'s XRES');
      check(aka.context && aka.context.eKsi === 3 && same(aka.context.kasme, expectedKasme(c)), 'KASME is not TS 33.401 A.2 or the eKSI is not the request\'s');
      return 'RES = XRES; new EPS context eKSI 3 with KASME = A.2(CK ‖ IK, SN id 00F110, SQN ⊕ AK)';
    },
  },
];
