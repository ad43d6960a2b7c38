/** TS 38.523-1 6.3.1.1 Steering of roaming during registration, security check successful, list
 *  type 1 (TS 23.122 C.2; TS 33.501 6.14.2.1, A.17, A.18; TS 24.501 9.11.3.51). */
import * as M from '../../nas/messages.js';
import { kdfRef } from '../../reference/kdf.js';
import { check, same, SS_GUTI, type SystemSimulator } from '../ss.js';
import type { TestPurpose } from '../types.js';

/** REGISTRATION ACCEPT with a SOR transparent container (list type "PLMN ID and access technology",
 *  ACK requested), SOR-MAC-IAUSF = 128 LSB of A.17 (node:crypto reference KDF) or a corrupted one. */
function sorAccept(ss: SystemSimulator, kausf: Uint8Array, counter: Uint8Array, corrupt: boolean): Uint8Array {
  const header = 0x08 | 0x04 | 0x02; // ACK requested, list type PLMN ID and access technology, list provided
  const list = Uint8Array.of(0x00, 0xf2, 0x10, 0x08, 0x00); // one PLMN (MCC 002 MNC 01), access technology NG-RAN (TS 31.102 4.2.5)
  const mac = kdfRef(kausf, 0x77, [Uint8Array.of(header), counter, list]).slice(16);
  if (corrupt) mac[0] ^= 1;
  const sor = Uint8Array.of(header, ...mac, ...counter, ...list);
  return Uint8Array.of(...M.registrationAccept({ guti: SS_GUTI }), 0x73, sor.length >> 8, sor.length & 0xff, ...sor);
}

export const cases: TestPurpose[] = [{
  id: '38.523-1 6.3.1.1 TP1', scope: 'PART', clause: 'TS 23.122 C.2; TS 33.501 6.14.2.1, A.17, A.18',
  title: 'REGISTRATION ACCEPT with a SOR transparent container (ACK requested) → ACK in REGISTRATION COMPLETE',
  checks: 'SOR-MAC-IAUSF checked with the valid KAUSF (A.17): REGISTRATION COMPLETE carries the ACK with SOR-MAC-IUE = A.18(KAUSF, CounterSoR) (node:crypto); with a corrupted SOR-MAC-IAUSF no ACK (PLMN selection not modelled)',
  run(ss) {
    const c = ss.secure();
    const counter = Uint8Array.of(0x00, 0x05);
    const u = ss.decode(ss.send(ss.protect(sorAccept(ss, c.kausf, counter, false))).sent);
    check(u.plain[2] === M.MT.REGISTRATION_COMPLETE, 'no REGISTRATION COMPLETE');
    const ie = u.plain.slice(3);
    check(ie[0] === 0x73 && ((ie[1] << 8) | ie[2]) === 17 && ie[3] === 0x01, 'REGISTRATION COMPLETE carries no SOR acknowledgement (SOR transparent container, data type 1)');
    check(same(ie.slice(4, 20), kdfRef(c.kausf, 0x78, [Uint8Array.of(0x01), counter]).slice(16)), 'SOR-MAC-IUE is not the 128 LSB of A.18(KAUSF, 0x01, CounterSoR)');
    // a second UE, same flow, a corrupted SOR-MAC-IAUSF: the security check fails, no ACK
    const ss2 = new (ss.constructor as new () => SystemSimulator)();
    const c2 = ss2.secure();
    const u2 = ss2.decode(ss2.send(ss2.protect(sorAccept(ss2, c2.kausf, counter, true))).sent);
    check(u2.plain[2] === M.MT.REGISTRATION_COMPLETE && u2.plain.length === 3, 'an ACK was sent although SOR-MAC-IAUSF did not verify');
    return 'SOR-MAC-IAUSF (A.17) verified with the valid KAUSF; ACK with SOR-MAC-IUE = A.18(KAUSF, CounterSoR 5); a corrupted SOR-MAC-IAUSF gets no ACK';
  },
}];
