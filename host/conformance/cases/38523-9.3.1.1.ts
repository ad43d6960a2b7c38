/** TS 38.523-1 9.3.1.1 Inter-system mobility registration update, 5GC → EPC idle, N26
 *  (TS 24.501 5.1.4.2; TS 24.301 4.4.2.3; TS 33.501 8.6.1). */
import type { TestPurpose } from '../types.js';
import { idleToEps } from './interworking.js';

export const cases: TestPurpose[] = [{
  id: '38.523-1 9.3.1.1 TP1', scope: 'IN', clause: 'TS 24.501 5.1.4.2; TS 24.301 4.4.2.3; TS 33.501 8.6.1',
  title: 'NR cell unsuitable, E-UTRA/EPC cell found → TAU with the mapped EPS context',
  checks: 'TAU REQUEST eKSI = ngKSI, MAC with the 5G KNASint at the 5G UL COUNT (node:crypto); UL COUNT + 1; K′ASME = A.14.1; EPS COUNT = 5G COUNT; EPS keys for the stored EPS algorithms',
  run(ss) { const c = ss.register(1); return idleToEps(ss, c.kamf); },
}];
