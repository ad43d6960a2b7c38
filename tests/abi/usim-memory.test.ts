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
