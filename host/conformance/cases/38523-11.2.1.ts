/** TS 38.523-1 11.2.1 5G-SRVCC from NG-RAN to UTRAN (TS 23.216 6.5.4; TS 38.331 5.4.3.3;
 *  TS 24.501 5.5.1.2.2; keys TS 33.501 A.21 and Annex J, TS 33.401 A.12). */
import * as M from '../../nas/messages.js';
import { NetworkNasContext } from '../../network/nas-security.js';
import { UeInterworking } from '../../firmware/ue-interworking.js';
import { ref } from '../../reference/kdf.js';
import { check, same, type SystemSimulator } from '../ss.js';
import { parseNsc } from '../checks.js';
import type { TestPurpose } from '../types.js';

/** The SRVCC HO command with the 4 LSB of the DL NAS COUNT; the UE's CK/IK_SRVCC checked. */
export function srvccCheck(ss: SystemSimulator, kamf: Uint8Array) {
  const dl = ss.net!.dlNext['3gpp'];
  ss.net!.dlNext['3gpp'] = dl + 1;
  const iw = new UeInterworking(ss.ue.fw);
  const k = iw.srvccHoCommand({ dlLsb4: dl & 15 });
  check(k.dlCount === dl, `UE estimated DL COUNT ${k.dlCount} from 4 LSB, expected ${dl}`);
  const kasme = ref.kasmeSrvcc(kamf, dl);
  const exp = ref.ckIkSrvcc(kasme, 0);
  check(same(k.ck, exp.ck) && same(k.ik, exp.ik), 'CK/IK_SRVCC are not TS 33.401 A.12(KASME_SRVCC = A.21(KAMF, DL COUNT), COUNT 0)');
  check(k.ksi === (ss.ue.fw.read('current').ngKsi & 7), `KSI_SRVCC ${k.ksi}, expected the ngKSI value`);
  return { iw, dl };
}

export const cases: TestPurpose[] = [
  {
    id: '38.523-1 11.2.1 TP1', scope: 'PART', clause: 'TS 33.501 A.21, Annex J; TS 38.331 5.4.3.3',
    title: 'MobilityFromNRCommand with a UTRA speech RAB → HANDOVER TO UTRAN COMPLETE',
    checks: 'KASME_SRVCC = A.21(KAMF, DL COUNT estimated from 4 LSB); CK/IK_SRVCC = TS 33.401 A.12(…, COUNT 0); KSI_SRVCC = ngKSI; the mapped CS context is discarded if the HO fails (RRC message not modelled)',
    run(ss) {
      const c = ss.register(1);
      const { iw, dl } = srvccCheck(ss, c.kamf);
      check(iw.srvccRead().valid, 'no SRVCC (CS) context held after the HO command');
      iw.srvccOutcome('failed');
      const after = iw.srvccRead();
      check(!after.valid && after.ck.every((b) => b === 0), 'the SRVCC context was not discarded after the failed handover');
      return `DL COUNT ${dl} from 4 LSB; CK/IK_SRVCC = A.12(A.21(KAMF, ${dl}), 0), KSI = ngKSI; discarded when the HO fails`;
    },
  },
  {
    id: '38.523-1 11.2.1 TP2', scope: 'IN', clause: 'TS 24.501 5.5.1.2.2; TS 33.501 Annex J (J.1)',
    title: 'after 5G-SRVCC to UTRAN, back in NG-RAN coverage → initial registration',
    checks: 'initial REGISTRATION REQUEST, plain, ngKSI 111 (the pre-SRVCC context may not be used); the stored context invalid; a fresh AKA and SMC are accepted',
    run(ss) {
      const c = ss.register(1);
      srvccCheck(ss, c.kamf);
      ss.ue.srvccOutcome('completed');
      ss.nas.localDeregistration(); // in UTRAN CS the UE is 5GMM-DEREGISTERED (TS 23.216 6.5.4)
      const s = parseNsc(ss.nscRecord());
      check(s && s.ksi === 7, 'the stored 5G NAS security context is still valid after SRVCC');
      const rr = ss.ueRegister();
      const p = M.parseRegistrationRequest(rr);
      check(rr[1] === 0 && p.type === M.REG_TYPE.INITIAL && p.ngKsi === 7, `REGISTRATION REQUEST header ${rr[1]}, type ${p.type}, ngKSI ${p.ngKsi}: expected a plain initial one with ngKSI 111`);
      const c2 = ss.challenge(2);
      const r = ss.decode(ss.send(ss.authenticationRequest(c2)).sent, null);
      check(r.plain[2] === M.MT.AUTHENTICATION_RESPONSE && same(r.plain.slice(5, 21), c2.resStar), 'fresh AKA not answered with the expected RES*');
      const nas = new NetworkNasContext(c2.kamf, 2, 2, 2);
      const comp = ss.decode(ss.send(ss.smc(nas)).sent, nas);
      check(comp.plain[2] === M.MT.SECURITY_MODE_COMPLETE && comp.count === 0, 'SMC after the fresh AKA not completed');
      return 'initial REGISTRATION REQUEST, plain, ngKSI 111; stored context invalid; fresh AKA (RES* OK) and SMC completed';
    },
  },
];
