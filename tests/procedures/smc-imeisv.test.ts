// TS 24.501 5.4.2.3: "If the IMEISV request IE is included in the SECURITY MODE COMMAND message the
// UE shall include its IMEISV in the 5GS mobile identity IE" of the SECURITY MODE COMPLETE, and
// TS 24.501 9.11.3.28: the IMEISV request IE is a type 1 IE (IEI 0xE-), value 001 "IMEISV
// requested", 000 "IMEISV not requested". Found by the firmware mutation runner (issue 16): the IEI
// `0xe0 → 0xe1` (the request never recognised) survived every suite. The SMC is built and protected
// by the independent network model (host/nas/messages.ts, host/network/nas-security.ts).
import { describe, expect, it } from 'vitest';
import { UeFirmware } from '../../host/firmware/ue-firmware.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import * as M from '../../host/nas/messages.js';
import { toHex } from '../helpers.js';

const KAMF = Uint8Array.from({ length: 32 }, (_, i) => (i * 23 + 1) & 0xff);
const CAPS = Uint8Array.of(0xe0, 0xe0);
// 5GS mobile identity IE contents for an IMEISV (TS 24.501 9.11.3.4): type 101, odd/even, digits
const IMEISV = Uint8Array.of(0x93, 0x10, 0x32, 0x54, 0x76, 0x98, 0x10, 0x32, 0xf4);

function run(imeisvRequest: boolean) {
  const ue = new UeFirmware();
  ue.configure({ ueSecurityCapabilities: CAPS, imeisv: IMEISV });
  ue.install('current', { kamf: KAMF, ngKsi: 1, type: 'full-native', nea: 2, nia: 2 });
  const net = new NetworkNasContext(KAMF, 1, 2, 2);
  const r = ue.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 1, replayedCaps: CAPS, imeisvRequest })).message);
  const complete = net.verifyUplink(r.response);
  expect(r.result).toBe('complete');
  expect(complete, 'the COMPLETE verifies at the network').not.toBeNull();
  return { r, complete: M.parseSecurityModeComplete(complete!.plain) };
}

describe('TS 24.501 5.4.2.3 / 9.11.3.28: IMEISV request in the SECURITY MODE COMMAND', () => {
  it('IMEISV request IE 0xE1 ("IMEISV requested"): the COMPLETE carries the IMEISV in the 5GS mobile identity IE (0x77)', () => {
    const { r, complete } = run(true);
    expect(r.imeisvRequested).toBe(true);
    expect(toHex(complete.imeisv ?? new Uint8Array())).toBe(toHex(IMEISV));
  });
  it('no IMEISV request IE: no 5GS mobile identity IE in the COMPLETE', () => {
    const { r, complete } = run(false);
    expect(r.imeisvRequested).toBe(false);
    expect(complete.imeisv).toBeNull();
  });
});
