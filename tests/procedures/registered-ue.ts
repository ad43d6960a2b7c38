// A UE firmware in the state the SMC suites start from: a full native current context (ngKSI 2,
// 128-NEA2/128-NIA2, UL NAS COUNT 5, last DL 3) that has just sent an integrity-protected mobility
// REGISTRATION REQUEST, and an AMF-side SECURITY MODE COMMAND built with the network model
// (host/network/nas-security.ts, node:crypto), not with the firmware under test.
import { SLOTS, UeFirmware } from '../../host/firmware/ue-firmware.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import * as M from '../../host/nas/messages.js';
import { hex, toHex } from '../helpers.js';

export const CAPS = Uint8Array.of(0xe0, 0xe0);
export const KAMF = hex('7d861852b42a86b596fe22c8f50b9b895a1e21716b61b8d122785e25bafc0d07');
export const NGKSI = 2;
/** A plain mobility REGISTRATION REQUEST (TS 24.501 8.2.6). */
export const REGISTRATION_REQUEST = Uint8Array.of(0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d, 0x01, 0x00, 0xf1, 0x10);

/** The UE after its protected REGISTRATION REQUEST, and the UL NAS COUNT that request used. */
export function ueAfterRegistrationRequest() {
  const ue = new UeFirmware();
  ue.configure({ ueSecurityCapabilities: CAPS, imeisv: Uint8Array.of(0x93, 0x10, 0x32, 0x54, 0x76, 0x98, 0x10, 0x32, 0xf4) });
  ue.install('current', { kamf: KAMF, ngKsi: NGKSI, type: 'full-native', nea: 2, nia: 2 });
  ue.setCounts('current', '3gpp', 5, 3, true);
  const rr = ue.registrationRequest(REGISTRATION_REQUEST);
  return { ue, rrCount: rr.count! };
}

/** SECURITY MODE COMMAND (security header type 3) protected by an AMF holding `kamf`. */
export function protectedSmc(kamf: Uint8Array, ngKsi: number, o: { hdp?: boolean } = {}) {
  const net = new NetworkNasContext(kamf, ngKsi, 2, 2);
  const plain = M.securityModeCommand({ nea: 2, nia: 2, ngKsi, replayedCaps: CAPS, imeisvRequest: true, hdp: o.hdp, epsAlgs: 0x22 });
  return { net, message: net.protectDownlink(3, plain).message };
}

/** Every context slot's raw bytes, as hex. */
export const slotBytes = (ue: UeFirmware) => SLOTS.map((s) => toHex(ue.rawSlot(s)));
