// TS 33.501 6.4.2.2 / 6.4.3.1: a UE registered over 3GPP and non-3GPP access keeps one pair of NAS
// COUNTs (uplink, downlink) per access in the one NAS security context, and each downlink COUNT
// protects its access against replay (TS 24.501 4.4.3.1). Found by the firmware mutation runner
// (issue 16): reading the non-3GPP DL COUNT from the wrong place (`+ idx` → `- idx`, which lands
// on the non-3GPP UL COUNT) survived every suite. The messages come from the independent node:crypto
// network model (host/network/nas-security.ts).
import { describe, expect, it } from 'vitest';
import { UeFirmware } from '../../host/firmware/ue-firmware.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { ReplayError } from '../../host/errors.js';

const KAMF = Uint8Array.from({ length: 32 }, (_, i) => (i * 31 + 7) & 0xff);

describe('TS 33.501 6.4.2.2: separate UL and DL NAS COUNTs per access', () => {
  it('non-3GPP access: after DL COUNTs 0–5 with no uplink sent, a replay of DL COUNT 5 is refused', () => {
    const ue = new UeFirmware();
    ue.install('current', { kamf: KAMF, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    const net = new NetworkNasContext(KAMF, 2, 2, 2);
    let last;
    for (let i = 0; i <= 5; i++) {
      last = net.protectDownlink(2, Uint8Array.of(0x7e, 0, 0x54, i), 'non3gpp');
      expect(ue.unprotect('current', 'non3gpp', last.message).count).toBe(i);
    }
    expect(ue.read('current').ulCount.non3gpp).toBe(0);
    expect(ue.read('current').dlCount.non3gpp).toBe(5);
    // TS 24.501 4.4.3.1: a DL NAS COUNT must not be accepted twice with the same key
    expect(() => ue.unprotect('current', 'non3gpp', last!.message)).toThrow(ReplayError);
  });
  it('3GPP access keeps its own pair meanwhile: UL 2, DL 1 after two uplink and two downlink messages', () => {
    const ue = new UeFirmware();
    ue.install('current', { kamf: KAMF, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    const net = new NetworkNasContext(KAMF, 2, 2, 2);
    for (let i = 0; i < 2; i++) ue.protect('current', '3gpp', 2, Uint8Array.of(0x7e, 0, 0x67, i));
    for (let i = 0; i < 2; i++) ue.unprotect('current', '3gpp', net.protectDownlink(2, Uint8Array.of(0x7e, 0, 0x54, i), '3gpp').message);
    for (let i = 0; i < 4; i++) ue.unprotect('current', 'non3gpp', net.protectDownlink(2, Uint8Array.of(0x7e, 0, 0x54, i), 'non3gpp').message);
    const c = ue.read('current');
    expect(c.ulCount).toEqual({ '3gpp': 2, non3gpp: 0 });
    expect(c.dlCount).toEqual({ '3gpp': 1, non3gpp: 3 });
  });
});

describe('TS 24.501 4.4.3.1: the "DL COUNT accepted" state of one access survives activity on the other', () => {
  function threeGppAt3() {
    const ue = new UeFirmware();
    ue.install('current', { kamf: KAMF, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    const net = new NetworkNasContext(KAMF, 2, 2, 2);
    let last;
    for (let i = 0; i <= 3; i++) { last = net.protectDownlink(2, Uint8Array.of(0x7e, 0, 0x54, i), '3gpp'); ue.unprotect('current', '3gpp', last.message); }
    return { ue, net, replay: last!.message };
  }
  it('setting the non-3GPP COUNTs (UL 7, DL 9, accepted) leaves the 3GPP pair and its flag: a 3GPP replay is still refused', () => {
    const { ue, replay } = threeGppAt3();
    ue.setCounts('current', 'non3gpp', 7, 9, true);
    const c = ue.read('current');
    expect(c.ulCount).toEqual({ '3gpp': 0, non3gpp: 7 });
    expect(c.dlCount).toEqual({ '3gpp': 3, non3gpp: 9 });
    expect(c.dlAccepted).toEqual({ '3gpp': true, non3gpp: true });
    expect(() => ue.unprotect('current', '3gpp', replay)).toThrow(ReplayError);
  });
  it('accepting a non-3GPP DL message leaves the 3GPP flag: a 3GPP replay is still refused', () => {
    const { ue, net, replay } = threeGppAt3();
    ue.unprotect('current', 'non3gpp', net.protectDownlink(2, Uint8Array.of(0x7e, 0, 0x54, 9), 'non3gpp').message);
    expect(ue.read('current').dlAccepted).toEqual({ '3gpp': true, non3gpp: true });
    expect(() => ue.unprotect('current', '3gpp', replay)).toThrow(ReplayError);
  });
  it('setting the non-3GPP COUNTs as not accepted clears only the non-3GPP flag', () => {
    const { ue } = threeGppAt3();
    ue.setCounts('current', 'non3gpp', 1, 2, true);
    ue.setCounts('current', 'non3gpp', 1, 2, false);
    expect(ue.read('current').dlAccepted).toEqual({ '3gpp': true, non3gpp: false });
  });
});
