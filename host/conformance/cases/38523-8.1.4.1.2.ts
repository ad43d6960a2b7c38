/** TS 38.523-1 8.1.4.1.2 Intra NR handover / inter-frequency (TS 38.331 5.3.5.7; keys TS 33.501 6.9.2.3.4, 6.9.4.4, A.9). */
import { ref } from '../../reference/kdf.js';
import { NO_COUNT } from '../../types.js';
import { n2HandoverTarget } from '../../network/mme.js';
import { UeInterworking } from '../../firmware/ue-interworking.js';
import { SUBSCRIBER } from '../../scenarios/setup.js';
import { check, same, SS_GUTI } from '../ss.js';
import { out, type TestPurpose } from '../types.js';

export const cases: TestPurpose[] = [
  out('38.523-1 8.1.4.1.2 TP1', 'handover with reconfigurationWithSync and rach-ConfigDedicated', 'TS 38.331 5.3.5.5.x', 'radio procedure; no key change'),
  out('38.523-1 8.1.4.1.2 TP2', 'handover with reconfigurationWithSync without rach-ConfigDedicated', 'TS 38.331 5.3.5.5.x', 'radio procedure; no key change'),
  out('38.523-1 8.1.4.1.2 TP3', 'dedicatedSIB1-Delivery with a changed TAC', 'TS 38.331 5.2.2.4.2', 'system information'),
  {
    id: '38.523-1 8.1.4.1.2 TP4', scope: 'PART', clause: 'TS 38.331 5.3.5.7; TS 33.501 6.9.2.3.4, 6.9.4.4',
    title: 'RRCReconfiguration with reconfigurationWithSync and keySetChangeIndicator = true → handover with a key update',
    checks: 'after an Intra N1 mode NAS container with KACF = 1 (built by the SS\'s node:crypto AMF): KAMF′ = A.13(KAMF, DIRECTION 1, DL COUNT), COUNTs 0, KgNB = A.9(KAMF′, 2^32−1), NCC 0',
    run(ss) {
      const c = ss.register(1);
      const t = n2HandoverTarget({ supi: SUBSCRIBER.supi, guti: SS_GUTI, nas: ss.net!, ueSecurityCapabilities: ss.ue.caps, transferPending: false }, { kacf: true }, ss.trace);
      const r = new UeInterworking(ss.ue.fw).n2Handover(t.nasc);
      check(r.kacf && r.dlCount === t.dlCount, `UE read KACF ${r.kacf} / DL COUNT ${r.dlCount}, expected 1 / ${t.dlCount}`);
      const cur = ss.ue.fw.read('current');
      const kamfP = ref.kamfPrime(c.kamf, 1, t.dlCount);
      check(same(cur.kamf, kamfP), 'KAMF′ is not A.13(KAMF, DIRECTION 1, DL COUNT)');
      check(cur.ulCount['3gpp'] === 0, 'NAS COUNTs not reset');
      check(same(cur.kgnb, ref.kgnb(kamfP, NO_COUNT, 1)) && cur.ncc === 0, 'KgNB is not A.9(KAMF′, 2^32−1) with NCC 0');
      return `KAMF′ = A.13(KAMF, 1, ${t.dlCount}); COUNTs 0; KgNB = A.9(KAMF′, 2^32−1), NCC 0`;
    },
  },
];
