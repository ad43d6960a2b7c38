// The host's mailbox copies (host/firmware/loader.ts): what a caller takes out of IO_OUT is its own
// copy, octet for octet, whatever its length, and words put into IO_IN land as the same octets the
// host took out as words — the KDF key context travels this way (issue 12's hot path).
import { describe, expect, it } from 'vitest';
import { instantiateSync } from '../../host/firmware/loader.js';

describe('mailbox copies between the host and IO_IN / IO_OUT', () => {
  const fw = instantiateSync('ue');
  const mem = new Uint8Array(fw.raw.memory.buffer);
  const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed) & 0xff);

  it('take(off, len) returns exactly IO_OUT[off, off+len) for short (≤ 64) and long results, as a copy the next call cannot change', () => {
    for (const [off, len] of [[0, 0], [0, 1], [3, 4], [0, 32], [8, 64], [0, 65], [100, 1500]]) {
      const want = pattern(off + len, len);
      mem.set(want, fw.outPtr);
      const got = fw.take(off, len);
      expect(Buffer.from(got).toString('hex')).toBe(Buffer.from(want.subarray(off, off + len)).toString('hex'));
      mem.fill(0xee, fw.outPtr, fw.outPtr + off + len);
      expect(got.every((b, i) => b === want[off + i]), `len ${len}: a copy, not a view`).toBe(true);
    }
    fw.clearMailboxes();
  });

  it('putWords(takeWords(…)) moves the same 64 octets, at the next 4-aligned IO_IN offset, and counts them for the wipe', () => {
    const octets = pattern(64, 5);
    mem.set(octets, fw.outPtr);
    const words = fw.takeWords(0, 16);
    mem.fill(0, fw.outPtr, fw.outPtr + 64);
    fw.begin();
    fw.put(Uint8Array.of(1, 2, 3)); // cursor 3 → the words go at 4
    const at = fw.putWords(words);
    expect(at).toBe(4);
    expect(Buffer.from(mem.subarray(fw.inPtr + 4, fw.inPtr + 68)).toString('hex')).toBe(Buffer.from(octets).toString('hex'));
    fw.clearWritten(0);
    expect(mem.subarray(fw.inPtr, fw.inPtr + 68).every((b) => b === 0), 'clearWritten wipes what putWords wrote').toBe(true);
  });

  it('putWords past the end of IO_IN is refused before any octet is written', () => {
    fw.begin();
    fw.reserve(fw.inLen - 60);
    const before = Buffer.from(mem).toString('hex');
    expect(() => fw.putWords(new Uint32Array(16).fill(0x01020304))).toThrow(RangeError);
    expect(Buffer.from(mem).toString('hex')).toBe(before);
    fw.clearMailboxes();
  });
});
