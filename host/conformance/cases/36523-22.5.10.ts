/** TS 36.523-1 22.5.10 NB-IoT / EPS NAS integrity and encryption / SNOW 3G (TS 24.301 5.4.3.3, 4.4.4.2). */
import type { TestPurpose } from '../types.js';

export const cases: TestPurpose[] = [{
  id: '36.523-1 22.5.10 TP1', scope: 'IN', clause: 'TS 24.301 5.4.3.3; 5G: TS 24.501 5.4.2.3',
  title: 'SECURITY MODE COMMAND selecting SNOW 3G (id 001) → COMPLETE protected with SNOW 3G',
  checks: 'algorithm id 001 drives the key derivation (A.8); MAC and cipher with 128-NIA1/NEA1',
  notDone: 'not done: the SS has no SNOW 3G (128-NIA1/NEA1) independent of the UE firmware (node:crypto has none), so it can neither protect the SMC nor verify the COMPLETE',
}];
