/** TS 36.523-1 22.5.12 NB-IoT / EPS NAS integrity and encryption / ZUC (TS 24.301 5.4.3.3, 4.4.4.2;
 *  5G: TS 24.501 4.4.4.3). */
import { MT5, IDENTITY_TYPE } from '../../ue/ue-nas.js';
import { check } from '../ss.js';
import { algorithmSmc } from './36523-22.5.10.js';
import type { TestPurpose } from '../types.js';

export const cases: TestPurpose[] = [
  {
    id: '36.523-1 22.5.12 TP1', scope: 'IN', clause: 'TS 24.301 5.4.3.3; 5G: TS 24.501 5.4.2.3',
    title: 'SECURITY MODE COMMAND selecting ZUC (id 011) → COMPLETE protected with ZUC',
    checks: '5G analogue (128-NIA3/NEA3 = 128-EIA3/EEA3): KNASint/KNASenc = A.8 with algorithm id 3; the SMC protected and the COMPLETE verified and deciphered by the SS\'s own ZUC (host/reference/zuc.ts, checked against the SAGE test data); a DL message failing the check discarded, a good one accepted',
    run: (ss) => algorithmSmc(ss, 3),
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
