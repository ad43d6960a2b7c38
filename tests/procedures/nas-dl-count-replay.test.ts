// Downlink NAS COUNT on the UE: replay protection (TS 33.501 6.4.3.2: each incoming NAS COUNT is
// accepted only once per context) and the estimate of the 24-bit COUNT from the 8-bit NAS SQN
// (TS 24.501 4.4.3.1: NAS COUNT = NAS OVERFLOW (16 bits) ‖ NAS SQN (8 bits)). The messages are
// protected by the network model (host/network/nas-security.ts, node:crypto).
import { describe, expect, it } from 'vitest';
import { UeFirmware } from '../../host/firmware/ue-firmware.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import * as M from '../../host/nas/messages.js';
import { CAPS, KAMF, NGKSI } from './registered-ue.js';

describe('TS 33.501 6.4.3.2 + TS 24.501 4.4.3.1: each DL NAS COUNT is accepted once; the SQN wrap carries into NAS OVERFLOW', () => {
  it('the same protected message is accepted once, then ERR_REPLAY; 300 in-order messages count past 255; a COUNT more than 255 ahead cannot be estimated', () => {
    const ue = new UeFirmware();
    ue.configure({ ueSecurityCapabilities: CAPS });
    ue.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
    const net = new NetworkNasContext(KAMF, NGKSI, 2, 2);
    const next = () => net.protectDownlink(2, M.registrationAccept({})).message;
    const m = next();
    expect(ue.unprotect('current', '3gpp', m).count).toBe(0);
    expect(() => ue.unprotect('current', '3gpp', m)).toThrow(/replay/i);
    for (let i = 1; i <= 300; i++) expect(ue.unprotect('current', '3gpp', next()).count).toBe(i);
    for (let i = 0; i < 256; i++) next();       // sent, never delivered
    expect(() => ue.unprotect('current', '3gpp', next())).toThrow();
  });
});
