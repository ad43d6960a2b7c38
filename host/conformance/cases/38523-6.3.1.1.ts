/** TS 38.523-1 6.3.1.1 Steering of roaming during registration, security check successful (TS 23.122 C.2; TS 33.501 A.17/A.18). */
import type { TestPurpose } from '../types.js';

export const cases: TestPurpose[] = [{
  id: '38.523-1 6.3.1.1 TP1', scope: 'PART', clause: 'TS 23.122 C.2; TS 33.501 6.14, A.17, A.18',
  title: 'REGISTRATION ACCEPT with a SOR transparent container (ACK requested) → ACK in REGISTRATION COMPLETE',
  checks: 'SOR-MAC-IAUSF checked with the valid KAUSF (A.17); SOR-MAC-IUE = A.18(KAUSF, CounterSoR) in the ACK',
  notDone: 'not done: steering of roaming (SOR-MAC-IAUSF / SOR-MAC-IUE, TS 33.501 A.17/A.18, CounterSoR) is not in the UE model',
}];
