// The USIM module's scratch discipline (README "USIM module"; assembly/usim/memory.ts): a stateless
// MILENAGE/TUAK call computes in WORK, wipes it before returning, and leaves results only in IO_OUT,
// so no byte outside IO_OUT differs after the call — in particular nothing below WORK (the
// personalised card state) is touched. Found by the firmware mutation runner (issue 16): the Keccak
// state moved 176 bytes below WORK survived every deterministic test.
import { describe, expect, it } from 'vitest';
import { instantiateSync } from '../../host/firmware/loader.js';
import { generateAuthVector, milenageOpc, milenageRef, sqnBytes } from '../../host/reference/milenage.js';
import { toHex } from '../helpers.js';

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

// A synchronisation failure (TS 33.102 6.3.3: "If the USIM considers the sequence number to be not
// in the correct range, it shall send synchronisation failure back … including an appropriate
// parameter AUTS"; AUTS = Conc(SQN_MS) ‖ MAC-S with AMF* all zero, also 6.3.3) runs the card's f1* and f5* only, with the
// other outputs "not requested" (pointer 0). Nothing but IO_OUT may change — not the memory below
// IO_IN (where a 0 → 1 pointer would land), not the SQN state (the SQN was refused). Found by the
// firmware mutation runner (issue 16): each not-requested pointer of cardF1(star) and cardF5Star
// as 1 survived every suite. Expected AUTS from the reference (host/reference/milenage.ts).
describe('USIM: a synchronisation failure (AUTS) writes IO_OUT only', () => {
  it('MILENAGE card, replayed AUTN: STATUS_ERR_SYNC, AUTS = (SQN_MS ⊕ AK*) ‖ MAC-S, every octet outside IO_OUT unchanged', () => {
    const usim = instantiateSync('usim');
    const opc = milenageOpc(K, OP), amf = Uint8Array.of(0x80, 0x00), sqn = sqnBytes(0x2a1n);
    usim.begin();
    const k = usim.put(K), op = usim.put(OP);
    expect(usim.tryCall('usim_personalise', 0, k, 16, op, 1, 0)).toBe(0);
    usim.clearMailboxes();
    const v = generateAuthVector(K, opc, RAND, sqn, amf);
    usim.begin();
    let r = usim.put(RAND), a = usim.put(v.autn);
    expect(usim.tryCall('usim_authenticate', r, a, 16)).toBe(0); // SQN accepted: SQN_MS = SQN
    usim.clearMailboxes();
    usim.begin();
    r = usim.put(RAND); a = usim.put(v.autn);
    // the response mailbox holds whatever the host left there: the card must not read it (AMF* is
    // 0x0000 by the clause, not by the mailbox's content) nor leave anything in it but the AUTS
    new Uint8Array(usim.raw.memory.buffer).fill(0x3c, usim.outPtr, usim.outPtr + usim.outLen);
    const before = usim.snapshot();
    expect(usim.tryCall('usim_authenticate', r, a, 16)).toBe(10); // STATUS_ERR_SYNC (README "Status codes")
    const after = usim.snapshot();
    const changed: number[] = [];
    for (let i = 0; i < before.length; i++) if (before[i] !== after[i] && (i < usim.outPtr || i >= usim.outPtr + usim.outLen)) changed.push(i);
    expect(changed).toEqual([]);
    // AUTS with AMF* = 0x0000 in f1* (TS 33.102 6.3.3)
    const o = milenageRef(K, opc, RAND, sqn, new Uint8Array(2));
    const auts = usim.take(usim.constant('OUT_AUTS_OFF'), 14);
    expect(toHex(auts)).toBe(toHex(sqn.map((b, i) => b ^ o.akStar[i])) + toHex(o.macS));
    // IO_OUT: the AUTS length octet and the 14 AUTS octets, nothing else (no AK*, no MAC-S copy)
    const autsOff = usim.constant('OUT_AUTS_OFF'), lenOff = usim.constant('OUT_AUTS_LEN_OFF');
    expect(after[usim.outPtr + lenOff]).toBe(14);
    const stray: number[] = [];
    for (let i = 0; i < usim.outLen; i++) {
      if (i === lenOff || (i >= autsOff && i < autsOff + 14)) continue;
      if (after[usim.outPtr + i] !== 0x3c) stray.push(i);
    }
    expect(stray).toEqual([]);
    usim.clearMailboxes();
  });
});
