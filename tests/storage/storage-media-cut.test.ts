// Survivors of the Stryker run on host/storage (issue 16), killed by the contracts they broke:
// a power cut is final (a dead medium is never written again, not even a torn piece), a cut
// without tearing does not touch the medium at all, and only errno *strings* become image errors.
import { describe, expect, it } from 'vitest';
import { MemoryMedium, PowerCutMedium, PowerLossError, type Medium } from '../../host/storage/medium.js';
import { fsError } from '../../host/storage/errors.js';

describe('PowerCutMedium: the cut is final', () => {
  it('after a torn step, a later write writes nothing (not another torn piece) and throws', () => {
    const inner = new MemoryMedium(128, 0);
    const p = new PowerCutMedium(inner, 0, 2);
    expect(() => p.write(0, Uint8Array.of(1, 2, 3))).toThrow(PowerLossError);
    expect(() => p.write(10, Uint8Array.of(4, 5, 6))).toThrow(PowerLossError);
    expect(inner.read(0, 16)).toEqual(Uint8Array.of(1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  });
  it('a cut without tearing (tornBytes 0) makes no write call on the medium below', () => {
    const calls: number[] = [];
    const inner: Medium = { size: 128, read: () => new Uint8Array(0), write: (_o, d) => { calls.push(d.length); } };
    const p = new PowerCutMedium(inner, 1);
    p.write(0, Uint8Array.of(9));
    expect(() => p.write(1, Uint8Array.of(9, 9))).toThrow(PowerLossError);
    expect(calls).toEqual([1]);
  });
});

describe('fsError: only a string errno code makes an image error', () => {
  it('a code that only prints like an errno (an object whose text is "EIO") is rethrown as it is', () => {
    const e = Object.assign(new Error('raw'), { code: { toString: () => 'EIO' } });
    let got: unknown;
    try { fsError(e, 'p', 'read'); } catch (x) { got = x; }
    expect(got).toBe(e);
  });
});
