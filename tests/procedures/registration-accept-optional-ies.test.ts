// REGISTRATION ACCEPT optional IEs (TS 24.007 11.2.4, TS 24.501 8.2.7) and the SOR transparent
// container they may precede (TS 33.501 6.14.2.1). Expected values come from the clause text, the
// network model (host/network, node:crypto) or the node:crypto reference, never from the UE
// firmware or host/ue.
import { describe, expect, it } from 'vitest';
import { SystemSimulator, SS_GUTI } from '../../host/conformance/ss.js';
import * as M from '../../host/nas/messages.js';
import { kdfRef } from '../../host/reference/kdf.js';

describe('TS 24.007 11.2.4 / TS 24.501 9.11: optional IEs of REGISTRATION ACCEPT are skipped by their format (type 1 one octet, IEI 7- TLV-E)', () => {
  // Before the fix the UE skipped every IE other than 77/73 as a TLV (2 + octet 2): a type 1 IE
  // such as NSSAI inclusion mode (IEI A-, TS 24.501 8.2.7.1) before the SOR transparent container
  // (73, TLV-E) made it read the container at the wrong octet, so a valid SOR-MAC-IAUSF got no ACK
  // (TS 33.501 6.14.2.1: the UE verifies it and, ACK requested, returns SOR-MAC-IUE).
  it('a SOR container after a type 1 IE (A1) and an 8-bit TLV is still verified (A.17) and acknowledged (A.18)', () => {
    const ss = new SystemSimulator();
    const c = ss.secure();
    const header = 0x08 | 0x04 | 0x02, counter = Uint8Array.of(0x00, 0x07);
    const list = Uint8Array.of(0x00, 0xf2, 0x10, 0x08, 0x00);
    const mac = kdfRef(c.kausf, 0x77, [Uint8Array.of(header), counter, list]).slice(16);
    const sor = Uint8Array.of(header, ...mac, ...counter, ...list);
    const accept = Uint8Array.of(...M.registrationAccept({ guti: SS_GUTI }), 0xa1, 0x16, 0x01, 0x01, 0x73, 0x00, sor.length, ...sor);
    const u = ss.decode(ss.send(ss.protect(accept)).sent);
    expect(u.plain[2]).toBe(M.MT.REGISTRATION_COMPLETE);
    expect([...u.plain.slice(3, 7)]).toEqual([0x73, 0x00, 17, 0x01]);
    expect(u.plain.slice(7, 23)).toEqual(kdfRef(c.kausf, 0x78, [Uint8Array.of(0x01), counter]).slice(16));
    expect(ss.ue.guti).toEqual(SS_GUTI); // the 5G-GUTI (77) before them is still taken
  });
});
