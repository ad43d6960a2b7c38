/** TS 38.523-1 9.1.3.1 Identification procedure (TS 24.501 5.4.3.3, 4.4.4.3, 5.4.3.5). */
import * as M from '../../nas/messages.js';
import { MT5, IDENTITY_TYPE } from '../../ue/ue-nas.js';
import { NetworkNasContext } from '../../network/nas-security.js';
import { check, same } from '../ss.js';
import { expectedSuci, identityOf, parseLoci, PIXIT_IMEISV } from '../checks.js';
import { out, type TestPurpose } from '../types.js';

const identityRequest = (type: number) => Uint8Array.of(0x7e, 0x00, MT5.IDENTITY_REQUEST, type & 7);


export const cases: TestPurpose[] = [
  {
    id: '38.523-1 9.1.3.1 TP1', scope: 'PART', clause: 'TS 24.501 5.4.3.5',
    title: 'IDENTITY RESPONSE could not be sent (lower layers) → the UE restarts the initial registration',
    checks: 'a new initial REGISTRATION REQUEST, plain, ngKSI 111 and the SUCI; no key derived, nothing stored valid',
    run(ss) {
      ss.ueRegister();
      const r = ss.send(identityRequest(IDENTITY_TYPE.SUCI));
      const idr = ss.decode(r.sent, null);
      check(idr.plain[2] === MT5.IDENTITY_RESPONSE, 'no IDENTITY RESPONSE to the SUCI request');
      const again = ss.nas.transmissionFailure(MT5.IDENTITY_RESPONSE);
      check(again, 'the UE did not restart the initial registration after the lower-layer failure');
      const p = M.parseRegistrationRequest(again);
      check(again[1] === 0 && p.type === M.REG_TYPE.INITIAL && p.ngKsi === 7, `restart is not a plain initial REGISTRATION REQUEST with ngKSI 111 (type ${p.type}, ngKSI ${p.ngKsi})`);
      check(same(p.identity, expectedSuci()), 'restart does not carry the SUCI');
      check((['current', 'new'] as const).every((s) => ss.ue.fw.read(s).type === 'none'), 'a key context exists after the restart');
      return 'initial registration restarted (plain, ngKSI 111, SUCI); no key context (the RRC/lower-layer failure itself is injected by the SS)';
    },
  },
  {
    id: '38.523-1 9.1.3.1 TP2', scope: 'IN', clause: 'TS 24.501 5.4.3.3, 4.4.4.3',
    title: 'unprotected IDENTITY REQUEST (SUCI) → IDENTITY RESPONSE with the SUCI, only before secure exchange',
    checks: 'IDENTITY RESPONSE plain with the null-scheme SUCI before the SMC; after the SMC the same unprotected request is discarded, DL COUNT unchanged',
    run(ss) {
      ss.ueRegister();
      const r = ss.decode(ss.send(identityRequest(IDENTITY_TYPE.SUCI)).sent, null);
      check(r.sht === 0 && r.plain[2] === MT5.IDENTITY_RESPONSE, 'no plain IDENTITY RESPONSE before security');
      check(same(identityOf(r.plain), expectedSuci()), 'the identity is not the null-scheme SUCI of the subscriber');
      // the same UE after AKA and SMC: secure exchange established (TS 24.501 4.4.4.3)
      const c = ss.challenge(1);
      ss.send(ss.authenticationRequest(c));
      const nas = new NetworkNasContext(c.kamf, 1, 2, 2);
      ss.decode(ss.send(ss.smc(nas)).sent, nas);
      const dl = ss.ue.fw.read('current').dlCount['3gpp'];
      const after = ss.send(identityRequest(IDENTITY_TYPE.SUCI));
      check(after.sent === null && after.discarded !== null, 'an unprotected IDENTITY REQUEST was answered after security was established');
      check(ss.ue.fw.read('current').dlCount['3gpp'] === dl, 'DL COUNT moved');
      return 'SUCI (null scheme) sent in a plain IDENTITY RESPONSE before security; the same request after the SMC discarded';
    },
  },
  {
    id: '38.523-1 9.1.3.1 TP3', scope: 'PART', clause: 'TS 24.501 5.4.3.3',
    title: 'IDENTITY REQUEST (IMEISV) → IDENTITY RESPONSE with the IMEISV',
    checks: 'IDENTITY RESPONSE integrity protected and ciphered with the current context (MAC at the next UL COUNT), identity = IMEISV',
    run(ss) {
      ss.register(1);
      const before = ss.ue.fw.read('current').ulCount['3gpp'];
      const u = ss.decode(ss.send(ss.protect(identityRequest(IDENTITY_TYPE.IMEISV))).sent);
      check(u.sht === 2 && u.count === before, `response header type ${u.sht} at UL COUNT ${u.count}, expected 2 at ${before}`);
      check(u.plain[2] === MT5.IDENTITY_RESPONSE && same(identityOf(u.plain), PIXIT_IMEISV), 'identity is not the IMEISV');
      return `IDENTITY RESPONSE (IMEISV), protected, MAC OK at UL COUNT ${u.count}`;
    },
  },
  out('38.523-1 9.1.3.1 TP4', 'IDENTITY REQUEST (IMEI) → IDENTITY RESPONSE with the IMEI', 'TS 24.501 5.4.3.3', 'an identity answer with no key, context or stored-value aspect (scope table: OUT)'),
  {
    id: '38.523-1 9.1.3.1 TP5', scope: 'PART', clause: 'TS 24.501 5.4.3.3',
    title: 'no valid 5G-GUTI: IDENTITY REQUEST (5G-GUTI) → "No identity"',
    checks: 'IDENTITY RESPONSE with identity type 000, protected; EF 5GS3GPPLOCI bytes 1–13 all FF',
    run(ss) {
      ss.secure();
      const u = ss.decode(ss.send(ss.protect(identityRequest(IDENTITY_TYPE.GUTI))).sent);
      const id = identityOf(u.plain);
      check(u.plain[2] === MT5.IDENTITY_RESPONSE && id.length >= 1 && (id[0] & 7) === 0, `identity type ${id[0] & 7}, expected 000 "No identity"`);
      const l = parseLoci(ss.loci());
      check(!l || l.guti === null, 'EF 5GS3GPPLOCI holds a 5G-GUTI');
      return 'IDENTITY RESPONSE "No identity" (type 000), protected; EF 5GS3GPPLOCI has no 5G-GUTI';
    },
  },
];
