// KeyDerivation.kdf() is the hot path of a host that drives the TS 33.220 B.2 KDF itself (issue 12:
// the per-call host overhead was cut: quick input checks, no per-call allocation but the result,
// only the written mailbox octets wiped). These tests hold it to what the general path promised:
// node:crypto's HMAC-SHA-256 over S = FC ‖ P0 ‖ L0 ‖ … (TS 33.220 B.2.0), the same named errors for
// bad input, and both mailboxes all zero after every call (issue 17).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { instantiateSync } from '../../host/firmware/loader.js';
import { KeyDerivation } from '../../host/firmware/keys.js';
import { UE } from '../../host/firmware/abi.generated.js';

/** S per TS 33.220 B.2.0: FC ‖ P0 ‖ L0 ‖ … with Li two octets, big-endian. */
const S = (fc: number, ps: Uint8Array[]) => Buffer.concat([Buffer.of(fc), ...ps.flatMap((p) => [Buffer.from(p), Buffer.of(p.length >> 8, p.length & 0xff)])]);
const bytesOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 29 + seed * 7 + 1) & 0xff);

describe.each(['ue', 'ue-fast'] as const)('KeyDerivation.kdf() hot path on build/%s.wasm', (file) => {
  const fw = instantiateSync(file);
  const api = new KeyDerivation(fw);
  const mem = () => new Uint8Array(fw.raw.memory.buffer);
  const mailboxesZero = () => mem().subarray(UE.IO_IN_PTR, UE.IO_IN_PTR + UE.IO_IN_LEN).every((b) => b === 0)
    && mem().subarray(UE.IO_OUT_PTR, UE.IO_OUT_PTR + UE.IO_OUT_LEN).every((b) => b === 0);

  it('equals node:crypto HMAC-SHA-256(key, S) for empty, short and long keys and parameters, and leaves both mailboxes zero', () => {
    const cases: Array<[Uint8Array, number, Uint8Array[]]> = [
      [bytesOf(32, 1), 0x72, [Uint8Array.of(0), Uint8Array.of(0, 0, 0, 5)]], // A.13 KAMF′
      [new Uint8Array(0), 0x10, []],
      [bytesOf(100, 2), 0x6c, [new Uint8Array(0), bytesOf(65, 3)]], // key longer than the block; P0 empty; P1 past the quick byte copy
      [bytesOf(4000, 4), 0xff, [bytesOf(1, 5)]],
      [bytesOf(16, 6), 0x00, Array.from({ length: 12 }, (_, i) => bytesOf(i, i))],
    ];
    for (const [key, fc, ps] of cases) {
      expect(Buffer.from(api.kdf(key, fc, ps)).toString('hex')).toBe(createHmac('sha256', key).update(S(fc, ps)).digest('hex'));
      expect(mailboxesZero(), `key ${key.length} B, ${ps.length} parameters`).toBe(true);
    }
  });

  it('bad input gets the field-naming error it always got, and changes no memory', () => {
    const before = mem().slice();
    const detached = new Uint8Array(8); structuredClone(detached.buffer, { transfer: [detached.buffer] });
    const bad: Array<[() => unknown, RegExp]> = [
      [() => api.kdf('00' as never, 1, []), /^key must be a Uint8Array/],
      [() => api.kdf(detached, 1, []), /^key is a view of a detached ArrayBuffer/],
      [() => api.kdf(new Uint8Array(4097), 1, []), /^key must be 0–4096 bytes, got 4097/],
      [() => api.kdf(new Uint8Array(32), 256, []), /^fc must be 0–255, got 256/],
      [() => api.kdf(new Uint8Array(32), -1, []), /^fc must be 0–255, got -1/],
      [() => api.kdf(new Uint8Array(32), 1.5, []), /^fc must be an integer/],
      [() => api.kdf(new Uint8Array(32), Number.NaN, []), /^fc must be an integer/],
      [() => api.kdf(new Uint8Array(32), 1, 'x' as never), /^params must be an array/],
      [() => api.kdf(new Uint8Array(32), 1, [Uint8Array.of(1), new Uint8Array(65536)]), /^params\[1\] must be 0–65535 bytes, got 65536/],
      [() => api.kdf(new Uint8Array(32), 1, [Uint8Array.of(1), [1] as never]), /^params\[1\] must be a Uint8Array/],
      [() => api.kdf(new Uint8Array(32), 1, [new Uint8Array(4000), new Uint8Array(100)]), /^params key, parameters and table must fit the 4096-byte mailbox/],
    ];
    for (const [f, msg] of bad) expect(f).toThrow(msg);
    expect(Buffer.compare(Buffer.from(mem()), Buffer.from(before))).toBe(0);
  });
});

describe('Firmware.clearWritten: the hot-path mailbox wipe', () => {
  it('zeroes what the host put into IO_IN and the given IO_OUT octets; a full clear is still every octet', () => {
    const fw = instantiateSync('ue');
    const mem = new Uint8Array(fw.raw.memory.buffer);
    fw.begin(); fw.put(new Uint8Array(100).fill(0xa5)); const t = fw.reserve(8); fw.putU32(t, 0xffffffff); fw.putAt(200, new Uint8Array(10).fill(7));
    mem.fill(0x5a, UE.IO_OUT_PTR, UE.IO_OUT_PTR + 32);
    fw.clearWritten(32);
    expect(mem.subarray(UE.IO_IN_PTR, UE.IO_IN_PTR + UE.IO_IN_LEN).every((b) => b === 0)).toBe(true);
    expect(mem.subarray(UE.IO_OUT_PTR, UE.IO_OUT_PTR + UE.IO_OUT_LEN).every((b) => b === 0)).toBe(true);
    // it wipes no more than it is told: an IO_OUT octet past outUsed stays (the full clear takes it)
    mem[UE.IO_OUT_PTR + 40] = 1;
    fw.clearWritten(32);
    expect(mem[UE.IO_OUT_PTR + 40]).toBe(1);
    fw.clearMailboxes();
    expect(mem[UE.IO_OUT_PTR + 40]).toBe(0);
  });
});
