// The lifecycle rules of the 5G NAS security contexts when one is taken into use (TS 33.501 6.2.3.2,
// TS 24.501 5.4.2.3; firmware: context/slots.ts ctxActivate and ctxKeptOutcome). Each case drives
// the firmware through the procedure that applies the rule (an SMC protected by the independent
// network model host/network/nas-security.ts, keys from host/reference/kdf.ts) and reads the slots.
import { describe, expect, it } from 'vitest';
import { UeFirmware } from '../../host/firmware/ue-firmware.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { ref } from '../../host/reference/kdf.js';
import * as M from '../../host/nas/messages.js';
import { toHex } from '../helpers.js';

const CAPS = Uint8Array.of(0xe0, 0xe0);
const RR = Uint8Array.of(0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d, 0x01, 0x00, 0xf1, 0x10, 0x00, 0x00, 0x00, 0x00, 0x21, 0x43, 0x65);
const key = (b: number) => Uint8Array.from({ length: 32 }, (_, i) => (b + i * 11) & 0xff);
const inMemory = (ue: UeFirmware, k: Uint8Array) => Buffer.from(ue.memory()).indexOf(Buffer.from(k.subarray(0, 8))) >= 0;

function ue0(): UeFirmware {
  const ue = new UeFirmware();
  ue.configure({ ueSecurityCapabilities: CAPS });
  return ue;
}
/** The SMC for `kamf`/`ngKsi` as the AMF sends it (DL COUNT `dl`). */
function smc(kamf: Uint8Array, ngKsi: number, o: { hdp?: boolean; dl?: number } = {}): Uint8Array {
  const net = new NetworkNasContext(kamf, ngKsi, 2, 2);
  net.dlNext['3gpp'] = o.dl ?? 0;
  return net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi, replayedCaps: CAPS, hdp: o.hdp })).message;
}

describe('TS 33.501 6.2.3.2: a partial native context "is always non-current" until its SMC takes it into use', () => {
  it('the SMC naming the partial context: it becomes the current full native context and slot NEW is emptied', () => {
    const ue = ue0();
    const old = key(1), fresh = key(2);
    ue.install('current', { kamf: old, ngKsi: 1, type: 'full-native', nea: 2, nia: 2 });
    ue.install('new', { kamf: fresh, ngKsi: 4, type: 'partial-native' });
    expect(ue.securityModeCommand(smc(fresh, 4)).result).toBe('complete');
    const cur = ue.read('current');
    expect([cur.type, cur.ngKsi, toHex(cur.kamf)]).toEqual(['full-native', 4, toHex(fresh)]);
    expect(ue.read('new').type).toBe('none');
    // outside a registration the previous context is not kept (no non-current context is made)
    expect(ue.read('non-current').type).toBe('none');
    expect(inMemory(ue, old)).toBe(false);
  });
});

describe('TS 33.501 6.9.3 (with seed 000\'s change): a new KAMF during a registration keeps the old context until the outcome', () => {
  function hdpRun() {
    const ue = ue0();
    const old = key(3);
    ue.install('current', { kamf: old, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    expect(ue.registrationRequest(RR).count).toBe(0);
    const kamfPrime = ref.kamfPrime(old, 0, 0); // A.13 with the Registration Request's UL COUNT 0
    const r = ue.securityModeCommand(smc(kamfPrime, 2, { hdp: true }));
    expect([r.result, r.oldKept]).toEqual(['complete', true]);
    expect(toHex(ue.read('non-current').kamf)).toBe(toHex(old));
    return { ue, old, kamfPrime };
  }
  it('REGISTRATION ACCEPT: the kept old context is deleted, KAMF′ stays current', () => {
    const { ue, old, kamfPrime } = hdpRun();
    ue.registrationComplete(true);
    expect(toHex(ue.read('current').kamf)).toBe(toHex(kamfPrime));
    expect(ue.read('non-current').type).toBe('none');
    expect(inMemory(ue, old)).toBe(false);
  });
  it('no accept (reject, timeout): rolled back — the old context is current again and KAMF′ is gone', () => {
    const { ue, old, kamfPrime } = hdpRun();
    ue.registrationComplete(false);
    const cur = ue.read('current');
    expect([cur.type, cur.ngKsi, toHex(cur.kamf)]).toEqual(['full-native', 2, toHex(old)]);
    expect(ue.read('non-current').type).toBe('none');
    expect(inMemory(ue, kamfPrime)).toBe(false);
  });
});

describe('TS 24.501 5.4.2.3: an SMC naming the non-current native context while a mapped one is current activates the native one and deletes the mapped one', () => {
  it('native becomes current; the mapped context is nowhere (not current, not non-current, not in memory)', () => {
    const ue = ue0();
    const mapped = key(4), native = key(5);
    ue.install('current', { kamf: mapped, ngKsi: 0x08 | 3, type: 'mapped', nea: 2, nia: 2 });
    ue.install('non-current', { kamf: native, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    expect(ue.securityModeCommand(smc(native, 2)).result).toBe('complete');
    const cur = ue.read('current');
    expect([cur.type, cur.ngKsi, toHex(cur.kamf)]).toEqual(['full-native', 2, toHex(native)]);
    expect(ue.read('non-current').type).toBe('none');
    expect(inMemory(ue, mapped)).toBe(false);
  });
});

describe('TS 33.501 6.2.3.2: "a current context may coexist with one non-current native context" — a mapped context taken into use keeps the native one', () => {
  it('SMC naming the mapped context: mapped current, the native one non-current, slot MAPPED emptied, an older non-current context gone', () => {
    const ue = ue0();
    const older = key(6), native = key(7), mapped = key(8);
    ue.install('non-current', { kamf: older, ngKsi: 5, type: 'full-native', nea: 2, nia: 2 });
    ue.install('current', { kamf: native, ngKsi: 1, type: 'full-native', nea: 2, nia: 2 });
    ue.install('mapped', { kamf: mapped, ngKsi: 0x08 | 4, type: 'mapped', nea: 2, nia: 2 });
    expect(ue.securityModeCommand(smc(mapped, 0x08 | 4)).result).toBe('complete');
    const cur = ue.read('current'), nc = ue.read('non-current');
    expect([cur.type, toHex(cur.kamf)]).toEqual(['mapped', toHex(mapped)]);
    expect([nc.type, nc.ngKsi, toHex(nc.kamf)]).toEqual(['full-native', 1, toHex(native)]);
    expect(ue.read('mapped').type).toBe('none');
    expect(inMemory(ue, older)).toBe(false);
  });
});
