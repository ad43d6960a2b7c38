// smc_process and nas_unprotect with malformed input: every export validates its input and returns
// a status, never traps, and a rejected call changes no state (the firmware's ABI rules, README
// "ABI"). The valid SMC is built by the network model (node:crypto), not by the firmware.
import { describe, expect, it } from 'vitest';
import { ref } from '../../host/reference/kdf.js';
import { toHex } from '../helpers.js';
import { KAMF, NGKSI, protectedSmc, slotBytes, ueAfterRegistrationRequest } from '../procedures/registered-ue.js';

const STATUS_ERR_FORMAT = 9;

describe('a rejected smc_process changes no state: malformed SMCs get an error status, never a trap', () => {
  it('every truncation of a valid HDP SMC returns an error status, no trap, no slot or UE_STATE change; the full message still works afterwards', () => {
    const { ue, rrCount } = ueAfterRegistrationRequest();
    const { message } = protectedSmc(ref.kamfPrime(KAMF, 0, rrCount), NGKSI, { hdp: true });
    const before = slotBytes(ue), state = toHex(ue.rawState());
    for (let len = 0; len < message.length; len++) {
      const fw = ue.module.begin();
      const off = fw.put(message);
      const st = fw.tryCall('smc_process', off, len, 1);
      expect(st, `length ${len}`).not.toBe(0);
      expect(slotBytes(ue), `length ${len}`).toEqual(before);
      expect(toHex(ue.rawState()), `length ${len}`).toBe(state);
    }
    expect(ue.securityModeCommand(message).result).toBe('complete');
  });

  it('SMCs with lying IE lengths (caps LV, TLV, TLV-E past the end; TV cut) are STATUS_ERR_FORMAT without state change', () => {
    const { ue } = ueAfterRegistrationRequest();
    const before = slotBytes(ue), state = toHex(ue.rawState());
    const hdr = [0x7e, 0x03, 0, 0, 0, 0, 0x00];
    const bodies = [
      [0x7e, 0x00, 0x5d, 0x22, 0x02, 0xff, 0xe0, 0xe0],             // caps LV 255
      [0x7e, 0x00, 0x5d, 0x22, 0x02, 0x02, 0xe0, 0xe0, 0x36],       // TLV with no length
      [0x7e, 0x00, 0x5d, 0x22, 0x02, 0x02, 0xe0, 0xe0, 0x36, 0x09, 0x01], // TLV length past the end
      [0x7e, 0x00, 0x5d, 0x22, 0x02, 0x02, 0xe0, 0xe0, 0x78, 0xff, 0xff], // TLV-E 65535
      [0x7e, 0x00, 0x5d, 0x22, 0x02, 0x02, 0xe0, 0xe0, 0x57],       // TV cut
      [0x7e, 0x00, 0x5d, 0x22, 0x02, 0x02, 0xe0, 0xe0, 0x36, 0x00], // Additional 5G security information, length 0
    ];
    for (const b of bodies) {
      const fw = ue.module.begin();
      const m = Uint8Array.from([...hdr, ...b]);
      expect(fw.tryCall('smc_process', fw.put(m), m.length, 1), toHex(m)).toBe(STATUS_ERR_FORMAT);
      expect(slotBytes(ue)).toEqual(before);
      expect(toHex(ue.rawState())).toBe(state);
    }
  });

  it('random garbage of every 7th length up to 1024 at smc_process and nas_unprotect never traps; an unauthenticated SMC costs at most one UL COUNT, the keys stay', () => {
    const { ue } = ueAfterRegistrationRequest();
    let seed = 0x12345678;
    const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed >>> 24; };
    const before = slotBytes(ue);
    for (let len = 0; len <= 1024; len += 7) {
      const m = new Uint8Array(len).map(rnd);
      if (len > 1) { m[0] = 0x7e; m[1] = len % 2 ? 0x03 : 0x02; }
      const fw = ue.module.begin();
      const off = fw.put(m);
      expect(() => fw.tryCall('smc_process', off, len, 1)).not.toThrow();
      expect(() => fw.tryCall('nas_unprotect', 0, 1, off, len)).not.toThrow();
    }
    expect(toHex(ue.read('current').kamf)).toBe(toHex(KAMF));
    expect(slotBytes(ue).slice(1)).toEqual(before.slice(1));
  });
});
