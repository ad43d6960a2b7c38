// The raw ABI of nas_protect / nas_unprotect (assembly/abi/context.ts, README "ABI"): the result
// goes to IO_OUT + 16 (length at IO_OUT[0], the NAS COUNT at [4]) — "writing len + 7 octets" for
// protect, len − 7 for unprotect — and not one octet further. Found by the firmware mutation runner
// (issue 16): ciphering twice the LENGTH (`len << 3` → `<< 4`) or len + 7 octets of body survived
// every suite, because the first octets are the same and the host copies only the result out. The
// protected messages come from the independent node:crypto network model.
import { describe, expect, it } from 'vitest';
import { UeFirmware, SLOTS } from '../../host/firmware/ue-firmware.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';

// (128-NEA0 and 128-NEA2 only: the network model has node:crypto AES; NEA1/NEA3 share the length
// handling, and tests/vectors/nas-vectors.test.ts checks their keystreams against the official sets)
const KAMF = Uint8Array.from({ length: 32 }, (_, i) => (i * 17 + 11) & 0xff);
const CURRENT = SLOTS.indexOf('current'), ACCESS_3GPP = 1;
const PLAIN = Uint8Array.from({ length: 40 }, (_, i) => (i === 0 ? 0x7e : i === 1 ? 0 : (i * 41 + 9) & 0xff));

function setUp(nea: number) {
  const ue = new UeFirmware();
  ue.install('current', { kamf: KAMF, ngKsi: 3, type: 'full-native', nea, nia: 2 });
  const fw = ue.module, mem = new Uint8Array(fw.raw.memory.buffer);
  const fillOut = () => mem.fill(0xa5, fw.outPtr, fw.outPtr + fw.outLen);
  const untouchedFrom = (off: number) => mem.slice(fw.outPtr + off, fw.outPtr + fw.outLen).every((b) => b === 0xa5);
  return { ue, fw, fillOut, untouchedFrom, net: new NetworkNasContext(KAMF, 3, nea, 2) };
}

describe('TS 24.501 4.4.3 uplink: nas_protect writes len + 7 octets at IO_OUT + 16 and nothing after them', () => {
  for (const [nea, sht] of [[0, 1], [2, 2], [0, 2]]) {
    it(`128-NEA${nea}, security header type ${sht}: the network verifies it; IO_OUT from octet ${16 + 7 + PLAIN.length} on unchanged`, () => {
      const { fw, fillOut, untouchedFrom, net } = setUp(nea);
      const m = fw.begin().put(PLAIN);
      fillOut();
      expect(fw.tryCall('nas_protect', CURRENT, ACCESS_3GPP, sht, m, PLAIN.length)).toBe(0);
      const n = new DataView(fw.raw.memory.buffer).getUint32(fw.outPtr, true);
      expect(n).toBe(PLAIN.length + 7);
      const v = net.verifyUplink(fw.take(16, n), '3gpp');
      expect(v && Buffer.from(v.plain).equals(Buffer.from(PLAIN))).toBe(true);
      expect(untouchedFrom(16 + n)).toBe(true);
    });
  }
});

describe('TS 24.501 4.4.3 downlink: nas_unprotect writes len − 7 octets at IO_OUT + 16 and nothing after them', () => {
  for (const [nea, sht] of [[0, 1], [2, 2], [0, 2]]) {
    it(`128-NEA${nea}, security header type ${sht}: the plain message; IO_OUT from octet ${16 + PLAIN.length} on unchanged`, () => {
      const { fw, fillOut, untouchedFrom, net } = setUp(nea);
      const d = net.protectDownlink(sht as 1 | 2, PLAIN);
      const m = fw.begin().put(d.message);
      fillOut();
      expect(fw.tryCall('nas_unprotect', CURRENT, ACCESS_3GPP, m, d.message.length)).toBe(0);
      const n = new DataView(fw.raw.memory.buffer).getUint32(fw.outPtr, true);
      expect(n).toBe(PLAIN.length);
      expect(Buffer.from(fw.take(16, n)).equals(Buffer.from(PLAIN))).toBe(true);
      expect(untouchedFrom(16 + n)).toBe(true);
    });
  }
});

describe('no key-dependent state outlives a call: the XMAC nas_unprotect computed is wiped (TMP all zeros)', () => {
  // An XMAC left behind for a forged message would be the MAC the forger needs (README "Memory
  // hygiene": scratch is wiped before every export returns).
  it('after an accepted, a forged (MAC failure) and a replayed downlink message', () => {
    const { fw, net } = setUp(2);
    const tmp = () => new Uint8Array(fw.raw.memory.buffer, fw.constant('TMP_PTR'), fw.constant('TMP_LEN'));
    const d = net.protectDownlink(2, PLAIN);
    const forged = d.message.slice(); forged[forged.length - 1] ^= 1;
    for (const [what, msg, status] of [['accepted', d.message, 0], ['forged', forged, fw.constant('STATUS_ERR_MAC')], ['replayed', d.message, fw.constant('STATUS_ERR_REPLAY')]] as const) {
      const m = fw.begin().put(msg);
      expect(fw.tryCall('nas_unprotect', CURRENT, ACCESS_3GPP, m, msg.length), what).toBe(status);
      expect(tmp().every((b) => b === 0), `TMP after the ${what} message`).toBe(true);
    }
  });
});
