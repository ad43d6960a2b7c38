// DEREGISTRATION REQUEST (TS 24.501 5.5.2.2.1, 8.2.12): the ngKSI it carries without a usable
// context. Expected octets come from the clause text, never from the UE firmware or host/ue.
import { describe, expect, it } from 'vitest';
import { SystemSimulator } from '../../host/conformance/ss.js';

describe('TS 24.501 9.11.3.32 / 8.2.12: a DEREGISTRATION REQUEST without a usable context carries ngKSI 111 "no key is available"', () => {
  // Before the fix, usimRemoved() put the ngKSI octet of the current slot into the message even when
  // the slot was empty (its 0) — announcing key set 0 the network never assigned; deregister() already
  // sent 111. TS 24.501 5.5.2.2.1: USIM removal → DEREGISTRATION REQUEST "switch off".
  it('USIM removed before any security context: plain DEREGISTRATION REQUEST, switch off, ngKSI 7', () => {
    const ss = new SystemSimulator();
    const sent = ss.nas.usimRemoved();
    expect([sent[0], sent[1], sent[2]]).toEqual([0x7e, 0x00, 0x45]); // plain 5GMM, DEREGISTRATION REQUEST (UE originating)
    expect(sent[3] >> 4).toBe(7);
    expect(sent[3] & 0x0f).toBe(0x09); // switch off (bit 4), 3GPP access (01)
  });
});
