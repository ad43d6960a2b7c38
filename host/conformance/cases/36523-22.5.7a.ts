/** TS 36.523-1 22.5.7a NB-IoT / normal TAU rejected (TS 24.301 5.5.3.2.5, 5.5.1.2.2). The EPS
 *  TAU is not modelled: the 5G NAS analogue (REGISTRATION REJECT, TS 24.501 5.5.1.3.5) runs. */
import * as M from '../../nas/messages.js';
import { ContextStateError } from '../../ue/context-store.js';
import { check, same, type SystemSimulator } from '../ss.js';
import { expectedSuci, parseLoci, parseNsc } from '../checks.js';
import { out, type TestPurpose } from '../types.js';

/** Registered, then a mobility registration (the TAU's analogue) rejected with `cause`. */
function rejected(ss: SystemSimulator, cause: number) {
  ss.register(1);
  const rr = ss.send(ss.protect(Uint8Array.of(0x7e, 0x00, 0x54, 0xd2))).sent; // registration requested → mobility registration
  check(rr && ss.decode(rr).plain[2] === M.MT.REGISTRATION_REQUEST, 'preamble: no mobility REGISTRATION REQUEST');
  return ss.send(M.registrationReject(cause));
}

export const cases: TestPurpose[] = [
  out('36.523-1 22.5.7a TP1', 'TAU ACCEPT with an equivalent-PLMN list', 'TS 24.301 5.5.3.2.4', 'equivalent PLMN list; no key aspect'),
  out('36.523-1 22.5.7a TP2', 'TAU ACCEPT without an equivalent-PLMN list', 'TS 24.301 5.5.3.2.4', 'equivalent PLMN list; no key aspect'),
  {
    id: '36.523-1 22.5.7a TP3', scope: 'PART', clause: 'TS 24.301 5.5.3.2.5; 5G: TS 24.501 5.5.1.3.5',
    title: 'TAU REJECT "Illegal UE"/"Illegal ME" → USIM invalid, EMM-DEREGISTERED',
    checks: '5G analogue (mobility REGISTRATION REJECT #3): USIM invalid for 5GS, keys deleted and unusable until power-off',
    run(ss) {
      rejected(ss, 3);
      check(ss.ue.usimInvalidFor5gs && ss.nas.state === '5GMM-DEREGISTERED', 'USIM not invalid / not deregistered');
      check(ss.ue.fw.read('current').type === 'none', 'a context is still usable');
      let refused = false;
      try { ss.ueRegister(); } catch (e) { refused = e instanceof ContextStateError; }
      check(refused, 'registration attempted with an invalid USIM');
      return 'REJECT #3: USIM invalid, context deleted, no registration until power-off';
    },
  },
  {
    id: '36.523-1 22.5.7a TP4', scope: 'PART', clause: 'TS 24.301 5.5.1.2.2; 5G: TS 24.501 5.5.1.2.2',
    title: 'after that reject, power-up → ATTACH REQUEST with the IMSI',
    checks: '5G analogue: after REJECT #3 and a power cycle, REGISTRATION REQUEST plain with the SUCI and ngKSI 111',
    run(ss) {
      rejected(ss, 3);
      ss.powerOn();
      const rr = ss.ueRegister();
      const p = M.parseRegistrationRequest(rr);
      check(rr[1] === 0 && p.ngKsi === 7 && same(p.identity, expectedSuci()), 'not a plain REGISTRATION REQUEST with the SUCI and ngKSI 111');
      return 'after power-up: plain REGISTRATION REQUEST with the SUCI, ngKSI 111';
    },
  },
  {
    id: '36.523-1 22.5.7a TP5', scope: 'IN', clause: 'TS 24.301 5.5.3.2.5; 5G: TS 24.501 5.5.1.3.5 (#9)',
    title: 'TAU REJECT "UE identity cannot be derived by the network" → GUTI, last TAI, TAI list, KSI deleted; attach again',
    checks: '5G analogue (#9): EF 5GS3GPPNSC KSI 111, EF 5GS3GPPLOCI without 5G-GUTI, TAI deleted, 5U2; the UE sends an initial REGISTRATION REQUEST by itself, plain, ngKSI 111, SUCI',
    run(ss) {
      const r = rejected(ss, 9);
      const s = parseNsc(ss.nscRecord());
      check(s && s.ksi === 7, 'KSI not deleted');
      const l = parseLoci(ss.loci());
      check(l && l.guti === null && l.status === 1 && same(l.tai.slice(3), Uint8Array.of(0xff, 0xff, 0xfe)), `EF 5GS3GPPLOCI: 5G-GUTI ${l?.guti ? 'kept' : 'deleted'}, status ${l?.status}: expected deleted, TAI deleted, 01`);
      check(r.sent, 'the UE did not register again by itself');
      const p = M.parseRegistrationRequest(r.sent);
      check(r.sent[1] === 0 && p.type === M.REG_TYPE.INITIAL && p.ngKsi === 7 && same(p.identity, expectedSuci()), 'the new registration is not a plain initial REGISTRATION REQUEST with ngKSI 111 and the SUCI');
      return 'REJECT #9: KSI, 5G-GUTI, TAI deleted (5U2); initial REGISTRATION REQUEST sent at once, plain, ngKSI 111, SUCI';
    },
  },
];
