/** TS 36.523-1 22.5.1 NB-IoT / authentication not accepted by the network, SQN failure, non-EPS
 *  authentication unacceptable (TS 24.301 5.4.2.5–5.4.2.7; TS 33.102 6.3.3/6.3.5; 5G analogue TS 24.501 5.4.1.3.5). */
import { resyncSqnMs, sqnValue } from '../../reference/milenage.js';
import { SUBSCRIBER } from '../../scenarios/setup.js';
import { check, same, SystemSimulator } from '../ss.js';
import type { TestPurpose } from '../types.js';
import { epsAka, epsAuthRequest, expectedKasme, EPS_MT_AKA } from './eps-aka.js';

/** A used SQN replayed → synch failure: AUTS recovers SQN_MS (node:crypto MILENAGE f1* and f5*). */
function syncFailure(ss: SystemSimulator) {
  const aka = epsAka(ss);
  const c1 = ss.challenge(1);
  check(aka.authenticationRequest(epsAuthRequest(c1))[1] === EPS_MT_AKA.AUTHENTICATION_RESPONSE, 'preamble: first challenge not accepted');
  const ctx = aka.context!.kasme.slice();
  const sqnBefore = JSON.stringify(ss.ue.usim.sqnState(), (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  const stale = ss.challenge(2, { sqn: sqnValue(c1.sqn) });
  const f = aka.authenticationRequest(epsAuthRequest(stale));
  check(f[1] === EPS_MT_AKA.AUTHENTICATION_FAILURE && f[2] === 21, `expected AUTHENTICATION FAILURE #21, got type 0x${f[1].toString(16)} cause ${f[2]}`);
  check(f[3] === 0x30 && f[4] === 14, 'no AUTS (IEI 30, 14 octets)');
  const sqnMs = resyncSqnMs(SUBSCRIBER.k, SUBSCRIBER.opc, stale.rand, f.slice(5, 19));
  check(sqnMs && sqnValue(sqnMs) >= sqnValue(c1.sqn), 'AUTS does not verify (MAC-S) or does not carry the highest accepted SQN');
  const sqnAfter = JSON.stringify(ss.ue.usim.sqnState(), (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  check(sqnAfter === sqnBefore, 'the USIM SQN state changed on the failed challenge');
  check(same(aka.context!.kasme, ctx), 'the EPS context changed');
  return { aka, sqnMs };
}

export const cases: TestPurpose[] = [
  {
    id: '36.523-1 22.5.1 TP1', scope: 'IN', clause: 'TS 24.301 5.4.2.5; 5G: TS 24.501 5.4.1.3.5',
    title: 'AUTHENTICATION REJECT → EU3, GUTI/TAI/KSI deleted, EMM-DEREGISTERED (as 9.1.2.3 TP1)',
    checks: 'as 36.523-1 9.1.2.3 TP1, with a USIM without the DF5GS EFs: the same deletions in ME NVM',
    run(given) {
      const ss = new SystemSimulator({ services: [], build: given.build }); // the same firmware build
      ss.register(1);
      ss.nas.deregister(true);
      ss.powerOn();
      ss.ueRegister();
      ss.send(ss.authenticationRequest(ss.challenge(2)));
      ss.send(Uint8Array.of(0x7e, 0x00, 0x58));
      const nsc = ss.ue.store.me.readNsc('3gpp');
      check(!nsc || !nsc.valid, 'ME NVM context still valid (ngKSI not deleted)');
      const loci = ss.ue.store.me.readLoci('3gpp');
      check(loci && loci.valid && loci.guti === null && loci.updateStatus === 2, 'ME NVM LOCI: 5G-GUTI not deleted or status not 5U3');
      check(ss.ue.store.me.readAuthKeys() === null, 'KAUSF/KSEAF still in ME NVM');
      check(ss.ue.usimInvalidFor5gs, 'USIM not considered invalid');
      return 'ME NVM: context invalid (ngKSI deleted), 5G-GUTI deleted, 5U3, KAUSF/KSEAF deleted; USIM invalid (5G analogue)';
    },
  },
  {
    id: '36.523-1 22.5.1 TP2', scope: 'IN', clause: 'TS 24.301 5.4.2.6; TS 33.102 6.3.3',
    title: 'AUTHENTICATION REQUEST with SQN out of range → AUTHENTICATION FAILURE "synch failure" + AUTS',
    checks: 'EMM AUTHENTICATION FAILURE #21 with AUTS that the SS\'s AuC (node:crypto MILENAGE) verifies; no key derived, USIM SQN state unchanged, old EPS context kept',
    run(ss) { const { sqnMs } = syncFailure(ss); return `AUTHENTICATION FAILURE #21; AUTS verified, SQN_MS ${sqnValue(sqnMs!)}; USIM SQN state and EPS context unchanged`; },
  },
  {
    id: '36.523-1 22.5.1 TP3', scope: 'IN', clause: 'TS 24.301 5.4.2.7',
    title: 'after the synch failure a new correct AUTHENTICATION REQUEST → correct AUTHENTICATION RESPONSE',
    checks: 'the SS resynchronises from AUTS; RES = XRES; new EPS context with the new eKSI and KASME = A.2 (T3420 not modelled)',
    run(ss) {
      const { aka } = syncFailure(ss);
      const c = ss.challenge(4);
      const r = aka.authenticationRequest(epsAuthRequest(c));
      check(r[1] === EPS_MT_AKA.AUTHENTICATION_RESPONSE && same(r.slice(3, 3 + r[2]), c.res), 'no correct AUTHENTICATION RESPONSE after the re-synchronisation');
      check(aka.context!.eKsi === 4 && same(aka.context!.kasme, expectedKasme(c)), 'new EPS context not from this challenge');
      return 'RES = XRES after the re-synchronisation; new EPS context eKSI 4, KASME = A.2';
    },
  },
  {
    id: '36.523-1 22.5.1 TP4', scope: 'IN', clause: 'TS 24.301 5.4.2.6; TS 33.401 6.1.2',
    title: 'AUTHENTICATION REQUEST with AMF separation bit 0 → AUTHENTICATION FAILURE #26',
    checks: 'EMM AUTHENTICATION FAILURE #26 "non-EPS authentication unacceptable"; no EPS context created',
    run(ss) {
      const aka = epsAka(ss);
      const f = aka.authenticationRequest(epsAuthRequest(ss.challenge(1, { amf: Uint8Array.of(0x00, 0x00) })));
      check(f[1] === EPS_MT_AKA.AUTHENTICATION_FAILURE && f[2] === 26, `expected AUTHENTICATION FAILURE #26, got type 0x${f[1].toString(16)} cause ${f[2]}`);
      check(aka.context === null, 'an EPS context was created');
      return 'AUTHENTICATION FAILURE #26; no context created';
    },
  },
  {
    id: '36.523-1 22.5.1 TP5', scope: 'PART', clause: 'TS 24.301 5.4.2.7 (Then not seen)',
    title: 'after AUTHENTICATION FAILURE #26, a new correct AUTHENTICATION REQUEST (Then not seen)',
    checks: 'the Then was not read; checked: the UE answers the next correct challenge with RES = XRES and creates the EPS context',
    run(ss) {
      const aka = epsAka(ss);
      aka.authenticationRequest(epsAuthRequest(ss.challenge(1, { amf: Uint8Array.of(0x00, 0x00) })));
      const c = ss.challenge(2);
      const r = aka.authenticationRequest(epsAuthRequest(c));
      check(r[1] === EPS_MT_AKA.AUTHENTICATION_RESPONSE && same(r.slice(3, 3 + r[2]), c.res), 'no correct AUTHENTICATION RESPONSE after #26');
      return 'after #26 the next correct challenge is answered (RES = XRES)';
    },
  },
];
