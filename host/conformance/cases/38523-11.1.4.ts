/** TS 38.523-1 11.1.4 MO MMTEL voice call, EPS fallback with redirection, barred cell (TS 24.301 4.4.2.3; TS 33.501 8.6.1). */
import { check } from '../ss.js';
import type { TestPurpose } from '../types.js';
import { hoToEps, idleToEps } from './interworking.js';
import { serviceRequestCheck } from './38523-9.1.7.1.js';

export const cases: TestPurpose[] = [
  {
    id: '38.523-1 11.1.4 TP1', scope: 'PART', clause: 'TS 24.301 4.4.2.3; TS 33.501 8.6.1',
    title: 'EPS fallback with redirection (RRCRelease), barred cell avoided, then TAU',
    checks: 'after a SERVICE REQUEST (connected) and the redirection: the idle-mode TAU as 9.3.1.1 (cell barring not modelled)',
    run(ss) {
      const c = ss.register(1);
      serviceRequestCheck(ss, c.kamf, 1);
      return idleToEps(ss, c.kamf);
    },
  },
];
