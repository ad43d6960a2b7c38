/** TS 36.523-1 22.5.10 NB-IoT / EPS NAS integrity and encryption / SNOW 3G (TS 24.301 5.4.3.3,
 *  4.4.4.2). The EPS SMC is not modelled: the 5G SMC with 128-NIA1/NEA1 (= 128-EIA1/EEA1, TS 33.501 D.2/D.3). */
import * as M from '../../nas/messages.js';
import { ref } from '../../reference/kdf.js';
import { check, same, type SystemSimulator } from '../ss.js';
import { SsNasContext } from '../ss-nas.js';
import type { TestPurpose } from '../types.js';

const NAMES: Record<number, string> = { 1: 'SNOW 3G (128-NIA1/NEA1)', 2: 'AES (128-NIA2/NEA2)', 3: 'ZUC (128-NIA3/NEA3)' };

/**
 * AKA, then an SMC selecting integrity and ciphering algorithm `alg` for both: the SS protects the
 * SMC and verifies/deciphers the COMPLETE with its own implementation (host/reference: SNOW 3G and
 * ZUC in TypeScript, AES from node:crypto); the UE's NAS keys must be A.8 for that id; afterwards
 * a DL message failing the check is discarded and a good one answered under the same algorithms.
 */
export function algorithmSmc(ss: SystemSimulator, alg: 1 | 2 | 3): string {
  ss.ueRegister();
  const c = ss.challenge(1);
  ss.send(ss.authenticationRequest(c));
  const nas = new SsNasContext(c.kamf, 1, alg, alg);
  const u = ss.decode(ss.send(ss.smc(nas)).sent, nas);
  check(u.sht === 4 && u.count === 0 && u.plain[2] === M.MT.SECURITY_MODE_COMPLETE, `COMPLETE not verified and deciphered with ${NAMES[alg]} at UL COUNT 0`);
  const cur = ss.ue.fw.read('current');
  const k = ref.nasKeys(c.kamf, alg, alg);
  check(cur.nia === alg && cur.nea === alg && same(cur.knasint, k.knasint) && same(cur.knasenc, k.knasenc), `NAS keys are not A.8 for algorithm id ${alg}`);
  ss.net = nas;
  const bad = ss.protect(M.registrationAccept({}));
  bad[2] ^= 1;
  check(ss.send(bad).discarded === 'integrity check failed', 'a DL message failing the integrity check was processed');
  const rc = ss.decode(ss.send(ss.protect(M.registrationAccept({}))).sent);
  check(rc.sht === 2 && rc.plain[2] === M.MT.REGISTRATION_COMPLETE, `REGISTRATION COMPLETE not protected with ${NAMES[alg]}`);
  return `KNASint/KNASenc = A.8(id ${alg}); COMPLETE MAC and ciphering verified with the SS's ${NAMES[alg]}; bad MAC discarded; UL/DL protected after`;
}

export const cases: TestPurpose[] = [{
  id: '36.523-1 22.5.10 TP1', scope: 'IN', clause: 'TS 24.301 5.4.3.3; 5G: TS 24.501 5.4.2.3',
  title: 'SECURITY MODE COMMAND selecting SNOW 3G (id 001) → COMPLETE protected with SNOW 3G',
  checks: '5G analogue (128-NIA1/NEA1 = 128-EIA1/EEA1): KNASint/KNASenc = A.8 with algorithm id 1; SMC protected, COMPLETE verified and deciphered by the SS\'s own SNOW 3G (host/reference/snow3g.ts, checked against TS 33.401 Annex C); a DL message failing the check discarded, a good one accepted',
  run: (ss) => algorithmSmc(ss, 1),
}];
