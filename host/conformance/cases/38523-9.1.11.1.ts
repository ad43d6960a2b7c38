/** TS 38.523-1 9.1.11.1 SNPN / initial registration rejected #74 (TS 24.501 5.5.1.2.5). */
import * as M from '../../nas/messages.js';
import { check, same } from '../ss.js';
import { expectedSuci, parseLoci, parseNsc } from '../checks.js';
import { out, type TestPurpose } from '../types.js';

export const cases: TestPurpose[] = [
  {
    id: '38.523-1 9.1.11.1 TP1', scope: 'PART', clause: 'TS 24.501 5.5.1.2.5',
    title: 'REGISTRATION REJECT #74 → 5G-GUTI, last visited TAI and ngKSI deleted',
    checks: 'EF 5GS3GPPNSC "no key" (KSI 111); EF 5GS3GPPLOCI without 5G-GUTI, TAI deleted; the next initial REGISTRATION REQUEST is plain with ngKSI 111 and the SUCI (SNPN lists not modelled)',
    run(ss) {
      ss.register(1);
      ss.nas.deregister(true);
      ss.powerOn();
      const rr = ss.ueRegister();
      check(rr[1] === 1, 'preamble: the REGISTRATION REQUEST after power-on is not protected with the stored context');
      ss.send(M.registrationReject(74));
      const s = parseNsc(ss.nscRecord());
      check(s && s.ksi === 7, 'ngKSI not deleted from EF 5GS3GPPNSC');
      const l = parseLoci(ss.loci());
      check(l && l.guti === null && same(l.tai.slice(3), Uint8Array.of(0xff, 0xff, 0xfe)), 'EF 5GS3GPPLOCI still has the 5G-GUTI or the last visited TAI');
      const next = ss.ueRegister();
      const p = M.parseRegistrationRequest(next);
      check(next[1] === 0 && p.ngKsi === 7 && same(p.identity, expectedSuci()), 'the next initial REGISTRATION REQUEST is not plain with ngKSI 111 and the SUCI');
      return 'ngKSI, 5G-GUTI and last visited TAI deleted (EF 5GS3GPPNSC KSI 111, EF 5GS3GPPLOCI FF…/TAC FFFFFE); next REGISTRATION REQUEST plain, ngKSI 111, SUCI';
    },
  },
  out('38.523-1 9.1.11.1 TP2', 'temporarily forbidden SNPN kept ≥ 60 min', 'TS 24.501 5.5.1.2.5', 'SNPN selection lists and timers'),
  out('38.523-1 9.1.11.1 TP3', 'registration on another SNPN with subscriber data', 'TS 23.122 4.9.3.0', 'SNPN selection'),
];
