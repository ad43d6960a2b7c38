// NAS message protection with COUNTs (TS 24.501 4.4, TS 33.501 6.4): the UE firmware against the
// independent node:crypto network context (host/network/nas-security.ts), plus the properties the
// spec demands: integrity over header, SQN and body; replay protection; overflow handling; no
// COUNT reuse.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UeFirmware, type Access } from '../../host/firmware/ue-firmware.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { CountWrapError, MacFailureError, ReplayError } from '../../host/errors.js';

const KAMF = Uint8Array.from({ length: 32 }, (_, i) => (i * 29 + 3) & 0xff);
function pair(nea = 2, nia = 2, ngKsi = 1) {
  const ue = new UeFirmware();
  ue.install('current', { kamf: KAMF, ngKsi, type: 'full-native', nea, nia });
  return { ue, net: new NetworkNasContext(KAMF, ngKsi, nea, nia) };
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const plainMsg = fc.uint8Array({ minLength: 3, maxLength: 600 }).map((b) => { b[0] = 0x7e; b[1] = 0; return b; });

describe('UE firmware ↔ node:crypto network model', () => {
  it('uplink: every UE-protected message verifies at the network with the same COUNT and plain text', () => {
    fc.assert(fc.property(fc.array(fc.tuple(plainMsg, fc.constantFrom<1 | 2>(1, 2), fc.constantFrom<Access>('3gpp', 'non3gpp')), { minLength: 1, maxLength: 20 }),
      fc.constantFrom([2, 2], [0, 2], [2, 0]), (msgs, [nea, nia]) => {
        const { ue, net } = pair(nea, nia);
        if (nia === 0) ue.configure({ ueSecurityCapabilities: Uint8Array.of(0xf0, 0xf0), emergency: true });
        for (const [m, sht, access] of msgs) {
          const out = ue.protect('current', access, sht, m);
          const v = net.verifyUplink(out.message, access);
          expect(v).not.toBeNull();
          expect(v!.count).toBe(out.count);
          expect(hex(v!.plain)).toBe(hex(m));
        }
      }), { numRuns: 150 });
  });

  it('downlink: every network-protected message unprotects at the UE, including past SQN wrap (overflow +1)', () => {
    const { ue, net } = pair();
    for (let i = 0; i < 600; i++) {
      const m = Uint8Array.of(0x7e, 0, 0x54, i & 0xff, i >> 8);
      const d = net.protectDownlink(i % 2 ? 2 : 1, m);
      const r = ue.unprotect('current', '3gpp', d.message);
      expect(r.count).toBe(d.count);
      expect(hex(r.message)).toBe(hex(m));
    }
    expect(ue.read('current').dlCount['3gpp']).toBe(599); // overflow 2, SQN 87
  });

  it('downlink with gaps: the estimate follows the overflow when SQNs are skipped', () => {
    const { ue, net } = pair();
    for (const skip of [0, 5, 200, 255, 1, 100]) {
      net.dlNext['3gpp'] += skip;
      const d = net.protectDownlink(2, Uint8Array.of(0x7e, 0, 0x68, 1));
      expect(ue.unprotect('current', '3gpp', d.message).count).toBe(d.count);
    }
  });
});

describe('integrity protection covers every bit', () => {
  it('flipping any single bit of a protected downlink message (header, MAC, SQN, body) makes it fail', () => {
    const { ue, net } = pair();
    const d = net.protectDownlink(2, Uint8Array.of(0x7e, 0x00, 0x54, 0x11, 0x22, 0x33, 0x44, 0x55));
    const before = ue.rawSlot('current');
    for (let bit = 0; bit < d.message.length * 8; bit++) {
      const m = d.message.slice(); m[bit >> 3] ^= 0x80 >> (bit & 7);
      expect(() => ue.unprotect('current', '3gpp', m), `bit ${bit}`).toThrow();
      expect(hex(ue.rawSlot('current')), `bit ${bit} changed the context`).toBe(hex(before));
    }
    expect(ue.unprotect('current', '3gpp', d.message).count).toBe(0); // the original still verifies
  });
});

describe('replay protection and COUNT limits', () => {
  it('a replayed downlink message is rejected as a replay, and leaves the context unchanged', () => {
    const { ue, net } = pair();
    const a = net.protectDownlink(2, Uint8Array.of(0x7e, 0, 0x54, 1));
    const b = net.protectDownlink(2, Uint8Array.of(0x7e, 0, 0x54, 2));
    ue.unprotect('current', '3gpp', a.message);
    ue.unprotect('current', '3gpp', b.message);
    const before = ue.rawSlot('current');
    expect(() => ue.unprotect('current', '3gpp', a.message)).toThrow(ReplayError);
    expect(() => ue.unprotect('current', '3gpp', b.message)).toThrow(ReplayError);
    expect(hex(ue.rawSlot('current'))).toBe(hex(before));
  });
  it('a forged MAC is a MAC failure, not a replay', () => {
    const { ue, net } = pair();
    const a = net.protectDownlink(1, Uint8Array.of(0x7e, 0, 0x54, 1));
    a.message[2] ^= 1;
    expect(() => ue.unprotect('current', '3gpp', a.message)).toThrow(MacFailureError);
  });
  it('with 128-NIA0 there is no replay protection (TS 33.501 6.4.3.2)', () => {
    const { ue, net } = pair(0, 0);
    ue.configure({ ueSecurityCapabilities: Uint8Array.of(0x80, 0x80), emergency: true });
    const a = net.protectDownlink(1, Uint8Array.of(0x7e, 0, 0x54, 1));
    ue.unprotect('current', '3gpp', a.message);
    expect(() => ue.unprotect('current', '3gpp', a.message)).not.toThrow();
  });
  it('uplink COUNT increments per message and a send that would wrap the COUNT is refused', () => {
    const { ue, net } = pair();
    ue.setCounts('current', '3gpp', 0xfffffe, 0, false);
    net.ulLast['3gpp'] = 0xfffffd;
    expect(ue.protect('current', '3gpp', 2, Uint8Array.of(0x7e, 0, 0x67)).count).toBe(0xfffffe);
    const last = ue.protect('current', '3gpp', 2, Uint8Array.of(0x7e, 0, 0x67));
    expect(last.count).toBe(0xffffff);
    expect(net.verifyUplink(last.message)?.count).toBe(0xffffff);
    const before = ue.rawSlot('current');
    expect(() => ue.protect('current', '3gpp', 2, Uint8Array.of(0x7e, 0, 0x67))).toThrow(CountWrapError);
    expect(hex(ue.rawSlot('current'))).toBe(hex(before));
  });
  it('the downlink overflow counter cannot wrap', () => {
    const { ue, net } = pair();
    ue.setCounts('current', '3gpp', 0, 0xffffff, true);
    net.dlNext['3gpp'] = 0x1000000 - 1; // the same SQN again would need overflow 0x10000
    const n2 = new NetworkNasContext(KAMF, 1, 2, 2); n2.dlNext['3gpp'] = 0xffff05;
    const m = n2.protectDownlink(1, Uint8Array.of(0x7e, 0, 0x54));
    expect(() => ue.unprotect('current', '3gpp', m.message)).toThrow(CountWrapError);
  });
  it('separate COUNT pairs per access: BEARER 1 for 3GPP, 2 for non-3GPP', () => {
    const { ue, net } = pair();
    const m3 = net.protectDownlink(2, Uint8Array.of(0x7e, 0, 0x54, 3), '3gpp');
    const mn = net.protectDownlink(2, Uint8Array.of(0x7e, 0, 0x54, 4), 'non3gpp');
    expect(() => ue.unprotect('current', 'non3gpp', m3.message)).toThrow(MacFailureError);
    expect(ue.unprotect('current', 'non3gpp', mn.message).count).toBe(0);
    expect(ue.unprotect('current', '3gpp', m3.message).count).toBe(0);
    ue.protect('current', 'non3gpp', 1, Uint8Array.of(0x7e, 0, 0x67));
    const c = ue.read('current');
    expect(c.ulCount).toEqual({ '3gpp': 0, non3gpp: 1 });
  });
});
