/** TS 38.523-1 9.1.6.1.1 UE-initiated de-registration / switch off / abnormal / collision with a
 *  5GMM common procedure (TS 24.501 5.5.2.1, 5.5.2.2.1, 5.5.2.2.6; storage TS 33.501 6.8.1.1.1, 6.2.2.2). */
import * as M from '../../nas/messages.js';
import { MT5 } from '../../ue/ue-nas.js';
import { NetworkNasContext } from '../../network/nas-security.js';
import { check, same, SystemSimulator } from '../ss.js';
import { parseNsc } from '../checks.js';
import type { TestPurpose } from '../types.js';
import { AtomicStore } from '../../storage/atomic-store.js';
import { ME_IMAGE_TYPE } from '../../ue/me-storage.js';

const contains = (hay: Uint8Array, k: Uint8Array) => Buffer.from(hay).indexOf(Buffer.from(k)) >= 0;

function deregRequest(ss: SystemSimulator, sent: Uint8Array, switchOff: boolean) {
  const u = ss.decode(sent);
  check(u.sht === 1 || u.sht === 2, `DEREGISTRATION REQUEST header type ${u.sht}: not protected with the current context`);
  check(u.plain[2] === MT5.DEREGISTRATION_REQUEST_UE_ORIG, 'not a DEREGISTRATION REQUEST (UE originating)');
  check(((u.plain[3] & 0x08) !== 0) === switchOff, `de-registration type ${switchOff ? 'is not' : 'is'} "switch off"`);
  return u;
}

export const cases: TestPurpose[] = [
  {
    id: '38.523-1 9.1.6.1.1 TP1', scope: 'IN', clause: 'TS 24.501 5.5.2.2.1; TS 33.501 6.8.1.1.1',
    title: 'switch off → DEREGISTRATION REQUEST "switch off"; the full native context stored valid',
    checks: 'DEREGISTRATION REQUEST switch off, MAC at the expected UL COUNT; EF 5GS3GPPNSC: ngKSI 1, KAMF, UL COUNT after this message, DL COUNT, algorithms 0x22, valid',
    run(ss) {
      const c = ss.register(1);
      const expectUl = ss.ue.fw.read('current').ulCount['3gpp'];
      const u = deregRequest(ss, ss.nas.deregister(true), true);
      check(u.count === expectUl, `UL NAS COUNT ${u.count}, expected ${expectUl}`);
      const s = parseNsc(ss.nscRecord());
      check(s && s.ksi === 1, 'EF 5GS3GPPNSC not marked valid with ngKSI 1');
      check(same(s.kamf, c.kamf), 'stored KAMF is not the current one');
      check(s.ul === u.count! + 1, `stored UL NAS COUNT ${s.ul}, expected ${u.count! + 1} (after the increment for this message)`);
      check(s.dl === ss.net!.dlNext['3gpp'] - 1, `stored DL NAS COUNT ${s.dl}, expected ${ss.net!.dlNext['3gpp'] - 1}`);
      check(s.algs === 0x22, `stored algorithms 0x${s.algs?.toString(16)}, expected 0x22`);
      return `DEREGISTRATION REQUEST (switch off) MAC OK at UL COUNT ${u.count}; EF 5GS3GPPNSC valid: ngKSI 1, KAMF, UL ${s.ul}, DL ${s.dl}, algorithms 22`;
    },
  },
  {
    id: '38.523-1 9.1.6.1.1 TP2', scope: 'PART', clause: 'TS 24.501 5.5.2.2.6',
    title: 'network DEREGISTRATION REQUEST during 5GMM-DEREGISTERED-INITIATED → ignored, de-registration continues',
    checks: 'no reply; KAMF and UL COUNT unchanged (DL accounting only); DEREGISTRATION ACCEPT then completes the de-registration (context stored valid)',
    run(ss) {
      const c = ss.register(1);
      deregRequest(ss, ss.nas.deregister(false), false);
      const before = ss.ue.fw.read('current');
      const r = ss.send(ss.protect(Uint8Array.of(0x7e, 0x00, MT5.DEREGISTRATION_REQUEST_UE_TERM, 0x01)));
      check(r.sent === null, 'the UE answered the network DEREGISTRATION REQUEST');
      const after = ss.ue.fw.read('current');
      check(same(after.kamf, c.kamf) && after.ulCount['3gpp'] === before.ulCount['3gpp'], 'context or UL COUNT changed');
      ss.send(ss.protect(Uint8Array.of(0x7e, 0x00, MT5.DEREGISTRATION_ACCEPT_UE_ORIG)));
      check(ss.nas.state === '5GMM-DEREGISTERED', `state ${ss.nas.state} after DEREGISTRATION ACCEPT`);
      const s = parseNsc(ss.nscRecord());
      check(s && s.ksi === 1 && same(s.kamf, c.kamf), 'context not stored valid at de-registration');
      return 'network DEREGISTRATION REQUEST ignored (no reply, context kept); DEREGISTRATION ACCEPT completed the de-registration, context stored valid';
    },
  },
  {
    id: '38.523-1 9.1.6.1.1 TP3', scope: 'IN', clause: 'TS 24.501 5.5.2.2.6',
    title: 'AUTHENTICATION REQUEST, SECURITY MODE COMMAND, IDENTITY REQUEST during 5GMM-DEREGISTERED-INITIATED → ignored',
    checks: 'no reply to any; no new partial context; no SMC takeover; no COUNT reset; current context unchanged',
    run(ss) {
      const c = ss.register(1);
      deregRequest(ss, ss.nas.deregister(false), false);
      const ul = ss.ue.fw.read('current').ulCount['3gpp'];
      const c2 = ss.challenge(2);
      const a = ss.send(ss.protect(ss.authenticationRequest(c2)));
      const nas2 = new NetworkNasContext(c2.kamf, 2, 2, 2);
      const s = ss.send(ss.smc(nas2));
      const i = ss.send(ss.protect(Uint8Array.of(0x7e, 0x00, MT5.IDENTITY_REQUEST, 5)));
      check(a.sent === null && s.sent === null && i.sent === null, 'the UE answered a 5GMM common procedure during de-registration');
      check(ss.ue.fw.read('new').type === 'none', 'a new partial context was created');
      const cur = ss.ue.fw.read('current');
      check(same(cur.kamf, c.kamf) && cur.ngKsi === 1 && cur.ulCount['3gpp'] === ul, 'current context or UL COUNT changed');
      return 'AUTHENTICATION REQUEST, SMC and IDENTITY REQUEST ignored; no partial context, current context and COUNT unchanged';
    },
  },
  {
    id: '38.523-1 9.1.6.1.1 TP4', scope: 'IN', clause: 'TS 24.501 5.5.2.2.1; TS 33.501 6.2.2.2',
    title: 'USIM removed → DEREGISTRATION REQUEST "switch off"; the ME deletes its 5G context, KAUSF and KSEAF',
    checks: 'USIM without the DF5GS EFs (context and KAUSF/KSEAF in ME NVM): DEREGISTRATION REQUEST switch off with a valid MAC; ME NVM then holds no context and no KAUSF/KSEAF; firmware slots empty',
    run(given) {
      const ss = new SystemSimulator({ services: [], build: given.build }); // the same firmware build
      const c = ss.register(1);
      check(ss.ue.store.me.readAuthKeys()?.valid, 'preamble: KAUSF/KSEAF not in ME NVM');
      deregRequest(ss, ss.nas.usimRemoved(), true);
      const nvm = AtomicStore.open(ss.meMedium, { type: ME_IMAGE_TYPE });
      check(nvm.names().length === 0, `the ME NVM still holds ${nvm.names().join(', ')}`);
      const raw = ss.meMedium.read(0, ss.meMedium.size);
      for (const [n, k] of [['KAMF', c.kamf], ['KAUSF', c.kausf], ['KSEAF', c.kseaf]] as const) check(!contains(raw, k), `${n} bytes are still on the ME NVM medium`);
      check((['current', 'new', 'non-current', 'mapped'] as const).every((s) => ss.ue.fw.read(s).type === 'none' && ss.ue.fw.read(s).kamf.every((b) => b === 0)), 'a firmware context slot still holds a key');
      return 'DEREGISTRATION REQUEST (switch off) MAC OK; ME NVM empty, no KAMF/KAUSF/KSEAF bytes left on the medium; firmware slots zeroed';
    },
  },
];
