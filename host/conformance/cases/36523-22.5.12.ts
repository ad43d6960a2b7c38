/** TS 36.523-1 22.5.12 NB-IoT / EPS NAS integrity and encryption / ZUC (TS 24.301 5.4.3.3, 4.4.4.2;
 *  5G: TS 24.501 4.4.4.3). */
import { MT5, IDENTITY_TYPE } from '../../ue/ue-nas.js';
import * as M from '../../nas/messages.js';
import { ref } from '../../reference/kdf.js';
import { check, same } from '../ss.js';
import { SsNasContext } from '../ss-nas.js';
import type { TestPurpose } from '../types.js';

export const cases: TestPurpose[] = [
  {
    id: '36.523-1 22.5.12 TP1', scope: 'IN', clause: 'TS 24.301 5.4.3.3; 5G: TS 24.501 5.4.2.3',
    title: 'SECURITY MODE COMMAND selecting ZUC (id 011) → COMPLETE protected with ZUC',
    checks: '5G analogue (128-NIA3/NEA3 = 128-EIA3/EEA3): KNASint/KNASenc = A.8 with algorithm id 3; the SMC protected and the COMPLETE verified and deciphered by the SS\'s own ZUC (host/reference/zuc.ts, checked against the SAGE test data); a DL message failing the check discarded, a good one accepted',
    run(ss) {
      ss.ueRegister();
      const c = ss.challenge(1);
      ss.send(ss.authenticationRequest(c));
      const nas = new SsNasContext(c.kamf, 1, 3, 3);
      const r = ss.send(ss.smc(nas));
      const u = ss.decode(r.sent, nas);
      check(u.sht === 4 && u.count === 0 && u.plain[2] === M.MT.SECURITY_MODE_COMPLETE, 'COMPLETE not verified with 128-NIA3 / deciphered with 128-NEA3 at UL COUNT 0');
      const cur = ss.ue.fw.read('current');
      const k = ref.nasKeys(c.kamf, 3, 3);
      check(cur.nia === 3 && cur.nea === 3 && same(cur.knasint, k.knasint) && same(cur.knasenc, k.knasenc), 'NAS keys are not A.8 for algorithm id 3');
      ss.net = nas;
      const bad = ss.protect(M.registrationAccept({}));
      bad[2] ^= 1;
      check(ss.send(bad).discarded === 'integrity check failed', 'a DL message failing the 128-NIA3 check was processed');
      const rc = ss.decode(ss.send(ss.protect(M.registrationAccept({}))).sent);
      check(rc.sht === 2 && rc.plain[2] === M.MT.REGISTRATION_COMPLETE, 'REGISTRATION COMPLETE not protected with ZUC');
      return 'KNASint/KNASenc = A.8(id 3); COMPLETE 128-NIA3 MAC and 128-NEA3 ciphering verified by the SS\'s ZUC; bad MAC discarded; UL/DL protected with ZUC after';
    },
  },
  {
    id: '36.523-1 22.5.12 TP2', scope: 'IN', clause: 'TS 24.301 4.4.4.2; 5G: TS 24.501 4.4.4.3',
    title: 'security started by an SMC; IDENTITY REQUEST without integrity protection → no IDENTITY RESPONSE',
    checks: 'nothing sent; the DL NAS COUNT not advanced; the next protected message still accepted at the next DL COUNT',
    run(ss) {
      ss.register(1);
      const dl = ss.ue.fw.read('current').dlCount['3gpp'];
      const r = ss.send(Uint8Array.of(0x7e, 0x00, MT5.IDENTITY_REQUEST, IDENTITY_TYPE.SUCI));
      check(r.sent === null && r.discarded !== null, 'the UE answered an unprotected IDENTITY REQUEST after security was active');
      check(ss.ue.fw.read('current').dlCount['3gpp'] === dl, 'DL NAS COUNT advanced');
      const ok = ss.send(ss.protect(Uint8Array.of(0x7e, 0x00, MT5.IDENTITY_REQUEST, IDENTITY_TYPE.IMEISV)));
      check(ok.sent !== null, 'the next protected IDENTITY REQUEST was not answered');
      return 'unprotected IDENTITY REQUEST discarded, DL COUNT unchanged; the next protected one answered';
    },
  },
];
