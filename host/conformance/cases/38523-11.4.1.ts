/** TS 38.523-1 11.4.1 Emergency call, network failing the authentication check (5G AKA)
 *  (TS 24.501 5.6.1.2, 6.4.1.2, 5.4.1.3.7). */
import * as M from '../../nas/messages.js';
import { check, same } from '../ss.js';
import type { TestPurpose } from '../types.js';
import { serviceRequestCheck } from './38523-9.1.7.1.js';

export const cases: TestPurpose[] = [
  {
    id: '38.523-1 11.4.1 TP1', scope: 'PART', clause: 'TS 24.501 5.6.1.2',
    title: 'emergency number dialled in 5GMM-IDLE → SERVICE REQUEST "emergency services"',
    checks: 'SERVICE REQUEST service type 3, protected with the current context, UL COUNT + 1, KgNB = A.9 (the PDU session part is out of scope)',
    run(ss) { const c = ss.register(1); const n = serviceRequestCheck(ss, c.kamf, 3); return `SERVICE REQUEST (emergency services) MAC OK at UL COUNT ${n}`; },
  },
  {
    id: '38.523-1 11.4.1 TP2', scope: 'IN', clause: 'TS 24.501 5.4.1.3.7',
    title: 'emergency call up; the network fails the authentication check → the UE keeps the current security context',
    checks: 'AUTHENTICATION FAILURE #20 protected with the current context (MAC verified); KAMF/ngKSI kept, no partial context, only the UL COUNT of the failure spent (PDU session release out of scope)',
    run(ss) {
      const c = ss.register(1);
      serviceRequestCheck(ss, c.kamf, 3);
      ss.nas.secure = true; // the SS's downlink after the SERVICE REQUEST establishes secure exchange
      const before = ss.ue.fw.read('current');
      const bad = ss.challenge(2, { corruptMac: true });
      const u = ss.decode(ss.send(ss.protect(ss.authenticationRequest(bad))).sent);
      check(u.plain[2] === M.MT.AUTHENTICATION_FAILURE && u.plain[3] === 20, `expected AUTHENTICATION FAILURE #20, got type 0x${u.plain[2].toString(16)} cause ${u.plain[3]}`);
      check(u.sht === 2, `AUTHENTICATION FAILURE header type ${u.sht}, expected 2 (current context)`);
      const after = ss.ue.fw.read('current');
      check(same(after.kamf, c.kamf) && after.ngKsi === 1, 'current KAMF/ngKSI not kept');
      check(after.ulCount['3gpp'] === before.ulCount['3gpp'] + 1, 'UL COUNT moved by more than the AUTHENTICATION FAILURE');
      check(ss.ue.fw.read('new').type === 'none', 'a partial context was created from the failed challenge');
      return 'AUTHENTICATION FAILURE #20 protected with the current context (MAC OK); KAMF, ngKSI kept; no partial context';
    },
  },
];
