/** TS 38.523-1 9.1.7.1 Service request (TS 24.501 5.6.1.1, 5.6.1.5, 5.6.1.7; KgNB TS 33.501 6.9.2.1.1). */
import * as M from '../../nas/messages.js';
import { MT5 } from '../../ue/ue-nas.js';
import { ref } from '../../reference/kdf.js';
import { check, same, type SystemSimulator } from '../ss.js';
import { out, type TestPurpose } from '../types.js';

/** SERVICE REQUEST from 5GMM-IDLE, checked: header type 1, MAC at the next UL COUNT, ngKSI,
 *  service type, UL COUNT + 1, KgNB = A.9(KAMF, that COUNT) (node:crypto reference). */
export function serviceRequestCheck(ss: SystemSimulator, kamf: Uint8Array, serviceType: number) {
  const ul = ss.ue.fw.read('current').ulCount['3gpp'];
  const sr = ss.nas.serviceRequest(serviceType);
  const u = ss.decode(sr.message);
  check(u.sht === 1 && u.plain[2] === MT5.SERVICE_REQUEST, `SERVICE REQUEST header type ${u.sht}, expected 1 (integrity protected)`);
  check(u.count === ul, `SERVICE REQUEST at UL COUNT ${u.count}, expected ${ul}`);
  // TS 24.501 8.2.16.1: octet 4 = service type (bits 8–5) ‖ ngKSI (bits 4–1)
  check((u.plain[3] & 0x0f) === 1 && u.plain[3] >> 4 === serviceType, `ngKSI ${u.plain[3] & 0x0f} / service type ${u.plain[3] >> 4}, expected 1 / ${serviceType}`);
  check(ss.ue.fw.read('current').ulCount['3gpp'] === ul + 1, 'UL COUNT did not increment exactly once');
  check(same(sr.kgnb, ref.kgnb(kamf, u.count!, 1)), 'KgNB is not A.9(KAMF, UL COUNT of the SERVICE REQUEST)');
  return u.count!;
}

export const cases: TestPurpose[] = [
  {
    id: '38.523-1 9.1.7.1 TP1', scope: 'PART', clause: 'TS 24.501 5.6.1.1; TS 33.501 6.9.2.1.1',
    title: 'uplink data pending in 5GMM-IDLE → SERVICE REQUEST',
    checks: 'SERVICE REQUEST integrity protected with the current context (5G-S-TMSI, ngKSI), UL COUNT + 1, KgNB = A.9(KAMF, its UL COUNT)',
    run(ss) {
      const c = ss.register(1);
      const n = serviceRequestCheck(ss, c.kamf, 1);
      return `SERVICE REQUEST MAC OK at UL COUNT ${n}; KgNB = A.9(KAMF, ${n})`;
    },
  },
  {
    id: '38.523-1 9.1.7.1 TP2', scope: 'PART', clause: 'TS 24.501 5.6.1.5',
    title: 'SERVICE REJECT #28 (restricted service area) → mobility registration update',
    checks: 'REGISTRATION REQUEST (mobility), integrity protected with the same context; context kept',
    run(ss) {
      const c = ss.register(1);
      serviceRequestCheck(ss, c.kamf, 1);
      const r = ss.send(ss.protect(Uint8Array.of(0x7e, 0x00, MT5.SERVICE_REJECT, 28)));
      const u = ss.decode(r.sent);
      const p = M.parseRegistrationRequest(u.plain);
      check(u.sht === 1 && p.type === M.REG_TYPE.MOBILITY_UPDATING && p.ngKsi === 1, 'no integrity protected mobility REGISTRATION REQUEST with ngKSI 1');
      check(same(ss.ue.fw.read('current').kamf, c.kamf), 'context not kept');
      return `mobility REGISTRATION REQUEST, MAC OK at UL COUNT ${u.count}; context kept (#28 deletes no key)`;
    },
  },
  out('38.523-1 9.1.7.1 TP3', 'T3517 expiry → attempt counter, abort', 'TS 24.501 5.6.1.7', 'timers only'),
  out('38.523-1 9.1.7.1 TP4', 'attempt counter 5 → T3525', 'TS 24.501 5.6.1.7', 'timers only'),
];
