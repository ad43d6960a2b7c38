/** TS 36.523-1 22.5.11 NB-IoT / EPS NAS integrity and encryption / AES (TS 24.301 5.4.3.3). The
 *  EPS SMC is not modelled: the 5G SMC with 128-NIA2/NEA2 (the same AES algorithms, TS 33.501 D.2/D.3). */
import type { TestPurpose } from '../types.js';
import { algorithmSmc } from './36523-22.5.10.js';

export const cases: TestPurpose[] = [{
  id: '36.523-1 22.5.11 TP1', scope: 'IN', clause: 'TS 24.301 5.4.3.3; 5G: TS 24.501 5.4.2.3',
  title: 'SECURITY MODE COMMAND selecting AES (id 010) → COMPLETE protected with AES',
  checks: '5G analogue: KNASint/KNASenc = A.8 with algorithm id 2; COMPLETE MAC (AES-CMAC) and AES-CTR ciphering verified with node:crypto; a DL message failing the check discarded, a good one accepted',
  run: (ss) => algorithmSmc(ss, 2),
}];
