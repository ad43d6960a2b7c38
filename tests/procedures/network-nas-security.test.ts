// The network's NAS security context (host/network/nas-security.ts) as contracts (issue 16: host
// mutants there had no observer). With the null algorithms (128-NEA0/NIA0: the MAC is 32 zero bits
// and the body is not ciphered, TS 33.501 D.1/D.2) the framing and COUNT logic can be checked
// byte for byte with no cryptography in the test: a security protected 5GS NAS message is
// EPD 0x7E ‖ security header type ‖ MAC (4) ‖ SQN (1) ‖ plain message (TS 24.501 9.1.1), and the
// receiver estimates the NAS COUNT from the SQN (TS 24.501 4.4.3.1: the overflow counter goes up
// when the SQN is not above the last accepted one's).
import { describe, expect, it } from 'vitest';
import { InputError } from '../../host/errors.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { nea2Ref, nia2Ref } from '../../host/reference/nas.js';

const KAMF = new Uint8Array(32).fill(0x11);
const PLAIN = Uint8Array.of(0x7e, 0x00, 0x41); // a 3-octet plain 5GMM message (EPD, SHT 0, type)
const uplink = (sht: number, sqn: number, plain = PLAIN) => Uint8Array.of(0x7e, sht, 0, 0, 0, 0, sqn, ...plain);
const nullCtx = () => new NetworkNasContext(KAMF, 1, 0, 0);

describe('the network model selects 128-NEA0/NIA0 or 128-NEA2/NIA2 only (node:crypto has AES only)', () => {
  it('0 and 2 are accepted for each', () => {
    for (const [e, i] of [[0, 0], [0, 2], [2, 0], [2, 2]]) expect(() => new NetworkNasContext(KAMF, 1, e, i)).not.toThrow();
  });
  it('any other NEA or NIA is refused naming the field', () => {
    for (const [e, i, field] of [[1, 2, 'nea'], [3, 2, 'nea'], [2, 1, 'nia'], [2, 3, 'nia']] as const) {
      let err: unknown;
      try { new NetworkNasContext(KAMF, 1, e, i); } catch (x) { err = x; }
      expect(err, `${e}/${i}`).toBeInstanceOf(InputError);
      expect((err as InputError).field).toBe(field);
      expect((err as Error).message).toContain('must be 0 or 2');
    }
  });
});

describe('downlink protection (TS 24.501 9.1.1, 4.4.3.1)', () => {
  it('EPD ‖ SHT ‖ MAC ‖ SQN ‖ message; NIA0 gives a zero MAC and NEA0 leaves the body as it is; COUNT goes up by one per message', () => {
    const n = nullCtx();
    const a = n.protectDownlink(2, PLAIN);
    expect([...a.message]).toEqual([0x7e, 2, 0, 0, 0, 0, 0, 0x7e, 0x00, 0x41]);
    expect(a.count).toBe(0);
    const b = n.protectDownlink(1, PLAIN);
    expect([...b.message]).toEqual([0x7e, 1, 0, 0, 0, 0, 1, 0x7e, 0x00, 0x41]);
    expect(b.count).toBe(1);
    expect(n.dlNext).toEqual({ '3gpp': 2, non3gpp: 0 });
  });
  it('each access has its own DL COUNT', () => {
    const n = nullCtx();
    n.dlNext.non3gpp = 0x1234;
    const m = n.protectDownlink(3, PLAIN, 'non3gpp');
    expect(m.count).toBe(0x1234);
    expect(m.message[6]).toBe(0x34); // SQN = the 8 LSBs of the COUNT
    expect(n.dlNext).toEqual({ '3gpp': 0, non3gpp: 0x1235 });
  });
  it('the last DL COUNT 0xFFFFFF is still sent; after it the AMF must re-key (TS 33.501 6.9.4.2) and sends nothing', () => {
    const n = nullCtx();
    n.dlNext['3gpp'] = 0xffffff;
    expect(n.protectDownlink(2, PLAIN).count).toBe(0xffffff);
    expect(() => n.protectDownlink(2, PLAIN)).toThrow(/re-key/);
    expect(n.dlNext['3gpp']).toBe(0x1000000);
  });
  it('with NIA2 the MAC depends on the access (BEARER 1 for 3GPP, 2 for non-3GPP access, TS 33.501 6.4.3.1)', () => {
    const n = new NetworkNasContext(KAMF, 1, 0, 2);
    const a = n.protectDownlink(1, PLAIN, '3gpp').message.slice(2, 6);
    const b = n.protectDownlink(1, PLAIN, 'non3gpp').message.slice(2, 6);
    expect(a).not.toEqual(b);
  });
});

describe('uplink verification: framing checks, COUNT estimation from the SQN (TS 24.501 4.4.3.1), no change on refusal or peek', () => {
  it('the shortest protected message (7 octets of header and a 3-octet message) is accepted; one octet less is refused', () => {
    const n = nullCtx();
    expect(n.verifyUplink(uplink(1, 0).subarray(0, 9))).toBeNull();
    const v = n.verifyUplink(uplink(1, 0));
    expect(v).toEqual({ plain: PLAIN, count: 0, sht: 1 });
  });
  it('another EPD, or security header type 0, 3 (downlink only) or 5 is refused, and the UL COUNT is unchanged', () => {
    const n = nullCtx();
    const bad = uplink(1, 0); bad[0] = 0x2e;
    expect(n.verifyUplink(bad)).toBeNull();
    for (const sht of [0, 3, 5]) expect(n.verifyUplink(uplink(sht, 0)), String(sht)).toBeNull();
    expect(n.ulLast).toEqual({ '3gpp': -1, non3gpp: -1 });
  });
  it('security header types 1, 2 and 4 are accepted and each message sets the last UL COUNT', () => {
    const n = nullCtx();
    expect(n.verifyUplink(uplink(2, 3))).toMatchObject({ count: 3, sht: 2, plain: PLAIN });
    expect(n.verifyUplink(uplink(4, 4))).toMatchObject({ count: 4, sht: 4 });
    expect(n.ulLast['3gpp']).toBe(4);
  });
  it('an SQN not above the last accepted one means the overflow counter went up (last 0x05, SQN 0x05 → 0x105; SQN 0x04 → 0x104)', () => {
    const n = nullCtx();
    n.ulLast['3gpp'] = 5;
    expect(n.verifyUplink(uplink(1, 5), '3gpp', true)!.count).toBe(0x105);
    expect(n.verifyUplink(uplink(1, 4), '3gpp', true)!.count).toBe(0x104);
    expect(n.verifyUplink(uplink(1, 6), '3gpp', true)!.count).toBe(0x006);
    n.ulLast['3gpp'] = 0x1ff;
    expect(n.verifyUplink(uplink(1, 0), '3gpp', true)!.count).toBe(0x200);
  });
  it('peek verifies without moving the last UL COUNT; the accesses keep separate COUNTs', () => {
    const n = nullCtx();
    n.ulLast.non3gpp = 0x20;
    expect(n.verifyUplink(uplink(1, 0x21), 'non3gpp', true)!.count).toBe(0x21);
    expect(n.ulLast).toEqual({ '3gpp': -1, non3gpp: 0x20 });
    expect(n.verifyUplink(uplink(1, 0x21), 'non3gpp')!.count).toBe(0x21);
    expect(n.ulLast).toEqual({ '3gpp': -1, non3gpp: 0x21 });
  });
  it('a wrong MAC is refused with NIA2 and nothing changes', () => {
    const n = new NetworkNasContext(KAMF, 1, 0, 2);
    expect(n.verifyUplink(uplink(1, 0))).toBeNull();
    expect(n.ulLast['3gpp']).toBe(-1);
  });
});

describe('EPS uplink integrity with the 5G context (TS 33.501 8.6.1, TS 24.301 9.1: octet 1 = SHT 1 ‖ PD 7)', () => {
  const eps = (sqn: number, first = 0x17) => Uint8Array.of(first, 0, 0, 0, 0, sqn, 0x07, 0x48, 0x00);
  it('a 9-octet message is verified, its plain message is what follows the SQN, and the 3GPP UL COUNT is set', () => {
    const n = nullCtx();
    n.ulLast['3gpp'] = 0x10;
    expect(n.verifyUplinkEps(eps(0x11))).toEqual({ plain: Uint8Array.of(0x07, 0x48, 0x00), count: 0x11 });
    expect(n.ulLast['3gpp']).toBe(0x11);
  });
  it('one octet less, or another first octet (ciphered 0x27, plain 0x07), is refused with no change', () => {
    const n = nullCtx();
    expect(n.verifyUplinkEps(eps(0).subarray(0, 8))).toBeNull();
    expect(n.verifyUplinkEps(eps(0, 0x27))).toBeNull();
    expect(n.verifyUplinkEps(eps(0, 0x07))).toBeNull();
    expect(n.ulLast['3gpp']).toBe(-1);
  });
});

describe('clone(): a context transfer carries the same keys and COUNTs, as an independent copy', () => {
  it('same KAMF, ngKSI, algorithms, keys and COUNTs; later COUNT changes do not leak between the two', () => {
    const n = new NetworkNasContext(KAMF, 3, 2, 2);
    n.dlNext['3gpp'] = 7; n.ulLast.non3gpp = 9;
    const c = n.clone();
    expect([c.ngKsi, c.nea, c.nia]).toEqual([3, 2, 2]);
    expect(c.knasint).toEqual(n.knasint);
    expect(c.knasenc).toEqual(n.knasenc);
    expect(c.dlNext).toEqual({ '3gpp': 7, non3gpp: 0 });
    expect(c.ulLast).toEqual({ '3gpp': -1, non3gpp: 9 });
    c.dlNext['3gpp'] = 100; c.ulLast.non3gpp = 100;
    expect(n.dlNext['3gpp']).toBe(7);
    expect(n.ulLast.non3gpp).toBe(9);
  });
});

describe('uplink with the real algorithms: replay estimation, deciphering, the EPS MAC (issue 16 survivors)', () => {
  it('TS 24.501 4.4.3.1: once UL COUNT 0 was accepted, an SQN of 0 means the overflow counter went up (COUNT 0x100, not 0 again)', () => {
    const n = nullCtx();
    expect(n.verifyUplink(uplink(1, 0))!.count).toBe(0);
    expect(n.verifyUplink(uplink(1, 0), '3gpp', true)!.count).toBe(0x100);
  });
  it('security header types 2 and 4 are deciphered with 128-NEA2 (UL COUNT, BEARER of the access, DIRECTION 0, TS 33.501 6.4.4); type 1 is not', () => {
    const n = new NetworkNasContext(KAMF, 1, 2, 0);
    for (const [sht, count, access, b] of [[2, 0, '3gpp', 1], [4, 1, '3gpp', 1], [4, 0, 'non3gpp', 2]] as const) {
      const ct = nea2Ref(n.knasenc, count, b, 0, PLAIN, PLAIN.length * 8);
      expect(ct).not.toEqual(PLAIN);
      expect(n.verifyUplink(uplink(sht, count, ct), access), `${sht}/${access}`).toEqual({ plain: PLAIN, count, sht });
    }
    expect(n.verifyUplink(uplink(1, 2, PLAIN))!.plain).toEqual(PLAIN);
  });
  it('TS 33.501 8.6.1: the EPS TAU Request MAC is checked with the 3GPP access BEARER and UL COUNT; a wrong MAC changes nothing', () => {
    const n = new NetworkNasContext(KAMF, 1, 0, 2);
    const body = Uint8Array.of(0, 0x07, 0x48, 0x00); // SQN 0 ‖ plain EPS message
    const mac = nia2Ref(n.knasint, 0, 1, 0, body, body.length * 8);
    const msg = Uint8Array.of(0x17, ...mac, ...body);
    const bad = msg.slice(); bad[1] ^= 1;
    expect(n.verifyUplinkEps(bad)).toBeNull();
    expect(n.ulLast['3gpp']).toBe(-1);
    expect(n.verifyUplinkEps(msg)).toEqual({ plain: Uint8Array.of(0x07, 0x48, 0x00), count: 0 });
    expect(n.ulLast).toEqual({ '3gpp': 0, non3gpp: -1 });
  });
  it('the plain message returned is a copy: changing it does not change the message received', () => {
    const n = nullCtx();
    const m = uplink(1, 0);
    n.verifyUplink(m)!.plain.fill(0);
    expect(m).toEqual(uplink(1, 0));
    const m2 = uplink(2, 1);
    n.verifyUplink(m2)!.plain.fill(0);
    expect(m2).toEqual(uplink(2, 1));
  });
});
