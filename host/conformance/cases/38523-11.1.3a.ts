/** TS 38.523-1 11.1.3a MO MMTEL EVS call, EPS fallback with handover, N26 (TS 38.331 5.4.3.3/5.4.3.4; TS 33.501 8.3.2). */
import { check } from '../ss.js';
import type { TestPurpose } from '../types.js';
import { hoToEps, idleToEps } from './interworking.js';
import { serviceRequestCheck } from './38523-9.1.7.1.js';

export const cases: TestPurpose[] = [
  {
    id: '38.523-1 11.1.3a TP1', scope: 'PART', clause: 'TS 38.331 5.4.3.3, 5.4.3.4; TS 33.501 8.3.2',
    title: 'EPS fallback with handover (EVS): nas-SecurityParamFromNR to upper layers; source AS keys released',
    checks: 'as 11.1.3 TP1, and after the handover the 5G AS keys (KgNB, NH) held by the UE are zeroed',
    run(ss) {
      const c = ss.register(1);
      hoToEps(ss, c.kamf);
      const cur = ss.ue.fw.read('current');
      check(cur.kgnb.every((b) => b === 0) && cur.nh.every((b) => b === 0), 'the source 5G AS keys (KgNB/NH) are still held after the handover to E-UTRA');
      return 'K′ASME/KeNB as 11.1.3; source KgNB and NH zeroed after the handover';
    },
  },
];
