/** TS 36.523-1 22.5.11 NB-IoT / EPS NAS integrity and encryption / AES (TS 24.301 5.4.3.3). The
 *  EPS SMC is not modelled: the 5G SMC with 128-NIA2/NEA2 (the same AES algorithms, TS 33.501 D.2/D.3). */
import * as M from '../../nas/messages.js';
import { NetworkNasContext } from '../../network/nas-security.js';
import { ref } from '../../reference/kdf.js';
import { check, same } from '../ss.js';
import type { TestPurpose } from '../types.js';

export const cases: TestPurpose[] = [{
  id: '36.523-1 22.5.11 TP1', scope: 'IN', clause: 'TS 24.301 5.4.3.3; 5G: TS 24.501 5.4.2.3',
  title: 'SECURITY MODE COMMAND selecting AES (id 010) → COMPLETE protected with AES',
  checks: 'KNASint/KNASenc = A.8 with algorithm id 2; COMPLETE MAC (AES-CMAC, node:crypto) and AES-CTR ciphering verified; DL then accepted only when integrity checked',
  run(ss) {
    ss.ueRegister();
    const c = ss.challenge(1);
    ss.send(ss.authenticationRequest(c));
    const nas = new NetworkNasContext(c.kamf, 1, 2, 2);
    const u = ss.decode(ss.send(ss.smc(nas)).sent, nas);
    check(u.sht === 4 && u.plain[2] === M.MT.SECURITY_MODE_COMPLETE, 'COMPLETE not verified with 128-NIA2/NEA2');
    const cur = ss.ue.fw.read('current');
    const k = ref.nasKeys(c.kamf, 2, 2);
    check(cur.nia === 2 && cur.nea === 2 && same(cur.knasint, k.knasint) && same(cur.knasenc, k.knasenc), 'NAS keys are not A.8 for algorithm id 2');
    ss.net = nas;
    const bad = ss.protect(M.registrationAccept({}));
    bad[3] ^= 1;
    check(ss.send(bad).discarded === 'integrity check failed', 'a DL message failing the integrity check was processed');
    return 'KNASint/KNASenc = A.8(id 2); COMPLETE AES-CMAC and AES-CTR verified; a DL message failing the check discarded';
  },
}];
