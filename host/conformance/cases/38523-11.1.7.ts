/** TS 38.523-1 11.1.7 Emergency services fallback to EPS with redirection, N26 (TS 24.501 5.6.1; TS 24.301 4.4.2.3). */
import { check } from '../ss.js';
import type { TestPurpose } from '../types.js';
import { hoToEps, idleToEps } from './interworking.js';
import { serviceRequestCheck } from './38523-9.1.7.1.js';

export const cases: TestPurpose[] = [
  {
    id: '38.523-1 11.1.7 TP1', scope: 'PART', clause: 'TS 24.501 5.6.1.1, 5.6.1.2',
    title: 'emergency call from NR RRC_IDLE → SERVICE REQUEST "emergency services fallback"',
    checks: 'SERVICE REQUEST service type 4, integrity protected with the current 5G context, UL COUNT + 1, KgNB = A.9',
    run(ss) { const c = ss.register(1); const n = serviceRequestCheck(ss, c.kamf, 4); return `SERVICE REQUEST (emergency services fallback) MAC OK at UL COUNT ${n}`; },
  },
  {
    id: '38.523-1 11.1.7 TP2', scope: 'PART', clause: 'TS 24.301 4.4.2.3, 5.5.3.2.2',
    title: 'RRCRelease redirect to E-UTRA (cnType epc) → TAU in EPS',
    checks: 'as 9.3.1.1 after the emergency SERVICE REQUEST',
    run(ss) { const c = ss.register(1); serviceRequestCheck(ss, c.kamf, 4); return idleToEps(ss, c.kamf); },
  },
];
