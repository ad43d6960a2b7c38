/** TS 38.523-1 9.1.2.1 NAS security mode command (TS 24.501 5.4.2.1, 5.4.2.3, 5.4.2.5). */
import { NetworkNasContext } from '../../network/nas-security.js';
import * as M from '../../nas/messages.js';
import { check, same, SS_GUTI, type SystemSimulator } from '../ss.js';
import { PIXIT_IMEISV, smcCompleteIes } from '../checks.js';
import type { TestPurpose } from '../types.js';

/** 5GMM-REGISTERED-INITIATED after 5G AKA (TS 38.508-1 4.9.8 steps 1–2): returns the challenge. */
function authenticated(ss: SystemSimulator) {
  const rr = ss.ueRegister();
  check(rr[1] === 0 && rr[2] === M.MT.REGISTRATION_REQUEST, 'the initial REGISTRATION REQUEST of a UE without a context is not a plain message');
  const c = ss.challenge(1);
  const r = ss.decode(ss.send(ss.authenticationRequest(c)).sent, null);
  check(r.plain[2] === M.MT.AUTHENTICATION_RESPONSE && same(r.plain.slice(5, 21), c.resStar), 'AUTHENTICATION RESPONSE with the expected RES* (A.4)');
  return { c, rr };
}

export const cases: TestPurpose[] = [
  {
    id: '38.523-1 9.1.2.1 TP1', scope: 'IN', clause: 'TS 24.501 5.4.2.3, 5.4.2.5',
    title: 'SMC with replayed UE security capabilities that do not match → SECURITY MODE REJECT, no NAS security started',
    checks: 'SECURITY MODE REJECT #23, plain (no previous context); no context current; a DL message protected with the rejected context is not processed',
    run(ss) {
      const { c } = authenticated(ss);
      const nas = new NetworkNasContext(c.kamf, 1, 2, 2);
      const caps = Uint8Array.of(ss.ue.caps[0] ^ 0x20, ss.ue.caps[1]); // 5G-EA2 bit flipped
      const r = ss.send(ss.smc(nas, { caps }));
      const rej = ss.decode(r.sent, null);
      check(rej.sht === 0, `SECURITY MODE REJECT must be unprotected without a previous context, header type ${rej.sht}`);
      check(rej.plain[2] === M.MT.SECURITY_MODE_REJECT, `expected SECURITY MODE REJECT, got message type 0x${rej.plain[2].toString(16)}`);
      check(rej.plain[3] === 23, `5GMM cause #${rej.plain[3]}, expected #23 UE security capabilities mismatch`);
      check(ss.ue.fw.read('current').type === 'none', 'a context became current after the rejected SMC');
      const dl = ss.send(nas.protectDownlink(2, M.registrationAccept({ guti: SS_GUTI })).message);
      check(dl.discarded !== null && dl.sent === null, 'the UE processed a downlink message protected with the rejected context (NAS security started)');
      return 'SECURITY MODE REJECT #23 sent plain; no context current; DL protected with the rejected context discarded';
    },
  },
  {
    id: '38.523-1 9.1.2.1 TP2', scope: 'IN', clause: 'TS 24.501 5.4.2.3',
    title: 'SMC requesting the IMEISV → SECURITY MODE COMPLETE integrity protected and ciphered with the IMEISV; NAS security in UL and DL',
    checks: 'header type 4, MAC (node:crypto 128-NIA2) at UL COUNT 0, IMEISV IE, NAS message container = the REGISTRATION REQUEST; new context current; KAUSF/KSEAF stored; next UL/DL protected',
    run(ss) {
      const { c, rr } = authenticated(ss);
      const nas = new NetworkNasContext(c.kamf, 1, 2, 2);
      const r = ss.send(ss.smc(nas, { imeisv: true }));
      check(r.sent && r.sent[1] === 4, `SECURITY MODE COMPLETE must use security header type 4, got ${r.sent?.[1]}`);
      const u = ss.decode(r.sent, nas);
      check(u.count === 0, `UL NAS COUNT of the COMPLETE is ${u.count}, expected 0 (new context)`);
      check(u.plain[2] === M.MT.SECURITY_MODE_COMPLETE, 'not a SECURITY MODE COMPLETE');
      const ies = smcCompleteIes(u.plain);
      check(same(ies.imeisv, PIXIT_IMEISV), 'IMEISV IE missing or not the UE\'s IMEISV');
      check(same(ies.container, rr), 'NAS message container does not hold the REGISTRATION REQUEST sent without a context');
      const cur = ss.ue.fw.read('current');
      check(cur.type === 'full-native' && cur.ngKsi === 1 && same(cur.kamf, c.kamf), 'the new context (KAMF of A.7, ngKSI 1) is not current');
      check(cur.ulCount['3gpp'] === 1 && cur.dlCount['3gpp'] === 0, `COUNTs UL ${cur.ulCount['3gpp']} DL ${cur.dlCount['3gpp']}, expected next UL 1 and DL 0`);
      const ak = ss.ue.store.loadAuthKeys();
      check(ak && ak.valid && same(ak.kausf, c.kausf) && same(ak.kseaf, c.kseaf), 'KAUSF/KSEAF of this AKA not stored after the SMC was accepted');
      ss.net = nas;
      const acc = ss.send(ss.protect(M.registrationAccept({ guti: SS_GUTI })));
      const rc = ss.decode(acc.sent);
      check(rc.sht === 2 && rc.count === 1 && rc.plain[2] === M.MT.REGISTRATION_COMPLETE, 'REGISTRATION COMPLETE not integrity protected and ciphered at UL COUNT 1');
      return 'SECURITY MODE COMPLETE (header type 4, MAC OK at UL COUNT 0) with IMEISV and the REGISTRATION REQUEST in the NAS message container; KAUSF/KSEAF stored; UL/DL protected after';
    },
  },
];
