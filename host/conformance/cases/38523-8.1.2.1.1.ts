/** TS 38.523-1 8.1.2.1.1 RRC reconfiguration / DRB / SRB (TS 38.331 5.3.4.3; keys TS 33.501 6.9.2.1.1, A.8, A.9). */
import { ref } from '../../reference/kdf.js';
import { check, same } from '../ss.js';
import { out, type TestPurpose } from '../types.js';

export const cases: TestPurpose[] = [
  {
    id: '38.523-1 8.1.2.1.1 TP1', scope: 'PART', clause: 'TS 38.331 5.3.4.3; TS 33.501 6.9.2.1.1, A.8, A.9',
    title: 'SecurityModeCommand (RRC), then RRCReconfiguration adding a DRB and SRB2',
    checks: 'the UE\'s KgNB after the NAS SMC = A.9(KAMF, UL COUNT of the SECURITY MODE COMPLETE = 0), NCC 0; KRRCint/KRRCenc = A.8(KgNB) for NIA2/NEA2 from the UE\'s KDF (RRC itself not modelled)',
    run(ss) {
      const c = ss.register(1);
      const cur = ss.ue.fw.read('current');
      const kgnb = ref.kgnb(c.kamf, 0, 1);
      check(same(cur.kgnb, kgnb), 'KgNB is not A.9(KAMF, UL COUNT 0 of the SECURITY MODE COMPLETE)');
      check(cur.ncc === 0, `NCC ${cur.ncc}, expected 0`);
      const int = ss.ue.fw.keys.algKey({ key: cur.kgnb, distinguisher: 0x04, algId: 2 });
      const enc = ss.ue.fw.keys.algKey({ key: cur.kgnb, distinguisher: 0x03, algId: 2 });
      check(same(int, ref.algKey(kgnb, 0x04, 2)) && same(enc, ref.algKey(kgnb, 0x03, 2)), 'KRRCint/KRRCenc are not A.8(KgNB)');
      return 'KgNB = A.9(KAMF, 0), NCC 0; KRRCint/KRRCenc = A.8(KgNB, NIA2/NEA2)';
    },
  },
  out('38.523-1 8.1.2.1.1 TP2', 'RRCReconfiguration modifying SRB/DRB', 'TS 38.331 5.3.5.6.x', 'radio bearer configuration; no key aspect'),
  out('38.523-1 8.1.2.1.1 TP3', 'RRCReconfiguration releasing DRBs', 'TS 38.331 5.3.5.6.x', 'radio bearer release; no key aspect'),
];
