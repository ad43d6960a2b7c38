/** TS 38.523-1 11.1.3 MO MMTEL voice call, EPS fallback with handover, N26 (TS 33.501 8.3.2; TS 24.501 5.1.4.2). */
import { check } from '../ss.js';
import type { TestPurpose } from '../types.js';
import { hoToEps, idleToEps } from './interworking.js';
import { serviceRequestCheck } from './38523-9.1.7.1.js';

export const cases: TestPurpose[] = [
  {
    id: '38.523-1 11.1.3 TP1', scope: 'PART', clause: 'TS 33.501 8.3.2 (G13); TS 24.501 5.1.4.2',
    title: 'EPS fallback with handover (MobilityFromNRCommand to E-UTRA), then TAU',
    checks: 'K′ASME = A.14.2(KAMF, DL COUNT from nas-SecurityParamFromNR), KeNB = A.3(K′ASME, 2^32−1), EPS NAS keys; the UE\'s 5G DL COUNT = the estimate (the TAU in EPS is not modelled)',
    run(ss) {
      const c = ss.register(1);
      ss.send(ss.protect(Uint8Array.of(0x7e, 0x00, 0x54, 0xd0))); // a CONFIGURATION UPDATE COMMAND: DL COUNT moves on
      const { dl } = hoToEps(ss, c.kamf);
      check(ss.ue.fw.read('current').dlCount['3gpp'] === dl, 'the UE\'s 5G DL COUNT is not the HO estimate');
      return `DL COUNT ${dl} estimated from its 8 LSB; K′ASME = A.14.2, KeNB = A.3(K′ASME, 2^32−1), EPS keys EIA2/EEA2`;
    },
  },
];
