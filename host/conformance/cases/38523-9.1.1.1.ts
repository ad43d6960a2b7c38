/** TS 38.523-1 9.1.1.1 EAP based primary authentication and key agreement / EAP-AKA′ related
 *  procedures (TS 24.501 5.4.1.2.2.3, 5.4.1.2.2.4, 5.4.1.2.2.6B, 5.4.1.2.2.8). */
import type { TestPurpose } from '../types.js';

/** EAP-AKA′ on the UE is being built on another branch; until it is merged these TPs fail. */
export const EAP_NOT_MERGED = 'EAP-AKA′ on the UE not merged yet';

const tp = (n: number, title: string, clause: string, checks: string): TestPurpose =>
  ({ id: `38.523-1 9.1.1.1 TP${n}`, title, scope: 'IN', clause, checks, notDone: EAP_NOT_MERGED });

export const cases: TestPurpose[] = [
  tp(1, 'EAP-Request/AKA′-Identity → EAP-Response/AKA′-Identity', 'TS 24.501 5.4.1.2.2.6B', 'SUCI-based identity (33.501 F.2); no key or context change'),
  tp(2, 'EAP-Request/AKA′-Challenge with a wrong SQN → EAP-Response/AKA′-Synchronization-Failure', 'TS 24.501 5.4.1.2.2.3/5.4.1.2.2.4', 'AT_AUTS; no CK/IK, no KAUSF; context and COUNTs unchanged'),
  tp(3, 'valid EAP-Request/AKA′-Challenge → EAP-Response/AKA′-Challenge', 'TS 24.501 5.4.1.2.2.3', 'CK′/IK′ (A.3), KAUSF = EMSK[0..255], KSEAF, KAMF; partial context, not current'),
  tp(4, 'EAP-Success in AUTHENTICATION RESULT → authentication successful', 'TS 24.501 5.4.1.2.2.8', 'partial context becomes current only with the SMC; EAP-Success inside the SMC too'),
];
