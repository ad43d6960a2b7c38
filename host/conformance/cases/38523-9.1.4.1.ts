/** TS 38.523-1 9.1.4.1 Generic UE configuration update (TS 24.501 4.6.2.2, 5.4.4.1–5.4.4.3, 5.5.1.2.2). */
import * as M from '../../nas/messages.js';
import { MT5 } from '../../ue/ue-nas.js';
import { check, same, SS_GUTI_2 } from '../ss.js';
import { parseLoci } from '../checks.js';
import { out, type TestPurpose } from '../types.js';

export const cases: TestPurpose[] = [
  {
    id: '38.523-1 9.1.4.1 TP1', scope: 'PART', clause: 'TS 24.501 5.4.4.3',
    title: 'CONFIGURATION UPDATE COMMAND with a new 5G-GUTI, acknowledgement requested → CONFIGURATION UPDATE COMPLETE, new 5G-GUTI valid',
    checks: 'CONFIGURATION UPDATE COMPLETE protected (MAC at the next UL COUNT); EF 5GS3GPPLOCI bytes 1–13 = the new 5G-GUTI; keys unchanged',
    run(ss) {
      const c = ss.register(1);
      const cuc = Uint8Array.of(0x7e, 0x00, MT5.CONFIGURATION_UPDATE_COMMAND, 0xd1, 0x77, 0x00, SS_GUTI_2.length, ...SS_GUTI_2);
      const u = ss.decode(ss.send(ss.protect(cuc)).sent);
      check(u.sht === 2 && u.plain[2] === MT5.CONFIGURATION_UPDATE_COMPLETE, 'no protected CONFIGURATION UPDATE COMPLETE');
      const l = parseLoci(ss.loci());
      check(l && same(l.guti, Uint8Array.of(0x00, SS_GUTI_2.length, ...SS_GUTI_2)), 'EF 5GS3GPPLOCI does not hold the new 5G-GUTI');
      const cur = ss.ue.fw.read('current');
      check(same(cur.kamf, c.kamf) && cur.ngKsi === 1, 'the keys changed');
      return `CONFIGURATION UPDATE COMPLETE (MAC OK at UL COUNT ${u.count}); EF 5GS3GPPLOCI holds the new 5G-GUTI; KAMF and ngKSI unchanged`;
    },
  },
  out('38.523-1 9.1.4.1 TP2', 'CONFIGURATION UPDATE COMMAND with NITZ, no acknowledgement', 'TS 24.501 5.4.4.3', 'NITZ (network time) has no key or context aspect'),
  {
    id: '38.523-1 9.1.4.1 TP3', scope: 'PART', clause: 'TS 24.501 5.4.4.3',
    title: 'CONFIGURATION UPDATE COMMAND "registration requested" → mobility registration',
    checks: 'REGISTRATION REQUEST (mobility registration updating), integrity protected with the current context, current ngKSI; keys kept (see G4 for the SMC that may follow)',
    run(ss) {
      const c = ss.register(1);
      const r = ss.send(ss.protect(Uint8Array.of(0x7e, 0x00, MT5.CONFIGURATION_UPDATE_COMMAND, 0xd2)));
      const u = ss.decode(r.sent);
      check(u.sht === 1, `REGISTRATION REQUEST header type ${u.sht}, expected 1 (initial NAS message, integrity protected)`);
      const p = M.parseRegistrationRequest(u.plain);
      check(p.type === M.REG_TYPE.MOBILITY_UPDATING && p.ngKsi === 1, `registration type ${p.type} ngKSI ${p.ngKsi}, expected mobility updating with ngKSI 1`);
      check(same(ss.ue.fw.read('current').kamf, c.kamf), 'KAMF changed');
      return `mobility REGISTRATION REQUEST, ngKSI 1, MAC OK at UL COUNT ${u.count}; KAMF kept`;
    },
  },
  out('38.523-1 9.1.4.1 TP4', 'CONFIGURATION UPDATE COMMAND with a new allowed NSSAI', 'TS 24.501 4.6.2.2', 'network slicing: no key, context or stored-key aspect'),
  out('38.523-1 9.1.4.1 TP5', 'CONFIGURATION UPDATE COMMAND: slicing subscription changed', 'TS 24.501 4.6.2.2', 'network slicing: no key, context or stored-key aspect'),
];
