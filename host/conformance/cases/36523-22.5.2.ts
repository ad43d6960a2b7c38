/** TS 36.523-1 22.5.2 NB-IoT / NAS security: null integrity and ciphering, NAS COUNT reset,
 *  mismatching replayed capabilities (TS 24.301 5.4.3.3, 5.4.3.5). The EPS SMC is not modelled:
 *  each TP runs its 5G NAS analogue as the digest's table maps it (TS 24.501 5.4.2.3/5.4.2.5). */
import * as M from '../../nas/messages.js';
import { NetworkNasContext } from '../../network/nas-security.js';
import { check, same, type SystemSimulator } from '../ss.js';
import type { TestPurpose } from '../types.js';

function afterAka(ss: SystemSimulator, ngKsi: number) {
  const c = ss.challenge(ngKsi);
  const r = ss.send(ss.net ? ss.protect(ss.authenticationRequest(c)) : ss.authenticationRequest(c));
  const u = ss.decode(r.sent, ss.net);
  check(u.plain[2] === M.MT.AUTHENTICATION_RESPONSE, 'preamble: AKA not answered');
  return c;
}

export const cases: TestPurpose[] = [
  {
    id: '36.523-1 22.5.2 TP1', scope: 'IN', clause: 'TS 24.301 5.4.3.3/5.4.3.5; 5G: TS 24.501 5.4.2.3 (G6)',
    title: 'no emergency: SECURITY MODE COMMAND selecting EIA0 → SECURITY MODE REJECT, EIA0 not used',
    checks: '5G analogue: SMC with 5G-IA0 outside an emergency → SECURITY MODE REJECT, no context current, the null-integrity context not usable',
    run(ss) {
      ss.ueRegister();
      const c = afterAka(ss, 1);
      const nas = new NetworkNasContext(c.kamf, 1, 0, 0);
      const r = ss.send(ss.smc(nas));
      const u = ss.decode(r.sent, null);
      check(u.plain[2] === M.MT.SECURITY_MODE_REJECT, `expected SECURITY MODE REJECT, got ${r.sent ? `type 0x${u.plain[2].toString(16)}` : 'nothing'}`);
      check(ss.ue.fw.read('current').type === 'none', 'a context became current');
      return `SECURITY MODE REJECT #${u.plain[3]} to 5G-IA0 outside an emergency; nothing activated`;
    },
  },
  {
    id: '36.523-1 22.5.2 TP2', scope: 'IN', clause: 'TS 24.301 5.4.3.3; 5G: TS 24.501 5.4.2.3',
    title: 'SECURITY MODE COMMAND selecting EEA0 → SECURITY MODE COMPLETE integrity protected and "ciphered" with the null cipher',
    checks: '5G analogue with 5G-EA0/128-NIA2: header type 4 ("ciphered"), MAC at UL COUNT 0, body in clear; following UL/DL protected',
    run(ss) {
      ss.ueRegister();
      const c = afterAka(ss, 1);
      const nas = new NetworkNasContext(c.kamf, 1, 0, 2);
      const r = ss.send(ss.smc(nas));
      check(r.sent && r.sent[1] === 4, `header type ${r.sent?.[1]}, expected 4`);
      const u = ss.decode(r.sent, nas);
      check(u.count === 0 && u.plain[2] === M.MT.SECURITY_MODE_COMPLETE, 'no SECURITY MODE COMPLETE at UL COUNT 0');
      check(same(r.sent.slice(7), u.plain), 'the body is not in clear under 5G-EA0');
      ss.net = nas;
      const rc = ss.decode(ss.send(ss.protect(M.registrationAccept({}))).sent);
      check(rc.sht === 2 && rc.plain[2] === M.MT.REGISTRATION_COMPLETE, 'REGISTRATION COMPLETE not protected');
      return 'SECURITY MODE COMPLETE header type 4 with 5G-EA0 (body in clear), MAC OK at UL COUNT 0; NAS security applied after';
    },
  },
  {
    id: '36.523-1 22.5.2 TP3', scope: 'IN', clause: 'TS 24.301 5.4.3.5; 5G: TS 24.501 5.4.2.5, TS 33.501 6.7.2',
    title: 'AKA done, SECURITY MODE COMMAND with mismatching replayed capabilities → SECURITY MODE REJECT, previous context kept',
    checks: '5G analogue: SECURITY MODE REJECT #23 protected with the previous context (MAC at its next UL COUNT, node:crypto); previous context current, COUNTs continue',
    run(ss) {
      const c1 = ss.register(1);
      const before = ss.ue.fw.read('current');
      const c2 = afterAka(ss, 2);
      const nas2 = new NetworkNasContext(c2.kamf, 2, 2, 2);
      const r = ss.send(ss.smc(nas2, { caps: Uint8Array.of(ss.ue.caps[0], ss.ue.caps[1] ^ 0x40) }));
      const u = ss.decode(r.sent); // verified with the previous (SS current) context
      check(u.sht === 1 || u.sht === 2, 'SECURITY MODE REJECT not protected with the previous context');
      check(u.plain[2] === M.MT.SECURITY_MODE_REJECT && u.plain[3] === 23, `expected SECURITY MODE REJECT #23, got type 0x${u.plain[2].toString(16)} cause ${u.plain[3]}`);
      check(u.count === before.ulCount['3gpp'] + 1, `reject at UL COUNT ${u.count}, expected ${before.ulCount['3gpp'] + 1} (the previous context's COUNTs continue)`);
      const cur = ss.ue.fw.read('current');
      check(same(cur.kamf, c1.kamf) && cur.ngKsi === 1, 'previous context not current');
      return `SECURITY MODE REJECT #23 protected with the previous context, MAC OK at UL COUNT ${u.count}; previous context kept`;
    },
  },
  {
    id: '36.523-1 22.5.2 TP4', scope: 'IN', clause: 'TS 24.301 5.4.3.3; 5G: TS 24.501 5.4.2.3',
    title: 'NAS security active; new AKA; SECURITY MODE COMMAND → SECURITY MODE COMPLETE with NAS COUNT 0',
    checks: '5G analogue: COMPLETE header type 4 at UL COUNT 0 with the new KNASint; the new KAMF current, UL COUNT reset, DL = the SMC\'s',
    run(ss) {
      ss.register(1);
      const c2 = afterAka(ss, 2);
      const nas2 = new NetworkNasContext(c2.kamf, 2, 2, 2);
      const r = ss.send(ss.smc(nas2));
      const u = ss.decode(r.sent, nas2);
      check(u.sht === 4 && u.count === 0 && u.plain[2] === M.MT.SECURITY_MODE_COMPLETE, `COMPLETE header type ${u.sht} at UL COUNT ${u.count}, expected 4 at 0`);
      const cur = ss.ue.fw.read('current');
      check(same(cur.kamf, c2.kamf) && cur.ngKsi === 2 && cur.ulCount['3gpp'] === 1 && cur.dlCount['3gpp'] === 0, 'new context not current with UL reset / DL 0');
      return 'SECURITY MODE COMPLETE at UL COUNT 0 with the new context; new KAMF current, COUNTs reset';
    },
  },
];
