// The USIM module's scratch discipline (README "USIM module"; assembly/usim/memory.ts): a stateless
// MILENAGE/TUAK call computes in WORK, wipes it before returning, and leaves results only in IO_OUT,
// so no byte outside IO_OUT differs after the call — in particular nothing below WORK (the
// personalised card state) is touched. Found by the firmware mutation runner (issue 16): the Keccak
// state moved 176 bytes below WORK survived every deterministic test.
import { describe, expect, it } from 'vitest';
import { instantiateSync } from '../../host/firmware/loader.js';

const card = instantiateSync('usim');
const outside = (before: Uint8Array, after: Uint8Array) => {
  const changed: number[] = [];
  for (let i = 0; i < before.length; i++) {
    if (before[i] !== after[i] && (i < card.outPtr || i >= card.outPtr + card.outLen)) changed.push(i);
  }
  return changed;
};
const K = Uint8Array.from({ length: 16 }, (_, i) => 0x40 + i);
const TOP = Uint8Array.from({ length: 32 }, (_, i) => 0x90 ^ i);
const OP = Uint8Array.from({ length: 16 }, (_, i) => 0x21 * i);
const RAND = Uint8Array.from({ length: 16 }, (_, i) => 0x11 * (i + 1));

describe('stateless USIM calls change no byte outside IO_OUT', () => {
  it('tuak_topc (Keccak state in WORK, TS 35.231 6.1)', () => {
    card.begin();
    const k = card.put(K), t = card.put(TOP);
    const before = card.snapshot();
    expect(card.tryCall('tuak_topc', k, 16, t, 1)).toBe(0);
    expect(outside(before, card.snapshot())).toEqual([]);
  });
  it('milenage_opc and milenage_f2345 (AES round keys in WORK, TS 35.206)', () => {
    card.begin();
    const k = card.put(K), op = card.put(OP), r = card.put(RAND);
    let before = card.snapshot();
    expect(card.tryCall('milenage_opc', k, op)).toBe(0);
    expect(outside(before, card.snapshot())).toEqual([]);
    before = card.snapshot();
    expect(card.tryCall('milenage_f2345', k, op, r)).toBe(0);
    expect(outside(before, card.snapshot())).toEqual([]);
  });
});

// Nothing lives below IO_IN in the USIM module (assembly/usim/memory.ts starts its regions there),
// so after any call that memory is still all zero: a MAC written through a "not requested" (0)
// output pointer would land there. AUTHENTICATE computes MAC-A only (f1 with no MAC-S output,
// TS 35.206 f1; TS 33.102 6.3.3).
describe('USIM: the memory below IO_IN stays all zero', () => {
  it('after personalisation (MILENAGE) and AUTHENTICATE, octets [0, IO_IN_PTR) are zero', () => {
    const usim = instantiateSync('usim');
    usim.begin();
    const k = usim.put(K), op = usim.put(OP);
    expect(usim.tryCall('usim_personalise', 0, k, 16, op, 1, 0)).toBe(0);
    usim.clearMailboxes();
    usim.begin();
    const r = usim.put(RAND), autn = usim.put(Uint8Array.from({ length: 16 }, (_, i) => i * 5));
    usim.tryCall('usim_authenticate', r, autn, 16); // a MAC failure is fine: f1 ran
    const low = usim.snapshot().subarray(0, usim.constant('IO_IN_PTR'));
    expect(low.length).toBeGreaterThan(0);
    expect(low.every((b) => b === 0)).toBe(true);
    usim.clearMailboxes();
  });
});
