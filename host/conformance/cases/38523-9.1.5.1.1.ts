/** TS 38.523-1 9.1.5.1.1 Initial registration / 5G-GUTI reallocation, last visited TAI
 *  (TS 24.501 5.5.1.2.2, 5.5.1.2.4; stored context: TS 33.501 6.8.1.1, TS 24.501 C.1). */
import * as M from '../../nas/messages.js';
import { NetworkNasContext } from '../../network/nas-security.js';
import { check, same, SS_GUTI, type SystemSimulator } from '../ss.js';
import { expectedSuci, parseLoci, parseNsc } from '../checks.js';
import type { TestPurpose } from '../types.js';

/**
 * Power cycle (switch off, on) and the REGISTRATION REQUEST after it: the stored native context is
 * loaded if valid, its ngKSI sent, the message integrity protected with KNASint re-derived from the
 * stored KAMF at the restored UL COUNT (verified with the SS's own node:crypto context), and the
 * stored copy marked invalid while the registration runs.
 */
function powerCycleCheck(ss: SystemSimulator, kamf: Uint8Array) {
  ss.nas.deregister(true);
  const stored = parseNsc(ss.nscRecord());
  check(stored && stored.ksi === 1 && same(stored.kamf, kamf), 'switch-off did not store the context valid');
  ss.powerOn();
  const rr = ss.ueRegister(M.REG_TYPE.INITIAL);
  const v = new NetworkNasContext(kamf, 1, 2, 2);
  v.ulLast['3gpp'] = stored.ul! - 1;
  const u = ss.decode(rr, v);
  check(u.sht === 1 && u.count === stored.ul, `REGISTRATION REQUEST after power-on: header type ${u.sht} at UL COUNT ${u.count}, expected 1 at the stored ${stored.ul}`);
  const p = M.parseRegistrationRequest(u.plain);
  check(p.ngKsi === 1, `ngKSI ${p.ngKsi} sent, expected the stored 1`);
  const during = parseNsc(ss.nscRecord());
  check(during && during.ksi === 7, 'the stored copy is not marked invalid while the registration runs');
  return { p, count: u.count };
}

export const cases: TestPurpose[] = [
  {
    id: '38.523-1 9.1.5.1.1 TP1', scope: 'PART', clause: 'TS 24.501 5.5.1.2.2',
    title: 'no valid 5G-GUTI, SUCI available; switch off and on → REGISTRATION REQUEST with the SUCI',
    checks: 'identity = SUCI; the stored context (valid after switch-off) is loaded: its ngKSI, MAC at the restored UL COUNT, stored copy invalid during registration',
    run(ss) {
      const c = ss.secure();
      ss.send(ss.protect(M.registrationAccept({}))); // no 5G-GUTI assigned
      check(ss.ue.guti === null, 'preamble: the UE has a 5G-GUTI');
      const { p, count } = powerCycleCheck(ss, c.kamf);
      check(same(p.identity, expectedSuci()), 'the REGISTRATION REQUEST does not carry the SUCI');
      return `SUCI sent; stored context loaded (ngKSI 1, MAC OK at UL COUNT ${count}); stored copy invalid during registration`;
    },
  },
  {
    id: '38.523-1 9.1.5.1.1 TP2', scope: 'PART', clause: 'TS 24.501 5.5.1.2.2',
    title: 'power cycle onto a PLMN neither last nor equivalent → 5G-GUTI of the last PLMN and the last visited registered TAI',
    checks: 'EF 5GS3GPPLOCI (5G-GUTI, TAI) survives the power cycle; the REGISTRATION REQUEST carries that 5G-GUTI; key part as TP1. PLMN selection and the last visited TAI IE are not modelled (not checked)',
    run(ss) {
      const c = ss.register(1);
      const before = parseLoci(ss.loci());
      const { p, count } = powerCycleCheck(ss, c.kamf);
      const after = parseLoci(ss.loci());
      check(before && after && same(after.guti, before.guti) && same(after.tai, before.tai), 'EF 5GS3GPPLOCI did not survive the power cycle');
      check(same(p.identity, SS_GUTI), 'the REGISTRATION REQUEST does not carry the stored 5G-GUTI');
      return `EF 5GS3GPPLOCI kept; 5G-GUTI sent; MAC OK at UL COUNT ${count} (last visited TAI IE not modelled)`;
    },
  },
  {
    id: '38.523-1 9.1.5.1.1 TP3', scope: 'PART', clause: 'TS 24.501 5.5.1.2.2',
    title: 'power cycle with a 5G-GUTI from an equivalent PLMN → that 5G-GUTI',
    checks: 'the stored 5G-GUTI is sent after the power cycle; key part as TP1 (equivalent PLMNs not modelled)',
    run(ss) {
      const c = ss.register(1);
      const { p, count } = powerCycleCheck(ss, c.kamf);
      check(same(p.identity, SS_GUTI), 'the REGISTRATION REQUEST does not carry the stored 5G-GUTI');
      return `stored 5G-GUTI sent, MAC OK at UL COUNT ${count}`;
    },
  },
  {
    id: '38.523-1 9.1.5.1.1 TP4', scope: 'PART', clause: 'TS 24.501 5.5.1.2.2',
    title: 'power cycle onto the same PLMN → 5G-GUTI of the last registered PLMN',
    checks: 'the stored 5G-GUTI is sent; ngKSI and UL COUNT of the stored context; then a new AKA/SMC (TS 38.508-1 default) is accepted',
    run(ss) {
      const c = ss.register(1);
      const { p } = powerCycleCheck(ss, c.kamf);
      check(same(p.identity, SS_GUTI), 'the REGISTRATION REQUEST does not carry the stored 5G-GUTI');
      const c2 = ss.challenge(2);
      ss.send(ss.authenticationRequest(c2));
      const nas = new NetworkNasContext(c2.kamf, 2, 2, 2);
      const comp = ss.decode(ss.send(ss.smc(nas)).sent, nas);
      check(comp.plain[2] === M.MT.SECURITY_MODE_COMPLETE && comp.count === 0, 'new AKA/SMC after the power cycle not completed at UL COUNT 0');
      return 'stored 5G-GUTI sent with the stored ngKSI; a new AKA/SMC then completes at UL COUNT 0';
    },
  },
];
